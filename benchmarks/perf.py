"""Speed and memory figures for the slice: ingest, embedding, search latency, RSS.

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


def warm_process(index_dir: str, queries: list[str]) -> tuple[list[float], float, float]:
    """In one process holding the index: per-query hybrid search latency (ms), its peak RSS
    (MiB) and passage-embedding throughput (chunks/s) over the whole corpus."""
    code = f"""
import json, resource, sys, time
from clusterqa.config import Settings
from clusterqa.search import Searcher
s = Searcher.open(Settings(index_dir={index_dir!r}))
qs = json.loads(sys.stdin.read())
s.search(qs[0], 10)
texts = [c.text for c in s.snapshot.chunks]
t = time.perf_counter(); s.retriever._legs[1]._embedder.embed_passages(texts)
embed_rate = len(texts) / (time.perf_counter() - t)
out = []
for q in qs:
    t = time.perf_counter(); s.search(q, 10); out.append((time.perf_counter() - t) * 1000)
print(json.dumps([out, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, embed_rate]))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
    )
    latencies, rss, rate = json.loads(proc.stdout.strip().splitlines()[-1])
    return latencies, rss, rate


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
            latencies, rss, rate = warm_process(tmp, questions)
            q = statistics.quantiles(latencies, n=100, method="inclusive")
            add("search_p50_ms", []).append(q[49])
            add("search_p95_ms", []).append(q[94])
            add("rss_mib", []).append(rss)
            add("embed_chunks_per_s", []).append(rate)
            print(
                f"run {run + 1}: " + ", ".join(f"{k}={v[-1]:.1f}" for k, v in figures.items()),
                flush=True,
            )
    result = {k: round(statistics.median(v), 2) for k, v in figures.items()}
    result |= {"queries_per_run": len(questions), "runs": args.runs}
    out = ROOT / "benchmarks" / "results" / "perf.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
