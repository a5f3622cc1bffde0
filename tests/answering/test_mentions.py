import pytest

from clusterqa.answering.mentions import unknown_names
from clusterqa.search import Searcher


@pytest.fixture(scope="module")
def texts(corpus_index) -> list[str]:
    return [doc.text for doc in Searcher.open(corpus_index, "bm25").snapshot.documents.values()]


def test_unknown_names_are_those_no_document_mentions(texts):
    assert unknown_names("메디콘밸리는 어디에 있나?", texts) == []
    assert unknown_names("후쿠오카 바이오밸리의 예산은?", texts) == ["후쿠오카"]


def test_a_name_spelled_within_a_typo_is_mentioned(texts):
    # The reports write 보스턴: one vowel off in three syllables is a typist's slip.
    assert unknown_names("보스톤 클러스터의 예산은?", texts) == []
    assert unknown_names("보스톤 클러스터의 예산은?", ["보스니아의 클러스터"]) == ["보스톤"]


def test_a_final_consonant_moved_to_the_next_syllable_is_one_edit():
    sentence = ["1992년 바르셀로나 올림픽 높이뛰기에서 소토마요르가 우승했다."]
    assert unknown_names("바르세롤나 올림픽에서 우승한 선수는?", sentence) == []


def test_short_names_must_match_exactly():
    # One letter turns one two-syllable place into another.
    assert unknown_names("부안군의 인구는?", ["부산의 인구는 330만 명이다."]) == ["부안군"]
    assert unknown_names("부안의 인구는?", ["부산의 인구는 330만 명이다."]) == ["부안"]


def test_a_title_mentions_its_subject():
    title, text = "강원구", "1945년에 태어나 서울대학교를 졸업하였다."
    assert unknown_names("강원구가 졸업한 대학은?", [text]) == ["강원구"]
    assert unknown_names("강원구가 졸업한 대학은?", [text, title]) == []


def test_dots_and_brackets_inside_a_name_do_not_hide_it():
    sentence = ["《적·녹》에는 151종의 포켓몬이 등장한다."]
    assert unknown_names("적녹의 포켓몬은 몇 종인가?", sentence) == []
