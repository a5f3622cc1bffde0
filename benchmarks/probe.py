"""Black-box probe of the HTTP API: hostile and edge-case requests, and the status each gets.

Run: .venv/bin/python benchmarks/probe.py [--src DIR] [--index DIR] [--out FILE]
     .venv/bin/python benchmarks/probe.py --url http://HOST:PORT --api-key KEY [--destructive]

Without --url it starts `clusterqa serve` from the code in --src (default: this checkout; any
other checkout, e.g. a `git worktree` of an older commit, runs with PYTHONPATH=DIR/src:DIR) over
a temporary copy of --index (default: index/), with CLUSTERQA_MAX_FILE_BYTES from probes.json
(1 MB, so the oversize upload stays small) and a random API key, and stops it at the end. With
--url it probes that server instead and skips the probes that overwrite a bundled document
unless --destructive is given.

The probes come from benchmarks/probes.json (its "_about" explains the placeholders): bad JSON
bodies on /ask, /search and /cite (sent as raw bytes, so lone surrogates and NaN/Infinity reach
the server literally), document text ranges, security headers, 32 concurrent /ask clients and
uploads (big bodies without a key, oversize, bad types and names, a bundled document's name).
Every probe fails on a 5xx or a transport error; most also expect a status. Prints a markdown
table and a summary, and writes both as JSON to --out (default benchmarks/results/probe.json).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import re
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

ROOT = Path(__file__).resolve().parents[1]
PROBES = Path(__file__).with_name("probes.json")
HOST = "127.0.0.1"
MIB = 1024 * 1024
FILLER = b"clusterqa probe filler line\n"
TIMEOUT = httpx.Timeout(300.0, connect=10.0)


class Server:
    """`clusterqa serve` from the code in `src`, over a private copy of the index."""

    def __init__(self, src: Path, index: Path, workdir: Path, max_file_bytes: int) -> None:
        self.workdir = workdir
        self.index_dir = workdir / "index"
        shutil.copytree(index, self.index_dir)
        self.api_key = "probe-" + os.urandom(8).hex()
        port = free_port()
        self.url = f"http://{HOST}:{port}"
        self.log_path = workdir / "server.log"
        self._log = self.log_path.open("w")
        env = {
            **os.environ,
            "PYTHONPATH": f"{src / 'src'}{os.pathsep}{src}",
            "CLUSTERQA_INDEX_DIR": str(self.index_dir),
            "CLUSTERQA_API_KEY": self.api_key,
            "CLUSTERQA_MAX_FILE_BYTES": str(max_file_bytes),
            "HF_HUB_OFFLINE": "1",
        }
        cmd = [sys.executable, "-m", "clusterqa.cli", "serve", "--host", HOST, "--port", str(port)]
        self.proc = subprocess.Popen(
            cmd, cwd=src, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.log()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"server not ready within {timeout:.0f} s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def subst(template: str, ctx: dict[str, str]) -> str:
    """$NAME from ctx, then $R(s*n) → s repeated n times; $B(..) is left for raw()."""
    text = re.sub(r"\$([A-Z][A-Z0-9]*)(?!\()", lambda m: ctx.get(m[1], m[0]), template)
    return re.sub(r"\$R\((.+?)\*(\d+)\)", lambda m: m[1] * int(m[2]), text)


def raw(template: str, ctx: dict[str, str]) -> bytes:
    """The body as bytes: UTF-8, with $B(hh ..) as raw bytes 0x80-0xff (via surrogateescape)."""
    text = re.sub(
        r"\$B\(([0-9a-fA-F ]+)\)",
        lambda m: "".join(chr(0xDC00 + b) for b in bytes.fromhex(m[1])),
        subst(template, ctx),
    )
    return text.encode("utf-8", "surrogateescape")


def matches(expect, status: int) -> bool:
    if expect is None:
        return True
    if isinstance(expect, str):  # "2xx", "4xx"
        return str(status)[0] == expect[0]
    return status in (expect if isinstance(expect, list) else [expect])


def missing_headers(headers: httpx.Headers, wanted: list[str]) -> list[str]:
    csp = headers.get("content-security-policy", "")
    out = []
    for spec in wanted:
        names = spec.split("|")
        if not any(n in headers or (n == "frame-ancestors" and n in csp) for n in names):
            out.append(spec)
    return out


def row(group, name, method, path, status, nbytes, ms, ok, note="", **extra) -> dict:
    return {
        "group": group,
        "name": name,
        "method": method,
        "path": path if len(path) <= 80 else path[:77] + "...",
        "status": status,
        "bytes": nbytes,
        "ms": round(ms, 1),
        "ok": ok,
        "note": note,
        **extra,
    }


def probe(client, group, p, ctx, headers=None, content=b"", **check) -> dict:
    method, path = p.get("method", "POST"), subst(p["path"], ctx)
    hdrs = {k: subst(v, ctx) for k, v in {**p.get("headers", {}), **(headers or {})}.items()}
    t = time.perf_counter()
    try:
        r = client.request(method, path, content=content or None, headers=hdrs)
    except httpx.HTTPError as exc:
        ms = (time.perf_counter() - t) * 1000
        return row(group, p["name"], method, path, f"ERR:{type(exc).__name__}", 0, ms, False)
    ms = (time.perf_counter() - t) * 1000
    ok, notes = r.status_code < 500 and matches(p.get("expect"), r.status_code), []
    if (limit := check.get("max_body_bytes")) and len(r.content) > limit:
        ok = False
        notes.append(f"body > {limit:,} B")
    if wanted := check.get("require_headers"):
        if missing := missing_headers(r.headers, wanted):
            ok = False
            notes.append("missing " + ", ".join(missing))
        else:
            notes.append("all security headers present")
    if not ok and not notes and r.status_code < 500:
        notes.append(f"expected {p.get('expect')}")
    if r.status_code >= 500:
        notes.append(r.text[:80].replace("\n", " "))
    return row(
        group, p["name"], method, path, r.status_code, len(r.content), ms, ok, "; ".join(notes)
    )


def multipart(parts: list[dict], ctx: dict[str, str], boundary: str) -> list:
    """Chunks of a multipart/form-data body: bytes, or an int (that many filler bytes)."""
    out: list = []
    for part in parts:
        disp = f'form-data; name="{part.get("field", "file")}"'
        if part["filename"] is not None:
            disp += f'; filename="{subst(part["filename"], ctx)}"'
        head = f"--{boundary}\r\nContent-Disposition: {disp}\r\n"
        head += "Content-Type: application/octet-stream\r\n\r\n"
        out.append(head.encode())
        data = part["data"]
        if "size" in data:
            out.append(int(subst(str(data["size"]), ctx)))
        elif "hex" in data:
            out.append(bytes.fromhex(data["hex"]))
        else:
            out.append(data["text"].encode(data.get("encoding", "utf-8")))
        out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return out


def upload(client, u: dict, ctx: dict[str, str], api_key: str) -> dict:
    path = "/documents" + (f"?{u['query']}" if u.get("query") else "")
    headers = {"X-API-Key": {"none": None, "wrong": "wrong-key", "right": api_key}[u["key"]]}
    headers = {k: v for k, v in headers.items() if v}
    if "raw_json" in u:
        chunks = [u["raw_json"].encode()]
        headers["Content-Type"] = "application/json"
    else:
        boundary = "probe" + os.urandom(8).hex()
        chunks = multipart(u["parts"], ctx, boundary)
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    total = sum(c if isinstance(c, int) else len(c) for c in chunks)
    if not u.get("chunked"):
        headers["Content-Length"] = str(total)
    sent = 0
    block = FILLER * (MIB // len(FILLER) + 1)

    def body():
        nonlocal sent
        for c in chunks:
            if isinstance(c, int):
                for i in range(0, c, MIB):
                    piece = block[: min(MIB, c - i)]
                    yield piece
                    sent += len(piece)
            else:
                yield c
                sent += len(c)

    t = time.perf_counter()
    status, nbytes, text = None, 0, ""
    try:
        r = client.post(path, content=body(), headers=headers)
        status, nbytes, text = r.status_code, len(r.content), r.text
    except httpx.HTTPError as exc:
        # Closed before the whole body went out: the server refused to read it (a pass if a 4xx
        # was expected); closed after it all went out: a failure like any other.
        status = "closed" if sent < total else f"ERR:{type(exc).__name__}"
    ms = (time.perf_counter() - t) * 1000
    expect = u.get("expect")
    if isinstance(status, int):
        ok = status < 500 and matches(expect, status)
    else:
        ok = status == "closed" and expect is not None and matches(expect, 400)
    notes = [] if ok or not isinstance(status, int) or status >= 500 else [f"expected {expect}"]
    if isinstance(status, int) and status >= 500:
        notes.append(text[:80].replace("\n", " "))
    extra = {"sent_bytes": sent, "body_total_bytes": total, "read_all": sent == total}
    if u.get("timed"):
        notes.append(f"sent {sent / MIB:.1f}/{total / MIB:.1f} MiB")
    if isinstance(status, int) and 200 <= status < 300:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            extra["doc_id"] = json.loads(text)["doc_id"]
        if extra.get("doc_id"):
            notes.append(f"doc_id {extra['doc_id']!r}")
    return row(
        "uploads", u["name"], "POST", path, status, nbytes, ms, ok, "; ".join(notes), **extra
    )


async def concurrency(url: str, spec: dict) -> dict:
    statuses: collections.Counter = collections.Counter()
    latencies: list[float] = []
    field = "question" if spec["endpoint"] == "/ask" else "query"
    limits = httpx.Limits(max_connections=spec["clients"])
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT, limits=limits) as client:

        async def worker(w: int) -> None:
            for i in range(spec["requests_each"]):
                q = spec["questions"][(w + i) % len(spec["questions"])]
                t = time.perf_counter()
                try:
                    r = await client.post(spec["endpoint"], json={field: q})
                    statuses[r.status_code] += 1
                except httpx.HTTPError as exc:
                    statuses[f"ERR:{type(exc).__name__}"] += 1
                latencies.append((time.perf_counter() - t) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(spec["clients"])))
        elapsed = (time.perf_counter() - t0) * 1000
    n = sum(statuses.values())
    errors = sum(v for k, v in statuses.items() if not (isinstance(k, int) and k < 300))
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
    name = f"{spec['clients']} clients x {spec['requests_each']} {spec['endpoint']}"
    note = f"errors {errors}/{n}; statuses {dict(statuses)}; p95 {p95:.0f} ms"
    status = statuses.most_common(1)[0][0]
    return row("concurrency", name, "POST", spec["endpoint"], status, 0, elapsed, errors == 0, note)


def run(url: str, api_key: str, spec: dict, destructive: bool) -> list[dict]:
    rows: list[dict] = []
    # A fresh connection per request: a server that drops a kept-alive connection after a 500
    # would otherwise fail the next probe instead.
    limits = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=url, timeout=TIMEOUT, limits=limits) as client:
        docs = client.get("/documents").json()
        ids = [d["doc_id"] for d in docs]
        ctx = {
            "KEY": api_key,
            "MAX": str(spec["max_query_chars"]),
            "MAX1": str(spec["max_query_chars"] + 1),
            "MAXFILE1": str(spec["max_file_bytes"] + 1),
            "DOC": ids[0],
            "LEN": str(docs[0]["characters"]),
            "LEN1": str(docs[0]["characters"] + 1),
        }
        client.post("/ask", json={"question": spec["concurrency"]["questions"][0]})  # warm up
        for p in spec["misc"]:
            rows.append(probe(client, "misc", p, ctx))
        for p in spec["headers"]:
            rows.append(probe(client, "headers", p, ctx, require_headers=spec["security_headers"]))
        for p in spec["documents"]:
            rows.append(probe(client, "documents", p, ctx))
        for doc_id in ids:
            for p in spec["per_document"]:
                one = {**p, "name": p["name"].replace("$DOC", doc_id)}
                rows.append(probe(client, "documents", one, {**ctx, "DOC": doc_id}))
        for endpoint, field in spec["text_endpoints"].items():
            for case in spec["text_cases"]:
                p = {**case, "name": f"{endpoint} {case['name']}", "path": endpoint}
                ct = case.get("content_type", "application/json")
                rows.append(
                    probe(
                        client,
                        "json",
                        p,
                        ctx,
                        headers={"Content-Type": ct} if ct else {},
                        content=raw(case["body"], {**ctx, "F": field}),
                        max_body_bytes=case.get("max_body_bytes"),
                    )
                )
        rows.append(asyncio.run(concurrency(url, spec["concurrency"])))
        for u in spec["uploads"]:
            if u.get("destructive") and not destructive:
                continue
            rows.append(upload(client, u, ctx, api_key))
        for doc_id in dict.fromkeys(r["doc_id"] for r in rows if r.get("doc_id")):
            p = {"name": f"delete upload {doc_id}", "method": "DELETE", "expect": 204}
            p["path"], p["headers"] = f"/documents/{doc_id}", {"X-API-Key": "$KEY"}
            rows.append(probe(client, "cleanup", p, ctx))
        health = {"name": "GET /health after all probes", "method": "GET", "path": "/health"}
        rows.append(probe(client, "cleanup", {**health, "expect": 200}, ctx))
    return rows


def summarise(rows: list[dict]) -> dict:
    def status5xx(r):
        return isinstance(r["status"], int) and r["status"] >= 500

    by_name = {r["name"]: r for r in rows}
    return {
        "probes": len(rows),
        "5xx": sum(map(status5xx, rows)),
        "transport_errors": sum(str(r["status"]).startswith("ERR") for r in rows),
        "failing_expectation": sum(not r["ok"] for r in rows),
        "5xx_probes": [r["name"] for r in rows if status5xx(r)],
        "failing_probes": [f"{r['name']} -> {r['status']}" for r in rows if not r["ok"]],
        "uploads_timed": {
            r["name"]: {k: r[k] for k in ("status", "ms", "sent_bytes", "body_total_bytes")}
            for r in rows
            if r["group"] == "uploads" and r["body_total_bytes"] > 1_000_000
        },
        "22MB_text_response_bytes": {
            n.split()[0]: r["bytes"] for n, r in by_name.items() if n.endswith(" 22 MB text")
        },
    }


def markdown(rows: list[dict], summary: dict) -> str:
    lines = [
        "| # | group | probe | status | bytes | ms | ok | note |",
        "|---|---|---|---|---:|---:|---|---|",
    ]
    for i, r in enumerate(rows, 1):
        cells = [
            i,
            r["group"],
            r["name"],
            r["status"],
            r["bytes"],
            r["ms"],
            "pass" if r["ok"] else "FAIL",
            r["note"],
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    lines += [
        "",
        f"{summary['probes']} probes, {summary['5xx']} with a 5xx, "
        f"{summary['transport_errors']} transport errors, "
        f"{summary['failing_expectation']} failing their expectation.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT, help="checkout whose code to serve")
    parser.add_argument("--index", type=Path, default=ROOT / "index", help="index to copy")
    parser.add_argument("--url", help="probe this running server instead of starting one")
    parser.add_argument("--api-key", default=os.environ.get("CLUSTERQA_API_KEY", ""))
    parser.add_argument("--destructive", action="store_true", help="with --url: overwrite docs")
    parser.add_argument("--probes", type=Path, default=PROBES)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "probe.json")
    args = parser.parse_args()
    spec = json.loads(args.probes.read_text("utf-8"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the server

    server, workdir, extra = None, None, {}
    x_before = Path("/tmp/x.txt").stat().st_mtime if Path("/tmp/x.txt").exists() else None
    try:
        if args.url:
            url, key, destructive = args.url.rstrip("/"), args.api_key, args.destructive
        else:
            workdir = Path(tempfile.mkdtemp(prefix="probeidx-"))
            server = Server(args.src.resolve(), args.index, workdir, spec["max_file_bytes"])
            server.wait_ready()
            url, key, destructive = server.url, server.api_key, True
        print(f"probing {url}", flush=True)
        rows = run(url, key, spec, destructive)
        if server is not None:
            log = server.log()
            stray = [
                str(p.relative_to(workdir))
                for p in workdir.rglob("*")
                if p.is_file() and p.parts[len(workdir.parts)] not in ("index", "server.log")
            ]
            x_after = Path("/tmp/x.txt").stat().st_mtime if Path("/tmp/x.txt").exists() else None
            if x_after != x_before:
                stray.append("/tmp/x.txt")
            raised = re.findall(r"^([A-Za-z_][\w.]*(?:Error|Exception)\w*: .{0,100})", log, re.M)
            extra = {
                "server_tracebacks": log.count("Traceback (most recent call last)"),
                "server_exceptions": dict(collections.Counter(raised).most_common()),
                "files_written_outside_index": stray,
                "server_alive_at_end": server.proc.poll() is None,
            }
    except BaseException:
        if server is not None:
            print(f"--- server log tail ---\n{server.log()[-3000:]}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)

    summary = summarise(rows) | extra
    result = {
        "config": {"src": str(args.src), "url": args.url, "probes_file": str(args.probes)},
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "summary": summary,
        "probes": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(markdown(rows, summary))
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
