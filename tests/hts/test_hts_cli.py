"""`tariffline hts ...` commands: output, JSON, exit codes, one-line errors."""

import json

import pytest

from tariffline.cli.app import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code or 0, out.out, out.err


def test_show_json(capsys):
    code, out, _ = run(capsys, "hts", "show", "8703.23.01.10", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["general"]["inherited_from"] == "8703.23.01"
    assert data["general"]["parsed"]["adv"] == 0.025
    assert data["special"]["groups"][0]["rate"]["kind"] == "free"


def test_show_text_and_other_edition(capsys):
    code, out, _ = run(capsys, "hts", "show", "0101.30.00.00", "--edition", "hts_2025_basic")
    assert code == 0 and "Asses" in out and "6.8%" in out and "2025 HTS Basic Edition" in out


def test_coverage_json_and_text(capsys):
    code, out, _ = run(capsys, "hts", "coverage", "--edition", "hts_2025_basic", "--json")
    cols = {c["column"]: c for c in json.loads(out)["columns"]}
    assert code == 0 and cols["column2"]["unparsed"][0]["text"] == ":"
    code, out, _ = run(capsys, "hts", "coverage")
    assert code == 0 and "general" in out and "2026 HTS Revision 10" in out  # the latest edition on hand


def test_editions_and_parse(capsys):
    code, out, _ = run(capsys, "hts", "editions", "--json")
    names = [e["name"] for e in json.loads(out)]
    assert code == 0 and names[0] == "hts_2019_rev20" and names[-1] == "hts_2026_rev10"
    assert {"hts_2025_basic", "hts_2026_rev4"} <= set(names) and len(names) == 53
    code, out, _ = run(capsys, "hts", "parse", "$1.035/kg + 2.4%", "--json")
    parsed = json.loads(out)["parsed"]
    assert code == 0 and parsed["kind"] == "compound" and parsed["adv"] == 0.024
    code, out, _ = run(capsys, "hts", "parse", "Free (A*,AU) 2.4% (JP)", "--json")
    groups = json.loads(out)["groups"]
    assert code == 0 and [g["rate"]["adv"] for g in groups] == [0.0, 0.024]
    assert groups[1]["programs"] == [{"code": "JP", "program": "United States-Japan Trade Agreement"}]
    code, out, _ = run(capsys, "hts", "parse", "25¢/kg + 15%")
    assert code == 0 and "compound" in out and "0.25 USD/kg" in out


@pytest.mark.parametrize("args,message", [
    (("hts", "show", "8703.2"), "is malformed"),
    (("hts", "show", "8703.23.01.99"), "nearest existing codes"),
    (("hts", "show", "8703.23.01", "--edition", "hts_1999"), "unknown HTS edition"),
    (("hts", "coverage", "--edition", "/no/such/file.csv"), "does not exist"),
])
def test_errors_are_one_line(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 1
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
