import unicodedata
from pathlib import Path

import pytest

from clusterqa.errors import InputError
from clusterqa.models import DOC_ID_RE
from clusterqa.parsers import doc_id_for, parse

LIMIT = 10_000_000
KOREAN = "홍릉 바이오 클러스터는 서울에 있다. 예산은 1.55조 달러이다."


def test_utf8_text_and_markdown():
    doc = parse("report.md", KOREAN.encode("utf-8"), LIMIT)
    assert doc.doc_id == "report" and doc.pages[0].text == KOREAN and doc.pages[0].number is None


def test_utf8_bom_is_dropped():
    assert parse("a.txt", b"\xef\xbb\xbf" + KOREAN.encode(), LIMIT).pages[0].text == KOREAN


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr"])
def test_korean_legacy_encodings_are_decoded(encoding):
    assert parse("a.txt", KOREAN.encode(encoding), LIMIT).pages[0].text == KOREAN


def test_other_encodings_are_rejected_clearly():
    with pytest.raises(InputError, match="neither UTF-8 nor CP949"):
        parse("a.txt", "Ærøskøbing café résumé".encode("latin-1"), LIMIT)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.txt", b"", "empty"),
        ("a.txt", b"   \n\t ", "no text"),
        ("a.txt", b"abc\x00\x01def", "binary"),
        ("a.xlsx", b"PK\x03\x04", "unsupported file type .xlsx"),
        ("noext", b"text", "unsupported file type"),
        ("bad\u202ename.txt", b"text", "file name"),
        ("tab\tname.txt", b"text", "file name"),
        ("..txt", b"text", "file name"),
        ("a.pdf", b"not a pdf at all", "not a PDF"),
    ],
)
def test_bad_input_gets_a_clear_error(name, data, message):
    with pytest.raises(InputError, match=message):
        parse(name, data, LIMIT)


def test_oversized_file_is_rejected():
    with pytest.raises(InputError, match="limit"):
        parse("a.txt", b"x" * 101, 100)


def test_path_components_never_reach_the_id():
    doc = parse("../../etc/secret.txt", KOREAN.encode(), LIMIT)
    assert doc.doc_id == "secret" and doc.source == "secret.txt"
    doc = parse("C:\\Users\\김\\..\\보고서.txt", KOREAN.encode(), LIMIT)
    assert doc.source == "보고서.txt"


def test_korean_file_names_get_a_safe_stable_id():
    doc = parse("바이오 클러스터 현황(2023).txt", KOREAN.encode(), LIMIT)
    assert DOC_ID_RE.match(doc.doc_id) and doc.doc_id.startswith("baio-keulleoseuteo-")
    assert doc.source == "바이오 클러스터 현황(2023).txt"
    # The same name typed on macOS (decomposed jamo) is the same document.
    decomposed = unicodedata.normalize("NFD", "바이오 클러스터 현황(2023).txt")
    assert parse(decomposed, KOREAN.encode(), LIMIT).doc_id == doc.doc_id
    names = ("보고서.txt", "보고서 .txt", "보고서1.txt", "報告書.txt", "😀.md")
    ids = {doc_id_for(n) for n in names}
    assert len(ids) == 5 and all(DOC_ID_RE.match(i) for i in ids)
    assert doc_id_for("plain-name_1.txt") == "plain-name_1"  # ASCII ids stay as they were


def test_pdf_keeps_page_numbers(make_pdf):
    path = make_pdf("two.pdf", ["첫 페이지: 홍릉 클러스터.", "둘째 페이지: 보스턴 클러스터."])
    doc = parse(path.name, path.read_bytes(), LIMIT)
    assert [p.number for p in doc.pages] == [1, 2]
    assert "보스턴" in doc.pages[1].text.replace("\x00", "")


def test_pdf_blank_page_is_a_warning_not_a_failure(make_pdf):
    path = make_pdf("blank.pdf", ["본문이 있는 페이지.", ""])
    doc = parse(path.name, path.read_bytes(), LIMIT)
    assert [p.number for p in doc.pages] == [1]
    assert any("page 2" in w and "no extractable text" in w for w in doc.warnings)


def test_pdf_without_any_text_is_an_error(make_pdf):
    path = make_pdf("empty.pdf", ["", ""])
    with pytest.raises(InputError, match="no readable text"):
        parse(path.name, path.read_bytes(), LIMIT)


def test_encrypted_pdf_is_an_error(make_pdf):
    path = make_pdf("locked.pdf", ["비밀 문서."], password="secret")
    with pytest.raises(InputError, match="encrypted"):
        parse(path.name, path.read_bytes(), LIMIT)


def test_corrupt_pdf_is_an_error(make_pdf):
    data = make_pdf("whole.pdf", ["정상 문서."]).read_bytes()
    with pytest.raises(InputError, match=r"corrupt|no readable text"):
        parse("broken.pdf", data[: len(data) // 3], LIMIT)


def test_bundled_corpus_parses(tmp_path: Path):
    for path in sorted((Path(__file__).parents[1] / "corpus").glob("*.txt")):
        doc = parse(path.name, path.read_bytes(), LIMIT)
        assert len(doc.pages) == 1 and len(doc.pages[0].text) > 5000
