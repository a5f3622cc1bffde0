"""Korean value normalisation: quantities in text, comparison keys for answers, KorQuAD's metrics.

`find_quantities` reads every numeric expression of a text into a `Quantity`; `normalize_answer`
and `answers_equal` compare short answers by value; `squad_*` are KorQuAD 1.0's EM and F1.

Conventions for a `Quantity`:

* `value` is in base units: scale words are applied and separators dropped (1.55조 -> 1.55e12,
  $319.65 million -> 3.1965e8, 42,500,000m² -> 4.25e7).
* Korean scale words: 조/억/만 close a four-digit group that 천/백/십 and digits build
  (1천 150억 -> 1150e8, 1백만 -> 1e6, 1조 5,500억 -> 1.55e12). A group left after 억 or 조 has its
  scale elided, as these reports write it: 3억 2천 -> 3억 2천만, 1조 5천 -> 1조 5천억.
* amount: `unit` is the ISO code (KRW, USD, SGD, EUR, GBP, JPY, CNY, HKD, AUD, CAD); a bare
  달러 or $ is USD. percent: "%" or "%p". area: "m2", "km2", "ha" or "pyeong" (평 is kept, not
  converted). length: "km", "m", "cm" or "mm"; weight: "kg", "t", "mg", "μg" or "g"; volume:
  "mL" or "L" (as written, not converted). data (MB, GB …), rate (Mbps …), frequency (Hz,
  GHz …), energy (kWh …), power (W, MW …), charge (mAh, Ah): the symbol as written.
  age: "세" (세 or 살).
  duration: "년", "개월", "주", "일", "시간" or "분". multiple: "배". count: the Korean
  counter as written (개, 개소, 개사, 개국, 개교, 명, 곳, 회, 번, 건, 종, 위, 가지, 병상).
  number: no unit.
* year: `value` is the year, `unit` None: YYYY년 and YYYY년도 for 1000-2099, a bare integer
  1900-2099, and 'YY년 or YY년도 (00-29 -> 20YY, 30-99 -> 19YY). "5년" and "76년" are durations
  (normalize_answer reads a two-digit one as a year when the answer type is "year").
  decade: 1980년대 and 80년대 -> 1980 (two-digit decades pivot like years).
* date: `value` is yyyymmdd with 0 for a missing part (2023. 5. 15. -> 20230515, 2006.7 ->
  20060700, 5월 15일 -> 515); a date without a year right after a dated one in a range takes its
  year (2022년 4월 18일부터 10월 25일 -> 20221025).
* In a range ("8~12개월", "3~5억 원") a bare first number takes the unit and scale of the
  second; the two ends stay two quantities.
* `text` includes the qualifiers (약 5,000명, 1,000억 원 이상); approximate and bound never take
  part in equality.
* A numeral in Hangul alone (이천 명, 세 곳, 만 명) counts only before a unit, so 이천 the city,
  세종 and 조달 stay words; so does 만원 glued together.

Not read: signs (-3.2%), fractions (3분의 1), full-width digits, month names (May 15, 2023).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Literal, get_args

from clusterqa.korean import tokens

Kind = Literal[
    "number", "amount", "percent", "year", "decade", "date", "count", "area", "length", "weight",
    "age", "duration", "multiple", "data", "rate", "frequency", "energy", "power", "charge",
    "volume",
]  # fmt: skip
Bound = Literal["min", "max"]

# Answer types compared by value (every kind of quantity); every other type is compared by
# entity_key.
NUMERIC_TYPES = frozenset(get_args(Kind))


@dataclass(frozen=True)
class Quantity:
    """One numeric expression; `text == source[start:end]` always holds."""

    kind: Kind
    value: float
    unit: str | None
    approximate: bool
    bound: Bound | None
    start: int
    end: int
    text: str


@dataclass
class _Hit:
    start: int
    end: int
    kind: Kind
    value: Decimal
    unit: str | None
    approximate: bool = False
    bound: Bound | None = None
    mult: Decimal = Decimal(1)  # the scale of an "N억"-shaped figure, lent across a range
    bare: bool = False  # plain digits without unit or scale: may borrow from a range end


@dataclass
class _Numeral:
    value: Decimal
    end: int
    digits: bool  # written with ASCII digits; a Hangul-only numeral needs a unit to count
    plain: str | None  # the digits when the numeral is nothing else (years are decided on it)
    mult: Decimal


_SPACES = " \t\u00a0"
_SMALL = {"십": 10, "백": 100, "천": 1000}
_BIG = {"만": 10**4, "억": 10**8, "조": 10**12}
_SCALES = {**_SMALL, **_BIG}
_SINO = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_NATIVE_ONES = {
    "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
}  # fmt: skip
_NATIVE_TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50}
_EN_SCALES = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "mn": 10**6,
    "bn": 10**9,
}  # fmt: skip
_CURRENCY_SIGNS = {
    "US$": "USD", "$": "USD", "S$": "SGD", "HK$": "HKD", "A$": "AUD", "C$": "CAD", "€": "EUR",
    "£": "GBP", "¥": "JPY", "₩": "KRW",
}  # fmt: skip
# Where a Hangul-led quantity can start: qualifiers, scale words, sino and native numerals.
_HANGUL_STARTS = frozenset("약대최적한두세네다여아열스서마쉰").union(_SCALES, _SINO)

_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)|\d+(?:\.\d+)?")
_NATIVE = re.compile(
    r"(?P<tens>열|스물|서른|마흔|쉰)?(?P<ones>한|두|세|네|다섯|여섯|일곱|여덟|아홉)"
    r"|(?P<bare>열|스무|스물|서른|마흔|쉰)"
)
_EN_SCALE = re.compile(
    r"[ \t]?(thousand|million|billion|trillion)(?![A-Za-z])|(mn|bn)(?![A-Za-z])", re.IGNORECASE
)
_PRE_QUAL = re.compile(
    r"(?:(?P<approx>약|대략|about|approximately|approx\.|around|roughly|nearly|almost)"
    r"|(?P<min>최소|적어도|at least|more than|over|above|exceeding)"
    r"|(?P<max>최대|at most|up to|less than|fewer than|under|below))"
    r"(?:(?<=[가-힣])[ \t]?|(?<=[A-Za-z.])[ \t]+)",
    re.IGNORECASE,
)
_PRE_CURRENCY = re.compile(
    r"(US\$|S\$|HK\$|A\$|C\$|\$|€|£|¥|₩|USD|KRW|SGD|EUR|GBP|JPY|CNY)[ \t]?(?=\d)"
)
_POST_QUAL = re.compile(
    r"[ \t]?(?:(?P<approx>가량|정도|내외|쯤|남짓|안팎|전후|가까이|가까운|or so)"
    r"|(?P<min>이상|초과|넘게|넘는|or more|plus)"
    r"|(?P<max>이하|미만|이내|or less|or fewer))"
)
# What may follow a unit: end, a non-Hangul character, or a particle or word that leaves it a
# unit. Without this check "개발", "일본" and "평가" would read as counters after a number.
_FOLLOW = re.compile(
    r"(?:[^가-힣]|$|은|는|이|가|을|를|의|에|엔|와|과|로|으로|도|만|까지|부터|간|동안|째|씩|당|여"
    r"|정도|내외|쯤|남짓|안팎|초과|미만|연속|대|규모|수준|상당|차|인|임|나|보다|뿐|밖|전|후|넘"
    r"|짜리|치|어치|말|초|중|래|생|가까이|가까운|부지)"
)
_RANGE_SEP = re.compile(r"[ \t]*(?:~|∼|〜|～|-|–|—|부터|에서|to|through|until|till)[ \t]*", re.I)
_Y4 = r"(?P<y>(?:19|20)\d{2})"
_M = r"(?P<m>1[0-2]|0?[1-9])"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_DATE_KO = re.compile(
    r"(?P<y>(?:1\d|20)\d{2})[ \t]?년(?:도)?[ \t]?" + _M + r"[ \t]?월(?:[ \t]?" + _D + r"[ \t]?일)?"
)
_DATE_MD = re.compile(_M + r"[ \t]?월(?:[ \t]?" + _D + r"[ \t]?일)?")
_DATE_ISO = re.compile(_Y4 + r"(?P<sep>[-/])(?P<m>1[0-2]|0?[1-9])(?P=sep)" + _D + r"(?!\d)")
# 2006.01.30, or spaced with its closing dot: 2023. 5. 15. ("2006.7. 8)" is a footnote after
# 2006.7). A year-month must not run into digits: 2006.75 is a number.
_D2 = r"(?P<d2>3[01]|[12]\d|0?[1-9])"
_DATE_DOT = re.compile(
    rf"{_Y4}\.[ \t]?{_M}(?:\.{_D}(?!\d)\.?|\.[ \t]{_D2}\.|(?![\d,]|\.\d)(?:\.(?![ \t]?\d))?)"
)
_RUN = re.compile(r"[ \t]?연속")
_SHORT_YEAR = re.compile(r"['’‘](?P<yy>\d{2})(?P<u>년대|년도|년)(?!간)")
_SHORT_DATE = re.compile(r"['’‘](?P<yy>\d{2})\.[ \t]?" + _M + r"(?!\d)월?")

# (pattern, kind, unit), tried longest match first. The lookaheads block the words a unit
# starts that _FOLLOW would let through ("평가", "원전", "분의 1").
_UNIT_TABLE: tuple[tuple[str, Kind, str | None], ...] = (
    (r"싱가포르[ \t]?달러|Singapore dollars?|SGD", "amount", "SGD"),
    (r"미(?:국)?[ \t]?달러|달러|(?:US )?dollars?|USD", "amount", "USD"),
    (r"원(?![인전초래생])|won|KRW", "amount", "KRW"),
    (r"유로|euros?|EUR", "amount", "EUR"),
    (r"파운드|pounds?|GBP", "amount", "GBP"),
    (r"엔|yen|JPY", "amount", "JPY"),
    (r"위안|yuan|CNY|RMB", "amount", "CNY"),
    (r"%p|％p|%[ \t]?포인트|퍼센트[ \t]?포인트|percentage points?|pp", "percent", "%p"),
    (r"%|％|퍼센트|percent|per cent", "percent", "%"),
    (r"㎡|m²|m2|제곱미터|평방미터|sqm|square met(?:er|re)s?", "area", "m2"),
    (r"㎢|km²|km2|제곱킬로미터|평방킬로미터|square kilomet(?:er|re)s?", "area", "km2"),
    (r"ha|헥타르|hectares?", "area", "ha"),
    (r"평(?![가생방])", "area", "pyeong"),
    # Latin length and weight symbols in lower case only: 3M and 10 MW are not lengths.
    (r"㎞|(?-i:km)|킬로미터|kilomet(?:er|re)s?", "length", "km"),
    (r"㎝|(?-i:cm)|센티미터|centimet(?:er|re)s?", "length", "cm"),
    (r"㎜|(?-i:mm)|밀리미터|millimet(?:er|re)s?", "length", "mm"),
    (r"met(?:er|re)s?|미터|(?-i:m)", "length", "m"),
    (r"㎏|(?-i:kg)|킬로그램|kilograms?", "weight", "kg"),
    (r"㎎|(?-i:mg)|밀리그램|milligrams?", "weight", "mg"),
    (r"㎍|(?-i:[μµ]g)|마이크로그램|micrograms?", "weight", "μg"),
    (r"(?-i:g)|그램|grams?", "weight", "g"),
    # Technical units by their symbols, as written: 128MB, 3,000mAh, 2.4GHz, 300 Mbps, 100mL.
    (r"(?-i:[KMGTP]B|kB)", "data", None),
    (r"(?-i:[kMG]?bps)", "rate", None),
    (r"(?-i:[kMG]?Hz)|헤르츠", "frequency", None),
    (r"(?-i:[kMG]?Wh)", "energy", None),
    (r"(?-i:[kMG]?W)|와트", "power", None),
    (r"(?-i:m?Ah)", "charge", None),
    (r"㎖|(?-i:m[lL])|밀리리터|millilit(?:er|re)s?", "volume", "mL"),
    (r"ℓ|(?-i:L)|리터|lit(?:er|re)s?", "volume", "L"),
    (r"톤(?![급])|tonnes?|tons?", "weight", "t"),
    # Not 3세대 (a generation), 21세기, 세포; 살림.
    (r"세(?![대기계포금종무])|살(?![림균해])|years? old", "age", "세"),
    (r"년대", "decade", None),
    (r"년도", "year", None),
    (r"년간|년|years?", "duration", "년"),
    (r"개월간|개월|달(?![성러리라려])|months?", "duration", "개월"),
    (r"주간|주(?![가로의인차도말전중])|weeks?", "duration", "주"),
    (r"일간|일(?![대인전치말생])|days?", "duration", "일"),
    (r"시간|hours?", "duration", "시간"),
    (r"분(?![의만대당])|minutes?", "duration", "분"),
    (r"개소|개사|개국|개교", "count", None),
    (r"개(?![인간전중])", "count", "개"),
    (r"명", "count", "명"),
    (r"곳(?!간)", "count", "곳"),
    (r"회(?![전생])", "count", "회"),
    (r"번", "count", "번"),
    (r"건(?![전대초])", "count", "건"),
    (r"종(?![전말로])", "count", "종"),
    (r"위(?![대치생도임인중])", "count", "위"),
    (r"가지", "count", "가지"),
    (r"병상|베드|beds?", "count", "병상"),
    (r"배(?![치전당])|fold|times", "multiple", "배"),
)
_UNITS = [(re.compile(p, re.IGNORECASE), k, u) for p, k, u in _UNIT_TABLE]


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_hangul(ch: str) -> bool:
    return "가" <= ch <= "힣"


def _is_latin(ch: str) -> bool:
    return "a" <= ch <= "z" or "A" <= ch <= "Z"


def _follows(text: str, pos: int) -> bool:
    return _FOLLOW.match(text, pos) is not None


def _unit_at(text: str, pos: int) -> tuple[Kind, str | None, str, int] | None:
    """The longest unit at `pos` or after one space: (kind, unit, as written, end)."""
    for at in (pos, pos + 1):
        if at > pos and (pos >= len(text) or text[pos] not in _SPACES):
            break
        best: tuple[Kind, str | None, str, int] | None = None
        for pattern, kind, unit in _UNITS:
            m = pattern.match(text, at)
            if not m or (best and m.end() <= best[3]):
                continue
            end = m.end()
            # An English unit must end a word, a Korean one must end where _FOLLOW allows.
            if _is_latin(text[end - 1]):
                if end < len(text) and (_is_latin(text[end]) or _is_digit(text[end])):
                    continue
            elif not _follows(text, end):
                continue
            best = (kind, unit or m.group(), m.group(), end)
        if best:
            return best
    return None


def _scale_ok(text: str, pos: int) -> bool:
    """Whether the scale word at `pos`, not glued to digits, is a number and not a word (백신)."""
    nxt = pos + 1
    if nxt >= len(text) or not _is_hangul(text[nxt]):
        return True
    return (
        text[nxt] in _SCALES or text[nxt] in _SINO or text[nxt] == "여" or bool(_unit_at(text, nxt))
    )


def _part(text: str, pos: int, after_small: bool) -> tuple[Decimal | None, str | None, int, int]:
    """One coefficient-and-scale piece of a Korean numeral: (coefficient, digits, scale, end).

    Scale 0 means a bare coefficient, which closes the numeral; end == pos means no piece."""
    n = len(text)
    coef: Decimal | None = None
    digits: str | None = None
    q = pos
    if q < n and _is_digit(text[q]):
        m = _DIGITS.match(text, q)
        assert m
        digits, q = m.group(), m.end()
        coef = Decimal(digits.replace(",", ""))
    elif q + 1 < n and text[q] in _SINO and text[q + 1] in _SCALES:
        coef, q = Decimal(_SINO[text[q]]), q + 1
    elif after_small and q < n and text[q] in _SINO and text[q] != "일":
        # The units digit of 삼십오, in Hangul numerals only ("8천이": 이 is a particle there);
        # 일 after a scale is the day unit (삼십일).
        return Decimal(_SINO[text[q]]), None, 0, q + 1
    if q < n and text[q] in _SCALES and (digits is not None or _scale_ok(text, q)):
        return coef, digits, _SCALES[text[q]], q + 1
    if (
        digits is not None
        and q + 1 < n
        and text[q] in _SPACES
        and text[q + 1] in _BIG
        and _scale_ok(text, q + 1)
    ):
        return coef, digits, _BIG[text[q + 1]], q + 2  # "6114 억 원"
    if digits is not None:
        return coef, digits, 0, q
    return None, None, 0, pos


def _numeral(text: str, i: int) -> _Numeral | None:
    """A number in digits, Korean scale words or both, starting at `i`."""
    n = len(text)
    hangul_start = not _is_digit(text[i])
    total = section = Decimal(0)
    last_big = last_small = 0
    pos, parts, digits, plain, mult = i, 0, False, None, Decimal(1)
    prev_scale = -1  # scale of the previous piece; 0 after a bare coefficient
    while prev_scale != 0:
        got = _part(text, pos, after_small=hangul_start and prev_scale in _SMALL.values())
        if got[3] == pos and parts and not hangul_start and pos < n and text[pos] in _SPACES:
            # After a space only a piece in digits continues the numeral: "3억 2천만".
            got = _part(text, pos + 1, after_small=False)
            if got[1] is None:
                break
        coef, dstr, scale, end = got
        if end <= pos:
            break
        if scale in _SMALL.values():
            if last_small and scale >= last_small:
                break
            section += (coef if coef is not None else 1) * scale
            last_small = scale
        elif scale:
            if (last_big and scale >= last_big) or (
                coef is not None and last_small and coef >= last_small
            ):
                break
            group = section + (coef or 0)
            total += (group or 1) * scale
            section, last_small, last_big = Decimal(0), 0, scale
            if parts == 0 and dstr is not None:
                mult = Decimal(scale)
        else:
            if coef is None or (last_small and coef >= last_small):
                break
            section += coef
            if parts == 0:
                plain = dstr
        digits |= dstr is not None
        pos, parts, prev_scale = end, parts + 1, scale
    if not parts:
        return None
    if section:
        if last_big >= 10**8 and section < 10**4:
            section *= last_big // 10**4  # 3억 2천 is 3억 2천만
        total += section
    if parts > 1 or (plain is not None and not plain.isdigit()):
        plain = None  # only "2016", not "2,016" or "20.16", can be a year
    if parts > 1:
        mult = Decimal(1)
    return _Numeral(total, pos, digits, plain, mult)


def _pivot(yy: int) -> int:
    return 2000 + yy if yy < 30 else 1900 + yy


def _starts_ok(text: str, i: int) -> bool:
    """Whether a quantity may start at `i`: not inside a word, a longer number or a code (IL-6)."""
    if i == 0:
        return True
    ch, prev = text[i], text[i - 1]
    if _is_hangul(ch):
        return not _is_hangul(prev)
    if _is_latin(ch) or ch in "'’‘":
        return not (_is_latin(prev) or _is_digit(prev))
    if _is_digit(ch):
        if _is_digit(prev) or _is_latin(prev):
            return False
        before = text[i - 2] if i >= 2 else ""
        if prev in ".," and _is_digit(before):
            return False
        return not (prev == "-" and _is_latin(before))
    return True


def _date_at(text: str, k: int) -> _Hit | None:
    if not _is_digit(text[k]):
        return None
    for pattern in (_DATE_KO, _DATE_ISO, _DATE_DOT, _DATE_MD):
        m = pattern.match(text, k)
        if not m:
            continue
        groups = m.groupdict()
        y, d = int(groups.get("y") or 0), int(m.group("d") or groups.get("d2") or 0)
        end = m.end()
        if pattern is _DATE_DOT and not d:
            after = end + 1 if end < len(text) and text[end] in _SPACES else end
            if after < len(text) and (
                text[after] in _SCALES or text[after] in "%％" or _unit_at(text, end)
            ):
                continue  # "2006.7%", "2016. 3개": a decimal or a year and a count
        if pattern in (_DATE_KO, _DATE_MD) and not _follows(text, end):
            continue
        value = Decimal(y * 10000 + int(m.group("m")) * 100 + d)
        return _Hit(k, end, "date", value, None)
    return None


def _short_year_at(text: str, k: int) -> _Hit | None:
    """'21년, '80년대 and '21.12월."""
    m = _SHORT_DATE.match(text, k)
    if m and _follows(text, m.end()):
        value = _pivot(int(m.group("yy"))) * 10000 + int(m.group("m")) * 100
        return _Hit(k, m.end(), "date", Decimal(value), None)
    m = _SHORT_YEAR.match(text, k)
    if not m or not _follows(text, m.end()):
        return None
    kind: Kind = "decade" if m.group("u") == "년대" else "year"
    return _Hit(k, m.end(), kind, Decimal(_pivot(int(m.group("yy")))), None)


