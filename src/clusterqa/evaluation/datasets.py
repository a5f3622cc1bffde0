"""Public benchmark formats read into one shape: BEIR directories and SQuAD/KorQuAD 1.0 JSON."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from clusterqa.errors import InputError


@dataclass
class RetrievalSet:
    name: str
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    answers: dict[str, list[str]] = field(default_factory=dict)  # SQuAD only


def _jsonl(path: Path) -> list[dict]:
    try:
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read JSON lines ({exc})") from exc


def load_beir(directory: Path) -> RetrievalSet:
    """`corpus.jsonl` (_id, title, text), `queries.jsonl` (_id, text), `qrels/test.tsv`."""
    corpus = {
        str(d["_id"]): (d.get("title") or "", d["text"]) for d in _jsonl(directory / "corpus.jsonl")
    }
    queries = {str(q["_id"]): q["text"] for q in _jsonl(directory / "queries.jsonl")}
    qrels: dict[str, dict[str, int]] = {}
    try:
        with (directory / "qrels" / "test.tsv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if int(row["score"]) > 0:
                    qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"{directory}/qrels/test.tsv: not a BEIR qrels file ({exc})") from exc
    queries = {q: t for q, t in queries.items() if q in qrels}
    return RetrievalSet(directory.name, corpus, queries, qrels)


def load_squad(path: Path) -> RetrievalSet:
    """Each paragraph is a document titled by its article; each question's own paragraph is
    its one relevant document."""
    try:
        articles = json.loads(path.read_text("utf-8"))["data"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{path}: not SQuAD 1.0 JSON ({exc})") from exc
    data = RetrievalSet(path.stem, {}, {}, {})
    for a, article in enumerate(articles):
        for p, paragraph in enumerate(article["paragraphs"]):
            pid = f"a{a}p{p}"
            data.corpus[pid] = (article.get("title", ""), paragraph["context"])
            for qa in paragraph["qas"]:
                data.queries[qa["id"]] = qa["question"]
                data.qrels[qa["id"]] = {pid: 1}
                data.answers[qa["id"]] = [ans["text"] for ans in qa["answers"]]
    return data
