"""Sentence-aware chunking of canonical text into bounded, overlapping chunks with provenance."""

from __future__ import annotations

from dataclasses import dataclass

from clusterqa.korean import sentence_spans
from clusterqa.models import Chunk, Document
from clusterqa.repair import is_heading


@dataclass(frozen=True)
class _Unit:
    """A sentence, bullet, table row or heading: the smallest piece a chunk is built from."""

    start: int
    end: int
    section: str | None
    heading: bool = False


def _split_long(start: int, end: int, text: str, size: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than `size` at the last space before each limit."""
    pieces = []
    while end - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        cut = cut if cut > start else start + size
        pieces.append((start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    pieces.append((start, end))
    return pieces


def _units(doc: Document, size: int) -> list[_Unit]:
    text = doc.text
    units: list[_Unit] = []
    section: str | None = None
    for page in doc.pages:
        pos = page.start
        for line in text[page.start : page.end].split("\n"):
            line_start, pos = pos, pos + len(line) + 1
            if not line.strip():
                continue
            if is_heading(line):
                section = line.strip()
                units.append(_Unit(line_start, line_start + len(line), section, heading=True))
                continue
            for s, e in sentence_spans(line):
                for a, b in _split_long(line_start + s, line_start + e, text, size):
                    units.append(_Unit(a, b, section))
    return units


def chunk_document(doc: Document, size: int, overlap: int) -> list[Chunk]:
    """Pack units into chunks of at most ~`size` characters, repeating up to `overlap` characters.

    Chunks never cross a page boundary or a heading, so page and section are exact.
    """
    chunks: list[Chunk] = []

    def emit(units: list[_Unit]) -> None:
        if not units:
            return
        start, end = units[0].start, units[-1].end
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}:{len(chunks):04d}",
                doc_id=doc.doc_id,
                start=start,
                end=end,
                text=doc.text[start:end],
                page=doc.page_at(start),
                section=units[-1].section,
            )
        )

    current: list[_Unit] = []
    for unit in _units(doc, size):
        new_page = current and doc.page_at(unit.start) != doc.page_at(current[0].start)
        # Consecutive headings stay together with the body text that follows them.
        new_section = unit.heading and not all(u.heading for u in current)
        if new_section or new_page:
            emit(current)
            current = []
        elif current and unit.end - current[0].start > size:
            emit(current)
            tail_end = current[-1].end
            current = [u for u in current if tail_end - u.start <= overlap and not u.heading]
        current.append(unit)
    emit(current)
    return chunks
