"""Answering a question: the response shape shared by `ask --json` and the API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from clusterqa.models import Citation
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


def ask(searcher: Searcher, question: str, k: int | None = None) -> AskResponse:
    """Retrieve passages for `question`; no fact is extracted yet, so `answer` stays null."""
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
    return AskResponse(
        question=question,
        abstained=not hits,
        reason=None if hits else "no passage in the indexed documents matches the question",
        citations=[searcher.citation(h) for h in hits],
        passages=passages,
    )
