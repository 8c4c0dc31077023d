"""The Chapter 99 audit: the official HTS is the check on the rule files.

For one :class:`~tariffline.audit.sources.AuditSource` (an edition, or a revision known from its
change material) every 9903 heading is either

- ``encoded``: reported by a measure (``heading`` or ``heading_when_no_duty``) whose dates
  overlap the source's in-force period;
- ``encoded_other_dates``: reported only by measures of other dates (the HTS keeps printing
  terminated headings, and new ones may appear before their effective date) - accounted (AU-02);
- ``not_encoded``: listed in the registry with a reason and citation;
- ``unaccounted``: none of these - the audit's failure.

Each encoded heading's General rate text is compared with the rate rule of the measures that
report it; a mismatch is ``explained`` when the registry says why. Footnotes of chapters 1-97
that name a 9903 heading are checked against the measures' product scopes (both ways).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

import polars as pl

from tariffline.audit.ratetext import RateText, parse_rate_text
from tariffline.audit.registry import Registry, load_registry
from tariffline.audit.sources import AuditSource
from tariffline.policy.loader import ALL, BoundMeasure, Policy, load_policy
from tariffline.policy.products import resolve

LIST_LIMIT = 200  # longest list of footnote findings kept per kind (counts are always complete)


@dataclass
class Mismatch:
    heading: str
    measure: str
    hts_text: str
    hts_rule: str
    measure_rule: str
    explained: bool
    reason: str = ""


@dataclass
class AuditReport:
    source: str
    kind: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    headings: int
    accounted: int
    unaccounted: int
    rate_mismatches: int
    unexplained_mismatches: int
    encoded: list[str]
    encoded_other_dates: list[dict]
    not_encoded: list[dict]
    unaccounted_headings: list[dict]
    mismatches: list[dict]
    registry_overlaps: list[dict]
    registry_origin_conflicts: list[dict]
    footnotes_available: bool
    footnote_findings: dict = field(default_factory=dict)
    note: str = ""

    def as_dict(self) -> dict:
        out = asdict(self)
        for k in ("effective_from", "effective_to"):
            out[k] = out[k].isoformat() if out[k] else None
        return out


def _overlaps(bm: BoundMeasure, start: dt.date | None, end: dt.date | None) -> bool:
    if start is None:
        return True
    return (end is None or bm.start < end) and (bm.end is None or bm.end > start)


def _measure_rule(bm: BoundMeasure, as_no_duty: bool) -> str:
    r = bm.measure.rate
    if as_no_duty or r.type == "exempt":
        return "exempt"
    if r.type == "additional":
        base = "" if bm.measure.value_base == "full" else f" of {bm.measure.value_base.replace('_', ' ')}"
        return f"+{r.value:.4g}{base}"
    if r.type == "inclusive":
        return f"total {r.target:.4g}"
    if r.type == "capped":
        return f"+{r.value:.4g} capped at total {r.cap:.4g}"
    return r.type


def rates_agree(text: RateText, bm: BoundMeasure, as_no_duty: bool) -> bool:
    """Whether a heading's parsed General text states the measure's rate rule."""
    r = bm.measure.rate
    no_duty = text.kind in ("exempt", "free") or (text.kind == "additional" and text.value == 0)
    if as_no_duty or r.type == "exempt":
        return no_duty
    if r.type == "additional":
        want_base = "metal_content" if bm.measure.value_base == "metal_content" else "full"
        return text.kind == "additional" and abs(text.value - r.value) < 1e-9 and text.base == want_base
    if r.type == "inclusive":
        return text.kind == "total" and abs(text.value - r.target) < 1e-9
    if r.type == "capped":
        return ((text.kind == "additional" and abs(text.value - r.value) < 1e-9)
                or (text.kind == "total" and abs(text.value - r.cap) < 1e-9))
    return False


def _by_heading(policy: Policy) -> dict[str, list[tuple[BoundMeasure, bool]]]:
    out: dict[str, list[tuple[BoundMeasure, bool]]] = {}
    for bm in policy.measures:
        if bm.measure.heading:
            out.setdefault(bm.measure.heading, []).append((bm, False))
        if bm.measure.heading_when_no_duty:
            out.setdefault(bm.measure.heading_when_no_duty, []).append((bm, True))
    return out


def measure_origins(policy: Policy, authority: str | None = None) -> set[str]:
    """ISO-2 origins some measure (of ``authority``, if given) names specifically (not through ALL)."""
    out: set[str] = set()
    for bm in policy.measures:
        if authority is not None and bm.authority != authority:
            continue
        for o in bm.measure.origins:
            if o != ALL:
                out |= policy.expand_origin(o)
    return out


def audit(source: AuditSource, policy: Policy | None = None, registry: Registry | None = None) -> AuditReport:
    """Audit one source against the rule files and the not-encoded registry."""
    policy = policy or load_policy()
    registry = registry or load_registry()
    reach = _by_heading(policy)
    named: dict[str | None, set[str]] = {}
    start, end = source.effective_from, source.effective_to
    encoded, other, not_enc, unacc, mismatches, overlaps, conflicts = [], [], [], [], [], [], []
    seen: set[str] = set()
    for row in source.headings:
        h = row.heading
        if h in seen:
            continue
        seen.add(h)
        entry = registry.entry_for(h)
        users = reach.get(h, [])
        if users:
            current = [(bm, nd) for bm, nd in users if _overlaps(bm, start, end)]
            if current:
                encoded.append(h)
            else:  # the text printed now need not be the one in force then: no rate comparison
                other.append({"heading": h, "measures": sorted({bm.id for bm, _ in users}),
                              "dates": sorted({f"{bm.start}..{bm.end or ''}" for bm, _ in users})})
            if entry is not None:
                overlaps.append({"heading": h, "reason": entry.reason,
                                 "measures": sorted({bm.id for bm, _ in users})})
            parsed = parse_rate_text(row.general)
            for bm, nd in current:
                if rates_agree(parsed, bm, nd):
                    continue
                why = registry.explanation(h, bm.id)
                mismatches.append(Mismatch(h, bm.id, row.general, parsed.describe(), _measure_rule(bm, nd),
                                           why is not None, why.reason if why else ""))
        elif entry is not None:
            item = {"heading": h, "reason": entry.reason, "detail": entry.detail, "citation": entry.citation,
                    "confidence": entry.confidence}
            if entry.origins:
                item["origins"] = entry.origins
            if entry.assumption:
                item["assumption"] = entry.assumption
            not_enc.append(item)
            if entry.reason == "origin_not_encoded":
                if entry.authority not in named:
                    named[entry.authority] = measure_origins(policy, entry.authority)
                clash = set(entry.origins) & named[entry.authority]
                if clash:
                    conflicts.append({"heading": h, "authority": entry.authority, "origins": sorted(clash)})
        else:
            unacc.append({"heading": h, "general": row.general, "description": row.description[:200]})
    n = len(seen)
    footnotes_ok = source.lines is not None and source.lines.get_column("footnotes").list.len().sum() > 0
    findings = footnote_audit(source.lines, policy, registry, start, end) if footnotes_ok else {}
    return AuditReport(
        source=source.label, kind=source.kind, effective_from=start, effective_to=end,
        headings=n, accounted=n - len(unacc), unaccounted=len(unacc),
        rate_mismatches=len(mismatches), unexplained_mismatches=sum(not m.explained for m in mismatches),
        encoded=encoded, encoded_other_dates=other, not_encoded=not_enc, unaccounted_headings=unacc,
        mismatches=[asdict(m) for m in mismatches], registry_overlaps=overlaps,
        registry_origin_conflicts=conflicts, footnotes_available=footnotes_ok, footnote_findings=findings,
        note=source.note or ("" if footnotes_ok else "this edition carries no footnotes (CSV export): "
                             "footnote audit not run"))


# --- footnotes ---------------------------------------------------------------------------------

def _matcher(prefixes: dict[int, frozenset[str]]):
    def match(code: str) -> bool:
        return any(code[:n] in ps for n, ps in prefixes.items() if n <= len(code))
    return match


def _in_scope(bm: BoundMeasure):
    """A predicate on HTS digits for the measure's product scope, or None for every good."""
    inc = bm.measure.products.include
    exc = bm.measure.products.exclude
    inc_m = _matcher(resolve(inc)) if inc is not None else None
    exc_m = _matcher(resolve(exc)) if (exc.prefixes or exc.lists) else None
    if inc_m is None and exc_m is None:
        return None
    return lambda code: (inc_m is None or inc_m(code)) and not (exc_m is not None and exc_m(code))


