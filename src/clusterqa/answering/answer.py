"""Answering a question: the response shape shared by `ask --json` and the API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from clusterqa.answering.claims import Disagreement, disagreements
from clusterqa.answering.compare import compare, parse_comparison
from clusterqa.answering.extract import QUANTITY_KINDS, Candidate
from clusterqa.answering.normalize import find_quantities
from clusterqa.answering.question import analyze
from clusterqa.answering.ranking import by_evidence, ranked_candidates
from clusterqa.answering.reader import load_reader
from clusterqa.answering.reading import rerank
from clusterqa.models import Citation, Hit
from clusterqa.search import Searcher


class Passage(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    page: int | None
    section: str | None
    start: int
    end: int
    text: str
    score: float
    ranks: dict[str, int]


class Answer(BaseModel):
    text: str
    type: str
    value: str | float | int | None
    unit: str | None
    approximate: bool
    confidence: float


class AskResponse(BaseModel):
    question: str
    answer: Answer | None = None
    abstained: bool
    reason: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    # Passages that state another value for what was asked; the confidence is lowered to the
    # share of such sentences that agree with the answer.
    disagreements: list[Disagreement] = Field(default_factory=list)


def _answer_citation(searcher: Searcher, best: Candidate) -> Citation:
    """The sentence that states the answer, as a verifiable citation."""
    doc = searcher.snapshot.documents[best.doc_id]
    return Citation.of(doc, best.sentence_start, best.sentence_end, best.score)


def _passages(searcher: Searcher, hits: list[Hit]) -> tuple[list[Passage], list[Citation]]:
    passages = [
        Passage(
            **h.chunk.model_dump(
                include={"chunk_id", "doc_id", "page", "section", "start", "end", "text"}
            ),
            title=searcher.snapshot.documents[h.chunk.doc_id].title,
            score=h.score,
            ranks=h.ranks,
        )
        for h in hits
    ]
    return passages, [searcher.citation(h) for h in hits]


def ask(searcher: Searcher, question: str, k: int | None = None) -> AskResponse:
    """Retrieve passages, extract the best typed candidate, or abstain when support is weak."""
    hits = searcher.search(question, k)
    settings = searcher.settings
    if settings.reader_rerank and settings.reader == "trained":
        reader = load_reader(settings.model_cache_dir, settings.reader_threads)
        hits = rerank(reader, question, hits, settings.rerank_weight)
    comparison = parse_comparison(question)
    compared = compare(searcher, question, comparison) if comparison else None
    if compared:
        passages, citations = _passages(searcher, hits)
        won, lost = compared.candidates
        answer = Answer(
            text=compared.winner,
            type=won.type if compared.figure else "entity",
            value=won.value if compared.figure else compared.winner,
            unit=won.unit if compared.figure else None,
            approximate=won.approximate if compared.figure else False,
            confidence=round(min(1.0, compared.support), 3),
        )
        return AskResponse(
            question=question,
            answer=answer,
            abstained=False,
            citations=[
                _answer_citation(searcher, won),
                _answer_citation(searcher, lost),
                *citations,
            ],
            passages=passages,
        )
    info = analyze(question)
    ranked = ranked_candidates(searcher, info, hits)
    best = ranked.candidates[0] if ranked.candidates else None
    passages, citations = _passages(
        searcher, by_evidence(hits, ranked.candidates, settings.evidence_weight)
    )
    # Asked for a figure, the passages found hold none of its kind (외레순 다리의 길이는 몇 km?
    # answered "2000년"): the documents do not say it.
    if best is None or ranked.off_kind or ranked.support < settings.abstain_threshold:
        if not hits:
            reason = "no passage in the indexed documents matches the question"
        elif ranked.unknown:
            reason = f"the indexed documents never mention {', '.join(ranked.unknown)}"
        elif ranked.off_kind:
            unit = f" in {info.counter}" if info.counter else ""
            reason = f"the passages found state no {info.answer_type}{unit} for what was asked"
        else:
            reason = f"no {info.answer_type} answer is supported well enough by the documents"
        return AskResponse(
            question=question,
            abstained=True,
            reason=reason,
            citations=citations,
            passages=passages,
        )
    confidence = min(1.0, ranked.support)
    others: list[Disagreement] = []
    figure = find_quantities(best.text)
    if best.type in QUANTITY_KINDS and len(figure) == 1:
        agree, others = disagreements(searcher, question, hits, figure[0])
        confidence *= max(1, agree) / (max(1, agree) + len(others))
    answer = Answer(
        text=best.text,
        type=best.type,
        value=best.value,
        unit=best.unit,
        approximate=best.approximate,
        confidence=round(confidence, 3),
    )
    return AskResponse(
        question=question,
        answer=answer,
        abstained=False,
        citations=[_answer_citation(searcher, best), *citations],
        passages=passages,
        disagreements=others,
    )
