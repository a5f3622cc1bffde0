"""A damaged index is reported, never served: every snapshot file missing, truncated, replaced
or with one bit flipped; consistent-looking data whose cross-references do not hold; a bad
CURRENT pointer; and the CLI's exit on such an index."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from clusterqa import store
from clusterqa.errors import IndexStateError
from clusterqa.store import DATA_FILES, SCHEMA_VERSION, current_path, load, save

ROOT = Path(__file__).resolve().parents[1]
FILES = ("manifest.json", *DATA_FILES)
REBUILD = "clusterqa ingest --rebuild"


def _missing(path: Path) -> None:
    path.unlink()


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _random(path: Path) -> None:
    """Replaced by random bytes of the same size (so only the checksum can tell)."""
    path.write_bytes(np.random.default_rng(0).bytes(path.stat().st_size))


def _flipped(path: Path) -> None:
    """One bit of the middle byte flipped."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


DAMAGES: dict[str, Callable[[Path], None]] = {
    "missing": _missing,
    "truncated": _truncated,
    "random": _random,
    "flipped": _flipped,
}
EXPECTED = {
    "missing": "{name} is missing",
    "truncated": "{name} has [0-9,]+ bytes where the manifest records [0-9,]+",
    "random": "{name} does not match its checksum",
    "flipped": "{name} does not match its checksum",
}
EXPECTED_MANIFEST = {
    "missing": "manifest.json is missing",
    "truncated": "manifest.json is not a valid manifest",
    "random": "manifest.json is not a valid manifest",
    "flipped": "manifest.json (is not a valid manifest|does not match the checksum in CURRENT)",
}


@pytest.fixture
def index(corpus_index, tmp_path: Path) -> Path:
    """A private copy of the corpus index, free to damage."""
    copy = tmp_path / "index"
    shutil.copytree(corpus_index.index_dir, copy)
    return copy


def _snapshot(index_dir: Path) -> Path:
    path = current_path(index_dir)
    assert path is not None
    return path


def _error(index_dir: Path) -> str:
    with pytest.raises(IndexStateError) as info:
        load(index_dir)
    message = str(info.value)
    assert "\n" not in message, "one line"
    return message


def _resign(snapshot: Path) -> None:
    """Record the data files' current sizes and checksums as a writer would: damage that a
    buggy writer could make, which only the cross-checks of the data can find."""
    manifest = json.loads((snapshot / "manifest.json").read_text("utf-8"))
    for name in DATA_FILES:
        data = (snapshot / name).read_bytes()
        manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    (snapshot / "manifest.json").write_bytes(raw)
    pointer = f"{snapshot.name} {hashlib.sha256(raw).hexdigest()}\n"
    (snapshot.parent.parent / "CURRENT").write_text(pointer, "utf-8")


def _drop_line(path: Path, number: int = 0) -> dict:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    dropped = lines.pop(number)
    path.write_text("".join(lines), "utf-8")
    return json.loads(dropped)


def test_a_sound_index_loads_and_round_trips(index: Path):
    snapshot = load(index)
    assert len(snapshot.chunks) == snapshot.faiss_index.ntotal == snapshot.embeddings.shape[0]
    assert snapshot.faiss_index.d == snapshot.manifest.dim
    assert snapshot.manifest.schema_version == SCHEMA_VERSION
    assert set(snapshot.manifest.files) == set(DATA_FILES)
    path = save(index, snapshot)
    assert sorted(p.name for p in path.iterdir()) == sorted(FILES)  # no dense.faiss any more
    name, digest = (index / "CURRENT").read_text("utf-8").split()
    assert name == path.name
    assert digest == hashlib.sha256((path / "manifest.json").read_bytes()).hexdigest()
    again = load(index)
    assert [c.chunk_id for c in again.chunks] == [c.chunk_id for c in snapshot.chunks]
    assert np.array_equal(again.embeddings, snapshot.embeddings)
    assert np.array_equal(again.sentence_embeddings, snapshot.sentence_embeddings)
    assert np.array_equal(again.cross_embeddings, snapshot.cross_embeddings)
    assert np.array_equal(again.cross_sentence_embeddings, snapshot.cross_sentence_embeddings)
    assert again.cross_embeddings.shape == (len(again.chunks), again.manifest.cross_dim)
    assert again.terms == snapshot.terms and again.terms


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("name", FILES)
def test_damaged_file_is_reported(index: Path, name: str, damage: str):
    snapshot = _snapshot(index)
    DAMAGES[damage](snapshot / name)
    message = _error(index)
    assert message.startswith(f"index snapshot {snapshot.name} in {index} is damaged: ")
    expected = (EXPECTED_MANIFEST if name == "manifest.json" else EXPECTED)[damage]
    assert re.search(expected.format(name=re.escape(name)), message), message
    assert REBUILD in message
    if name == "manifest.json":  # its list of files cannot be trusted
        assert f"{REBUILD} PATHS" in message and "corpus directory" in message
    else:  # the manifest lists the files, so the command needs none
        assert f"`{REBUILD}`" in message


