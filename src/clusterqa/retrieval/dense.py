"""Dense retrieval: the query embedding against the snapshot's FAISS inner-product index."""

from __future__ import annotations

import faiss

from clusterqa.embedders.base import Embedder, query_vector
from clusterqa.retrieval.base import Candidate


class DenseRetriever:
    name = "dense"

    def __init__(self, index: faiss.Index, embedder: Embedder) -> None:
        self._index = index
        self._embedder = embedder

    def search(self, query: str, k: int) -> list[Candidate]:
        if self._index.ntotal == 0:
            return []
        vector = query_vector(self._embedder, query)
        scores, rows = self._index.search(vector, min(k, self._index.ntotal))
        return [
            Candidate(int(row), float(score), {self.name: rank})
            for rank, (row, score) in enumerate(zip(rows[0], scores[0], strict=True), start=1)
            if row >= 0
        ]
