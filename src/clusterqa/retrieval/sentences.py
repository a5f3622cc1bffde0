"""Dense retrieval scoring a chunk by its own cosine blended with its best sentence's cosine.

A 500-character chunk averages several sentences into one vector, so a question about one of
them matches it weakly; the chunk's best sentence carries that match. Both dense legs score so:
USE v3, a sentence encoder (gold dev, questions without Hangul: R@10 0.769 -> 0.923 in the
three-leg fusion), and e5 (gold dev e5 alone MRR@10 0.608 -> 0.687; KorQuAD R@1 0.771 ->
0.845). Every chunk is scored, exactly as the flat FAISS index would, plus its sentences.
"""

from __future__ import annotations

import numpy as np

from clusterqa.embedders.base import Embedder, query_vector
from clusterqa.retrieval.base import Candidate


class SentenceBlendRetriever:
    """`sentence_weight` × best sentence + the rest × the chunk itself, over every chunk."""

    def __init__(
        self,
        name: str,
        chunk_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        chunk_sentences: list[list[int]],
        embedder: Embedder,
        sentence_weight: float,
    ) -> None:
        self.name = name
        self._chunks = chunk_vectors
        self._sentences = sentence_vectors
        self._embedder = embedder
        self._weight = sentence_weight
        # The sentences of the chunks that have any, laid end to end, so one reduceat takes
        # each chunk's maximum; a chunk without sentences keeps its own score.
        self._with = np.array([i for i, rows in enumerate(chunk_sentences) if rows], dtype=int)
        self._flat = np.array([r for rows in chunk_sentences for r in rows], dtype=int)
        lengths = [len(chunk_sentences[i]) for i in self._with]
        self._starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)

    def search(self, query: str, k: int) -> list[Candidate]:
        if not len(self._chunks):
            return []
        vector = query_vector(self._embedder, query)[0]
        scores = self._chunks @ vector
        if self._weight and len(self._with):
            best = scores.copy()
            best[self._with] = np.maximum.reduceat(
                (self._sentences @ vector)[self._flat], self._starts
            )
            scores = (1 - self._weight) * scores + self._weight * best
        top = np.argsort(-scores, kind="stable")[:k]
        return [
            Candidate(int(row), float(scores[row]), {self.name: rank})
            for rank, row in enumerate(top, start=1)
        ]
