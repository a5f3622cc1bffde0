"""Corruption table: what `clusterqa ask` and `clusterqa serve` do over a damaged index.

Run: .venv/bin/python benchmarks/corruption.py [--index DIR] [--serve-timeout 60]

For each case (every snapshot file missing, truncated to half, replaced by random bytes of the
same size, or with one bit of its middle byte flipped; a line removed from documents.jsonl or
chunks.jsonl, with and without the manifest's checksums updated to match; CURRENT naming a
missing snapshot; a garbage manifest.json; a stray dense.faiss, which schema 3 no longer reads)
it damages a fresh copy of the index, runs `clusterqa ask QUESTION` and
`clusterqa serve --port <free>` on it, and records the exit code, the first line of the error
message and whether a Python traceback was printed. A server that is still running after
--serve-timeout seconds (so it started on the damaged index) is stopped and recorded as such.

--index is the index to copy (default: the configured one); when it does not load, a fresh
index of corpus/ is built in a temporary directory first (a few minutes on 2 cores). Writes
benchmarks/results/corruption.json and benchmarks/results/corruption.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

from clusterqa.config import Settings
from clusterqa.errors import IndexStateError
from clusterqa.store import DATA_FILES, SCHEMA_VERSION, current_path, load

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
QUESTION = "오송 첨단의료복합단지는 어디에 있나?"
FILES = ("manifest.json", *DATA_FILES)


def _missing(path: Path) -> None:
    path.unlink()


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _random(path: Path) -> None:
    path.write_bytes(np.random.default_rng(0).bytes(path.stat().st_size))


def _flipped(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _drop_line(path: Path) -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    del lines[len(lines) // 2]
    path.write_text("".join(lines), "utf-8")


def _resign(snapshot: Path) -> None:
    """Update the manifest's checksums and CURRENT to the files as they now are, as a buggy
    writer would: only the cross-checks of the data can find such damage."""
    manifest = json.loads((snapshot / "manifest.json").read_text("utf-8"))
    for name in DATA_FILES:
        data = (snapshot / name).read_bytes()
        manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    (snapshot / "manifest.json").write_bytes(raw)
    pointer = f"{snapshot.name} {hashlib.sha256(raw).hexdigest()}\n"
    (snapshot.parent.parent / "CURRENT").write_text(pointer, "utf-8")


def _cases() -> list[tuple[str, str, Callable[[Path, Path], None]]]:
    """(file, damage, damage(index_dir, snapshot_dir))."""
    simple = {
        "missing": _missing,
        "truncated to half": _truncated,
        "random bytes": _random,
        "one bit flipped": _flipped,
    }
    cases: list[tuple[str, str, Callable[[Path, Path], None]]] = []
    for name in FILES:
        for label, damage in simple.items():
            cases.append((name, label, lambda _i, s, n=name, d=damage: d(s / n)))
    for name in ("documents.jsonl", "chunks.jsonl"):
        cases.append((name, "a line removed", lambda _i, s, n=name: _drop_line(s / n)))
        cases.append(
            (
                name,
                "a line removed, checksums updated",
                lambda _i, s, n=name: (_drop_line(s / n), _resign(s)),
            )
        )

    def missing_snapshot(index: Path, _s: Path) -> None:
        (index / "CURRENT").write_text("20990101T000000-1-000000 " + "0" * 64 + "\n", "utf-8")

    cases.append(("CURRENT", "names a missing snapshot", missing_snapshot))
    cases.append(
        (
            "manifest.json",
            "garbage text",
            lambda _i, s: (s / "manifest.json").write_text("{this is not json", "utf-8"),
        )
    )
    cases.append(
        (
            "dense.faiss",
            "stray file of random bytes (no longer read)",
            lambda _i, s: (s / "dense.faiss").write_bytes(os.urandom(4096)),
        )
    )
    return cases


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command() -> list[str]:
    script = Path(sys.executable).with_name("clusterqa")
    return [str(script)] if script.exists() else [sys.executable, "-m", "clusterqa.cli"]


def _stop(proc: subprocess.Popen) -> tuple[str, str]:
    proc.terminate()
    try:
        return proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def _run(args: list[str], env: dict, timeout: float, port: int | None = None) -> dict:
    """Run a CLI command. With `port` (serve), a server that answers /health, or is still
    running at `timeout`, is stopped and recorded with exit None."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [*_command(), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    code: int | None = None
    if port is None:
        try:
            out, err = proc.communicate(timeout=timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            out, err = _stop(proc)
    else:
        while proc.poll() is None and time.monotonic() - started < timeout:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.25)
        if proc.poll() is None:
            out, err = _stop(proc)
        else:
            out, err = proc.communicate()
            code = proc.returncode
    return {
        "exit": code,
        "seconds": round(time.monotonic() - started, 1),
        "stderr": err,
        "stdout_head": out[:500],
        "traceback": "Traceback (most recent call last)" in err,
        "message": next((line for line in err.splitlines() if line.strip()), ""),
    }


