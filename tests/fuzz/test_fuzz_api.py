"""Fuzz the Python API with odd inputs: only TariffLineError, never NaN or inf in an answer."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

import polars as pl

from fuzzkit import (DATES, HTS, JP_DATES, JP_HS, NUMBER_TEXT, NUMBERS, ODD_TEXT, ORIGINS, TALLY,
                     call_api, examples, is_non_finite, mostly)
from tariffline import api
from tariffline.hts import show as show_mod
from tariffline.hts.search import search
from tariffline.japan.rates import RateParseError, parse_rate

OPTIONAL_NUMBER = st.one_of(st.none(), NUMBERS)
KNOWN_QUANTITY = "non-finite quantity accepted, or a near-zero value's rate overflows (h-ledger)"


# One engine call costs about 2 s whatever the input (a one-row batch), so single-entry duty,
# timeline and ETR calls get few cases; the duty engine is fuzzed in bulk through batch ledgers.
@examples(3, slow=True)
@given(hts=HTS, origin=ORIGINS, date=DATES, value=NUMBERS, quantity=OPTIONAL_NUMBER,
       metal=OPTIONAL_NUMBER, known=st.one_of(st.none(), DATES))
def test_duty(hts, origin, date, value, quantity, metal, known):
    call_api("api.duty", api.duty, hts, origin=origin, date=date, value=value, quantity=quantity,
             metal_value=metal, as_known_on=known,
             known=KNOWN_QUANTITY if is_non_finite(quantity) or _tiny(value) else None)


def _tiny(value) -> bool:
    try:
        return 0 < float(value) < 1e-300
    except (TypeError, ValueError, OverflowError):
        return False


@examples(2, slow=True)
@given(hts=HTS, origin=ORIGINS, start=DATES, end=DATES, value=NUMBERS)
def test_timeline(hts, origin, start, end, value):
    call_api("api.timeline", api.timeline, hts, origin=origin, start=start, end=end, value=value)


LEDGER_ROW = st.fixed_dictionaries({
    "hts": HTS, "origin": ORIGINS, "entry_date": DATES, "value": NUMBER_TEXT,
    "quantity": st.one_of(st.just(""), NUMBER_TEXT),
    "quantity_unit": st.sampled_from(["", "kg", "No.", "liters", "doz", "x"]),
    "metal_value": st.one_of(st.just(""), NUMBER_TEXT),
})


@examples(4, slow=True)
@given(rows=st.lists(LEDGER_ROW, min_size=60, max_size=200))
def test_duty_batch_ledger(tmp_path_factory, rows):
    """Each ledger row is one input: a row is answered with finite numbers or carries an error."""
    ledger = tmp_path_factory.mktemp("ledger") / "ledger.csv"
    pl.DataFrame(rows, schema={k: pl.Utf8 for k in rows[0]}).write_csv(ledger)
    TALLY["api.batch rows: inputs"] += len(rows)
    result = call_api("api.batch", api.batch, ledger)
    if result is None:
        return
    assert result.height == len(rows)
    answered = result.filter(pl.col("error").is_null())
    TALLY["api.batch rows: refused (row error)"] += result.height - answered.height
    odd_quantity = (pl.col("quantity").cast(pl.Float64, strict=False).is_finite().not_().fill_null(False)
                    | (pl.col("value").cast(pl.Float64, strict=False) < 1e-300).fill_null(False))
    for col in ("total_rate", "total_duty"):
        bad = answered.filter(~pl.col(col).is_finite())
        known = bad.filter(odd_quantity)
        if known.height:
            TALLY[f"api.batch rows: wrong answers (NaN/inf), known: {KNOWN_QUANTITY}"] += known.height
        bad = bad.filter(~odd_quantity)
        if bad.height:
            TALLY["api.batch rows: wrong answers (NaN/inf)"] += bad.height
        assert not bad.height, bad.select("hts", "origin", "entry_date", "value", "quantity",
                                          "metal_value", col).to_dicts()[:3]


@examples(150)
@given(hs=JP_HS, origin=ORIGINS, date=JP_DATES, quota=st.sampled_from(["in", "in", "out", "", "IN", "x"]))
def test_japan_rate(hs, origin, date, quota):
    call_api("api.japan.rate", api.japan.rate, hs, origin, date, quota=quota)


@examples(40)
@given(hs=JP_HS, date=JP_DATES, origins=st.one_of(st.none(), st.lists(ORIGINS, max_size=4)))
def test_japan_compare(hs, date, origins):
    call_api("api.japan.compare", api.japan.compare, hs, date, origins=origins)


@examples(120)
@given(hts=HTS)
def test_hts_show(hts):
    call_api("api.hts.show", show_mod.show, hts)


@examples(100)
@given(words=st.one_of(ODD_TEXT, st.lists(st.sampled_from(
    ["horses", "motor", "vehicles", "NEAR", "AND", "OR", "NOT", '"', "*", "^", "description:",
     "(", ")", "-", "tea", "日本"]), max_size=6).map(" ".join)),
       date=DATES, limit=st.one_of(st.integers(-5, 600), st.sampled_from([True, 1, 500])))
def test_hts_search(words, date, limit):
    from tariffline.dates import parse_date

    def run():
        return search(words, parse_date(date), limit=limit)
    call_api("api.hts.search", run)


@examples(200)
@given(as_of=DATES, days=st.one_of(st.integers(-10, 10**12), st.sampled_from([True, 0, 100_000_000])),
       origin=ORIGINS)
def test_commitments_deadlines(as_of, days, origin):
    call_api("api.commitments.deadlines", api.commitments.deadlines, as_of, days, origin=origin)


@examples(100)
@given(as_of=DATES, ids=st.one_of(st.none(), st.lists(ODD_TEXT, max_size=2)))
def test_commitments_status(as_of, ids):
    call_api("api.commitments.status", api.commitments.status, as_of, commitments=ids)


@examples(100)
@given(start=DATES, end=DATES, origin=ORIGINS,
       kinds=st.one_of(st.none(), st.lists(st.sampled_from(["agreement", "commitment", "event",
                                                             "measure", "x", ""]), max_size=3)))
def test_commitments_timeline(start, end, origin, kinds):
    call_api("api.commitments.timeline", api.commitments.timeline, start, end, origin=origin, kinds=kinds)


@examples(200)
@given(fields=st.fixed_dictionaries({
    "id": mostly(st.from_regex(r"\A[a-z][a-z0-9_]{0,20}\Z"),
                 st.one_of(st.sampled_from(["FZ", "", "a" * 300]), ODD_TEXT)),
    "date": mostly(st.dates(min_value=dt.date(2025, 9, 5),
                            max_value=dt.date(2029, 1, 19)).map(str), DATES),
    "type": st.sampled_from(["investment", "investment", "purchase", "meeting", "x", ""]),
    "title": mostly(st.just("fuzz event"), ODD_TEXT), "source": mostly(st.just("fuzz"), ODD_TEXT),
    "confidence": st.sampled_from(["confirmed", "likely", "uncertain", "sure"]),
    "commitment": st.one_of(st.just("jp_invest_550bn"), st.just("jp_invest_550bn"), st.none(),
                            st.just("nope")),
    "amount": OPTIONAL_NUMBER,
    "unit": st.sampled_from(["USD_bn", "USD_bn", None, "t", ""]),
}))
def test_commitments_add_event(tmp_path_factory, fields):
    log = tmp_path_factory.mktemp("log") / "events.jsonl"
    call_api("api.commitments.add_event", api.commitments.add_event, fields, events_file=log)


@examples(1, slow=True)
@given(origin=ORIGINS, date=DATES)
def test_etr(origin, date):
    def run():
        return api.etr.etr(origin, date).to_dict()
    call_api("api.etr", run)


@examples(600)
@given(st.one_of(ODD_TEXT, st.text(max_size=200)))
def test_japan_rate_parser(text):
    try:
        parse_rate(text)
    except RateParseError:
        pass
    call_api("japan.rates.parse_rate", lambda: None)  # tally only; the assertion is above
