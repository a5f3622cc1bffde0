"""Speed and memory figures: ingest, embedding, search and ask latency, RSS, venv size.

Run: .venv/bin/python benchmarks/perf.py [--runs 3]. Prints medians over runs and writes
benchmarks/results/perf.json. Each run uses a fresh temporary index of corpus/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "clusterqa.cli"]


def timed(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(CLI + args, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def warm_process(index_dir: str, queries: list[str]) -> dict:
    """In one process holding the index: per-query hybrid search and ask latency (ms, each
    question once, so no answer is served from a warm cache twice), peak RSS (MiB) and
    passage-embedding throughput (chunks/s) over the whole corpus."""
    code = f"""
import json, resource, sys, time
from clusterqa.answering.answer import ask
from clusterqa.config import Settings
from clusterqa.embedders.base import query_vector
from clusterqa.embedders.factory import make_embedder
from clusterqa.search import Searcher
settings = Settings(index_dir={index_dir!r})
s = Searcher.open(settings)
qs = json.loads(sys.stdin.read())
s.search(qs[0], 10)
ask(s, qs[0])  # loads the reader once, as the first request of a server would
texts = [c.text for c in s.snapshot.chunks]
t = time.perf_counter(); make_embedder(settings).embed_passages(texts)
embed_rate = len(texts) / (time.perf_counter() - t)
search, answer = [], []
for q in qs:
    t = time.perf_counter(); s.search(q, 10); search.append((time.perf_counter() - t) * 1000)
    query_vector.cache_clear()  # ask encodes its question itself, as a fresh request would
    t = time.perf_counter(); ask(s, q); answer.append((time.perf_counter() - t) * 1000)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(search=search, ask=answer, rss=rss, rate=embed_rate)))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def percentiles(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    questions = [
        json.loads(line)["question"]
        for f in sorted((ROOT / "corpus" / "gold").glob("*.jsonl"))
        for line in f.read_text("utf-8").splitlines()
    ]
    figures: dict[str, list[float]] = {}
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "CLUSTERQA_INDEX_DIR": tmp}
            add = figures.setdefault
            add("ingest_cold_s", []).append(timed(["ingest", "corpus", "--quiet"], env))
            add("ingest_noop_s", []).append(timed(["ingest", "corpus", "--quiet"], env))
            warm = warm_process(tmp, questions)
            for name in ("search", "ask"):
                p50, p95 = percentiles(warm[name])
                add(f"{name}_p50_ms", []).append(p50)
                add(f"{name}_p95_ms", []).append(p95)
            add("rss_mib", []).append(warm["rss"])
            add("embed_chunks_per_s", []).append(warm["rate"])
            print(
                f"run {run + 1}: " + ", ".join(f"{k}={v[-1]:.1f}" for k, v in figures.items()),
                flush=True,
            )
    result = {k: round(statistics.median(v), 2) for k, v in figures.items()}
    venv = subprocess.run(["du", "-sm", sys.prefix], capture_output=True, text=True, check=True)
    result |= {
        "venv_mib": int(venv.stdout.split()[0]),
        "queries_per_run": len(questions),
        "runs": args.runs,
    }
    out = ROOT / "benchmarks" / "results" / "perf.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
