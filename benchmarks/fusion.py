"""Which fusion of the BM25 and dense legs? Weighted reciprocal-rank fusion against the
product's HybridRetriever (convex combination of min-max normalised scores) at several weights,
on gold dev (chunk qrels, as `bench gold`) and KorQuAD 1.0 dev (paragraph qrels, best chunk per
paragraph, as `bench squad`), scored with ranx.

Run: .venv/bin/python benchmarks/fusion.py [--korquad PATH] [--max-queries N]
Each leg is searched once per query; every fusion is computed from those recorded results.
Queries without Hangul keep Settings.fusion_weights_no_hangul throughout.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ranx import Qrels, Run, evaluate
from tqdm import tqdm

from clusterqa.config import Settings
from clusterqa.evaluation.bench import index_corpus, relevant_chunks
from clusterqa.evaluation.datasets import load_squad
from clusterqa.evaluation.gold import load_gold
from clusterqa.korean import has_hangul
from clusterqa.retrieval.base import Candidate
from clusterqa.retrieval.factory import make_retriever
from clusterqa.retrieval.hybrid import HybridRetriever
from clusterqa.search import Searcher
from clusterqa.store import Snapshot, load

ROOT = Path(__file__).resolve().parents[1]
DEPTH = 100
METRICS = ["recall@1", "recall@5", "recall@10", "mrr@10"]


class Recorded:
    """A retriever leg replayed from results recorded once per query."""

    def __init__(self, name: str, results: dict[str, list[Candidate]]) -> None:
        self.name = name
        self._results = results

    def search(self, query: str, k: int) -> list[Candidate]:
        return self._results[query][:k]


def record(snapshot: Snapshot, queries: dict[str, str], settings: Settings) -> list[Recorded]:
    out = []
    for name in ("bm25", "dense"):
        leg = make_retriever(name, snapshot, settings)
        texts = tqdm(set(queries.values()), desc=name, unit="q")
        out.append(Recorded(name, {t: leg.search(t, DEPTH) for t in texts}))
    return out


def rrf(legs: list[Recorded], query: str, weights: tuple[float, ...], k: int) -> list[int]:
    fused: dict[int, float] = {}
    for leg, w in zip(legs, weights, strict=True):
        for rank, c in enumerate(leg.search(query, DEPTH), start=1):
            fused[c.row] = fused.get(c.row, 0.0) + w / (k + rank)
    return sorted(fused, key=lambda r: -fused[r])


def score(runs: dict[str, dict], qrels: dict) -> dict:
    result = evaluate(Qrels(qrels), Run(runs), METRICS, make_comparable=True)
    return {m: round(float(result[m]), 4) for m in METRICS}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--korquad", type=Path, default=ROOT.parent / "shared" / "benchdata"
                        / "KorQuAD_v1.0_dev.json")  # fmt: skip
    parser.add_argument("--max-queries", type=int, default=None)
    args = parser.parse_args()
    settings = Settings()
    no_hangul = settings.fusion_weights_no_hangul

    # gold dev: chunk-level qrels over the corpus index
    snapshot = load(settings.index_dir)
    searcher = Searcher(snapshot, settings, "bm25")
    items = [i for i in load_gold([ROOT / "corpus" / "gold" / "dev.jsonl"]) if i.answerable]
    gold_qrels = {i.id: {c: 1 for c in relevant_chunks(i, searcher)} for i in items}
    gold = (snapshot, {i.id: i.question for i in items}, gold_qrels, None)

    data = load_squad(args.korquad)
    if args.max_queries:
        data.queries = dict(list(data.queries.items())[: args.max_queries])
    kq_snapshot = index_corpus(data, settings)
    paragraph = {f"d{i}": pid for i, pid in enumerate(data.corpus)}
    korquad = (kq_snapshot, data.queries, {q: data.qrels[q] for q in data.queries}, paragraph)

    variants = {}
    for k in (10, 60):
        for w in (1.0, 0.5, 0.3):
            variants[f"rrf k={k} dense={w}"] = ("rrf", (1.0, w), k)
    for w in (1.0, 0.7, 0.5, 0.3):
        variants[f"hybrid dense={w}"] = ("hybrid", (1.0, w), 0)

    for name, (snap, queries, qrels, to_doc) in (("gold dev", gold), ("KorQuAD dev", korquad)):
        legs = record(snap, queries, settings)
        print(f"\n{name} ({len(queries)} queries)")
        for label, (method, weights, k) in variants.items():
            hybrid = HybridRetriever(legs, weights, no_hangul)
            runs = {}
            for qid, text in queries.items():
                w = weights if has_hangul(text) else no_hangul
                if method == "rrf":
                    ranked = rrf(legs, text, w, k)
                else:
                    ranked = [c.row for c in hybrid.search(text, DEPTH)]
                ids = [snap.chunks[r].chunk_id if to_doc is None
                       else to_doc[snap.chunks[r].doc_id] for r in ranked]  # fmt: skip
                ids = list(dict.fromkeys(ids))[:20]  # best chunk per paragraph
                runs[qid] = {d: float(len(ids) - n) for n, d in enumerate(ids)}
            print(f"  {label:22} {score(runs, qrels)}", flush=True)


if __name__ == "__main__":
    main()
