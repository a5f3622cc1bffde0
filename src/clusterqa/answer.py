"""Answering a question: the response shape shared by `ask --json` and the API."""

from __future__ import annotations

from functools import partial

from pydantic import BaseModel, Field

from clusterqa.extract import Candidate, candidates, unknown_names
from clusterqa.models import Citation, Hit
from clusterqa.question import QuestionInfo, analyze
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


def _answer_citation(searcher: Searcher, best: Candidate) -> Citation:
    """The sentence that states the answer, as a verifiable citation."""
    doc = searcher.snapshot.documents[best.doc_id]
    return Citation(
        doc_id=doc.doc_id,
        title=doc.title,
        page=doc.page_at(best.sentence_start),
        start=best.sentence_start,
        end=best.sentence_end,
        quote=doc.text[best.sentence_start : best.sentence_end],
        score=best.score,
    )


def best_candidate(
    searcher: Searcher, info: QuestionInfo, hits: list[Hit]
) -> tuple[Candidate | None, list[str]]:
    """The top-scoring candidate in `hits`, and the question's names no document mentions
    (then there is no candidate)."""
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    unknown = unknown_names(info.text, texts)
    if unknown:
        return None, unknown
    similarity = partial(searcher.sentence_similarity, info.text)
    found = candidates(info, hits, texts, similarity)
    return (found[0] if found else None), []


def ask(searcher: Searcher, question: str, k: int | None = None) -> AskResponse:
    """Retrieve passages, extract the best typed candidate, or abstain when support is weak."""
    hits = searcher.search(question, k)
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
    citations = [searcher.citation(h) for h in hits]
    info = analyze(question)
    best, unknown = best_candidate(searcher, info, hits)
    threshold = searcher.settings.abstain_threshold
    if best is None or best.score < threshold:
        if not hits:
            reason = "no passage in the indexed documents matches the question"
        elif unknown:
            reason = f"the indexed documents never mention {', '.join(unknown)}"
        else:
            reason = f"no {info.answer_type} answer is supported well enough by the documents"
        return AskResponse(
            question=question,
            abstained=True,
            reason=reason,
            citations=citations,
            passages=passages,
        )
    answer = Answer(
        text=best.text,
        type=best.type,
        value=best.value,
        unit=best.unit,
        approximate=best.approximate,
        confidence=round(min(1.0, best.score), 3),
    )
    return AskResponse(
        question=question,
        answer=answer,
        abstained=False,
        citations=[_answer_citation(searcher, best), *citations],
        passages=passages,
    )
