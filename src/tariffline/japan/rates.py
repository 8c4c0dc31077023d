"""Japanese rate-of-duty texts of Japan Customs' schedule parsed into structure.

Japan Customs (実行関税率表) writes every rate as Japanese free text. This module turns one cell
into a :class:`ParsedRate`; :func:`parse_rate` raises :class:`RateParseError` (with the reason)
on a text it cannot read, so coverage can be measured and failures listed.

Forms understood (expression node in brackets):

- 無税 / 免税 free, ``5%`` ad valorem [:class:`AdValorem`]; ``482円/kg`` specific, yen per
  unit (kg, l, kl, head 頭, pair 足, m2 ㎡, piece 本, sheet 枚, MT, 1,000 pieces) [:class:`Specific`];
  ``29.8%＋679円/kg`` compound [:class:`Compound`].
- ``A又はBのうちいずれか高い/低い税率`` whichever is higher/lower [:class:`Choice`], with
  ``ただしその税率がXを下回る場合はX`` (minimum) or ``…を上回る場合は…とする`` (maximum) [:class:`Bounded`].
- price-gap (差額関税) forms of the pork gate-price system and similar: ``（524円×1.002-課税価格）/kg``,
  ``535.53円/kg-課税価格/kg``, ``((500円-課税価格)×10/16)/kg`` — any expression linear in the
  customs value (課税価格) [:class:`PriceGap`]; the "standard import price" forms that name the
  price without a number [:class:`PriceGap` with ``reference``].
- content-based specific duties (sugar content, lactose sliding scale) [:class:`ContentDuty`].
- ranges and lists that summarise several rates within one line (``●無税〜5%``, ``(無税)〜(3.1%)``,
  ``●8%又は非譲許``, ``(一部2%〜3.5%)``) [:class:`Varies`].
- conditional cells, one branch per line (``関税割当数量以内のもの　無税\\n関税割当数量以外のもの　23.8%``,
  country treatment ``（マレーシアに対する待遇）　3%``, seasons ``毎年4月1日から同年8月31日まで…``,
  product descriptions ``くらげ　無税``) [:class:`Branches` of :class:`Branch`].

Markers are kept, not interpreted beyond what the text itself says: a whole rate in parentheses
(``(50%)``: shown but not applied), ``●``, ``◎``, ``※``, ``*``/``**`` and footnotes ``◆n``.
Rates are fractions (5% -> 0.05); amounts are yen.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field

from tariffline.errors import DataError


class RateParseError(DataError):
    """A rate text of the schedule is not in any form this parser knows."""


# Bounds on what the parser will read: the longest cell of the schedule is a few hundred
# characters and nests parentheses three deep; anything far beyond is not a rate text.
MAX_TEXT_LENGTH = 4000
MAX_NESTING = 12


def _num(text: str) -> float:
    """A number of the text as a float; ValueError if it does not fit a finite float."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}...")
    return value


# ---------------------------------------------------------------------------------------------
# Expression nodes


@dataclass(frozen=True)
class AdValorem:
    rate: float  # fraction of the customs value


@dataclass(frozen=True)
class Specific:
    amount: float  # yen
    unit: str  # canonical unit (see UNITS)


@dataclass(frozen=True)
class Compound:
    parts: tuple  # AdValorem | Specific, added together


@dataclass(frozen=True)
class Choice:
    options: tuple  # expressions
    pick: str  # "higher" | "lower"


@dataclass(frozen=True)
class Bounded:
    expr: object
    minimum: object | None = None  # the duty is at least this
    maximum: object | None = None  # the duty is at most this


@dataclass(frozen=True)
class PriceGap:
    """Duty per ``unit`` = max(0, constant + cif_coef x customs value per unit) (差額関税).

    ``reference`` names a standard import price the text does not give as a number; such a gap
    cannot be evaluated from the text alone.
    """

    constant: float | None
    cif_coef: float
    unit: str
    reference: str | None = None


@dataclass(frozen=True)
class ContentDuty:
    """A specific duty measured on a component (sugar, lactose), not on the goods' quantity."""

    component: str
    amount: float  # yen per kg of goods (base) or per kg of component
    per_component_kg: bool
    step_amount: float | None = None  # lactose: yen added per 1% above threshold
    threshold: float | None = None


