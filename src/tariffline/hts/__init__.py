"""The USITC Harmonized Tariff Schedule: editions on hand, CSV/JSON loaders, rate parser.

- :mod:`tariffline.hts.editions` — which HTS edition is in force on a date, where each comes from.
- :mod:`tariffline.hts.loader` — read an edition (USITC CSV or JSON export) into polars tables.
- :mod:`tariffline.hts.rates` — parse rate-of-duty texts ("$1.035/kg + 2.4%") into structure.
- :mod:`tariffline.hts.special` — split the Special column into (program indicator, rate) pairs.
- :mod:`tariffline.hts.coverage` / :mod:`tariffline.hts.show` — parse coverage and line display.
"""
