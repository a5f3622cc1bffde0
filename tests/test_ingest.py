import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from clusterqa.config import Settings
from clusterqa.errors import IndexStateError
from clusterqa.ingest import ingest, remove
from clusterqa.korean import ANALYSER, sentences_in
from clusterqa.store import SCHEMA_VERSION, current_path, load, save

CORPUS = Path(__file__).parents[1] / "corpus"
SMALL = "004_9fd92bf91912a93d.txt"
BIG = "001_bbdd64259990e5a3.txt"


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    """A real report (its first pages, to keep embedding short) and a one-line note."""
    d = tmp_path / "docs"
    d.mkdir()
    (d / SMALL).write_text((CORPUS / SMALL).read_text("utf-8")[:3000], "utf-8")
    (d / "note.txt").write_text("오송 첨단의료복합단지는 충청북도 청주시에 있다.", "utf-8")
    return d


def test_incremental_ingest(settings: Settings, docs_dir: Path):
    first = ingest([docs_dir], settings, progress=False)
    assert sorted(first.added) == ["004_9fd92bf91912a93d", "note"] and not first.failed
    version = current_path(settings.index_dir)

    again = ingest([docs_dir], settings, progress=False)
    assert not again.changed and sorted(again.unchanged) == sorted(first.added)
    assert current_path(settings.index_dir) == version  # a no-op writes nothing

    (docs_dir / "note.txt").write_text("대전 바이오단지는 대덕연구개발특구에 있다.", "utf-8")
    (docs_dir / "extra.md").write_text("# 부록\n\n원주 의료기기 클러스터.", "utf-8")
    changed = ingest([docs_dir], settings, progress=False)
    assert changed.updated == ["note"] and changed.added == ["extra"]

    snapshot = load(settings.index_dir)
    note_chunks = [c for c in snapshot.chunks if c.doc_id == "note"]
    assert [c.text for c in note_chunks] == ["대전 바이오단지는 대덕연구개발특구에 있다."]
    assert len(snapshot.chunks) == snapshot.embeddings.shape[0] == snapshot.faiss_index.ntotal

    (docs_dir / "extra.md").unlink()
    removed = ingest([docs_dir], settings, progress=False)
    assert removed.removed == ["extra"]
    assert "extra" not in load(settings.index_dir).documents


def test_bm25_statistics_follow_the_documents(settings: Settings, docs_dir: Path):
    from clusterqa.search import Searcher

    ingest([docs_dir], settings, progress=False)
    assert Searcher.open(settings, "bm25").search("오송 청주시")[0].chunk.doc_id == "note"
    remove(["note"], settings)
    hits = Searcher.open(settings, "bm25").search("오송 청주시")
    assert all(h.chunk.doc_id != "note" for h in hits)


def test_bad_file_in_a_batch_does_not_stop_the_rest(settings: Settings, docs_dir):
    (docs_dir / "legacy.txt").write_bytes("Ærøskøbing".encode("latin-1"))
    (docs_dir / "empty.txt").write_bytes(b"")
    report = ingest([docs_dir], settings, progress=False)
    assert sorted(report.added) == ["004_9fd92bf91912a93d", "note"]
    assert sorted(Path(f.path).name for f in report.failed) == ["empty.txt", "legacy.txt"]


def test_korean_file_names_are_ingested_under_a_safe_id(settings, docs_dir):
    (docs_dir / "오송 단지 현황.txt").write_text("오송 단지는 2010년에 조성되었다.", "utf-8")
    report = ingest([docs_dir], settings, progress=False)
    (doc_id,) = [d for d in report.added if d.startswith("osong-danji-hyeonhwang-")]
    doc = load(settings.index_dir).documents[doc_id]
    assert doc.source == "오송 단지 현황.txt" and doc.title == "오송 단지는 2010년에 조성되었다."
    assert ingest([docs_dir], settings, progress=False).unchanged.count(doc_id) == 1
    (docs_dir / "오송 단지 현황.txt").unlink()
    assert ingest([docs_dir], settings, progress=False).removed == [doc_id]


def test_files_outside_an_ingested_directory_are_kept(settings, docs_dir, tmp_path):
    single = tmp_path / "single.txt"
    single.write_text("송도 바이오 클러스터는 인천에 있다.", "utf-8")
    ingest([single], settings, progress=False)
    report = ingest([docs_dir], settings, progress=False)
    assert not report.removed and "single" in load(settings.index_dir).documents


def test_model_mismatch_is_refused(settings: Settings, docs_dir: Path):
    ingest([docs_dir], settings, progress=False)
    other = settings.model_copy(update={"model": "some/other-model"})
    with pytest.raises(IndexStateError, match="cannot be mixed"):
        ingest([docs_dir], other, progress=False)


def test_changed_chunking_reprocesses_everything(settings, docs_dir):
    ingest([docs_dir], settings, progress=False)
    smaller = settings.model_copy(update={"chunk_size": 200, "chunk_overlap": 0})
    report = ingest([docs_dir], smaller, progress=False)
    assert sorted(report.added) == ["004_9fd92bf91912a93d", "note"]
    assert load(settings.index_dir).manifest.chunk_size == 200


