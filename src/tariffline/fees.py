"""CBP user fees (MPF, HMF) as cited layers, applied after the duties and kept apart from them.

The fees are the project's own dated rule file ``rules/fees/fees.yaml`` (schema below). The
merchandise processing fee is ad valorem with a per-entry minimum and maximum by fiscal year:
it is summed over an entry's lines (rows sharing an entry number; without one, each row is its
own entry), clamped, and allocated back to the lines pro rata to value. The harbor maintenance
fee is charged on ocean shipments only; a row whose mode of transport is unknown pays none and
carries a note. Fees are layers with authority ``Fee`` and no heading.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tariffline.errors import InputError, PolicyError

MODES = ("ocean", "air", "truck", "rail", "other")
Confidence = Literal["confirmed", "likely", "uncertain"]
# ACE mode-of-transportation codes (CBP Form 7501 instructions, block 9) and plain names
_MODE_WORDS = {
    "ocean": "ocean", "vessel": "ocean", "sea": "ocean", "10": "ocean", "11": "ocean", "12": "ocean",
    "air": "air", "40": "air", "41": "air",
    "truck": "truck", "road": "truck", "30": "truck", "31": "truck", "32": "truck", "33": "truck", "34": "truck",
    "rail": "rail", "20": "rail", "21": "rail",
    "mail": "other", "50": "other", "60": "other", "70": "other", "other": "other",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Limits(_Model):
    """Per-entry minimum and maximum in force from ``from`` to ``to`` (both inclusive)."""

    from_: dt.date = Field(alias="from")
    to: dt.date
    minimum: float = Field(ge=0)
    maximum: float = Field(gt=0)
    confidence: Confidence
    source: str


class Fee(_Model):
    id: str
    name: str
    rate: float = Field(gt=0, lt=1)
    citation: str
    confidence: Confidence
    per_entry: bool
    limits_citation: str | None = None
    informal_below: float | None = None  # entries under this value may be informal (noted, not modelled)
    limits: list[Limits] = Field(default_factory=list)
    modes: list[Literal["ocean", "air", "truck", "rail", "other"]] | None = None  # None: every mode


class FeeFile(_Model):
    id: str
    title: str
    fees: list[Fee]


@cache
def load_fees() -> FeeFile:
    """The package's fee rules (PolicyError naming the file if it is broken)."""
    path = resources.files("tariffline") / "rules" / "fees" / "fees.yaml"
    try:
        return FeeFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise PolicyError(f"fee rule file {path}: {str(exc).splitlines()[0]}") from None


def normalise_mode(mode: str | None) -> str | None:
    """'ocean', 'air', 'truck', 'rail', 'other' or None (unknown); InputError on an unknown word."""
    if mode is None or str(mode).strip() == "":
        return None
    key = str(mode).strip().lower()
    if key not in _MODE_WORDS:
        raise InputError(f"mode of transport {mode!r} is not one of {', '.join(MODES[:4])} "
                         "(or an ACE mode code such as 10, 11, 40)")
    return _MODE_WORDS[key]


def mode_expr(col: str) -> pl.Expr:
    """A column of modes (names or ACE codes) normalised; unknown words become null."""
    return pl.col(col).cast(pl.Utf8).str.strip_chars().str.to_lowercase().replace_strict(
        _MODE_WORDS, default=None, return_dtype=pl.Utf8)


def _limit_text(lim: Limits) -> str:
    return (f"minimum ${lim.minimum:,.2f}, maximum ${lim.maximum:,.2f} per entry "
            f"from {lim.from_} to {lim.to} ({lim.source})")


