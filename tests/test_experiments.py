"""Re-runs every recorded experiment and fails when a figure drops beyond its tolerance.

Slow (each re-embeds its corpus): run with `make bench`. A file's `expected` maps each retriever
to report sections and their figures, e.g. {"hybrid": {"retrieval": {"recall@1": 0.54}}}.
"""

import json
from pathlib import Path

import pytest

from clusterqa.config import Settings
from clusterqa.evaluation.bench import index_corpus, run_gold, run_retrieval_set
from clusterqa.evaluation.datasets import load_squad
from clusterqa.evaluation.gold import load_gold
from clusterqa.ingest import ingest
from clusterqa.search import Searcher
from clusterqa.store import load

ROOT = Path(__file__).parents[1]
EXPERIMENTS = sorted((ROOT / "benchmarks" / "experiments").glob("*.json"))


def _runner(spec: dict, settings: Settings, tmp_path: Path):
    """(snapshot, run(searcher) -> report) for the experiment's dataset."""
    if spec["dataset"] == "gold":
        ingest([ROOT / "corpus"], settings, progress=False)
        items = load_gold([ROOT / f for f in spec["files"]])
        return load(settings.index_dir), lambda s: run_gold(items, s, progress=False)
    path = ROOT / spec["path"]
    if not path.exists():
        pytest.skip(f"{path} is not here")
    data = load_squad(path, spec.get("split", "all"))
    if spec.get("max_queries"):
        data.queries = dict(list(data.queries.items())[: spec["max_queries"]])
    snapshot = index_corpus(data, settings, progress=False)
    return snapshot, lambda s: run_retrieval_set(data, s, progress=False)


@pytest.mark.slow
@pytest.mark.parametrize("path", EXPERIMENTS, ids=[p.stem for p in EXPERIMENTS])
def test_recorded_figures_still_hold(path: Path, tmp_path: Path):
    spec = json.loads(path.read_text("utf-8"))
    settings = Settings(index_dir=tmp_path / "index", **spec["settings"])
    snapshot, run = _runner(spec, settings, tmp_path)
    for retriever, sections in spec["expected"].items():
        report = run(Searcher(snapshot, settings, retriever))
        for section, figures in sections.items():
            for metric, value in figures.items():
                got = report[section][metric]
                assert got >= value - spec["tolerance"], (retriever, section, metric, got)
