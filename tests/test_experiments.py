"""Re-runs every recorded experiment and fails when a figure drops beyond its tolerance.

Slow (it re-embeds the corpus): run with `make bench`.
"""

import json
from pathlib import Path

import pytest

from clusterqa.config import Settings
from clusterqa.evaluation.bench import run_gold
from clusterqa.evaluation.gold import load_gold
from clusterqa.ingest import ingest
from clusterqa.search import Searcher
from clusterqa.store import load

ROOT = Path(__file__).parents[1]
EXPERIMENTS = sorted((ROOT / "benchmarks" / "experiments").glob("*.json"))


@pytest.mark.slow
@pytest.mark.parametrize("path", EXPERIMENTS, ids=[p.stem for p in EXPERIMENTS])
def test_recorded_figures_still_hold(path: Path, tmp_path: Path):
    spec = json.loads(path.read_text("utf-8"))
    settings = Settings(index_dir=tmp_path / "index", **spec["settings"])
    ingest([ROOT / "corpus"], settings, progress=False)
    items = load_gold([ROOT / f for f in spec["files"]])
    snapshot = load(settings.index_dir)
    for retriever, expected in spec["expected"].items():
        searcher = Searcher(snapshot, settings, retriever)
        got = run_gold(items, searcher, progress=False)["retrieval"]
        for metric, value in expected.items():
            assert got[metric] >= value - spec["tolerance"], (retriever, metric, got)
