"""The on-disk index: immutable snapshots under `index/snapshots/`, switched atomically.

A snapshot holds the canonical documents, chunks with their BM25 tokens, the chunk
embeddings, and the chunks' sentences with their own embeddings (answer extraction compares
them with the question); with the cross-lingual leg on, chunks and sentences also have USE v3
embeddings. The FAISS index is a flat inner-product index, rebuilt from the embeddings at load
rather than stored. `index/CURRENT` names the live snapshot and is replaced with os.replace,
so a reader sees either the old or the new index, never a half-written one.

Integrity: CURRENT holds the snapshot's name and the sha256 of its `manifest.json`; the
manifest records the size and sha256 of every data file. `load` checks both, then the data
itself (counts, cross-references, offsets, shapes), and reports any damage as one
IndexStateError that says how to rebuild.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import hashlib
import io
import os
import re
import shutil
import time
import tokenize
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from clusterqa.errors import IndexStateError
from clusterqa.glossary import Bridge, Term
from clusterqa.models import Chunk, Document

# 2: sentence embeddings; 3: file checksums, FAISS index built at load; 4: cross-lingual vectors;
# 5: the term bridge (terms.jsonl)
SCHEMA_VERSION = 5

# The data files of a snapshot, besides manifest.json; each is checksummed in the manifest.
DATA_FILES = (
    "documents.jsonl",
    "chunks.jsonl",
    "embeddings.npy",
    "sentences.jsonl",
    "sentence_embeddings.npy",
    "cross_embeddings.npy",
    "cross_sentence_embeddings.npy",
    "terms.jsonl",
)
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_LOAD_TRIES = 3  # a reader racing a writer's clean-up retries on the new snapshot
# What numpy's .npy reader raises on malformed input: a bad magic, header or length
# (ValueError), a header that is not a Python literal (SyntaxError, tokenize.TokenError) or not
# the dict it expects (TypeError), or absurd dimensions (OverflowError, MemoryError).
_NPY_ERRORS = (
    ValueError,
    EOFError,
    SyntaxError,
    TypeError,
    OverflowError,
    MemoryError,
    tokenize.TokenError,
)


class DocEntry(BaseModel):
    path: str
    content_hash: str
    title: str
    chunks: int


class FileEntry(BaseModel):
    size: int
    sha256: str


class Manifest(BaseModel):
    schema_version: int = SCHEMA_VERSION
    model: str
    dim: int
    repair_version: int = 1  # indexes written before repair was versioned
    chunk_size: int
    chunk_overlap: int
    bm25_pos_prefixes: list[str]
    analyser: str = ""  # korean.ANALYSER of the BM25 tokens; empty before it was recorded
    documents: dict[str, DocEntry] = {}
    created: float = 0.0
    files: dict[str, FileEntry] = {}  # schema 3: size and sha256 of each of DATA_FILES
    # schema 4: the cross-lingual leg's model, None (and no columns) when the leg is off
    cross_model: str | None = None
    cross_dim: int = 0


class IndexedChunk(Chunk):
    tokens: list[str]


class Sentence(BaseModel):
    """A sentence of an indexed chunk, as offsets into its document's canonical text."""

    doc_id: str
    start: int
    end: int


@dataclass
class Snapshot:
    """An index held in memory; chunks, rows of `embeddings` and `cross_embeddings` and FAISS
    ids share one order, as do sentences and rows of their two embedding arrays."""

    manifest: Manifest
    documents: dict[str, Document]
    chunks: list[IndexedChunk]
    embeddings: np.ndarray
    sentences: list[Sentence]
    sentence_embeddings: np.ndarray
    # None: the cross-lingual leg is off; stored as arrays without columns
    cross_embeddings: np.ndarray | None = None
    cross_sentence_embeddings: np.ndarray | None = None
    terms: list[Term] = field(default_factory=list)  # the term bridge, mined at ingest
    faiss_index: faiss.Index = field(init=False)
    bridge: Bridge = field(init=False, repr=False)
    _sentence_rows: dict[tuple[str, int, int], int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.faiss_index = faiss.IndexFlatIP(self.manifest.dim)
        if len(self.embeddings):
            self.faiss_index.add(np.ascontiguousarray(self.embeddings, dtype=np.float32))
        if self.cross_embeddings is None:
            self.cross_embeddings = np.zeros((len(self.chunks), 0), dtype=np.float32)
        if self.cross_sentence_embeddings is None:
            self.cross_sentence_embeddings = np.zeros((len(self.sentences), 0), dtype=np.float32)
        self._sentence_rows = {(s.doc_id, s.start, s.end): i for i, s in enumerate(self.sentences)}
        self.bridge = Bridge(self.terms)

    def sentence_vectors(self, spans: list[tuple[str, int, int]]) -> np.ndarray | None:
        """Embeddings of the given (doc_id, start, end) sentences; None if one is not indexed."""
        rows = [self._sentence_rows.get(span) for span in spans]
        if None in rows:
            return None
        return self.sentence_embeddings[rows]

    def chunk_sentences(self) -> list[list[int]]:
        """For each chunk, the rows of the sentences inside it."""
        by_doc: dict[str, list[tuple[int, int, int]]] = {}
        for row, s in enumerate(self.sentences):
            by_doc.setdefault(s.doc_id, []).append((s.start, s.end, row))
        for spans in by_doc.values():
            spans.sort()
        out = []
        for c in self.chunks:
            spans = by_doc.get(c.doc_id, [])
            first = bisect.bisect_left(spans, (c.start, -1, -1))
            inside = takewhile(lambda span, end=c.end: span[0] < end, spans[first:])
            out.append([row for _, end, row in inside if end <= c.end])
        return out

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
            self.cross_embeddings[rows],
            self.cross_sentence_embeddings[sentences],
            [t for t in self.terms if t.doc_id in keep],
        )


