"""Choose `abstain_threshold` on gold dev: sweep thresholds over the best candidate's score.

Run: .venv/bin/python benchmarks/calibrate_abstention.py [corpus/gold/dev.jsonl]
Prints, per threshold, abstention precision/recall/F1, false abstentions and fact accuracy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clusterqa.answer import best_candidate
from clusterqa.config import Settings
from clusterqa.evaluation.bench import judge
from clusterqa.evaluation.gold import load_gold
from clusterqa.question import analyze
from clusterqa.search import Searcher


def main() -> None:
    gold = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus/gold/dev.jsonl")
    items = load_gold([gold])
    settings = Settings()
    searcher = Searcher.open(settings)
    rows = []
    for item in items:
        hits = searcher.search(item.question, settings.top_k)
        best, _ = best_candidate(searcher, analyze(item.question), hits)
        correct, _ = judge(best.text if best else None, item)
        rows.append((item.answerable, best.score if best else 0.0, correct))
    n_unanswerable = sum(not a for a, _, _ in rows)
    n_answerable = len(rows) - n_unanswerable
    print("threshold precision recall f1 false_abstentions accuracy")
    for t in [x / 100 for x in range(20, 71, 5)]:
        abstain = [(a, s < t, c) for a, s, c in rows]
        right = sum(ab for a, ab, _ in abstain if not a)
        false = sum(ab for a, ab, _ in abstain if a)
        p = right / (right + false) if right + false else 0.0
        r = right / n_unanswerable if n_unanswerable else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        accuracy = sum(c for a, ab, c in abstain if a and not ab) / n_answerable
        print(f"{t:.2f} {p:.3f} {r:.3f} {f1:.3f} {false:3d} {accuracy:.3f}")


if __name__ == "__main__":
    main()
