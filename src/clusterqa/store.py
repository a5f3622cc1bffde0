"""The on-disk index: immutable snapshots under `index/snapshots/`, switched atomically.

A snapshot holds the canonical documents, chunks with their BM25 tokens, the chunk
embeddings and a FAISS index, and the chunks' sentences with their own embeddings (answer
extraction compares them with the question). `index/CURRENT` names the live snapshot and is
replaced with os.replace, so a reader sees either the old or the new index, never a
half-written one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel

from clusterqa.errors import IndexStateError
from clusterqa.models import Chunk, Document

SCHEMA_VERSION = 2  # 2: sentence embeddings


class DocEntry(BaseModel):
    path: str
    content_hash: str
    title: str
    chunks: int


class Manifest(BaseModel):
    schema_version: int = SCHEMA_VERSION
    model: str
    dim: int
    repair_version: int = 1  # indexes written before repair was versioned
    chunk_size: int
    chunk_overlap: int
    bm25_pos_prefixes: list[str]
    documents: dict[str, DocEntry] = {}
    created: float = 0.0


class IndexedChunk(Chunk):
    tokens: list[str]


class Sentence(BaseModel):
    """A sentence of an indexed chunk, as offsets into its document's canonical text."""

    doc_id: str
    start: int
    end: int


@dataclass
class Snapshot:
    """An index held in memory; chunks, rows of `embeddings` and FAISS ids share one order."""

    manifest: Manifest
    documents: dict[str, Document]
    chunks: list[IndexedChunk]
    embeddings: np.ndarray
    sentences: list[Sentence]
    sentence_embeddings: np.ndarray
    faiss_index: faiss.Index = field(init=False)
    _sentence_rows: dict[tuple[str, int, int], int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.faiss_index = faiss.IndexFlatIP(self.manifest.dim)
        if len(self.embeddings):
            self.faiss_index.add(np.ascontiguousarray(self.embeddings, dtype=np.float32))
        self._sentence_rows = {(s.doc_id, s.start, s.end): i for i, s in enumerate(self.sentences)}

    def sentence_vectors(self, spans: list[tuple[str, int, int]]) -> np.ndarray | None:
        """Embeddings of the given (doc_id, start, end) sentences; None if one is not indexed."""
        rows = [self._sentence_rows.get(span) for span in spans]
        if None in rows:
            return None
        return self.sentence_embeddings[rows]

    def subset(self, keep: set[str]) -> Snapshot:
        """A copy holding only the documents in `keep`."""
        rows = [i for i, c in enumerate(self.chunks) if c.doc_id in keep]
        manifest = self.manifest.model_copy(deep=True)
        manifest.documents = {d: e for d, e in manifest.documents.items() if d in keep}
        documents = {d: doc for d, doc in self.documents.items() if d in keep}
        sentences = [i for i, s in enumerate(self.sentences) if s.doc_id in keep]
        return Snapshot(
            manifest,
            documents,
            [self.chunks[i] for i in rows],
            self.embeddings[rows],
            [self.sentences[i] for i in sentences],
            self.sentence_embeddings[sentences],
        )


def _jsonl(path: Path, rows: list[BaseModel]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(row.model_dump_json() + "\n")


def _read_jsonl(path: Path, model: type[BaseModel]) -> list:
    with path.open(encoding="utf-8") as fh:
        return [model.model_validate_json(line) for line in fh if line.strip()]


def current_path(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        return None
    return index_dir / "snapshots" / pointer.read_text(encoding="utf-8").strip()


def _live(index_dir: Path) -> Path:
    path = current_path(index_dir)
    if path is None:
        raise IndexStateError(f"no index in {index_dir}; run `clusterqa ingest` first")
    return path


def _manifest(path: Path) -> Manifest:
    try:
        return Manifest.model_validate_json((path / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexStateError(f"index at {path} is unreadable: {exc}") from exc


def read_manifest(index_dir: Path) -> Manifest:
    """The live snapshot's manifest, of any schema version."""
    return _manifest(_live(index_dir))


def load(index_dir: Path) -> Snapshot:
    path = _live(index_dir)
    manifest = _manifest(path)
    if manifest.schema_version != SCHEMA_VERSION:
        raise IndexStateError(
            f"index schema {manifest.schema_version} is not {SCHEMA_VERSION}; "
            "run `clusterqa ingest` to rebuild it from the indexed files"
        )
    try:
        documents = {d.doc_id: d for d in _read_jsonl(path / "documents.jsonl", Document)}
        chunks = _read_jsonl(path / "chunks.jsonl", IndexedChunk)
        embeddings = np.load(path / "embeddings.npy")
        faiss_index = faiss.read_index(str(path / "dense.faiss"))
        sentences = _read_jsonl(path / "sentences.jsonl", Sentence)
        sentence_embeddings = np.load(path / "sentence_embeddings.npy")
    except (OSError, ValueError) as exc:
        raise IndexStateError(f"index at {path} is unreadable: {exc}") from exc
    if (
        embeddings.shape != (len(chunks), manifest.dim)
        or faiss_index.ntotal != len(chunks)
        or sentence_embeddings.shape != (len(sentences), manifest.dim)
    ):
        raise IndexStateError(f"index at {path} is inconsistent; rebuild it")
    snapshot = Snapshot(manifest, documents, chunks, embeddings, sentences, sentence_embeddings)
    snapshot.faiss_index = faiss_index
    return snapshot


def save(index_dir: Path, snapshot: Snapshot) -> Path:
    """Write a new snapshot and make it current; older snapshots are removed afterwards."""
    snapshots = index_dir / "snapshots"
    snapshots.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    tmp = snapshots / f".tmp-{name}"
    tmp.mkdir()
    snapshot.manifest.created = time.time()
    (tmp / "manifest.json").write_text(snapshot.manifest.model_dump_json(indent=2), "utf-8")
    _jsonl(tmp / "documents.jsonl", list(snapshot.documents.values()))
    _jsonl(tmp / "chunks.jsonl", snapshot.chunks)
    np.save(tmp / "embeddings.npy", snapshot.embeddings)
    _jsonl(tmp / "sentences.jsonl", snapshot.sentences)
    np.save(tmp / "sentence_embeddings.npy", snapshot.sentence_embeddings)
    faiss.write_index(snapshot.faiss_index, str(tmp / "dense.faiss"))
    for f in tmp.iterdir():
        with f.open("rb") as fh:
            os.fsync(fh.fileno())
    final = snapshots / name
    tmp.rename(final)
    pointer_tmp = index_dir / f".CURRENT-{name}"
    pointer_tmp.write_text(name, encoding="utf-8")
    os.replace(pointer_tmp, index_dir / "CURRENT")
    for old in snapshots.iterdir():
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
    return final


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time; readers never wait."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexStateError(f"another ingest is writing to {index_dir}; try again") from exc
        yield


def snapshot_version(index_dir: Path) -> str | None:
    path = current_path(index_dir)
    return path.name if path else None
