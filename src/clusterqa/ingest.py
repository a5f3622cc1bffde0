"""Ingestion: files → parsed → repaired → chunked → tokenised and embedded → a new index snapshot.

Incremental: unchanged files (same content hash and settings) are carried over, changed ones
replaced, and files gone from an ingested directory removed. A failed file is reported and
skipped; the rest of the batch still lands.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field
from tqdm import tqdm

from clusterqa.chunking import chunk_document
from clusterqa.config import Settings
from clusterqa.embedders.base import Embedder
from clusterqa.embedders.factory import make_cross_embedder, make_embedder
from clusterqa.errors import ClusterQAError, IndexStateError, InputError
from clusterqa.glossary import mine
from clusterqa.korean import ANALYSER, morphemes, sentences_in
from clusterqa.models import Document, PageText, ParsedDocument
from clusterqa.parsers import doc_id_for, parse, supported_suffixes
from clusterqa.repair import VERSION as REPAIR_VERSION
from clusterqa.repair import canonicalise, clean_title
from clusterqa.store import (
    SCHEMA_VERSION,
    DocEntry,
    IndexedChunk,
    Manifest,
    Sentence,
    Snapshot,
    load,
    read_manifest,
    save,
    writer_lock,
)

_TITLE_CHARS = 120


class FileFailure(BaseModel):
    path: str
    error: str


class IngestReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    failed: list[FileFailure] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    chunks: int = 0
    documents: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def lexical_tokens(title: str, text: str, settings: Settings) -> list[str]:
    """BM25 tokens of a chunk; the title is prepended so the scorer can match it."""
    return morphemes(f"{title}\n{text}", settings.bm25_pos_prefixes, cache=False)


def _metadata(path: Path) -> dict:
    """Metadata for `path` from a `manifest.json` beside it, keyed by file name."""
    manifest = path.parent / "manifest.json"
    if not manifest.exists():
        return {}
    try:
        return json.loads(manifest.read_text("utf-8")).get(path.name, {})
    except (ValueError, AttributeError) as exc:
        raise InputError(f"{manifest}: not valid JSON metadata ({exc})") from exc


def build_document(parsed: ParsedDocument, content_hash: str, meta: dict) -> Document:
    text, pages = canonicalise(parsed)
    if not text.strip():
        raise InputError(f"{parsed.source}: no text left after repair")
    first_line = next(line for line in text.split("\n") if line.strip())
    return Document(
        doc_id=parsed.doc_id,
        source=parsed.source,
        title=clean_title(str(meta.get("title") or parsed.title or first_line))[:_TITLE_CHARS],
        content_hash=content_hash,
        text=text,
        pages=pages,
        meta={k: v for k, v in meta.items() if k != "title"},
        warnings=parsed.warnings,
    )


def document_from_text(doc_id: str, title: str, text: str) -> Document:
    """A document given as a string (benchmark corpora), repaired like any other."""
    parsed = ParsedDocument(doc_id=doc_id, source=doc_id, pages=[PageText(number=None, text=text)])
    return build_document(parsed, hashlib.sha256(text.encode()).hexdigest(), {"title": title})


def collect_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Expand directories; returns (files, directories whose contents are the whole truth)."""
    files: list[Path] = []
    dirs: list[Path] = []
    suffixes = supported_suffixes()
    for path in paths:
        if path.is_dir():
            dirs.append(path.resolve())
            files += sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes
            )
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return files, dirs


def _empty_snapshot(settings: Settings, dim: int) -> Snapshot:
    manifest = Manifest(
        model=settings.model,
        dim=dim,
        repair_version=REPAIR_VERSION,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        bm25_pos_prefixes=list(settings.bm25_pos_prefixes),
        analyser=ANALYSER,
    )
    empty = np.zeros((0, dim), dtype=np.float32)
    return Snapshot(manifest, {}, [], empty, [], empty)


