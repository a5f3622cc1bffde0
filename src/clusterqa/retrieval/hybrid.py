"""Weighted reciprocal-rank fusion of several retrievers."""

from __future__ import annotations

from clusterqa.retrieval.base import Candidate, Retriever

# Each leg contributes this many candidates before fusion, so a chunk ranked low by one leg
# but high by the other can still surface.
_DEPTH = 50


class HybridRetriever:
    name = "hybrid"

    def __init__(self, legs: list[tuple[Retriever, float]], k: int = 60) -> None:
        self._legs = legs
        self._k = k

    def search(self, query: str, k: int) -> list[Candidate]:
        fused: dict[int, Candidate] = {}
        for leg, weight in self._legs:
            for c in leg.search(query, max(k, _DEPTH)):
                rank = c.ranks[leg.name]
                entry = fused.setdefault(c.row, Candidate(c.row, 0.0))
                entry.score += weight / (self._k + rank)
                entry.ranks[leg.name] = rank
        return sorted(fused.values(), key=lambda c: -c.score)[:k]
