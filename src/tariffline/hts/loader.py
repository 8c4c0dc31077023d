"""Read one HTS edition (USITC CSV or JSON export) into polars tables the engine vectorises on.

``load_edition(name_or_path)`` returns an :class:`HtsEdition` (cached in-process):

- ``lines``: one row per numbered line — ``hts`` (digits), ``hts_dotted``, ``hts8`` (first 8
  digits of 8- and 10-digit lines), ``level`` (digit count), ``indent``, ``description``, ``path_description`` (superior texts), ``units``,
  ``general_text``/``special_text``/``column2_text``/``additional_text``, ``footnotes``, the
  effective texts ``eff_general_text``/``eff_special_text``/``eff_column2_text`` (own text or
  the nearest ancestor's — statistical 10-digit lines inherit from their 8-digit line — with
  ``general_from``/``special_from``/``column2_from`` naming the line it came from) and the parsed
  General and Column 2 rates as flat columns ``gen_*`` and ``col2_*``: ``kind``, ``adv``,
  ``adv_partial``, ``specific``, ``specific_unit``, ``specific2``, ``specific2_unit``, ``approx``,
  ``note``, ``parse_error`` (see :mod:`tariffline.hts.rates`).
- ``special``: one row per (hts, program indicator) from the effective Special text.
- ``subheadings``: one row per 8-digit subheading (for 8-digit lookups; rates are set at that
  level, so every 10-digit line of a subheading carries the same effective rate texts).

CSV export: 9 columns, UTF-8 with BOM, every value quoted. JSON export: a list of objects with
``htsno, indent, description, units, general, special, other, footnotes, quotaQuantity,
additionalDuties``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tariffline.data import catalog, store
from tariffline.errors import DataError, InputError
from tariffline.hts.codes import dotted, normalize_hts
from tariffline.hts.editions import EditionInfo, edition_named, editions
from tariffline.hts.rates import RateExpr, parse_rate
from tariffline.hts.special import special_rows

__all__ = ["HtsEdition", "load_edition", "normalize_hts", "parse_edition_bytes"]

CSV_COLUMNS = {
    "HTS Number": "hts_raw", "Indent": "indent", "Description": "description",
    "Unit of Quantity": "units_raw", "General Rate of Duty": "general_text",
    "Special Rate of Duty": "special_text", "Column 2 Rate of Duty": "column2_text",
    "Quota Quantity": "quota_text", "Additional Duties": "additional_text",
}
_JSON_KEYS = {"htsno": "hts_raw", "indent": "indent", "description": "description",
              "general": "general_text", "special": "special_text", "other": "column2_text",
              "quotaQuantity": "quota_text", "additionalDuties": "additional_text"}
_RATE_COLUMNS = ("general", "special", "column2")
_FLAT = {"kind": pl.Utf8, "adv": pl.Float64, "adv_partial": pl.Float64, "specific": pl.Float64,
         "specific_unit": pl.Utf8, "specific2": pl.Float64, "specific2_unit": pl.Utf8,
         "approx": pl.Boolean, "note": pl.Utf8, "parse_error": pl.Utf8}
SPECIAL_SCHEMA = {"hts": pl.Utf8, "program": pl.Utf8, "rate_text": pl.Utf8, "kind": pl.Utf8,
                  "adv": pl.Float64, "adv_partial": pl.Float64, "specific": pl.Float64,
                  "specific_unit": pl.Utf8, "specific2": pl.Float64, "specific2_unit": pl.Utf8,
                  "reference": pl.Utf8, "approx": pl.Boolean, "parse_error": pl.Utf8}


@dataclass(frozen=True, eq=False)
class HtsEdition:
    """A loaded edition: its metadata, the numbered lines and the Special program table."""

    info: EditionInfo
    lines: pl.DataFrame
    special: pl.DataFrame

    @property
    def name(self) -> str:
        return self.info.edition

    @functools.cached_property
    def subheadings(self) -> pl.DataFrame:
        """One row per 8-digit subheading (the legal level of rates): its 8-digit line, or for a
        subheading printed only as a 10-digit line ("8704.21.01.00"), that line. Same columns
        as ``lines``; join on ``hts8``."""
        ranked = self.lines.filter(pl.col("hts8").is_not_null()).sort(["hts8", "level", "row"])
        return ranked.unique(subset="hts8", keep="first", maintain_order=True)

    def line(self, hts: str) -> dict:
        """The line for an HTS code (any accepted spelling) as a dict; InputError if absent.

        An 8-digit code printed only as a 10-digit line (8704.21.01 -> 8704.21.01.00) finds it.
        """
        digits = normalize_hts(hts)
        found = self.lines.filter(pl.col("hts") == digits)
        if not found.height and len(digits) == 8:
            found = self.subheadings.filter(pl.col("hts8") == digits)
        if found.height:
            return found.row(0, named=True)
        raise InputError(f"HTS code {hts!r} is not in {self.info.edition}"
                         f"{self._suggestion(digits)}")

    def _suggestion(self, digits: str) -> str:
        codes = self.lines.get_column("hts")
        for n in (n for n in (8, 6, 4, 2) if n < len(digits)):
            near = codes.filter(codes.str.starts_with(digits[:n]))
            if near.len():
                shown = ", ".join(dotted(c) for c in near.head(6).to_list())
                more = f" (and {near.len() - 6} more)" if near.len() > 6 else ""
                return f"; nearest existing codes: {shown}{more}"
        return ""


def load_edition(name_or_path: str | Path | EditionInfo | None = None) -> HtsEdition:
    """Load an edition by dataset name ("hts_2026_rev4"), release id, file path or
    :class:`EditionInfo` (e.g. from ``edition_for(day)``); cached in-process and, parsed, on disk.

    ``None`` loads the latest edition on hand.
    """
    info = _resolve(name_or_path)
    directory = parsed_dirs([info])[info.name]
    return _load_cached(info, directory, parsed_stamp(directory))


def parsed_stamp(directory: Path) -> tuple:
    """(size, mtime) of a parsed edition's files: any change to them invalidates what was read."""
    out = []
    for name in (MANIFEST, "lines.parquet", "special.parquet"):
        try:
            st = (directory / name).stat()
        except OSError:
            return ()
        out.append((st.st_size, st.st_mtime_ns))
    return tuple(out)


