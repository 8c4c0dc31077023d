"""The shipped commitments rule files: they load, every fact is sourced, every link resolves."""

import datetime as dt

import pytest

from tariffline.commitments.loader import load_rules
from tariffline.commitments.policy_link import policy_view, resolve
from tariffline.errors import PolicyError


@pytest.fixture(scope="module")
def book():
    return load_rules()


def test_issue_agreements_present_with_dates_and_form(book):
    expected = {
        "usjta": ("tpa_proclaimed", dt.date(2019, 10, 7), dt.date(2020, 1, 1)),
        "digital_trade_agreement": ("executive_agreement", dt.date(2019, 10, 7), dt.date(2020, 1, 1)),
        "beef_safeguard_protocol": ("protocol", dt.date(2022, 6, 2), dt.date(2023, 1, 1)),
        "critical_minerals_agreement_2023": ("executive_agreement", dt.date(2023, 3, 28),
                                             dt.date(2023, 3, 28)),
        "investment_mou_2025": ("mou", dt.date(2025, 9, 4), None),
    }
    for aid, (form, signed, in_force) in expected.items():
        a = book.agreements[aid]
        assert (a.legal_form, a.signed, a.in_force) == (form, signed, in_force), aid
    assert book.agreements["framework_2025"].announced == dt.date(2025, 7, 22)
    assert book.agreements["reaffirmation_2026_03"].status[0].from_ == dt.date(2026, 3, 19)


def test_investment_pledge_terms(book):
    c = book.commitments["jp_invest_550bn"]
    assert (c.target, c.unit, c.deadline, c.party, c.kind) == (550, "USD_bn", dt.date(2029, 1, 19), "JP",
                                                               "investment")
    terms = {cond.id: cond for cond in c.conditions}
    assert terms["funding_notice"].value == 45
    assert terms["profit_split_before_recoupment"].value == 50
    assert terms["profit_split_after_recoupment"].value == 90
    assert "tariffs" in terms["tariffs_if_declined"].text


def test_every_fact_has_source_and_confidence(book):
    for a in book.agreements.values():
        assert a.sources and all(s.source.strip() for s in a.status)
    for c in book.commitments.values():
        assert c.sources and c.confidence in ("confirmed", "likely", "uncertain")
        assert all(cond.source.strip() for cond in c.conditions)
    for e in book.events:
        assert e.source.strip() and e.confidence


def test_counted_event_units_match_commitments(book):
    for e in book.events:
        if e.counts:
            assert e.unit == book.commitments[e.commitment].unit, e.id


def test_package_parts_add_up_to_about_the_package(book):
    parts = [e.amount for e in book.events if e.part_of == "invest_tranche_1"]
    package = next(e for e in book.events if e.id == "invest_tranche_1")
    assert len(parts) == 3 and abs(sum(parts) - package.amount) <= 0.5


def test_links_resolve_against_the_policy_files(book):
    policy = policy_view(None)
    for c in book.commitments.values():
        _, missing = resolve(policy, c.linked_measures)
        assert not missing, (c.id, missing)
    for a in book.agreements.values():
        _, missing = resolve(policy, a.policy_links)
        assert not missing, (a.id, missing)


def _write_rules(tmp_path, agreements, commitments="commitments: []\n", events="events: []\n"):
    (tmp_path / "agreements.yaml").write_text(agreements)
    (tmp_path / "commitments.yaml").write_text(commitments)
    (tmp_path / "events.yaml").write_text(events)
    return tmp_path


_AGREEMENT = """agreements:
  - id: a1
    title: An agreement
    parties: [US, JP]
    legal_form: mou
    signed: 2025-01-01
    status:
      - {from: 2025-01-01, status: signed, source: "somewhere"}
    sources: ["somewhere"]
    confidence: confirmed
"""


def test_misspelt_field_names_file_and_line(tmp_path):
    root = _write_rules(tmp_path, _AGREEMENT.replace("legal_form: mou", "legal_frm: mou"))
    with pytest.raises(PolicyError, match=r"agreements\.yaml:\d+: .*legal"):
        load_rules(root)


def test_bad_date_names_line(tmp_path):
    root = _write_rules(tmp_path, _AGREEMENT.replace("signed: 2025-01-01", "signed: 2025-13-01"))
    with pytest.raises(PolicyError, match=r"agreements\.yaml:6: agreements\[0\]\.signed"):
        load_rules(root)


def test_commitment_with_unknown_agreement_refused(tmp_path):
    commitments = """commitments:
  - {id: c1, agreement: nope, party: JP, kind: purchase, title: t, announced: 2025-01-01,
     unit: USD_bn, delivery_tracked: false, sources: [s], confidence: likely}
"""
    root = _write_rules(tmp_path, _AGREEMENT, commitments)
    with pytest.raises(PolicyError, match="unknown agreement 'nope'"):
        load_rules(root)


def test_seed_event_with_wrong_unit_refused(tmp_path):
    commitments = """commitments:
  - {id: c1, agreement: a1, party: JP, kind: investment, title: t, announced: 2025-01-01,
     target: 10, unit: USD_bn, delivery_tracked: true, sources: [s], confidence: likely}
"""
    events = """events:
  - {id: e1, date: 2025-02-01, type: investment, title: t, commitment: c1, amount: 1,
     unit: JPY_bn, source: s, confidence: confirmed}
"""
    root = _write_rules(tmp_path, _AGREEMENT, commitments, events)
    with pytest.raises(PolicyError, match=r"events\.yaml:2: .*unit 'JPY_bn'"):
        load_rules(root)


def test_missing_rule_file_is_a_policy_error(tmp_path):
    with pytest.raises(PolicyError, match="missing"):
        load_rules(tmp_path)
