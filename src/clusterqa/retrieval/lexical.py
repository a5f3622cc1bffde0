"""BM25 with bm25s over any tokenizer: Kiwi morphemes, or character bigrams as the CJK baseline."""

from __future__ import annotations

import re
from collections.abc import Callable

import bm25s
import numpy as np

from clusterqa.retrieval.base import Candidate

Tokenizer = Callable[[str], list[str]]
_WORD = re.compile(r"\w+")


def char_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each word; one-character words stay whole."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        out += [word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)]
    return out


class BM25Retriever:
    def __init__(self, name: str, corpus_tokens: list[list[str]], tokenize: Tokenizer) -> None:
        self.name = name
        self._tokenize = tokenize
        self._bm25 = bm25s.BM25()
        self._size = len(corpus_tokens)
        if self._size:
            self._bm25.index(corpus_tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[Candidate]:
        if not self._size:
            return []
        vocab = self._bm25.vocab_dict
        tokens = [t for t in self._tokenize(query) if t in vocab]
        if not tokens:
            return []  # nothing in the query occurs in the corpus
        scores = self._bm25.get_scores(tokens)
        top = np.argsort(-scores, kind="stable")[:k]
        return [
            Candidate(int(row), float(scores[row]), {self.name: rank})
            for rank, row in enumerate(top, start=1)
            if scores[row] > 0
        ]
