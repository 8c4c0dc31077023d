"""Keyword search over the descriptions of an HTS edition, ranked (SQLite FTS5, bm25).

Each numbered line is indexed with its own description and the descriptions of its superior
lines (the ``path_description`` the loader builds), with the Porter stemmer so that "vehicle"
finds "vehicles". A line's own description weighs more than its path. All words must match;
if no line has them all, lines with any of them are ranked instead (and the answer says so).
SQLite's FTS5 ships with Python's standard library: no new dependency.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3

from tariffline.errors import DataError, InputError
from tariffline.hts.editions import edition_for
from tariffline.hts.loader import HtsEdition, load_edition

MAX_LIMIT = 500
MAX_QUERY_WORDS = 32
# bm25 column weights: own description, then the superior path
_WEIGHTS = (4.0, 1.0)


@functools.lru_cache(maxsize=2)
def _index(edition: HtsEdition) -> sqlite3.Connection:
    """An in-memory FTS5 index of ``edition``'s lines (built once per edition in a process)."""
    try:
        con = sqlite3.connect(":memory:", check_same_thread=False)
        con.execute("CREATE VIRTUAL TABLE line USING fts5(description, path, hts UNINDEXED, "
                    "tokenize='porter unicode61 remove_diacritics 2')")
    except sqlite3.OperationalError as exc:  # an SQLite built without FTS5
        raise DataError(f"hts search needs SQLite with FTS5: {exc}") from None
    rows = edition.lines.select("description", "path_description", "hts").iter_rows()
    con.executemany("INSERT INTO line(description, path, hts) VALUES (?, ?, ?)",
                    ((d or "", p or "", h) for d, p, h in rows))
    return con


def _words(query: str) -> list[str]:
    words = re.findall(r"\w+", query or "")
    if not words:
        raise InputError(f"search words {query!r} hold no letter or digit")
    if len(words) > MAX_QUERY_WORDS:
        raise InputError(f"at most {MAX_QUERY_WORDS} search words, not {len(words)}")
    return words


def _match(words: list[str], op: str) -> str:
    # each word quoted: FTS5 syntax characters in the user's text are plain text
    return f" {op} ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(query: str, day: dt.date | None = None, *, limit: int = 20,
           edition: HtsEdition | None = None) -> dict:
    """Lines of the edition in force on ``day`` (or ``edition``) matching ``query``, best first.

    Returns ``{"edition", "edition_note", "query", "match" ("all"|"any"), "results": [...]}``
    where each result has hts, level, description, path, general (rate text) and score.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    words = _words(query)
    note = ""
    if edition is None:
        if day is None:
            raise InputError("give the date whose edition to search (or an edition)")
        info = edition_for(day)
        note = info.note
        edition = load_edition(info)
    con = _index(edition)
    sql = (f"SELECT hts, bm25(line, {_WEIGHTS[0]}, {_WEIGHTS[1]}) AS score FROM line "
           "WHERE line MATCH ? ORDER BY score, hts LIMIT ?")
    match = "all"
    hits = con.execute(sql, (_match(words, "AND"), limit)).fetchall()
    if not hits and len(words) > 1:
        match = "any"
        hits = con.execute(sql, (_match(words, "OR"), limit)).fetchall()
    results = []
    for hts, score in hits:
        line = edition.line(hts)
        results.append({
            "hts": line["hts_dotted"], "level": line["level"], "description": line["description"],
            "path": line["path_description"], "general": line["eff_general_text"] or None,
            "score": round(-score, 4),
        })
    return {"edition": edition.info.edition, "edition_note": note, "query": query, "match": match,
            "results": results}
