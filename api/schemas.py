"""Request and response models of the HTTP API (the library's models are reused where they fit)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from clusterqa.config import Settings
from clusterqa.models import Citation

_MAX_CHARS = Settings.model_fields["max_query_chars"].default


def _text(example: str):
    return Field(min_length=1, max_length=_MAX_CHARS, strict=True, examples=[example])


class _Request(BaseModel):
    # Strict: `true` or `"5"` is a mistake, not 1 or 5.
    top_k: int = Field(5, ge=1, le=50, strict=True, description="number of passages")


class SearchRequest(_Request):
    query: str = _text("메디콘밸리 설립 배경")


class AskRequest(_Request):
    question: str = _text("2023년 기준 전 세계 바이오기술 시장 규모는?")


class CiteRequest(_Request):
    claim: str = _text("2023년 기준 전 세계 바이오기술 시장은 1.55조 달러로 평가된다")


class SearchHit(Citation):
    ranks: dict[str, int]
    # The query's Latin terms whose Korean forms (the term bridge) this passage holds.
    bridge: dict[str, list[str]] = Field(default_factory=dict)


class Health(BaseModel):
    status: str
    version: str
    model: str
    index: str | None
    documents: int
    chunks: int


class DocumentInfo(BaseModel):
    doc_id: str
    title: str
    source: str
    chunks: int
    characters: int
    pages: list[int | None]
    meta: dict[str, str | int | None]
    warnings: list[str]


class TextSlice(BaseModel):
    doc_id: str
    start: int
    end: int
    text: str


class UploadResult(BaseModel):
    doc_id: str
    status: str  # "added" | "updated" (replaced)
    chunks: int
    warnings: list[str]


class Error(BaseModel):
    detail: str
