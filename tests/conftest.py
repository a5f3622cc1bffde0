"""Shared fixtures: the real model loaded once per session, and one index of the real corpus."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from clusterqa.config import Settings
from clusterqa.embedders.base import Embedder
from clusterqa.embedders.factory import make_embedder
from clusterqa.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(index_dir=tmp_path_factory.mktemp("corpus-index"), corpus_dir=CORPUS)


@pytest.fixture(scope="session")
def embedder(corpus_settings: Settings) -> Embedder:
    return make_embedder(corpus_settings)


@pytest.fixture(scope="session")
def corpus_index(corpus_settings: Settings, embedder: Embedder) -> Settings:
    """Settings whose index holds the five bundled documents (built once per session)."""
    report = ingest([CORPUS], corpus_settings, progress=False)
    assert not report.failed, report.failed
    return corpus_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with an empty index of its own."""
    return Settings(index_dir=tmp_path / "index", corpus_dir=CORPUS)


@pytest.fixture(scope="session")
def make_pdf(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Writes a real PDF with a real CJK font (fpdf2), one string per page."""
    import noto_cjk_sans_jp_regular
    from fpdf import FPDF

    font = Path(noto_cjk_sans_jp_regular.__file__).parent / "NotoSansCJKjp-Regular.otf"
    out = tmp_path_factory.mktemp("pdfs")

    def make(name: str, pages: list[str], password: str | None = None) -> Path:
        pdf = FPDF()
        pdf.add_font("noto", "", str(font))
        pdf.set_font("noto", size=11)
        for text in pages:
            pdf.add_page()
            if text:
                pdf.multi_cell(0, 7, text)
        path = out / name
        pdf.output(str(path))
        if password:
            from pypdf import PdfReader, PdfWriter

            writer = PdfWriter(clone_from=PdfReader(path))
            writer.encrypt(user_password=password, algorithm="AES-256")
            writer.write(path)
        return path

    return make


@dataclass
class LiveServer:
    url: str
    api_key: str
    index_dir: Path


@contextlib.contextmanager
def serve(index_dir: Path, **env: str) -> Iterator[LiveServer]:
    """A real `clusterqa serve` process on a free loopback port over `index_dir`, with a random
    API key (and any further CLUSTERQA_* settings in `env`), stopped on exit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    key = "test-key-" + os.urandom(8).hex()
    env = {
        **os.environ,
        **{f"CLUSTERQA_{k.upper()}": v for k, v in env.items()},
        "CLUSTERQA_INDEX_DIR": str(index_dir),
        "CLUSTERQA_API_KEY": key,
    }
    log_path = index_dir.parent / f"server-{port}.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "clusterqa.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text()}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise RuntimeError("server did not start within 180 s")
        yield LiveServer(url=url, api_key=key, index_dir=index_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def start_server() -> Callable[..., contextlib.AbstractContextManager[LiveServer]]:
    """`serve`, for tests that need a server of their own."""
    return serve


@pytest.fixture(scope="session")
def live_server(corpus_index: Settings, tmp_path_factory: pytest.TempPathFactory):
    """The server most API tests share, over a copy of the corpus index (so uploads and
    deletions in tests never touch other fixtures)."""
    index_dir = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(corpus_index.index_dir, index_dir)
    with serve(index_dir) as server:
        yield server
