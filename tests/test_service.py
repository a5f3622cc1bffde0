"""The long-lived service through a real server: start-up clean-up of uploads/ and snapshots
written by the CLI while it runs."""

import os
import shutil
import subprocess
import sys

import httpx

NEW_DOC = (
    "제주 해양바이오 클러스터 조성 계획\n\n"
    "제주특별자치도는 2031년까지 서귀포시에 해양바이오 클러스터를 조성한다. "
    "총사업비는 2,750억 원이며 입주 기업 목표는 120개사이다.\n"
)


def test_orphans_are_removed_and_cli_ingests_are_served(corpus_index, start_server, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index.index_dir, index_dir)
    uploads = index_dir / "uploads"
    uploads.mkdir()
    # What a kill -9 mid-upload could leave: a half-written file and one never indexed.
    (uploads / ".crashed.txt.part").write_bytes(b"half")
    (uploads / "crashed.txt").write_text(NEW_DOC, encoding="utf-8")
    with start_server(index_dir) as server:
        assert list(uploads.iterdir()) == []
        before = httpx.get(f"{server.url}/health").json()
        assert before["documents"] == 5
        new = tmp_path / "jeju.txt"
        new.write_text(NEW_DOC, encoding="utf-8")
        env = {**os.environ, "CLUSTERQA_INDEX_DIR": str(index_dir)}
        cmd = [sys.executable, "-m", "clusterqa.cli", "ingest", str(new), "--quiet"]
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        after = httpx.get(f"{server.url}/health").json()
        assert after["index"] != before["index"]
        assert (after["documents"], after["chunks"]) == (6, before["chunks"] + 1)
        answer = httpx.post(
            f"{server.url}/ask",
            json={"question": "제주 해양바이오 클러스터의 총사업비는 얼마인가?"},
            timeout=60,
        ).json()
        assert answer["answer"]["text"] == "2,750억 원"
        assert answer["citations"][0]["doc_id"] == "jeju"


def test_serving_never_imports_torch(corpus_index):
    """The server answers with ONNX Runtime and the `tokenizers` library alone."""
    script = (
        "import sys\n"
        "from clusterqa.config import Settings\n"
        "from clusterqa.service import Service\n"
        "from clusterqa.answering.answer import ask\n"
        "service = Service(Settings())\n"
        "response = ask(service.searcher, '메디콘밸리에는 대학이 몇 개 있나?', 5)\n"
        "assert response.citations, response\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'peft')"
        " if m in sys.modules))\n"
    )
    env = {**os.environ, "CLUSTERQA_INDEX_DIR": str(corpus_index.index_dir)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
