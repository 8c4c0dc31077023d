"""The USITC Harmonized Tariff Schedule: editions on hand, CSV/JSON loaders, rate parser.

- :mod:`tariffline.hts.editions` — which HTS edition is in force on a date, where each comes from.
- :mod:`tariffline.hts.loader` — read an edition (USITC CSV or JSON export) into polars tables.
- :mod:`tariffline.hts.codes` — HTS code normalisation ("8703.23.01" -> "87032301").
- :mod:`tariffline.hts.rates` — parse rate-of-duty texts ("$1.035/kg + 2.4%") into structure,
  ad valorem equivalents; :mod:`tariffline.hts.units` — units of specific duties.
- :mod:`tariffline.hts.special` / :mod:`tariffline.hts.programs` — the Special column's
  (program indicator, rate) pairs.
- :mod:`tariffline.hts.coverage` / :mod:`tariffline.hts.show` — parse coverage and line display.
"""
