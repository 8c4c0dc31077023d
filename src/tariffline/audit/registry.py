"""The registry of Chapter 99 headings deliberately not encoded, and of explained rate mismatches.

The registry is project-authored policy data (``rules/audit/chapter99_not_encoded.yaml``): each
entry names headings or inclusive ranges ("9903.17.01-9903.17.33"), a reason category, the
origins concerned where the reason is about origin, a plain-words detail and a citation (U.S.
note paragraph, proclamation, FR). It is validated with pydantic; a mistake fails with the line.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tariffline.errors import PolicyError
from tariffline.policy.yamlfile import line_of, read_yaml

REGISTRY_FILE = Path(__file__).resolve().parent.parent / "rules" / "audit" / "chapter99_not_encoded.yaml"
_HEADING = re.compile(r"^9903\.\d{2}(\.\d{2})?$")

Reason = Literal[
    "quota_administration",      # quota-period, TRQ or quota-licence headings: no duty rule to encode
    "origin_not_encoded",        # only for origins no rule file names (checked by the audit)
    "exemption_without_heading", # the engine applies the exclusion, but reports no heading for it
    "reported_under_other_heading",  # the engine applies the rate, but reports another heading
    "documented_gap",            # a measure the rule files say they do not encode (ASSUMPTIONS ID required)
    "condition_not_visible",     # depends on facts a row does not carry (end use, donation, content share...)
    "product_exclusion",         # product-by-product exclusions granted by USTR/Commerce
    "not_in_force_in_scope",     # not in force in any period the project covers (2018 onward)
    "reporting_only",            # a superior text line or statistical heading without a rate
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_heading(v: str) -> str:
    if not _HEADING.match(v):
        raise ValueError(f"heading {v!r} is not of the form 9903.01.25")
    return v


class NotEncoded(_Model):
    headings: list[str] = Field(min_length=1)  # "9903.01.02" or "9903.17.01-9903.17.33"
    reason: Reason
    origins: list[str] = Field(default_factory=list)  # ISO-2 codes (or EU) the headings concern
    authority: str | None = None  # for origin_not_encoded: the authority no rule file encodes them under
    detail: str
    citation: str
    confidence: Literal["confirmed", "likely", "uncertain"] = "confirmed"
    assumption: str | None = None  # ASSUMPTIONS.md ID

    @field_validator("headings")
    @classmethod
    def _headings(cls, v: list[str]) -> list[str]:
        for item in v:
            parts = item.split("-")
            if len(parts) > 2:
                raise ValueError(f"range {item!r} has more than one '-'")
            for p in parts:
                _check_heading(p)
            if len(parts) == 2 and parts[0] > parts[1]:
                raise ValueError(f"range {item!r} runs backwards")
        return v

    @model_validator(mode="after")
    def _complete(self) -> "NotEncoded":
        if self.reason == "origin_not_encoded" and not (self.origins and self.authority):
            raise ValueError("origin_not_encoded needs the origins and the authority concerned")
        if self.reason == "documented_gap" and not self.assumption:
            raise ValueError("documented_gap needs the ASSUMPTIONS.md ID that records the gap")
        return self

    def covers(self, heading: str) -> bool:
        for item in self.headings:
            lo, _, hi = item.partition("-")
            if heading == lo or (hi and lo <= heading <= hi):
                return True
        return False


class ExplainedMismatch(_Model):
    heading: str
    reason: str
    citation: str
    measure: str | None = None  # a measure id; None: every measure reporting the heading

    @field_validator("heading")
    @classmethod
    def _heading(cls, v: str) -> str:
        return _check_heading(v)


class Registry(_Model):
    not_encoded: list[NotEncoded] = Field(default_factory=list)
    rate_mismatches: list[ExplainedMismatch] = Field(default_factory=list)

    def entry_for(self, heading: str) -> NotEncoded | None:
        return next((e for e in self.not_encoded if e.covers(heading)), None)

    def explanation(self, heading: str, measure_id: str | None) -> ExplainedMismatch | None:
        return next((x for x in self.rate_mismatches if x.heading == heading
                     and x.measure in (None, measure_id)), None)


def load_registry(path: Path | str | None = None) -> Registry:
    """Read and validate the registry (default: the package's file)."""
    p = Path(path) if path else REGISTRY_FILE
    return _load(p, p.stat().st_mtime_ns if p.exists() else 0)


@functools.lru_cache(maxsize=4)
def _load(path: Path, _stamp: int) -> Registry:
    if not path.is_file():
        raise PolicyError(f"Chapter 99 registry {path} does not exist")
    data, node = read_yaml(path)
    try:
        return Registry.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise PolicyError(f"{path}:{line_of(node, first['loc'])}: {where}: {first['msg']}") from None
