"""Answer ranking on the real corpus: where a candidate stands decides what it keeps."""

from dataclasses import replace

import pytest

from clusterqa.answering.extract import PASSAGES, Candidate
from clusterqa.answering.question import analyze
from clusterqa.answering.ranking import (
    asked_years_first,
    by_evidence,
    in_translation,
    kinds_last,
    per_year_first,
    translations_last,
    with_conjuncts,
)
from clusterqa.korean import sentences_in
from clusterqa.search import Searcher


@pytest.fixture(scope="module")
def searcher(corpus_index):
    return Searcher.open(corpus_index)


@pytest.fixture(scope="module")
def texts(searcher):
    return {d: doc.text for d, doc in searcher.snapshot.documents.items()}


def _at(texts: dict[str, str], needle: str, context: str = "") -> Candidate:
    """The candidate `needle` where the corpus first writes it (first inside `context`)."""
    for doc_id, text in texts.items():
        at = text.find(context or needle)
        if at >= 0:
            at += (context or needle).index(needle)
            start, end = next((s, e) for s, e in sentences_in(text) if s <= at < e)
            return Candidate(
                needle, "amount", None, None, False, doc_id, at, at + len(needle), start, end, 1.0
            )
    raise AssertionError(f"no document holds {needle!r}")


def test_english_prose_of_a_korean_report_is_a_translation(texts):
    assert in_translation(_at(texts, "10 billion dollars"), texts)
    assert not in_translation(_at(texts, "1.55조 달러"), texts)
    # A line of figures or a web address without Hangul is not prose.
    assert not in_translation(_at(texts, "www.krihs.re.kr"), texts)
    # Report 001's English abstract is glued to its Korean affiliation line: a sentence with
    # Hangul, yet the name stands in ten English words; a bracketed gloss in Korean text is not.
    assert in_translation(_at(texts, "Korea Research Institute"), texts)
    assert not in_translation(_at(texts, "National Institutes of Health"), texts)


def test_a_figure_of_the_english_prose_yields_to_the_korean_text(texts):
    """The report's English table gives "10 billion dollars" where its Korean text has 10억
    달러; the Korean one answers unless the English one is more than ten times as likely."""
    english = replace(_at(texts, "10 billion dollars"), score=0.3)
    korean = replace(_at(texts, "10억 달러"), score=0.05)
    ranked = translations_last([english, korean], texts)
    assert [(c.text, round(c.score, 3)) for c in ranked] == [
        ("10억 달러", 0.05),
        (english.text, 0.03),
    ]
    far_ahead = replace(english, score=0.9)
    assert translations_last([far_ahead, korean], texts)[0].text == "10 billion dollars"


def test_a_figure_question_takes_a_figure_of_its_kind_first(texts):
    """Asked for a percentage, a share stands before a head count, which stands before a name,
    whatever the scores say: the reader keeps part of its score for a span of another type."""
    share = replace(_at(texts, "25%"), score=0.1)
    people = replace(_at(texts, "5만 6천 명"), score=0.5)
    name = replace(_at(texts, "보스턴"), score=0.9)
    info = analyze("미국 BHCR 클러스터는 2003년 이후 매해 몇 %의 고용 증가세를 보였는가?")
    assert [c.text for c in kinds_last([name, people, share], info)] == [
        "25%",
        "5만 6천 명",
        "보스턴",
    ]
    # A counter is no measure (몇 개의 채널 is answered by 3채널): any figure before the name.
    info = analyze("BHCR 클러스터의 고용 인원은 몇 명인가?")
    assert [c.text for c in kinds_last([name, share, people], info)] == [
        "25%",
        "5만 6천 명",
        "보스턴",
    ]
    # A unit the question names is a measure the answer has: 몇 평 is not answered by a bare 3.
    area = _at(texts, "3150평")
    bare = replace(area, text="3", score=0.9)
    info = analyze("부지 면적은 몇 평인가?")
    assert [c.text for c in kinds_last([bare, area], info)] == ["3150평", "3"]
    # A name question keeps a figure with its unit last.
    info = analyze("BHCR이 있는 도시는 어디인가?")
    assert kinds_last([people, name], info)[0].text == "보스턴"


def test_a_figure_of_the_asked_year_comes_first(texts):
    """Report 004 gives both years' head counts in one sentence ("2000년 기준 각각 3,737명,
    2,561명이었는데 2019년에는 각각 1만 8,759명과 …"): asked for 2019, a 2000 figure yields."""
    old = replace(_at(texts, "3,737명"), score=0.8)
    new = replace(_at(texts, "1만 8,759명"), score=0.1)
    info = analyze("2019년 대전의 바이오헬스산업 종사자 수는 몇 명인가?")
    assert [c.text for c in asked_years_first([old, new], info, texts)] == [
        "1만 8,759명",
        "3,737명",
    ]
    # Asked for 2000, or for no year, the scores decide.
    info = analyze("2000년 대전의 바이오헬스산업 종사자 수는 몇 명인가?")
    assert asked_years_first([old, new], info, texts)[0].text == "3,737명"
    info = analyze("대전의 바이오헬스산업 종사자 수는 몇 명인가?")
    assert asked_years_first([old, new], info, texts)[0].text == "3,737명"
    # A year question is answered by a year, which no other year dates.
    info = analyze("2019년에 종사자가 1만 8,759명이 된 해는?")
    assert asked_years_first([old, new], info, texts)[0].text == "3,737명"