@dataclass(frozen=True)
class Varies:
    """Several rates apply within the line (range low..high, or a list); ``unbound``: some items
    are not bound (非譲許); ``partial``: the text covers only part of the line (一部)."""

    low: object | None
    high: object | None
    items: tuple = ()
    unbound: bool = False
    partial: bool = False


@dataclass(frozen=True)
class Condition:
    """When a branch applies. Fields left None do not restrict."""

    text: str
    quota: str | None = None  # "in" (agreement quota) | "wto" (WTO tariff quota) | "out" | None
    countries: tuple[str, ...] = ()  # Japanese country names the branch is limited to
    other_countries: bool = False  # (他の締約国に対する待遇)
    season: tuple[int, int, int, int] | None = None  # (month, day, month, day) inclusive
    product: str | None = None  # product description the branch is limited to
    other: bool = False  # その他のもの / X以外のもの: everything not covered by the other branches


@dataclass(frozen=True)
class Branch:
    condition: Condition
    expr: object


@dataclass(frozen=True)
class Branches:
    branches: tuple[Branch, ...]


@dataclass(frozen=True)
class FootnoteOnly:
    """The cell holds only a footnote reference; the rate is in a footnote not in the data."""


@dataclass(frozen=True)
class ParsedRate:
    text: str
    expr: object
    parenthesized: bool = False
    markers: frozenset[str] = field(default_factory=frozenset)
    footnotes: tuple[int, ...] = ()

    @property
    def is_free(self) -> bool:
        return isinstance(self.expr, AdValorem) and self.expr.rate == 0.0


# Japanese unit spellings -> canonical unit names used in output and unit-value tables.
UNITS = {
    "kg": "kg", "l": "l", "kl": "kl", "MT": "t", "頭": "head", "足": "pair", "m2": "m2",
    "本": "piece", "枚": "sheet", "1000本": "1000 pieces", "個": "piece",
}

_MARKERS = ("**", "*", "●", "◎", "※")
_NUM = r"\d+(?:\.\d+)?"


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = s.replace("\u2212", "-").replace("\uff0d", "-").replace("\u301c", "〜").replace("~", "〜")
    s = s.replace("\r", "")
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)  # thousands separators
    return s


def _strip_parens(s: str) -> tuple[str, bool]:
    """Remove one pair of parentheses enclosing the whole string."""
    s = s.strip()
    if s.startswith("(") and s.endswith(")") and _balanced_close(s, 0) == len(s) - 1:
        return s[1:-1].strip(), True
    return s, False