def _figure_at(text: str, k: int, currency: str | None) -> _Hit | None:
    """A number with its unit at `k`: digits, Korean scale words or a native numeral (세 곳)."""
    n = len(text)
    native = False
    num = _numeral(text, k) if k < n else None
    if num is None:
        m = _NATIVE.match(text, k)
        if not m:
            return None
        tens, ones = m.group("tens") or m.group("bare"), m.group("ones")
        value = _NATIVE_TENS.get(tens or "", 0) + _NATIVE_ONES.get(ones or "", 0)
        num = _Numeral(Decimal(value), m.end(), False, None, Decimal(1))
        native = True
    value, mult, e = num.value, num.mult, num.end
    approximate = False
    if (
        e < n
        and text[e] == "여"
        and (e + 1 >= n or not _is_hangul(text[e + 1]) or _unit_at(text, e + 1))
    ):
        approximate, e = True, e + 1  # 20여 개, 8만여개
    m = _EN_SCALE.match(text, e) if num.digits else None
    if m:
        scale = Decimal(_EN_SCALES[(m.group(1) or m.group(2)).lower()])
        value, mult, e = value * scale, scale, m.end()
    unit = _unit_at(text, e)
    hit = _Hit(k, e, "number", value, None, approximate, None, mult)
    if currency:
        hit.kind, hit.unit = "amount", currency
        if unit and unit[0] == "amount":
            hit.end = unit[3]
    elif unit:
        kind, canonical, written, end = unit
        if native and kind not in ("count", "duration"):
            return None
        if (native or (not num.digits and num.end - k == 1)) and end - len(written) == e:
            return None  # a native numeral or a lone 조/만 glued to a unit is a word: 세종, 조달
        hit.kind, hit.unit, hit.end = kind, canonical, end
        if (kind in ("year", "decade") or canonical == "년") and not _year_unit(
            hit, num.plain, written
        ):
            return None
    else:
        if native or not num.digits or (e < n and _is_latin(text[e])):
            return None  # "이천" the city, "5G", "3D"
        if num.plain and len(num.plain) == 4 and 1900 <= int(num.plain) <= 2099:
            hit.kind, hit.mult = "year", Decimal(1)
        else:
            hit.bare = num.plain is not None and not approximate
    m = _RUN.match(text, hit.end) if hit.kind == "duration" else None
    if m and _follows(text, m.end()):
        hit.end = m.end()  # 5년 연속
    return hit


