"""Candidate extraction on real corpus sentences: typed spans, their offsets and ranking."""

import pytest

from clusterqa.extract import candidates, unknown_names
from clusterqa.models import Chunk, Hit
from clusterqa.question import analyze
from clusterqa.search import Searcher


@pytest.fixture(scope="module")
def snapshot(corpus_index):
    return Searcher.open(corpus_index, "bm25").snapshot


def _hit_on(snapshot, doc_id: str, sentence: str) -> tuple[Hit, dict[str, str]]:
    """A hit whose chunk is exactly `sentence` where it stands in the document."""
    text = snapshot.documents[doc_id].text
    start = text.index(sentence)
    chunk = Chunk(
        chunk_id="t", doc_id=doc_id, start=start, end=start + len(sentence), text=sentence
    )
    return Hit(chunk=chunk, score=1.0), {doc_id: text}


KIST = "KIST의 산하 부서로 조직이 구성되어 있으며"


def test_an_acronym_is_an_organisation_candidate(snapshot):
    text = snapshot.documents["000_cb8befbba9c2d448"].text
    sentence = text[
        text.rindex("또한", 0, text.index(KIST)) : text.index("한계가 있다", text.index(KIST))
    ]
    hit, texts = _hit_on(snapshot, "000_cb8befbba9c2d448", sentence)
    found = candidates(analyze("홍릉강소특구사업단은 어느 기관의 산하 부서인가?"), [hit], texts)
    assert found and found[0].text == "KIST" and found[0].type == "organization"
    best = found[0]
    assert texts[best.doc_id][best.start : best.end] == "KIST"
    assert best.sentence_start <= best.start < best.end <= best.sentence_end


def test_quantities_of_the_asked_type_only(snapshot):
    sentence = next(
        s for s in snapshot.documents["000_cb8befbba9c2d448"].text.split("\n") if "1.55조 달러" in s
    )
    hit, texts = _hit_on(snapshot, "000_cb8befbba9c2d448", sentence)
    amounts = candidates(analyze("바이오기술 시장 규모는 얼마인가?"), [hit], texts)
    percents = candidates(analyze("연평균 성장률은 몇 %인가?"), [hit], texts)
    assert amounts[0].text == "1.55조 달러" and amounts[0].unit == "USD"
    assert {c.type for c in amounts} == {"amount"}
    assert {c.type for c in percents} == {"percent"}
    assert "13.96%" in {c.text for c in percents} and "1.55조 달러" not in {
        c.text for c in percents
    }


def test_a_year_named_in_the_question_is_not_its_answer(snapshot):
    sentence = next(
        s for s in snapshot.documents["000_cb8befbba9c2d448"].text.split("\n") if "1.55조 달러" in s
    )
    hit, texts = _hit_on(snapshot, "000_cb8befbba9c2d448", sentence)
    years = candidates(analyze("2023년 기준 시장 규모 전망은 몇 년까지인가?"), [hit], texts)
    assert years and "2023" not in years[0].text


def test_unknown_names_are_those_no_document_mentions(snapshot):
    texts = {d: doc.text for d, doc in snapshot.documents.items()}
    assert unknown_names("메디콘밸리는 어디에 있나?", texts) == []
    assert unknown_names("후쿠오카 바이오밸리의 예산은?", texts) == ["후쿠오카"]
