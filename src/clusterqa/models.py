"""Domain models shared by every layer: documents, chunks, hits and citations."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

# Document ids become file names and URL segments, so they are restricted to a safe alphabet.
DOC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class Provenance(BaseModel):
    """How a stretch of text was obtained: OCR or a text layer, and where it sits in the file."""

    ocr: bool = False
    ocr_confidence: float | None = None  # Tesseract's mean word confidence, 0-100
    # Position in formats without pages, e.g. "구역 2 · 문단 14" (HWP, HWPX, DOCX).
    location: str | None = None


class PageText(Provenance):
    """Text of one source page as extracted; `number` is 1-based, None for formats without pages."""

    number: int | None
    text: str


class ParsedDocument(BaseModel):
    """What a parser returns: raw page texts plus any warnings about unreadable pages."""

    doc_id: str
    source: str
    pages: list[PageText]
    title: str | None = None  # from the file's own metadata, when it has a usable one
    warnings: list[str] = Field(default_factory=list)


class PageSpan(Provenance):
    """Where a source page (or section of a page-less format) lies in the canonical text."""

    number: int | None
    start: int
    end: int


class Document(BaseModel):
    """A repaired document: its canonical text is what every offset points into."""

    doc_id: str
    source: str
    title: str
    content_hash: str
    text: str
    pages: list[PageSpan]
    meta: dict[str, str | int | None] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)

    def span_at(self, offset: int) -> PageSpan | None:
        for page in self.pages:
            if page.start <= offset < page.end:
                return page
        return self.pages[-1] if self.pages else None

    def page_at(self, offset: int) -> int | None:
        span = self.span_at(offset)
        return span.number if span else None


class Chunk(BaseModel):
    """A retrievable span of a document; `text == document.text[start:end]` always holds."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str
    page: int | None = None
    section: str | None = None


class Hit(BaseModel):
    """A chunk returned by a retriever, with its fused score and the rank each leg gave it."""

    chunk: Chunk
    score: float
    ranks: dict[str, int] = Field(default_factory=dict)


class Citation(BaseModel):
    """A verifiable pointer into a document's canonical text."""

    doc_id: str
    title: str
    page: int | None
    start: int
    end: int
    quote: str
    score: float
    ocr: bool = False  # the quote was read by OCR from a page image: check it against the page
    ocr_confidence: float | None = None
    location: str | None = None  # section/paragraph in formats without pages

    @classmethod
    def of(cls, doc: Document, start: int, end: int, score: float) -> Citation:
        span = doc.span_at(start)
        provenance = span.model_dump(include={"ocr", "ocr_confidence", "location"}) if span else {}
        return cls(
            doc_id=doc.doc_id,
            title=doc.title,
            page=span.number if span else None,
            start=start,
            end=end,
            quote=doc.text[start:end],
            score=score,
            **provenance,
        )
