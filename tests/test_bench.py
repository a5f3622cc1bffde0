"""Benchmark runners and reports on small real data: our gold set, a BEIR directory, KorQuAD."""

import json
from pathlib import Path

import pytest

from clusterqa.cli import main
from clusterqa.evaluation.bench import index_corpus, relevant_chunks, run_retrieval_set
from clusterqa.evaluation.datasets import load_beir, load_squad
from clusterqa.evaluation.gold import load_gold
from clusterqa.korean import has_hangul
from clusterqa.search import Searcher

ROOT = Path(__file__).parents[1]
KORQUAD = ROOT.parent / "shared" / "benchdata" / "KorQuAD_v1.0_dev.json"
REPORT_KEYS = {"dataset", "n_queries", "config", "retrieval", "latency_ms", "per_query"}


@pytest.fixture(scope="module")
def gold_items():
    items = load_gold([ROOT / "corpus" / "gold" / "dev.jsonl"])
    return [i for i in items if i.doc.startswith("002")][:12]


def test_relevant_chunks_cover_the_evidence(corpus_index, gold_items):
    searcher = Searcher.open(corpus_index, "bm25")
    for item in gold_items:
        if item.answerable:
            chunks = {c.chunk_id: c for c in searcher.snapshot.chunks}
            relevant = relevant_chunks(item, searcher)
            assert relevant and all(chunks[c].doc_id == item.doc_id for c in relevant)


def test_gold_report_files_and_compare(corpus_index, gold_items, tmp_path, monkeypatch, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(i.model_dump_json() + "\n" for i in gold_items), "utf-8")
    monkeypatch.setenv("CLUSTERQA_INDEX_DIR", str(corpus_index.index_dir))
    args = ["bench", "gold", str(gold), "--retriever", "bm25", "bigram", "--quiet"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    summary = capsys.readouterr().out.strip().splitlines()
    assert [line.split(":")[0].strip() for line in summary] == ["bm25", "bigram"]
    assert f"gold n={len(gold_items)}" in summary[-1] and "recall@5=" in summary[-1]
    report = json.loads((tmp_path / "bm25" / "report.json").read_text("utf-8"))
    assert set(report) >= REPORT_KEYS and report["config"]["retriever"] == "bm25"
    assert set(report["recall_curve"]) >= {"all", "lexical"}
    markdown = (tmp_path / "bm25" / "report.md").read_text("utf-8")
    assert markdown.startswith("# Benchmark: gold") and "### By language" in markdown
    assert (tmp_path / "bm25" / "recall_at_k.png").read_bytes()[:4] == b"\x89PNG"
    # Questions with Hangul and without are scored apart (one English question here).
    languages = report["breakdown"]["language"]
    english = sum(i.answerable and not has_hangul(i.question) for i in gold_items)
    assert set(languages) == {"hangul", "no_hangul"} and languages["no_hangul"]["n"] == english
    assert {q["language"] for q in report["per_query"]} == {"hangul", "no_hangul"}
    assert main(["bench", "compare", str(tmp_path / "bm25"), str(tmp_path / "bigram")]) == 0
    out = capsys.readouterr().out
    assert "retrieval.recall@5:" in out
    assert f"retrieval[no_hangul, n={english}].recall@5:" in out
    assert "retrieval[hangul, n=" in out


def test_beir_directory(corpus_index, tmp_path):
    beir = tmp_path / "mini"
    (beir / "qrels").mkdir(parents=True)
    paragraphs = [
        p
        for p in (ROOT / "corpus" / "002_c3d9855bd773deac.txt").read_text("utf-8").split("\n")
        if len(p) > 80
    ][:8]
    corpus = [
        {"_id": f"doc/{i}", "title": "바이오메디컬 클러스터", "text": p}
        for i, p in enumerate(paragraphs)
    ]
    queries = [{"_id": f"q{i}", "text": p[:40]} for i, p in enumerate(paragraphs[:4])]
    (beir / "corpus.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in corpus))
    (beir / "queries.jsonl").write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in queries)
    )
    rows = ["query-id\tcorpus-id\tscore"] + [f"q{i}\tdoc/{i}\t1" for i in range(4)]
    (beir / "qrels" / "test.tsv").write_text("\n".join(rows) + "\n")
    data = load_beir(beir)
    searcher = Searcher(index_corpus(data, corpus_index, False), corpus_index, "hybrid")
    report = run_retrieval_set(data, searcher, progress=False)
    assert report["n_queries"] == 4 and report["retrieval"]["recall@1"] >= 0.75
    assert all(d.startswith("doc/") for q in report["per_query"] for d in q["retrieved"])


@pytest.mark.skipif(not KORQUAD.exists(), reason="KorQuAD dev file not beside the checkout")
def test_korquad_slice(corpus_index, tmp_path):
    data = json.loads(KORQUAD.read_text("utf-8"))
    data["data"] = data["data"][:2]
    small = tmp_path / "korquad-mini.json"
    small.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    squad = load_squad(small)
    assert squad.answers and all(len(r) == 1 for r in squad.qrels.values())
    squad.queries = dict(list(squad.queries.items())[:30])
    searcher = Searcher(index_corpus(squad, corpus_index, False), corpus_index, "bm25")
    report = run_retrieval_set(squad, searcher, progress=False)
    assert report["retrieval"]["recall@10"] >= 0.8