def _year_unit(hit: _Hit, plain: str | None, written: str) -> bool:
    """Decide 년, 년도 and 년대 on the digits: 2016년 is a year, 5년 a duration, 80년대 a decade."""
    digits = len(plain) if plain else 0
    year = int(plain) if plain else 0
    if hit.kind == "decade":
        if digits not in (2, 4) or year % 10:
            return False
        hit.value, hit.unit = Decimal(year if digits == 4 else _pivot(year)), None
    elif written == "년도" or (written == "년" and digits == 4):
        if digits == 4 and 1000 <= year <= 2099:
            hit.kind, hit.value, hit.unit = "year", Decimal(year), None
        elif digits == 2 and written == "년도":
            hit.kind, hit.value, hit.unit = "year", Decimal(_pivot(year)), None
        else:
            hit.kind, hit.unit = "duration", "년"
    hit.mult = Decimal(1)
    return True


def _post_qualifiers(text: str, hit: _Hit) -> None:
    for _ in range(2):
        if hit.unit and text.startswith("여", hit.end) and _follows(text, hit.end + 1):
            hit.approximate, hit.end = True, hit.end + 1  # 5년여
            continue
        m = _POST_QUAL.match(text, hit.end)
        if not m:
            return
        end = m.end()
        if _is_latin(text[end - 1]):
            if end < len(text) and _is_latin(text[end]):
                return
        elif not _follows(text, end):
            return
        if m.group("approx"):
            hit.approximate = True
        else:
            hit.bound = "min" if m.group("min") else "max"
        hit.end = end


