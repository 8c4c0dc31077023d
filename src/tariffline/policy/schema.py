"""The validated shape of a policy rule file (see docs/policy-format.md).

Every model forbids unknown keys, so a misspelt field fails at load instead of being ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tariffline.policy.note_lists import NoteListError, parse_address

Confidence = Literal["confirmed", "likely", "uncertain"]
AUTHORITIES = (
    "MFN", "Column 2", "preference", "Section 232", "IEEPA", "Section 122", "Section 301",
    "Section 201",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_HEADING = re.compile(r"^\d{4}\.\d{2}\.\d{2}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def check_id(value: str) -> str:
    """An id is lower-case letters, digits and underscores (it names a file or a measure)."""
    if not _ID.match(value):
        raise ValueError(f"id {value!r} must be lower-case letters, digits and underscores")
    return value


def normalize_prefix(text: str) -> str:
    """'7208.10' -> '720810'; a prefix has 2, 4, 6, 8 or 10 digits."""
    digits = re.sub(r"[.\s]", "", str(text))
    if not digits.isdigit() or len(digits) not in (2, 4, 6, 8, 10):
        raise ValueError(f"HTS prefix {text!r} must be 2, 4, 6, 8 or 10 digits (dots allowed)")
    return digits


class StatusEntry(_Model):
    from_: dt.date = Field(alias="from")
    status: Literal["in_force", "struck_down", "refundable", "enjoined", "expired", "terminated",
                    "refund_process"]  # refund_process: an administrative refund procedure is open
    citation: str
    note: str = ""
    authority: str | None = None  # only measures of this authority (an instrument may use several)
    confidence: Confidence = "confirmed"  # of this entry (e.g. a refund phase known from the press)


class NoteText(_Model):
    """A passage of official note text (e.g. U.S. note 19(k) to chapter 99): the lines from the
    first one starting with ``begins`` up to (not including) the next one starting with ``ends``."""

    dataset: str
    begins: str = Field(min_length=8)
    ends: str = Field(min_length=3)
    cite: str  # e.g. "HTS 2026 Rev 6, ch. 99 subch. III U.S. note 19(k)"


class ListRef(_Model):
    dataset: str
    column: str | None = None
    where: dict[str, str | list[str]] = Field(default_factory=dict)
    note: str = ""
    # the law's digits: a list code the note text names only by 10-digit statistical lines is
    # narrowed to those lines (a curated list cut to 8 digits must not reach the whole subheading)
    digits_from: list[NoteText] = Field(default_factory=list)
    subdivision: str | None = None  # a list printed in a Chapter 99 note text, e.g. "52(b)"
    # (policy/note_lists.py); then `column` and `where` do not apply

    @model_validator(mode="after")
    def _subdivision(self) -> "ListRef":
        if self.subdivision is not None:
            if self.column is not None or self.where:
                raise ValueError("a note subdivision list takes no 'column' or 'where'")
            try:
                parse_address(self.subdivision)
            except NoteListError as exc:
                raise ValueError(str(exc)) from None
        return self


class ProductSet(_Model):
    prefixes: list[str] = Field(default_factory=list)
    lists: list[ListRef] = Field(default_factory=list)
    notes: list[NoteText] = Field(default_factory=list)  # lists printed in official note text
    within: list[str] = Field(default_factory=list)  # keep only the codes under these prefixes

    @field_validator("prefixes", "within")
    @classmethod
    def _prefixes(cls, v: list[str]) -> list[str]:
        return [normalize_prefix(p) for p in v]


class Products(_Model):
    include: ProductSet | None = None  # None: every good
    exclude: ProductSet = Field(default_factory=ProductSet)


class Rate(_Model):
    type: Literal["additional", "inclusive", "capped", "exempt", "column2"]
    value: float | None = None
    target: float | None = None
    cap: float | None = None
    reference: Literal["column1_general", "column1_applied"] = "column1_general"

    @model_validator(mode="after")
    def _complete(self) -> "Rate":
        need = {"additional": ("value",), "inclusive": ("target",), "capped": ("value", "cap"),
                "exempt": (), "column2": ()}[self.type]
        for name in need:
            val = getattr(self, name)
            if val is None:
                raise ValueError(f"rate type {self.type!r} needs {name!r}")
            if not 0 <= val <= 10:
                raise ValueError(f"rate {name}={val} is not a fraction between 0 and 10 (25% = 0.25)")
        return self


class InTransit(_Model):
    loaded_before: dt.date
    entered_before: dt.date


class Measure(_Model):
    id: str
    heading: str | None = None
    heading_when_no_duty: str | None = None  # inclusive/capped rules: heading reported when the
    # reference rate already reaches the target, so no additional duty is owed (e.g. 9903.02.72)
    description: str
    authority: str | None = None  # default: the instrument's
    start: dt.date
    end: dt.date | None = None  # first day not covered
    end_published: dt.date | None = None
    published: dt.date | None = None  # when a later amendment in the file became known
                                      # (default: the instrument's published date)
    origins: list[str] = Field(min_length=1)
    exclude_origins: list[str] = Field(default_factory=list)
    products: Products = Field(default_factory=Products)
    rate: Rate
    value_base: Literal["full", "metal_content"] = "full"
    excluded_by: list[str] = Field(default_factory=list)
    stack_group: str | None = None  # of the group's measures reaching a row, only the highest
                                    # rate is charged (e.g. overlapping Section 301 lists)
    claims: list[str] = Field(default_factory=list)  # program indicators: the measure applies
                                    # only to rows entered under one of them (e.g. USMCA "S")
    legal_status: list[StatusEntry] | None = None  # the measure's own standing (default: the
                                    # instrument's entries of the measure's authority)
    in_transit: InTransit | None = None
    confidence: Confidence | None = None
    source: str
    notes: str = ""

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return check_id(v)

    @field_validator("stack_group")
    @classmethod
    def _stack_group(cls, v: str | None) -> str | None:
        return None if v is None else check_id(v)

    @field_validator("heading", "heading_when_no_duty")
    @classmethod
    def _heading(cls, v: str | None) -> str | None:
        if v is not None and not _HEADING.match(v):
            raise ValueError(f"heading {v!r} is not of the form 9903.01.25")
        return v

    @model_validator(mode="after")
    def _dates(self) -> "Measure":
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        return self


class Instrument(_Model):
    id: str
    title: str
    authority: str
    instrument: str
    citation: str
    signed: dt.date | None = None
    published: dt.date
    sources: list[str] = Field(min_length=1)
    confidence: Confidence
    notes: str = ""
    legal_status: list[StatusEntry] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return check_id(v)

    @field_validator("authority")
    @classmethod
    def _authority(cls, v: str) -> str:
        if v not in AUTHORITIES:
            raise ValueError(f"authority {v!r} is not one of {', '.join(AUTHORITIES)}")
        return v


class Program(_Model):
    id: str
    authority: str  # the name layers report, e.g. "USJTA"
    indicator: str  # the Special-column code, e.g. "JP"
    title: str
    origins: list[str] = Field(min_length=1)
    start: dt.date
    end: dt.date | None = None
    citation: str
    published: dt.date
    confidence: Confidence
    notes: str = ""


class GroupMember(_Model):
    code: str
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None  # first day no longer a member
    source: str = ""


class Group(_Model):
    name: str
    title: str
    citation: str
    members: list[GroupMember]