def _shorten(message: str, index: Path, snapshot: str, paths: list[str]) -> str:
    """The message with the long parts (index directory, snapshot name, indexed files)
    replaced by placeholders, for the table."""
    text = (
        message.replace(" ".join(paths), f"<the {len(paths)} indexed files>") if paths else message
    )
    text = text.replace(str(index), "<index>").replace(snapshot, "<snapshot>")
    return re.sub(r"\s+", " ", text).replace("|", "\\|")


def _source_index(requested: Path | None, tmp: Path) -> Path:
    index = requested or Settings().index_dir
    try:
        load(index)
        return index
    except IndexStateError as exc:
        print(f"{index} does not load ({exc}); building a fresh index of corpus/", flush=True)
    fresh = tmp / "source-index"
    env = {**os.environ, "CLUSTERQA_INDEX_DIR": str(fresh)}
    subprocess.run([*_command(), "ingest", str(ROOT / "corpus"), "--quiet"], env=env, check=True)
    load(fresh)
    return fresh


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None, help="index to copy and damage")
    parser.add_argument("--serve-timeout", type=float, default=60.0)
    parser.add_argument("--ask-timeout", type=float, default=180.0)
    parser.add_argument("--out", type=Path, default=RESULTS / "corruption")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="clusterqa-corruption-") as tmp_name:
        tmp = Path(tmp_name)
        source = _source_index(args.index, tmp)
        paths = [e.path for e in load(source).manifest.documents.values()]
        for number, (name, damage, apply) in enumerate(_cases(), start=1):
            index = tmp / f"case-{number}" / "index"
            shutil.copytree(source, index, ignore=shutil.ignore_patterns(".lock"))
            snapshot = current_path(index)
            assert snapshot is not None
            apply(index, snapshot)
            env = {**os.environ, "CLUSTERQA_INDEX_DIR": str(index), "HF_HUB_OFFLINE": "1"}
            port = _free_port()
            for command, cmd_args, timeout, serve_port in (
                ("ask", ["ask", QUESTION], args.ask_timeout, None),
                ("serve", ["serve", "--port", str(port)], args.serve_timeout, port),
            ):
                result = _run(cmd_args, env, timeout, serve_port)
                row = {"file": name, "damage": damage, "command": command} | result
                if result["exit"] == 0:
                    row["short"] = "(no error: answered)"
                elif result["exit"] is None:
                    row["short"] = "(no error: served /health)"
                else:
                    row["short"] = _shorten(result["message"], index, snapshot.name, paths)
                rows.append(row)
                shown = "running" if result["exit"] is None else result["exit"]
                print(f"{name:<24} {damage:<34} {command:<5} exit {shown}  {row['short'][:90]}")
            shutil.rmtree(index.parent)

    lines = [
        "# Corruption table",
        "",
        f"`clusterqa ask` and `clusterqa serve` over a damaged copy of a {len(paths)}-document "
        f"index (schema {SCHEMA_VERSION}); `benchmarks/corruption.py`, "
        f"{time.strftime('%Y-%m-%d')}, Python {platform.python_version()}. "
        "Exit `running` would mean the server started on the damaged index. In the messages "
        "`<index>`, `<snapshot>` and `<the N indexed files>` stand for the index directory, "
        "the snapshot's name and the indexed files' paths.",
        "",
        "| file | damage | command | exit | first line of the message | traceback |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        shown = "running" if r["exit"] is None else str(r["exit"])
        traceback = "yes" if r["traceback"] else "no"
        lines.append(
            f"| {r['file']} | {r['damage']} | {r['command']} | {shown} | {r['short']} "
            f"| {traceback} |"
        )
    failures = [
        r
        for r in rows
        if r["traceback"] or (r["exit"] in (0, None)) != (r["file"] == "dense.faiss")
    ]
    lines += [
        "",
        f"{len(rows)} runs; {len(failures)} unexpected (a traceback, a damaged index accepted, "
        "or the stray-file case refused).",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", "utf-8")
    payload = {
        "schema_version": SCHEMA_VERSION,
        "documents": len(paths),
        "question": QUESTION,
        "python": platform.python_version(),
        "rows": [
            {k: v for k, v in r.items() if k != "stderr"} | {"stderr_tail": r["stderr"][-2000:]}
            for r in rows
        ],
    }
    args.out.with_suffix(".json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    print("\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
