"""The validated shape of a scenario file (rules/scenarios/*.yaml; see docs/scenarios.md).

A scenario names the policy changes it makes, each citing the rule-file measure ids it touches,
and the assumptions it rests on. Errors name the file and the line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tariffline.errors import PolicyError
from tariffline.policy.schema import Confidence, Measure, Rate, check_id
from tariffline.policy.yamlfile import line_of, read_yaml

LIBRARY = Path(__file__).resolve().parent.parent / "rules" / "scenarios"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Targets(_Model):
    measures: list[str] = Field(default_factory=list)  # rule-file measure ids
    instrument: str | None = None  # every measure of this rule file
    authority: str | None = None  # every measure of this authority ...
    in_force_on: dt.date | None = None  # ... (or of the above) in force on this day

    @model_validator(mode="after")
    def _some(self):
        if not self.measures and not self.instrument and not self.authority:
            raise ValueError("name 'measures', an 'instrument' or an 'authority'")
        return self


class End(_Targets):
    type: Literal["end"]
    from_: dt.date = Field(alias="from")  # first day no longer covered


class Extend(_Targets):
    type: Literal["extend"]
    to: dt.date | None  # new first day not covered (null: open-ended)


class SetRate(_Targets):
    type: Literal["set_rate"]
    from_: dt.date = Field(alias="from")
    rate: Rate


class SwitchOff(_Model):
    type: Literal["switch_off"]
    authority: str
    from_: dt.date = Field(alias="from")


class Add(_Model):
    type: Literal["add"]
    instrument: str  # the rule file whose authority and citation the measure takes
    measure: Measure


class GrantPreference(_Model):
    """U.S. side: ``origins`` may claim the rates the HTS Special column prints for a program
    ``indicator`` (e.g. ``B``: Free on the automotive products of General Note 5), from ``from``.
    The overlay adds it to the policy's preference programs, so the engine's column 1 claims it
    like any other preference (the lower of it and MFN; SC-30)."""

    type: Literal["grant_preference"]
    origins: list[str] = Field(min_length=1)
    indicator: str
    authority: str  # the name the column 1 layer reports, e.g. "USJTA stage 2 (scenario)"
    title: str
    citation: str  # why these rates: the scenario's reasoning and the indicator's legal basis
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None  # first day no longer claimable (null: open)
    confidence: Confidence = "uncertain"

    @model_validator(mode="after")
    def _dates(self):
        if self.to is not None and self.to <= self.from_:
            raise ValueError(f"to {self.to} is not after from {self.from_}")
        return self


class GrantProgram(_Model):
    """Japan's side: an origin may claim a program's column (e.g. the U.S. gets CPTPP rates)."""

    type: Literal["grant_program"]
    program: str
    origin: Literal["US"]  # Japan's side is weighted by U.S. exports (scenarios/japan_side.py)
    from_: dt.date = Field(alias="from")


Change = Annotated[Union[End, Extend, SetRate, SwitchOff, Add, GrantPreference, GrantProgram],
                   Field(discriminator="type")]


class Scenario(_Model):
    id: str
    title: str
    description: str
    author_assumptions: list[str] = Field(default_factory=list)  # ids into ASSUMPTIONS.md
    sources: list[str] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)

    @model_validator(mode="after")
    def _id(self):
        check_id(self.id.replace("-", "_"))
        return self


class LoadedScenario(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    scenario: Scenario
    path: str
    content_hash: str


def scenario_ids() -> list[str]:
    return sorted(p.stem for p in LIBRARY.glob("*.yaml"))


def resolve_path(id_or_file: str | Path) -> Path:
    """A shipped scenario id, or a path to a scenario file."""
    text = str(id_or_file)
    shipped = LIBRARY / f"{text}.yaml"
    if shipped.is_file():
        return shipped
    path = Path(text)
    if path.is_file():
        return path
    raise PolicyError(f"no scenario {text!r}: not a shipped id ({', '.join(scenario_ids())}) nor a file")


def load_scenario(id_or_file: str | Path) -> LoadedScenario:
    """Read and validate a scenario; a mistake is a PolicyError naming file and line."""
    path = resolve_path(id_or_file)
    try:
        data, node = read_yaml(path)
    except PolicyError as exc:  # one line, whatever the YAML reader said
        raise PolicyError(" ".join(str(exc).split())) from None
    if not isinstance(data, dict):
        raise PolicyError(f"{path}:1: a scenario file is a mapping with id, title, changes")
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        # discriminated unions add the tag to the location; drop it to find the line
        loc_clean = loc[:2] + loc[3:] if loc[:1] == ("changes",) and len(loc) > 2 and loc[2] in _TAGS else loc
        line = line_of(node, loc_clean)
        where = ".".join(str(p) for p in loc) or "(top)"
        raise PolicyError(f"{path}:{line}: {where}: {err['msg']}") from None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return LoadedScenario(scenario=sc, path=str(path), content_hash=digest)


_TAGS = {"end", "extend", "set_rate", "switch_off", "add", "grant_preference", "grant_program"}
