"""Every gold item is well-formed and grounded in its document."""

import re
from collections import Counter
from pathlib import Path

import pytest

from clusterqa.evaluation.gold import load_gold, locate
from clusterqa.ingest import build_document
from clusterqa.parsers import parse

CORPUS = Path(__file__).parents[1] / "corpus"
GOLD = sorted((CORPUS / "gold").glob("*.jsonl"))
ITEMS = load_gold(GOLD)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def texts() -> dict[str, tuple[str, str]]:
    """Raw and canonical text per document file name."""
    out = {}
    for path in sorted(CORPUS.glob("*.txt")):
        doc = build_document(parse(path.name, path.read_bytes(), 10**8), "h", {})
        out[path.name] = (path.read_text("utf-8"), doc.text)
    return out


def test_size_split_and_mix():
    assert len(ITEMS) >= 150 and {p.name for p in GOLD} == {"dev.jsonl", "test.jsonl"}
    styles = Counter(i.style for i in ITEMS)
    assert styles["unanswerable"] >= 0.08 * len(ITEMS) and styles["english"] >= 0.12 * len(ITEMS)
    assert len({i.doc for i in ITEMS}) == 5


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_item_is_grounded(item, texts):
    if item.style == "unanswerable":
        assert item.answer == "" and item.evidence == ""
        return
    raw, canonical = texts[item.doc]
    assert _squeeze(item.evidence) in _squeeze(raw) or _squeeze(item.evidence) in _squeeze(
        canonical
    )
    assert locate(item.evidence, canonical) is not None  # benchmarks find it in the index
    forms = [item.answer, *item.aliases]
    assert any(_squeeze(f) in _squeeze(item.evidence) for f in forms if f)


def test_locate_ignores_whitespace():
    text = "홍릉은\n\n서울에  있다. 보스턴은 미국에 있다."
    start, end = locate("서울에 있 다.", text)
    assert text[start:end] == "서울에  있다."
    assert locate("부산", text) is None
