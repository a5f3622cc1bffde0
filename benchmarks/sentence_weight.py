"""How much should sentence vectors weigh against question words when ranking answer sentences?

Run: .venv/bin/python benchmarks/sentence_weight.py [corpus/gold/dev.jsonl]
Prints, per weight of the cosine in the question-sentence match, fact accuracy and token F1 of
`ask` over the gold file on the built index (0 = question words alone).
"""

from __future__ import annotations

import sys
from pathlib import Path

from clusterqa import extract
from clusterqa.config import Settings
from clusterqa.evaluation.bench import run_gold
from clusterqa.evaluation.gold import load_gold
from clusterqa.search import Searcher


def main() -> None:
    items = load_gold([Path(sys.argv[1] if len(sys.argv) > 1 else "corpus/gold/dev.jsonl")])
    searcher = Searcher.open(Settings())
    print("weight accuracy f1")
    for weight in (0.0, 0.3, 0.5, 0.7, 1.0):
        extract._DENSE_WEIGHT = weight  # the constant under test; restored by process exit
        facts = run_gold(items, searcher, progress=False)["facts"]
        print(f"{weight:.1f} {facts['accuracy']:.3f} {facts['f1']:.3f}")


if __name__ == "__main__":
    main()
