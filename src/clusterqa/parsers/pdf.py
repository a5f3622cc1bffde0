"""PDF via pypdfium2: text in reading order per page, garbled or image-only pages sent to OCR."""

from __future__ import annotations

import io
import re
import threading
import time
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from clusterqa.config import Settings, get_settings
from clusterqa.errors import InputError
from clusterqa.models import PageText, ParsedDocument
from clusterqa.parsers import ocr
from clusterqa.parsers.layout import Glyph, Line, Span, dehyphenate, read_page, running_lines

_HANGUL = re.compile(r"[가-힣]")
# What a broken font mapping leaves behind: replacement chars, C0 controls (pdfium passes raw
# glyph codes through when a font has no ToUnicode map), "(cid:12)" from other extractors.
_GARBAGE = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]|\(cid:\d+\)")
# Characters real Korean/English report text is made of (math and other symbols included);
# private-use glyphs (HWP bullets) and Latin-1 letters are not, and count only in bulk.
_PLAUSIBLE = re.compile(
    r"[가-힣ᄀ-ᇿㄱ-ㆎ一-鿿\x21-\x7e\u2000-\u27bf\u3000-\u33ff\uff00-\uffef·°±×÷§µ²³¹¼½¾]"
)
_GARBLED_SHARE = 0.2  # garbage characters above this share of the page
_MIN_PLAUSIBLE = 0.5  # plausible characters below this share of the page
# Hangul a wrong ToUnicode map yields is spread over all 11,172 syllables; real text keeps to
# the 2,350 of KS X 1001 (EUC-KR): 1.00 on all 278 sample pages with 20+ syllables.
_MIN_COMMON_HANGUL = 0.8
_MIN_HANGUL_TO_JUDGE = 20
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
_MAX_VOWELLESS = 0.5
_MIN_WORDS_TO_JUDGE = 10
# Fewer visible characters than this on a page with an image: a scan with a stray stamp.
_SCAN_MAX_CHARS = 20
_OUTLINED_TEXT_PATHS = 200
# PDFium is not thread-safe and the service parses uploads on worker threads: every pdfium
# call goes through this lock (Tesseract runs outside it).
_PDFIUM_LOCK = threading.RLock()


def _open(data: bytes, source: str) -> PdfReader:
    """Refuse what is not a readable PDF (pypdf's checks are stricter than pdfium's repairs)."""
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


def _glyphs(textpage: pdfium.PdfTextPage, width: float, height: float) -> list[Glyph]:
    """Every drawn character with its loose box; whitespace becomes a flag on the glyph before."""
    glyphs: list[Glyph] = []
    pending_high = 0
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if 0xD800 <= code < 0xDC00:  # first half of a surrogate pair; the next index has the rest
            pending_high = code
            continue
        if 0xDC00 <= code < 0xE000 and pending_high:
            code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
        pending_high = 0
        # pdfium reports a hyphen that ends a line as 0x02; layout.dehyphenate rejoins the word.
        char = "-" if code == 2 else chr(code) if code else ""
        if not char or char.isspace():
            if glyphs:
                glyphs[-1].space_after = True
            continue
        x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)
        if x1 < 0 or y1 < 0 or x0 > width or y0 > height:
            continue  # drawn outside the page: invisible in every viewer
        glyphs.append(Glyph(char, x0, y0, x1, y1))
    return glyphs


def _drawn(page: pdfium.PdfPage) -> bool:
    """Whether the page draws an image or many paths: text may be there without a text layer."""
    paths = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return True
        paths += obj.type == pdfium_c.FPDF_PAGEOBJ_PATH
        if paths >= _OUTLINED_TEXT_PATHS:  # text converted to outlines
            return True
    return False


