"""Hybrid retrieval: a weighted convex combination of the legs' min-max normalised scores.

Chosen over reciprocal-rank fusion by `benchmarks/fusion.py`: RRF lets a weak dense leg pull
lexically exact paragraphs down (KorQuAD R@1 0.874 against BM25's 0.900), while normalised
scores keep each leg's confidence, so the hybrid beats BM25 alone on gold dev and KorQuAD alike.
"""

from __future__ import annotations

from clusterqa.korean import has_hangul
from clusterqa.retrieval.base import Candidate, Retriever

# Each leg contributes this many candidates before fusion, so a chunk ranked low by one leg
# but high by the other can still surface.
_DEPTH = 50


class HybridRetriever:
    """Fuses `legs`; `weights_no_hangul` replaces `weights` for queries without Hangul."""

    name = "hybrid"

    def __init__(
        self,
        legs: list[Retriever],
        weights: tuple[float, ...],
        weights_no_hangul: tuple[float, ...],
    ) -> None:
        self._legs = legs
        self._weights = weights
        self._weights_no_hangul = weights_no_hangul

    def search(self, query: str, k: int) -> list[Candidate]:
        weights = self._weights if has_hangul(query) else self._weights_no_hangul
        fused: dict[int, Candidate] = {}
        for leg, weight in zip(self._legs, weights, strict=True):
            if weight <= 0:
                continue
            found = leg.search(query, max(k, _DEPTH))
            if not found:
                continue
            lo, hi = min(c.score for c in found), max(c.score for c in found)
            for c in found:
                entry = fused.setdefault(c.row, Candidate(c.row, 0.0))
                entry.score += weight * ((c.score - lo) / (hi - lo) if hi > lo else 1.0)
                entry.ranks[leg.name] = c.ranks[leg.name]
        return sorted(fused.values(), key=lambda c: -c.score)[:k]
