"""The HTTP API: every endpoint answers, bad input is a 4xx {"error"} with the CLI's message, and
the JSON equals the CLI's --json for the same query.

Expected values: 8703.23.01 from Japan entered 2025-10-01 owes 15% in all (the issue's golden case:
Executive Order 14345, the U.S.-Japan agreement's 15% all-in rate on Japanese passenger cars,
HTS 9903.94.xx), with every layer cited.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tariffline.cli.app import app as cli_app

DUTY = "/api/duty?hts=8703.23.01&origin=JP&date=2025-10-01&value=30000"


def cli_json(*args: str):
    res = CliRunner().invoke(cli_app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_duty_golden_case_is_cited_and_equals_cli(client):
    r = client.get(DUTY)
    assert r.status_code == 200
    body = r.json()
    assert body["total_rate"] == pytest.approx(0.15)
    assert body["layers"] and all(lay["citation"] for lay in body["layers"])
    assert body == cli_json("duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01", "--value", "30000")


@pytest.mark.parametrize("url, cli", [
    ("/api/hts/8703.23.01", ["hts", "show", "8703.23.01"]),
    ("/api/hts/search?q=passenger+motor+vehicles&date=2025-10-01&limit=5",
     ["hts", "search", "passenger", "motor", "vehicles", "--date", "2025-10-01", "--limit", "5"]),
    ("/api/japan/rate?hs=0201.30&origin=US&date=2026-06-01", ["japan", "rate", "0201.30", "--origin", "US", "--date", "2026-06-01"]),
    ("/api/japan/compare?hs=0201.30&date=2026-06-01", ["japan", "compare", "0201.30", "--date", "2026-06-01"]),
    ("/api/japan/parity?date=2026-06-01&chapter=02", ["japan", "parity", "--date", "2026-06-01", "--chapter", "02"]),
    ("/api/commitments/status?as_of=2026-03-31", ["commitments", "status", "--as-of", "2026-03-31"]),
    ("/api/commitments/deadlines?as_of=2026-03-01&days=150",
     ["commitments", "deadlines", "--as-of", "2026-03-01", "--days", "150"]),
    ("/api/events?start=2026-01-01&end=2026-12-31&kind=measure",
     ["events", "--start", "2026-01-01", "--end", "2026-12-31", "--kind", "measure"]),
    ("/api/timeline?hts=9503.00.00&origin=JP&start=2025-01-01&end=2025-12-31",
     ["timeline", "9503.00.00", "--origin", "JP", "--start", "2025-01-01", "--end", "2025-12-31"]),
    ("/api/etr?origin=JP&date=2025-10-01&by=authority", ["etr", "--origin", "JP", "--date", "2025-10-01", "--by", "authority"]),
])
def test_endpoint_json_equals_cli(client, url, cli):
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.json() == cli_json(*cli)


def test_health_reports_law_currency_and_data(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["law_current_through"] == cli_json("duty", "9503.00.00", "--origin", "JP", "--date",
                                                   "2025-10-01")["law_current_through"]
    assert body["hts_editions"]


def test_etr_series_answers_each_change_point(client):
    body = client.get("/api/etr/series?origin=JP&start=2025-09-20&end=2025-10-05").json()
    assert body["origin"] == "JP" and body["points"]
    assert all("2025-09-20" <= p["date"] <= "2025-10-05" for p in body["points"])


@pytest.mark.parametrize("url, status, message", [
    ("/api/duty?hts=xx&origin=JP&date=2025-10-01", 400, "HTS code 'xx' is malformed"),
    ("/api/duty?hts=8703.23.01&origin=JP", 422, "date"),
    ("/api/duty?hts=8703.23.01&origin=JP&date=2025-10-01&value=abc", 422, "value"),
    ("/api/timeline?hts=8703.23.01&origin=JP&start=2026-01-01&end=2025-01-01", 400, ""),
    ("/api/timeline?hts=8703.23.01&origin=JP&start=1900-01-01&end=2099-01-01", 400, "longer than"),
    ("/api/hts/search?q=car&limit=0", 422, "limit"),
    ("/api/hts/12", 400, ""),
    ("/api/japan/rate?hs=0201.30&origin=ZZZ&date=2026-06-01", 400, ""),
    ("/api/japan/compare?hs=abc&date=2026-06-01", 400, ""),
    ("/api/japan/parity?date=not-a-day", 400, ""),
    ("/api/etr?date=2025-10-01", 400, "--origin is required"),
    ("/api/etr?origin=JP&date=2025-10-01&by=planet", 400, "--by 'planet'"),
    ("/api/etr/series?origin=JP&start=2025-01-01", 422, "end"),
    ("/api/commitments/status?as_of=2026-03-31&commitment=nope", 400, "unknown commitment nope"),
    ("/api/commitments/deadlines?as_of=2026-03-01&days=-1", 422, "days"),
    ("/api/events?end=2020-01-01&start=2021-01-01", 400, "before start date"),
    ("/api/nowhere", 404, "Not Found"),
])
def test_bad_input_is_4xx_json_error(client, url, status, message):
    r = client.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert message in r.json()["error"]


def test_bad_input_message_is_the_clis(client):
    res = CliRunner().invoke(cli_app, ["duty", "12", "--origin", "JP", "--date", "2025-10-01"])
    assert res.exit_code != 0
    msg = client.get("/api/duty?hts=12&origin=JP&date=2025-10-01").json()["error"]
    assert msg == str(res.exception)


def test_batch_upload_json_and_file(client):
    csv = b"hts,origin,entry_date,value\n8703.23.01,JP,2025-10-01,30000\n9503.00.00,JP,2025-10-01,1000\n"
    r = client.post("/api/batch", files={"ledger": ("led.csv", csv, "text/csv")})
    assert r.status_code == 200, r.text
    rows = r.json()
    assert len(rows) == 2 and rows[0]["total_rate"] == pytest.approx(0.15)
    r = client.post("/api/batch?output=csv", files={"ledger": ("led.csv", csv, "text/csv")})
    assert r.status_code == 200 and r.text.startswith("hts,origin")


def test_batch_refuses_bad_names_and_oversize(client, monkeypatch):
    from tariffline.web import limits

    r = client.post("/api/batch", files={"ledger": ("../../etc/passwd", b"x", "text/plain")})
    assert r.status_code == 400 and "must end in" in r.json()["error"]
    monkeypatch.setattr(limits, "MAX_UPLOAD_BYTES", 10)
    r = client.post("/api/batch", files={"ledger": ("led.csv", b"hts,origin\n" * 5, "text/csv")})
    assert r.status_code == 413 and "larger than" in r.json()["error"]
    monkeypatch.setattr(limits, "MAX_UPLOAD_BYTES", 10_000)
    monkeypatch.setattr(limits, "MAX_UPLOAD_ROWS", 1)
    csv = b"hts,origin,entry_date,value\n8703.23.01,JP,2025-10-01,1\n8703.23.01,JP,2025-10-01,1\n"
    r = client.post("/api/batch", files={"ledger": ("led.csv", csv, "text/csv")})
    assert r.status_code == 413 and "2 rows" in r.json()["error"]


def test_openapi_lists_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/duty", "/api/timeline", "/api/batch", "/api/hts/search", "/api/hts/{code}",
              "/api/japan/rate", "/api/japan/compare", "/api/japan/parity", "/api/etr", "/api/etr/series",
              "/api/commitments/status", "/api/commitments/deadlines", "/api/events", "/api/health"):
        assert p in paths
    assert client.get("/docs").status_code == 200


def test_cors_is_off(client):
    r = client.get("/api/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_scenarios(client):
    r = client.get("/api/scenarios")
    assert r.status_code == 200 and isinstance(r.json(), list) and r.json()
    assert r.json() == cli_json("scenario", "list")
    r = client.post("/api/scenarios/..%2F..%2Fetc%2Fpasswd/run?date=2025-10-01")
    assert r.status_code in (400, 404) and "error" in r.json()


@pytest.mark.parametrize("url, text", [
    ("/changes?start=2025-01-01&end=2025-12-31", "Changes in the law"),
    ("/commitments?date=2026-03-31", "Framework commitments"),
    ("/", "U.S. duty on one entry"),
])
def test_pages_show_law_currency(client, url, text):
    r = client.get(url)
    assert r.status_code == 200 and text in r.text
    assert "U.S. law current through" in r.text


def test_page_bad_input_is_an_html_error(client):
    r = client.get("/changes?start=not-a-day")
    assert r.status_code == 400 and "not-a-day" in r.text and r.headers["content-type"].startswith("text/html")
