"""Fact extraction: typed answer candidates from the sentences of retrieved passages, ranked.

Explicit and auditable: a candidate is a span of a passage's sentence (a quantity found by the
normaliser, a name, or the list, definition or reason phrase, from phrases.py, with the whole
sentence as a weaker fallback), scored by how well its sentence matches the question (question
words and sentence vectors), how near it sits to the matched question words, whether its type
fits the question, and its passage's rank.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from clusterqa.answering.normalize import (
    Quantity,
    entity_key,
    find_quantities,
    format_value,
    is_range,
)
from clusterqa.answering.phrases import definitions, lists, noun_runs, reasons
from clusterqa.answering.question import QuestionInfo
from clusterqa.korean import has_hangul, sentences_in, tokens
from clusterqa.models import Hit

# Measures written by their symbols (128MB, 300 Mbps, 2.4GHz, 3,000mAh, 5 mL).
_SYMBOL_KINDS = {"data", "rate", "frequency", "energy", "power", "charge", "volume"}
# Which quantity kinds answer which question types.
QUANTITY_KINDS = {
    "year": {"year"},
    "date": {"date", "year"},
    "amount": {"amount"},
    "percent": {"percent"},
    "count": {"count"},
    "number": {
        "number",
        "count",
        "area",
        "length",
        "weight",
        "age",
        "duration",
        "multiple",
        "amount",
        "percent",
        *_SYMBOL_KINDS,
    },
}
SENTENCE_TYPES = {"definition", "reason", "list"}
# Questions for a proper name, which a figure never answers; an "entity" (무엇, 기록은?) may be
# one (2.35m).
NAME_TYPES = {"person", "organization", "place"}
_ORG_SUFFIX = re.compile(
    r"(대학교|대학|병원|연구원|연구소|재단|센터|협회|진흥원|공단|공사|위원회|부|처|청|원|사|"
    r"University|Institute|Hospital|Center|Centre|Foundation|Agency|Council|Inc\.?|Corp\.?)$"
)
# Capitalised Latin acronyms (KIST, MIT, MRC, NIH) in these reports name institutions.
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")
_PLACE_SUFFIX = re.compile(r"(시|도|군|구|동|읍|면|국|주|섬|밸리|단지|특구|도시|지구|파크)$")
PASSAGES = 5  # the top retrieved passages candidates are drawn from
_REACH = 30  # characters over which a keyword's support for a nearby span falls to 1/e
_DENSE_WEIGHT = 0.5  # of the question-sentence match; the rest is the lexical keyword share
Similarity = Callable[[list[tuple[str, int, int]]], "np.ndarray | None"]


@dataclass
class Candidate:
    text: str
    type: str
    value: str | float | int | None
    unit: str | None
    approximate: bool
    doc_id: str
    start: int  # span of the candidate in the document's canonical text
    end: int
    sentence_start: int
    sentence_end: int
    score: float


def _match(keywords: set[str], text: str) -> tuple[float, dict[str, list[tuple[int, int]]]]:
    """Share of the question's keywords in `text`, and the spans where each matched one occurs."""
    positions: dict[str, list[tuple[int, int]]] = {}
    for token in tokens(text):
        form = token.form.lower()
        if form in keywords:
            positions.setdefault(form, []).append((token.start, token.start + token.len))
    return (len(positions) / len(keywords) if keywords else 0.0), positions


def type_fit(qtype: str, text: str, sentence: str) -> float:
    if qtype in SENTENCE_TYPES:  # the whole sentence is the fallback, a part of it the answer
        return 0.5 if text == sentence.strip() else 1.0
    if qtype == "url":  # only web addresses are proposed
        return 1.0
    if qtype == "organization":
        return 1.0 if _ORG_SUFFIX.search(text) or _ACRONYM.fullmatch(text) else 0.3
    if qtype == "place":
        return 1.0 if _PLACE_SUFFIX.search(text) else 0.4
    if qtype == "person":
        # A word of two or more syllables naming a body or a place is no one's name (위원회,
        # 연구소, 밸리); one syllable can end a person's name (김정원, 이재부).
        suffixes = (_ORG_SUFFIX.search(text), _PLACE_SUFFIX.search(text))
        institution = any(m and len(m.group()) > 1 for m in suffixes)
        person = re.fullmatch(r"[가-힣]{2,4}|[A-Z][a-z]+(\s[A-Z][a-z.]+)+", text)
        return 1.0 if person and not institution else 0.3
    return 0.6


