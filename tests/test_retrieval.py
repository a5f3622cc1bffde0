from pathlib import Path

import numpy as np
import pytest

from clusterqa.config import Settings
from clusterqa.embedders.base import query_vector
from clusterqa.embedders.factory import make_embedder
from clusterqa.errors import IndexStateError, InputError
from clusterqa.evaluation.bench import run_gold
from clusterqa.evaluation.gold import load_gold
from clusterqa.ingest import build_snapshot, document_from_text
from clusterqa.retrieval.base import Candidate
from clusterqa.retrieval.factory import RETRIEVERS, make_retriever
from clusterqa.retrieval.hybrid import HybridRetriever
from clusterqa.retrieval.lexical import char_bigrams
from clusterqa.search import Searcher
from clusterqa.store import Snapshot

HONGNEUNG = "000_cb8befbba9c2d448"
GOLD = Path(__file__).parents[1] / "corpus" / "gold"


@pytest.fixture(scope="module")
def searchers(corpus_index):
    return {name: Searcher.open(corpus_index, name) for name in RETRIEVERS}


@pytest.mark.parametrize("name", RETRIEVERS)
def test_each_retriever_finds_a_stated_fact(searchers, name):
    # USE alone is the weakest leg (gold dev R@5 0.61, and blind to figures); it is fused.
    hits = searchers[name].search("전 세계 바이오기술 시장 1.55조 달러", 10 if name == "use" else 5)
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
        for name in ("bm25", "hybrid", "hybrid3")
    }
    # BM25 can only match Latin tokens; the dense legs carry English to Korean text, and the
    # cross-lingual one (USE v3) better than e5-small.
    assert recall["hybrid"] >= 0.5 and recall["hybrid"] > recall["bm25"] + 0.2, recall
    assert recall["hybrid3"] >= recall["hybrid"] + 0.1, recall


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


class _Leg:
    """A leg answering every query with the same rows, best first."""

    def __init__(self, name: str, rows: list[int]) -> None:
        self.name, self._rows = name, rows

    def search(self, query: str, k: int) -> list[Candidate]:
        n = len(self._rows)
        return [Candidate(r, float(n - i), {self.name: i + 1}) for i, r in enumerate(self._rows)]


def test_fusion_weights_follow_the_query_language():
    legs = [_Leg("bm25", [0, 1]), _Leg("dense", [1, 0]), _Leg("use", [2, 1])]
    hybrid = HybridRetriever(legs, (1.0, 0.2, 0.0), (0.0, 0.2, 1.0))
    korean = hybrid.search("한국어 질문", 3)
    assert [c.row for c in korean] == [0, 1] and set(korean[0].ranks) == {"bm25", "dense"}
    english = hybrid.search("an English question", 3)
    assert [c.row for c in english] == [2, 1, 0]
    assert set(english[1].ranks) == {"dense", "use"}
    assert not any("bm25" in c.ranks for c in english)  # a leg weighted 0 is not searched


def test_hybrid3_records_the_cross_lingual_leg(searchers):
    hits = searchers["hybrid3"].search("What is the Medicon Valley?", 5)
    assert any("use" in h.ranks for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_the_use_leg_needs_cross_lingual_vectors(searchers, corpus_index):
    snapshot = searchers["bm25"].snapshot
    manifest = snapshot.manifest.model_copy(update={"cross_model": None, "cross_dim": 0})
    bare = Snapshot(
        manifest,
        snapshot.documents,
        snapshot.chunks,
        snapshot.embeddings,
        snapshot.sentences,
        snapshot.sentence_embeddings,
    )
    assert bare.cross_embeddings.shape == (len(bare.chunks), 0)
    assert bare.cross_sentence_embeddings.shape == (len(bare.sentences), 0)
    with pytest.raises(IndexStateError, match="no cross-lingual vectors"):
        make_retriever("use", bare, corpus_index)


def test_cross_lingual_vectors_follow_the_setting(tmp_path):
    doc = document_from_text(
        "memo", "메모", "메디콘밸리는 덴마크와 스웨덴에 걸친 바이오 클러스터이다."
    )
    off = Settings(index_dir=tmp_path, cross_lingual_leg=False)
    without = build_snapshot(None, set(), [doc], off, progress=False)
    assert without.manifest.cross_model is None
    assert without.cross_embeddings.shape == (len(without.chunks), 0)
    on = build_snapshot(without, {"memo"}, [], Settings(index_dir=tmp_path), progress=False)
    assert on.manifest.cross_dim == 512 and len(on.chunks) == 1
    assert on.cross_embeddings.shape == (1, 512)
    assert on.cross_sentence_embeddings.shape == (len(on.sentences), 512) and on.sentences
    assert on.chunk_sentences() == [list(range(len(on.sentences)))]


def test_the_term_bridge_takes_english_terms_to_korean_text(corpus_index):
    """BM25 can match an English query to Korean text only through the bridge: "Medicon
    Valley" is searched as 메디콘밸리 too, and `bridged_terms` says so."""
    query = "How many universities does Medicon Valley have?"
    bridged = Searcher.open(corpus_index, "bm25")
    plain = Searcher.open(corpus_index.model_copy(update={"term_bridge": False}), "bm25")

    def korean_hits(searcher):
        hits = searcher.search(query, 10)
        return [h for h in hits if "메디콘밸리" in h.chunk.text and "Medicon" not in h.chunk.text]

    assert not korean_hits(plain)  # BM25 matches the English words alone
    found = korean_hits(bridged)
    assert found
    assert bridged.bridged_terms(query, found[:1]) == [{"Medicon Valley": ["메디콘밸리"]}]
    assert plain.bridged_terms(query, found[:1]) == [{}]


def test_the_e5_leg_blends_each_chunk_with_its_best_sentence(searchers, corpus_index):
    snapshot = searchers["bm25"].snapshot
    query = "홍릉강소특구의 육성 전략"
    flat = make_retriever(
        "dense", snapshot, corpus_index.model_copy(update={"dense_sentence_weight": 0})
    )
    blended = make_retriever("dense", snapshot, corpus_index)
    vector = query_vector(make_embedder(corpus_index), query)[0]
    # weight 0 is the FAISS index's own ranking
    assert [c.row for c in flat.search(query, 5)] == list(
        np.argsort(-(snapshot.embeddings @ vector), kind="stable")[:5]
    )
    rows = snapshot.chunk_sentences()
    weight = corpus_index.dense_sentence_weight
    hits = blended.search(query, 5)
    for c in hits:
        own = float(snapshot.embeddings[c.row] @ vector)
        best = max(
            (float(snapshot.sentence_embeddings[r] @ vector) for r in rows[c.row]), default=own
        )
        assert c.score == pytest.approx((1 - weight) * own + weight * best, abs=1e-5)
    assert any(snapshot.chunks[c.row].doc_id == HONGNEUNG for c in hits)
