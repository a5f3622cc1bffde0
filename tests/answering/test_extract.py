"""Candidate extraction on real corpus sentences: typed spans, their offsets and ranking."""

from functools import partial

import pytest

from clusterqa.answering.extract import (
    asked_measure,
    candidates,
    quantity_spans,
    type_fit,
    unit_fit,
)
from clusterqa.answering.question import analyze
from clusterqa.models import Chunk, Hit
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


def test_a_year_question_reads_the_year_of_a_date(snapshot):
    line = "최초투고일 2023년 12월 06일"
    hit, texts = _hit_on(snapshot, "001_bbdd64259990e5a3", line)
    years = candidates(analyze("이 논문이 처음 투고된 해는?"), [hit], texts)
    assert [(c.text, c.value) for c in years] == [("2023년", 2023.0)]
    assert texts[years[0].doc_id][years[0].start : years[0].end] == "2023년"
    # a year written alone is stronger evidence than a date's (a source's access date)
    spans = quantity_spans(analyze("다리가 개통된 해는?"), "2000년에 개통(2023년 11월 25일 접속)")
    assert [(v.value, v.fit) for _, _, v in spans] == [(2000.0, 1.0), (2023.0, 0.5)]


@pytest.mark.parametrize(
    ("question", "sentence", "text", "value"),
    [
        ("한러 수교는 그해 몇 주년이었나?", "한러 수교 20주년을 맞았다.", "20주년", 20.0),
        ("이 경계는 몇 세기에 형성되었나?", "경계는 19-20세기에 형성되었다.", "19-20세기", "19~20"),
        ("이동통신은 몇 세대인가?", "3세대 이동통신", "3세대", 3.0),
        # A figure with a unit the normaliser reads keeps its own span.
        ("직원은 몇 명인가?", "직원 20명이 일한다", "20명", 20.0),
    ],
)
def test_a_bare_number_keeps_the_word_it_counts(question, sentence, text, value):
    (start, end, figure), *_ = quantity_spans(analyze(question), sentence)
    assert (sentence[start:end], figure.value) == (text, value)


@pytest.mark.parametrize(
    ("text", "fit"),
    [("김정원", 1.0), ("이재부", 1.0), ("Nevill Mott", 1.0), ("위원회", 0.3), ("연구소", 0.3)],
)
def test_a_person_is_not_named_by_a_body_or_place_word(text, fit):
    """One syllable can end a name (원, 부); a word of two or more naming a body cannot."""
    assert type_fit("person", text, f"{text}가 이끌었다.") == fit


def test_a_figure_question_in_a_unit_symbol_finds_that_unit():
    info = analyze("분석 서버의 메모리는 몇 GB인가?")
    sentence = "서버 2대에 메모리 128GB와 4.8 GHz 프로세서"
    figures = {sentence[s:e]: v.unit for s, e, v in quantity_spans(info, sentence)}
    assert figures == {"2대": None, "128GB": "GB", "4.8 GHz": "GHz"}
    assert asked_measure(info) == "data"
    best = max(figures, key=lambda text: unit_fit(info.counter, figures[text]))
    assert best == "128GB"


def _line(snapshot, doc_id: str, needle: str) -> tuple[Hit, dict[str, str]]:
    line = next(s for s in snapshot.documents[doc_id].text.split("\n") if needle in s)
    return _hit_on(snapshot, doc_id, line)


def test_the_figure_next_to_the_asked_word_wins_across_a_clause_break(snapshot):
    # "생산 100조 원, 수출 500억 달러": 수출 labels the second figure, not the first.
    hit, texts = _line(snapshot, "000_cb8befbba9c2d448", "수출 500억 달러")
    export = candidates(
        analyze("종합계획은 2030년까지 수출 목표를 얼마로 잡고 있는가?"), [hit], texts
    )
    output = candidates(
        analyze("종합계획은 2030년까지 생산 목표를 얼마로 잡고 있는가?"), [hit], texts
    )
    assert export[0].text == "500억 달러"
    assert output[0].text == "100조 원"


def test_a_range_is_one_candidate(snapshot):
    hit, texts = _line(snapshot, "002_c3d9855bd773deac", "8~12 개월")
    found = candidates(analyze("싱가포르에서 신약 승인 기간은 대략 얼마나 걸리나?"), [hit], texts)
    best = found[0]
    assert best.text.startswith("약 8~12 개월") and best.value == "8~12"
    assert best.unit == "개월" and best.approximate
    assert texts[best.doc_id][best.start : best.end] == best.text


def test_site_counters_answer_each_other(snapshot):
    # 몇 곳 is answered by "66개": writers count firms and sites with either counter.
    hit, texts = _line(snapshot, "003_8714bb8e54f795aa", "66개나")
    found = candidates(analyze("원주에 의료기기 업체는 몇 곳까지 모였나?"), [hit], texts)
    assert found and found[0].text == "66개"


def test_a_gloss_of_the_question_words_is_not_an_answer(snapshot):
    hit, texts = _line(snapshot, "002_c3d9855bd773deac", "Texas Medical Center, TMC")
    found = candidates(analyze("텍사스 메디컬 센터는 어떤 기관인가?"), [hit], texts)
    assert "Texas Medical Center" not in {c.text for c in found}