def _match_at(text: str, i: int) -> _Hit | None:
    if not _starts_ok(text, i):
        return None
    approximate, bound, k = False, None, i
    m = _PRE_QUAL.match(text, i)
    if m:
        approximate = bool(m.group("approx"))
        bound = "min" if m.group("min") else "max" if m.group("max") else None
        k = m.end()
    currency = None
    m = _PRE_CURRENCY.match(text, k)
    if m:
        currency, k = _CURRENCY_SIGNS.get(m.group(1), m.group(1)), m.end()
    if k >= len(text):
        return None
    if k == i and not _is_digit(text[k]):
        j = k - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if j >= 0 and _is_digit(text[j]):
            return None  # "47\n억 원": a scale word cut from its digits is not a number
    hit = None
    if currency is None:
        hit = _date_at(text, k) or _short_year_at(text, k)
    hit = hit or _figure_at(text, k, currency)
    if hit is None:
        return None
    hit.start = i
    hit.approximate |= approximate
    hit.bound = hit.bound or bound
    _post_qualifiers(text, hit)
    return hit


def _link_ranges(text: str, hits: list[_Hit]) -> None:
    """Let the first end of a range borrow what it leaves implicit from the second."""
    for a, b in pairwise(hits):
        if not _RANGE_SEP.fullmatch(text, a.end, b.start):
            continue
        if a.bare and b.kind not in ("year", "decade", "date") and (b.unit or b.mult != 1):
            a.kind, a.unit, a.value = b.kind, b.unit, a.value * b.mult  # 8~12개월, 3~5억 원
        elif a.kind == b.kind == "date" and a.value >= 10000 and b.value < 10000:
            b.value += a.value // 10000 * 10000  # 2022년 4월 18일부터 10월 25일


