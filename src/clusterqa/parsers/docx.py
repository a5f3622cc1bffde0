"""DOCX via python-docx: body, tables and footnotes in reading order, split at top headings."""

from __future__ import annotations

import io
import re

from docx import Document as open_docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import OpcError
from docx.oxml import parse_xml
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from clusterqa.errors import InputError
from clusterqa.models import PageText, ParsedDocument
from clusterqa.parsers.office import (
    CELL_SEPARATOR,
    join_blocks,
    one_line,
    open_zip,
    sniff,
    usable_title,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING = re.compile(r"^(Heading|제목)\s*(\d)$", re.IGNORECASE)
_NOTE_PARTS = {
    "footnote": ("/word/footnotes.xml", "각주"),
    "endnote": ("/word/endnotes.xml", "미주"),
}
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_LOCATION_CHARS = 60


def _text(element: etree._Element) -> str:
    """The text runs (w:t) of `element`, paragraphs joined by a space."""
    paragraphs = ("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in element.iter(f"{_W}p"))
    return " ".join(" ".join(paragraphs).split())


def _notes(document: WordDocument, kind: str) -> dict[str, str]:
    """Note id -> text of the footnotes or endnotes part (python-docx does not read them)."""
    partname, _ = _NOTE_PARTS[kind]
    for part in document.part.package.iter_parts():
        if part.partname == partname:
            root = parse_xml(part.blob)
            return {note.get(f"{_W}id"): _text(note) for note in root.iter(f"{_W}{kind}")}
    return {}


def _heading_level(paragraph: Paragraph) -> int | None:
    name = paragraph.style.name if paragraph.style is not None else ""
    if name == "Title":
        return 0
    match = _HEADING.match(name or "")
    return int(match.group(2)) if match else None


def _row_cells(row: _Row) -> list[str]:
    # A merged cell appears once per grid column it spans; write it once.
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append(" ".join(cell.text.split()))
    return cells


class _Walker:
    """Blocks of the body in order, each paragraph or row followed by the notes it cites."""

    def __init__(self, document: WordDocument) -> None:
        self.notes = {kind: _notes(document, kind) for kind in _NOTE_PARTS}
        self.counts = dict.fromkeys(_NOTE_PARTS, 0)
        self.parts: list[tuple[str | None, list[str]]] = [(None, [])]

    def cited(self, element: etree._Element) -> list[str]:
        out = []
        for kind, (_, label) in _NOTE_PARTS.items():
            for ref in element.iter(f"{_W}{kind}Reference"):
                text = self.notes[kind].get(ref.get(f"{_W}id"), "")
                if text:
                    self.counts[kind] += 1
                    out.append(f"[{label} {self.counts[kind]}] {text}")
        return out

    def table(self, table: Table) -> None:
        for row in table.rows:
            cells = _row_cells(row)
            if any(cells):
                self.parts[-1][1].append(CELL_SEPARATOR.join(cells))
            self.parts[-1][1].extend(self.cited(row._tr))
            for cell in {id(c._tc): c for c in row.cells}.values():
                for inner in cell.tables:
                    self.table(inner)

    def walk(self, document: WordDocument, split_level: int | None) -> None:
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                self.table(block)
                continue
            text = block.text.strip()
            level = _heading_level(block)
            if text and split_level is not None and level is not None and level <= split_level:
                self.parts.append((text[:_LOCATION_CHARS], []))
            if text:
                self.parts[-1][1].append(text)
            self.parts[-1][1].extend(self.cited(block._p))


def _split_level(document: WordDocument) -> int | None:
    """The top heading level in use (Heading 1, else 2 ...): parts start at these headings."""
    levels = [
        level
        for p in document.paragraphs
        if (level := _heading_level(p)) and p.text.strip()  # 0 (Title) does not split
    ]
    return min(levels) if levels else None


class DocxParser:
    suffixes = (".docx",)

    def parse(self, data: bytes, doc_id: str, source: str) -> ParsedDocument:
        kind = sniff(data)
        if kind == "ole":
            if _ENCRYPTED in data:
                raise InputError(
                    f"{source}: DOCX is encrypted with a password; save an unlocked copy"
                )
            raise InputError(f"{source}: an old Word .doc (or other OLE) file; save it as .docx")
        if kind != "zip":
            raise InputError(f"{source}: not a DOCX file (no ZIP header)")
        archive = open_zip(data, source, "DOCX package")
        if "word/document.xml" not in archive.namelist():
            hint = (
                " (an HWPX file? rename it .hwpx)"
                if "Contents/content.hpf" in archive.namelist()
                else ""
            )
            raise InputError(f"{source}: ZIP file without a Word document{hint}")
        try:
            document = open_docx(io.BytesIO(data))
            walker = _Walker(document)
            walker.walk(document, _split_level(document))
            title = usable_title(document.core_properties.title, source)
        except (OpcError, KeyError, ValueError, etree.LxmlError) as exc:
            raise InputError(f"{source}: DOCX is corrupt ({one_line(exc)})") from exc
        parts = [
            (heading, text) for heading, blocks in walker.parts if (text := join_blocks(blocks))
        ]
        # A part is named by the heading that opens it; a document without headings is one part.
        opening = "문서 첫 부분" if len(parts) > 1 else None
        pages = [
            PageText(number=None, text=text, location=heading or opening) for heading, text in parts
        ]
        if not pages:
            raise InputError(f"{source}: contains no text")
        return ParsedDocument(doc_id=doc_id, source=source, pages=pages, title=title)