def _resolve(name_or_path: str | Path | EditionInfo | None) -> EditionInfo:
    if name_or_path is None:
        return editions()[-1]
    if isinstance(name_or_path, EditionInfo):
        name_or_path = name_or_path.dataset or name_or_path.path or name_or_path.name
    text = str(name_or_path)
    path = Path(text).expanduser()
    if path.is_file():
        for e in editions():
            if e.path and Path(e.path).resolve() == path.resolve():
                return e
        return EditionInfo(name=str(path), edition=path.name, release=None, effective_from=None,
                           effective_to=None, source="user-supplied file (no dates given)",
                           confidence="uncertain", path=str(path))
    if any(sep in text for sep in "/\\") or text.lower().endswith((".csv", ".json", ".gz")):
        raise InputError(f"HTS edition file {text!r} does not exist")
    return edition_named(text)


@functools.lru_cache(maxsize=6)
def _load_cached(info: EditionInfo, directory: Path, _stamp: tuple) -> HtsEdition:
    tables = read_parsed(directory)
    if tables is None:  # changed since parsed_dirs() checked it: parse again
        directory = parsed_dirs([info])[info.name]
        tables = read_parsed(directory)
    if tables is None:
        raise DataError(f"parsed HTS edition {directory} keeps failing verification")
    return HtsEdition(info=info, lines=tables["lines"], special=tables["special"])


# --- Parsed editions on disk ------------------------------------------------------------------
# <cache>/parsed/hts-<key>/{lines,special}.parquet + manifest.json. The key is the SHA-256 of the
# edition's source content (the catalogue's checksum for a registered dataset, so a warm read
# touches neither the source file nor the archive it sits in) and of the parser's code. The
# manifest holds the SHA-256 of each Parquet file: an edited or truncated file fails the check
# and the edition is parsed again from its verified source.

