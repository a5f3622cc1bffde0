"""Embedder backed by any sentence-transformers model directory or name, run on the CPU."""

from __future__ import annotations

import os

import numpy as np

from clusterqa.errors import ClusterQAError


class SentenceTransformerEmbedder:
    def __init__(
        self,
        name: str,
        path: str,
        query_prompt: str,
        passage_prompt: str,
        batch_size: int = 32,
    ) -> None:
        # No model hub is reachable: fail fast instead of waiting on network time-outs.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars are noise in a CLI

        try:
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:
            raise ClusterQAError(
                f"cannot load embedding model {name!r} from {path}: {exc}"
            ) from exc
        self.name = name
        self.dim = int(self._model.get_embedding_dimension())
        self._query_prompt = query_prompt
        self._passage_prompt = passage_prompt
        self._batch_size = batch_size

    def _encode(self, texts: list[str], prompt: str, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            prompt=prompt,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt, progress=False)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._passage_prompt, progress)
