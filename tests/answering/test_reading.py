"""The trained reader on real corpus sentences: typed spans, verifiable offsets, blending."""

from dataclasses import replace

import pytest

from clusterqa.answering.extract import Candidate
from clusterqa.answering.normalize import entity_key
from clusterqa.answering.question import analyze
from clusterqa.answering.reader import load_reader
from clusterqa.answering.reading import (
    _after_clauses,
    _word_bounds,
    blend,
    by_sentence_support,
    read,
    rerank,
    sentence_windows,
    span_scores,
    windows,
)
from clusterqa.korean import sentences_in, tokens
from clusterqa.models import Chunk, Hit
from clusterqa.search import Searcher


@pytest.fixture(scope="module")
def searcher(corpus_index):
    return Searcher.open(corpus_index)


@pytest.fixture(scope="module")
def reader(corpus_index):
    return load_reader(corpus_index.model_cache_dir)


def _sentence_with(searcher, needle: str) -> tuple[str, int, int]:
    for doc_id, doc in searcher.snapshot.documents.items():
        at = doc.text.find(needle)
        if at >= 0:
            start, end = next((s, e) for s, e in sentences_in(doc.text) if s <= at < e)
            return doc_id, start, end
    raise AssertionError(f"no sentence holds {needle!r}")


@pytest.mark.parametrize(
    ("question", "needle", "text", "unit"),
    [
        ("2023년 전 세계 바이오기술 시장의 규모는 얼마인가?", "1.55조 달러", "1.55조 달러", "USD"),
        (
            "What was the global biotechnology market worth in 2023?",
            "1.55조 달러",
            "1.55조 달러",
            "USD",
        ),
        ("보스턴 클러스터는 몇 년부터 클러스터 순위 1위인가?", "2016년부터 7년간", "2016년", None),
        ("바이오 클러스터 순위를 매년 발표하는 전문지는?", "2016년부터 7년간", "GEN", None),
    ],
)
def test_reader_spans_on_corpus_sentences(searcher, reader, question, needle, text, unit):
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    doc_id, start, end = _sentence_with(searcher, needle)
    best = read(reader, analyze(question), [(doc_id, start, end)], texts)[0]
    assert (best.text, best.unit) == (text, unit)
    # Offsets point into the document, inside the cited sentence.
    assert texts[doc_id][best.start : best.end] == best.text
    assert (best.sentence_start, best.sentence_end) == (start, end)
    assert 0 < best.score <= 1


def test_wrong_type_loses_to_the_asked_type(searcher, reader):
    """ "7년간" is a duration; a question for a year gets the year."""
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    window = _sentence_with(searcher, "2016년부터 7년간")
    found = read(reader, analyze("보스턴 클러스터가 1위를 한 기간의 시작 연도는?"), [window], texts)
    assert found[0].text == "2016년"


def test_a_passage_reads_the_same_alone_or_with_others(searcher, reader):
    """Windows run one at a time, so neighbours (of other lengths) cannot move a span."""
    question = "보스턴 클러스터는 몇 년부터 클러스터 순위 1위인가?"
    chunks = [c.text for c in searcher.snapshot.chunks[:6]]
    assert len({len(c) for c in chunks}) > 1
    together = reader.read(question, chunks)
    alone = [reader.read(question, [c])[0] for c in chunks]
    assert together == alone
    assert all(together)


def _candidate(start: int, score: float, sentence: int = 0) -> Candidate:
    return Candidate(
        "x", "unknown", "x", None, False, "d", start, start + 1, sentence, sentence + 9, score
    )


def test_blend_adds_both_sides_of_one_span():
    rules = [_candidate(0, 0.8), _candidate(5, 0.6)]
    spans = [_candidate(5, 0.9), _candidate(7, 0.1)]
    merged = blend(rules, spans, 0.5)
    assert [(c.start, round(c.score, 2)) for c in merged] == [(5, 0.75), (0, 0.4), (7, 0.05)]
    assert rules[0].score == 0.8  # inputs are not changed


def test_sentence_windows_are_the_best_distinct_sentences():
    ranked = [_candidate(0, 0.9, 0), _candidate(2, 0.8, 0), _candidate(20, 0.7, 20)]
    assert sentence_windows(ranked, 2) == [("d", 0, 9), ("d", 20, 29)]
    assert sentence_windows(ranked, 0) == []


def test_a_passage_is_read_whole_but_its_table_rows():
    """Rows go to the reader only as sentences the rules rank: read whole, a table lets it
    take a neighbouring cell."""
    text = "대구시 개요\n\n첨단의료복합단지를 유치했다.\n구분 | 2019 | 2020\n기업 수 | 12 | 15\n끝."
    top = Hit(chunk=Chunk(chunk_id="d#0", doc_id="d", start=0, end=len(text), text=text), score=1)
    row = (text.index("기업 수"), text.index("\n끝."))
    ranked = [replace(_candidate(row[0], 0.9, row[0]), sentence_end=row[1])]
    assert windows([top], ranked, 1, 1) == [
        ("d", 0, text.index("\n구분")),  # the prose lines, across the blank line
        ("d", len(text) - 2, len(text)),  # 끝.
        ("d", *row),  # the row, as a sentence
    ]


def test_windows_read_the_top_passage_whole_then_sentences_outside_it():
    ranked = [_candidate(0, 0.9, 0), _candidate(30, 0.8, 30), _candidate(60, 0.7, 60)]
    top = Hit(chunk=Chunk(chunk_id="d#0", doc_id="d", start=25, end=50, text="x" * 25), score=1)
    assert windows([top], ranked, 1, 2) == [("d", 25, 50), ("d", 0, 9), ("d", 60, 69)]
    assert windows([top], ranked, 0, 1) == [("d", 0, 9)]


