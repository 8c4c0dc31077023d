"""The USITC JSON export format, on small files the tests write; also CSV files given by path."""

import datetime as dt
import gzip
import json

import pytest

from tariffline.errors import DataError, InputError
from tariffline.hts import editions as editions_mod
from tariffline.hts.editions import add_edition, edition_for
from tariffline.hts.loader import load_edition

ROWS = [
    {"htsno": "0101", "indent": "0", "description": "Live horses, asses, mules and hinnies:",
     "superior": None, "units": [], "general": "", "special": "", "other": "", "footnotes": [],
     "quotaQuantity": "", "additionalDuties": "", "addiitionalDuties": None},
    {"htsno": "", "indent": "1", "description": "Horses:", "superior": "true", "units": [], "general": "",
     "special": "", "other": "", "footnotes": None, "quotaQuantity": None, "additionalDuties": None},
    {"htsno": "0101.21.00", "indent": "2", "description": "Purebred breeding animals", "superior": None,
     "units": [], "general": "Free", "special": "", "other": "Free",
     "footnotes": [{"columns": ["general"], "value": "See 9903.88.15. ", "type": "endnote"}],
     "quotaQuantity": None, "additionalDuties": None},
    {"htsno": "0101.21.00.10", "indent": "3", "description": "Males", "superior": None, "units": ["No."],
     "general": "", "special": "", "other": "", "footnotes": [], "quotaQuantity": None, "additionalDuties": None},
    {"htsno": "0101.30.00.00", "indent": "1", "description": "Asses", "superior": None, "units": ["No."],
     "general": "6.8%", "special": "Free (A+,AU,BH,CL,CO,D,E,IL,JO,JP,KR,MA,OM,P,PA,PE,S,SG)",
     "other": "15%", "footnotes": [], "quotaQuantity": None, "additionalDuties": None},
    {"htsno": "9904.02.01", "indent": "1", "description": "Sugar", "superior": None, "units": ["kg"],
     "general": "", "special": "", "other": "", "footnotes": [], "quotaQuantity": None,
     "additionalDuties": None, "addiitionalDuties": "66.6¢/kg"},
]


def _write(tmp_path, name, rows, gz=False):
    path = tmp_path / name
    data = json.dumps(rows).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_json_export_loads(tmp_path, gz):
    path = _write(tmp_path, "hts_test.json" + (".gz" if gz else ""), ROWS, gz)
    ed = load_edition(path)
    assert ed.lines.get_column("hts").to_list() == ["0101", "01012100", "0101210010", "0101300000", "99040201"]
    males = ed.line("0101.21.00.10")
    assert (males["eff_general_text"], males["general_from"], males["units"]) == ("Free", "01012100", ["No."])
    assert males["path_description"] == "Live horses, asses, mules and hinnies: > Horses: > Purebred breeding animals"
    assert ed.line("0101.21.00")["footnotes"] == ["general: See 9903.88.15."]
    assert ed.line("9904.02.01")["additional_text"] == "66.6¢/kg"
    asses = ed.line("0101.30.00.00")
    assert (asses["gen_adv"], asses["col2_adv"]) == (0.068, 0.15)
    assert ed.special.filter(ed.special["program"] == "JP").get_column("hts").to_list() == ["0101300000"]
    assert ed.info.effective_from is None and ed.info.confidence == "uncertain"


def test_csv_export_by_path_and_added_edition(tmp_path, monkeypatch):
    monkeypatch.setattr(editions_mod, "_ADDED", {})
    header = ('\ufeff"HTS Number","Indent","Description","Unit of Quantity","General Rate of Duty",'
              '"Special Rate of Duty","Column 2 Rate of Duty","Quota Quantity","Additional Duties"\n')
    body = ('"0101","0","Live horses:","","","","","",""\n'
            '"0101.30.00.00","1","Asses","[""No.""]","6.8%","Free (A+,AU,JP)","15%","",""\n')
    path = tmp_path / "hts_2019_test.csv"
    path.write_text(header + body, encoding="utf-8")
    info = add_edition(path, edition="2019 test edition", effective_from=dt.date(2019, 1, 1),
                       effective_to=dt.date(2019, 2, 1), source="test fixture")
    ed = load_edition(str(path))
    assert ed.info == info and ed.line("0101.30.00.00")["gen_adv"] == 0.068
    assert edition_for(dt.date(2019, 1, 15)) == info
    assert edition_for(dt.date(2018, 6, 1)).nearest


@pytest.mark.parametrize("content,message", [
    (b"[1, 2]", "list of line objects"),
    (b'[{"htsno": "0101"}]', "lack key"),
    (b"[{broken", "not valid JSON"),
    (b'"HTS Number","Indent"\n"0101","0"\n', "lacks column"),
])
def test_broken_files_raise_data_error(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        load_edition(path)


def test_bad_indent_and_codes_name_the_row(tmp_path):
    rows = [dict(ROWS[0], indent="x")]
    with pytest.raises(DataError, match="row 1: indent 'x'"):
        load_edition(_write(tmp_path, "bad_indent.json", rows))
    rows = [dict(ROWS[0], htsno="01A1")]
    with pytest.raises(DataError, match="unexpected character"):
        load_edition(_write(tmp_path, "bad_code.json", rows))
    with pytest.raises(DataError, match="more than once"):
        load_edition(_write(tmp_path, "dup.json", [ROWS[0], ROWS[0]]))


def test_missing_file_and_unknown_name():
    with pytest.raises(InputError, match="does not exist"):
        load_edition("/nowhere/hts.csv")
    with pytest.raises(InputError, match="unknown HTS edition 'hts_1999'"):
        load_edition("hts_1999")
