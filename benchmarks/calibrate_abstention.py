"""Choose `abstain_threshold` on gold dev: sweep thresholds over the question's support (the
best rule-based score; see `answering.ranking.Ranked`). As `ask` does, a figure question whose
best candidate states no figure of the asked measure abstains at any threshold.

Prints, per threshold, abstention precision/recall/F1, false abstentions (answerable questions
withheld) and fact accuracy (correct answers not withheld). Comparisons are not included.
Run: .venv/bin/python benchmarks/calibrate_abstention.py [corpus/gold/dev.jsonl]
"""

from __future__ import annotations

import sys
from pathlib import Path

from clusterqa.answering.question import analyze
from clusterqa.answering.ranking import ranked_candidates
from clusterqa.config import Settings
from clusterqa.evaluation.bench import judge
from clusterqa.evaluation.gold import load_gold
from clusterqa.search import Searcher


def main() -> None:
    gold = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus/gold/dev.jsonl")
    items = load_gold([gold])
    settings = Settings()
    searcher = Searcher.open(settings)
    rows = []
    for item in items:
        hits = searcher.search(item.question, settings.top_k)
        ranked = ranked_candidates(searcher, analyze(item.question), hits)
        best = ranked.candidates[0] if ranked.candidates else None
        correct, _ = judge(best.text if best else None, item)
        rows.append((item.answerable, -1.0 if ranked.off_kind else ranked.support, correct))
    n_unanswerable = sum(not a for a, _, _ in rows)
    n_answerable = len(rows) - n_unanswerable
    print("threshold precision recall f1 false_abstentions accuracy")
    for t in [x / 100 for x in range(0, 41, 2)]:
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
