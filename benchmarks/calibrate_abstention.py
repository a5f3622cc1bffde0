"""Choose `abstain_threshold` and `abstain_answerable` on gold dev.

Sweeps both thresholds over the best candidate's score and the reader's answerability, and
prints the settings with the best abstention F1 among those that withhold at most 5 % of the
answerable questions, with abstention precision/recall/F1, false abstentions and fact
accuracy. Run: .venv/bin/python benchmarks/calibrate_abstention.py [corpus/gold/dev.jsonl]
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

MAX_FALSE = 0.05  # share of answerable questions that may be withheld


def main() -> None:
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    gold = Path(paths[0] if paths else "corpus/gold/dev.jsonl")
    items = load_gold([gold])
    settings = Settings()
    searcher = Searcher.open(settings)
    rows = []
    for item in items:
        ranked = ranked_candidates(
            searcher, analyze(item.question), searcher.search(item.question, settings.top_k)
        )
        best = ranked.candidates[0] if ranked.candidates else None
        correct, _ = judge(best.text if best else None, item)
        rows.append((item.answerable, best.score if best else 0.0, ranked.answerable, correct))
    n_unanswerable = sum(not r[0] for r in rows)
    n_answerable = len(rows) - n_unanswerable
    results = []
    for t in [x / 100 for x in range(0, 61, 2)]:
        for a in [x / 100 for x in range(0, 96, 5)]:
            abstain = [(r[0], r[1] < t or r[2] < a, r[3]) for r in rows]
            right = sum(ab for ok, ab, _ in abstain if not ok)
            false = sum(ab for ok, ab, _ in abstain if ok)
            p = right / (right + false) if right + false else 0.0
            r = right / n_unanswerable if n_unanswerable else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            accuracy = sum(c for ok, ab, c in abstain if ok and not ab) / n_answerable
            results.append((f1, -false, accuracy, t, a, p, r, false))
    shown = sorted(results, reverse=True)
    if "--all" not in sys.argv:
        shown = [x for x in shown if x[7] <= MAX_FALSE * n_answerable][:15]
    print("threshold answerable precision recall f1 false_abstentions accuracy")
    for f1, _, accuracy, t, a, p, r, false in shown:
        print(f"{t:.2f} {a:.2f} {p:.3f} {r:.3f} {f1:.3f} {false:3d} {accuracy:.3f}")


if __name__ == "__main__":
    main()
