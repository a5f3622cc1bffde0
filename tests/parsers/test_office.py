"""HWP 5, HWPX and DOCX parsing on real files (tests/fixtures/office/SOURCES.md)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from clusterqa.config import Settings
from clusterqa.errors import InputError
from clusterqa.ingest import ingest
from clusterqa.parsers import office, parse
from clusterqa.repair import canonicalise
from clusterqa.search import Searcher
from clusterqa.store import load

FIXTURES = Path(__file__).parents[1] / "fixtures" / "office"
LIMIT = 50 * 1024 * 1024


def parsed(name: str, data: bytes | None = None):
    return parse(name, (FIXTURES / name).read_bytes() if data is None else data, LIMIT)


def refused(name: str, data: bytes | None = None) -> str:
    with pytest.raises(InputError) as caught:
        parsed(name, data)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(name)
    return message


def lines(doc) -> list[str]:
    return [line for page in doc.pages for line in page.text.split("\n")]


# Body text, tables and notes


def test_hwpx_public_notice_has_its_sections_text_and_table():
    doc = parsed("hwpxlib-ulsan-namgu-notice.hwpx")
    assert [p.location for p in doc.pages] == ["구역 1", "구역 2"]
    assert all(p.number is None for p in doc.pages)
    assert "울산광역시 남구 공고 제2021-174호" in lines(doc)
    # The comparison table of the second section: one row per line, cells split by " | ".
    assert "현 행 | 개 정 안" in doc.pages[1].text.split("\n")
    assert "제1절 재산분 | 제1절 사업소분" in doc.pages[1].text.split("\n")


def test_hwp_and_hwpx_of_one_document_read_the_same():
    hwp, hwpx = parsed("hwpjs-table-bug.hwp"), parsed("hwpjs-table-bug.hwpx")
    assert [p.text for p in hwp.pages] == [p.text for p in hwpx.pages]
    rows = lines(hwp)
    assert "동아리 활동시간 | 매주 화요일(8-10교시), 금요일(6-10교시)" in rows
    assert "2026학년도 자율(전공)동아리 개설 신청서" in rows  # body text between the tables


@pytest.mark.parametrize("name", ["hwpjs-footnote-endnote.hwp", "hwpjs-footnote-endnote.hwpx"])
def test_notes_follow_the_paragraph_that_cites_them(name: str):
    blocks = [b for b in parsed(name).pages[0].text.split("\n") if b]
    assert blocks == [
        "각주참조",
        "[각주 1] 각주입니다.",
        "[각주 2] 각주 두 번째입니다.",
        "미주참조",
        "[미주 1] 미주입니다.",
        "[미주 2] 미주 두 번째입니다.",
    ]


def test_hwp_sections_become_locations():
    doc = parsed("hwpjs-lists-two-sections.hwp")
    assert [p.location for p in doc.pages] == ["구역 1", "구역 2"]
    assert lines(doc)[0] == "글머리표"


def test_docx_parts_start_at_top_headings_with_tables_and_footnotes():
    doc = parsed("pypandoc-hwpx-test.docx")
    by_location = {p.location: [b for b in p.text.split("\n") if b] for p in doc.pages}
    assert "1 | 2 | 3 | 4" in by_location["표"]
    assert "12 | 3 | 48" in by_location["표"]  # a merged cell is written once
    notes = by_location["링크와 각주"]
    cite = notes.index(
        "한글의 표준 포맷 HWPX는 국가 표준(KS X 6101)인 OWPML을 따르는 개방형 문서 포맷입니다."
    )
    assert notes[cite + 1] == "[각주 1] Open Word-Processor Markup Language"
    assert "동해물과 백두산이 마르고 닳도록" in by_location["목록"]


def test_blocks_stay_on_their_own_lines_through_repair():
    text, spans = canonicalise(parsed("hwpxlib-ulsan-namgu-notice.hwpx"))
    assert "현 행 | 개 정 안" in text.split("\n")
    assert [s.location for s in spans] == ["구역 1", "구역 2"]


# Titles from metadata


def test_titles_come_from_metadata_only_when_usable():
    assert parsed("hwpjs-table-bug.hwp").title == "연구회 유형 및 지원 예산"  # HWP summary info
    assert parsed("hwpjs-table-bug.hwpx").title == "연구회 유형 및 지원 예산"  # content.hpf
    assert parsed("hwpxlib-ulsan-namgu-notice.hwpx").title is None  # none recorded
    assert parsed("hwpxlib-gangnam-notice.hwpx").title is None  # template filler "본문내용본문내용"
    assert parsed("pypandoc-hwpx-test.docx").title is None  # core properties hold none


@pytest.mark.parametrize(
    ("title", "usable"),
    [
        ("2024 바이오 클러스터 동향", True),
        ("제목 없음", False),
        ("", False),
        ("3", False),
        ("보고서.hwp", False),
        ("Normal", False),
        ("문서1", False),
    ],
)
def test_usable_title(title: str, usable: bool):
    assert (office.usable_title(title, "x.hwp") is not None) is usable


# Refusals: each one an InputError with a one-line reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("hwpjs-password-12345.hwp", "password-protected"),
        ("hwpjs-password-12345.hwpx", "password-protected"),
        ("msoffcrypto-example-password.docx", "encrypted"),
        ("hwpjs-viewtext-distribution.hwp", "배포용 문서"),
        ("hwplib-distribution-notice.hwp", "배포용 문서"),
    ],
)
def test_protected_documents_are_refused(name: str, reason: str):
    assert reason in refused(name)


def test_password_flag_set_in_a_copy_is_refused():
    data = bytearray((FIXTURES / "hwpjs-footnote-endnote.hwp").read_bytes())
    header = data.find(b"HWP Document File")
    data[header + 36] |= 0x02  # FileHeader properties, bit 1: password
    assert "password-protected" in refused("hwpjs-footnote-endnote.hwp", bytes(data))


@pytest.mark.parametrize(
    "name", ["hwpjs-table-bug.hwp", "hwpxlib-gangnam-notice.hwpx", "pypandoc-hwpx-test.docx"]
)
def test_truncated_files_are_refused(name: str):
    data = (FIXTURES / name).read_bytes()
    assert "corrupt" in refused(name, data[: len(data) // 2])


@pytest.mark.parametrize(
    ("name", "source", "reason"),
    [
        ("x.hwp", "hwpxlib-gangnam-notice.hwpx", "ZIP package"),
        ("x.hwpx", "hwpjs-table-bug.hwp", "not an HWPX file"),
        ("x.hwpx", "pypandoc-hwpx-test.docx", "DOCX file renamed"),
        ("x.docx", "hwpxlib-gangnam-notice.hwpx", "without a Word document"),
        ("x.docx", "hwpjs-table-bug.hwp", "OLE"),
    ],
)
def test_files_of_another_type_are_refused(name: str, source: str, reason: str):
    assert reason in refused(name, (FIXTURES / source).read_bytes())


@pytest.mark.parametrize("name", ["x.hwp", "x.hwpx", "x.docx"])
def test_a_pdf_renamed_is_refused(name: str):
    assert "not a" in refused(name, b"%PDF-1.7\n" + b"0" * 100)


def _bomb(names: tuple[str, ...], size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in names:
            with archive.open(member, "w") as handle:
                for _ in range(size // 65536):
                    handle.write(bytes(65536))
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("bomb.hwpx", ("mimetype", "Contents/section0.xml")),
        ("bomb.docx", ("[Content_Types].xml", "word/document.xml")),
    ],
)
def test_zip_bombs_are_refused_before_they_inflate(monkeypatch, name, members):
    monkeypatch.setattr(office, "MAX_INFLATED_BYTES", 4 * 1024 * 1024)
    data = _bomb(members, 8 * 1024 * 1024)
    assert len(data) < 100_000
    assert "zip bomb" in refused(name, data)


def test_hwp_streams_inflating_beyond_the_cap_are_refused(monkeypatch):
    # The real file, with the cap below what its streams inflate to.
    monkeypatch.setattr(office, "MAX_INFLATED_BYTES", 10_000)
    assert "decompression bomb" in refused("hwpjs-table-bug.hwp")


def test_random_damage_only_ever_raises_input_error():
    import random

    rng = random.Random(13)
    for name in (
        "hwpjs-table-bug.hwp",
        "hwpxlib-ulsan-namgu-notice.hwpx",
        "pypandoc-hwpx-test.docx",
    ):
        data = (FIXTURES / name).read_bytes()
        for _ in range(20):
            damaged = bytearray(data)
            for _ in range(rng.randrange(1, 40)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            try:
                parsed(name, bytes(damaged))
            except InputError as exc:
                assert "\n" not in str(exc)


# Through ingest: citations point into the canonical text


def test_hwpx_ingest_cites_the_canonical_text(settings: Settings, tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("hwpxlib-ulsan-namgu-notice.hwpx", "hwpjs-table-bug.hwp"):
        (docs / name).write_bytes((FIXTURES / name).read_bytes())
    report = ingest([docs], settings, progress=False)
    assert sorted(report.added) == ["hwpjs-table-bug", "hwpxlib-ulsan-namgu-notice"]
    assert not report.failed

    searcher = Searcher.open(settings, "bm25")
    hit = searcher.search("주민세 사업소분 개정")[0]
    citation = searcher.citation(hit)
    doc = load(settings.index_dir).documents[citation.doc_id]
    assert citation.doc_id == "hwpxlib-ulsan-namgu-notice"
    assert citation.quote == doc.text[citation.start : citation.end]
    assert doc.span_at(citation.start).location in {"구역 1", "구역 2"}
    assert citation.page is None
    assert load(settings.index_dir).documents["hwpjs-table-bug"].title == "연구회 유형 및 지원 예산"