def find_quantities(text: str) -> list[Quantity]:
    """Every numeric expression in `text`, left to right, non-overlapping, longest first."""
    hits: list[_Hit] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if _is_digit(ch) or _is_latin(ch) or ch in _HANGUL_STARTS or ch in "$€£¥₩'’‘":
            hit = _match_at(text, i)
            if hit:
                hits.append(hit)
                i = hit.end
                continue
        i += 1
    _link_ranges(text, hits)
    return [
        Quantity(h.kind, float(h.value), h.unit, h.approximate, h.bound, h.start, h.end,
                 text[h.start : h.end])
        for h in hits
    ]  # fmt: skip


def is_range(text: str, a: Quantity, b: Quantity) -> bool:
    """Whether two quantities of `text` are the ends of one range (8~12개월, 2000–2005년)."""
    return (a.kind, a.unit) == (b.kind, b.unit) and bool(_RANGE_SEP.fullmatch(text, a.end, b.start))


def format_value(value: float) -> str:
    d = Decimal(repr(value))
    if not d:
        return "0"
    # Twelve significant digits: every figure in a report, and none of the float noise.
    d = d.quantize(Decimal(1).scaleb(d.adjusted() - 11))
    return format(d.normalize(), "f")


def _main(found: list[Quantity]) -> Quantity:
    # A short answer's figure is the first with a unit: "Phase 3" has only a number, but in
    # "제3차 계획 5,000억 원" the amount is the answer.
    return next((q for q in found if q.kind != "number"), found[0])


