"""What the audit reads: the Chapter 99 headings of an HTS edition, or of a revision known only
from its change records and heading tables (2026 Rev 12-21).

A full edition comes from :func:`tariffline.hts.loader.load_edition` (every 9903 line, and the
footnotes of chapters 1-97 where the edition carries them). The later revisions are read at run
time from two registered datasets families: the new/changed heading tables of each revision
(USITC change-record material kept by hts-hero, Markdown tables) and 137 USITC exportList rows
of Rev 21. Their in-force dates are the publication dates in the USITC archive list (AU-03).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tariffline.data import store
from tariffline.data.catalog import Dataset, register
from tariffline.errors import DataError, InputError
from tariffline.hts.editions import EditionInfo, edition_named, editions
from tariffline.hts.loader import load_edition


@dataclass(frozen=True)
class HeadingRow:
    heading: str  # dotted, "9903.01.25"
    description: str
    general: str


@dataclass(frozen=True)
class AuditSource:
    """The headings to audit and the period they were in force (end exclusive, None = open)."""

    label: str
    kind: str  # "edition" | "change_record"
    effective_from: dt.date | None
    effective_to: dt.date | None
    headings: tuple[HeadingRow, ...]
    lines: pl.DataFrame | None = None  # chapters 1-97: hts, hts_dotted, footnotes
    note: str = ""


def _chapter99(lines: pl.DataFrame) -> tuple[HeadingRow, ...]:
    rows = lines.filter(pl.col("hts").str.starts_with("9903")).select("hts_dotted", "description", "general_text")
    return tuple(HeadingRow(h, " ".join((d or "").split()), g or "") for h, d, g in rows.iter_rows())


def _goods_lines(lines: pl.DataFrame) -> pl.DataFrame:
    return (lines.filter(~pl.col("hts").str.starts_with("98") & ~pl.col("hts").str.starts_with("99"))
            .select("hts", "hts_dotted", "footnotes"))


def edition_source(edition: EditionInfo | str | Path) -> AuditSource:
    """The 9903 headings of a full edition (an edition on hand or a USITC CSV/JSON file) and its
    lines of chapters 1-97 with their footnotes."""
    ed = load_edition(edition)
    info = ed.info
    return AuditSource(label=info.edition, kind="edition", effective_from=info.effective_from,
                       effective_to=info.effective_to, headings=_chapter99(ed.lines),
                       lines=_goods_lines(ed.lines))


# --- 2026 Rev 12-21: change-record heading tables and Rev 21 exportList rows ------------------

_HERO = "https://github.com/brendanxmac/hts-hero/blob/{commit}/tariffs/revision-diffs/2026HTSRev{rev}/headings.md"
_HERO_COMMITS = {12: "b596bbfe9f4aeb188dd69b3e922dff511e48b310", 13: "aa0e672c766cd6f2b4337f3c41ce2a9bb84528b3",
                 14: "e845da6aed8104352ca5a0da3840c241d112b05d", 15: "6e34dfc1fdabde11b662a750be558993a3cb1923",
                 16: "ce20da21641b3fc38e0212a12c8d16c77cb46809", 17: "172d5ba3a5f15af1859ddbcfcb287fdd4567e982",
                 18: "bb2ae5e5ddf389d16ce115bda9663068f8bee631", 20: "9ac404aece59d1fb5b71f9c4e494d45b459af10d"}
_HERO_SHA = {12: "0897dae6c0a79837463bd33cab7a6b409cdd8f23ddefd886960857b63270f7f4",
             13: "09eb21fe63059eee652ef5283f180255d1ccee61aaeac1e183df0f682f5342c2",
             14: "6df705cba3e502131ac4a2e65cfb7ee4d3d8a0618b9a876be534247ee407bf9a",
             15: "58c50eccb6e78aa856d94d4a4dfe7fb53a897b04a28c1591e26a616791851e3d",
             16: "9485b3be3a0d221bebf8ee6a1bf1ceecf968967788b8ac1322e551c48064706d",
             17: "3fc443ad6e7ea8c2d4b1c89a107c03d9801a204b5e2510a6b9da62badbc80580",
             18: "125e2c330e451962ba006714acb0e2cc64ad6f91cf539060017fb6b09914d4ec",
             20: "80ebc3ab2512882cc213a858f0d7462ae0e8a5f1eaf4aed2390aa1e0a9da2a13"}
# Publication dates of the revisions (USITC archive list, as summarised in the mirror's
# hts_hero_revision_diffs_2026/PROVENANCE.md); a revision is taken as in force from its
# publication until the next one (AU-03). Rev 21: release start date 10/09/2026.
_PUBLISHED = {12: dt.date(2026, 7, 21), 13: dt.date(2026, 7, 28), 14: dt.date(2026, 7, 31),
              15: dt.date(2026, 8, 3), 16: dt.date(2026, 8, 14), 17: dt.date(2026, 8, 24),
              18: dt.date(2026, 9, 2), 19: dt.date(2026, 9, 15), 20: dt.date(2026, 9, 28),
              21: dt.date(2026, 10, 9)}
_CHANGES_DIR = "usitc_hts_2026_changes_rev12_21"

for _rev, _commit in _HERO_COMMITS.items():
    register(Dataset(
        name=f"hts_2026_rev{_rev}_ch99_headings",
        title=f"HTS 2026 Revision {_rev}: new or changed Chapter 99 headings (change-record table)",
        publisher="U.S. International Trade Commission (tables as kept by brendanxmac/hts-hero)",
        url=_HERO.format(commit=_commit, rev=_rev),
        mirror_path=f"{_CHANGES_DIR}/hts_hero_revision_diffs_2026/2026HTSRev{_rev}_headings.md",
        sha256=_HERO_SHA[_rev],
        meta={"revision": _rev, "published": _PUBLISHED[_rev]},
    ))

HTS_2026_REV21_CH99 = register(Dataset(
    name="hts_2026_rev21_ch99_rows",
    title="HTS 2026 Revision 21: 137 Chapter 99 heading rows (USITC exportList, captured 2026-10-10)",
    publisher="U.S. International Trade Commission (rows as kept by koala73/worldmonitor)",
    url="https://github.com/koala73/worldmonitor/blob/eda4afa66f16d384de46c366230c614853e0e7cb/"
        "tests/fixtures/us-hts/chapter99-headings.json",
    mirror_path=f"{_CHANGES_DIR}/ch99_headings_rev21/worldmonitor_chapter99-headings_rev21.json",
    sha256="b1331b0827eb49459d3e229ca345ae63c3defc4d4d0b613c2895a2f575867cfc",
    note="A subset of Chapter 99 (the rows a duty calculator reads), not the whole chapter.",
    meta={"revision": 21, "published": _PUBLISHED[21]},
))

CHANGE_REVISIONS = tuple(sorted([*_HERO_COMMITS, 21]))


def _split_row(line: str) -> list[str]:
    cells = line.strip().strip("|").split("|")
    return [c.strip() for c in cells]


def parse_heading_table(text: str, source: str) -> tuple[HeadingRow, ...]:
    """Rows of a change-record heading table: | Heading | Stat. | Description | General | ..."""
    rows, header = [], None
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = _split_row(line)
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set(line.replace("|", "").strip()) <= set("-: "):
            continue
        if len(cells) != len(header):
            raise DataError(f"{source}: table row has {len(cells)} cells, header has {len(header)}: {line[:60]!r}")
        row = dict(zip(header, cells))
        try:
            rows.append(HeadingRow(row["heading"], row["description"], row["general"]))
        except KeyError as exc:
            raise DataError(f"{source}: heading table lacks a column {exc}") from None
    if header is None:
        raise DataError(f"{source}: no heading table found")
    return tuple(rows)


def parse_export_rows(content: bytes, source: str) -> tuple[HeadingRow, ...]:
    """USITC exportList rows (JSON list of objects with htsno, description, general)."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{source} is not valid JSON: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) and "htsno" in r for r in data):
        raise DataError(f"{source}: expected a JSON list of USITC rows with 'htsno'")
    return tuple(HeadingRow(str(r["htsno"]), " ".join(str(r.get("description") or "").split()),
                            str(r.get("general") or "")) for r in data)


