"""Comparison questions: parsed in Korean and English, answered from both sides' figures."""

import pytest

from clusterqa.answering.answer import ask
from clusterqa.answering.compare import Comparison, parse_comparison, side_name
from clusterqa.search import Searcher


@pytest.mark.parametrize(
    ("question", "sides", "more"),
    [
        ("서울과 부산 중 인구가 더 많은 곳은?", ("서울", "부산"), True),
        ("A사와 B사 가운데 매출이 더 적은 회사는?", ("A사", "B사"), False),
        ("종사자가 더 많이 늘어난 지역은 대전과 충북 중 어디인가?", ("대전", "충북"), True),
        ("Which of Boston and Singapore has more employees?", ("Boston", "Singapore"), True),
        ("Which of Boston or Singapore was founded earlier?", ("Boston", "Singapore"), False),
    ],
)
def test_parses_comparisons(question, sides, more):
    assert parse_comparison(question) == Comparison(sides, more)


@pytest.mark.parametrize(
    "question",
    ["2023년 바이오기술 시장 규모는?", "효과와 결과는 무엇인가?", "서울과 부산 중 어디?"],
)
def test_other_questions_are_not_comparisons(question):
    assert parse_comparison(question) is None


def test_side_names():
    assert side_name("전라북도의 방사선 관련 사업 총 투자계획") == "전라북도"
    assert side_name("충북의 오창과학산업단지") == "오창과학산업단지"


@pytest.fixture(scope="module")
def searcher(corpus_index):
    return Searcher.open(corpus_index)


@pytest.mark.parametrize(
    ("question", "winner"),
    [
        ("오송바이오밸리와 강원/원주 의료기기산업 중 생산액이 더 큰 곳은?", "오송바이오밸리"),
        (
            "오송바이오밸리와 강원/원주 의료기기산업 중 생산액이 더 작은 곳은?",
            "강원/원주 의료기기산업",
        ),
    ],
)
def test_comparison_answers_the_winner_and_cites_both_figures(searcher, question, winner):
    response = ask(searcher, question)
    assert response.answer is not None and response.answer.text == winner
    quotes = [c.quote for c in response.citations[:2]]
    assert any("1조5506억원" in q for q in quotes) and any("7,031억원" in q for q in quotes)
    for c in response.citations:
        assert searcher.snapshot.documents[c.doc_id].text[c.start : c.end] == c.quote
