"""Apply a scenario to the loaded policy: a new :class:`Policy`, never a copy of rule files.

U.S. changes become part of the overlaid policy, so the engine runs them through the same
``compute_duties(rows, policy=...)`` path as the law: end, extend, set_rate, switch_off and add
change its measures; grant_preference adds a preference program (an origin may claim the rates
the HTS Special column prints for an indicator; SC-30). The overlaid policy's ``version``
hashes the base version with the scenario's content. ``grant_program`` (Japan's side) is
returned apart, for :mod:`tariffline.scenarios.japan_side`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace

from tariffline.errors import PolicyError
from tariffline.policy.loader import ALL, BoundMeasure, Policy, _check_origin, _topological
from tariffline.policy.schema import Program
from tariffline.scenarios.schema import (Add, End, Extend, GrantPreference, GrantProgram, LoadedScenario,
                                         SetRate, SwitchOff)

SPLIT_SUFFIX = "__scenario"


@dataclass(frozen=True)
class Overlaid:
    policy: Policy
    grants: tuple[GrantProgram, ...]  # Japan's side
    touched: tuple[str, ...]  # measure ids the scenario changed or added


def _targets(policy: Policy, change, where: str) -> list[str]:
    ids = list(change.measures)
    known = {bm.id for bm in policy.measures}
    for mid in ids:
        if mid not in known:
            raise PolicyError(f"{where}: measure {mid!r} is not in the rule files")
    if change.instrument:
        found = [bm.id for bm in policy.measures if bm.instrument.id == change.instrument]
        if not found:
            raise PolicyError(f"{where}: instrument {change.instrument!r} is not in the rule files")
        ids += found
    if change.authority:
        found = [bm.id for bm in policy.measures if bm.authority == change.authority]
        if not found:
            raise PolicyError(f"{where}: no measure has authority {change.authority!r}")
        ids += [m for m in found if m not in ids]
    if change.in_force_on:
        day = change.in_force_on
        by_id = {bm.id: bm for bm in policy.measures}
        ids = [m for m in ids if by_id[m].start <= day and (by_id[m].end is None or day < by_id[m].end)]
    return list(dict.fromkeys(ids))


def _end_at(bm: BoundMeasure, day: dt.date) -> BoundMeasure:
    end = day if bm.end is None else min(bm.end, day)
    return replace(bm, end=end, measure=bm.measure.model_copy(update={"end": end}))


def _program(policy: Policy, sc: LoadedScenario, i: int, ch: GrantPreference, where: str) -> Program:
    """The preference program a grant_preference change adds (its indicator must be one the rule
    files know, so that the HTS editions print rates for it)."""
    if ch.indicator not in {p.indicator for p in policy.programs}:
        raise PolicyError(f"{where}: indicator {ch.indicator!r} is not a program of the rule files")
    for o in ch.origins:
        if o == ALL:  # the engine claims a program only for the origins it names (like apta_b's ALL)
            raise PolicyError(f"{where}: name the origins (ISO-2 or groups), not ALL")
        _check_origin(o, policy.groups, where)
    return Program(id=f"scenario_{sc.scenario.id.replace('-', '_')}_{i}", authority=ch.authority,
                   indicator=ch.indicator, title=ch.title, origins=list(ch.origins), start=ch.from_,
                   end=ch.to, citation=ch.citation, published=ch.from_, confidence=ch.confidence,
                   notes=f"scenario {sc.scenario.id} ({sc.content_hash})")


def _hash(base: str, sc: LoadedScenario) -> str:
    return hashlib.sha256(f"{base}|{sc.scenario.id}|{sc.content_hash}".encode()).hexdigest()[:12]


def apply(policy: Policy, sc: LoadedScenario) -> Overlaid:
    """The policy with the scenario's changes (the base policy is left unchanged)."""
    measures = {bm.id: bm for bm in policy.measures}
    order = [bm.id for bm in policy.measures]
    programs, grants, touched = list(policy.programs), [], []
    for i, ch in enumerate(sc.scenario.changes):
        where = f"{sc.path}: changes[{i}] ({ch.type})"
        if isinstance(ch, End):
            for mid in _targets(policy, ch, where):
                measures[mid] = _end_at(measures[mid], ch.from_)
                touched.append(mid)
        elif isinstance(ch, Extend):
            for mid in _targets(policy, ch, where):
                bm = measures[mid]
                measures[mid] = replace(bm, end=ch.to, measure=bm.measure.model_copy(update={"end": ch.to}))
                touched.append(mid)
        elif isinstance(ch, SwitchOff):
            hit = [mid for mid, bm in measures.items() if bm.authority == ch.authority]
            if not hit:
                raise PolicyError(f"{where}: no measure has authority {ch.authority!r}")
            for mid in hit:
                if measures[mid].start < ch.from_:
                    measures[mid] = _end_at(measures[mid], ch.from_)
                else:  # starts on or after the switch-off: never in force
                    measures[mid] = _end_at(measures[mid], measures[mid].start)
                touched.append(mid)
        elif isinstance(ch, SetRate):
            for mid in _targets(policy, ch, where):
                bm = measures[mid]
                new_id = mid + SPLIT_SUFFIX
                start = max(bm.start, ch.from_)
                copy = replace(bm, measure=bm.measure.model_copy(
                    update={"id": new_id, "start": start, "rate": ch.rate}))
                measures[mid] = _end_at(bm, start)
                measures[new_id] = copy
                order.insert(order.index(mid) + 1, new_id)
                # whatever the old measure excluded, the new one excludes too
                for oid, obm in list(measures.items()):
                    if mid in obm.measure.excluded_by:
                        measures[oid] = replace(obm, measure=obm.measure.model_copy(
                            update={"excluded_by": sorted([*obm.measure.excluded_by, new_id])}))
                touched += [mid, new_id]
        elif isinstance(ch, Add):
            inst = next((x for x in policy.instruments if x.id == ch.instrument), None)
            if inst is None:
                raise PolicyError(f"{where}: instrument {ch.instrument!r} is not in the rule files")
            if ch.measure.id in measures:
                raise PolicyError(f"{where}: measure id {ch.measure.id!r} already exists")
            for ref in ch.measure.excluded_by:
                if ref not in measures and not ref.startswith("authority:"):
                    raise PolicyError(f"{where}: excluded_by {ref!r} names no measure")
            refs = set()
            for ref in ch.measure.excluded_by:
                if ref.startswith("authority:"):
                    name = ref.split(":", 1)[1]
                    refs |= {m for m, bm in measures.items() if bm.authority == name}
                else:
                    refs.add(ref)
            m = ch.measure.model_copy(update={"excluded_by": sorted(refs)})
            measures[m.id] = BoundMeasure(m, inst, m.end)
            order.append(m.id)
            touched.append(m.id)
        elif isinstance(ch, GrantPreference):
            programs.append(_program(policy, sc, i, ch, where))
        elif isinstance(ch, GrantProgram):
            grants.append(ch)
    bound = [measures[mid] for mid in order]
    refs = {bm.id: set(bm.measure.excluded_by) for bm in bound}
    ordered = tuple(_topological(bound, refs))
    version = _hash(policy.version, sc)
    return Overlaid(replace(policy, measures=ordered, programs=tuple(programs), version=version),
                    tuple(grants), tuple(dict.fromkeys(touched)))