# --- damage reports -----------------------------------------------------------------------


class _Damage(Exception):
    """A problem found in a snapshot; `load` turns it into one IndexStateError."""


def _reason(exc: BaseException) -> str:
    """A one-line reason for a parse or I/O failure."""
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        return f"{loc}: {err['msg']}" if loc else err["msg"]
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _rebuild_hint(manifest: Manifest | None, path: Path) -> str:
    """How to rebuild: from the files the manifest lists when it can be trusted."""
    if manifest and manifest.documents:
        return "run `clusterqa ingest --rebuild` to rebuild it from its indexed files"
    return (
        "rebuild it with `clusterqa ingest --rebuild PATHS`, naming the files to index "
        "(without PATHS it indexes the corpus directory)"
    )


def _damaged(path: Path, problem: str, manifest: Manifest | None = None) -> IndexStateError:
    return IndexStateError(
        f"index snapshot {path.name} in {path.parent.parent} is damaged: {problem}; "
        + _rebuild_hint(manifest, path)
    )


# --- CURRENT and the manifest -------------------------------------------------------------


@dataclass(frozen=True)
class _Pointer:
    path: Path  # the snapshot directory
    manifest_sha256: str | None  # None in indexes written before schema 3


def _pointer(index_dir: Path) -> _Pointer | None:
    pointer = index_dir / "CURRENT"
    try:
        text = pointer.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexStateError(
            f"{pointer} cannot be read ({_reason(exc)}); " + _rebuild_hint(None, index_dir)
        ) from exc
    fields = text.split()
    if not (
        1 <= len(fields) <= 2
        and _NAME_RE.match(fields[0])
        and (len(fields) == 1 or _SHA256_RE.match(fields[1]))
    ):
        raise IndexStateError(
            f"{pointer} does not name a snapshot (it should hold a snapshot name and the "
            "sha256 of its manifest); " + _rebuild_hint(None, index_dir)
        )
    return _Pointer(index_dir / "snapshots" / fields[0], fields[1] if len(fields) == 2 else None)


def current_path(index_dir: Path) -> Path | None:
    pointer = _pointer(index_dir)
    return pointer.path if pointer else None


def _live(index_dir: Path) -> _Pointer:
    pointer = _pointer(index_dir)
    if pointer is None:
        raise IndexStateError(f"no index in {index_dir}; run `clusterqa ingest` first")
    if not pointer.path.is_dir():
        raise IndexStateError(
            f"{index_dir / 'CURRENT'} names snapshot {pointer.path.name}, which is not in "
            f"{pointer.path.parent}; " + _rebuild_hint(None, index_dir)
        )
    return pointer


def _manifest(pointer: _Pointer) -> Manifest:
    """The snapshot's manifest; checked against CURRENT's checksum when of this schema (an
    older one is rebuilt by `clusterqa ingest` from the files it lists)."""
    path = pointer.path
    try:
        data = (path / "manifest.json").read_bytes()
    except FileNotFoundError as exc:
        raise _damaged(path, "manifest.json is missing") from exc
    except OSError as exc:
        raise _damaged(path, f"manifest.json cannot be read ({_reason(exc)})") from exc
    try:
        manifest = Manifest.model_validate_json(data)
    except ValidationError as exc:
        raise _damaged(path, f"manifest.json is not a valid manifest ({_reason(exc)})") from exc
    if manifest.schema_version != SCHEMA_VERSION:
        return manifest
    if pointer.manifest_sha256 is None:
        raise _damaged(path, "CURRENT records no checksum of manifest.json")
    if hashlib.sha256(data).hexdigest() != pointer.manifest_sha256:
        raise _damaged(
            path, "manifest.json does not match the checksum in CURRENT (changed after writing)"
        )
    return manifest