def parse_quantity(text: str) -> Quantity | None:
    """The main quantity of a short answer ("1.55조 달러", "약 5,000명", "2016년"), or None."""
    found = find_quantities(text)
    return _main(found) if found else None


_FILLERS = re.compile(r"연평균|연간|평균|매년|세계|총|연|약|per year|annually|in total", re.I)


def _mostly_numeric(text: str, found: list[Quantity]) -> bool:
    """Whether an untyped answer is a figure: at most a few letters outside its quantities."""
    rest, at = [], 0
    for q in found:
        rest.append(text[at : q.start])
        at = q.end
    rest.append(text[at:])
    leftover = _FILLERS.sub("", " ".join(rest))
    return sum(ch.isalnum() for ch in leftover) <= 4


def _as_year(q: Quantity) -> Quantity | None:
    """`q` read as a year when it is written like one: 1636 (bare years before 1900 are numbers),
    '16년 and 16년 (but not 5년 or 2,016)."""
    if q.kind == "year":
        return q
    if q.kind == "number" and re.fullmatch(r"\D*\d{4}", q.text) and 1000 <= q.value <= 2099:
        year = q.value
    elif q.unit == "년" and re.fullmatch(r"\D*\d{2}년\D*", q.text):
        year = float(_pivot(int(q.value)))
    else:
        return None
    return Quantity("year", year, None, q.approximate, q.bound, q.start, q.end, q.text)