def test_rerank_orders_passages_by_the_blend(searcher, reader):
    question = "GEN이 발표하는 바이오 클러스터 순위에서 보스턴은 몇 년부터 1위인가?"
    hits = searcher.search(question, 5)
    assert rerank(reader, question, hits, 0.0) == sorted(hits, key=lambda h: -h.score)
    by_reader = rerank(reader, question, hits, 1.0)
    scores = span_scores(reader, question, by_reader)
    assert scores == sorted(scores, reverse=True)
    assert {h.chunk.chunk_id for h in by_reader} == {h.chunk.chunk_id for h in hits}


def test_reader_scores_follow_their_sentence_support():
    ranked = [_candidate(0, 0.8, 0), _candidate(2, 0.6, 0), _candidate(20, 0.4, 20)]
    spans = [_candidate(3, 0.5, 0), _candidate(21, 0.9, 20), _candidate(40, 0.9, 40)]
    scaled = by_sentence_support(spans, ranked, 0.0)
    assert [round(c.score, 3) for c in scaled] == [0.5, 0.225, 0.0]
    # A floor keeps a share of the score where the rules propose nothing.
    floored = by_sentence_support(spans, ranked, 0.5)
    assert [round(c.score, 4) for c in floored] == [0.5, 0.5625, 0.45]


def test_no_reader_candidate_is_a_name_the_question_already_holds(searcher, reader):
    """Report 000 heads a section "3) 앵커기업": asked which anchor firms moved in, the
    reader must not answer with the question's own words."""
    question = "현재 홍릉강소특구에 사무실 등으로 입주한 앵커기업으로 언급된 곳은?"
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    ranges = [(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in searcher.search(question)[:3]]
    found = read(reader, analyze(question), ranges, texts)
    words = [entity_key(w) for w in question.split()]
    runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    assert found
    assert not [c.text for c in found if entity_key(c.text) in runs]


def test_a_span_that_starts_inside_quotes_ends_at_their_close(searcher, reader):
    """Report 000 names its scheme in quotes: “실증특례”라는 규제 유예제도. A span that starts
    inside the quotes stops at the closing one; none runs past it."""
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    window = _sentence_with(searcher, "“실증특례”라는")
    info = analyze("홍릉강소특구가 보유한 규제 유예 제도는 무엇인가?")
    found = read(reader, info, [window], texts)
    assert found[0].text == "실증특례"
    assert not [c.text for c in found if "”" in c.text and "“" not in c.text]


@pytest.mark.parametrize(
    ("sentence", "span", "words"),
    [
        ("마리 앙투아네트는 마리아 테레지아의 딸이다.", "마리아 테레", "마리아 테레지아"),
        ("교육과학기술부는 계획을 발표했다.", "교육과학기술부는", "교육과학기술부"),
        ("연구소는 1996년에 설립되었다.", "1996년에", "1996년"),
        ("그 시기를 간혹 실용정부라고 부른다.", "간혹 실용정부", "실용정부"),
        ("구호는 더 큰 대한민국이었다.", "더 큰 대한민국", "더 큰 대한민국"),
        # Kiwi reads 팽 here as an adverb, but it is no word of its own.
        ("탐관오리는 팽형에 처했다.", "팽형에", "팽형"),
        # 로 ends the noun here, though 가상원자로 alone reads as 가상원자 + 로.
        ("이 사업은 가상원자로를 개발한다.", "가상원자로", "가상원자로"),
        # A compound written as one word is one name; a spaced word before it is another.
        ("정부는 사용후핵연료를 재처리하지 않는다.", "후핵연료", "사용후핵연료"),
        ("김영삼 대통령은 취임했다.", "대통령", "대통령"),
        ("그는 징역3년을 선고받았다.", "3년", "3년"),
    ],
)
def test_spans_are_whole_words_without_opening_adverbs_or_closing_particles(sentence, span, words):
    start = sentence.index(span)
    bounds = _word_bounds(sentence, start, start + len(span))
    assert sentence[slice(*bounds)] == words


def test_no_reader_candidate_ends_inside_a_word_or_on_a_particle(searcher, reader):
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    windows = [_sentence_with(searcher, n) for n in ("2016년부터 7년간", "“실증특례”라는")]
    for question in (
        "홍릉강소특구가 보유한 규제 유예 제도는 무엇인가?",
        "클러스터 순위를 발표하는 곳은?",
    ):
        found = read(reader, analyze(question), windows, texts)
        assert found
        for c in found:
            sentence = texts[c.doc_id][c.sentence_start : c.sentence_end]
            start, end = c.start - c.sentence_start, c.end - c.sentence_start
            for t in tokens(sentence):
                assert not (t.tag.startswith("J") and t.end == end and t.start > start), c.text
                assert not (t.tag[0] == "N" and t.start < end < t.end), c.text


@pytest.mark.parametrize(
    ("span", "name"),
    [
        (
            "연방정부의 지원을 받고 있으며, National Institutes of Health",
            "National Institutes of Health",
        ),
        ("뉴욕에서 개최한 국제 바이오 박람회", "국제 바이오 박람회"),
        ("보스턴 클러스터", "보스턴 클러스터"),
        # Nothing named after the clause: the span stays.
        ("지원을 받고", "지원을 받고"),
    ],
)
def test_a_name_starts_after_the_clauses_a_span_runs_over(span, name):
    assert span[_after_clauses(span, 0, len(span)) :] == name
