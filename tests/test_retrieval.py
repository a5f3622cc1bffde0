from pathlib import Path

import pytest

from clusterqa.errors import InputError
from clusterqa.evaluation.bench import run_gold
from clusterqa.evaluation.gold import load_gold
from clusterqa.retrieval.factory import RETRIEVERS
from clusterqa.retrieval.lexical import char_bigrams
from clusterqa.search import Searcher

HONGNEUNG = "000_cb8befbba9c2d448"
GOLD = Path(__file__).parents[1] / "corpus" / "gold"


@pytest.fixture(scope="module")
def searchers(corpus_index):
    return {name: Searcher.open(corpus_index, name) for name in RETRIEVERS}


@pytest.mark.parametrize("name", RETRIEVERS)
def test_each_retriever_finds_a_stated_fact(searchers, name):
    hits = searchers[name].search("전 세계 바이오기술 시장 1.55조 달러", 5)
    assert any(h.chunk.doc_id == HONGNEUNG and "1.55조 달러" in h.chunk.text for h in hits)


@pytest.mark.parametrize("name", RETRIEVERS)
def test_citations_are_exact_slices(searchers, name):
    searcher = searchers[name]
    for hit in searcher.search("대전 바이오단지 기업 수", 10):
        c = searcher.citation(hit)
        assert c.quote == searcher.snapshot.documents[c.doc_id].text[c.start : c.end]


def test_english_questions_reach_korean_passages(searchers):
    english = [i for i in load_gold([GOLD / "dev.jsonl"]) if i.style == "english"]
    recall = {
        name: run_gold(english, searchers[name], progress=False)["retrieval"]["recall@10"]
        for name in ("bm25", "hybrid")
    }
    # BM25 can only match Latin tokens; the dense leg carries English to Korean text.
    assert recall["hybrid"] >= 0.5 and recall["hybrid"] > recall["bm25"] + 0.2, recall


def test_hybrid_records_both_legs(searchers):
    hits = searchers["hybrid"].search("홍릉강소특구 발전방안", 5)
    assert any(set(h.ranks) == {"bm25", "dense"} for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_query_with_no_known_token_returns_nothing(searchers):
    assert searchers["bm25"].search("qwxzzy", 5) == []
    assert searchers["bigram"].search("ꙮꙮꙮ", 5) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("   ", "empty"),
        ("\u200b\u200b\u202e\ufeff", "empty"),
        ("\ud800 시장", "surrogate"),
        ("가" * 5000, "limit"),
    ],
)
def test_bad_queries_are_rejected(searchers, query, message):
    with pytest.raises(InputError, match=message):
        searchers["hybrid"].search(query, 5)


def test_char_bigrams():
    assert char_bigrams("바이오 클러스터 A") == ["바이", "이오", "클러", "러스", "스터", "a"]


def test_invisible_characters_do_not_change_a_query(searchers):
    plain = searchers["hybrid"].search("메디콘밸리 설립", 3)
    hidden = searchers["hybrid"].search("메디\u200b콘밸리\u202e 설립\ufeff", 3)
    assert [h.chunk.chunk_id for h in hidden] == [h.chunk.chunk_id for h in plain]