def _limits_exprs(fee: Fee, day: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(minimum, maximum, confidence, citation text, note) for each row's entry date."""
    lo = hi = conf = text = pl.lit(None)
    for lim in fee.limits:
        inside = day.is_between(lim.from_, lim.to)
        lo = pl.when(inside).then(pl.lit(lim.minimum)).otherwise(lo)
        hi = pl.when(inside).then(pl.lit(lim.maximum)).otherwise(hi)
        conf = pl.when(inside).then(pl.lit(lim.confidence)).otherwise(conf)
        text = pl.when(inside).then(pl.lit(_limit_text(lim))).otherwise(text)
    last = fee.limits[-1]
    beyond = day > last.to
    note = pl.when(beyond).then(pl.lit(
        f"{fee.name}: minimum and maximum for entries after {last.to} not encoded; "
        f"those in force {last.from_} to {last.to} used"))
    lo = pl.when(beyond).then(pl.lit(last.minimum)).otherwise(lo)
    hi = pl.when(beyond).then(pl.lit(last.maximum)).otherwise(hi)
    conf = pl.when(beyond).then(pl.lit("uncertain")).otherwise(conf)
    text = pl.when(beyond).then(pl.lit(_limit_text(last))).otherwise(text)
    return lo, hi, conf, text, note


def _weaker(confidence: str, other: pl.Expr) -> pl.Expr:
    """The less certain of a fixed confidence and a column of them."""
    order = {"confirmed": 0, "likely": 1, "uncertain": 2}
    return pl.when(other.replace_strict(order, default=2) > order[confidence]).then(other) \
        .otherwise(pl.lit(confidence))


def fee_layers(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(layers, notes) for ``rows`` with ``row_id``, ``value``, ``entry_date``, ``entry`` (entry
    number or null), ``mode`` (normalised or null). Rows to charge only: callers drop failed rows.

    ``layers`` has the engine's layer columns; ``notes`` one row per row_id with ``fee_notes``."""
    rules = load_fees()
    df = rows.select(pl.col("row_id").cast(pl.Int64), pl.col("value").cast(pl.Float64), "entry_date",
                     pl.col("entry").cast(pl.Utf8), pl.col("mode").cast(pl.Utf8))
    df = df.with_columns(pl.coalesce(pl.col("entry"), pl.lit("row ") + pl.col("row_id").cast(pl.Utf8))
                         .alias("_entry"))
    parts, notes = [], [
        pl.when(pl.col("entry").is_null()).then(pl.lit(
            "no entry number: the row is treated as its own entry for the fees' per-entry minimum and maximum")),
    ]
    for fee in rules.fees:
        charged = df
        if fee.modes is not None:
            charged = df.filter(pl.col("mode").is_in(fee.modes))
            notes.append(pl.when(pl.col("mode").is_null()).then(pl.lit(
                f"mode of transport unknown: {fee.name} ({', '.join(fee.modes)} only) not charged; "
                "give --mode or a mode column")))
        if fee.per_entry:
            lo, hi, conf, text, note = _limits_exprs(fee, pl.col("_entry_date"))
            charged = charged.with_columns(
                pl.col("value").sum().over("_entry").alias("_entry_value"),
                pl.col("entry_date").min().over("_entry").alias("_entry_date"),
            ).with_columns(lo.alias("_min"), hi.alias("_max"), conf.alias("_conf"), text.alias("_limits"),
                           note.alias("_note"))
            charged = charged.with_columns(
                ((pl.col("_entry_value") * fee.rate).clip(pl.col("_min"), pl.col("_max"))
                 * pl.col("value") / pl.col("_entry_value")).alias("amount"),
                (pl.lit(f"{fee.citation}; {fee.limits_citation or ''}: ") + pl.col("_limits")).alias("citation"),
                _weaker(fee.confidence, pl.col("_conf")).alias("confidence"),
            )
            informal = (pl.when(pl.col("_entry_value") < fee.informal_below).then(pl.lit(
                f"entry value under ${fee.informal_below:,.0f}: it may be an informal entry, whose fixed "
                "MPF (19 CFR 24.23(b)(2)) is not modelled; the formal-entry MPF is charged"))
                if fee.informal_below else pl.lit(None, dtype=pl.Utf8))
            notes_df = charged.select("row_id", pl.concat_list(pl.col("_note"), informal)
                                      .list.drop_nulls().alias("_note"))
        else:
            charged = charged.with_columns((pl.col("value") * fee.rate).alias("amount"),
                                           pl.lit(fee.citation).alias("citation"),
                                           pl.lit(fee.confidence).alias("confidence"))
            notes_df = None
        parts.append(charged.select(
            "row_id", pl.lit("Fee").alias("authority"), pl.lit(f"fee:{fee.id}").alias("measure_id"),
            pl.lit(None, dtype=pl.Utf8).alias("heading"), pl.lit(fee.name).alias("description"),
            (pl.col("amount") / pl.col("value")).alias("rate"), pl.col("value").alias("base_value"),
            pl.lit("full").alias("value_base"), "amount", "citation", pl.lit("in_force").alias("legal_status"),
            pl.lit("").alias("legal_history"), pl.col("confidence").cast(pl.Utf8)))
        if notes_df is not None:
            df = df.join(notes_df.rename({"_note": f"_note_{fee.id}"}), on="row_id", how="left",
                         maintain_order="left")
            notes.append(pl.col(f"_note_{fee.id}").fill_null([]))
    layers = pl.concat(parts, how="vertical_relaxed").sort("row_id", maintain_order=True)
    note_df = df.select("row_id", pl.concat_list(notes).list.drop_nulls().alias("fee_notes"))
    return layers, note_df