def _distance(sentence: str, start: int, end: int, k_start: int, k_end: int) -> float | None:
    """Characters between a span and a keyword, each clause break (, ; ·) between them counting
    as a further _REACH: in "생산 100조 원, 수출 500억 달러" 수출 labels the second figure. None
    when the keyword is part of the span itself, which then cannot support it."""
    if k_start >= start and k_end <= end:
        return None
    gap = sentence[k_end:start] if k_end <= start else sentence[end:k_start]
    return len(gap) + _REACH * sum(gap.count(c) for c in ",;·")


def unit_fit(wanted: str | None, unit: str | None) -> float:
    # A bare figure is often a footnote mark ([3]) or a heading number (2. 싱가포르).
    if unit is None:
        return 0.4 if wanted else 0.6
    return 1.0 if wanted is None or _counter_fits(wanted, unit) else 0.7


_GLOSSED = re.compile(r"([^\s(]+)\s*\(\s*$")


def _glosses_question(sentence: str, start: int, question_key: str) -> bool:
    """Whether a name opens a bracket after a word the question uses: the gloss translates
    the question's own words (텍사스 메디컬 센터(Texas Medical Center)), it does not answer."""
    before = _GLOSSED.search(sentence, 0, start)
    return bool(before) and entity_key(before.group(1)) in question_key


def _proximity(
    sentence: str, start: int, end: int, positions: dict[str, list[tuple[int, int]]], n: int
) -> float:
    """How many of the question's n keywords sit close to the span, each discounted by its
    distance: long sentences (table rows, timelines) state several figures, and the answer is
    the one written next to what the question asks about."""
    near = 0.0
    for places in positions.values():
        distances = [d for k in places if (d := _distance(sentence, start, end, *k)) is not None]
        if distances:
            near += math.exp(-min(distances) / _REACH)
    return near / n if n else 0.0


def _dense_match(
    info: QuestionInfo,
    spans: list[tuple[str, int, int]],
    lexical: list[float],
    similarity: Similarity | None,
) -> list[float] | None:
    """Each sentence's cosine with the question, min-max scaled over the sentences considered
    (the model's cosines crowd into a narrow band). None, so sentences are matched lexically
    alone, without sentence vectors or when the cosine is the only evidence and cannot be
    trusted: it ranks well but does not tell on-topic from nonsense ("qwxzzy" finds a nearest
    sentence too), so it needs a question word in the passages, or an English question asking
    for a typed answer (it then bridges the languages)."""
    crosslingual = not has_hangul(info.text) and info.answer_type != "unknown"
    if similarity is None or not spans or not (any(lexical) or crosslingual):
        return None
    cosines = similarity(spans)
    if cosines is None:
        return None
    return min_max([float(c) for c in cosines])


def min_max(values: list[float]) -> list[float]:
    """`values` scaled to [0, 1] (all 1.0 when they are equal)."""
    low, high = min(values), max(values)
    return [(v - low) / (high - low) if high > low else 1.0 for v in values]


