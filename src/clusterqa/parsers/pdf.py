"""PDF via pypdf, one page at a time, with page numbers kept."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from clusterqa.errors import InputError
from clusterqa.models import PageText, ParsedDocument

# Characters a broken font mapping leaves behind: replacement chars, private use, "(cid:12)".
_GARBAGE = re.compile(r"[\ufffd\ue000-\uf8ff]|\(cid:\d+\)")
_GARBLED_SHARE = 0.2


def _open(data: bytes, source: str) -> PdfReader:
    if not data.lstrip().startswith(b"%PDF-"):
        raise InputError(f"{source}: not a PDF file (missing %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{source}: PDF is encrypted with a password; upload an unlocked copy")
        len(reader.pages)  # forces the page tree to load, where corruption usually shows
    except (FileNotDecryptedError, DependencyError) as exc:
        raise InputError(f"{source}: PDF is encrypted and cannot be opened ({exc})") from exc
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{source}: PDF is corrupt or unreadable ({exc})") from exc
    return reader


class PdfParser:
    suffixes = (".pdf",)

    def parse(self, data: bytes, doc_id: str, source: str) -> ParsedDocument:
        reader = _open(data, source)
        pages: list[PageText] = []
        warnings: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text() or ""
            except Exception as exc:  # pypdf raises many types on one bad page; keep the rest
                warnings.append(f"page {number}: text could not be extracted ({exc})")
                continue
            visible = re.sub(r"\s", "", text)
            if not visible:
                warnings.append(f"page {number}: no extractable text (scanned image?)")
                continue
            if len(_GARBAGE.findall(visible)) / len(visible) > _GARBLED_SHARE:
                warnings.append(f"page {number}: text is garbled (broken font encoding); skipped")
                continue
            pages.append(PageText(number=number, text=text))
        if not pages:
            raise InputError(
                f"{source}: no readable text in any of {len(reader.pages)} pages"
                + (f" ({warnings[0]})" if warnings else "")
            )
        return ParsedDocument(doc_id=doc_id, source=source, pages=pages, warnings=warnings)
