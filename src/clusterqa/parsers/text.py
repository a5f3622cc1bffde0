"""Plain text and Markdown: UTF-8, or Korean legacy encodings (CP949, a superset of EUC-KR)."""

from __future__ import annotations

from clusterqa.errors import InputError
from clusterqa.korean import has_hangul
from clusterqa.models import PageText, ParsedDocument


def decode(data: bytes, source: str) -> str:
    if b"\x00" in data:
        raise InputError(f"{source}: looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        text = ""
    # Other legacy encodings often decode as CP949 by accident, but then yield no Hangul.
    if has_hangul(text):
        return text
    raise InputError(f"{source}: text is neither UTF-8 nor CP949/EUC-KR; re-save it as UTF-8")


class TextParser:
    suffixes = (".txt", ".md")

    def parse(self, data: bytes, doc_id: str, source: str) -> ParsedDocument:
        text = decode(data, source)
        if not text.strip():
            raise InputError(f"{source}: contains no text")
        return ParsedDocument(
            doc_id=doc_id, source=source, pages=[PageText(number=None, text=text)]
        )
