"""What should the reader read, and how much should it decide? Gold dev fact accuracy and
KorQuAD (evaluation split, paragraph given) EM/F1 for each way of choosing the answer.

Variants: rules alone; the reader over the 3 or 5 best sentences of the rule ranking, or over
whole passages (the top 3 chunks on gold, the question's paragraph on KorQuAD), blended with
the rule scores at several reader weights. Reading time is the median per question.
Run: .venv/bin/python benchmarks/reader_windows.py [--korquad N]   (N random questions, 250)
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

from clusterqa.answering.extract import candidates
from clusterqa.answering.normalize import squad_exact_match, squad_f1
from clusterqa.answering.question import analyze
from clusterqa.answering.reader import load_reader
from clusterqa.answering.reading import blend, read, sentence_windows
from clusterqa.config import Settings
from clusterqa.evaluation.bench import index_corpus, judge
from clusterqa.evaluation.datasets import load_squad
from clusterqa.evaluation.gold import load_gold
from clusterqa.models import Hit
from clusterqa.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
KORQUAD = ROOT.parent / "shared" / "benchdata" / "KorQuAD_v1.0_dev.json"
VARIANTS = {"3 sentences": 3, "5 sentences": 5, "passages": None}
WEIGHTS = (0.5, 0.8, 1.0)


def _variants(reader, searcher: Searcher, question: str, hits: list[Hit], timing: dict):
    """(variant name, chosen answer text) for one question."""
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    info = analyze(question)
    rule = candidates(info, hits, texts, partial(searcher.sentence_similarity, info.text))
    yield "rules", rule[0].text if rule else ""
    for name, n in VARIANTS.items():
        windows = (
            sentence_windows(rule, n)
            if n
            else [(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits[:3]]
        )
        started = time.perf_counter()
        spans = read(reader, info, windows, texts) if windows else []
        timing[name].append((time.perf_counter() - started) * 1000)
        for w in WEIGHTS:
            found = blend(rule, spans, w)
            yield f"{name}, weight {w}", found[0].text if found else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--korquad", type=int, default=250)
    args = parser.parse_args()
    settings = Settings()
    reader = load_reader(settings.model_cache_dir)
    timing: dict[str, list[float]] = defaultdict(list)

    gold: dict[str, float] = defaultdict(float)
    searcher = Searcher.open(settings)
    items = [i for i in load_gold([ROOT / "corpus" / "gold" / "dev.jsonl"]) if i.answerable]
    for item in items:
        hits = searcher.search(item.question, settings.top_k)
        for name, text in _variants(reader, searcher, item.question, hits, timing):
            gold[name] += judge(text, item)[0] / len(items)

    korquad: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    data = load_squad(KORQUAD, "eval")
    qids = sorted(data.queries)
    random.Random(0).shuffle(qids)
    qids = qids[: args.korquad]
    needed = {next(iter(data.qrels[q])) for q in qids}
    data.corpus = {k: v for k, v in data.corpus.items() if k in needed}
    internal = {pid: f"d{i}" for i, pid in enumerate(data.corpus)}
    paragraphs = Searcher(index_corpus(data, settings, progress=False), settings, "bm25")
    for qid in qids:
        doc = internal[next(iter(data.qrels[qid]))]
        hits = [Hit(chunk=c, score=1.0) for c in paragraphs.snapshot.chunks if c.doc_id == doc]
        golds = data.answers[qid]
        for name, text in _variants(reader, paragraphs, data.queries[qid], hits, timing):
            korquad[name][0] += squad_exact_match(text, golds) / len(qids)
            korquad[name][1] += squad_f1(text, golds) / len(qids)

    print(f"gold dev: {len(items)} answerable; KorQuAD eval: {len(qids)} questions")
    print("variant | gold dev accuracy | KorQuAD EM / F1")
    for name in gold:
        em, f1 = korquad[name]
        print(f"{name} | {gold[name]:.3f} | {em:.3f} / {f1:.3f}")
    for name, values in timing.items():
        print(f"reading {name}: median {statistics.median(values):.0f} ms")


if __name__ == "__main__":
    main()
