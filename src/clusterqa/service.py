"""A long-lived handle on the index for servers: queries use the current searcher while
uploads and deletions build the next one, which is swapped in whole. A snapshot written by
another process (`clusterqa ingest`) is noticed and swapped in the same way."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from clusterqa.config import Settings
from clusterqa.errors import ConflictError, IndexStateError, InputError
from clusterqa.ingest import IngestReport, ingest, remove
from clusterqa.models import DOC_ID_RE
from clusterqa.parsers import doc_id_for, file_name, parser_for
from clusterqa.search import Searcher
from clusterqa.store import snapshot_version

log = logging.getLogger(__name__)

# At most this often, freed heap is handed back when the last running request ends.
IDLE_TRIM_S = 2.0


class Service:
    def __init__(self, settings: Settings) -> None:
        _limit_heap_arenas()
        self.settings = settings
        # The snapshot's name and its searcher, replaced together so they always agree.
        self._served = (snapshot_version(settings.index_dir), Searcher.open(settings))
        self._unloadable: str | None = None  # a newer snapshot that failed to load
        self._write = threading.Lock()  # one upload or deletion at a time
        self._swap = threading.Lock()
        self._active = 0  # requests running now (`in_use`)
        self._active_lock = threading.Lock()
        self._trimmed = 0.0
        self._remove_orphans()

    @contextlib.contextmanager
    def in_use(self) -> Iterator[None]:
        """Around each request: when the last running one ends, freed heap goes back to the OS
        (concurrent requests leave their models' activations in glibc's heaps otherwise)."""
        with self._active_lock:
            self._active += 1
        try:
            yield
        finally:
            with self._active_lock:
                self._active -= 1
                now = time.monotonic()
                idle = self._active == 0 and now - self._trimmed >= IDLE_TRIM_S
                if idle:
                    self._trimmed = now
            if idle:
                _release_memory()

    @property
    def upload_dir(self) -> Path:
        return self.settings.index_dir / "uploads"

    @property
    def searcher(self) -> Searcher:
        return self.current()[1]

    def current(self) -> tuple[str | None, Searcher]:
        """The served snapshot's name and searcher, after swapping in a newer snapshot if one
        has landed. While one request loads it, the others keep the snapshot they have."""
        latest = snapshot_version(self.settings.index_dir)
        if latest not in (self._served[0], self._unloadable) and self._swap.acquire(False):
            try:
                self._open(latest)
            finally:
                self._swap.release()
        return self._served

    def _open(self, name: str | None) -> None:
        try:
            self._served = (name, Searcher.open(self.settings))
        except IndexStateError as exc:
            log.error("still serving snapshot %s: %s", self._served[0], exc)
            self._unloadable = name

    def _reload(self) -> None:
        with self._swap:
            self._open(snapshot_version(self.settings.index_dir))
        _release_memory()

    def _remove_orphans(self) -> None:
        """Files in uploads/ that no indexed document comes from: left by a crash mid-upload."""
        if not self.upload_dir.is_dir():
            return
        documents = self._served[1].snapshot.manifest.documents.values()
        indexed = {Path(entry.path).resolve() for entry in documents}
        for path in self.upload_dir.iterdir():
            if path.is_file() and path.resolve() not in indexed:
                log.warning("removing %s: no indexed document comes from it", path)
                path.unlink()

    def add(self, filename: str, data: bytes, replace: bool = False) -> IngestReport:
        """Check and ingest one uploaded file, then keep it in uploads/ (the only file of its
        document id there). A name already indexed is refused unless `replace`."""
        # Name and type first, for their own errors (415); the content is checked by the ingest
        # itself (parsing twice would OCR a scanned upload twice), before anything is kept.
        parser_for(filename)
        name = file_name(filename)
        doc_id = doc_id_for(name)
        with self._write:
            indexed = self.searcher.snapshot.manifest.documents.get(doc_id)
            if indexed and not replace:
                raise ConflictError(
                    f"a document {doc_id!r} is already indexed (from {Path(indexed.path).name}); "
                    "upload with replace=true to replace it"
                )
            path = self.upload_dir / name
            report = ingest([], self.settings, progress=False, contents={path: data})
            if report.failed:
                raise InputError(report.failed[0].error)
            # The snapshot holding it has landed; a crash before this line leaves no file.
            self.upload_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.upload_dir / f".{name}.part"
            tmp.write_bytes(data)
            tmp.replace(path)
            self._remove_files(doc_id, keep=path)
            self._reload()
            return report

    def _remove_files(self, doc_id: str, keep: Path | None = None) -> None:
        if not self.upload_dir.is_dir():
            return
        for path in self.upload_dir.iterdir():
            if path != keep and path.is_file() and _doc_id_of(path) == doc_id:
                path.unlink()

    def delete(self, doc_id: str) -> bool:
        if not DOC_ID_RE.match(doc_id):
            return False
        with self._write:
            removed = remove([doc_id], self.settings)
            self._remove_files(doc_id)
            if removed:
                self._reload()
            return bool(removed)


def _doc_id_of(path: Path) -> str | None:
    try:
        return doc_id_for(path.name)
    except InputError:
        return None  # not a name an upload could have had


def _limit_heap_arenas() -> None:
    """At most two glibc heaps, as MALLOC_ARENA_MAX=2 would: by default each worker thread
    may get its own, and an upload's garbage stays spread over all of them (measured: RSS
    ~300 MB lower under upload churn, benchmarks/results/memory.md)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(None).mallopt(-8, 2)  # -8: M_ARENA_MAX


def _release_memory() -> None:
    """Hand freed heap back to the OS: after an ingest's large temporary arrays glibc keeps it,
    and the server's RSS would stay at its peak."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(None).malloc_trim(0)