def candidates(
    info: QuestionInfo,
    hits: list[Hit],
    texts: dict[str, str],
    similarity: Similarity | None = None,
) -> list[Candidate]:
    """Typed candidates in the top passages, best first; `texts` maps doc id → canonical text,
    `similarity` gives the question's cosine with indexed sentences (see Searcher)."""
    keywords = {k.lower() for k in info.keywords}
    question_key = entity_key(info.text)
    # A bracket after a question word glosses it: no name, but what a definition asks for.
    names_asked = info.answer_type not in SENTENCE_TYPES
    found: list[Candidate] = []
    sentences = [
        (rank, hit.chunk.doc_id, start, end)
        for rank, hit in enumerate(hits[:PASSAGES])
        for start, end in sentences_in(texts[hit.chunk.doc_id], hit.chunk.start, hit.chunk.end)
    ]
    matches = [_match(keywords, texts[d][s:e]) for _, d, s, e in sentences]
    lexical = [m[0] for m in matches]
    dense = _dense_match(info, [s[1:] for s in sentences], lexical, similarity)
    for i, (rank, doc_id, s_start, s_end) in enumerate(sentences):
        prior = 1.0 / (1 + 0.3 * rank)
        sentence = texts[doc_id][s_start:s_end]
        positions = matches[i][1]
        match = lexical[i]
        if dense is not None:
            match = (1 - _DENSE_WEIGHT) * lexical[i] + _DENSE_WEIGHT * dense[i]
        for c_start, c_end, figure in _spans(info, sentence, positions):
            value_text = sentence[c_start:c_end]
            key = entity_key(value_text)
            if key and key in question_key and value_text != sentence.strip():
                continue  # the question already names it, so it cannot be the answer
            if figure is None:
                if names_asked and _glosses_question(sentence, c_start, question_key):
                    continue
                fit = type_fit(info.answer_type, value_text, sentence)
            elif info.answer_type in ("number", "count"):
                fit = unit_fit(info.counter, figure.unit)
            else:
                fit = figure.fit
            near = _proximity(sentence, c_start, c_end, positions, len(keywords))
            score = (0.4 * match + 0.3 * near + 0.3 * prior) * (0.6 + 0.4 * fit)
            found.append(
                Candidate(
                    text=value_text,
                    type=info.answer_type,
                    value=figure.value if figure else _text_value(info, value_text, key),
                    unit=figure.unit if figure else None,
                    approximate=figure.approximate if figure else False,
                    doc_id=doc_id,
                    start=s_start + c_start,
                    end=s_start + c_end,
                    sentence_start=s_start,
                    sentence_end=s_end,
                    score=round(score, 4),
                )
            )
    found.sort(key=lambda c: -c.score)
    return found


class _Value(NamedTuple):
    value: str | float
    unit: str | None
    approximate: bool
    fit: float = 1.0  # how well the figure is of the asked kind


# Counters writers use interchangeably for firms, sites and institutions: 몇 곳 is answered
# by "66개", 몇 개사 by "382개".
_SITE_COUNTERS = {"개", "개사", "개소", "곳"}


def _counter_fits(wanted: str | None, unit: str | None) -> bool:
    if wanted is None or unit is None or wanted == unit:
        return True
    return wanted in _SITE_COUNTERS and unit in _SITE_COUNTERS


# Kinds a figure cannot be mistaken in: a percentage is never a head count. Counters, durations
# and years can, by the question's wording (몇 개의 채널: 3채널; 징역 몇 년: 2년; 몇일 뒤: 31일).
_MEASURES = {"percent", "amount", "area", "length", "weight", "age", *_SYMBOL_KINDS}


@lru_cache(maxsize=256)
def _named(counter: str) -> Quantity | None:
    """What a question's counter or unit measures, read as a figure in it (평: an area)."""
    found = find_quantities(f"1{counter}")
    return found[0] if found else None


def asked_measure(info: QuestionInfo) -> str | None:
    """The measure a figure question asks for, if any: a percentage, an amount, or what the unit
    it names measures (몇 km: a length; 면적, ㎡: an area)."""
    if info.answer_type in ("percent", "amount"):
        return info.answer_type
    named = _named(info.counter) if info.counter else None
    return named.kind if named and named.kind in _MEASURES else None


_DATE_YEAR = re.compile(r"\d{4}\s*년")
# A date's year is weaker evidence than a year written alone: reports date their sources
# (2023년 11월 25일 접속) and the events they date are seldom what a year question asks.
_DATE_YEAR_FIT = 0.5