def test_a_name_never_runs_into_its_bracketed_gloss(snapshot):
    hit, texts = _line(snapshot, "001_bbdd64259990e5a3", "트리니티 칼리지(")
    found = candidates(analyze("케임브리지 대학 내에서 재정이 가장 풍부한 칼리지는?"), [hit], texts)
    assert all("(" not in c.text for c in found)
    assert "트리니티 칼리지" in {c.text for c in found}


GRADUATES = "- (대학) 19개 대학에 바이오 관련 학과가 개설, 연간 2000명 배출"
EMPLOYED = "- * 2020년 바이오산업 : 생산액 4,975억원, 고용인원 2,461명"


def test_an_english_question_finds_its_korean_sentence_by_meaning(corpus_index):
    """No English word occurs in these Korean lines, so lexically the first passage's figure
    wins; the sentence vectors tell which line each question is about."""
    searcher = Searcher.open(corpus_index)
    doc_id = "002_c3d9855bd773deac"
    (graduates, texts), (employed, _) = (
        _hit_on(searcher.snapshot, doc_id, line) for line in (GRADUATES, EMPLOYED)
    )
    hits = [graduates, employed]
    for question, answer in [
        ("How many people work in the bio industry?", "2,461명"),
        ("How many graduates do the universities produce each year?", "2000명"),
    ]:
        info = analyze(question)
        assert candidates(info, hits, texts)[0].text == "2000명"
        similarity = partial(searcher.sentence_similarity, question)
        assert candidates(info, hits, texts, similarity)[0].text == answer


def test_sentence_vectors_do_not_lift_nonsense(corpus_index):
    """A nearest sentence exists for any input; without a question word in the passages it is
    no evidence, so nonsense scores as it does lexically."""
    searcher = Searcher.open(corpus_index)
    question = "qwxzzy ꙮꙮ"
    hits = searcher.search(question)
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    similarity = partial(searcher.sentence_similarity, question)
    with_vectors = candidates(analyze(question), hits, texts, similarity)
    assert [c.score for c in with_vectors] == [
        c.score for c in candidates(analyze(question), hits, texts)
    ]


@pytest.mark.parametrize(
    ("doc_id", "sentence", "question", "answer"),
    [
        (  # the bracket after the defined word
            "001_bbdd64259990e5a3",
            "이에 따라, 바이오산업을 크게 레드(의료·제약 분야), 그린(농업·식품 분야), "
            "화이트(환경·에너지 분야) 바이오로 분류하기도 한다.",
            "그린 바이오는 어떤 분야를 가리키는가?",
            "농업·식품 분야",
        ),
        (  # a glossary line: the word, a colon, its definition
            "002_c3d9855bd773deac",
            "- 바이오클러스터 : 대학과 연구소가 클러스터의 중심으로 제약기업, 바이오벤처, "
            "관련 지원서비스 기업간의 연계가 이뤄지는 구조",
            "바이오클러스터의 정의는 무엇인가?",
            "대학과 연구소가 클러스터의 중심으로 제약기업, 바이오벤처, 관련 지원서비스 "
            "기업간의 연계가 이뤄지는 구조",
        ),
        (  # a list ends before the figure that counts it
            "001_bbdd64259990e5a3",
            "바이오헬스 캐피털리전(BioHealth Capital Region, BHCR)은 메릴랜드, 버지니아, "
            "워싱턴 D.C. 3개 주에 걸쳐 형성된 지리적 특색을 지니고 있다.",
            "BHCR이 걸쳐 있는 지역을 모두 나열하면?",
            "메릴랜드, 버지니아, 워싱턴 D.C.",
        ),
    ],
)
def test_definitions_and_lists_are_the_part_of_the_sentence_that_answers(
    snapshot, doc_id, sentence, question, answer
):
    hit, texts = _hit_on(snapshot, doc_id, sentence)
    found = candidates(analyze(question), [hit], texts)
    assert found[0].text == answer
    assert texts[doc_id][found[0].start : found[0].end] == answer
    assert any(c.text == sentence for c in found[1:])  # the whole sentence stays a fallback


@pytest.mark.parametrize(
    ("sentence", "question", "answer"),
    [
        (
            "앞서 살펴봤듯이, 지역에는 국회의사당뿐 아니라 다양한 정부 부처와 연구기관이 "
            "있었기 때문에 초기 창업자들 상당수가 이들 부처와 연구기관으로부터 나왔다.",
            "초기 창업자들 상당수가 정부 부처와 연구기관에서 나온 이유는?",
            "앞서 살펴봤듯이, 지역에는 국회의사당뿐 아니라 다양한 정부 부처와 연구기관이 "
            "있었기 때문",
        ),
        (  # 위해서 gives a purpose, 발전시켜 a sequence: neither is the cause
            "우수대학이 지닌 과학적 지식의 사업화 가능성을 포착하고 발전시켜 나가기 위해서는 "
            "기업인, 투자자, 경영·회계·법률 전문인력 등이 요구되기 때문이다.",
            "왜 기업인과 투자자가 필요한가?",
            "발전시켜 나가기 위해서는 기업인, 투자자, 경영·회계·법률 전문인력 등이 요구되기 때문",
        ),
    ],
)
def test_a_reason_is_the_clause_that_gives_the_cause(snapshot, sentence, question, answer):
    hit, texts = _hit_on(snapshot, "001_bbdd64259990e5a3", sentence)
    assert candidates(analyze(question), [hit], texts)[0].text == answer
