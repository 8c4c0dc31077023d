"""Effective tariff rates (ETR): engine duties on a fixed import basket divided by its value.

``compute`` (one date, by origin and authority), ``series`` (daily, recomputed only at change
points), ``comparators`` (Japan beside other origins), ``crs`` (the CRS figures reproduced),
``chart`` (PNG/SVG) and ``api`` (the verbs the CLI uses). Every result carries its provenance
(:mod:`tariffline.etr.provenance`).
"""
