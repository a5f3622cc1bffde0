"""Memory benchmark of the HTTP API: server RSS from start through upload churn to rest.

Run: .venv/bin/python benchmarks/memory.py [--cycles 20] [--readers 8] [--index DIR] [--out FILE]

Starts its own `clusterqa serve` over a temporary copy of the index (`load.py`'s Server), asks
every gold question once (warm-up: every model loaded and used), then uploads and deletes a
document of about 100 chunks `--cycles` times while `--readers` clients keep asking, sampling
the server's RSS every half second, and finally lets it rest. The churn document is made of the
bundled reports' own text under a new name. Writes benchmarks/results/memory.json and .md.
Targets (issue 14): RSS after the churn within 10 % of RSS after warm-up; at rest ≤ 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from load import HOST, REQUEST_TIMEOUT, RESULTS, ROOT, Server, free_port, questions

from clusterqa.config import Settings

REST_S = 10.0
UPLOAD_S = 900.0  # an upload re-indexes under the readers' load; on 2 cores that takes a while
GB = 1e9


def churn_document(chunks: int, settings: Settings) -> bytes:
    """About `chunks` chunks of real report text (chunk size minus overlap per chunk)."""
    text = "\n\n".join(p.read_text("utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))
    size = chunks * (settings.chunk_size - settings.chunk_overlap)
    return ("메모리 측정용 문서\n\n" + text[:size]).encode()


def readers(url: str, qs: list[str], count: int, stop: threading.Event) -> tuple[list, dict]:
    errors: dict[str, int] = {}
    done = [0]

    def loop(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
            i = offset
            while not stop.is_set():
                try:
                    r = client.post("/ask", json={"question": qs[i % len(qs)]})
                    kind = None if r.status_code == 200 else f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    kind = type(exc).__name__
                if kind:
                    errors[kind] = errors.get(kind, 0) + 1
                done[0] += 1
                i += count

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    return threads, {"errors": errors, "done": done}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--chunks", type=int, default=100)
    parser.add_argument(
        "--index", type=Path, default=Path(os.environ.get("CLUSTERQA_INDEX_DIR", "index"))
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "memory.json")
    args = parser.parse_args()
    if not (args.index / "CURRENT").exists():
        raise SystemExit(f"{args.index} holds no index (run `clusterqa ingest` first)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    qs = questions()
    document = churn_document(args.chunks, Settings())
    workdir = Path(tempfile.mkdtemp(prefix="memidx-"))
    server = None
    curve: list[tuple[float, float, float]] = []  # seconds, RSS, anonymous RSS
    marks: dict[str, float] = {}
    split: dict[str, tuple[float, float]] = {}  # anonymous and file-backed RSS at each mark
    try:
        server = Server(args.index, free_port(), workdir)
        server.wait_ready()
        t0 = time.perf_counter()

        def sample(mark: str | None = None) -> float:
            now = server.rss_mib()
            rss = now["rss_mib"]
            curve.append((round(time.perf_counter() - t0, 1), rss, now["anon_mib"]))
            if mark:
                marks[mark] = rss
                split[mark] = (now["anon_mib"], now["file_mib"])
            return rss

        sample("start")
        # The first answer loads every model, slow on a busy machine: this client waits long.
        with httpx.Client(base_url=server.url, timeout=UPLOAD_S) as client:
            for q in qs:
                client.post("/ask", json={"question": q}).raise_for_status()
            sample("after warm-up")
            stop = threading.Event()
            threads, stats = readers(server.url, qs, args.readers, stop)
            chunks = 0
            for cycle in range(args.cycles):
                files = {"file": ("memory-churn.txt", document, "text/plain")}
                r = client.post("/documents", files=files, headers=server.key)
                r.raise_for_status()
                chunks = r.json()["chunks"]
                sample()
                client.delete("/documents/memory-churn", headers=server.key).raise_for_status()
                print(f"cycle {cycle + 1}/{args.cycles}: RSS {sample():.0f} MiB", flush=True)
            stop.set()
            for t in threads:
                t.join()
            sample("after churn")
            time.sleep(REST_S)
            sample("at rest")
        peak = server.rss_mib()["peak_rss_mib"]
    except BaseException:
        if server is not None:
            print(f"--- server log tail ---\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    growth = marks["after churn"] / marks["after warm-up"] - 1
    rest_gb = marks["at rest"] * 2**20 / GB
    result = {
        "config": vars(args) | {"index": str(args.index), "out": str(args.out)},
        "churn_document_chunks": chunks,
        "rss_mib": marks,
        "anon_file_mib": split,
        "peak_rss_mib": peak,
        "growth_after_churn": round(growth, 4),
        "at_rest_gb": round(rest_gb, 3),
        "readers": {"requests": stats["done"][0], "errors": stats["errors"]},
        "targets": {"growth_within_10pct": growth <= 0.10, "at_rest_le_1_5_gb": rest_gb <= 1.5},
        "curve": curve,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    lines = [
        "# Memory benchmark (`benchmarks/memory.py`)",
        "",
        f"Server RSS (MiB) on {HOST}, {args.cycles} uploads and deletes of a {chunks}-chunk "
        f"document under {args.readers} reading clients ({stats['done'][0]} answers, errors "
        f"{stats['errors'] or 0}); peak {peak} MiB.",
        "",
        "| point | RSS MiB | anonymous | file-backed |",
        "|---|---:|---:|---:|",
        *(f"| {k} | {v} | {split[k][0]} | {split[k][1]} |" for k, v in marks.items()),
        "",
        f"Growth after churn {growth:+.1%} (target ≤ +10 %); at rest {rest_gb:.2f} GB "
        "(target ≤ 1.5 GB).",
        "",
    ]
    args.out.with_suffix(".md").write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