def _previous(
    settings: Settings, rebuild: bool, report: IngestReport
) -> tuple[Snapshot | None, list[Path]]:
    """The snapshot to build on, or None when there is none, `rebuild` is asked, its schema,
    chunking settings or analyser changed or it is damaged; then also the files of the old
    index, which are re-read so no indexed document is lost."""
    if not (settings.index_dir / "CURRENT").exists():
        return None, []
    try:
        manifest = read_manifest(settings.index_dir)
    except IndexStateError:
        if rebuild:  # the files to index are the ones given
            return None, []
        raise
    files = [Path(entry.path) for entry in manifest.documents.values()]
    if rebuild:
        return None, files
    if manifest.model != settings.model:
        raise IndexStateError(
            f"index was built with model {manifest.model!r} but {settings.model!r} is "
            "configured; vectors cannot be mixed. Run `clusterqa ingest --rebuild` to re-embed."
        )
    same_layout = (
        manifest.schema_version,
        manifest.repair_version,
        manifest.chunk_size,
        manifest.chunk_overlap,
        manifest.bm25_pos_prefixes,
        manifest.analyser,
    ) == (
        SCHEMA_VERSION,
        REPAIR_VERSION,
        settings.chunk_size,
        settings.chunk_overlap,
        list(settings.bm25_pos_prefixes),
        ANALYSER,
    )
    if not same_layout:
        return None, files
    try:
        return load(settings.index_dir), []
    except IndexStateError as exc:
        report.warnings.append(f"rebuilt from its files: {exc}")
        return None, files


def _cross_vectors(cross: Embedder | None, texts: list[str], progress: bool) -> np.ndarray:
    """The texts' cross-lingual vectors; no columns when the leg is off."""
    if cross is None:
        return np.zeros((len(texts), 0), dtype=np.float32)
    return cross.embed_passages(texts, progress=progress)


def build_snapshot(
    base: Snapshot | None,
    keep: set[str],
    new_docs: list[Document],
    settings: Settings,
    progress: bool,
) -> Snapshot:
    """`base` restricted to `keep`, plus `new_docs` chunked, tokenised and embedded, chunks and
    their sentences, by the cross-lingual encoder too when that leg is on, and the terms they
    gloss (the term bridge)."""
    # The model is loaded only here, so a no-op ingest stays fast.
    embedder = make_embedder(settings)
    kept = base.subset(keep) if base else _empty_snapshot(settings, embedder.dim)
    if kept.manifest.dim != embedder.dim:
        raise IndexStateError(
            f"index vectors have {kept.manifest.dim} dimensions but {settings.model!r} gives "
            f"{embedder.dim}; run `clusterqa ingest --rebuild`"
        )
    cross = make_cross_embedder(settings) if settings.cross_lingual_leg else None
    layout = (cross.name, cross.dim) if cross else (None, 0)
    if (kept.manifest.cross_model, kept.manifest.cross_dim) != layout:
        # The leg was switched on or off since `base` was written: what is kept follows.
        kept.manifest.cross_model, kept.manifest.cross_dim = layout
        kept.cross_embeddings = _cross_vectors(cross, [c.text for c in kept.chunks], progress)
        kept.cross_sentence_embeddings = _cross_vectors(
            cross,
            [kept.documents[s.doc_id].text[s.start : s.end] for s in kept.sentences],
            progress,
        )
    fresh: list[IndexedChunk] = []
    spans: dict[tuple[str, int, int], None] = {}  # chunks overlap, so sentences recur
    for doc in tqdm(new_docs, desc="chunking", unit="doc", disable=not progress):
        for chunk in chunk_document(doc, settings.chunk_size, settings.chunk_overlap):
            tokens = lexical_tokens(doc.title, chunk.text, settings)
            fresh.append(IndexedChunk(**chunk.model_dump(), tokens=tokens))
            for start, end in sentences_in(doc.text, chunk.start, chunk.end):
                spans[(doc.doc_id, start, end)] = None
        kept.documents[doc.doc_id] = doc
    sentences = [Sentence(doc_id=d, start=s, end=e) for d, s, e in spans]
    vectors = embedder.embed_passages([c.text for c in fresh], progress=progress)
    sentence_texts = [kept.documents[s.doc_id].text[s.start : s.end] for s in sentences]
    sentence_vectors = embedder.embed_passages(sentence_texts, progress=progress)
    return Snapshot(
        kept.manifest,
        kept.documents,
        kept.chunks + fresh,
        np.vstack([kept.embeddings, vectors]).astype(np.float32),
        kept.sentences + sentences,
        np.vstack([kept.sentence_embeddings, sentence_vectors]).astype(np.float32),
        np.vstack(
            [kept.cross_embeddings, _cross_vectors(cross, [c.text for c in fresh], progress)]
        ),
        np.vstack(
            [kept.cross_sentence_embeddings, _cross_vectors(cross, sentence_texts, progress)]
        ),
        kept.terms + [t for doc in new_docs for t in mine(doc.doc_id, doc.text)],
    )


