"""Fact extraction: typed answer candidates from the sentences of retrieved passages, ranked.

Explicit and auditable: a candidate is a span of a passage's sentence (a quantity found by the
normaliser, a named entity from Kiwi tags, or the sentence itself for definitions and
reasons), scored by how well its sentence matches the question, how near it sits to the matched
question words, whether its type fits the question, and its passage's rank.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from clusterqa.korean import sentences_in, tokens
from clusterqa.models import Hit
from clusterqa.normalize import Quantity, entity_key, find_quantities
from clusterqa.question import QuestionInfo

# Which quantity kinds answer which question types.
_KINDS = {
    "year": {"year"},
    "date": {"date", "year"},
    "amount": {"amount"},
    "percent": {"percent"},
    "count": {"count"},
    "number": {"number", "count", "area", "duration", "multiple", "amount", "percent"},
}
_ENTITY_TYPES = {"person", "organization", "place", "entity", "unknown"}
_SENTENCE_TYPES = {"definition", "reason", "list"}
_ORG_SUFFIX = re.compile(
    r"(대학교|대학|병원|연구원|연구소|재단|센터|협회|진흥원|공단|공사|위원회|부|처|청|원|사|"
    r"University|Institute|Hospital|Center|Centre|Foundation|Agency|Council|Inc\.?|Corp\.?)$"
)
# Capitalised Latin acronyms (KIST, MIT, MRC, NIH) in these reports name institutions.
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")
_PLACE_SUFFIX = re.compile(r"(시|도|군|구|동|읍|면|국|주|섬|밸리|단지|특구|도시|지구|파크)$")
_PASSAGES = 5


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


def _match(keywords: set[str], text: str) -> tuple[float, list[int]]:
    """Share of the question's keywords in `text`, and where the matched ones occur."""
    if not keywords:
        return 0.0, []
    found = set()
    positions = []
    for token in tokens(text):
        form = token.form.lower()
        if form in keywords:
            found.add(form)
            positions.append(token.start)
    return len(found) / len(keywords), positions


def unknown_names(question: str, texts: dict[str, str]) -> list[str]:
    """Proper nouns of a Korean question that no indexed document mentions: a question about
    something the documents never name cannot be answered from them."""
    names = {t.form for t in tokens(question) if t.tag == "NNP" and len(t.form) >= 2}
    if not names:
        return []
    squeezed = [_squeezed(text) for text in texts.values()]
    return sorted(n for n in names if not any(n in text for text in squeezed))


@lru_cache(maxsize=1024)
def _squeezed(text: str) -> str:
    # Spacing differs between question and (re-spaced) documents, so names are compared
    # without it; a document's text is squeezed once per process.
    return "".join(text.split())


def _entities(sentence: str) -> list[tuple[int, int]]:
    """Runs of proper nouns, common nouns and Latin words that contain a proper noun or Latin
    word: organisation, place, person and programme names."""
    runs: list[tuple[int, int, bool]] = []
    for token in tokens(sentence):
        if not token.tag.startswith(("NNP", "NNG", "SL", "SN", "XSN")):
            continue
        end = token.start + token.len
        named = token.tag in ("NNP", "SL")
        if runs and token.start - runs[-1][1] <= 1 and (token.tag != "SN" or runs[-1][2]):
            start, _, was_named = runs[-1]
            runs[-1] = (start, end, was_named or named)
        else:
            runs.append((token.start, end, named))
    return [(s, e) for s, e, named in runs if named and e - s >= 2]


def _type_fit(qtype: str, text: str) -> float:
    if qtype == "organization":
        return 1.0 if _ORG_SUFFIX.search(text) or _ACRONYM.fullmatch(text) else 0.3
    if qtype == "place":
        return 1.0 if _PLACE_SUFFIX.search(text) else 0.4
    if qtype == "person":
        return 1.0 if re.fullmatch(r"[가-힣]{2,4}|[A-Z][a-z]+(\s[A-Z][a-z.]+)+", text) else 0.3
    return 0.6


def _proximity(start: int, positions: list[int]) -> float:
    if not positions:
        return 0.0
    distance = min(abs(start - p) for p in positions)
    return math.exp(-distance / 40)


def candidates(info: QuestionInfo, hits: list[Hit], texts: dict[str, str]) -> list[Candidate]:
    """Typed candidates in the top passages, best first; `texts` maps doc id → canonical text."""
    keywords = {k.lower() for k in info.keywords}
    question_key = entity_key(info.text)
    found: list[Candidate] = []
    for rank, hit in enumerate(hits[:_PASSAGES]):
        prior = 1.0 / (1 + 0.3 * rank)
        text = texts[hit.chunk.doc_id]
        for s_start, s_end in sentences_in(text, hit.chunk.start, hit.chunk.end):
            sentence = text[s_start:s_end]
            match, positions = _match(keywords, sentence)
            base = 0.6 * match + 0.4 * prior
            for c_start, c_end, ctype, quantity in _spans(info, sentence):
                value_text = sentence[c_start:c_end]
                key = entity_key(value_text)
                if key and key in question_key and ctype not in _SENTENCE_TYPES:
                    continue  # the question already names it, so it cannot be the answer
                fit = 1.0 if quantity else _type_fit(info.answer_type, value_text)
                near = _proximity(c_start, positions)
                score = base * (0.5 + 0.3 * fit + 0.2 * near)
                found.append(
                    Candidate(
                        text=value_text,
                        type=ctype,
                        value=quantity.value if quantity else key or value_text,
                        unit=quantity.unit if quantity else None,
                        approximate=quantity.approximate if quantity else False,
                        doc_id=hit.chunk.doc_id,
                        start=s_start + c_start,
                        end=s_start + c_end,
                        sentence_start=s_start,
                        sentence_end=s_end,
                        score=round(score, 4),
                    )
                )
    found.sort(key=lambda c: -c.score)
    return found


def _spans(info: QuestionInfo, sentence: str) -> list[tuple[int, int, str, Quantity | None]]:
    """(start, end, type, quantity) of each candidate of the expected type in one sentence."""
    qtype = info.answer_type
    if qtype in _KINDS:
        kinds = _KINDS[qtype]
        out = []
        for q in find_quantities(sentence):
            if q.kind not in kinds:
                continue
            if info.counter and qtype == "count" and q.unit and q.unit != info.counter:
                continue
            out.append((q.start, q.end, qtype, q))
        return out
    if qtype in _SENTENCE_TYPES:
        stripped = sentence.strip()
        start = sentence.index(stripped) if stripped else 0
        return [(start, start + len(stripped), qtype, None)] if stripped else []
    # A figure with its unit (21,000km², 2016년 계획) is never a name.
    return [
        (s, e, qtype, None)
        for s, e in _entities(sentence)
        if not any(q.start == 0 for q in find_quantities(sentence[s:e]))
    ]
