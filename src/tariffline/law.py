"""How current the law is: the newest instrument encoded and the newest HTS edition on hand.

Every answer carries ``law_current_through``: the later of the newest publication date among
the encoded instruments (and their dated amendments and announced ends) and the in-force date
of the newest full HTS edition on hand. Revisions published after it and known only from their
change records are reported beside it (``change_records_through``) without moving the date. An entry date after it is answered under the law as known,
with a warning that later actions are not encoded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from tariffline.hts.editions import editions, newest_change_record
from tariffline.policy.loader import Policy, load_policy


@dataclass(frozen=True)
class LawCurrency:
    current_through: dt.date
    newest_instrument: str
    newest_instrument_published: dt.date
    newest_edition: str
    newest_edition_from: dt.date
    change_records_through: str = ""  # e.g. "2026 HTS Revision 21" (no full edition on hand)
    change_records_through_date: dt.date | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def warning(self, day: dt.date) -> str | None:
        """The warning owed for an entry on ``day``, or None when the law covers it."""
        if day <= self.current_through:
            return None
        return (f"entry date {day} is after the law's currency date {self.current_through}: "
                f"answered under the law as known then; later actions are not encoded")


def _instrument_dates(policy: Policy) -> list[tuple[dt.date, str]]:
    out = []
    for inst in policy.instruments:
        if not inst.measures:  # a file that records an action without encoding it
            continue
        out.append((inst.published, inst.id))
        for m in inst.measures:
            out += [(d, inst.id) for d in (m.published, m.end_published) if d is not None]
        out += [(s.from_, inst.id) for s in inst.legal_status]
    if policy.as_known_on is not None:
        out = [(d, i) for d, i in out if d <= policy.as_known_on]
    return out


_CURRENCY: dict[tuple, LawCurrency] = {}  # per process, keyed by what the answer depends on
_CURRENCY_KEEP = 64


def law_currency(policy: Policy | None = None) -> LawCurrency:
    """The currency of ``policy`` (default: the package's rules) and of the HTS editions on hand,
    computed once per process for each state of the rules (their version) and of the editions."""
    policy = policy or load_policy()
    eds = tuple(e for e in editions() if e.effective_from is not None)  # full editions only
    key = (policy.version, policy.as_known_on, eds, newest_change_record())
    found = _CURRENCY.get(key)
    if found is None:
        if len(_CURRENCY) >= _CURRENCY_KEEP:
            _CURRENCY.clear()
        found = _CURRENCY[key] = _currency(policy, eds)
    return found


def _currency(policy: Policy, eds: tuple) -> LawCurrency:
    inst_day, inst_id = max(_instrument_dates(policy))
    newest = max(eds, key=lambda e: e.effective_from)
    label, _release, record_day, _source = newest_change_record()
    later = record_day > newest.effective_from
    return LawCurrency(current_through=max(inst_day, newest.effective_from),
                       newest_instrument=inst_id, newest_instrument_published=inst_day,
                       newest_edition=newest.edition, newest_edition_from=newest.effective_from,
                       change_records_through=label if later else "",
                       change_records_through_date=record_day if later else None)
