"""HWPX (a ZIP of OWPML XML) via python-hwpx: one PageText per section, tables and notes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

from hwpx.opc.security import HwpxSecurityError, parse_xml_stdlib, read_member
from hwpx.tools.text_extractor import TextExtractor, strip_namespace

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

_NOTES = {"footNote": "각주", "endNote": "미주"}
_OBJECTS = {"tbl", "drawText", "caption", *_NOTES}


def _local(element: ET.Element) -> str:
    return strip_namespace(element.tag)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c) == name]


def _own_paragraphs(element: ET.Element) -> list[ET.Element]:
    """The paragraphs of a cell, note or text box (its subList), not those nested deeper."""
    return [p for sub in _children(element, "subList") for p in _children(sub, "p")]


def _objects(element: ET.Element) -> list[ET.Element]:
    """Tables, notes and text boxes in `element`, outermost only, in document order."""
    found: list[ET.Element] = []
    for child in element:
        if _local(child) in _OBJECTS:
            found.append(child)
        else:
            found.extend(_objects(child))
    return found


class _Section:
    """Turns one section's XML into blocks: paragraphs, one per table row, then their notes."""

    def __init__(self, extractor: TextExtractor) -> None:
        self.extractor = extractor
        self.blocks: list[str] = []
        self.counts = dict.fromkeys(_NOTES.values(), 0)

    def text_of(self, paragraph: ET.Element) -> str:
        # Objects (tables, notes, text boxes) are skipped here and become blocks of their own.
        return self.extractor.paragraph_text(paragraph, object_behavior="skip").strip()

    def paragraph(self, paragraph: ET.Element) -> None:
        if text := self.text_of(paragraph):
            self.blocks.append(text)
        self.objects(_objects(paragraph))

    def objects(self, objects: list[ET.Element]) -> None:
        notes: list[str] = []
        for obj in objects:
            name = _local(obj)
            if name == "tbl":
                self.table(obj)
            elif name in ("drawText", "caption"):  # a text box or a picture's caption
                for p in _own_paragraphs(obj):
                    self.paragraph(p)
            else:
                kind = _NOTES[name]
                self.counts[kind] += 1
                body = " ".join(t for p in _own_paragraphs(obj) if (t := self.text_of(p)))
                if body:
                    notes.append(f"[{kind} {self.counts[kind]}] {body}")
        # A note is read where it is cited: right after the paragraph or row that cites it.
        self.blocks.extend(notes)

    def table(self, table: ET.Element) -> None:
        for caption in _children(table, "caption"):  # "표 1 …", read before the rows
            for p in _own_paragraphs(caption):
                self.paragraph(p)
        for row in _children(table, "tr"):
            cells: list[str] = []
            inner: list[ET.Element] = []
            for cell in _children(row, "tc"):
                paragraphs = _own_paragraphs(cell)
                cells.append(" ".join(t for p in paragraphs if (t := self.text_of(p))))
                inner.extend(obj for p in paragraphs for obj in _objects(p))
            if any(cells):
                self.blocks.append(CELL_SEPARATOR.join(" ".join(c.split()) for c in cells))
            self.objects(inner)  # nested tables and notes of this row follow it


def _title(archive: zipfile.ZipFile, source: str) -> str | None:
    """The title in Contents/content.hpf's OPF metadata (HWP summary info lands there too)."""
    try:
        root = parse_xml_stdlib(read_member(archive, "Contents/content.hpf"), part_name="hpf")
    except (KeyError, ValueError, HwpxSecurityError):
        return None
    for element in root.iter():
        if _local(element) == "title":
            return usable_title(element.text, source)
    return None


def _encrypted(archive: zipfile.ZipFile) -> bool:
    """Whether the manifest declares encrypted parts (a password-protected HWPX)."""
    try:
        manifest = read_member(archive, "META-INF/manifest.xml")
    except KeyError:
        return False
    return b"encryption-data" in manifest


def parse_package(archive: zipfile.ZipFile, doc_id: str, source: str) -> ParsedDocument:
    """Parse an opened, size-checked HWPX package (an HWP file converts into one)."""
    pages: list[PageText] = []
    try:
        if _encrypted(archive):
            raise InputError(f"{source}: document is password-protected; save an unprotected copy")
        extractor = TextExtractor(archive)
        for section in extractor.iter_sections():
            walker = _Section(extractor)
            for paragraph in _children(section.element, "p"):
                walker.paragraph(paragraph)
            text = join_blocks(walker.blocks)
            if text:
                pages.append(PageText(number=None, text=text, location=f"구역 {section.index + 1}"))
    except InputError:
        raise
    except (HwpxSecurityError, zipfile.BadZipFile) as exc:
        raise InputError(f"{source}: package refused ({one_line(exc)})") from exc
    except (KeyError, ValueError, ET.ParseError, RecursionError) as exc:
        raise InputError(f"{source}: document is corrupt or not HWPX ({one_line(exc)})") from exc
    if not pages:
        raise InputError(f"{source}: contains no text")
    return ParsedDocument(doc_id=doc_id, source=source, pages=pages, title=_title(archive, source))


class HwpxParser:
    suffixes = (".hwpx",)

    def parse(self, data: bytes, doc_id: str, source: str) -> ParsedDocument:
        if sniff(data) != "zip":
            hint = " (an HWP 5 file? rename it .hwp)" if sniff(data) == "ole" else ""
            raise InputError(f"{source}: not an HWPX file (no ZIP header){hint}")
        archive = open_zip(data, source, "HWPX package")
        names = set(archive.namelist())
        if "word/document.xml" in names:
            raise InputError(f"{source}: this is a DOCX file renamed .hwpx; rename it .docx")
        if not any(n.startswith("Contents/") for n in names):
            raise InputError(f"{source}: ZIP file without HWPX contents (Contents/ is missing)")
        return parse_package(archive, doc_id, source)


__all__ = ["HwpxParser", "parse_package"]
