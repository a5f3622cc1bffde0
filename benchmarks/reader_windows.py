"""What should the reader read? Whole `ask` per reading setting: gold dev and test fact
accuracy with the median `ask` time on gold, and KorQuAD (evaluation split, all paragraphs
indexed) EM/F1 end to end and with the question's paragraph given, on N random questions.

Each variant is a set of `Settings` overrides (`reader_chunks`, `reader_sentences`,
`reader_support_floor`, `reader`), applied on top of the defaults.
Run: .venv/bin/python benchmarks/reader_windows.py [--korquad N]   (N random questions, 200)
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from clusterqa.answering.answer import ask
from clusterqa.answering.normalize import squad_exact_match, squad_f1
from clusterqa.config import Settings
from clusterqa.evaluation import bench
from clusterqa.evaluation.datasets import load_squad
from clusterqa.evaluation.gold import load_gold
from clusterqa.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
KORQUAD = ROOT.parent / "shared" / "benchdata" / "KorQuAD_v1.0_dev.json"
VARIANTS: dict[str, dict] = {
    "rules alone": {"reader": "rules"},
    "3 best sentences, no floor (before)": {
        "reader_chunks": 0,
        "reader_sentences": 3,
        "reader_support_floor": 0.0,
    },
    "top passage": {"reader_chunks": 1, "reader_sentences": 0},
    "top passage + 3 sentences, no floor": {
        "reader_chunks": 1,
        "reader_sentences": 3,
        "reader_support_floor": 0.0,
    },
    "top passage + 3 sentences": {"reader_chunks": 1, "reader_sentences": 3},
    "top passage + 6 sentences": {"reader_chunks": 1, "reader_sentences": 6},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--korquad", type=int, default=200)
    args = parser.parse_args()
    settings = Settings()
    rows: dict[str, list[str]] = {name: [] for name in VARIANTS}

    searcher = Searcher.open(settings)
    for split in ("dev", "test"):
        items = load_gold([ROOT / "corpus" / "gold" / f"{split}.jsonl"])
        for name, overrides in VARIANTS.items():
            searcher.settings = settings.model_copy(update=overrides)
            report = bench.run_gold(items, searcher, progress=False)
            rows[name].append(f"{report['facts']['accuracy']:.3f}")
            if split == "dev":
                rows[name].append(f"{report['latency_ms']['p50']:.0f} ms")

    data = load_squad(KORQUAD, "eval")
    qids = sorted(data.queries)
    random.Random(2).shuffle(qids)
    qids = qids[: args.korquad]
    internal = {pid: f"d{i}" for i, pid in enumerate(data.corpus)}
    paragraphs = Searcher(bench.index_corpus(data, settings, progress=False), settings, "hybrid")
    for name, overrides in VARIANTS.items():
        paragraphs.settings = settings.model_copy(update=overrides)
        e2e, given, took = [0.0, 0.0], [0.0, 0.0], []
        for qid in qids:
            golds, question = data.answers[qid], data.queries[qid]
            started = time.perf_counter()
            answer = ask(paragraphs, question, bench.DEPTH * 5).answer
            took.append((time.perf_counter() - started) * 1000)
            found = answer.text if answer else ""
            chosen = bench.given_passage(
                paragraphs, question, internal[next(iter(data.qrels[qid]))]
            )
            for totals, text in ((e2e, found), (given, chosen)):
                totals[0] += squad_exact_match(text, golds) / len(qids)
                totals[1] += squad_f1(text, golds) / len(qids)
        rows[name] += [f"{e2e[0]:.3f} / {e2e[1]:.3f}", f"{given[0]:.3f} / {given[1]:.3f}"]
        rows[name].append(f"{statistics.median(took):.0f} ms")

    print(f"KorQuAD eval: {len(qids)} random questions, end to end over all paragraphs")
    print(
        "| variant | gold dev | ask p50, dev | gold test | KorQuAD end to end EM / F1 "
        "| paragraph given EM / F1 | ask p50, KorQuAD |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
