"""Which fusion of the BM25, e5 (dense) and USE (cross-lingual) legs, with which weights per query
language? The product's HybridRetriever (convex combination of min-max normalised scores) over
each leg alone and a grid of weights, plus weighted reciprocal-rank fusion of BM25 and e5 for
reference, on gold dev and test (chunk qrels, as `bench gold`) and KorQuAD 1.0 dev (paragraph
qrels, best chunk per paragraph, as `bench squad`), scored with ranx, for queries with Hangul
and without.

Run: .venv/bin/python benchmarks/fusion.py [--korquad PATH] [--korquad-index DIR] [--out JSON]
(--korquad-index keeps the embedded KorQuAD corpus in DIR for the next run; --max-queries N
takes the first N KorQuAD questions.)
Each leg is searched once per query; every fusion is computed from those recorded results, at
the depth the product fuses (each leg's top 50). A query uses the weights of its language only,
so the Hangul and no-Hangul weights are chosen apart: on gold dev only; test and KorQuAD
(all Korean) are report-only checks.
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
from clusterqa.store import DocEntry, Snapshot, load, save

ROOT = Path(__file__).resolve().parents[1]
LEGS = ("bm25", "dense", "use")
DEPTH = 100
METRICS = ["recall@1", "recall@5", "recall@10", "mrr@10"]

# (bm25, e5, USE) weights tried for each language; a leg at 0 is not searched.
SENTENCE_WEIGHTS = (0.0, 0.5, 0.7, 1.0)  # the best sentence's share in a chunk's USE score
DENSE_SENTENCE_WEIGHTS = (0.0, 0.3, 0.5, 0.7)  # the same for the e5 leg
ALONE = {"bm25 alone": (1.0, 0, 0), "e5 alone": (0, 1.0, 0), "USE alone": (0, 0, 1.0)}
HANGUL_GRID = {f"(1.0, {d}, {u})": (1.0, d, u)
               for d in (0.2, 0.3, 0.5, 0.7, 1.0, 1.5)
               for u in (0, 0.1, 0.2, 0.3, 0.5)}  # fmt: skip
NO_HANGUL_GRID = {f"({b}, {d}, {u})": (b, d, u)
                  for b in (0, 0.25, 0.5) for d in (0, 0.5, 1.0) for u in (0.5, 1.0, 1.5, 2.0)
                  if d or u}  # fmt: skip


class Recorded:
    """A retriever leg replayed from results recorded once per query."""

    def __init__(self, name: str, results: dict[str, list[Candidate]]) -> None:
        self.name = name
        self._results = results

    def search(self, query: str, k: int) -> list[Candidate]:
        return self._results[query][:k]


def record(snapshot: Snapshot, queries: dict[str, str], settings: Settings, name: str) -> Recorded:
    leg = make_retriever(name, snapshot, settings)
    texts = tqdm(sorted(set(queries.values())), desc=name, unit="q")
    return Recorded(name, {t: leg.search(t, DEPTH) for t in texts})


def rrf(legs: list[Recorded], query: str, weights: tuple[float, ...], k: int) -> list[int]:
    fused: dict[int, float] = {}
    for leg, w in zip(legs, weights, strict=True):
        for rank, c in enumerate(leg.search(query, DEPTH), start=1):
            fused[c.row] = fused.get(c.row, 0.0) + w / (k + rank)
    return sorted(fused, key=lambda r: -fused[r])


def score(runs: dict[str, dict], qrels: dict) -> dict:
    if not runs:
        return {}
    result = evaluate(Qrels({q: qrels[q] for q in runs}), Run(runs), METRICS,
                      make_comparable=True)  # fmt: skip
    return {m: round(float(result[m]), 4) for m in METRICS} | {"n": len(runs)}


class Dataset:
    """Queries, qrels and the recorded legs over one index; `to_doc` maps chunks to qrels ids
    (None: chunk ids), `k` is the depth its bench asks for."""

    def __init__(self, snapshot, queries, qrels, to_doc, k, settings) -> None:
        self.snapshot, self.queries, self.qrels, self.to_doc, self.k = (
            snapshot, queries, qrels, to_doc, k)  # fmt: skip
        self.settings = settings
        self.legs = [record(snapshot, queries, settings, name) for name in LEGS]

    def sentence_weight(self, weight: float, dense: float) -> None:
        """Re-record the USE and e5 legs with these shares of the best sentence in a chunk's
        score."""
        update = {"cross_sentence_weight": weight, "dense_sentence_weight": dense}
        self.settings = self.settings.model_copy(update=update)
        self.legs[1] = record(self.snapshot, self.queries, self.settings, "dense")
        self.legs[2] = record(self.snapshot, self.queries, self.settings, "use")

    def ids(self, rows: list[int]) -> list[str]:
        chunks = self.snapshot.chunks
        ids = [chunks[r].chunk_id if self.to_doc is None else self.to_doc[chunks[r].doc_id]
               for r in rows]  # fmt: skip
        return list(dict.fromkeys(ids))[:20]  # best chunk per paragraph

    def evaluate(self, weights: tuple, weights_no_hangul: tuple, method: str = "convex") -> dict:
        """Metrics for all queries, those with Hangul and those without."""
        hybrid = HybridRetriever(self.legs, weights, weights_no_hangul)
        runs: dict[str, dict[str, dict]] = {"all": {}, "hangul": {}, "no_hangul": {}}
        for qid, text in self.queries.items():
            if method == "rrf":  # BM25 and e5 only, k=10, as the former default
                w = weights if has_hangul(text) else weights_no_hangul
                rows = rrf(self.legs[:2], text, w[:2], 10)
            else:
                rows = [c.row for c in hybrid.search(text, self.k)]
            ids = self.ids(rows)
            run = {d: float(len(ids) - n) for n, d in enumerate(ids)}
            runs["all"][qid] = run
            runs["hangul" if has_hangul(text) else "no_hangul"][qid] = run
        return {group: score(r, self.qrels) for group, r in runs.items()}


def gold_set(path: Path, settings: Settings) -> Dataset:
    snapshot = load(settings.index_dir)
    searcher = Searcher(snapshot, settings, "bm25")
    items = [i for i in load_gold([path]) if i.answerable]
    qrels = {i.id: {c: 1 for c in relevant_chunks(i, searcher)} for i in items}
    queries = {i.id: i.question for i in items if qrels[i.id]}
    return Dataset(snapshot, queries, qrels, None, 20, settings)


def korquad_snapshot(data, settings: Settings, cache: Path | None) -> Snapshot:
    """The KorQuAD corpus embedded as `bench squad` does; kept in `cache` (an index directory)
    when given, since embedding its 964 paragraphs takes minutes."""
    if cache and (cache / "CURRENT").exists():
        return load(cache)
    snapshot = index_corpus(data, settings)
    if cache:
        for doc in snapshot.documents.values():
            rows = sum(c.doc_id == doc.doc_id for c in snapshot.chunks)
            snapshot.manifest.documents[doc.doc_id] = DocEntry(
                path=doc.doc_id, content_hash=doc.content_hash, title=doc.title, chunks=rows
            )
        save(cache, snapshot)
    return snapshot


def korquad_set(path: Path, max_queries: int | None, settings: Settings, cache: Path | None):
    data = load_squad(path)
    if max_queries:
        data.queries = dict(list(data.queries.items())[:max_queries])
    snapshot = korquad_snapshot(data, settings, cache)
    paragraph = {f"d{i}": pid for i, pid in enumerate(data.corpus)}
    return Dataset(snapshot, data.queries, data.qrels, paragraph, 100, settings)


def _markdown(results: dict, sw: tuple[float, float], hangul: tuple, no_hangul: tuple) -> str:
    out = [
        "# Fusion of BM25, e5 and USE (`benchmarks/fusion.py`)",
        "",
        f"Chosen on gold dev: sentence weight USE {sw[0]}, e5 {sw[1]}; weights (bm25, e5, USE) "
        f"{hangul} for queries with Hangul, {no_hangul} without. "
        "Each cell: R@1 / R@5 / R@10 / MRR@10.",
    ]
    for name, rows in results.items():
        out += ["", f"## {name}", "", "| variant | all | Hangul | no Hangul |", "|---|---|---|---|"]
        for label, r in rows.items():
            cells = [
                " / ".join(f"{r[g][m]:.3f}" for m in METRICS) + f" (n={r[g]['n']})"
                if r.get(g) else "-"
                for g in ("all", "hangul", "no_hangul")
            ]  # fmt: skip
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def _line(label: str, result: dict) -> str:
    def cell(group: str) -> str:
        r = result.get(group) or {}
        return " / ".join(f"{r[m]:.3f}" for m in METRICS) if r else "-"

    return f"  {label:28} all {cell('all')}  hangul {cell('hangul')}  no-hangul {cell('no_hangul')}"


def _key(result: dict, group: str) -> tuple:
    r = result[group]
    return (r["mrr@10"] + r["recall@5"] + r["recall@10"], r["recall@1"])


def choose(dev: Dataset) -> tuple[tuple, tuple]:
    """The no-Hangul weights best on dev's queries without Hangul, then the Hangul weights best
    on the others (a query uses only its language's weights) among those that lower no metric
    of the two-leg hybrid on them: Korean questions must not pay for the English ones. USE
    gets no weight with Hangul, so a Korean query never pays for its encoding (about 10 ms).
    Without Hangul BM25 keeps a weight: it searches the term bridge's Korean forms, how a bare
    name ("Medicon Valley") reaches the Korean passages about it rather than the English
    reference lists, and gold dev's English questions are all whole sentences."""
    base = (1.0, 0.3, 0.0)
    bridged = [w for w in NO_HANGUL_GRID.values() if w[0]]
    no_hangul = max(bridged, key=lambda w: _key(dev.evaluate(base, w), "no_hangul"))
    today = dev.evaluate(base, no_hangul)["hangul"]
    results = {w: dev.evaluate(w, no_hangul) for w in HANGUL_GRID.values() if not w[2]}
    safe = [w for w, r in results.items() if all(r["hangul"][m] >= today[m] for m in METRICS)]
    hangul = max(safe or [base], key=lambda w: _key(results[w], "hangul"))
    return hangul, no_hangul


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--korquad", type=Path, default=ROOT.parent / "shared" / "benchdata"
                        / "KorQuAD_v1.0_dev.json")  # fmt: skip
    parser.add_argument("--max-queries", type=int, default=None)
    parser.add_argument("--korquad-index", type=Path, default=None)
    # Markdown: a JSON file in experiments/ would be taken for a recorded experiment.
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "experiments"
                        / "fusion.md")  # fmt: skip
    args = parser.parse_args()
    settings = Settings()
    gold = ROOT / "corpus" / "gold"
    dev = gold_set(gold / "dev.jsonl", settings)
    test = gold_set(gold / "test.jsonl", settings)
    two = ((*settings.fusion_weights, 0), (*settings.fusion_weights_no_hangul, 0))

    # Choose on gold dev: the best sentence's share in the USE and e5 legs, then the weights.
    results: dict[str, dict] = {"gold dev": {}, "gold test": {}, "KorQuAD dev": {}}
    picks = {}
    for sw in SENTENCE_WEIGHTS:
        for dw in DENSE_SENTENCE_WEIGHTS:
            dev.sentence_weight(sw, dw)
            picks[sw, dw] = choose(dev)
            alone = {"USE alone": ((0, 0, 1.0),) * 2, "e5 alone": ((0, 1.0, 0),) * 2}
            for label, w in (alone | {"chosen": picks[sw, dw]}).items():
                key = f"sentence USE {sw}, e5 {dw}, {label}"
                results["gold dev"][key] = dev.evaluate(*w) | {"weights": w}

    def chosen(p: tuple[float, float]) -> dict:
        return results["gold dev"][f"sentence USE {p[0]}, e5 {p[1]}, chosen"]

    sw, dw = max(picks, key=lambda p: _key(chosen(p), "all"))
    chosen_hangul, chosen_no_hangul = picks[sw, dw]
    print(f"chosen on gold dev: sentence weight USE {sw}, e5 {dw}, weights {chosen_hangul} with "
          f"Hangul, {chosen_no_hangul} without")  # fmt: skip

    variants: dict[str, tuple] = {name: (w, w, "convex") for name, w in ALONE.items()}
    variants["rrf k=10 (1, 1) / (0.25, 1)"] = ((1.0, 1.0, 0), two[1], "rrf")
    variants[f"hybrid {two[0][:2]} / {two[1][:2]}"] = (*two, "convex")
    variants |= {f"hangul {n}": (w, chosen_no_hangul, "convex") for n, w in HANGUL_GRID.items()}
    variants |= {f"no-hangul {n}": (chosen_hangul, w, "convex")
                 for n, w in NO_HANGUL_GRID.items()}  # fmt: skip
    variants["chosen"] = (chosen_hangul, chosen_no_hangul, "convex")
    report_only = ("bm25 alone", "e5 alone", "USE alone", "rrf", "hybrid", "chosen")

    settings = settings.model_copy(
        update={"cross_sentence_weight": sw, "dense_sentence_weight": dw}
    )
    dev.sentence_weight(sw, dw)
    test.sentence_weight(sw, dw)
    kq = korquad_set(args.korquad, args.max_queries, settings, args.korquad_index)
    for name, data in (("gold dev", dev), ("gold test", test), ("KorQuAD dev", kq)):
        print(f"\n{name} ({len(data.queries)} queries): R@1 / R@5 / R@10 / MRR@10")
        for label, (w, w_no, method) in variants.items():
            if name != "gold dev" and not label.startswith(report_only):
                continue  # the grids only where weights are chosen
            results[name][label] = data.evaluate(w, w_no, method) | {
                "weights": w, "weights_no_hangul": w_no, "method": method}  # fmt: skip
        for label, result in results[name].items():
            print(_line(label, result), flush=True)
    args.out.write_text(_markdown(results, (sw, dw), chosen_hangul, chosen_no_hangul), "utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
