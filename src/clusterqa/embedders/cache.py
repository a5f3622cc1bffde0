"""Model directories built once into the local cache: a version marker written last, and an
atomic publish that tolerates a concurrent build and replaces a stale or incomplete one."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from clusterqa.errors import ClusterQAError


def is_complete(path: Path, marker: str, version: int) -> bool:
    """Whether `path` holds a finished build of this version (its marker file is written last)."""
    try:
        content = json.loads((path / marker).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and content.get("export_version") == version


@contextlib.contextmanager
def staging_dir(out_dir: Path) -> Iterator[Path]:
    """A fresh directory beside `out_dir` to build into before `publish`; removed afterwards
    (a published build has been renamed away already)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(
    staging: Path, out_dir: Path, complete: Callable[[Path], bool], replace_complete: bool = False
) -> None:
    """Rename the finished build into place; rename(2) is atomic but refuses a non-empty target.

    `complete(out_dir)` tells a finished build of the current version, which is kept (a
    concurrent build finished first; its files are identical) unless `replace_complete`.
    """
    for _ in range(5):
        try:
            os.rename(staging, out_dir)
            return
        except OSError:
            if not out_dir.exists():
                raise
        if not replace_complete and complete(out_dir):
            return
        # Stale, incomplete or to be replaced: move it aside, then retry the rename.
        old = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex}")
        with contextlib.suppress(FileNotFoundError):
            os.rename(out_dir, old)
        shutil.rmtree(old, ignore_errors=True)
    raise ClusterQAError(f"could not move the built model into {out_dir}")
