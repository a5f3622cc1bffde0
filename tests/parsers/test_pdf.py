"""The PDF parser on real Korean PDFs (tests/fixtures/pdf/SOURCES.md says where each is from)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from rapidfuzz.distance import Levenshtein

from clusterqa.config import Settings
from clusterqa.errors import InputError
from clusterqa.models import ParsedDocument
from clusterqa.parsers import ocr
from clusterqa.parsers.layout import dehyphenate
from clusterqa.parsers.pdf import PdfParser, judge
from clusterqa.repair import canonicalise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
NO_OCR = Settings(ocr_enabled=False)
OCR_MISSING = ocr.unavailable_reason("kor+eng")
needs_ocr = pytest.mark.skipif(
    OCR_MISSING is not None, reason=f"OCR not installed here ({OCR_MISSING}); `make ocr`"
)


def parse(name: str, settings: Settings = NO_OCR, data: bytes | None = None) -> ParsedDocument:
    data = data if data is not None else (FIXTURES / name).read_bytes()
    return PdfParser(settings).parse(data, "doc", name)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def in_order(text: str, *passages: str) -> bool:
    positions = [flat(text).find(flat(p)) for p in passages]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


def hangul_digits(text: str) -> str:
    return "".join(re.findall(r"[가-힣0-9]", text))


def test_two_column_minutes_read_column_by_column():
    doc = parse("minutes-p7-9.pdf")
    page = next(p for p in doc.pages if p.number == 2)  # page 8 of the minutes
    # The left column ends with the speech and items 1-14; the right column holds 15 onwards.
    assert in_order(
        page.text, "당부드립니다.", "1. 2023년도 국정감사", "14. 물관리기본법", "15. 물의"
    )
    assert "국민께서 던지는 질문에 대한\n답을 할 수 있도록" in page.text  # lines kept whole
    text, _ = canonicalise(doc)
    assert in_order(text, "다시 한번 당부드립니다.", "15. 물의 재이용 촉진")


def test_two_column_leaflet_read_in_order():
    leaflet = parse("card-tables.pdf").pages[0].text
    # Left column (1.5% card benefits, down to its last table) before the right column.
    assert in_order(leaflet, "구매 및 충전, 상품권 구매건", "2% 빅포인트 적립", "스타벅스")


def test_running_headers_and_page_numbers_are_removed():
    minutes = parse("minutes-p7-9.pdf")
    review = parse("review-p3-5.pdf")
    for doc in (minutes, review):
        text, _ = canonicalise(doc)
        lines = [line.strip() for line in text.splitlines()]
        assert not [line for line in lines if re.fullmatch(r"[-–—]?\s*\d+\s*[-–—]?", line)]
        assert not [line for line in lines if "제414회-환경노동제1차" in line]
    # The body right under the header is still there.
    assert minutes.pages[0].text.split("\n")[0] != ""
    assert "Ⅰ. 제안경위" in review.pages[0].text


def test_table_rows_keep_cells_in_order():
    page = parse("card-tables.pdf").pages[0].text
    lines = page.splitlines()
    assert "업종 | 적립 대상" in lines
    assert "할인점 | 이마트, 이마트 트레이더스, 롯데마트, 홈플러스" in lines
    assert "편의점 | CU, GS25, 세븐일레븐, 미니스톱" in lines


def test_table_rows_survive_canonical_text():
    lines = canonicalise(parse("card-tables.pdf"))[0].splitlines()
    assert "할인점 | 이마트, 이마트 트레이더스, 롯데마트, 홈플러스" in lines
    assert "주유 | 모든 주유소" in lines
    assert "편의점 | CU, GS25, 세븐일레븐, 미니스톱" in lines


def test_latin_words_hyphenated_across_lines_are_rejoined():
    lines = [
        "the attention mecha-",
        "nism learns where to look;",
        "a CNN-",
        "Based model",
        "x -",
        "y",
    ]
    assert dehyphenate(lines) == [
        "the attention mechanism learns where to look;",
        "a CNN-",  # a capital after the hyphen: a compound, kept
        "Based model",
        "x -",
        "y",
    ]


def test_page_with_math_symbols_and_hangul_is_kept():
    doc = parse("review-p3-5.pdf")
    page = doc.pages[2]  # the amendment comparison table: "① ∼ ④", "<신 설>"
    assert "∼" in page.text and "<신 설>" in page.text
    assert len(re.findall(r"[가-힣]", page.text)) > 200 and judge(page.text) is None
    # Private-use bullets (HWP's) and math in readable Hangul text do not make it garbled.
    assert judge(page.text.replace("①", "\uf000").replace("ㆍ", "∑")) is None


def test_every_real_page_reads_as_text():
    for path in sorted(FIXTURES.glob("*.pdf")):
        if "scan" in path.name:
            continue
        doc = parse(path.name)
        assert len(doc.pages) == len(PdfReader(path).pages), (path.name, doc.warnings)


# Text pdfium extracts from cid-font-no-tounicode.pdf (opendataloader-pdf test resources, see
# SOURCES.md): glyph codes without a ToUnicode map, "The quick brown fox ..." shifted by 29.
CID_TEXT = (
    "7KH\x03TXLFN\x03EURZQ\x03IR[\x03MXPSV\x03RYHU\x03WKH\x03OD]\\\x03GRJ\x03"
    "\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\n$%&'()*+,-./0123456789:;<=\x03"
    "DEFGHIJKLMNOPQRSTUVWXYZ[\\]\n"
) * 3


def test_garbled_text_is_told_apart():
    assert judge(CID_TEXT) == "garbled"
    assert judge(CID_TEXT.replace("\x03", " ")) == "garbled"  # vowel-less words alone
    review = parse("review-p3-5.pdf").pages[0].text
    # Korean read through the wrong code page: Hangul-less mojibake of a real page.
    assert judge(review.encode("cp949").decode("latin-1")) == "garbled"
    assert judge(review) is None


@needs_ocr
def test_image_only_page_is_read_by_ocr():
    doc = parse("review-p3-scan.pdf", Settings(ocr_dpi=200))
    [page] = doc.pages
    assert page.ocr and page.ocr_confidence is not None and 0 < page.ocr_confidence <= 100
    truth = hangul_digits(parse("review-p3-5.pdf").pages[0].text)
    read = hangul_digits(page.text)
    assert 1 - Levenshtein.distance(read, truth) / len(truth) >= 0.9
    assert any("read by OCR" in w for w in doc.warnings)
    _, spans = canonicalise(doc)
    assert spans[0].ocr and spans[0].ocr_confidence == page.ocr_confidence


def _text_page_then_scan() -> bytes:
    writer = PdfWriter()
    writer.add_page(PdfReader(FIXTURES / "review-p3-5.pdf").pages[0])
    writer.add_page(PdfReader(FIXTURES / "review-p3-scan.pdf").pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_ocr_page_limit_gives_a_warning():
    doc = parse("mixed.pdf", Settings(ocr_max_pages=0), _text_page_then_scan())
    assert [p.number for p in doc.pages] == [1]
    assert any("OCR limit of 0 pages" in w and "2" in w for w in doc.warnings)


def test_ocr_disabled_gives_a_warning():
    doc = parse("mixed.pdf", NO_OCR, _text_page_then_scan())
    assert [p.number for p in doc.pages] == [1]
    assert any("page 2" in w and "OCR is disabled" in w for w in doc.warnings)


@needs_ocr
def test_ocr_time_limit_gives_a_warning():
    doc = parse("mixed.pdf", Settings(ocr_seconds_per_page=0.05), _text_page_then_scan())
    assert [p.number for p in doc.pages] == [1]
    assert any("page 2" in w and "limit of 0.05 s per page" in w for w in doc.warnings)


def test_missing_tesseract_is_a_warning_not_a_crash(monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr.unavailable_reason.cache_clear()
    try:
        doc = parse("mixed.pdf", Settings(), _text_page_then_scan())
    finally:
        ocr.unavailable_reason.cache_clear()
    assert [p.number for p in doc.pages] == [1]
    assert any("OCR unavailable" in w and "tesseract" in w for w in doc.warnings)


def test_missing_language_data_is_named():
    reason = ocr.unavailable_reason("kor+xyz")
    assert reason is not None and ("xyz" in reason or "not installed" in reason)


def test_corrupt_and_encrypted_real_pdfs_are_input_errors():
    data = (FIXTURES / "review-p3-5.pdf").read_bytes()
    with pytest.raises(InputError, match=r"corrupt|unreadable|no readable"):
        parse("cut.pdf", data=data[: len(data) // 3])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(InputError, match="encrypted"):
        parse("locked.pdf", data=out.getvalue())
