"""The parser interface and the suffix → parser registry."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from clusterqa.errors import InputError, UnsupportedTypeError
from clusterqa.models import DOC_ID_RE, ParsedDocument


class Parser(Protocol):
    suffixes: tuple[str, ...]

    def parse(self, data: bytes, doc_id: str, source: str) -> ParsedDocument: ...


def _registry() -> dict[str, Parser]:
    # Imported here so that adding a format means adding one module and one line.
    from clusterqa.parsers.pdf import PdfParser
    from clusterqa.parsers.text import TextParser

    return {suffix: p for p in (TextParser(), PdfParser()) for suffix in p.suffixes}


def supported_suffixes() -> tuple[str, ...]:
    return tuple(sorted(_registry()))


def parser_for(name: str) -> Parser:
    suffix = Path(name).suffix.lower()
    parser = _registry().get(suffix)
    if parser is None:
        raise UnsupportedTypeError(
            f"{name}: unsupported file type {suffix or '(none)'}; "
            f"supported: {', '.join(supported_suffixes())}"
        )
    return parser


def doc_id_for(name: str) -> str:
    doc_id = Path(name).stem
    if not DOC_ID_RE.match(doc_id):
        raise InputError(
            f"{name}: file name must use letters, digits, '.', '_' or '-' (max 128 characters)"
        )
    return doc_id


def parse(name: str, data: bytes, max_bytes: int) -> ParsedDocument:
    """Parse one document given its file name and bytes; raises InputError on unusable input."""
    parser = parser_for(name)
    doc_id = doc_id_for(name)
    if not data:
        raise InputError(f"{name}: file is empty")
    if len(data) > max_bytes:
        raise InputError(f"{name}: file is {len(data):,} bytes; the limit is {max_bytes:,}")
    return parser.parse(data, doc_id, Path(name).name)
