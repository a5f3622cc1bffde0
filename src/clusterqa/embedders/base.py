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


# Room for the questions in flight (32 concurrent requests in the load benchmark) and no more:
# this shares one encoding between retrieval and extraction within a request; it is not an
# answer cache, and the benchmarks' 160 cycling questions always miss it.
@lru_cache(maxsize=64)
def query_vector(embedder: Embedder, text: str) -> np.ndarray:
    """One question's vector, shape (1, dim): retrieval and answer extraction both compare it
    with the index, so a question is encoded once."""
    vector = embedder.embed_queries([text])
    vector.flags.writeable = False  # shared by every caller
    return vector