def judge(text: str) -> str | None:
    """Why a page's text is unusable ("empty", "garbled"), or None when it reads as text."""
    visible = re.sub(r"\s", "", unicodedata.normalize("NFC", text))
    if not visible:
        return "empty"
    if len(_GARBAGE.findall(visible)) / len(visible) > _GARBLED_SHARE:
        return "garbled"
    if len(_PLAUSIBLE.findall(visible)) / len(visible) < _MIN_PLAUSIBLE:
        return "garbled"
    hangul = _HANGUL.findall(visible)
    words = _LATIN_WORD.findall(text)
    # Glyph codes read as letters ("7KH TXLFN" for "The quick") give vowel-less words.
    if (
        not hangul
        and len(words) >= _MIN_WORDS_TO_JUDGE
        and sum(1 for w in words if not _VOWEL.search(w)) / len(words) > _MAX_VOWELLESS
    ):
        return "garbled"
    if len(hangul) >= _MIN_HANGUL_TO_JUDGE:
        common = sum(1 for h in hangul if _is_ksx1001(h))
        if common / len(hangul) < _MIN_COMMON_HANGUL:
            return "garbled"
    return None


def _is_ksx1001(char: str) -> bool:
    try:
        char.encode("euc-kr")
    except UnicodeEncodeError:
        return False
    return True


def _extract(
    pdf: pdfium.PdfDocument, warnings: list[str]
) -> tuple[list[list[Line]], list[float], set[int]]:
    """Lines of every page in reading order, page heights, and the pages that draw images."""
    layouts: list[list[Line]] = []
    heights: list[float] = []
    drawn: set[int] = set()
    for index in range(len(pdf)):
        number = index + 1
        lines: list[Line] = []
        page = textpage = None
        try:
            page = pdf[index]
            heights.append(page.get_height())
            textpage = page.get_textpage()
            if page.get_rotation() % 180:
                # Sideways page: the glyph boxes are in unrotated space; keep pdfium's order.
                text = textpage.get_text_bounded().replace("\r\n", "\n").strip()
                lines = [_plain(text, heights[-1])] if text else []
            else:
                lines = read_page(_glyphs(textpage, page.get_width(), heights[-1]), heights[-1])
            if _drawn(page):
                drawn.add(number)
        except Exception as exc:  # pdfium raises on a single bad page; keep the others
            warnings.append(f"page {number}: text could not be extracted ({exc})")
            if len(heights) < number:
                heights.append(0.0)
        finally:
            # Closed here, under the lock, rather than by the garbage collector on any thread.
            for handle in (textpage, page):
                if handle is not None:
                    handle.close()
        layouts.append(lines)
    return layouts, heights, drawn


