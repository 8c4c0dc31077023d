"""The USJTA beef safeguard: does it trigger in a fiscal year, and when, given import volumes.

Rules (rules/japan/usjta_beef_safeguard.yaml): U.S. beef imports are counted from 1 April by
10-day periods (旬); the safeguard starts the day after the 5th business day after the period in
which imports exceed the trigger, and lasts to 31 March if exceeded by January, 45 days if in
February, 30 days if in March. From 2023-01-01 (the 2022 Protocol) three conditions must all
hold: U.S. imports exceed the U.S. trigger; U.S. plus CPTPP-party imports exceed the CPTPP
trigger; and, to JFY2027, U.S. imports exceed the previous JFY's U.S. imports (the U.S. trigger
becomes the larger of the two).

Input is a CSV with ``period`` and ``us_tonnes`` (and ``cptpp_tonnes`` from 2023): ``period`` is
a month (``2021-03``) or the last day of a 10-day period (``2021-03-10``). With monthly data the
10-day period of the crossing is unknown, so the start is given as a window (earliest: the
month's first period; latest: its last) and flagged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tariffline.errors import InputError, PolicyError
from tariffline.japan.jp_calendar import nth_business_day_after
from tariffline.japan.programs import load_yaml, validation_error
from tariffline.japan.schedule import jfy

Confidence = Literal["confirmed", "likely", "uncertain"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Sourced(_Strict):
    confidence: Confidence
    source: str


class Trigger(Sourced):
    tonnes: float


class SgRate(Sourced):
    rate: float


class Counting(Sourced):
    period: Literal["ten_days"]
    business_days_after_period: int


class Duration(Sourced):
    through_january: Literal["fiscal_year_end"]
    february_days: int
    march_days: int


class Protocol(Sourced):
    in_force: dt.date
    cptpp_trigger: str
    previous_year_rule: str
    previous_year_rule_last_jfy: int


class Event(Sourced):
    id: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    rate: float
    products: tuple[str, ...]
    trigger: dict
    note: str | None = None


class SafeguardRules(_Strict):
    id: str
    program: str
    title: str
    instrument: str
    legal_basis_japan: str
    products: tuple[str, ...]
    sources: tuple[str, ...]
    confidence: Confidence
    counting: Counting
    duration: Duration
    us_triggers: dict[int, Trigger]
    cptpp_triggers: dict[int, Trigger]
    safeguard_rates: dict[str, object]
    protocol: Protocol
    events: tuple[Event, ...]

    def rate_for(self, year: int) -> SgRate | None:
        raw = self.safeguard_rates.get(str(year)) or self.safeguard_rates.get(year)  # type: ignore[call-overload]
        return SgRate.model_validate(raw) if isinstance(raw, dict) else None


@lru_cache(maxsize=1)
def rules() -> SafeguardRules:
    name = "usjta_beef_safeguard.yaml"
    try:
        data = load_yaml(name)
        data["safeguard_rates"] = {str(k): v for k, v in data["safeguard_rates"].items()}
        return SafeguardRules.model_validate(data)
    except ValidationError as exc:
        raise validation_error(name, exc) from None


def active_event(program: str, code: str, day: dt.date) -> Event | None:
    """A safeguard in force on ``day`` for this program and 9-digit line, if any."""
    r = rules()
    if program != r.program:
        return None
    for ev in r.events:
        if ev.from_ <= day < ev.to and any(code.startswith(p.replace(".", "")) for p in ev.products):
            return ev
    return None


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    us: float
    cptpp: float | None
    monthly: bool


def _month_end(y: int, m: int) -> dt.date:
    return (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))


def _parse_period(text: str, line: int) -> tuple[dt.date, dt.date, bool]:
    t = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})", t)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if not (1 <= mo <= 12 and 1 <= y <= 9998):
            raise InputError(f"imports file line {line}: month {t!r} out of range")
        return dt.date(y, mo, 1), _month_end(y, mo), True
    try:
        end = dt.date.fromisoformat(t)
    except ValueError:
        raise InputError(f"imports file line {line}: period {t!r} is neither YYYY-MM nor a 10-day period end YYYY-MM-DD") from None
    if end.year > 9998:
        raise InputError(f"imports file line {line}: period {t!r} out of range")
    if end.day == 10:
        return end.replace(day=1), end, False
    if end.day == 20:
        return end.replace(day=11), end, False
    if end == _month_end(end.year, end.month):
        return end.replace(day=21), end, False
    raise InputError(f"imports file line {line}: {t} is not the last day of a 10-day period (10th, 20th or month end)")


def read_imports(text: str) -> list[Period]:
    """Parse the imports CSV text (columns period, us_tonnes[, cptpp_tonnes])."""
    if "\x00" in text:
        raise InputError("imports file is not a CSV text file (it holds NUL bytes)")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fields = [f.strip() for f in (reader.fieldnames or [])]
        return _read_rows(reader, fields)
    except csv.Error as exc:
        raise InputError(f"imports file is not readable as CSV: {exc}") from None


def _read_rows(reader: csv.DictReader, fields: list[str]) -> list[Period]:
    if "period" not in fields or "us_tonnes" not in fields:
        raise InputError("imports file needs columns 'period' and 'us_tonnes' (and 'cptpp_tonnes' from 2023)")
    out = []
    for i, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        start, end, monthly = _parse_period(row["period"], i)
        try:
            us = float(row["us_tonnes"])
            cp = float(row["cptpp_tonnes"]) if row.get("cptpp_tonnes") else None
        except ValueError:
            raise InputError(f"imports file line {i}: tonnes must be numbers") from None
        if not (math.isfinite(us) and (cp is None or math.isfinite(cp))):
            raise InputError(f"imports file line {i}: tonnes must be finite numbers")
        if us < 0 or (cp is not None and cp < 0):
            raise InputError(f"imports file line {i}: tonnes must not be negative")
        out.append(Period(start, end, us, cp, monthly))
    if not out:
        raise InputError("imports file has no rows")
    ends = [p.end for p in out]
    if len(set(ends)) != len(ends):
        raise InputError("imports file lists a period twice")
    if len({p.monthly for p in out}) > 1:
        raise InputError("imports file mixes monthly rows and 10-day rows; use one kind")
    return sorted(out, key=lambda p: p.end)


def read_imports_file(path: str | Path) -> list[Period]:
    p = Path(path).expanduser()
    try:
        return read_imports(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read imports file {str(p)!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"imports file {str(p)!r} is not UTF-8 text (a binary file?)") from None


@dataclass
class SafeguardCheck:
    fiscal_year: int
    triggered: bool
    rule: str
    us_imports: float
    us_trigger: float
    us_trigger_effective: float
    cptpp_trigger: float | None
    combined_imports: float | None
    exceeded_in_period: str | None = None
    start: dt.date | None = None
    start_latest: dt.date | None = None
    end: dt.date | None = None
    end_latest: dt.date | None = None
    rate: float | None = None
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    confidence: str = "likely"

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        for k in ("start", "start_latest", "end", "end_latest"):
            out[k] = out[k].isoformat() if out[k] else None
        return out


def _start_and_end(period_end: dt.date, fy: int, r: SafeguardRules) -> tuple[dt.date, dt.date]:
    start = nth_business_day_after(period_end, r.counting.business_days_after_period) + dt.timedelta(days=1)
    month = period_end.month
    if month == 2:
        end = start + dt.timedelta(days=r.duration.february_days - 1)
    elif month == 3:
        end = start + dt.timedelta(days=r.duration.march_days - 1)
    else:
        end = dt.date(fy + 1, 3, 31)
    return start, end


def check(fiscal_year: int, periods: list[Period], *, us_trigger: float | None = None,
          cptpp_trigger: float | None = None, previous_us_total: float | None = None) -> SafeguardCheck:
    """Whether and when the U.S. beef safeguard triggers in JFY ``fiscal_year``."""
    r = rules()
    if fiscal_year < 2020:
        raise InputError(f"fiscal year {fiscal_year}: the USJTA beef safeguard is encoded from JFY2020")
    if fiscal_year > 9998:
        raise InputError(f"fiscal year {fiscal_year} is out of range (at most 9998)")
    for name, value in (("U.S. trigger", us_trigger), ("CPTPP trigger", cptpp_trigger),
                        ("previous U.S. total", previous_us_total)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise InputError(f"{name} must be a finite number of tonnes >= 0, not {value!r}")
    fy_start, fy_end = dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)
    rows = [p for p in periods if fy_start <= p.end <= fy_end]
    if not rows:
        raise InputError(f"imports file has no rows in JFY{fiscal_year} ({fy_start} to {fy_end})")
    notes, sources = [], [r.counting.source, r.duration.source]
    conf = {r.counting.confidence, r.duration.confidence}
    if us_trigger is None:
        t = r.us_triggers.get(fiscal_year)
        if t is None:
            raise PolicyError(
                f"no U.S. beef safeguard trigger encoded for JFY{fiscal_year} (encoded: "
                f"{', '.join(str(y) for y in sorted(r.us_triggers))}); pass the trigger (--us-trigger TONNES)"
            )
        us_trigger = t.tonnes
        sources.append(t.source)
        conf.add(t.confidence)
    else:
        notes.append(f"U.S. trigger {us_trigger:,.0f} t given by the user")
    protocol = fy_end >= r.protocol.in_force
    effective = us_trigger
    if protocol:
        sources.append(r.protocol.source)
        conf.add(r.protocol.confidence)
        if cptpp_trigger is None:
            t = r.cptpp_triggers.get(fiscal_year)
            if t is None:
                raise PolicyError(
                    f"JFY{fiscal_year} falls under the 2022 Protocol's three-trigger rule but no CPTPP "
                    "trigger is encoded for it; pass --cptpp-trigger TONNES"
                )
            cptpp_trigger = t.tonnes
            sources.append(t.source)
            conf.add(t.confidence)
        if any(p.cptpp is None for p in rows if p.end >= r.protocol.in_force):
            raise InputError("imports file needs 'cptpp_tonnes' for periods from 2023-01-01 (three-trigger rule)")
        if fiscal_year <= r.protocol.previous_year_rule_last_jfy:
            if previous_us_total is None:
                prev = [p for p in periods if jfy(p.end) == fiscal_year - 1]
                full = (len(prev) == 12) if prev and prev[0].monthly else len(prev) == 36
                if not full:
                    raise InputError(
                        f"JFY{fiscal_year}'s U.S. trigger depends on JFY{fiscal_year - 1} U.S. imports "
                        "(2022 Protocol); include all of JFY{0} in the file or pass --previous-us-total".format(fiscal_year - 1)
                    )
                previous_us_total = sum(p.us for p in prev)
            effective = max(us_trigger, previous_us_total)
            notes.append(f"U.S. trigger for JFY{fiscal_year}: larger of {us_trigger:,.0f} t and "
                         f"JFY{fiscal_year - 1} U.S. imports {previous_us_total:,.0f} t")
    cum_us, cum_all = 0.0, 0.0
    result = SafeguardCheck(fiscal_year, False, "three-trigger (2022 Protocol)" if protocol else "single trigger",
                            0.0, us_trigger, effective, cptpp_trigger if protocol else None, None)
    for p in rows:
        cum_us += p.us
        three = p.end >= r.protocol.in_force
        if three:
            cum_all += p.us + (p.cptpp or 0.0)
        hit = cum_us > (effective if three else us_trigger)
        if three:
            hit = hit and cum_all > (cptpp_trigger or 0)
        if hit and not result.triggered:
            result.triggered = True
            result.exceeded_in_period = f"{p.start}..{p.end}"
            if p.monthly:
                first_end = p.start.replace(day=10)
                result.start, result.end = _start_and_end(first_end, fiscal_year, r)
                result.start_latest, result.end_latest = _start_and_end(p.end, fiscal_year, r)
                notes.append("monthly data: the 10-day period in which imports crossed the trigger is "
                             "unknown; start/end are given for its first and last 10-day period")
            else:
                result.start, result.end = _start_and_end(p.end, fiscal_year, r)
    result.us_imports = cum_us
    result.combined_imports = cum_all if protocol else None
    if result.triggered:
        rate = r.rate_for(fiscal_year)
        if rate is not None:
            result.rate = rate.rate
            sources.append(rate.source)
            conf.add(rate.confidence)
        else:
            notes.append(f"safeguard rate for JFY{fiscal_year} not encoded; it may not exceed the applied MFN rate (38.5%)")
    if rows[-1].end < fy_end and not result.triggered:
        notes.append(f"data end {rows[-1].end}: no trigger so far in JFY{fiscal_year}")
    result.notes, result.sources = notes, sources
    result.confidence = "uncertain" if "uncertain" in conf else ("likely" if "likely" in conf else "confirmed")
    return result
