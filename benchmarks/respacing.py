"""Does re-spacing the space-less document (003) help retrieval? BM25 and dense, with and
without Kiwi re-spacing, on the gold questions about that document (dev + test).

Run: .venv/bin/python benchmarks/respacing.py  (embeds the corpus twice: a few minutes)
"""

from __future__ import annotations

from pathlib import Path

import clusterqa.repair as repair
from clusterqa.config import Settings
from clusterqa.evaluation.bench import run_gold
from clusterqa.evaluation.gold import load_gold
from clusterqa.ingest import build_document, build_snapshot
from clusterqa.parsers import parse
from clusterqa.search import Searcher

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    settings = Settings()
    items = [
        i
        for i in load_gold(sorted((ROOT / "corpus" / "gold").glob("*.jsonl")))
        if i.doc.startswith("003") and i.answerable
    ]
    default_ratio = repair._SPACELESS_RATIO
    for label, ratio in (("re-spaced", default_ratio), ("as extracted", 0.0)):
        repair._SPACELESS_RATIO = ratio  # 0 disables re-spacing
        docs = [
            build_document(parse(p.name, p.read_bytes(), 10**8), "h", {})
            for p in sorted((ROOT / "corpus").glob("*.txt"))
        ]
        snapshot = build_snapshot(None, set(), docs, settings, progress=False)
        for retriever in ("bm25", "dense", "hybrid"):
            r = run_gold(items, Searcher(snapshot, settings, retriever), progress=False)
            print(label, retriever, r["retrieval"])
    repair._SPACELESS_RATIO = default_ratio


if __name__ == "__main__":
    main()
