"""Claim → sources on the real corpus."""

import pytest

from clusterqa.answering.claims import cite, disagreements
from clusterqa.answering.normalize import find_quantities
from clusterqa.search import Searcher

CLAIM = "2023년 기준 전 세계 바이오기술 시장은 {} 달러로 평가된다"


@pytest.fixture(scope="module")
def searcher(corpus_index):
    return Searcher.open(corpus_index)


def test_a_stated_claim_is_supported_with_the_exact_sentence(searcher):
    response = cite(searcher, CLAIM.format("1.55조"))
    assert response.verdict == "supports"
    top = response.sources[0]
    assert top.label == "supports" and "1.55조 달러" in top.citation.quote
    doc = searcher.snapshot.documents[top.citation.doc_id]
    assert doc.text[top.citation.start : top.citation.end] == top.citation.quote
    assert top.passage.start <= top.citation.start < top.citation.end <= top.passage.end


@pytest.mark.parametrize("figure", ["2.55조", "1.55억", "155조"])
def test_a_wrong_figure_is_never_supported(searcher, figure):
    response = cite(searcher, CLAIM.format(figure))
    assert all(src.label != "supports" for src in response.sources)
    assert response.verdict == "contradicts"


def test_unrelated_claim_finds_nothing(searcher):
    assert cite(searcher, "화성 탐사선의 연료는 액체 메탄이다").verdict == "none found"


def test_disagreements_are_sentences_about_the_question_with_another_value(searcher):
    question = "2023년 기준 전 세계 바이오기술 시장 규모는?"
    hits = searcher.search(question, 5)
    (right,) = find_quantities("1.55조 달러")
    agree, others = disagreements(searcher, question, hits, right)
    assert agree >= 1 and others == []
    (wrong,) = find_quantities("2.55조 달러")  # as if another source had been chosen
    agree, others = disagreements(searcher, question, hits, wrong)
    assert agree == 0 and {d.text for d in others} == {"1.55조 달러"}
    c = others[0].citation
    assert searcher.snapshot.documents[c.doc_id].text[c.start : c.end] == c.quote


def test_a_value_for_another_year_is_not_a_disagreement(searcher):
    # The corpus states the 2023 market size; a question about 2025 is not contradicted by it.
    question = "2025년 기준 전 세계 바이오기술 시장 규모는?"
    (answer,) = find_quantities("2.55조 달러")
    agree, others = disagreements(searcher, question, searcher.search(question, 10), answer)
    assert (agree, others) == (0, [])