def read_manifest(index_dir: Path) -> Manifest:
    """The live snapshot's manifest, of any schema version."""
    return _manifest(_live(index_dir))


# --- reading and checking the data files --------------------------------------------------


def _verified(path: Path, name: str, manifest: Manifest) -> bytes:
    """The bytes of a data file, checked against the size and checksum in the manifest."""
    entry = manifest.files.get(name)
    if entry is None:
        raise _Damage(f"the manifest records no checksum for {name}")
    try:
        data = (path / name).read_bytes()
    except FileNotFoundError as exc:
        raise _Damage(f"{name} is missing") from exc
    except OSError as exc:
        raise _Damage(f"{name} cannot be read ({_reason(exc)})") from exc
    if len(data) != entry.size:
        raise _Damage(
            f"{name} has {len(data):,} bytes where the manifest records {entry.size:,} "
            "(truncated or overwritten)"
        )
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise _Damage(f"{name} does not match its checksum (its bytes changed after writing)")
    return data


def _parse_jsonl(data: bytes, name: str, model: type[BaseModel]) -> list:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Damage(f"{name} is not UTF-8 text") from exc
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            rows.append(model.model_validate_json(line))
        except ValidationError as exc:
            raise _Damage(
                f"{name} line {number} is not a valid {model.__name__} ({_reason(exc)})"
            ) from exc
    return rows


def _parse_npy(data: bytes, name: str, rows: int, what: str, dim: int) -> np.ndarray:
    try:
        array = np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
    except _NPY_ERRORS as exc:
        raise _Damage(f"{name} is not a valid .npy array ({_reason(exc)})") from exc
    if array.shape != (rows, dim) or array.dtype != np.float32:
        raise _Damage(
            f"{name} holds a {array.dtype} array of shape {array.shape}; {rows} {what} of "
            f"dimension {dim} need float32 ({rows}, {dim})"
        )
    if not np.isfinite(array).all():
        raise _Damage(f"{name} holds values that are not finite numbers")
    return array


def _ids(ids: set[str]) -> str:
    shown = sorted(ids)[:3]
    return ", ".join(shown) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")


def _check(
    manifest: Manifest,
    docs: list[Document],
    chunks: list[IndexedChunk],
    sentences: list[Sentence],
    terms: list[Term],
) -> dict[str, Document]:
    """Counts and cross-references; the documents by id."""
    documents = {d.doc_id: d for d in docs}
    if len(documents) != len(docs):
        twice = {d for d, n in Counter(d.doc_id for d in docs).items() if n > 1}
        raise _Damage(f"documents.jsonl holds {_ids(twice)} more than once")
    if missing := set(manifest.documents) - set(documents):
        raise _Damage(f"documents.jsonl lacks {_ids(missing)}, listed in the manifest")
    if extra := set(documents) - set(manifest.documents):
        raise _Damage(f"documents.jsonl holds {_ids(extra)}, not listed in the manifest")
    for name, rows in (("chunks.jsonl", chunks), ("sentences.jsonl", sentences)):
        for number, row in enumerate(rows, start=1):
            doc = documents.get(row.doc_id)
            chunk = isinstance(row, Chunk)
            where = f"{name} line {number}" + (f" ({row.chunk_id})" if chunk else "")
            if doc is None:
                raise _Damage(f"{where} belongs to {row.doc_id}, which is not in documents.jsonl")
            if not 0 <= row.start <= row.end <= len(doc.text):
                raise _Damage(
                    f"{where} spans {row.start}-{row.end}, outside the {len(doc.text):,} "
                    f"characters of {row.doc_id}"
                )
            if chunk and doc.text[row.start : row.end] != row.text:
                raise _Damage(f"{where} differs from the text of {row.doc_id} at {row.start}")
    if strays := {t.doc_id for t in terms} - set(documents):
        raise _Damage(f"terms.jsonl holds terms of {_ids(strays)}, not in documents.jsonl")
    counts = Counter(c.doc_id for c in chunks)
    for doc_id, entry in manifest.documents.items():
        if counts[doc_id] != entry.chunks:
            raise _Damage(
                f"the manifest counts {entry.chunks} chunks of {doc_id} but chunks.jsonl "
                f"holds {counts[doc_id]}"
            )
    return documents