def change_source(revision: int) -> AuditSource:
    """The Chapter 99 headings known for 2026 Rev ``revision`` (12-21) from change material."""
    if revision not in CHANGE_REVISIONS:
        raise InputError(f"no Chapter 99 change material for 2026 Rev {revision}; "
                         f"on hand: {', '.join(map(str, CHANGE_REVISIONS))}")
    if revision == 21:
        rows = parse_export_rows(store.read_bytes(HTS_2026_REV21_CH99.name), HTS_2026_REV21_CH99.name)
        note = "137 USITC exportList rows (a subset of Chapter 99)"
    else:
        name = f"hts_2026_rev{revision}_ch99_headings"
        rows = parse_heading_table(store.open_text(name), name)
        note = "headings new or changed in this revision (change-record table)"
    nxt = [r for r in sorted(_PUBLISHED) if r > revision]
    return AuditSource(label=f"2026 HTS Revision {revision} (change material)", kind="change_record",
                       effective_from=_PUBLISHED[revision],
                       effective_to=_PUBLISHED[nxt[0]] if nxt else None, headings=rows, note=note)


def all_sources() -> list[str]:
    """Every audit source on hand: edition names, then 'rev12'..'rev21' change material."""
    return [e.name for e in editions()] + [f"rev{r}" for r in CHANGE_REVISIONS]


def source_named(name: str | None) -> AuditSource:
    """An edition (dataset name, release, path; None = newest) or 'revN' change material."""
    if name is None:
        return edition_source(editions()[-1])
    low = name.lower().replace(" ", "")
    for prefix in ("2026htsrev", "rev"):
        if low.startswith(prefix) and low[len(prefix):].isdigit() and int(low[len(prefix):]) in CHANGE_REVISIONS:
            on_hand = {e.release for e in editions()}
            if f"2026HTSRev{int(low[len(prefix):])}" not in on_hand:
                return change_source(int(low[len(prefix):]))
    if Path(name).expanduser().is_file():
        return edition_source(Path(name).expanduser())
    try:
        info = edition_named(name)
    except InputError as exc:
        revs = ", ".join(f"rev{r}" for r in CHANGE_REVISIONS)
        raise InputError(f"{exc}; 2026 revisions known from change material: {revs}") from None
    return edition_source(info)
