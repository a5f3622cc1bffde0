"""The parser interface and the suffix → parser registry."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Protocol

from anyascii import anyascii

from clusterqa.config import Settings
from clusterqa.errors import InputError, UnsupportedTypeError
from clusterqa.models import DOC_ID_RE, ParsedDocument


class Parser(Protocol):
    suffixes: tuple[str, ...]

    def parse(self, data: bytes, doc_id: str, source: str) -> ParsedDocument: ...


def _registry(settings: Settings | None = None) -> dict[str, Parser]:
    # Imported here so that adding a format means adding one module and one line.
    from clusterqa.parsers.docx import DocxParser
    from clusterqa.parsers.hwp import HwpParser
    from clusterqa.parsers.hwpx import HwpxParser
    from clusterqa.parsers.pdf import PdfParser
    from clusterqa.parsers.text import TextParser

    parsers = (TextParser(), PdfParser(settings), HwpParser(), HwpxParser(), DocxParser())
    return {suffix: p for p in parsers for suffix in p.suffixes}


def supported_suffixes() -> tuple[str, ...]:
    return tuple(sorted(_registry()))


def parser_for(name: str, settings: Settings | None = None) -> Parser:
    suffix = Path(name).suffix.lower()
    parser = _registry(settings).get(suffix)
    if parser is None:
        raise UnsupportedTypeError(
            f"{name}: unsupported file type {suffix or '(none)'}; "
            f"supported: {', '.join(supported_suffixes())}"
        )
    return parser


def file_name(name: str) -> str:
    """The file's own name, without any folder part (browsers may send a Windows path), in
    NFC so that the same Korean name typed on different systems is one name."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    unusable = not Path(name).stem.strip(". ")
    if unusable or any(unicodedata.category(c).startswith("C") for c in name):
        raise InputError(f"{name!r}: not a usable file name")
    return name


def doc_id_for(name: str) -> str:
    """A safe, stable document id for a file name: the stem itself when it is plain ASCII
    (letters, digits, '.', '_', '-'), otherwise its transliteration plus a short hash of the
    name, so that `보고서.txt` becomes `bogoseo-…` and two names never share an id."""
    stem = Path(file_name(name)).stem
    if DOC_ID_RE.match(stem):
        return stem
    slug = re.sub(r"[^a-z0-9._-]+", "-", anyascii(stem).lower()).strip("-._")[:100]
    digest = hashlib.sha256(stem.encode()).hexdigest()[:8]
    return f"{slug or 'doc'}-{digest}"


def parse(
    name: str, data: bytes, max_bytes: int, settings: Settings | None = None
) -> ParsedDocument:
    """Parse one document given its file name and bytes; raises InputError on unusable input.
    `settings` reach the parsers that have any (OCR limits); None: the process's settings."""
    parser = parser_for(name, settings)
    doc_id = doc_id_for(name)
    name = file_name(name)
    if not data:
        raise InputError(f"{name}: file is empty")
    if len(data) > max_bytes:
        raise InputError(f"{name}: file is {len(data):,} bytes; the limit is {max_bytes:,}")
    return parser.parse(data, doc_id, Path(name).name)
