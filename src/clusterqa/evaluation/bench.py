"""Benchmark runners: questions through the same path as `ask`, scored with ranx."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

from ranx import Qrels, Run, evaluate
from tqdm import tqdm

from clusterqa.answering.answer import ask
from clusterqa.answering.normalize import answers_equal, squad_exact_match, squad_f1
from clusterqa.answering.question import analyze
from clusterqa.answering.ranking import ranked_candidates
from clusterqa.config import Settings
from clusterqa.evaluation.datasets import RetrievalSet
from clusterqa.evaluation.gold import GoldItem, locate
from clusterqa.ingest import build_snapshot, document_from_text
from clusterqa.korean import has_hangul
from clusterqa.models import Hit
from clusterqa.search import Searcher
from clusterqa.store import Snapshot

METRICS = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
DEPTH = 20
# Query language as retrieval sees it: fusion weights follow whether a query has Hangul.
BREAKDOWNS = ("style", "doc", "answer_type", "language")


def language(question: str) -> str:
    return "hangul" if has_hangul(question) else "no_hangul"


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


def _facts(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    if not answerable:
        return {"n": 0, "accuracy": None, "f1": None}
    return {
        "n": len(answerable),
        "accuracy": round(sum(r["correct"] for r in answerable) / len(answerable), 4),
        "f1": round(sum(r["f1"] for r in answerable) / len(answerable), 4),
    }


def _abstention(rows: list[dict]) -> dict:
    unanswerable = [r for r in rows if not r["answerable"]]
    correct = sum(r["abstained"] for r in unanswerable)
    false = sum(r["abstained"] for r in rows if r["answerable"])
    precision = correct / (correct + false) if correct + false else 0.0
    recall = correct / len(unanswerable) if unanswerable else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n_unanswerable": len(unanswerable),
        "correct": correct,
        "false_abstentions": false,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def judge(prediction: str | None, item: GoldItem) -> tuple[bool, float]:
    """(correct, character F1) of a predicted answer against the item's answer and aliases."""
    if prediction is None or not item.answerable:
        return False, 0.0
    golds = [item.answer, *item.aliases]
    correct = any(answers_equal(prediction, g, item.answer_type) for g in golds)
    return correct, squad_f1(prediction, golds)


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
        prediction = response.answer.text if response.answer else None
        correct, f1 = judge(prediction, item)
        per_query.append(
            {
                "id": item.id,
                "style": item.style,
                "doc": item.doc_id,
                "answer_type": item.answer_type,
                "language": language(item.question),
                "answerable": item.answerable,
                "first_relevant_rank": first,
                "retrieved": retrieved[:10],
                "prediction": prediction,
                "gold": item.answer,
                "correct": correct,
                "f1": round(f1, 4),
                "abstained": response.abstained,
            }
        )
    breakdowns: dict[str, dict[str, dict]] = {}
    for key in BREAKDOWNS:
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in per_query:
            groups[row[key]].append(row)
        breakdowns[key] = {
            g: _metrics(
                {r["id"]: qrels[r["id"]] for r in rows if r["id"] in qrels},
                {r["id"]: run[r["id"]] for r in rows if r["id"] in qrels},
            )
            | {f"facts_{k}": v for k, v in _facts(rows).items() if k != "n"}
            for g, rows in sorted(groups.items())
        }
    by_style = defaultdict(list)
    for row in per_query:
        by_style[row["style"]].append(row["id"])
    return {
        "dataset": "gold",
        "n_queries": len(items),
        "retrieval": _metrics(qrels, run),
        "facts": _facts(per_query),
        "abstention": _abstention(per_query),
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


def given_passage(searcher: Searcher, question: str, doc_id: str) -> str:
    """The answer `ask` would choose when the gold document is the only passage, read whole."""
    hits = [Hit(chunk=c, score=1.0) for c in searcher.snapshot.chunks if c.doc_id == doc_id]
    found = ranked_candidates(searcher, analyze(question), hits, read_whole=len(hits)).candidates
    return found[0].text if found else ""


def _em_f1(rows: list[dict], key: str) -> dict:
    return {
        "n": len(rows),
        "em": round(sum(r[key]["em"] for r in rows) / len(rows), 4),
        "f1": round(sum(r[key]["f1"] for r in rows) / len(rows), 4),
    }


def run_retrieval_set(data: RetrievalSet, searcher: Searcher, progress: bool = True) -> dict:
    """Score documents by their best chunk over a searcher built on `index_corpus(data)`; for
    SQuAD-style sets also answer EM/F1 end to end and with the gold passage given."""
    original = {f"d{i}": doc_id for i, doc_id in enumerate(data.corpus)}
    internal = {doc_id: f"d{i}" for i, doc_id in enumerate(data.corpus)}
    qrels = {q: data.qrels[q] for q in data.queries}
    run: dict[str, dict[str, float]] = {}
    per_query = []
    latencies = []
    for qid, text in tqdm(data.queries.items(), desc="queries", unit="q", disable=not progress):
        started = time.perf_counter()
        response = ask(searcher, text, DEPTH * 5)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked: dict[str, float] = {}
        for p in response.passages:  # best chunk per document; passages come best first
            ranked.setdefault(original[p.doc_id], float(len(response.passages) - len(ranked)))
        run[qid] = dict(list(ranked.items())[:DEPTH])
        order = list(run[qid])
        first = next((r for r, d in enumerate(order, 1) if d in data.qrels[qid]), None)
        row = {"id": qid, "first_relevant_rank": first, "retrieved": order[:10]}
        if qid in data.answers:
            golds = data.answers[qid]
            prediction = response.answer.text if response.answer else ""
            given = given_passage(searcher, text, internal[next(iter(data.qrels[qid]))])
            row |= {
                "prediction": prediction,
                "gold": golds,
                "facts": {
                    "em": squad_exact_match(prediction, golds),
                    "f1": squad_f1(prediction, golds),
                },
                "given": {"em": squad_exact_match(given, golds), "f1": squad_f1(given, golds)},
            }
        per_query.append(row)
    report = {
        "dataset": data.name,
        "n_queries": len(data.queries),
        "retrieval": _metrics(qrels, run),
        "recall_curve": _recall_curve(qrels, run, {"all": list(qrels)}),
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "per_query": per_query,
    }
    answered = [r for r in per_query if "facts" in r]
    if answered:
        report["facts"] = _em_f1(answered, "facts")
        report["facts_given_passage"] = _em_f1(answered, "given")
    return report
