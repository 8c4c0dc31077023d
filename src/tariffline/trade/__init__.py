"""U.S. import trade data: the annual HTS-10 x country basket and the Census trade API client.

:mod:`tariffline.trade.imports` loads an import basket for a year (mirror first, then the
official Census API); :mod:`tariffline.trade.census_api` is the API client with its cache.
"""
