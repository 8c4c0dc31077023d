"""Validated shapes of agreements, commitments and events (pydantic v2).

Every fact carries its source and a confidence (confirmed | likely | uncertain). Models forbid
unknown keys so a misspelt field fails at load instead of being silently ignored. Cross-file
checks (a commitment's agreement exists, an event's unit matches its commitment) live in
:mod:`tariffline.commitments.loader`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

Confidence = Literal["confirmed", "likely", "uncertain"]
Party = Literal["US", "JP"]
LegalForm = Literal[
    "tpa_proclaimed",  # tariff agreement entered under delegated TPA authority, proclaimed
    "executive_agreement",  # binding executive agreement, no congressional vote
    "protocol",  # amendment to an existing agreement
    "mou",  # memorandum of understanding (not a treaty)
    "framework",  # political framework, not legally binding
    "arrangement",  # bilateral arrangement carried out by the parties' own measures
    "leaders_document",  # leaders' signed statement or joint document
]
AgreementStatus = Literal[
    "announced", "signed", "in_force", "implemented", "partly_void", "reaffirmed", "terminated",
]
CommitmentKind = Literal["investment", "purchase", "regulatory", "tariff", "cooperation"]
EventType = Literal[
    "negotiation", "investment", "purchase", "implementation", "meeting", "safeguard", "legal",
]
# How far an amount has gone: announced (selected, pledged "up to") or funded (money committed
# or paid). The two are counted apart; a funding event never adds to the announced total.
Stage = Literal["announced", "funded"]

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_UNIT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"id {value!r} must be lower-case letters, digits and underscores")
    return value


Id = Annotated[str, AfterValidator(check_id)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StatusEntry(_Model):
    """An agreement's standing from a date on (until the next entry)."""

    from_: dt.date = Field(alias="from")
    status: AgreementStatus
    source: str = Field(min_length=1)
    confidence: Confidence = "confirmed"
    note: str = ""


class Document(_Model):
    """A dated text that is part of an agreement (EO, joint statement, fact sheet)."""

    date: dt.date
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    confidence: Confidence = "confirmed"


class Agreement(_Model):
    id: Id
    title: str = Field(min_length=1)
    parties: list[Party] = Field(min_length=2)
    legal_form: LegalForm
    announced: dt.date | None = None
    signed: dt.date | None = None
    in_force: dt.date | None = None
    status: list[StatusEntry] = Field(min_length=1)
    documents: list[Document] = Field(default_factory=list)
    policy_links: list[str] = Field(default_factory=list)  # policy instrument/measure/program ids
    sources: list[str] = Field(min_length=1)
    confidence: Confidence
    notes: str = ""

    @model_validator(mode="after")
    def _order(self) -> "Agreement":
        froms = [s.from_ for s in self.status]
        if froms != sorted(froms):
            raise ValueError(f"agreement {self.id}: status entries are not in date order")
        if self.signed and self.in_force and self.in_force < self.signed:
            raise ValueError(f"agreement {self.id}: in_force {self.in_force} before signed {self.signed}")
        return self

    def status_on(self, day: dt.date) -> StatusEntry | None:
        """The status entry in effect on ``day`` (None before the first)."""
        current = None
        for entry in self.status:
            if entry.from_ <= day:
                current = entry
        return current


class Condition(_Model):
    """A term attached to a commitment (funding notice, profit split, remedy on default)."""

    id: Id
    text: str = Field(min_length=1)
    value: float | None = None
    unit: str | None = None
    source: str = Field(min_length=1)
    confidence: Confidence
    note: str = ""


class Commitment(_Model):
    id: Id
    agreement: str
    party: Party
    kind: CommitmentKind
    title: str = Field(min_length=1)
    announced: dt.date  # first day the commitment was public
    target: float | None = None  # None: no quantified target
    unit: str
    per_year: bool = False  # target is a yearly flow, not a cumulative total
    period_start: dt.date | None = None  # start of the period a cumulative target is paced over
    deadline: dt.date | None = None  # last day to deliver (inclusive); None: none stated
    delivery_tracked: bool  # True: delivery is the sum of recorded events (none = 0);
    #                         False: no public delivery data is tracked (shown as unknown)
    delivery_measure: str = ""  # what counts as delivered
    conditions: list[Condition] = Field(default_factory=list)
    linked_measures: list[str] = Field(default_factory=list)  # policy instrument or measure ids
    sources: list[str] = Field(min_length=1)
    confidence: Confidence
    notes: str = ""

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        if not _UNIT.match(v):
            raise ValueError(f"unit {v!r} must be a word such as USD_bn, aircraft or measure")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "Commitment":
        if self.target is not None and (not math.isfinite(self.target) or self.target <= 0):
            raise ValueError(f"commitment {self.id}: target must be a positive number")
        if self.per_year and (self.period_start or self.deadline):
            raise ValueError(f"commitment {self.id}: a per-year target has no period_start/deadline")
        if self.period_start and self.deadline and self.deadline <= self.period_start:
            raise ValueError(f"commitment {self.id}: deadline {self.deadline} is not after "
                             f"period_start {self.period_start}")
        return self


class Event(_Model):
    """Something that happened: progress on a commitment, a meeting, a ruling.

    An event with a ``commitment``, an ``amount`` and no ``part_of`` counts toward that
    commitment's delivery; the parts of a package (``part_of``) are listed but not counted
    twice. ``stage`` says whether the amount is announced or funded; the two are summed apart.
    ``supersedes`` corrects an earlier event without deleting it (history is kept).
    """

    id: Id
    date: dt.date
    type: EventType
    title: str = Field(min_length=1)
    commitment: str | None = None
    agreement: str | None = None
    amount: float | None = None
    unit: str | None = None
    part_of: str | None = None
    supersedes: str | None = None
    stage: Stage = "announced"
    source: str = Field(min_length=1)
    confidence: Confidence
    notes: str = ""

    @field_validator("title", "source")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v.strip()

    @model_validator(mode="after")
    def _amount(self) -> "Event":
        if self.amount is not None:
            if not math.isfinite(self.amount) or self.amount < 0:
                raise ValueError(f"event {self.id}: amount must be a finite number >= 0")
            if not self.unit:
                raise ValueError(f"event {self.id}: an amount needs a unit")
        elif self.unit:
            raise ValueError(f"event {self.id}: unit {self.unit!r} given without an amount")
        if self.stage == "funded" and self.amount is None:
            raise ValueError(f"event {self.id}: a funded event needs an amount")
        if self.supersedes == self.id or self.part_of == self.id:
            raise ValueError(f"event {self.id}: cannot refer to itself")
        return self

    @property
    def counts(self) -> bool:
        """True if this event's amount adds to its commitment's delivered total."""
        return self.commitment is not None and self.amount is not None and self.part_of is None