def _canonical(q: Quantity) -> str:
    if q.kind in ("year", "decade"):
        return f"{q.kind}:{int(q.value)}"
    if q.kind == "date":
        v = int(q.value)
        y, m, d = v // 10000, v // 100 % 100, v % 100
        return "date:" + "-".join(f"{p:02d}" if p < 100 else str(p) for p in (y, m, d) if p)
    return format_value(q.value) + (f" {q.unit}" if q.unit else "")


def _answer_quantities(text: str, answer_type: str | None) -> list[Quantity] | None:
    if answer_type is not None and answer_type not in NUMERIC_TYPES:
        return None
    found = find_quantities(text)
    if not found or (answer_type is None and not _mostly_numeric(text, found)):
        return None
    # A range compares as both ends.
    chosen = found if len(found) == 2 and is_range(text, *found) else [_main(found)]
    if answer_type == "year":
        chosen = [_as_year(q) or q for q in chosen]
    return chosen


def normalize_answer(text: str, answer_type: str | None = None) -> str:
    """One canonical string per answer: the value and unit of its quantity (a range gives both
    ends, "a~b") for numeric answer types, entity_key(text) for the rest and for numeric answers
    without a quantity. Untyped answers are numeric when little but a quantity is written."""
    chosen = _answer_quantities(text, answer_type)
    if chosen is None:
        return entity_key(text)
    return "~".join(_canonical(q) for q in chosen)


