"""Datasets the scenario models read at run time (registered in the data catalogue).

Elasticities: Hauk (2012) U.S. import demand and substitution elasticities (GitHub
BillHauk/tradeelasticityestimates, Stata files; the mirror holds gzip CSV conversions) and
Broda-Weinstein (2006) HTS-10 substitution elasticities (R package ``concordance`` data-raw XLS;
the mirror holds a CSV conversion). GE example: the gegravity package's 30-country 2006 sample.
Japan's side: U.S. exports by HS chapter and partner (USITC DataWeb, 2020-2024).
Checksums are of the mirror copies, uncompressed (their form differs from the publishers').
"""

from __future__ import annotations

from tariffline.data.catalog import Dataset, register

_HAUK = "https://github.com/BillHauk/tradeelasticityestimates/tree/0ab196e3b3fd1fe541488da8b90e8eb80a0835aa/imports"
_HAUK_NOTE = ("Hauk, 'U.S. Import and Export Elasticities: A Panel Data Approach', Empirical Economics "
              "(2012), doi:10.1007/s00181-011-0456-1; 1989-2001 estimates on 1990s HTS codes.")

HAUK_HS10 = register(Dataset(
    name="hauk2012_import_hs10_elasticities", title="U.S. import demand elasticities, HS-10 (Hauk 2012)",
    publisher="William R. Hauk Jr. (replication data)", url=f"{_HAUK}/hs10imports/hs10elasticities.dta",
    mirror_path="us_import_elasticities_hauk2012/import_hs10elasticities.csv.gz",
    mirror_sha256="82ca018bf4ab559d640f6dfdda22ddccdffaf9b816514b07584b51a8455aa443", note=_HAUK_NOTE))
HAUK_HS6 = register(Dataset(
    name="hauk2012_import_hs6_elasticities", title="U.S. import demand elasticities, HS-6 (Hauk 2012)",
    publisher="William R. Hauk Jr. (replication data)", url=f"{_HAUK}/hs6imports/hs6elasticities.dta",
    mirror_path="us_import_elasticities_hauk2012/import_hs6elasticities.csv.gz",
    mirror_sha256="444a216d90038f0bf307a43a7401f8891a5fd84229386ab1d3f4fac1ae6c7a29", note=_HAUK_NOTE))
HAUK_SUB10 = register(Dataset(
    name="hauk2012_import_hs10_substitution",
    title="U.S. import elasticities of substitution between origins, HS-10 (Hauk 2012)",
    publisher="William R. Hauk Jr. (replication data)", url=f"{_HAUK}/hs10imports/hs10substitution.dta",
    mirror_path="us_import_elasticities_hauk2012/import_hs10substitution.csv.gz",
    mirror_sha256="87166d7b0074833f861476345d150e3162e4ed9eaf8695a38faab2c745d4cd19", note=_HAUK_NOTE))
BW_SIGMA = register(Dataset(
    name="broda_weinstein_sigma_hts10",
    title="Elasticities of substitution for U.S. imports, HTS-10, 1990-2001 (Broda and Weinstein 2006)",
    publisher="C. Broda and D. Weinstein (via R package concordance data-raw)",
    url=("https://github.com/insongkim/concordance/blob/201c812e51f213d967d8701b6ed6398c79df4a04/"
         "data-raw/ElasticitiesBrodaWeinstein90-01_HTS.xls"),
    mirror_path="broda_weinstein_sigma_us_hts10/broda_weinstein_sigma_hts10_1990_2001.csv",
    mirror_sha256="08d1bac3a62a9129f38b13e2b3d1ef5ee31718a587d043493fcff2e98fe00574",
    note="Broda and Weinstein, 'Globalization and the Gains from Variety', QJE 121(2), 2006."))
GE_SAMPLE = register(Dataset(
    name="gegravity_sample", title="gegravity example gravity data (30 countries, 2006; illustrative)",
    publisher="Peter R. Herman / USITC (gegravity, MIT license)",
    url=("https://github.com/peter-herman/gegravity/blob/358cba1eb086c018781c3f5fa97082143e5f7369/"
         "examples/sample_data_set.dlm"),
    mirror_path="gegravity_sample/sample_data_set.csv",
    mirror_sha256="9a81286e50bc05e681a265929c1474dc9bb11812c689ce9b76f1bb629f723f13",
    note="Toy data for examples: old (2006) and illustrative, not for policy numbers."))
US_EXPORTS_HS2 = register(Dataset(
    name="usitc_dataweb_exports_hs2_country",
    title="U.S. total exports, FAS value, HS-2 chapter x partner country, 2020-2024 (USITC DataWeb)",
    publisher="USITC DataWeb (U.S. Census Bureau export statistics; public domain)",
    url=("https://raw.githubusercontent.com/twj0/2025apmcm/ecde95c070278b468e36dcaf4ee56232ebc73276/"
         "2025/problems/Tariff%20Data/DataWeb-Query-Export__FAS_Value.csv"),
    mirror_path="usitc_dataweb_hs2_by_country_2020_2024/DataWeb-Query-Export__FAS_Value.csv.gz",
    mirror_sha256="9f5bd5dc95224ff6d68ae5a9e45da61019e92bfc4094aa19de12ceb77ba08d55",
    note=("DataWeb query export of 2025-08-07 (all countries, HTS2, annual), as kept in the 2025 APMCM "
          "contest repository; the 2025 column is empty. Weights for Japan's side of scenarios.")))
