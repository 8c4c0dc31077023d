"""Fuzz the command line (Typer's CliRunner): odd arguments give exit 0, or one error line
(TariffLineError, exit 1 through main()) or a Click usage error (exit 2); never a traceback;
--json answers hold no NaN or infinity."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from fuzzkit import DATES, HTS, JP_DATES, JP_HS, NUMBER_TEXT, ODD_TEXT, ORIGINS, check_cli, examples, mostly
from tariffline.cli.app import app

runner = CliRunner()
JSON = st.booleans()


def _run(area, args, json_out):
    args = [a for a in args] + (["--json"] if json_out else [])
    return check_cli(area, runner.invoke(app, args, env={"COLUMNS": "80"}), json_out)


@examples(2, slow=True)
@given(hts=HTS, origin=ORIGINS, date=DATES, value=NUMBER_TEXT, json_out=JSON)
def test_cli_duty(hts, origin, date, value, json_out):
    _run("cli duty", ["duty", hts, "--origin", origin, "--date", date, "--value", value], json_out)


@examples(1, slow=True)
@given(hts=HTS, origin=ORIGINS, start=DATES, end=DATES, json_out=JSON)
def test_cli_timeline(hts, origin, start, end, json_out):
    _run("cli timeline", ["timeline", hts, "--origin", origin, "--start", start, "--end", end], json_out)


@examples(80)
@given(hs=JP_HS, origin=ORIGINS, date=JP_DATES, alias=st.booleans(), json_out=JSON)
def test_cli_japan_rate(hs, origin, date, alias, json_out):
    _run("cli japan rate", ["japan", "rate", hs, "--from" if alias else "--origin", origin, "--date", date],
         json_out)


@examples(25)
@given(hs=JP_HS, date=JP_DATES, origins=st.lists(ORIGINS, max_size=3).map(",".join), json_out=JSON)
def test_cli_japan_compare(hs, date, origins, json_out):
    _run("cli japan compare", ["japan", "compare", hs, "--date", date] + (["--origins", origins] if origins else []),
         json_out)


@examples(120)
@given(hts=HTS, json_out=JSON)
def test_cli_hts_show(hts, json_out):
    _run("cli hts show", ["hts", "show", hts], json_out)


@examples(50)
@given(words=st.lists(mostly(st.sampled_from(["horses", "tea", "motor", "vehicles", "steel", "wine"]),
                             ODD_TEXT), min_size=1, max_size=4),
       date=mostly(st.sampled_from(["today", "2026-03-01", "2025-06-01"]), DATES),
       limit=mostly(st.sampled_from(["5", "20"]), NUMBER_TEXT), json_out=JSON)
def test_cli_hts_search(words, date, limit, json_out):
    _run("cli hts search", ["hts", "search", *words, "--date", date, "--limit", limit], json_out)


@examples(100)
@given(cmd=st.sampled_from(["status", "deadlines", "agreements"]), day=DATES,
       days=mostly(st.sampled_from(["0", "30", "150", "100000000"]), NUMBER_TEXT), origin=ORIGINS,
       json_out=JSON)
def test_cli_commitments(cmd, day, days, origin, json_out):
    args = ["commitments", cmd, "--as-of", day]
    if cmd == "deadlines":
        args += ["--days", days, "--origin", origin]
    _run(f"cli commitments {cmd}", args, json_out)


@examples(60)
@given(start=DATES, end=DATES, origin=ORIGINS,
       kinds=st.lists(st.sampled_from(["agreement", "commitment", "event", "measure", "x"]), max_size=2),
       json_out=JSON)
def test_cli_events(start, end, origin, kinds, json_out):
    args = ["events", "--start", start, "--end", end, "--origin", origin]
    for k in kinds:
        args += ["--kind", k]
    _run("cli events", args, json_out)


@examples(80)
@given(fields=st.fixed_dictionaries({
    "--id": mostly(st.from_regex(r"\A[a-z][a-z0-9_]{0,20}\Z"), ODD_TEXT),
    "--date": mostly(st.sampled_from(["2025-10-01", "2026-04-10", "today"]), DATES),
    "--type": st.sampled_from(["investment", "purchase", "x"]),
    "--title": mostly(st.just("fuzz"), ODD_TEXT), "--source": st.just("fuzz"),
    "--confidence": st.sampled_from(["confirmed", "likely", "nope"]),
    "--commitment": st.sampled_from(["jp_invest_550bn", "nope"]),
    "--amount": mostly(st.sampled_from(["1", "0.5"]), NUMBER_TEXT),
    "--unit": st.sampled_from(["USD_bn", "t"]),
}), json_out=JSON)
def test_cli_add_event(tmp_path_factory, fields, json_out):
    log = tmp_path_factory.mktemp("log") / "events.jsonl"
    args = ["commitments", "add-event", "--events-file", str(log)]
    for k, v in fields.items():
        args += [k, v]
    _run("cli commitments add-event", args, json_out)


@examples(1, slow=True)
@given(origin=ORIGINS, date=DATES, json_out=JSON)
def test_cli_etr(origin, date, json_out):
    _run("cli etr", ["etr", "--origin", origin, "--date", date], json_out)


@examples(40)
@given(argv=st.lists(mostly(st.sampled_from(["japan", "hts", "commitments", "events", "rate", "show",
                                              "search", "--date", "--origin", "--json", "today",
                                              "0201.30", "JP", "--days", "1", "--as-of", "--help"]),
                            ODD_TEXT), max_size=6))
def test_cli_random_argv(argv):
    _run("cli random argv", argv, False)


@examples(4, slow=True)
@given(day=DATES, tmp=st.sampled_from(["c.png", "c.svg", "c.txt", "nodir/c.png"]))
def test_cli_commitments_chart(tmp_path_factory, day, tmp):
    out = tmp_path_factory.mktemp("chart") / tmp
    _run("cli commitments chart", ["commitments", "chart", "--as-of", day, "--out", str(out)], False)


@examples(20)
@given(year=mostly(st.sampled_from(["2024", "2023"]), NUMBER_TEXT), cmd=st.sampled_from(["usjta", "crs"]))
def test_cli_coverage_basket_year(year, cmd):
    _run(f"cli coverage {cmd}", ["coverage", cmd, "--basket-year", year], False)
