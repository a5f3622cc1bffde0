"""The reader's article split of KorQuAD: deterministic, disjoint, every third title held out."""

from pathlib import Path

import pytest

from clusterqa.evaluation.datasets import article_split, load_squad, squad_articles

KORQUAD = Path(__file__).resolve().parents[2] / "shared" / "benchdata" / "KorQuAD_v1.0_dev.json"


def test_every_third_sorted_title_is_held_out():
    split = article_split(["다", "가", "라", "나", "마", "가"])
    assert split == {"가": "eval", "나": "train", "다": "train", "라": "eval", "마": "train"}
    assert article_split(list(reversed(list(split)))) == split


@pytest.mark.skipif(not KORQUAD.exists(), reason="KorQuAD dev file not beside the checkout")
def test_korquad_splits_are_disjoint_and_cover_the_file():
    titles = {s: {a["title"] for a in squad_articles(KORQUAD, s)} for s in ("eval", "train")}
    everything = {a["title"] for a in squad_articles(KORQUAD)}
    assert not titles["eval"] & titles["train"]
    assert titles["eval"] | titles["train"] == everything
    assert len(titles["eval"]) == (len(everything) + 2) // 3
    held_out, trained = load_squad(KORQUAD, "eval"), load_squad(KORQUAD, "train")
    assert not set(held_out.queries) & set(trained.queries)
    # Only the questions follow the split: retrieval searches every paragraph.
    assert held_out.corpus == trained.corpus == load_squad(KORQUAD).corpus
    assert held_out.name.endswith("-eval")
