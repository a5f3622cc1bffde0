"""Load benchmark of the HTTP API: throughput and latency of /ask and /search under concurrency.

Run: .venv/bin/python benchmarks/load.py [--runs 3] [--requests 200] [--duration 60] [--port 0]
     (also --levels 1 8 32, --endpoints /ask /search, --index DIR, --out FILE)

Starts its own `clusterqa serve` on a loopback port (over a temporary copy of the index, so the
source index is never served or touched), waits for /health, warms both endpoints up, then for
each run, each concurrency level (1, 8, 32 clients) and each endpoint sends at most --requests
requests or for at most --duration seconds, whichever comes first. Questions are taken
round-robin from corpus/gold/*.jsonl. Reports throughput (req/s), p50/p95/p99 latency (ms) and
errors (non-2xx or exceptions) per endpoint and level as medians over runs, and writes
benchmarks/results/load.json and benchmarks/results/load.md. The server is stopped at the end,
also on error or Ctrl-C.

The load generator is one asyncio process (httpx.AsyncClient, one connection per client) on the
same machine as the server, so on a small machine it takes some CPU from the server.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from clusterqa.config import Settings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
HOST = "127.0.0.1"
LEVELS = (1, 8, 32)
ENDPOINTS = {"/ask": "question", "/search": "query"}
WARMUP = 10  # sequential requests per endpoint before measuring (the first ones load models)
REQUEST_TIMEOUT = 60.0


def questions() -> list[str]:
    out = [
        json.loads(line)["question"]
        for f in sorted((ROOT / "corpus" / "gold").glob("*.jsonl"))
        for line in f.read_text("utf-8").splitlines()
        if line.strip()
    ]
    if not out:
        raise SystemExit("no questions in corpus/gold/*.jsonl")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """`clusterqa serve` in a subprocess over a private copy of the index."""

    def __init__(self, index: Path, port: int, workdir: Path) -> None:
        self.index_dir = workdir / "index"
        shutil.copytree(index, self.index_dir)
        self.log_path = workdir / "server.log"
        self.url = f"http://{HOST}:{port}"
        api_key = "load-" + os.urandom(8).hex()
        self.key = {"X-API-Key": api_key}  # for benchmarks that write
        env = {
            **os.environ,
            "CLUSTERQA_INDEX_DIR": str(self.index_dir),
            "CLUSTERQA_API_KEY": api_key,
            "HF_HUB_OFFLINE": "1",
        }
        self._log = self.log_path.open("w")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "clusterqa.cli", "serve", "--host", HOST, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 180.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                r = httpx.get(f"{self.url}/health", timeout=2)
                if r.status_code == 200:
                    return r.json()
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"server not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def rss_mib(self) -> dict[str, float]:
        """Resident memory of the server now and at its peak (Linux /proc)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
        fields = dict(line.split(":", 1) for line in status)
        kib = {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}
        return {
            "rss_mib": round(kib["VmRSS"] / 1024, 1),
            "peak_rss_mib": round(kib["VmHWM"] / 1024, 1),
            # file-backed: pages of memory-mapped files (the token tables) and of libraries
            "anon_mib": round(kib["RssAnon"] / 1024, 1),
            "file_mib": round(kib["RssFile"] / 1024, 1),
        }

    def log_tail(self, lines: int = 40) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


async def level(
    url: str, endpoint: str, clients: int, qs: list[str], requests: int, duration: float
) -> dict:
    """`clients` concurrent closed-loop clients share a budget of `requests` and `duration`."""
    field = ENDPOINTS[endpoint]
    counter = itertools.count()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timeout = httpx.Timeout(REQUEST_TIMEOUT)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        started = time.perf_counter()
        stop_at = started + duration

        async def worker() -> None:
            while time.perf_counter() < stop_at:
                i = next(counter)
                if i >= requests:
                    return
                body = {field: qs[i % len(qs)]}
                t = time.perf_counter()
                try:
                    r = await client.post(endpoint, json=body)
                    await r.aread()
                    ok = 200 <= r.status_code < 300
                    kind = None if ok else f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    kind = type(exc).__name__
                if kind is None:
                    latencies.append((time.perf_counter() - t) * 1000)
                else:
                    errors[kind] = errors.get(kind, 0) + 1

        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    done = len(latencies) + sum(errors.values())
    return {
        "requests": done,
        "ok": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "elapsed_s": round(elapsed, 3),
        "throughput_rps": round(len(latencies) / elapsed, 2) if elapsed else 0.0,
        **{
            f"p{p}_ms": round(percentile(latencies, p), 1) if latencies else None
            for p in (50, 95, 99)
        },
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
    }


def warm_up(url: str, qs: list[str], endpoints: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        for endpoint in endpoints:
            for q in qs[:WARMUP]:
                client.post(endpoint, json={ENDPOINTS[endpoint]: q}).raise_for_status()


def median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r[key] is not None]
    return round(statistics.median(values), 2) if values else None


def summarise(raw: dict[str, dict[int, list[dict]]]) -> dict:
    out: dict = {}
    for endpoint, by_level in raw.items():
        for clients, runs in by_level.items():
            out.setdefault(endpoint, {})[str(clients)] = {
                "throughput_rps": median_of(runs, "throughput_rps"),
                "p50_ms": median_of(runs, "p50_ms"),
                "p95_ms": median_of(runs, "p95_ms"),
                "p99_ms": median_of(runs, "p99_ms"),
                "errors_median": median_of(runs, "errors"),
                "errors_total": sum(r["errors"] for r in runs),
                "requests_per_run": median_of(runs, "requests"),
            }
    return out


