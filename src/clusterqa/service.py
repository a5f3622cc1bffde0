"""A long-lived handle on the index for servers: queries use the current searcher while
uploads and deletions build the next one, which is swapped in whole."""

from __future__ import annotations

import threading
from pathlib import Path

from clusterqa.config import Settings
from clusterqa.errors import InputError
from clusterqa.ingest import IngestReport, ingest, remove
from clusterqa.models import DOC_ID_RE
from clusterqa.parsers import parse
from clusterqa.search import Searcher


class Service:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.searcher = Searcher.open(settings)
        self._write = threading.Lock()  # one upload or deletion at a time

    def _reload(self) -> None:
        # Build the new searcher first; requests in flight keep the one they already hold.
        self.searcher = Searcher.open(self.settings)

    @property
    def upload_dir(self) -> Path:
        return self.settings.index_dir / "uploads"

    def add(self, filename: str, data: bytes) -> IngestReport:
        """Check, store and ingest one uploaded file; the served index changes only on success."""
        parse(filename, data, self.settings.max_file_bytes)  # clear error before anything is kept
        name = Path(filename).name
        with self._write:
            self.upload_dir.mkdir(parents=True, exist_ok=True)
            path = self.upload_dir / name
            previous = path.read_bytes() if path.exists() else None
            tmp = self.upload_dir / f".{name}.part"
            tmp.write_bytes(data)
            tmp.replace(path)
            try:
                report = ingest([path], self.settings, progress=False)
            except Exception:
                self._restore(path, previous)
                raise
            if report.failed:
                self._restore(path, previous)
                raise InputError(report.failed[0].error)
            self._reload()
            return report

    @staticmethod
    def _restore(path: Path, previous: bytes | None) -> None:
        if previous is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(previous)

    def delete(self, doc_id: str) -> bool:
        if not DOC_ID_RE.match(doc_id):
            return False
        with self._write:
            removed = remove([doc_id], self.settings)
            for path in self.upload_dir.glob(f"{doc_id}.*"):
                if path.stem == doc_id:
                    path.unlink()
            if removed:
                self._reload()
            return bool(removed)