def _load(pointer: _Pointer) -> Snapshot:
    path = pointer.path
    manifest = _manifest(pointer)
    if manifest.schema_version != SCHEMA_VERSION:
        raise IndexStateError(
            f"index schema {manifest.schema_version} is not {SCHEMA_VERSION}; "
            "run `clusterqa ingest` to rebuild it from the indexed files"
        )
    try:
        if manifest.dim < 1:
            raise _Damage(f"the manifest gives the vectors {manifest.dim} dimensions")
        if manifest.cross_dim < 0 or (manifest.cross_model is None) != (manifest.cross_dim == 0):
            raise _Damage(
                f"the manifest gives the cross-lingual vectors of {manifest.cross_model!r} "
                f"{manifest.cross_dim} dimensions"
            )
        raw = {name: _verified(path, name, manifest) for name in DATA_FILES}
        docs = _parse_jsonl(raw["documents.jsonl"], "documents.jsonl", Document)
        chunks = _parse_jsonl(raw["chunks.jsonl"], "chunks.jsonl", IndexedChunk)
        sentences = _parse_jsonl(raw["sentences.jsonl"], "sentences.jsonl", Sentence)
        terms = _parse_jsonl(raw["terms.jsonl"], "terms.jsonl", Term)
        documents = _check(manifest, docs, chunks, sentences, terms)
        embeddings = _parse_npy(
            raw["embeddings.npy"], "embeddings.npy", len(chunks), "chunks", manifest.dim
        )
        sentence_embeddings = _parse_npy(
            raw["sentence_embeddings.npy"],
            "sentence_embeddings.npy",
            len(sentences),
            "sentences",
            manifest.dim,
        )
        cross = [
            _parse_npy(raw[name], name, len(rows), what, manifest.cross_dim)
            for name, rows, what in (
                ("cross_embeddings.npy", chunks, "chunks"),
                ("cross_sentence_embeddings.npy", sentences, "sentences"),
            )
        ]
    except _Damage as exc:
        raise _damaged(path, str(exc), manifest) from exc
    return Snapshot(
        manifest, documents, chunks, embeddings, sentences, sentence_embeddings, *cross, terms
    )


def load(index_dir: Path) -> Snapshot:
    """The live snapshot, verified; any damage raises IndexStateError saying how to rebuild."""
    for _ in range(_LOAD_TRIES):
        pointer = _live(index_dir)
        try:
            return _load(pointer)
        except IndexStateError:
            # A writer may have switched CURRENT and removed this snapshot meanwhile.
            if _pointer(index_dir) == pointer:
                raise
    return _load(_live(index_dir))


# --- writing ------------------------------------------------------------------------------


def _jsonl(path: Path, rows: list[BaseModel]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(row.model_dump_json() + "\n")


def _npy(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as fh:
        np.save(fh, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)


def _file_entry(path: Path) -> FileEntry:
    data = path.read_bytes()
    return FileEntry(size=len(data), sha256=hashlib.sha256(data).hexdigest())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(index_dir: Path, snapshot: Snapshot) -> Path:
    """Write a new snapshot and make it current; older snapshots are removed afterwards."""
    snapshots = index_dir / "snapshots"
    snapshots.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    tmp = snapshots / f".tmp-{name}"
    tmp.mkdir()
    _jsonl(tmp / "documents.jsonl", list(snapshot.documents.values()))
    _jsonl(tmp / "chunks.jsonl", snapshot.chunks)
    _npy(tmp / "embeddings.npy", snapshot.embeddings)
    _jsonl(tmp / "sentences.jsonl", snapshot.sentences)
    _npy(tmp / "sentence_embeddings.npy", snapshot.sentence_embeddings)
    _npy(tmp / "cross_embeddings.npy", snapshot.cross_embeddings)
    _npy(tmp / "cross_sentence_embeddings.npy", snapshot.cross_sentence_embeddings)
    _jsonl(tmp / "terms.jsonl", snapshot.terms)
    snapshot.manifest.schema_version = SCHEMA_VERSION
    snapshot.manifest.created = time.time()
    snapshot.manifest.files = {f: _file_entry(tmp / f) for f in DATA_FILES}
    manifest = snapshot.manifest.model_dump_json(indent=2).encode("utf-8")
    (tmp / "manifest.json").write_bytes(manifest)
    for f in tmp.iterdir():
        _fsync(f)
    _fsync(tmp)
    final = snapshots / name
    tmp.rename(final)
    _fsync(snapshots)
    pointer_tmp = index_dir / f".CURRENT-{name}"
    pointer_tmp.write_text(f"{name} {hashlib.sha256(manifest).hexdigest()}\n", encoding="utf-8")
    _fsync(pointer_tmp)
    os.replace(pointer_tmp, index_dir / "CURRENT")
    _fsync(index_dir)
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