def ingest(
    paths: list[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: bool = True,
    contents: dict[Path, bytes] | None = None,
) -> IngestReport:
    """Index `paths`, and the files in `contents` (path → bytes) that are not on disk yet: an
    upload is written to its path only once the snapshot holding it has landed."""
    report = IngestReport()
    contents = contents or {}
    files, dirs = collect_files(paths)
    files += list(contents)
    with writer_lock(settings.index_dir):
        base, stale = _previous(settings, rebuild, report)
        batch = {p.resolve() for p in files}
        for path in stale:
            if not path.is_file():
                report.removed.append(doc_id_for(path.name))
            elif path.resolve() not in batch:
                files.append(path)
        entries = dict(base.manifest.documents) if base else {}
        keep = set(entries)
        new_docs: list[Document] = []
        new_entries: dict[str, DocEntry] = {}
        seen: set[str] = set()
        for path in tqdm(files, desc="parsing", unit="file", disable=not progress):
            try:
                data = contents[path] if path in contents else path.read_bytes()
                content_hash = hashlib.sha256(data).hexdigest()
                doc_id = doc_id_for(path.name)
                old = entries.get(doc_id)
                if doc_id in seen:
                    raise InputError(f"{path}: another file in this batch has the id {doc_id!r}")
                if old and old.content_hash == content_hash:
                    seen.add(doc_id)
                    report.unchanged.append(doc_id)
                    continue
                parsed = parse(path.name, data, settings.max_file_bytes, settings)
                doc = build_document(parsed, content_hash, _metadata(path))
            except (ClusterQAError, OSError) as exc:
                report.failed.append(FileFailure(path=str(path), error=str(exc)))
                continue
            seen.add(doc_id)
            report.warnings += [f"{path.name}: {w}" for w in doc.warnings]
            (report.updated if old else report.added).append(doc_id)
            keep.discard(doc_id)
            new_docs.append(doc)
            new_entries[doc_id] = DocEntry(
                path=str(path.resolve()), content_hash=content_hash, title=doc.title, chunks=0
            )
        for doc_id, entry in entries.items():
            inside = any(Path(entry.path).is_relative_to(d) for d in dirs)
            if inside and doc_id not in seen:
                keep.discard(doc_id)
                report.removed.append(doc_id)
        if report.changed:
            snapshot = build_snapshot(base, keep, new_docs, settings, progress)
            snapshot.manifest.documents.update(new_entries)
            for doc_id, entry in snapshot.manifest.documents.items():
                entry.chunks = sum(1 for c in snapshot.chunks if c.doc_id == doc_id)
            save(settings.index_dir, snapshot)
        else:
            snapshot = base
        report.documents = len(snapshot.documents) if snapshot else 0
        report.chunks = len(snapshot.chunks) if snapshot else 0
    return report


def remove(doc_ids: list[str], settings: Settings) -> list[str]:
    """Delete documents from the index; returns the ids that were present."""
    with writer_lock(settings.index_dir):
        base = load(settings.index_dir)
        present = [d for d in doc_ids if d in base.documents]
        if present:
            save(settings.index_dir, base.subset(set(base.documents) - set(present)))
    return present
