"""Builds the retriever named by the configuration over a loaded snapshot."""

from __future__ import annotations

from functools import partial

from clusterqa.config import Settings
from clusterqa.embedders.factory import make_cross_embedder, make_embedder
from clusterqa.errors import IndexStateError
from clusterqa.korean import morphemes
from clusterqa.retrieval.base import Retriever
from clusterqa.retrieval.bridge import BridgedRetriever
from clusterqa.retrieval.dense import DenseRetriever
from clusterqa.retrieval.hybrid import HybridRetriever
from clusterqa.retrieval.lexical import BM25Retriever, char_bigrams
from clusterqa.retrieval.sentences import SentenceBlendRetriever
from clusterqa.store import Snapshot

RETRIEVERS = ("hybrid", "hybrid3", "bm25", "dense", "use", "bigram")


def _title(snapshot: Snapshot, doc_id: str) -> str:
    return snapshot.documents[doc_id].title


def make_retriever(name: str, snapshot: Snapshot, settings: Settings) -> Retriever:
    if name == "bm25":
        tokenize = partial(morphemes, pos_prefixes=tuple(snapshot.manifest.bm25_pos_prefixes))
        bm25 = BM25Retriever("bm25", [c.tokens for c in snapshot.chunks], tokenize)
        return BridgedRetriever(bm25, snapshot.bridge) if settings.term_bridge else bm25
    if name == "bigram":
        corpus = [char_bigrams(f"{_title(snapshot, c.doc_id)}\n{c.text}") for c in snapshot.chunks]
        return BM25Retriever("bigram", corpus, char_bigrams)
    if name == "dense":
        if not settings.dense_sentence_weight:
            return DenseRetriever(snapshot.faiss_index, make_embedder(settings))
        return SentenceBlendRetriever(
            "dense",
            snapshot.embeddings,
            snapshot.sentence_embeddings,
            snapshot.chunk_sentences(),
            make_embedder(settings),
            settings.dense_sentence_weight,
        )
    if name == "use":
        if not snapshot.manifest.cross_dim:
            raise IndexStateError(
                "the index holds no cross-lingual vectors; set cross_lingual_leg and run "
                "`clusterqa ingest --rebuild`"
            )
        return SentenceBlendRetriever(
            "use",
            snapshot.cross_embeddings,
            snapshot.cross_sentence_embeddings,
            snapshot.chunk_sentences(),
            make_cross_embedder(settings),
            settings.cross_sentence_weight,
        )
    if name == "hybrid":
        legs = [make_retriever(leg, snapshot, settings) for leg in ("bm25", "dense")]
        return HybridRetriever(legs, settings.fusion_weights, settings.fusion_weights_no_hangul)
    if name == "hybrid3":
        legs = [make_retriever(leg, snapshot, settings) for leg in ("bm25", "dense", "use")]
        return HybridRetriever(legs, settings.fusion3_weights, settings.fusion3_weights_no_hangul)
    raise ValueError(f"unknown retriever {name!r}; choose one of {', '.join(RETRIEVERS)}")