def footnote_audit(lines: pl.DataFrame, policy: Policy, registry: Registry,
                   start: dt.date | None, end: dt.date | None) -> dict:
    """Lines whose footnotes name a heading the rules do not put them under, and the reverse.

    Forward: a footnote naming heading H on line L, where no measure reports H
    (``heading_not_encoded``; ``heading_registered`` if the registry explains H), or where
    measures report H but none of them covers L (``line_outside_scope``).
    Reverse: for each heading named in some footnote, lines of the measure's product scope whose
    footnotes never name it (``scope_line_without_footnote``), at the 8-digit level.
    A report, not a failure: footnotes are printed for guidance and are not legal text (AU-05).
    """
    reach = _by_heading(policy)
    pairs = (lines.filter(pl.col("footnotes").list.len() > 0).explode("footnotes")
             .with_columns(pl.col("footnotes").str.extract_all(r"9903\.\d{2}\.\d{2}").alias("named"))
             .explode("named").drop_nulls("named").select("hts", "hts_dotted", "named").unique())
    named_headings = sorted(set(pairs.get_column("named").to_list()))
    out: dict[str, list] = {"heading_not_encoded": [], "heading_registered": [],
                            "line_outside_scope": [], "scope_line_without_footnote": []}
    scope_cache: dict[str, object] = {}
    footnoted_by: dict[str, set[str]] = {}
    for hts, dotted, h in pairs.iter_rows():
        footnoted_by.setdefault(h, set()).add(hts)
        users = [bm for bm, nd in reach.get(h, []) if not nd]
        if not users:
            kind = "heading_registered" if registry.entry_for(h) else "heading_not_encoded"
            out[kind].append({"hts": dotted, "heading": h})
            continue
        covered = False
        for bm in users:
            if bm.id not in scope_cache:
                scope_cache[bm.id] = _in_scope(bm)
            pred = scope_cache[bm.id]
            if pred is None or pred(hts):
                covered = True
                break
        if not covered:
            out["line_outside_scope"].append({"hts": dotted, "heading": h,
                                              "measures": sorted(bm.id for bm in users)})
    codes8 = sorted({c[:8] for c in lines.get_column("hts").to_list() if len(c) >= 8})
    for h in named_headings:
        marked = footnoted_by.get(h, set())
        for bm, nd in reach.get(h, []):
            if nd or not _overlaps(bm, start, end):
                continue
            pred = scope_cache.get(bm.id) or _in_scope(bm)
            if pred is None:
                continue
            marked8 = {c[:8] for c in marked}
            for code in (c for c in codes8 if pred(c) and c not in marked8):
                out["scope_line_without_footnote"].append({"hts8": code, "heading": h, "measure": bm.id})
    counts = {k: len(v) for k, v in out.items()}
    by_heading = {k: dict(Counter(x["heading"] for x in v).most_common()) for k, v in out.items()}
    return {"counts": counts, "by_heading": by_heading, "headings_named": len(named_headings),
            **{k: v[:LIST_LIMIT] for k, v in out.items()}}
