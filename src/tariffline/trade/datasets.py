"""Trade datasets tariffline reads at run time (registered in the data catalogue).

The 2024 annual basket (U.S. imports by HTS-10 x Census country) is U.S. Census Bureau data.
Its official address is the Census international trade API query that returns the same table
(imports for consumption, customs value, year to date at December). A mirror holds the
Budget Lab at Yale's compilation of the same Census values as CSV; the loader reads either form.
"""

from __future__ import annotations

from tariffline.data.catalog import Dataset, register
from tariffline.trade.census_api import ENDPOINT, Period, annual_query_url

# Years for which a complete basket is catalogued as one dataset (mirror CSV or API JSON).
BASKET_DATASETS: dict[int, Dataset] = {
    2024: register(
        Dataset(
            name="us_imports_hs10_country_2024",
            title="U.S. imports for consumption 2024 by HTS-10 x Census country (USD)",
            publisher="U.S. Census Bureau (mirror: Budget Lab at Yale compilation of the same data)",
            url=annual_query_url(Period(2024)),
            mirror_path="us_imports_hs10_country_2024/us_imports_hs10_country_2024.csv.gz",
            filename="us_imports_hs10_country_2024.census.json",
            note=(
                f"Official source: {ENDPOINT} (CON_VAL_YR at time=2024-12). The mirror CSV "
                "(hs10,gtap_code,cty_code,imports) carries no quantities and no metadata; its value "
                "measure is most likely imports for consumption (unconfirmed)."
            ),
            meta={"edition": "2024 annual", "measure": "imports for consumption, customs value (USD)"},
        )
    ),
}
