"""Claim → sources: the passages that bear on a claim, the sentence in each, and a label.

A source `supports` a claim when its sentence shares most of the claim's content words and
states every figure of the claim with the same value; it `contradicts` when it shares the
words but states a different figure of the same kind; otherwise it is `related`. A claim
with a wrong figure is therefore never supported.

The same test finds the passages that disagree with an answer (`disagreements`): sentences
about what the question asks that state another value of the answer's kind.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from clusterqa.answering.normalize import Quantity, find_quantities
from clusterqa.korean import morphemes, sentences_in
from clusterqa.models import Citation, Hit
from clusterqa.search import Searcher

Label = Literal["supports", "related", "contradicts"]
# Figures are compared as quantities, not as words, so numbers are left out of the overlap.
_CONTENT_POS = ("NN", "VV", "VA", "XR", "SL", "SH")
_SUPPORT_OVERLAP = 0.6
_RELATED_OVERLAP = 0.3


class Source(BaseModel):
    label: Label
    overlap: float  # share of the claim's content words found in the sentence
    citation: Citation  # the sentence that bears on the claim
    passage: Citation  # the retrieved passage around it


class CiteResponse(BaseModel):
    claim: str
    verdict: Literal["supports", "contradicts", "related", "none found"]
    sources: list[Source] = Field(default_factory=list)


class Disagreement(BaseModel):
    """A sentence stating another value for what a question asks than its answer."""

    text: str  # the figure as the document writes it
    value: float
    unit: str | None
    citation: Citation


def _same(a: Quantity, b: Quantity) -> bool:
    return (
        a.kind == b.kind
        and a.unit == b.unit
        and abs(a.value - b.value) <= 1e-9 * max(1.0, abs(a.value))
    )


def _label(overlap: float, claimed: list[Quantity], stated: list[Quantity]) -> Label:
    comparable = [c for c in claimed if any(s.kind == c.kind for s in stated)]
    conflict = any(not any(_same(c, s) for s in stated) for c in comparable)
    if conflict and overlap >= _SUPPORT_OVERLAP:
        return "contradicts"
    all_stated = all(any(_same(c, s) for s in stated) for c in claimed)
    if overlap >= _SUPPORT_OVERLAP and all_stated:
        return "supports"
    return "related"


def cite(searcher: Searcher, claim: str, k: int = 5) -> CiteResponse:
    hits = searcher.search(claim, k)
    words = set(morphemes(claim, _CONTENT_POS))
    claimed = find_quantities(claim)
    sources: list[Source] = []
    for hit in hits:
        doc = searcher.snapshot.documents[hit.chunk.doc_id]
        best = None
        for s, e in sentences_in(doc.text, hit.chunk.start, hit.chunk.end):
            sentence = doc.text[s:e]
            overlap = len(words & set(morphemes(sentence, _CONTENT_POS))) / max(1, len(words))
            if best is None or overlap > best[0]:
                best = (overlap, s, e)
        if best is None or best[0] < _RELATED_OVERLAP:
            continue
        overlap, s, e = best
        sentence = doc.text[s:e]
        label = _label(overlap, claimed, find_quantities(sentence))
        sentence_citation = Citation.of(doc, s, e, hit.score)
        sources.append(
            Source(
                label=label,
                overlap=round(overlap, 3),
                citation=sentence_citation,
                passage=searcher.citation(hit),
            )
        )
    # A sentence that states the claim's figures exactly is about the claim; others that merely
    # share words and give different figures (another market, another year) only relate to it.
    best_support = max((s.overlap for s in sources if s.label == "supports"), default=None)
    for src in sources:
        if src.label == "contradicts" and best_support is not None and src.overlap < best_support:
            src.label = "related"
    order = {"supports": 0, "contradicts": 1, "related": 2}
    sources.sort(key=lambda src: (order[src.label], -src.overlap))
    verdict = sources[0].label if sources else "none found"
    return CiteResponse(claim=claim, verdict=verdict, sources=sources)


def disagreements(
    searcher: Searcher, question: str, hits: list[Hit], answer: Quantity
) -> tuple[int, list[Disagreement]]:
    """Sentences of `hits` about what `question` asks (most of its content words and every
    figure it names, so another year or market is not about it) that state figures of the
    answer's kind: how many state the answer's value, and those that state only others."""
    words = set(morphemes(question, _CONTENT_POS))
    context = find_quantities(question)
    agree, others, seen = 0, [], set()
    for hit in hits:
        doc = searcher.snapshot.documents[hit.chunk.doc_id]
        for s, e in sentences_in(doc.text, hit.chunk.start, hit.chunk.end):
            if (doc.doc_id, s) in seen:  # chunks overlap
                continue
            seen.add((doc.doc_id, s))
            sentence = doc.text[s:e]
            stated = find_quantities(sentence)
            same_kind = [
                q
                for q in stated
                if q.kind == answer.kind
                and q.unit == answer.unit
                and not any(_same(q, c) for c in context)
            ]
            if not same_kind or not all(any(_same(c, q) for q in stated) for c in context):
                continue
            overlap = len(words & set(morphemes(sentence, _CONTENT_POS))) / max(1, len(words))
            if overlap < _SUPPORT_OVERLAP:
                continue
            if any(_same(answer, q) for q in same_kind):
                agree += 1
                continue
            other = same_kind[0]
            citation = Citation.of(doc, s, e, hit.score)
            others.append(
                Disagreement(text=other.text, value=other.value, unit=other.unit, citation=citation)
            )
    return agree, others
