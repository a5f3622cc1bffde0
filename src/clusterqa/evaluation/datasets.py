"""Public benchmark formats read into one shape: BEIR directories and SQuAD/KorQuAD 1.0 JSON."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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


Split = Literal["eval", "train", "all"]


def article_split(titles: list[str]) -> dict[str, str]:
    """Each article title's split: with the titles sorted, every third (positions 0, 3, 6, …)
    is "eval", never trained on; the rest is "train". Whole articles, so no paragraph or topic
    of an evaluation question is seen in training."""
    return {t: "eval" if i % 3 == 0 else "train" for i, t in enumerate(sorted(set(titles)))}


def squad_articles(path: Path, split: Split = "all") -> list[dict]:
    """The articles of a SQuAD 1.0 JSON file in file order, limited to one split."""
    try:
        articles = json.loads(path.read_text("utf-8"))["data"]
        titles = [a.get("title", "") for a in articles]
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise InputError(f"{path}: not SQuAD 1.0 JSON ({exc})") from exc
    if split == "all":
        return articles
    splits = article_split(titles)
    return [a for a, t in zip(articles, titles, strict=True) if splits[t] == split]


def load_squad(path: Path, split: Split = "all") -> RetrievalSet:
    """Each paragraph is a document titled by its article; each question's own paragraph is
    its one relevant document. Every paragraph is in the corpus, whatever the split: only the
    questions are the split's, so retrieval searches the same haystack for every split."""
    articles = squad_articles(path)
    splits = article_split([a.get("title", "") for a in articles])
    name = path.stem if split == "all" else f"{path.stem}-{split}"
    data = RetrievalSet(name, {}, {}, {})
    for a, article in enumerate(articles):
        for p, paragraph in enumerate(article["paragraphs"]):
            pid = f"a{a}p{p}"
            data.corpus[pid] = (article.get("title", ""), paragraph["context"])
            if split != "all" and splits[article.get("title", "")] != split:
                continue
            for qa in paragraph["qas"]:
                data.queries[qa["id"]] = qa["question"]
                data.qrels[qa["id"]] = {pid: 1}
                data.answers[qa["id"]] = [ans["text"] for ans in qa["answers"]]
    return data
