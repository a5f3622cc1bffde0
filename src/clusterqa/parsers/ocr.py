"""OCR of rendered PDF pages with Tesseract (Debian's tesseract-ocr and tesseract-ocr-kor)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pypdfium2 as pdfium
import pytesseract
from PIL import Image

from clusterqa.parsers.layout import Glyph, read_page, running_lines

# Page segmentation 4 (one column of lines): measured on real Korean pages, the default 3
# splits justified Korean lines (wide word spaces) into fragments (accuracy 0.12 vs 0.93);
# columns and table cells are found afterwards from the word boxes by parsers/layout.py.
_CONFIG = "--psm 4"
# Word pieces on one line closer than this share of their height are one word.
_JOIN_GAP = 0.3


class OcrUnavailableError(RuntimeError):
    """Tesseract or one of the asked-for languages is not installed."""


class OcrTimeoutError(RuntimeError):
    """Tesseract ran past the time allowed for one page."""


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float | None  # mean word confidence, 0-100; None when no word was read


@lru_cache(maxsize=8)
def unavailable_reason(languages: str) -> str | None:
    """Why OCR in `languages` ("kor+eng") cannot run here, or None when it can."""
    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        return (
            f"tesseract is not installed ({exc.__class__.__name__}); apt-get install tesseract-ocr"
        )
    missing = [lang for lang in languages.split("+") if lang not in installed]
    if missing:
        return (
            f"tesseract has no data for {', '.join(missing)}; "
            f"apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}"
        )
    return None


def render(page: pdfium.PdfPage, dpi: int) -> Image.Image:
    """The page as a greyscale image at `dpi` (call under the caller's pdfium lock)."""
    return page.render(scale=dpi / 72, grayscale=True).to_pil()


def ocr_page(page: pdfium.PdfPage, dpi: int, languages: str, timeout_s: float) -> OcrText:
    """Render `page` at `dpi` and read it (single-threaded callers; see read_image)."""
    return read_image(render(page, dpi), dpi, languages, timeout_s)


def read_image(image: Image.Image, dpi: int, languages: str, timeout_s: float) -> OcrText:
    """Read a page image rendered at `dpi`: lines in reading order, columns and cells found."""
    reason = unavailable_reason(languages)
    if reason:
        raise OcrUnavailableError(reason)
    try:
        data = pytesseract.image_to_data(
            image,
            lang=languages,
            config=_CONFIG,
            timeout=timeout_s,
            output_type=pytesseract.Output.DICT,
        )
    except RuntimeError as exc:  # pytesseract reports its timeout as a bare RuntimeError
        if "timeout" in str(exc).lower():
            raise OcrTimeoutError(f"OCR took over {timeout_s:g} s") from exc
        raise
    scale = dpi / 72
    height = image.height / scale
    words: list[Glyph] = []
    confidences: list[float] = []
    previous_line = None
    for i, word in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if conf < 0 or not word.strip():  # -1 marks block/line records, not words
            continue
        confidences.append(conf)
        left, top = data["left"][i] / scale, data["top"][i] / scale
        right, bottom = left + data["width"][i] / scale, top + data["height"][i] / scale
        line = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        last = words[-1] if words else None
        # Tesseract splits Korean words into syllables; pieces closer than a word space are one
        # word again (the gap is what a reader sees as spacing).
        if last and line == previous_line and left - last.x1 < _JOIN_GAP * (bottom - top):
            last.text += word.strip()
            last.x1, last.y0, last.y1 = (
                right,
                min(last.y0, height - bottom),
                max(last.y1, height - top),
            )
        else:
            # Words as glyphs in PDF space (y up): one layout reads text layers and scans alike.
            words.append(Glyph(word.strip(), left, height - bottom, right, height - top, True))
        previous_line = line
    lines = read_page(words, height)
    # One page alone: only its page-number line can be told apart from the body.
    numbers = running_lines([lines], [height])[0]
    text = "\n".join(line.text for i, line in enumerate(lines) if i not in numbers)
    confidence = sum(confidences) / len(confidences) if confidences else None
    return OcrText(text, confidence)
