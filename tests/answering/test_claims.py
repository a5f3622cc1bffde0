"""Claim → sources on the real corpus."""

import pytest

from clusterqa.answering.claims import cite
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
