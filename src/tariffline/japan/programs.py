"""Who may claim which column of Japan's schedule on which day (rules/japan/programs.yaml).

A *program* is one rate column (MFN = WTO/national columns; GSP; LDC; each EPA) with a dated
membership of origins. :func:`programs_for` lists the programs an origin can claim on a day;
an origin that is in no list raises :class:`~tariffline.errors.PolicyError` (Japan's
beneficial-tariff (便益関税) list is not encoded, see JP-06). Origins are ISO-2; the group names
in ``origin_groups`` (``EU``) stand for their members.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tariffline.countries import to_iso2
from tariffline.errors import InputError, PolicyError
from tariffline.policy.yamlfile import load_text

Confidence = Literal["confirmed", "likely", "uncertain"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Member(_Strict):
    code: str
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    source: str | None = None
    confidence: Confidence | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("code")
    @classmethod
    def _iso2(cls, code: str) -> str:
        if not (len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code)):
            raise ValueError(f"member {code!r} is not an ISO 3166-1 alpha-2 code")
        return code

    def active(self, day: dt.date) -> bool:
        return (self.from_ is None or day >= self.from_) and (self.to is None or day < self.to)


class Group(_Strict):
    title: str
    source: str
    confidence: Confidence
    note: str | None = None
    include_groups: tuple[str, ...] = ()
    members: tuple[Member, ...]


class MfnSpec(_Strict):
    id: str
    title: str
    columns: dict[str, str]
    members_group: str
    source: str
    confidence: Confidence


class NationalSpec(_Strict):
    id: str
    title: str
    members_group: str
    source: str
    confidence: Confidence


class Preference(_Strict):
    id: str
    title: str
    column: str
    instrument: str
    source: str | None = None
    confidence: Confidence = "confirmed"
    note: str | None = None
    members_group: str | None = None
    members: tuple[Member, ...] = ()


class ProgramsFile(_Strict):
    id: str
    title: str
    sources: tuple[str, ...]
    mfn: MfnSpec
    national: NationalSpec
    preferences: tuple[Preference, ...]
    japanese_names: dict[str, str]
    groups: dict[str, Group]
    origin_groups: dict[str, str]
    competitors: tuple[str, ...]

    @model_validator(mode="after")
    def _check_refs(self):
        names = set(self.groups)
        refs = [self.mfn.members_group, self.national.members_group]
        refs += [p.members_group for p in self.preferences if p.members_group]
        refs += [g for grp in self.groups.values() for g in grp.include_groups]
        refs += list(self.origin_groups.values())
        missing = sorted({r for r in refs if r not in names})
        if missing:
            raise ValueError(f"unknown group(s) referenced: {missing}")
        ids = [p.id for p in self.preferences] + [self.mfn.id, self.national.id]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate program ids")
        return self


RULES_PACKAGE = "tariffline.rules.japan"


def load_yaml(name: str) -> dict:
    """Read one rule file of rules/japan; PolicyError names the file on a YAML error."""
    try:
        text = resources.files(RULES_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"rules/japan/{name}: cannot read rule file: {exc}") from None
    return load_text(text, f"rules/japan/{name}")


def validation_error(name: str, exc: ValidationError) -> PolicyError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return PolicyError(f"rules/japan/{name}: {where}: {first['msg']}")


@lru_cache(maxsize=1)
def rules() -> ProgramsFile:
    try:
        return ProgramsFile.model_validate(load_yaml("programs.yaml"))
    except ValidationError as exc:
        raise validation_error("programs.yaml", exc) from None


@lru_cache(maxsize=64)
def _group_members(name: str, seen: tuple[str, ...] = ()) -> tuple[Member, ...]:
    r = rules()
    if name in seen:
        raise PolicyError(f"rules/japan/programs.yaml: group {name!r} includes itself")
    grp = r.groups[name]
    out = list(grp.members)
    for inc in grp.include_groups:
        out += _group_members(inc, seen + (name,))
    return tuple(out)


def in_group(name: str, origin: str, day: dt.date) -> bool:
    return any(m.code == origin and m.active(day) for m in _group_members(name))


def members_of(pref: Preference) -> list[Member]:
    out = list(pref.members)
    if pref.members_group:
        out += _group_members(pref.members_group)
    return out


def resolve_origin(origin: str) -> tuple[str, tuple[str, ...]]:
    """User origin -> (label, ISO-2 members). 'EU' gives the EU-27; others one ISO-2 code."""
    r = rules()
    key = str(origin).strip().upper()
    if key in r.origin_groups:
        codes = tuple(m.code for m in _group_members(r.origin_groups[key]))
        return key, codes
    iso = to_iso2(origin)
    return iso, (iso,)


@lru_cache(maxsize=512)
def japanese_names_for(iso2: str) -> frozenset[str]:
    return frozenset(name for name, code in rules().japanese_names.items() if code == iso2)


def programs_for(origin: str, day: dt.date) -> list[str]:
    """Program ids the (ISO-2) origin can claim on ``day``, MFN/NATIONAL first.

    PolicyError if the origin is in no program's membership on that day.
    """
    return list(_programs_for(origin, day))


@lru_cache(maxsize=4096)
def _programs_for(origin: str, day: dt.date) -> tuple[str, ...]:
    r = rules()
    out: list[str] = []
    if in_group(r.mfn.members_group, origin, day):
        out.append(r.mfn.id)
    elif in_group(r.national.members_group, origin, day):
        out.append(r.national.id)
    for pref in r.preferences:
        if any(m.code == origin and m.active(day) for m in members_of(pref)):
            out.append(pref.id)
    if not out:
        raise PolicyError(
            f"no known program for origin {origin} on {day}: not a WTO member in "
            "rules/japan/programs.yaml and party to none of the encoded agreements "
            "(Japan's beneficial-tariff list is not encoded; see ASSUMPTIONS.md JP-06)"
        )
    return out


def preference(pid: str) -> Preference:
    for p in rules().preferences:
        if p.id == pid:
            return p
    raise InputError(f"unknown program {pid!r}")


def program_ids() -> list[str]:
    r = rules()
    return [r.mfn.id, r.national.id] + [p.id for p in r.preferences]


@lru_cache(maxsize=256)
def column_of(pid: str) -> str | None:
    r = rules()
    if pid in (r.mfn.id, r.national.id):
        return None
    return preference(pid).column


@lru_cache(maxsize=8192)
def membership_source(pid: str, origin: str, day: dt.date) -> tuple[str, str]:
    """(source, confidence) of the origin's membership of program ``pid`` on ``day``."""
    r = rules()
    if pid == r.mfn.id:
        g = r.groups[r.mfn.members_group]
        return f"{r.mfn.source}; {g.source}", r.mfn.confidence
    if pid == r.national.id:
        g = r.groups[r.national.members_group]
        return g.source, g.confidence
    pref = preference(pid)
    for m in pref.members:
        if m.code == origin and m.active(day):
            return m.source or pref.instrument, m.confidence or pref.confidence
    if pref.members_group:
        g = r.groups[pref.members_group]
        return f"{pref.instrument}; {g.source}", g.confidence
    return pref.instrument, pref.confidence
