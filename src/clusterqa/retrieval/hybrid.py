"""Weighted reciprocal-rank fusion of several retrievers."""

from __future__ import annotations

from clusterqa.korean import has_hangul
from clusterqa.retrieval.base import Candidate, Retriever

# Each leg contributes this many candidates before fusion, so a chunk ranked low by one leg
# but high by the other can still surface.
_DEPTH = 50


class HybridRetriever:
    """RRF over `legs`; `weights_no_hangul` replaces `weights` for queries without Hangul."""

    name = "hybrid"

    def __init__(
        self,
        legs: list[Retriever],
        weights: tuple[float, ...],
        weights_no_hangul: tuple[float, ...],
        k: int = 10,
    ) -> None:
        self._legs = legs
        self._weights = weights
        self._weights_no_hangul = weights_no_hangul
        self._k = k

    def search(self, query: str, k: int) -> list[Candidate]:
        weights = self._weights if has_hangul(query) else self._weights_no_hangul
        fused: dict[int, Candidate] = {}
        for leg, weight in zip(self._legs, weights, strict=True):
            if weight <= 0:
                continue
            for c in leg.search(query, max(k, _DEPTH)):
                rank = c.ranks[leg.name]
                entry = fused.setdefault(c.row, Candidate(c.row, 0.0))
                entry.score += weight / (self._k + rank)
                entry.ranks[leg.name] = rank
        return sorted(fused.values(), key=lambda c: -c.score)[:k]