def markdown(result: dict) -> str:
    cfg, machine, server = result["config"], result["machine"], result["server"]
    lines = [
        "# Load benchmark (`benchmarks/load.py`)",
        "",
        f"{machine['cpus']} CPUs, {machine['platform']}; one uvicorn worker "
        f"(embedding threads per call: {server['embed_threads']}); load generator on the same "
        f"machine. Cold start to first answer {server['cold_start_to_first_answer_s']} s; "
        f"server RSS {server['rss_mib']} MiB after the run (peak {server['peak_rss_mib']}). "
        f"1-min load average {machine['loadavg_1m_before']} before, "
        f"{machine['loadavg_1m_after']} after. Medians over {cfg['runs']} runs; per run, endpoint "
        f"and level at most {cfg['requests']} requests or {cfg['duration_s']:.0f} s. "
        "Errors: total over all runs.",
        "",
        "| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint, by_level in result["summary"].items():
        for clients, s in by_level.items():
            lines.append(
                f"| `{endpoint}` | {clients} | {s['throughput_rps']} | {s['p50_ms']} | "
                f"{s['p95_ms']} | {s['p99_ms']} | {s['errors_total']} |"
            )
    ask = result["summary"].get("/ask", {})
    if "8" in ask and "32" in ask:  # the targets are about /ask at both levels
        p95, errors = ask["8"]["p95_ms"], ask["32"]["errors_total"]
        lines += [
            "",
            f"Targets: `/ask` p95 ≤ 100 ms at 8 clients → {p95} ms "
            f"({'met' if p95 is not None and p95 <= 100 else 'missed'}); "
            f"0 errors at 32 clients → {errors} ({'met' if errors == 0 else 'missed'}).",
        ]
    return "\n".join([*lines, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="cap per run, endpoint, level")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds cap per level")
    parser.add_argument("--port", type=int, default=0, help="server port (0: a free one)")
    parser.add_argument(
        "--index",
        type=Path,
        default=Path(os.environ.get("CLUSTERQA_INDEX_DIR", "index")),
        help="index to copy and serve (default: $CLUSTERQA_INDEX_DIR or index)",
    )
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS))
    parser.add_argument("--endpoints", nargs="+", choices=list(ENDPOINTS), default=list(ENDPOINTS))
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args()
    if not (args.index / "CURRENT").exists():
        raise SystemExit(f"{args.index} holds no index (run `clusterqa ingest` first)")

    # SIGTERM → SystemExit, so the `finally` below stops the server then too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    qs = questions()
    load_before = os.getloadavg()
    port = args.port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="loadidx-"))
    server = None
    try:
        server = Server(args.index, port, workdir)
        health = server.wait_ready()
        # Cold start: process start to the first answer (the model loads on first use).
        httpx.post(f"{server.url}/ask", json={"question": qs[0]}, timeout=REQUEST_TIMEOUT)
        cold_start_s = round(time.perf_counter() - server.started, 2)
        print(f"server ready at {server.url}, first answer after {cold_start_s} s", flush=True)
        warm_up(server.url, qs, args.endpoints)
        raw: dict[str, dict[int, list[dict]]] = {
            e: {c: [] for c in args.levels} for e in args.endpoints
        }
        offset = 0
        for run in range(args.runs):
            for clients in args.levels:
                for endpoint in args.endpoints:
                    # A different slice of questions each time, so runs are not pure repeats.
                    rotated = qs[offset % len(qs) :] + qs[: offset % len(qs)]
                    offset += 37
                    r = asyncio.run(
                        level(server.url, endpoint, clients, rotated, args.requests, args.duration)
                    )
                    raw[endpoint][clients].append(r)
                    print(
                        f"run {run + 1}/{args.runs} {endpoint:7} clients={clients:2}: "
                        f"{r['throughput_rps']:6.1f} req/s  p50 {r['p50_ms']} ms  "
                        f"p95 {r['p95_ms']} ms  p99 {r['p99_ms']} ms  errors {r['errors']} "
                        f"({r['requests']} requests in {r['elapsed_s']} s)",
                        flush=True,
                    )
                    if r["error_kinds"]:
                        print(f"    error kinds: {r['error_kinds']}", flush=True)
        if server.proc.poll() is not None:
            raise RuntimeError(f"server died during the run:\n{server.log_tail()}")
        memory = server.rss_mib()
    except BaseException:
        if server is not None:
            print(f"--- server log tail ---\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    result = {
        "config": {
            "runs": args.runs,
            "requests": args.requests,
            "duration_s": args.duration,
            "levels": args.levels,
            "endpoints": args.endpoints,
            "warmup_per_endpoint": WARMUP,
            "questions": len(qs),
            "request_timeout_s": REQUEST_TIMEOUT,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            # Other work on the machine skews the figures; the 1-minute load average says how much.
            "loadavg_1m_before": round(load_before[0], 2),
            "loadavg_1m_after": round(os.getloadavg()[0], 2),
        },
        "server": {
            "workers": 1,
            "embed_threads": Settings().embed_threads,  # the server reads the same settings
            "cold_start_to_first_answer_s": cold_start_s,
            **memory,
            "model": health.get("model"),
            "chunks": health.get("chunks"),
        },
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "summary": summarise(raw),
        "runs": {e: {str(c): v for c, v in by.items()} for e, by in raw.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    args.out.with_suffix(".md").write_text(markdown(result), "utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
