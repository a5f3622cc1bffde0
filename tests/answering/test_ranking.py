"""Answer ranking on the real corpus: where a candidate stands decides what it keeps."""

from dataclasses import replace

import pytest

from clusterqa.answering.extract import Candidate
from clusterqa.answering.ranking import in_translation, translations_last
from clusterqa.korean import sentences_in
from clusterqa.search import Searcher


@pytest.fixture(scope="module")
def searcher(corpus_index):
    return Searcher.open(corpus_index)


@pytest.fixture(scope="module")
def texts(searcher):
    return {d: doc.text for d, doc in searcher.snapshot.documents.items()}


def _at(texts: dict[str, str], needle: str) -> Candidate:
    for doc_id, text in texts.items():
        at = text.find(needle)
        if at >= 0:
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
