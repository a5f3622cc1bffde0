"""Cached model directories: the version marker, and publishing over stale or concurrent builds."""

import json
from pathlib import Path

from clusterqa.embedders.cache import is_complete, publish

MARKER = ".built.json"


def _build(root: Path, name: str, version: int | None) -> Path:
    path = root / name
    path.mkdir()
    (path / "weights").write_text(name)
    if version is not None:
        (path / MARKER).write_text(json.dumps({"export_version": version}))
    return path


def complete(path: Path) -> bool:
    return is_complete(path, MARKER, 2)


def test_only_a_marker_of_this_version_is_complete(tmp_path: Path):
    assert complete(_build(tmp_path, "now", 2))
    assert not complete(_build(tmp_path, "old", 1))
    assert not complete(_build(tmp_path, "unfinished", None))
    assert not complete(tmp_path / "missing")


def test_a_stale_build_is_replaced(tmp_path: Path):
    out = _build(tmp_path, "out", 1)
    publish(_build(tmp_path, "staging", 2), out, complete)
    assert (out / "weights").read_text() == "staging" and complete(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left aside


def test_a_finished_concurrent_build_is_kept(tmp_path: Path):
    out = _build(tmp_path, "out", 2)
    staging = _build(tmp_path, "staging", 2)
    publish(staging, out, complete)
    assert (out / "weights").read_text() == "out"  # the caller removes its own staging
    publish(staging, out, complete, replace_complete=True)
    assert (out / "weights").read_text() == "staging"