def test_a_yearly_figure_answers_a_question_for_a_yearly_rate(texts):
    """Report 002 gives Daejeon's graduates per year ("연간 2000명 배출"); report 004 its
    workers (3,737명). Asked how many graduate each year, the yearly figure comes first."""
    workers = replace(_at(texts, "3,737명"), score=0.9)
    graduates = replace(_at(texts, "2000명", "2000명 배출"), score=0.1)
    for question in (
        "대전 지역 대학들의 생명공학 관련 전공에서는 해마다 몇 명의 졸업생이 나오나?",
        "How many biotech graduates do Daejeon's universities produce per year?",
    ):
        info = analyze(question)
        assert per_year_first([workers, graduates], info, texts)[0].text == "2000명"
    # Not asked per year, or asked for a named year ("2020년 한 해 동안"): the scores decide.
    for question in (
        "대전 지역 대학들의 생명공학 관련 전공 졸업생은 몇 명인가?",
        "2000년 한 해 동안 대전의 졸업생은 몇 명인가?",
        "매년 졸업생이 나오는 대전의 2000년 종사자는 몇 명인가?",
    ):
        assert per_year_first([workers, graduates], analyze(question), texts)[0].text == "3,737명"


def test_a_name_listed_with_others_of_its_kind_answers_with_them(texts):
    """Asked for "the" district or body, an answer listed with conjuncts of the same head noun
    is the whole list; a conjunct of another head, or one the question names, stays out."""
    gu = with_conjuncts(
        _at(texts, "성북구"),
        texts,
        analyze("홍릉강소특구는 서울특별시의 어느 구 일대에 위치하는가?"),
    )
    assert gu.text == "동대문구와 성북구"
    assert texts[gu.doc_id][gu.start : gu.end] == gu.text
    bodies = analyze("충북이 식약처와 연계하여 육성해야 할 기관은 무엇인가?")
    first = with_conjuncts(
        _at(texts, "임상시험 수탁기관", "임상시험 수탁기관(CRO), 의약품"), texts, bodies
    )
    assert first.text == "임상시험 수탁기관(CRO), 의약품 위탁생산기관(CMO)"
    # 식약처와 연계하여: 처 and 기관 share no head.
    assert with_conjuncts(_at(texts, "식약처"), texts, bodies).text == "식약처"
    # "…한국보건산업진흥원, 병원 중심의 메디클러스터 전략": 원 ends too many common nouns.
    source = _at(texts, "한국보건산업진흥원", "한국보건산업진흥원, 병원")
    assert with_conjuncts(source, texts, bodies).text == "한국보건산업진흥원"
    # The question names 동대문구, so it is no part of the answer.
    named = analyze("홍릉강소특구는 동대문구 말고 어느 구에 걸쳐 있는가?")
    assert with_conjuncts(_at(texts, "성북구"), texts, named).text == "성북구"


def test_the_passage_that_states_the_answer_comes_first(searcher, texts):
    """Report 000 states the Boston cluster's first year in one sentence: whatever retrieval
    put first, a passage holding the answer leads, and the other passages keep their order."""
    hits = searcher.search("미국 보스턴 클러스터는 GEN 순위에서 몇 년부터 1위를 차지하고 있는가?")
    answer = _at(texts, "2016년부터 7년간")

    def holds(hit) -> bool:
        c = hit.chunk
        return c.doc_id == answer.doc_id and c.start <= answer.start < c.end

    top = hits[:PASSAGES]
    assert any(holds(h) for h in top) and not all(holds(h) for h in top)
    # The passages holding it last among the top ones, as a weak retrieval would put them.
    weak = [h for h in top if not holds(h)] + [h for h in top if holds(h)]
    weak = [h.model_copy(update={"score": float(len(weak) - i)}) for i, h in enumerate(weak)]
    ordered = by_evidence([*weak, *hits[PASSAGES:]], [answer], 0.65)
    assert holds(ordered[0])
    others = [h.chunk.chunk_id for h in ordered[:PASSAGES] if not holds(h)]
    assert others == [h.chunk.chunk_id for h in weak if not holds(h)]
    assert ordered[PASSAGES:] == hits[PASSAGES:]
    # Weight 0 keeps retrieval's order; so does a question without candidates.
    assert by_evidence(weak, [answer], 0.0) == weak
    assert by_evidence(weak, [], 0.65) == weak
