"""`ask` end to end on the real corpus: typed facts with their evidence, or abstention."""

import pytest

from clusterqa.answering.answer import ask
from clusterqa.search import Searcher


@pytest.fixture(scope="module")
def searcher(corpus_index):
    return Searcher.open(corpus_index)


@pytest.mark.parametrize(
    ("question", "text", "type_", "value", "unit"),
    [
        (
            "2023년 기준 전 세계 바이오기술 시장 규모는 얼마로 평가되나?",
            "1.55조 달러",
            "amount",
            1.55e12,
            "USD",
        ),
        (
            "대구경북첨단의료복합단지는 몇 년에 첨단의료복합단지로 선정되었나?",
            "2009년",
            "year",
            2009,
            None,
        ),
    ],
)
def test_typed_fact_with_its_evidence_first(searcher, question, text, type_, value, unit):
    response = ask(searcher, question)
    assert not response.abstained and response.answer is not None
    answer = response.answer
    assert (answer.text, answer.type, answer.unit) == (text, type_, unit)
    assert answer.value == pytest.approx(value) and 0 < answer.confidence <= 1
    evidence = response.citations[0]
    assert answer.text in evidence.quote
    doc = searcher.snapshot.documents[evidence.doc_id]
    assert doc.text[evidence.start : evidence.end] == evidence.quote
    # The first passage is the one that states it.
    first = response.passages[0]
    assert first.doc_id == evidence.doc_id and first.start <= evidence.start < first.end


@pytest.mark.parametrize(
    ("question", "address"),
    [
        ("싱가포르 바이오폴리스 자료를 얻은 웹사이트 주소는?", "https://www.jtc.gov.sg/"),
        ("보스턴 클러스터 관련 홈페이지는?", "https://www.massbio.org/"),
    ],
)
def test_a_web_address_is_answered_as_printed(searcher, question, address):
    """Report 000 lists its sources as "보스턴 클러스터: https://www.massbio.org/, 싱가포르
    바이오폴리스: https://www.jtc.gov.sg/": the address of the body asked about, whole."""
    response = ask(searcher, question)
    assert response.answer is not None
    assert (response.answer.text, response.answer.type) == (address, "url")
    assert response.answer.value == address
    assert address in response.citations[0].quote


def test_every_citation_is_verifiable(searcher):
    for question in ("보스턴 클러스터의 앵커기업은?", "How many companies are in Daedeok?"):
        for c in ask(searcher, question).citations:
            assert searcher.snapshot.documents[c.doc_id].text[c.start : c.end] == c.quote


@pytest.mark.parametrize(
    "question",
    [
        "화성 탐사 로켓의 발사 연도는 언제인가?",
        "삼성전자의 2022년 반도체 매출액은 얼마인가?",
        "qwxzzy ꙮꙮ",
        "날씨가 어때?",  # off-topic
    ],
)
def test_abstains_on_questions_the_corpus_does_not_answer(searcher, question):
    response = ask(searcher, question)
    assert response.abstained and response.answer is None and response.reason


def test_abstains_when_no_passage_states_a_figure_of_the_asked_kind(searcher):
    """The reports give tonnes nowhere: a count or a year near the words is not an answer."""
    response = ask(searcher, "대구경북첨단의료복합단지의 연간 의약품 생산량은 몇 톤인가?")
    assert response.abstained and response.answer is None
    assert "톤" in response.reason
