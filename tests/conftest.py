"""Shared fixtures: the real model loaded once per session, and one index of the real corpus."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

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