class PdfParser:
    suffixes = (".pdf",)

    def __init__(self, settings: Settings | None = None) -> None:
        # None: the process-wide settings, read at parse time (the registry builds parsers bare).
        self._settings = settings

    def parse(self, data: bytes, doc_id: str, source: str) -> ParsedDocument:
        settings = self._settings or get_settings()
        _open(data, source)
        with _PDFIUM_LOCK:
            try:
                pdf = pdfium.PdfDocument(data)
            except pdfium.PdfiumError as exc:
                raise InputError(f"{source}: PDF is corrupt or unreadable ({exc})") from exc
        try:
            return self._parse(pdf, doc_id, source, settings)
        finally:
            with _PDFIUM_LOCK:
                pdf.close()

    def _parse(
        self, pdf: pdfium.PdfDocument, doc_id: str, source: str, settings: Settings
    ) -> ParsedDocument:
        warnings: list[str] = []
        with _PDFIUM_LOCK:
            layouts, heights, drawn = _extract(pdf, warnings)
        running = running_lines(layouts, heights)

        pages: dict[int, PageText] = {}
        to_ocr: list[tuple[int, str, str]] = []
        for index, lines in enumerate(layouts):
            number = index + 1
            kept = [line.text for i, line in enumerate(lines) if i not in running[index]]
            text = "\n".join(dehyphenate(kept))
            # Judged after running lines go: a scan often carries a text-layer header or footer.
            scanned = number in drawn and len(re.sub(r"\s", "", text)) < _SCAN_MAX_CHARS
            problem = "scanned image" if scanned else judge(text)
            if problem is None:
                pages[number] = PageText(number=number, text=text)
            elif problem == "empty":  # nothing drawn that OCR could read
                warnings.append(f"page {number}: no extractable text (blank page)")
            else:
                to_ocr.append((number, problem, text))
        warnings += self._ocr(pdf, to_ocr, pages, settings)
        if not pages:
            raise InputError(
                f"{source}: no readable text in any of {len(pdf)} pages"
                + (f" ({warnings[0]})" if warnings else "")
            )
        ordered = [pages[n] for n in sorted(pages)]
        return ParsedDocument(doc_id=doc_id, source=source, pages=ordered, warnings=warnings)

    def _ocr(
        self,
        pdf: pdfium.PdfDocument,
        to_ocr: list[tuple[int, str, str]],
        pages: dict[int, PageText],
        settings: Settings,
    ) -> list[str]:
        """OCR the pages without usable text, within the limits; warnings for what stays unread.

        A scan's few text-layer characters (a caption, "도면 4") are kept when OCR cannot run.
        """
        described = {
            "scanned image": "no extractable text (scanned image)",
            "garbled": "text is garbled (broken font encoding)",
        }
        warnings: list[str] = []
        reason = ocr.unavailable_reason(settings.ocr_languages) if settings.ocr_enabled else None
        done = 0
        for position, (number, problem, fallback) in enumerate(to_ocr):
            what = f"page {number}: {described.get(problem, problem)}"
            skipped = None
            if not settings.ocr_enabled:
                skipped = "OCR is disabled"
            elif reason:
                skipped = f"OCR unavailable: {reason}"
            elif done >= settings.ocr_max_pages:
                if done == settings.ocr_max_pages:  # once per document, naming every page left
                    rest = [n for n, _, _ in to_ocr[position:]]
                    warnings.append(
                        f"OCR limit of {settings.ocr_max_pages} pages per document reached; "
                        f"{len(rest)} page(s) not read by OCR: {', '.join(map(str, rest))}"
                    )
                    done += 1
                skipped = "over the OCR page limit"
            if skipped is None:
                done += 1
                started = time.monotonic()
                try:
                    with _PDFIUM_LOCK:
                        page = pdf[number - 1]
                        image = ocr.render(page, settings.ocr_dpi)
                        page.close()
                    result = ocr.read_image(
                        image,
                        settings.ocr_dpi,
                        settings.ocr_languages,
                        settings.ocr_seconds_per_page,
                    )
                except ocr.OcrTimeoutError:
                    skipped = (
                        f"OCR stopped at the limit of {settings.ocr_seconds_per_page:g} s per page"
                    )
                except Exception as exc:  # a failed OCR of one page must not lose the document
                    skipped = f"OCR failed ({exc})"
                else:
                    if judge(result.text) is None:
                        warnings.append(
                            f"{what}; read by OCR in {time.monotonic() - started:.1f} s "
                            f"(mean word confidence {result.confidence or 0:.0f}/100)"
                        )
                        pages[number] = PageText(
                            number=number,
                            text=result.text,
                            ocr=True,
                            ocr_confidence=result.confidence,
                        )
                        continue
                    skipped = "OCR found no readable text either"
            if fallback and judge(fallback) is None:
                pages[number] = PageText(number=number, text=fallback)
                warnings.append(f"{what}; {skipped}, only its text layer kept")
            elif not skipped.startswith("over the OCR page limit"):
                warnings.append(f"{what}; {skipped}, page skipped")
        return warnings


def _plain(text: str, height: float) -> Line:
    """Text in pdfium's own order as one line placed mid-page (never taken for a header)."""
    return Line([Span([Glyph(text, 0, 0, 0, 0)])], height / 2, height / 2)