@pytest.mark.parametrize("name", ["documents.jsonl", "chunks.jsonl"])
def test_a_removed_line_is_reported(index: Path, name: str):
    _drop_line(_snapshot(index) / name, 3)
    assert re.search(f"{name} has [0-9,]+ bytes where the manifest records", _error(index))


def test_documents_missing_from_a_consistent_looking_index(index: Path):
    snapshot = _snapshot(index)
    gone = _drop_line(snapshot / "documents.jsonl")["doc_id"]
    _resign(snapshot)
    message = _error(index)
    assert f"documents.jsonl lacks {gone}, listed in the manifest" in message


def test_chunks_missing_from_a_consistent_looking_index(index: Path):
    snapshot = _snapshot(index)
    gone = _drop_line(snapshot / "chunks.jsonl", 5)
    _resign(snapshot)
    assert re.search(
        rf"the manifest counts (\d+) chunks of {gone['doc_id']} but chunks.jsonl holds \d+",
        _error(index),
    )


def test_chunk_offsets_outside_their_document(index: Path):
    snapshot = _snapshot(index)
    path = snapshot / "chunks.jsonl"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    chunk = json.loads(lines[0])
    chunk["end"] = 10**9
    lines[0] = json.dumps(chunk, ensure_ascii=False) + "\n"
    path.write_text("".join(lines), "utf-8")
    _resign(snapshot)
    message = _error(index)
    assert f"chunks.jsonl line 1 ({chunk['chunk_id']}) spans {chunk['start']}-1000000000" in message
    assert "outside the" in message


def test_terms_of_an_unknown_document(index: Path):
    snapshot = _snapshot(index)
    path = snapshot / "terms.jsonl"
    ghost = '{"doc_id": "ghost", "korean": "유령", "latin": "Ghost"}\n'
    path.write_text(path.read_text("utf-8") + ghost, "utf-8")
    _resign(snapshot)
    assert "terms.jsonl holds terms of ghost, not in documents.jsonl" in _error(index)


def test_sentence_of_an_unknown_document(index: Path):
    snapshot = _snapshot(index)
    path = snapshot / "sentences.jsonl"
    path.write_text(
        path.read_text("utf-8") + '{"doc_id": "ghost", "start": 0, "end": 5}\n', "utf-8"
    )
    _resign(snapshot)
    assert "belongs to ghost, which is not in documents.jsonl" in _error(index)


@pytest.mark.parametrize(
    "name",
    [
        "embeddings.npy",
        "sentence_embeddings.npy",
        "cross_embeddings.npy",
        "cross_sentence_embeddings.npy",
    ],
)
def test_embeddings_of_the_wrong_shape(index: Path, name: str):
    snapshot = _snapshot(index)
    vectors = np.load(snapshot / name)
    np.save(snapshot / name, vectors[:-1])
    _resign(snapshot)
    rows, dim = vectors.shape
    message = _error(index)
    assert f"{name} holds a float32 array of shape ({rows - 1}, {dim})" in message
    assert f"need float32 ({rows}, {dim})" in message


