"""Property tests: the parser never raises, and rendered expressions parse back to themselves."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.errors import InputError
from tariffline.hts.codes import dotted, normalize_hts
from tariffline.hts.rates import KINDS, Component, parse_rate, render_components
from tariffline.hts.special import parse_special

_UNITS = ["kg", "g", "t", "liter", "pf.liter", "No.", "doz.", "pr.", "gross", "thousand", "m", "m2",
          "m3", "bbl", "jewel", "pack", "kg_clean", "line_gross", "kg_drained", "kg_entire_contents",
          "kg_total_sugars", "kg_lead", "kg_tungsten", "m2_recording_surface"]
_BASES = ["case", "battery", "strap, band or bracelet", "movement and case", "aluminum content"]

advs = st.builds(Component, st.just("ad_valorem"), st.integers(0, 30000).map(lambda n: n / 10000),
                 st.just(None), st.one_of(st.none(), st.sampled_from(_BASES)))
specifics = st.builds(Component, st.just("specific"), st.integers(1, 10_000_000).map(lambda n: n / 100000),
                      st.sampled_from(_UNITS))
expressions = st.lists(st.one_of(advs, specifics), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_parse_rate_never_raises(text):
    e = parse_rate(text)
    assert e.kind in KINDS
    assert (e.kind == "text") == (e.parse_error is not None)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="Free(),ASJPKR+*%$¢/kg 0123456789.", max_size=80))
def test_parse_special_never_raises_on_rate_like_text(text):
    sp = parse_special(text)
    assert sp.parsed == (sp.error is None)


def _same(parsed: tuple[Component, ...], comps: list[Component]) -> bool:
    return len(parsed) == len(comps) and all(
        p.kind == c.kind and p.unit == c.unit and p.basis == c.basis and p.rate == pytest.approx(c.rate, rel=1e-9)
        for p, c in zip(parsed, comps))


@settings(max_examples=300, deadline=None)
@given(expressions)
def test_rendered_expression_parses_back(comps):
    kind = comps[0].kind if len(comps) == 1 else "compound"
    text = render_components(comps)
    back = parse_rate(text)
    assert back.parse_error is None, text
    assert back.kind == kind
    assert _same(back.components, comps), text


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), advs.filter(lambda c: c.rate > 0)))
def test_rendered_base_plus_parses_back(comp):
    text = "The duty provided in the applicable subheading" + (f" + {render_components([comp])}" if comp else "")
    back = parse_rate(text)
    assert back.kind == "base_plus"
    assert _same(back.components, [comp] if comp else [])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([4, 6, 8, 10]).flatmap(lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)))
def test_dotted_codes_normalise_back(digits):
    assert normalize_hts(dotted(digits)) == digits
    assert normalize_hts(" " + dotted(digits).replace(".", " ") + " ") == digits


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_normalize_hts_returns_digits_or_raises_input_error(text):
    try:
        digits = normalize_hts(text)
    except InputError as exc:
        assert "HTS code" in str(exc)
    else:
        assert digits.isdigit() and len(digits) in (4, 6, 8, 10)
