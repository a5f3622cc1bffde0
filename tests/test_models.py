"""Citations carry where their quote came from: page, OCR and its confidence, or section."""

from clusterqa.ingest import build_document
from clusterqa.models import Citation, PageText, ParsedDocument


def test_citations_carry_page_ocr_and_location():
    parsed = ParsedDocument(
        doc_id="scan",
        source="scan.pdf",
        pages=[
            PageText(number=1, text="오송 단지는 2010년에 조성되었다."),
            PageText(number=2, text="대전 바이오단지는 대덕에 있다.", ocr=True, ocr_confidence=91),
        ],
    )
    doc = build_document(parsed, "hash", {})
    second = doc.text.index("대전")
    typed, scanned = Citation.of(doc, 0, 5, 1.0), Citation.of(doc, second, second + 8, 0.5)
    assert (typed.page, typed.ocr, typed.ocr_confidence) == (1, False, None)
    assert (scanned.page, scanned.ocr, scanned.ocr_confidence) == (2, True, 91)
    assert scanned.quote == doc.text[second : second + 8] == "대전 바이오단지"

    sections = ParsedDocument(
        doc_id="hwp",
        source="보고서.hwp",
        title="바이오 클러스터 보고서",
        pages=[PageText(number=None, text="첫 구역의 본문.", location="구역 1")],
    )
    doc = build_document(sections, "hash", {})
    assert doc.title == "바이오 클러스터 보고서"
    assert Citation.of(doc, 0, 2, 1.0).location == "구역 1"
