"""The ONNX Runtime embedder: the vectors of sentence-transformers, an int8 query graph that
finds what the float one finds, and a cached export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from clusterqa.config import Settings
from clusterqa.embedders.factory import make_embedder, model_path
from clusterqa.embedders.onnx import OnnxEmbedder, ensure_onnx_model
from clusterqa.errors import ClusterQAError
from clusterqa.store import load

ROOT = Path(__file__).parents[1]
QUERIES = [
    "2023년 기준 전 세계 바이오기술 시장 규모는?",
    "Which university anchors the Cambridge cluster?",
    "메디콘밸리는어디에있나",  # spacing lost, as users type on phones
]


@pytest.fixture(scope="session")
def torch_embedder(corpus_settings: Settings):
    return make_embedder(corpus_settings.model_copy(update={"embedder_backend": "torch"}))


@pytest.fixture(scope="session")
def float_embedder(corpus_settings: Settings):
    return make_embedder(corpus_settings.model_copy(update={"int8_queries": False}))


def _passages() -> list[str]:
    text = (ROOT / "corpus" / "001_bbdd64259990e5a3.txt").read_text("utf-8")
    lines = [line for line in text.split("\n") if len(line) > 60]
    # Short and long lines, and one past the 512-token window (truncated the same way).
    return [lines[0][:40], *lines[1:6], " ".join(lines[:40])]


def test_default_backend_is_onnx(embedder) -> None:
    assert isinstance(embedder, OnnxEmbedder) and embedder.dim == 384


@pytest.mark.parametrize("kind", ["queries", "passages"])
def test_vectors_match_sentence_transformers(float_embedder, torch_embedder, kind: str) -> None:
    texts = QUERIES if kind == "queries" else _passages()
    ours = getattr(float_embedder, f"embed_{kind}")(texts)
    theirs = getattr(torch_embedder, f"embed_{kind}")(texts)
    assert ours.shape == theirs.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.9999, cosines


def test_int8_queries_find_the_passages_float_queries_find(
    embedder, float_embedder, corpus_index: Settings
) -> None:
    assert (
        embedder.embed_queries(QUERIES[:1]).tobytes()
        != float_embedder.embed_queries(QUERIES[:1]).tobytes()
    )  # the default runs the int8 graph
    passages = _passages()
    assert np.array_equal(
        embedder.embed_passages(passages), float_embedder.embed_passages(passages)
    )
    lines = (ROOT / "corpus" / "gold" / "dev.jsonl").read_text("utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    int8, full = embedder.embed_queries(questions), float_embedder.embed_queries(questions)
    assert np.sum(int8 * full, axis=1).min() >= 0.99
    chunks = load(corpus_index.index_dir).embeddings
    top_int8 = np.argsort(-(int8 @ chunks.T), axis=1)[:, :5]
    top_full = np.argsort(-(full @ chunks.T), axis=1)[:, :5]
    # Measured on gold dev: 0.92 for both; gold retrieval in benchmarks/experiments/README.md.
    assert np.mean(top_int8[:, 0] == top_full[:, 0]) >= 0.85
    overlap = [len(set(a) & set(b)) / 5 for a, b in zip(top_int8, top_full, strict=True)]
    assert np.mean(overlap) >= 0.85


def test_batches_give_the_vectors_of_single_texts(embedder) -> None:
    texts = _passages()
    together = embedder.embed_passages(texts)
    alone = np.vstack([embedder.embed_passages([t]) for t in texts])
    assert np.abs(together - alone).max() < 1e-4  # padding must not leak into the mean
    assert embedder.embed_queries([]).shape == (0, 384)


def test_export_is_cached(corpus_settings: Settings) -> None:
    path = model_path(corpus_settings)
    first = ensure_onnx_model(path, corpus_settings.model_cache_dir)
    stamp = (first / "model.onnx").stat().st_mtime_ns
    assert ensure_onnx_model(path, corpus_settings.model_cache_dir) == first
    assert (first / "model.onnx").stat().st_mtime_ns == stamp


def test_a_model_that_cannot_be_exported_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", "utf-8")
    with pytest.raises(ClusterQAError, match="cannot export embedding model"):
        ensure_onnx_model(str(broken), tmp_path / "cache")
    assert not list((tmp_path / "cache" / "onnx").glob("*/model.onnx"))