def test_embeddings_with_nan(index: Path):
    snapshot = _snapshot(index)
    vectors = np.load(snapshot / "embeddings.npy")
    vectors[3, 7] = np.nan
    np.save(snapshot / "embeddings.npy", vectors)
    _resign(snapshot)
    assert "embeddings.npy holds values that are not finite numbers" in _error(index)


def test_embeddings_not_an_npy_file(index: Path):
    snapshot = _snapshot(index)
    (snapshot / "embeddings.npy").write_bytes(
        b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', " + b"x" * 40
    )
    _resign(snapshot)
    assert "embeddings.npy is not a valid .npy array" in _error(index)


def test_current_naming_a_missing_snapshot(index: Path):
    (index / "CURRENT").write_text("20990101T000000-1-000000 " + "0" * 64 + "\n", "utf-8")
    message = _error(index)
    assert "CURRENT names snapshot 20990101T000000-1-000000, which is not in" in message
    assert f"{REBUILD} PATHS" in message


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b"../../etc x", b""])
def test_current_that_is_garbage(index: Path, content: bytes):
    (index / "CURRENT").write_bytes(content)
    message = _error(index)
    assert re.search("CURRENT (cannot be read|does not name a snapshot)", message), message
    assert REBUILD in message


def test_garbage_manifest(index: Path):
    (_snapshot(index) / "manifest.json").write_text("{this is not json", "utf-8")
    message = _error(index)
    assert "manifest.json is not a valid manifest (Invalid JSON" in message
    assert f"{REBUILD} PATHS" in message


def test_a_snapshot_removed_by_a_writer_meanwhile_is_retried(index: Path, monkeypatch):
    """A reader that read CURRENT just before an ingest switched it and removed the old
    snapshot loads the new one rather than reporting damage."""
    old = _snapshot(index)
    new = old.with_name(old.name + "-next")
    real = store._verified

    def racing(path: Path, name: str, manifest):
        if path == old:
            shutil.copytree(old, new)
            pointer = (index / "CURRENT").read_text("utf-8").replace(old.name, new.name)
            (index / "CURRENT").write_text(pointer, "utf-8")
            shutil.rmtree(old)
        return real(path, name, manifest)

    monkeypatch.setattr(store, "_verified", racing)
    assert load(index).chunks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "command",
    [
        ["ask", "오송 첨단의료복합단지는 어디에 있나?"],
        ["docs"],
        ["remove", "nothing"],  # `ingest` repairs instead (test below)
        ["serve", "--port", "PORT"],
    ],
    ids=lambda c: c[0],
)
def test_cli_refuses_a_damaged_index(index: Path, command: list[str]):
    snapshot = _snapshot(index)
    _drop_line(snapshot / "documents.jsonl")  # the probe's case: /ask answered 500
    _random(snapshot / "embeddings.npy")
    env = {**os.environ, "CLUSTERQA_INDEX_DIR": str(index)}
    args = [str(_free_port()) if a == "PORT" else a for a in command]
    out = subprocess.run(
        [sys.executable, "-m", "clusterqa.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith(f"error: index snapshot {snapshot.name} in {index} is damaged: ")
    assert "documents.jsonl has" in out.stderr and REBUILD in out.stderr
    assert "serving" not in out.stdout


def test_ingest_repairs_a_damaged_index_from_its_files(settings, tmp_path, monkeypatch):
    from clusterqa.cli import main
    from clusterqa.ingest import ingest

    note = tmp_path / "my notes" / "note.txt"
    note.parent.mkdir()
    note.write_text("오송 첨단의료복합단지는 충청북도 청주시에 있다.", "utf-8")
    ingest([note], settings, progress=False)
    monkeypatch.setenv("CLUSTERQA_INDEX_DIR", str(settings.index_dir))
    empty = tmp_path / "nothing-new"  # a path to ingest, so the corpus default is not used
    empty.mkdir()
    for command in (["ingest", "--rebuild", str(empty)], ["ingest", str(empty)]):
        _flipped(_snapshot(settings.index_dir) / "chunks.jsonl")
        assert "`clusterqa ingest --rebuild`" in _error(settings.index_dir)
        assert main([*command, "--quiet"]) == 0
        assert [c.text for c in load(settings.index_dir).chunks] == [note.read_text("utf-8")]