def year_of(q: Quantity) -> Quantity | None:
    """The year a full date states ("1954년 11월 27일" -> 1954년), for a question asking the year:
    the document gives the day, the question wants its year."""
    year = _DATE_YEAR.match(q.text) if q.kind == "date" and q.value >= 10000 else None
    if not year:
        return None
    text = year.group()
    end = q.start + len(text)
    return replace(q, kind="year", value=float(q.value // 10000), end=end, text=text)


def quantity_spans(info: QuestionInfo, sentence: str) -> list[tuple[int, int, _Value]]:
    """Figures of the kinds the question asks for; a range (8~12개월, 2000–2005년) is one
    candidate unless the question asks for a single year."""
    kinds = QUANTITY_KINDS[info.answer_type]
    figures = find_quantities(sentence)
    derived: set[int] = set()  # starts of the years read out of dates
    if info.answer_type == "year":
        years = [year_of(q) for q in figures]
        derived = {y.start for y in years if y}
        figures = [y or q for q, y in zip(figures, years, strict=True)]
    found = [
        q
        for q in figures
        if q.kind in kinds and (info.answer_type != "count" or _counter_fits(info.counter, q.unit))
    ]
    ranges = info.answer_type != "year"
    out, i = [], 0
    while i < len(found):
        q = found[i]
        if ranges and i + 1 < len(found) and is_range(sentence, q, found[i + 1]):
            r = found[i + 1]
            value = f"{format_value(q.value)}~{format_value(r.value)}"
            end = _unit_word_end(sentence, r)
            out.append((q.start, end, _Value(value, q.unit, q.approximate or r.approximate)))
            i += 2
            continue
        fit = _DATE_YEAR_FIT if q.start in derived else 1.0
        out.append(
            (q.start, _unit_word_end(sentence, q), _Value(q.value, q.unit, q.approximate, fit))
        )
        i += 1
    return out


def _unit_word_end(sentence: str, q: Quantity) -> int:
    """The end of a bare number's span with the word glued to it that the normaliser knows no
    unit for (20주년, 19-20세기, 3세대): the answer as written, not a bare 20."""
    if q.kind != "number" or q.unit or not sentence[q.end : q.end + 1].isalpha():
        return q.end
    after = next((t for t in tokens(sentence) if t.start == q.end), None)
    return after.end if after and after.tag in ("NNB", "NNG", "SL") else q.end


def _spans(
    info: QuestionInfo, sentence: str, positions: dict[str, list[tuple[int, int]]]
) -> list[tuple[int, int, _Value | None]]:
    """(start, end, value) of each candidate of the expected type in one sentence; the value
    is None for names and sentences. `positions` are the question keywords in the sentence."""
    qtype = info.answer_type
    if qtype in QUANTITY_KINDS:
        return quantity_spans(info, sentence)
    if qtype in SENTENCE_TYPES:
        stripped = sentence.strip()
        if not stripped:
            return []
        start = sentence.index(stripped)
        parts = {
            "list": lists,
            "definition": lambda text: definitions(text, positions),
            "reason": lambda text: reasons(text, [p for ps in positions.values() for p in ps]),
        }[qtype](sentence)
        return [(s, e, None) for s, e in parts] + [(start, start + len(stripped), None)]
    if qtype == "url":
        return [(m.start(), m.end(), None) for m in _URL.finditer(sentence)]
    return [(s, e, None) for s, e in noun_runs(sentence) if not opens_with_figure(sentence[s:e])]


# A web address as documents print it (https://www.jtc.gov.sg/, www.krihs.re.kr): ASCII, its
# host ending in a top-level domain of letters (a page number glued to it stays out:
# www.krihs.re.kr2023), its path without the punctuation of the sentence it ends.
_URL = re.compile(
    r"(?:https?://|www\.)(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?"
    r"(?:/(?:[\w\-.~/?#@!$&*+=%:;,]*[\w\-~/#@$&*+=%])?)?",
    re.I | re.A,
)


def _text_value(info: QuestionInfo, text: str, key: str) -> str:
    """A name's comparison key, but a web address as written (its key drops the dots)."""
    return text if info.answer_type == "url" else key or text


def opens_with_figure(text: str) -> bool:
    """Whether a figure with its unit opens `text` (21,000km², 3,737명, 2016년 계획): such a
    text is never a name."""
    return any(q.start == 0 for q in find_quantities(text))
