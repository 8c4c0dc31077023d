"""Datasets shared by several parts of tariffline (country codes, curated product lists)."""

from tariffline.data.catalog import Dataset, register

CENSUS_COUNTRY_CODES = register(
    Dataset(
        name="census_country_codes",
        title="Census Schedule C country codes",
        publisher="U.S. Census Bureau",
        url="https://www.census.gov/foreign-trade/schedules/c/country.txt",
        mirror_path="us_imports_hs10_country_2024/census_country_codes.csv",
        note="Mirror copy is Code,Name CSV; the official file is pipe-delimited with ISO codes.",
    )
)

# Product lists derived from proclamation/EO annexes and HTS Chapter 99 notes by the
# Budget Lab at Yale (MIT licence); pinned to one commit. Third-party: rules that use them
# say so and carry a confidence below 'confirmed' for list membership.
YALE_COMMIT = "8315fffd697c42559141ed5f8bf7c8fa3da47ae8"
_YALE_BASE = f"https://raw.githubusercontent.com/Budget-Lab-Yale/tariff-rate-tracker/{YALE_COMMIT}"
_YALE_FILES = {
    "ieepa_exempt_products.csv": "resources/ieepa_exempt_products.csv",
    "s122_exempt_products.csv": "resources/s122_exempt_products.csv",
    "s232_annex_products.csv": "resources/s232_annex_products.csv",
    "s232_derivative_products.csv": "resources/s232_derivative_products.csv",
    "s232_copper_products.csv": "resources/s232_copper_products.csv",
    "s232_auto_parts.txt": "resources/s232_auto_parts.txt",
    "s232_mhd_parts.txt": "resources/s232_mhd_parts.txt",
    "s301_product_lists.csv": "resources/s301_product_lists.csv",
    "fentanyl_carveout_products.csv": "resources/fentanyl_carveout_products.csv",
    "revision_dates.csv": "config/revision_dates.csv",
    "chapter99_2026_rev_6.txt.gz": "data/us_notes/chapter99_2026_rev_6.txt",
}
for _file, _path in _YALE_FILES.items():
    register(
        Dataset(
            name="yale:" + _file.split(".")[0],
            title=f"Budget Lab at Yale product list {_file}",
            publisher="The Budget Lab at Yale (derived from official annexes; verify)",
            url=f"{_YALE_BASE}/{_path}",
            mirror_path=f"yale_tariff_tracker_policy_lists/{_file}",
            filename=_file.removesuffix(".gz"),
        )
    )