MANIFEST = "manifest.json"
_TABLES = ("lines", "special")
_GOOD: set[tuple] = set()  # (directory, manifest stamp) verified in this process


@functools.lru_cache(maxsize=1)
def _parser_digest() -> str:
    """Digest of the parser's own code: a parsed edition is reused only by the same parser."""
    digest = hashlib.sha256()
    for module in ("loader.py", "rates.py", "special.py", "units.py", "codes.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()


def _parsed_dir_for(source_sha256: str) -> Path:
    key = hashlib.sha256((source_sha256 + _parser_digest()).encode()).hexdigest()[:20]
    return store.cache_dir() / "parsed" / f"hts-{key}"


def _source_sha(info: EditionInfo) -> str | None:
    """The checksum that identifies a registered edition's content (None for a user file)."""
    if not info.dataset:
        return None
    ds = catalog.get(info.dataset)
    return ds.mirror_checksum if store.mirror_dir() is not None else ds.sha256


def verify_parsed(directory: Path) -> bool:
    """True when the parsed tables match the SHA-256 in their manifest (checked once per process
    for each state of the files)."""
    stamp = (str(directory), parsed_stamp(directory))
    if stamp in _GOOD:
        return True
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        ok = all(store.sha256((directory / f"{t}.parquet").read_bytes()) == manifest.get(f"{t}.parquet")
                 for t in _TABLES)
    except (OSError, ValueError, AttributeError):
        return False
    if ok:
        _GOOD.add(stamp)
    return ok


def read_parsed(directory: Path) -> dict[str, pl.DataFrame] | None:
    """The verified tables of a parsed edition, or None when absent or failing verification."""
    if not verify_parsed(directory):
        return None
    try:
        return {t: pl.read_parquet(directory / f"{t}.parquet") for t in _TABLES}
    except (OSError, pl.exceptions.PolarsError):
        return None


def scan_parsed(directory: Path, table: str) -> pl.LazyFrame | None:
    """A lazy scan of one verified table (read only the columns and rows a query needs)."""
    if not verify_parsed(directory):
        return None
    return pl.scan_parquet(directory / f"{table}.parquet")


def parsed_dirs(infos: list[EditionInfo]) -> dict[str, Path]:
    """edition name -> directory of its verified parsed tables, parsing what is missing or bad.

    Registered editions missing from the cache are read in one pass over their sources (one
    decompression of an archive however many of its members are needed).
    """
    out: dict[str, Path] = {}
    todo: dict[str, list[EditionInfo]] = {}  # dataset -> editions needing it
    for info in infos:
        sha = _source_sha(info)
        if sha is None:
            out[info.name] = _parse_user_file(info)
            continue
        directory = _parsed_dir_for(sha)
        if verify_parsed(directory):
            out[info.name] = directory
        else:
            todo.setdefault(info.dataset, []).append(info)
    for dataset, content in store.iter_bytes(list(todo)):
        first = todo[dataset][0]
        directory = _parsed_dir_for(_source_sha(first))  # the content was verified against it
        _keep_parsed(parse_edition_bytes(content, first, dataset), directory)
        for info in todo[dataset]:
            out[info.name] = directory
    return out


def _parse_user_file(info: EditionInfo) -> Path:
    source = Path(info.path or info.name)
    try:
        content = store.decompress(source.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"HTS edition file {str(source)!r} cannot be read: {exc}") from None
    directory = _parsed_dir_for(store.sha256(content))
    if not verify_parsed(directory):
        _keep_parsed(parse_edition_bytes(content, info, str(source)), directory)
    return directory


def _keep_parsed(edition: HtsEdition, target: Path) -> None:
    """Write the parsed tables and their manifest atomically (unique temp dir, one rename).

    A bad copy already at ``target`` is moved aside first; if another process renamed its own
    copy into place meanwhile, ours is dropped. Failure to write (read-only cache) costs only speed.
    """
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=target.name + ".", suffix=".tmp"))
        manifest = {}
        for t in _TABLES:
            buf = io.BytesIO()
            getattr(edition, t).write_parquet(buf)
            (tmp / f"{t}.parquet").write_bytes(buf.getvalue())
            manifest[f"{t}.parquet"] = store.sha256(buf.getvalue())
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1))
        if target.exists() and not verify_parsed(target):
            aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=target.name + ".bad.", suffix=".tmp"))
            try:
                os.replace(target, aside / "old")
            except OSError:
                pass
            shutil.rmtree(aside, ignore_errors=True)
        os.replace(tmp, target)
        tmp = None
    except OSError:  # read-only cache, or another process got there first
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_edition_bytes(content: bytes, info: EditionInfo, source: str = "<bytes>") -> HtsEdition:
    """Build an :class:`HtsEdition` from the bytes of a USITC CSV or JSON export."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    head = content.lstrip()[:1]
    rows = _read_json(content, source) if head in (b"[", b"{") else _read_csv(content, source)
    lines = _hierarchy(rows, source)
    for col, prefix in (("eff_general_text", "gen_"), ("eff_column2_text", "col2_")):
        lines = lines.join(_parsed_table(lines.get_column(col), col, prefix), on=col, how="left",
                           maintain_order="left")
    return HtsEdition(info=info, lines=lines, special=_special_table(lines))


def _read_csv(content: bytes, source: str) -> pl.DataFrame:
    try:
        df = pl.read_csv(io.BytesIO(content), infer_schema_length=0, quote_char='"')
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"HTS file {source!r} is not a readable CSV export: {exc}") from None
    missing = [c for c in CSV_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"HTS file {source!r} lacks column(s) {', '.join(missing)}; "
                        f"expected the USITC export columns {', '.join(CSV_COLUMNS)}")
    df = df.select(list(CSV_COLUMNS)).rename(CSV_COLUMNS).fill_null("")
    units = {u: _units_from_text(u, source) for u in df.get_column("units_raw").unique().to_list()}
    return df.with_columns(
        pl.col("units_raw").replace_strict(units, return_dtype=pl.List(pl.Utf8)).alias("units"),
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("footnotes"),
    ).drop("units_raw")


def _units_from_text(text: str, source: str) -> list[str]:
    if not text.strip():
        return []
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise DataError(f"HTS file {source!r}: Unit of Quantity {text!r} is not a list like "
                        '["No.","kg"]') from None
    return _clean_units(value)


def _clean_units(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [s for s in (" ".join(str(v).split()) for v in items if v is not None) if s]


def _read_json(content: bytes, source: str) -> pl.DataFrame:
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"HTS file {source!r} is not valid JSON: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError(f"HTS file {source!r}: expected a JSON list of line objects (USITC export)")
    missing = [k for k in ("htsno", "indent", "description", "general", "special", "other")
               if data and k not in data[0]]
    if missing:
        raise DataError(f"HTS file {source!r}: line objects lack key(s) {', '.join(missing)}")
    cols: dict[str, list] = {v: [] for v in _JSON_KEYS.values()}
    cols["units"], cols["footnotes"] = [], []
    for r in data:
        for key, col in _JSON_KEYS.items():
            value = r.get(key)
            if value is None and key == "additionalDuties":
                value = r.get("addiitionalDuties")  # the USITC export also carries this misspelling
            cols[col].append("" if value is None else str(value))
        # lists travel as one joined string and are split by polars (building list columns from
        # Python lists is the slowest step of a JSON parse)
        cols["units"].append(_SEP.join(_clean_units(r.get("units") or [])))
        cols["footnotes"].append(_SEP.join(_footnote(f) for f in (r.get("footnotes") or [])
                                           if isinstance(f, dict)))
    df = pl.DataFrame(cols, schema={c: pl.Utf8 for c in cols})
    return df.with_columns(
        pl.when(pl.col(c) == "").then(pl.lit([], dtype=pl.List(pl.Utf8))).otherwise(pl.col(c).str.split(_SEP))
        .alias(c) for c in ("units", "footnotes"))


_SEP = "\x1f"  # ASCII unit separator: never in USITC text


def _footnote(f: dict) -> str:
    columns = ",".join(f.get("columns") or [])
    value = " ".join(str(f.get("value") or "").split())
    return f"{columns}: {value}" if columns else value


# Some USITC exports keep HTML markup in descriptions and rates ("2.5%<u></u>", "m<sup>3</sup>",
# "<i>Camelidae</i>", also with escaped slashes "<\/sup>"): a tag is dropped, a line break is a space.
_BREAK_TAG = r"<\\?/?newline\s*/?>"
_HTML_TAG = r"<\\?/?[A-Za-z][^<>]*>"


def _strip_markup(rows: pl.DataFrame) -> pl.DataFrame:
    """Markup removed; in rate texts also a stray backtick ("2.2%`", 8456.40.90 in 2019-2022)."""
    def clean(col: str) -> pl.Expr:
        return pl.col(col).str.replace_all(_BREAK_TAG, " ").str.replace_all(_HTML_TAG, "")

    return rows.with_columns(clean("description"), *[clean(f"{c}_text").str.replace_all("`", "", literal=True)
                                                     for c in _RATE_COLUMNS])


def _hierarchy(rows: pl.DataFrame, source: str) -> pl.DataFrame:
    """Numbered lines with effective (inherited) rate texts, parents and superior descriptions."""
    rows = _strip_markup(rows)
    codes = [_normalize_code(c, source) for c in rows.get_column("hts_raw").to_list()]
    indents = []
    for i, value in enumerate(rows.get_column("indent").to_list()):
        try:
            indents.append(int(str(value).strip() or 0))
        except ValueError:
            raise DataError(f"HTS file {source!r}, data row {i + 1}: indent {value!r} is not a number") from None
    descriptions = [" ".join(d.split()) for d in rows.get_column("description").to_list()]
    texts = {c: [" ".join(t.split()) for t in rows.get_column(f"{c}_text").to_list()] for c in _RATE_COLUMNS}
    out: dict[str, list] = {k: [] for k in ("row", "parent_hts", "path_description")}
    for c in _RATE_COLUMNS:
        out[f"eff_{c}_text"], out[f"{c}_from"] = [], []
    stack: list[dict] = []
    for i, code in enumerate(codes):
        while stack and stack[-1]["indent"] >= indents[i]:
            stack.pop()
        parent = stack[-1] if stack else None
        node = {"indent": indents[i], "code": code, "desc": descriptions[i],
                "path": (parent["path"] + [parent["desc"]]) if parent else [],
                "parent_code": code or (parent["parent_code"] if parent else "")}
        for c in _RATE_COLUMNS:
            own = texts[c][i]
            inherited = parent[f"eff_{c}"] if parent else ("", "")
            if own:
                node[f"eff_{c}"] = (own, code)
            elif inherited[0] and (not code or code.startswith(inherited[1])):
                node[f"eff_{c}"] = inherited
            else:
                node[f"eff_{c}"] = ("", "")
        stack.append(node)
        if code:
            out["row"].append(i)
            out["parent_hts"].append(parent["parent_code"] if parent and parent["parent_code"] else None)
            out["path_description"].append(" > ".join(d for d in node["path"] if d))
            for c in _RATE_COLUMNS:
                text, origin = node[f"eff_{c}"]
                out[f"eff_{c}_text"].append(text)
                out[f"{c}_from"].append(origin or None)
    numbered = rows.with_columns(pl.Series("hts", codes), pl.Series("indent_n", indents, dtype=pl.Int32),
                                 pl.Series("description", descriptions),
                                 *[pl.Series(f"{c}_text", texts[c]) for c in _RATE_COLUMNS])
    numbered = numbered.filter(pl.col("hts") != "")
    extra = pl.DataFrame(out, schema={"row": pl.Int64, "parent_hts": pl.Utf8, "path_description": pl.Utf8}
                         | {f"eff_{c}_text": pl.Utf8 for c in _RATE_COLUMNS}
                         | {f"{c}_from": pl.Utf8 for c in _RATE_COLUMNS})
    lines = pl.concat([numbered, extra], how="horizontal")
    dup = lines.get_column("hts").is_duplicated()
    if dup.any():
        first = lines.filter(dup).get_column("hts").head(3).to_list()
        raise DataError(f"HTS file {source!r} lists code(s) {', '.join(dotted(c) for c in first)} more than once")
    return lines.select(
        "hts",
        _dotted_expr(pl.col("hts")).alias("hts_dotted"),
        pl.when(pl.col("hts").str.len_chars() >= 8).then(pl.col("hts").str.slice(0, 8)).alias("hts8"),
        pl.col("hts").str.len_chars().cast(pl.Int32).alias("level"),
        pl.col("indent_n").alias("indent"),
        "description", "path_description", "parent_hts", "units",
        "general_text", "special_text", "column2_text", "additional_text", "quota_text", "footnotes",
        "eff_general_text", "eff_special_text", "eff_column2_text",
        "general_from", "special_from", "column2_from", "row",
    )


def _dotted_expr(code: pl.Expr) -> pl.Expr:
    """Vectorised :func:`~tariffline.hts.codes.dotted`: '8703230110' -> '8703.23.01.10'."""
    out = code.str.slice(0, 4)
    for start in (4, 6, 8):
        out = pl.when(code.str.len_chars() > start).then(
            pl.concat_str([out, pl.lit("."), code.str.slice(start, 2)])).otherwise(out)
    return out


def _normalize_code(raw: str, source: str) -> str:
    """Digits of the HTS Number cell ('' for unnumbered superior rows); DataError if malformed."""
    text = raw.strip()
    if not text:
        return ""
    try:
        return normalize_hts(text, lengths=(2, 4, 6, 8, 10))
    except InputError as exc:
        raise DataError(f"HTS file {source!r}: {exc}") from None


def _flat(expr: RateExpr) -> dict:
    specifics = expr.specifics
    return {
        "kind": expr.kind, "adv": expr.adv, "adv_partial": expr.adv_partial,
        "specific": specifics[0].rate if specifics else None,
        "specific_unit": specifics[0].unit if specifics else None,
        "specific2": specifics[1].rate if len(specifics) > 1 else None,
        "specific2_unit": specifics[1].unit if len(specifics) > 1 else None,
        "approx": expr.approx, "note": expr.note, "parse_error": expr.parse_error,
    }


def _parsed_table(texts: pl.Series, key: str, prefix: str) -> pl.DataFrame:
    distinct = [t for t in texts.unique().to_list() if t]
    records = [_flat(parse_rate(t)) for t in distinct]
    schema = {key: pl.Utf8} | {prefix + k: v for k, v in _FLAT.items()}
    return pl.DataFrame([[t] + list(r.values()) for t, r in zip(distinct, records)],
                        schema=schema, orient="row")


def _special_table(lines: pl.DataFrame) -> pl.DataFrame:
    pairs = lines.select("hts", "eff_special_text").filter(pl.col("eff_special_text") != "")
    rows = []
    for text in pairs.get_column("eff_special_text").unique().to_list():
        seen = set()
        for r in special_rows(text):
            if r["program"] not in seen:  # a program listed twice keeps its first rate
                seen.add(r["program"])
                rows.append({"eff_special_text": text} | r)
    schema = {"eff_special_text": pl.Utf8} | {k: v for k, v in SPECIAL_SCHEMA.items() if k != "hts"}
    table = pl.DataFrame(rows, schema=schema)
    return (pairs.join(table, on="eff_special_text", how="inner", maintain_order="left")
            .select(list(SPECIAL_SCHEMA)))