def test_changed_chunking_keeps_documents_from_other_paths(settings, docs_dir, tmp_path):
    single = tmp_path / "single.txt"
    single.write_text("송도 바이오 클러스터는 인천에 있다.", "utf-8")
    ingest([single], settings, progress=False)
    smaller = settings.model_copy(update={"chunk_size": 200, "chunk_overlap": 0})
    report = ingest([docs_dir], smaller, progress=False)
    assert "single" in report.added and "single" in load(settings.index_dir).documents


def test_index_from_older_repair_code_is_reprocessed(settings, docs_dir, monkeypatch):
    ingest([docs_dir], settings, progress=False)
    monkeypatch.setattr("clusterqa.ingest.REPAIR_VERSION", 99)
    report = ingest([docs_dir], settings, progress=False)
    assert sorted(report.added) == ["004_9fd92bf91912a93d", "note"]
    assert load(settings.index_dir).manifest.repair_version == 99


def test_no_index_is_a_clear_error(settings: Settings):
    with pytest.raises(IndexStateError, match="clusterqa ingest"):
        load(settings.index_dir)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_ingest_leaves_previous_index_loadable(settings, docs_dir, sig):
    ingest([docs_dir], settings, progress=False)
    before = load(settings.index_dir)
    (docs_dir / BIG).write_text((CORPUS / BIG).read_text("utf-8")[:16000], "utf-8")
    env = {**os.environ, "CLUSTERQA_INDEX_DIR": str(settings.index_dir), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "clusterqa.cli", "ingest", str(docs_dir)],
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    # Wait until the new document is being embedded, then kill the process mid-work (the
    # document is long enough that a loaded machine still catches it before it is done).
    deadline = time.monotonic() + 120
    seen = ""
    while "embedding:" not in seen and time.monotonic() < deadline:
        seen += proc.stderr.read(1)
    assert "embedding:" in seen, seen
    proc.send_signal(sig)
    proc.wait(timeout=30)
    assert proc.returncode != 0

    after = load(settings.index_dir)
    assert after.manifest == before.manifest and len(after.chunks) == len(before.chunks)
    report = ingest([docs_dir], settings, progress=False)
    assert report.added == ["001_bbdd64259990e5a3"]


def test_sentences_of_every_chunk_are_indexed_with_their_vectors(settings, docs_dir, embedder):
    ingest([docs_dir], settings, progress=False)
    snapshot = load(settings.index_dir)
    for chunk in snapshot.chunks:
        text = snapshot.documents[chunk.doc_id].text
        spans = [(chunk.doc_id, s, e) for s, e in sentences_in(text, chunk.start, chunk.end)]
        vectors = snapshot.sentence_vectors(spans)
        assert vectors is not None and len(vectors) == len(spans)
    note = next(s for s in snapshot.sentences if s.doc_id == "note")
    text = snapshot.documents["note"].text[note.start : note.end]
    stored = snapshot.sentence_vectors([("note", note.start, note.end)])
    assert np.allclose(stored, embedder.embed_passages([text]), atol=1e-5)
    remove(["note"], settings)
    after = load(settings.index_dir)
    assert {s.doc_id for s in after.sentences} == {"004_9fd92bf91912a93d"}
    assert after.sentence_embeddings.shape == (len(after.sentences), after.manifest.dim)


def test_the_term_bridge_follows_the_documents(settings, docs_dir):
    (docs_dir / "gloss.txt").write_text("메디콘밸리(Medicon Valley)는 덴마크에 있다.", "utf-8")
    ingest([docs_dir], settings, progress=False)
    terms = load(settings.index_dir).terms
    assert {(t.doc_id, t.korean, t.latin) for t in terms} >= {
        ("gloss", "메디콘밸리", "Medicon Valley")
    }
    (docs_dir / "note.txt").write_text("대전 바이오단지는 대덕특구에 있다.", "utf-8")
    ingest([docs_dir], settings, progress=False)  # the glossing document is kept as it was
    assert load(settings.index_dir).terms == terms
    remove(["gloss"], settings)
    assert load(settings.index_dir).bridge.terms_in("Where is Medicon Valley?") == {}


def test_index_of_an_older_schema_is_rebuilt_from_its_files(settings, docs_dir, tmp_path):
    elsewhere = tmp_path / "single.txt"
    elsewhere.write_text("대덕특구에는 바이오 기업 295개사가 입주해 있다.", "utf-8")
    ingest([docs_dir, elsewhere], settings, progress=False)
    manifest_path = current_path(settings.index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest_path.write_text(json.dumps(manifest | {"schema_version": 1}), "utf-8")
    with pytest.raises(IndexStateError, match="run `clusterqa ingest`"):
        load(settings.index_dir)
    report = ingest([docs_dir], settings, progress=False)
    assert sorted(report.added) == ["004_9fd92bf91912a93d", "note", "single"]
    assert load(settings.index_dir).manifest.schema_version == SCHEMA_VERSION


def test_tokens_of_another_analyser_are_rebuilt(settings, docs_dir):
    ingest([docs_dir], settings, progress=False)
    snapshot = load(settings.index_dir)
    snapshot.manifest.analyser = "kiwipiepy 0.1"
    save(settings.index_dir, snapshot)
    assert load(settings.index_dir).manifest.analyser == "kiwipiepy 0.1"
    report = ingest([docs_dir], settings, progress=False)
    assert sorted(report.added) == ["004_9fd92bf91912a93d", "note"]
    assert load(settings.index_dir).manifest.analyser == ANALYSER
