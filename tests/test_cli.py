"""The `clusterqa` command run as users run it: a real process over a real index."""

import json
import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def run(corpus_index):
    env = {**os.environ, "CLUSTERQA_INDEX_DIR": str(corpus_index.index_dir)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "clusterqa.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )

    return run


def test_ask_json_shape(run):
    out = run("ask", "홍릉강소특구는 어느 해외 클러스터와 비교되었나?", "--json")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert set(body) >= {"question", "answer", "abstained", "citations", "passages"}
    assert body["citations"] and not body["abstained"]
    for c in body["citations"]:
        assert set(c) == {"doc_id", "title", "page", "start", "end", "quote", "score", "ocr",
                          "ocr_confidence", "location"}  # fmt: skip


def test_search_human_output_and_k(run):
    out = run("search", "메디콘밸리", "-k", "3")
    assert out.returncode == 0, out.stderr
    assert [line[:2] for line in out.stdout.splitlines() if line[:1].isdigit()] == [
        "1.",
        "2.",
        "3.",
    ]


def test_search_json_shows_the_term_bridge(run):
    out = run("search", "Medicon Valley hospitals", "--json", "--retriever", "bm25", "-k", "10")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    korean = [h for h in hits if "메디콘밸리" in h["quote"]]
    assert korean and all(h["bridge"] == {"Medicon Valley": ["메디콘밸리"]} for h in korean)
    assert all(h["bridge"] == {} for h in hits if "메디콘밸리" not in h["quote"])


def test_docs_lists_the_corpus(run):
    body = json.loads(run("docs", "--json").stdout)
    assert len(body) == 5 and all(row["title"] and row["chunks"] > 0 for row in body)


def test_no_match_is_explained(run):
    out = run("search", "qwxzzy", "--retriever", "bm25")
    assert out.returncode == 0 and "no matching passages" in out.stdout


@pytest.mark.parametrize(
    "args",
    [("ask", ""), ("search", "x" * 3000), ("ingest", "/no/such/dir"), ("remove", "nope")],
)
def test_errors_are_clear_and_fail(run, args):
    out = run(*args)
    assert out.returncode == 1 and out.stderr.splitlines()[-1].startswith("error:"), out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("env", "toml", "message"),
    [({"CLUSTERQA_TOP_K": "many"}, None, "top_k"), ({}, "top_k = [\n", "clusterqa.toml")],
)
def test_bad_configuration_is_one_clear_line(tmp_path, env, toml, message):
    if toml:
        (tmp_path / "clusterqa.toml").write_text(toml, "utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "clusterqa.cli", "search", "메디콘밸리"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.startswith("error: invalid configuration") and message in out.stderr