def answers_equal(prediction: str, gold: str, answer_type: str | None = None) -> bool:
    """Same normalised answer. An untyped, year or date gold that is a year also matches that
    year written as '16년 or 16년 (not the other way round: a gold 16년 may be a duration)."""
    if normalize_answer(prediction, answer_type) == normalize_answer(gold, answer_type):
        return True
    if answer_type not in (None, "year", "date"):
        return False
    golds = _answer_quantities(gold, answer_type)
    if not golds or len(golds) != 1 or golds[0].kind != "year":
        return False
    found = find_quantities(prediction)
    if not found or not _mostly_numeric(prediction, found):
        return False
    year = _as_year(_main(found))
    return year is not None and year.value == golds[0].value


# Characters kept with their content ("「산업집적활성화법」"); round and square brackets are
# dropped with theirs ("한국생명공학연구원(KRIBB)") unless nothing else is left.
_QUOTES = re.compile(r"[\"'`「」『』《》〈〉<>“”‘’«»【】〔〕]")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")
_PARTICLE_END = re.compile(
    r"(?:은|는|이|가|을|를|의|에|에서|에게|와|과|로|으로|도|만|까지|부터|이다|입니다|이며|이고"
    r"|이라는|라는|라고|이라고|로서|으로서|로써|으로써|처럼|보다|하고|이나|나|랑|이랑|께서|요|다)$"
)


def _strip_particles(text: str) -> str:
    """Drop trailing particles and copulas (MIT와, 셀트리온이, 재단입니다) but not the end of a
    noun (국가, 결과): Kiwi tells a particle from a syllable where a regex cannot."""
    if len(text) < 2 or not _PARTICLE_END.search(text):
        return text
    parts = tokens(text)
    cut = len(parts)
    while cut > 1 and parts[cut - 1].tag.startswith("J"):
        cut -= 1
    if cut == len(parts):
        ends = cut
        while ends > 1 and parts[ends - 1].tag.startswith("E"):
            ends -= 1
        if ends < cut and ends > 1 and parts[ends - 1].tag == "VCP":
            cut = ends - 1
    if cut == len(parts):
        return text
    return text[: parts[cut].start].rstrip()


def entity_key(text: str) -> str:
    """Comparison key for names and other text answers: NFKC, no quotes, no bracketed aside,
    no trailing particle, no punctuation or spaces, lower case."""
    text = _QUOTES.sub("", unicodedata.normalize("NFKC", text))
    bare = text
    while True:
        stripped = _BRACKETED.sub(" ", bare)
        if stripped == bare:
            break
        bare = stripped
    if any(ch.isalnum() for ch in bare):
        text = bare
    text = text.strip().rstrip(string.punctuation + "。、·…").strip()
    text = _strip_particles(text)
    return "".join(ch for ch in text.lower() if unicodedata.category(ch)[0] in "LNM")


# KorQuAD 1.0's official evaluation script, evaluate-v1.0.py (https://korquad.github.io/,
# "KorQuAD v1.0에 대한 공식 평가 스크립트", adapted from SQuAD v1.1's): the same normalisation
# and F1 over the characters of the normalised tokens rather than over the tokens.
_KORQUAD_SPACED = "'\"《》<>〈〉()‘’"
_PUNCTUATION = frozenset(string.punctuation)


def squad_normalize(text: str) -> str:
    """KorQuAD's normalize_answer: symbols to spaces, lower case, ASCII punctuation out, spaces
    collapsed."""
    for ch in _KORQUAD_SPACED:
        text = text.replace(ch, " ")
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(text.split())


def _exact(prediction: str, gold: str) -> float:
    return float(squad_normalize(prediction) == squad_normalize(gold))


def _char_f1(prediction: str, gold: str) -> float:
    pred = [ch for token in squad_normalize(prediction).split() for ch in token]
    truth = [ch for token in squad_normalize(gold).split() for ch in token]
    same = sum((Counter(pred) & Counter(truth)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(truth)
    return 2 * precision * recall / (precision + recall)


def squad_exact_match(prediction: str, ground_truths: list[str]) -> float:
    """KorQuAD EM: 1.0 if the prediction equals any normalised ground truth (0.0 for none)."""
    return max((_exact(prediction, g) for g in ground_truths), default=0.0)


def squad_f1(prediction: str, ground_truths: list[str]) -> float:
    """KorQuAD character-level F1, the best over the ground truths (0.0 for none)."""
    return max((_char_f1(prediction, g) for g in ground_truths), default=0.0)
