"""Searching a loaded index: query checks, the configured retriever, hits with provenance."""

from __future__ import annotations

import unicodedata

import numpy as np

from clusterqa.config import Settings
from clusterqa.embedders.base import query_vector
from clusterqa.embedders.factory import make_embedder
from clusterqa.errors import InputError
from clusterqa.korean import has_hangul
from clusterqa.models import Citation, Hit
from clusterqa.repair import strip_invisible
from clusterqa.retrieval.factory import make_retriever
from clusterqa.store import Snapshot, load


def check_query(text: str, max_chars: int) -> str:
    """The query as searched: invisible characters removed; refused when nothing is left."""
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        raise InputError("the question is not valid Unicode text (it has an unpaired surrogate)")
    text = strip_invisible(text).strip()
    if not text:
        raise InputError("the question is empty")
    if len(text) > max_chars:
        raise InputError(f"the question has {len(text):,} characters; the limit is {max_chars:,}")
    return text


class Searcher:
    """A snapshot and a retriever over it; cheap to query, built once per process or swap."""

    def __init__(self, snapshot: Snapshot, settings: Settings, retriever: str | None = None):
        self.snapshot = snapshot
        self.settings = settings
        self.retriever = make_retriever(retriever or settings.retriever, snapshot, settings)

    @classmethod
    def open(cls, settings: Settings, retriever: str | None = None) -> Searcher:
        return cls(load(settings.index_dir), settings, retriever)

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        query = check_query(query, self.settings.max_query_chars)
        k = k or self.settings.top_k
        if k < 1:
            raise InputError("k must be at least 1")
        chunks = self.snapshot.chunks
        return [
            Hit(chunk=chunks[c.row], score=c.score, ranks=c.ranks)
            for c in self.retriever.search(query, k)
        ]

    def sentence_similarity(
        self, query: str, spans: list[tuple[str, int, int]]
    ) -> np.ndarray | None:
        """Cosine of the query with each (doc_id, start, end) sentence of the index; None when
        a sentence has no stored vector."""
        vectors = self.snapshot.sentence_vectors(spans)
        if vectors is None:
            return None
        # Stripped as `search` strips it, so the vector the dense retriever made is reused.
        return vectors @ query_vector(make_embedder(self.settings), query.strip())[0]

    def bridged_terms(self, query: str, hits: list[Hit]) -> list[dict[str, list[str]]]:
        """For each hit, the query's Latin terms whose Korean forms (the term bridge) its
        passage holds: why a Korean passage matched an English query."""
        found = {}
        if self.settings.term_bridge and not has_hangul(query):
            found = self.snapshot.bridge.terms_in(query)
        out = []
        for hit in hits:
            held = {
                latin: [k for k in forms if k in hit.chunk.text] for latin, forms in found.items()
            }
            out.append({latin: forms for latin, forms in held.items() if forms})
        return out

    def citation(self, hit: Hit) -> Citation:
        doc = self.snapshot.documents[hit.chunk.doc_id]
        return Citation.of(doc, hit.chunk.start, hit.chunk.end, hit.score)
