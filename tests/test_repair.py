import re
from pathlib import Path

import pytest

from clusterqa.models import PageText, ParsedDocument
from clusterqa.repair import canonicalise, clean_title, is_heading, repair

CORPUS = Path(__file__).parents[1] / "corpus"


@pytest.fixture(scope="module")
def repaired() -> dict[str, str]:
    return {p.name[:3]: repair(p.read_text("utf-8")) for p in sorted(CORPUS.glob("*.txt"))}


def test_words_split_across_lines_are_rejoined(repaired):
    text = repaired["000"]
    assert "팬데믹은 약물 개발" in text
    assert "촉진함으로써 시장 성장을" in text
    assert "110억 회 분량" in text  # a line break at a real word boundary keeps its space


def test_headings_stay_on_their_own_line(repaired):
    lines = set(repaired["000"].split("\n"))
    assert "2) 인력" in lines
    assert "1. 바이오메디컬 클러스터의 정의" in set(repaired["002"].split("\n"))


def test_bullets_and_table_rows_stay_separate_lines(repaired):
    lines = repaired["002"].split("\n")
    assert "- (병원) 충남대병원 등 6개의 병원" in lines
    assert "- (대학) 19개 대학에 바이오 관련 학과가 개설, 연간 2000명 배출" in lines


def test_extractor_escapes_are_undone(repaired):
    assert "\\" not in repaired["001"] and "**" not in repaired["001"]
    assert "사례*" in repaired["001"]


def test_inline_html_from_the_extractor_is_removed(repaired):
    assert "약 21,000km² 규모로" in repaired["001"] and "<sup>" not in repaired["001"]
    assert repair("<b>홍릉</b> 특구 1,000m<sup>3</sup>") == "홍릉 특구 1,000m³"


def test_spaceless_document_gets_its_spaces_back(repaired):
    raw = (CORPUS / "003_8714bb8e54f795aa.txt").read_text("utf-8")
    text = repaired["003"]
    hangul = sum("가" <= ch <= "힣" for ch in text)
    assert raw.count(" ") / hangul < 0.1 < text.count(" ") / hangul
    assert "클러스터를 형성하면" in text
    assert "4천 632명의 연구원" in text and "1천 150억 원" in text  # a figure stays whole


def test_without_trailing_space_signal_kiwi_decides_the_boundary():
    text = "생산 기능을 담당하는 대기업 및\n\n중소기업과 컨설팅 기관이 한 군데에 모\n\n여서 모인다."
    expected = "생산 기능을 담당하는 대기업 및 중소기업과 컨설팅 기관이 한 군데에 모여서 모인다."
    assert repair(text) == expected


def test_sentence_end_and_short_lines_are_not_joined():
    text = "첫 문단은 여기서 끝난다.\n\n둘째 문단이 시작된다\n\n표 1 요약\n\n구분\n\n보스턴"
    assert repair(text).split("\n") == [
        "첫 문단은 여기서 끝난다.",
        "",
        "둘째 문단이 시작된다",
        "",
        "표 1 요약",
        "",
        "구분",
        "",
        "보스턴",
    ]


def test_control_characters_from_pdf_fonts_are_removed():
    assert repair("\x00홍\x00릉\x00 \x00클\x00러\x00스\x00터") == "홍릉 클러스터"


def test_bold_drawn_twice_is_read_once(repaired):
    """Report 003 fakes bold by drawing each glyph twice ("대대구구시시" for 대구시)."""
    assert "대대구구시시" in (CORPUS / "003_8714bb8e54f795aa.txt").read_text("utf-8")
    assert "대구시\n\n대구시는" in repaired["003"]
    assert not re.search(r"(?:([가-힣])\1){3}", repaired["003"])
    # Two doubled syllables are a word of their own unless the page shows bold drawn twice.
    assert repair("시시각각 변하는 시장") == "시시각각 변하는 시장"
    assert repair("둘둘째째, 전전라라북북도도") == "둘째, 전라북도"


def test_bidi_controls_are_removed_from_text_and_titles():
    spoof = "\u202e홍릉\u202c \u2066클러스터\u2069\u200f"
    assert repair(spoof) == "홍릉 클러스터"
    assert clean_title(f" {spoof}\n\t보고서\x07 ") == "홍릉 클러스터 보고서"


def test_whitespace_is_collapsed_and_nfc_applied():
    decomposed = "\u1112\u1169\u11bc\u1105\u1173\u11bc"  # 홍릉 in conjoining jamo
    assert repair(f"  {decomposed}\u00a0\u00a0클러스터\t\t ") == "홍릉 클러스터"


def test_is_heading():
    assert is_heading("Ⅲ 결론") is False  # full-width roman numerals are not in our patterns
    assert is_heading("2) 인력") and is_heading("① 클러스터의 기능 및 생태계")
    assert not is_heading("- (병원) 충남대병원 등")
    assert not is_heading("1. 이 문장은 마침표로 끝난다.")


def test_canonical_text_records_page_spans():
    parsed = ParsedDocument(
        doc_id="d",
        source="d.pdf",
        pages=[PageText(number=1, text="첫 쪽."), PageText(number=3, text="셋째 쪽.")],
    )
    text, pages = canonicalise(parsed)
    assert [text[p.start : p.end] for p in pages] == ["첫 쪽.", "셋째 쪽."]
    assert [p.number for p in pages] == [1, 3]


def test_table_rows_written_by_the_parsers_stay_rows():
    rows = [
        "구분 | 2021년 | 2022년 | 2023년",
        "바이오 의약품 생산액 | 12조 3천억 원 | 14조 1천억 원 | 15조 9천억 원",
        "의료기기 수출액 | 9조 원 | 10조 2천억 원 | 11조 원",
    ]
    text = "연도별 생산 실적은 다음과 같이 집계되었으며\n" + "\n".join(rows)
    assert repair(text).split("\n")[1:] == rows


def test_a_line_broken_after_a_comma_keeps_the_space():
    text = "온라인 쇼핑몰 사업자로는 지마켓, 인터파크,\n쿠팡과 같은 대형 업체가 대부분을 차지한다."
    assert "인터파크, 쿠팡과" in repair(text)
