from itertools import pairwise
from pathlib import Path

import pytest

from clusterqa.chunking import chunk_document
from clusterqa.ingest import build_document
from clusterqa.models import Document, PageText, ParsedDocument
from clusterqa.parsers import parse

CORPUS = Path(__file__).parents[1] / "corpus"


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    docs = []
    for path in sorted(CORPUS.glob("*.txt")):
        docs.append(build_document(parse(path.name, path.read_bytes(), 10**8), "h", {}))
    return docs


@pytest.mark.parametrize(("size", "overlap"), [(300, 0), (500, 100), (900, 200)])
def test_chunks_are_exact_slices_within_bounds(documents, size, overlap):
    for doc in documents:
        chunks = chunk_document(doc, size, overlap)
        assert chunks
        for c in chunks:
            assert c.text == doc.text[c.start : c.end]
            assert c.doc_id == doc.doc_id and c.text.strip()
            # A single sentence can exceed the size by at most the overlap carried in.
            assert len(c.text) <= size + overlap


def test_chunks_cover_every_sentence(documents):
    doc = documents[0]
    chunks = chunk_document(doc, 500, 100)
    covered = [False] * len(doc.text)
    for c in chunks:
        covered[c.start : c.end] = [True] * (c.end - c.start)
    uncovered = "".join(ch for ch, ok in zip(doc.text, covered, strict=True) if not ok)
    assert not uncovered.strip()


def test_overlap_repeats_the_previous_sentence(documents):
    chunks = chunk_document(documents[1], 500, 150)
    same_section = [(a, b) for a, b in pairwise(chunks) if a.section == b.section]
    assert any(b.start < a.end for a, b in same_section)


def test_chunks_do_not_cross_pages_and_record_them():
    parsed = ParsedDocument(
        doc_id="p",
        source="p.pdf",
        pages=[
            PageText(number=1, text="1. 개요\n\n첫 쪽의 문장이다. " * 20),
            PageText(number=2, text="둘째 쪽의 문장이다. " * 20),
        ],
    )
    doc = build_document(parsed, "h", {})
    chunks = chunk_document(doc, 200, 50)
    for c in chunks:
        page = next(p for p in doc.pages if p.start <= c.start < p.end)
        assert c.end <= page.end and c.page == page.number
    assert {c.page for c in chunks} == {1, 2}
    assert chunks[0].section == "1. 개요"
