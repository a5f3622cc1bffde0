"""Would the reader help as a reranker? Gold dev R@1 and MRR@10 of the top 10 passages ordered
by retrieval score blended with the reader's best span score in each passage.

Both scores are min-max normalised per question; weight 0 is retrieval alone. The reader reads
each whole passage (chunk), which is what a reranker would have to do at query time.
Run: .venv/bin/python benchmarks/rerank.py [corpus/gold/dev.jsonl]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from clusterqa.answering.reader import load_reader
from clusterqa.answering.reading import rerank_order, span_scores
from clusterqa.config import Settings
from clusterqa.evaluation.bench import relevant_chunks
from clusterqa.evaluation.gold import load_gold
from clusterqa.search import Searcher

DEPTH = 10
WEIGHTS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def main() -> None:
    gold = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus/gold/dev.jsonl")
    settings = Settings()
    searcher = Searcher.open(settings)
    reader = load_reader(settings.model_cache_dir)
    rows, seconds = [], []
    for item in load_gold([gold]):
        relevant = set(relevant_chunks(item, searcher)) if item.answerable else set()
        if not relevant:
            continue
        hits = searcher.search(item.question, DEPTH)
        started = time.perf_counter()
        best = span_scores(reader, item.question, hits)
        seconds.append(time.perf_counter() - started)
        rows.append(([h.chunk.chunk_id in relevant for h in hits], [h.score for h in hits], best))
    median = sorted(seconds)[len(seconds) // 2]
    print(f"{len(rows)} questions; reading {DEPTH} passages: median {median:.2f} s")
    print("weight R@1 MRR@10")
    for w in WEIGHTS:
        r1 = mrr = 0.0
        for hit, retrieval, reader_scores in rows:
            order = rerank_order(retrieval, reader_scores, w)
            first = next((r for r, i in enumerate(order, 1) if hit[i]), None)
            r1 += first == 1
            mrr += 1 / first if first else 0.0
        print(f"{w:.1f} {r1 / len(rows):.3f} {mrr / len(rows):.3f}")


if __name__ == "__main__":
    main()
