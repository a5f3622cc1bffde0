"""Benchmark runners: questions through the same path as `ask`, scored with ranx."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

from ranx import Qrels, Run, evaluate
from tqdm import tqdm

from clusterqa.answer import ask
from clusterqa.config import Settings
from clusterqa.evaluation.datasets import RetrievalSet
from clusterqa.evaluation.gold import GoldItem, locate
from clusterqa.ingest import build_snapshot, document_from_text
from clusterqa.search import Searcher
from clusterqa.store import Snapshot

METRICS = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
DEPTH = 20


def relevant_chunks(item: GoldItem, searcher: Searcher) -> list[str]:
    """Chunks of the item's document covering at least half of its evidence span."""
    doc = searcher.snapshot.documents.get(item.doc_id)
    span = locate(item.evidence, doc.text) if doc else None
    if span is None:
        return []
    start, end = span
    return [
        c.chunk_id
        for c in searcher.snapshot.chunks
        if c.doc_id == item.doc_id and min(c.end, end) - max(c.start, start) >= (end - start) / 2
    ]


def _metrics(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict:
    if not qrels:
        return {m: None for m in METRICS} | {"n": 0}
    scores = evaluate(Qrels(qrels), Run(run), METRICS, make_comparable=True)
    return {m: round(float(scores[m]), 4) for m in METRICS} | {"n": len(qrels)}


def _recall_curve(qrels: dict, run: dict, groups: dict[str, list[str]]) -> dict[str, list]:
    """recall@1..20 per group of query ids, for the report's plot."""
    metrics = [f"recall@{k}" for k in range(1, DEPTH + 1)]
    curve = {}
    for name, ids in groups.items():
        ids = [q for q in ids if q in qrels]
        if ids:
            scores = evaluate(
                Qrels({q: qrels[q] for q in ids}),
                Run({q: run.get(q, {}) for q in ids}),
                metrics,
                make_comparable=True,
            )
            curve[name] = [round(float(scores[m]), 4) for m in metrics]
    return curve


def _percentile(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def run_gold(items: list[GoldItem], searcher: Searcher, progress: bool = True) -> dict:
    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    per_query = []
    latencies = []
    for item in tqdm(items, desc="questions", unit="q", disable=not progress):
        started = time.perf_counter()
        response = ask(searcher, item.question, DEPTH)
        latencies.append((time.perf_counter() - started) * 1000)
        retrieved = [p.chunk_id for p in response.passages]
        relevant = relevant_chunks(item, searcher) if item.answerable else []
        if relevant:
            qrels[item.id] = {cid: 1 for cid in relevant}
            # Ranks, not raw scores, so ties and score scales never reorder the list.
            run[item.id] = {cid: float(DEPTH - r) for r, cid in enumerate(retrieved)}
        first = next((r for r, cid in enumerate(retrieved, 1) if cid in relevant), None)
        per_query.append(
            {
                "id": item.id,
                "style": item.style,
                "doc": item.doc_id,
                "answer_type": item.answer_type,
                "first_relevant_rank": first,
                "retrieved": retrieved[:10],
                "prediction": response.answer.text if response.answer else None,
                "abstained": response.abstained,
            }
        )
    breakdowns: dict[str, dict[str, dict]] = {}
    for key in ("style", "doc", "answer_type"):
        groups: dict[str, list[str]] = defaultdict(list)
        for row in per_query:
            if row["id"] in qrels:
                groups[row[key]].append(row["id"])
        breakdowns[key] = {
            g: _metrics({q: qrels[q] for q in ids}, {q: run[q] for q in ids})
            for g, ids in sorted(groups.items())
        }
    by_style = defaultdict(list)
    for row in per_query:
        by_style[row["style"]].append(row["id"])
    return {
        "dataset": "gold",
        "n_queries": len(items),
        "retrieval": _metrics(qrels, run),
        "breakdown": breakdowns,
        "recall_curve": _recall_curve(qrels, run, {"all": list(qrels)} | dict(by_style)),
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "per_query": per_query,
    }


def index_corpus(data: RetrievalSet, settings: Settings, progress: bool = True) -> Snapshot:
    """Index `data.corpus` in memory, never touching index/; doc ids become d0, d1, … in
    corpus order (benchmark ids need not be safe file names)."""
    docs = [
        document_from_text(f"d{i}", title, text)
        for i, (title, text) in enumerate(
            tqdm(data.corpus.values(), desc="repairing", unit="doc", disable=not progress)
        )
    ]
    return build_snapshot(None, set(), docs, settings, progress)


def run_retrieval_set(data: RetrievalSet, searcher: Searcher, progress: bool = True) -> dict:
    """Score documents by their best chunk over a searcher built on `index_corpus(data)`."""
    original = {f"d{i}": doc_id for i, doc_id in enumerate(data.corpus)}
    qrels = {q: data.qrels[q] for q in data.queries}
    run: dict[str, dict[str, float]] = {}
    per_query = []
    latencies = []
    for qid, text in tqdm(data.queries.items(), desc="queries", unit="q", disable=not progress):
        started = time.perf_counter()
        hits = searcher.search(text, DEPTH * 5)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked: dict[str, float] = {}
        for hit in hits:  # best chunk per document; hits come best first
            ranked.setdefault(original[hit.chunk.doc_id], float(len(hits) - len(ranked)))
        run[qid] = dict(list(ranked.items())[:DEPTH])
        order = list(run[qid])
        first = next((r for r, d in enumerate(order, 1) if d in data.qrels[qid]), None)
        per_query.append({"id": qid, "first_relevant_rank": first, "retrieved": order[:10]})
    return {
        "dataset": data.name,
        "n_queries": len(data.queries),
        "retrieval": _metrics(qrels, run),
        "recall_curve": _recall_curve(qrels, run, {"all": list(qrels)}),
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "per_query": per_query,
    }