def _balanced_close(s: str, start: int) -> int:
    depth = 0
    for i in range(start, len(s)):
        if s[i] == "(":
            depth += 1
        elif s[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _top_level_split(s: str, sep: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(s):
        c = s[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and s.startswith(sep, i):
            parts.append(s[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(s[start:])
    return parts


# ---------------------------------------------------------------------------------------------
# Arithmetic on customs value (課税価格) for price-gap forms


class _Linear:
    """A tiny parser for + - × / parentheses over numbers and x (the customs value)."""

    def __init__(self, s: str):
        self.s, self.i = s, 0

    def parse(self) -> tuple[float, float]:  # (constant, coefficient of x)
        v = self._expr()
        if self.i != len(self.s):
            raise ValueError(self.s)
        return v

    def _expr(self):
        a = self._term()
        while self.i < len(self.s) and self.s[self.i] in "+-":
            op = self.s[self.i]
            self.i += 1
            b = self._term()
            a = (a[0] + b[0], a[1] + b[1]) if op == "+" else (a[0] - b[0], a[1] - b[1])
        return a

    def _term(self):
        a = self._atom()
        while self.i < len(self.s) and self.s[self.i] in "×*/":
            op = self.s[self.i]
            self.i += 1
            b = self._atom()
            if op == "/":
                if b[1] != 0 or b[0] == 0:
                    raise ValueError(self.s)
                a = (a[0] / b[0], a[1] / b[0])
            else:
                if a[1] != 0 and b[1] != 0:
                    raise ValueError(self.s)
                a = (a[0] * b[0], a[0] * b[1] + a[1] * b[0])
        return a

    def _atom(self):
        if self.i < len(self.s) and self.s[self.i] == "(":
            self.i += 1
            v = self._expr()
            if self.i >= len(self.s) or self.s[self.i] != ")":
                raise ValueError(self.s)
            self.i += 1
            return v
        if self.s.startswith("x", self.i):
            self.i += 1
            return (0.0, 1.0)
        m = re.match(_NUM, self.s[self.i:])
        if not m:
            raise ValueError(self.s)
        self.i += m.end()
        return (_num(m.group()), 0.0)


_UNIT_RE = r"(kg|kl|l|MT|頭|足|m2|本|枚|1000本|個)"


def _price_gap(s: str) -> PriceGap:
    units = set(re.findall(r"/" + _UNIT_RE + r"(?![a-zA-Z])", s))
    if len(units) != 1:
        raise ValueError(s)
    unit = units.pop()
    body = re.sub(r"/" + _UNIT_RE + r"(?![a-zA-Z])", "", s)
    body = body.replace("課税価格", "x").replace("円", "").replace(" ", "")
    constant, coef = _Linear(body).parse()
    if not (math.isfinite(constant) and math.isfinite(coef)):
        raise ValueError(f"price-gap arithmetic out of range: {s[:40]}")
    return PriceGap(constant=round(constant, 6), cif_coef=round(coef, 9), unit=UNITS[unit])


_STD_PRICE = re.compile(
    r"^1(?:キログラム|頭)につき、?(?P<what>.+?)に係る基準輸入価格(?:に(?P<f>" + _NUM + r")を乗じて得た額)?"
    r"と課税価格(?:に(?P<c>" + _NUM + r")を乗じて得た額)?との差額$"
)
_LACTOSE = re.compile(
    r"^1キログラムにつき、(?P<base>" + _NUM + r")円に重量比による乳糖の含有率が(?P<th>" + _NUM
    + r")%を超える1%ごとに(?P<step>" + _NUM + r")円を加えた額$"
)
_SUGAR = re.compile(r"^(?:当該)?原産品に含まれる砂糖の重量1(?:kg|キログラム)につき(?P<a>" + _NUM + r")円$")


def _simple(s: str):
    """Free, ad valorem, specific or compound; ValueError otherwise."""
    if s in ("無税", "免税"):
        return AdValorem(0.0)
    parts = _top_level_split(s, "+")
    if len(parts) > 1:
        comps = tuple(_simple(p.strip()) for p in parts)
        if not all(isinstance(c, (AdValorem, Specific)) for c in comps):
            raise ValueError(s)
        return Compound(comps)
    m = re.fullmatch(r"(" + _NUM + r")%", s)
    if m:
        return AdValorem(round(_num(m.group(1)) / 100, 8))
    m = re.fullmatch(r"(" + _NUM + r")(万)?円/" + _UNIT_RE, s)
    if m:
        amount = _num(m.group(1)) * (10000 if m.group(2) else 1)
        if not math.isfinite(amount):
            raise ValueError(f"amount out of range: {s[:40]}")
        return Specific(amount, UNITS[m.group(3)])
    raise ValueError(s)


def _expr(s: str):
    """Parse one rate expression (no branch conditions); ValueError if unknown."""
    s = s.strip().replace(" ", "").replace("\n", "")
    s = s.lstrip("*●◎※")
    if not s:
        raise ValueError("empty")
    inner, had = _strip_parens(s)
    if had:
        return _expr(inner)
    m = re.fullmatch(r"\(?一部(.+?)\)?", s)
    if m:
        v = _expr(m.group(1))
        if isinstance(v, Varies):
            return Varies(v.low, v.high, v.items, v.unbound, partial=True)
        return Varies(v, v, (), partial=True)
    # provisos
    m = re.fullmatch(r"(.+?)\(?ただしその税率が(.+?)を下回る場合は(.+?)(?:とする)?\)?", s)
    if m:
        return Bounded(_expr(m.group(1)), minimum=_expr(m.group(3)))
    m = re.fullmatch(r"(.+?)\(?ただしその税率が(.+?)を上回る場合は(.+?)(?:とする)?\)?", s)
    if m:
        return Bounded(_expr(m.group(1)), maximum=_expr(m.group(3)))
    if s.endswith("又は非譲許"):
        v = _expr(s[: -len("又は非譲許")])
        if isinstance(v, Varies):
            return Varies(v.low, v.high, v.items, True, v.partial)
        return Varies(v, v, (), unbound=True)
    m = _STD_PRICE.match(s)
    if m:
        unit = "head" if s.startswith("1頭") else "kg"
        return PriceGap(None, -_num(m.group("c") or 1), unit,
                        reference=m.group("what") + (f" x {m.group('f')}" if m.group("f") else ""))
    m = _LACTOSE.match(s)
    if m:
        return ContentDuty("lactose", _num(m.group("base")), False, _num(m.group("step")),
                           _num(m.group("th")) / 100)
    m = _SUGAR.match(s)
    if m:
        return ContentDuty("sugar", _num(m.group("a")), True)
    items = _top_level_split(s, "、")
    if len(items) > 1:
        parsed = tuple(_expr(i) for i in items)
        return Varies(None, None, parsed)
    rng = _top_level_split(s, "〜")
    if len(rng) == 2:
        return Varies(_expr(rng[0]), _expr(rng[1]))
    m = re.fullmatch(r"(.+?)のうちいずれか(高い|低い)(?:税率|もの)", s)
    if m:
        opts = _top_level_split(m.group(1), "又は")
        if len(opts) != 2:
            raise ValueError(s)
        return Choice(tuple(_expr(o) for o in opts), "higher" if m.group(2) == "高い" else "lower")
    opts = _top_level_split(s, "又は")
    if len(opts) > 1:
        return Varies(None, None, tuple(_expr(o) for o in opts))
    if "課税価格" in s:
        return _price_gap(s)
    return _simple(s)


# ---------------------------------------------------------------------------------------------
# Branch conditions

_SEASON = re.compile(
    r"毎年(\d+)月(\d+)日から(?:同年|翌年)(\d+)月(\d+|末)日までに輸入されるもの"
)
_TREATMENT = re.compile(r"[(（]([^()（）]+?)に対する待遇[)）]")
_IN_QUOTA = ("関税割当数量以内", "関税割当ての証明書", "特恵輸入対象", "向けの関税割当て")
_WTO_QUOTA = "世界貿易機関設立協定の日本国の譲許表における関税割当て"


def _condition(text: str) -> Condition:
    t = unicodedata.normalize("NFKC", text).strip()
    quota = None
    if "関税割当数量以外" in t:
        quota = "out"
    elif _WTO_QUOTA in t and "関税割当て以外" not in t:
        quota = "wto"  # Japan's WTO tariff quota, open to every WTO member
    elif any(k in t for k in _IN_QUOTA):
        quota = "in"
    countries: list[str] = []
    other_countries = False
    for m in _TREATMENT.finditer(t):
        names = m.group(1)
        if names == "他の締約国":
            other_countries = True
            continue
        countries += [n for n in re.split(r"、|及び", names) if n]
    season = None
    m = _SEASON.search(t)
    if m:
        end_day = 29 if m.group(4) == "末" else int(m.group(4))  # 2月末日; Feb 29 covers leap years
        season = (int(m.group(1)), int(m.group(2)), int(m.group(3)), end_day)
        if not (1 <= season[0] <= 12 and 1 <= season[2] <= 12 and 1 <= season[1] <= 31
                and 1 <= end_day <= 31):
            raise ValueError(f"no such day in season {m.group()}")
    rest = _TREATMENT.sub("", t)
    rest = _SEASON.sub("", rest).strip("、,で ")
    # "その他のもの" (everything else) and "X以外のもの" (all goods except X) are general branches.
    other = rest.startswith("その他のもの") or rest.endswith("以外のもの")
    product = None
    generic = ("関税割当数量以内のもの", "関税割当数量以外のもの", "特恵輸入対象のもの")
    if rest and rest not in generic and not other and quota is None:
        product = rest
    elif rest and quota == "in" and not rest.startswith(("関税割当", "その他のもの", _WTO_QUOTA, "特恵輸入")):
        product = rest  # e.g. "プロセスチーズの原料として使用するもので、関税割当数量以内のもの"
    return Condition(text=t, quota=quota, countries=tuple(countries),
                     other_countries=other_countries, season=season, product=product,
                     other=other and quota not in ("in", "wto"))


def _split_branch(line: str) -> tuple[str, str]:
    """'condition<space>rate' -> (condition, rate). Full-width space separates; else the last space."""
    if "\u3000" in line:
        cond, rate = line.rsplit("\u3000", 1)
        return cond.strip(), rate.strip()
    if " " in line.strip():
        cond, rate = line.strip().rsplit(" ", 1)
        return cond.strip(), rate.strip()
    raise ValueError(line)


# ---------------------------------------------------------------------------------------------


def _take_markers(s: str) -> tuple[str, set[str], list[int]]:
    markers: set[str] = set()
    footnotes = [int(n) for n in re.findall(r"◆\s*(\d+)", s)]
    s = re.sub(r"[\s\u3000]*◆\s*\d+", "", s).strip()
    changed = True
    while changed:
        changed = False
        for mk in _MARKERS:
            if s.startswith(mk):
                markers.add(mk)
                s = s[len(mk):].lstrip()
                changed = True
    return s, markers, footnotes


def _nesting(s: str) -> int:
    depth = deepest = 0
    for c in s:
        if c in "(（":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")）":
            depth -= 1
    return deepest


@functools.lru_cache(maxsize=8192)
def parse_rate(text: str) -> ParsedRate:
    """Parse one cell of the schedule. Raises RateParseError (message = reason) if unknown,
    and on nothing else: a text over MAX_TEXT_LENGTH characters or nesting parentheses deeper
    than MAX_NESTING is refused before parsing."""
    if not isinstance(text, str):
        raise RateParseError(f"rate text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise RateParseError(f"rate text of {len(text)} characters is longer than {MAX_TEXT_LENGTH}")
    if _nesting(text) > MAX_NESTING:
        raise RateParseError(f"rate text nests parentheses deeper than {MAX_NESTING}")
    try:
        return _parse(text)
    except (ValueError, ZeroDivisionError, OverflowError, RecursionError) as exc:
        # a number too long for int/float, or a path the explicit bounds above do not cover
        raise RateParseError(f"cannot read rate text {text.strip()[:80]!r}: {exc!s:.80}") from None


def _parse(text: str) -> ParsedRate:
    raw = text.strip()
    if not raw:
        raise RateParseError("empty rate text")
    body, markers, footnotes = _take_markers(raw)
    if not body:
        if footnotes:
            return ParsedRate(text, FootnoteOnly(), markers=frozenset(markers),
                              footnotes=tuple(footnotes))
        raise RateParseError(f"no rate in {raw!r}")
    norm = _normalise(body)
    whole, parenthesized = _strip_parens(norm.replace("\n", "").replace(" ", ""))
    try:
        expr = _expr(whole)
        return ParsedRate(text, expr, parenthesized, frozenset(markers), tuple(footnotes))
    except (ValueError, ZeroDivisionError):
        pass
    lines = [ln for ln in body.replace("\r", "").split("\n") if ln.strip()]
    branches = []
    for line in lines:
        line_body, mk, fn = _take_markers(line)
        markers |= mk
        footnotes += fn
        try:
            cond, rate_text = _split_branch(line_body)
            inner, _ = _strip_parens(_normalise(rate_text))
            sub_markers = set()
            inner, sub_markers, _ = _take_markers(inner)
            markers |= sub_markers
            branches.append(Branch(_condition(cond), _expr(inner)))
        except (ValueError, ZeroDivisionError):
            raise RateParseError(f"cannot read rate text {raw!r} (at {line.strip()!r})") from None
    if not branches:
        raise RateParseError(f"cannot read rate text {raw!r}")
    return ParsedRate(text, Branches(tuple(branches)), False, frozenset(markers), tuple(footnotes))
