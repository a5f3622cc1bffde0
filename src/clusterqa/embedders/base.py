"""The embedder interface: texts in, L2-normalised float32 vectors out."""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


@lru_cache(maxsize=256)
def query_vector(embedder: Embedder, text: str) -> np.ndarray:
    """One question's vector, shape (1, dim): retrieval and answer extraction both compare it
    with the index, so a question is encoded once."""
    vector = embedder.embed_queries([text])
    vector.flags.writeable = False  # shared by every caller
    return vector
