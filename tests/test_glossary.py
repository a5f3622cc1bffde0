"""The term bridge mined from the real corpus: glosses in brackets, either way round."""

import pytest

from clusterqa.glossary import Bridge, Term, mine
from clusterqa.retrieval.bridge import bridged_query
from clusterqa.search import Searcher


@pytest.fixture(scope="module")
def terms(corpus_index) -> set[tuple[str, str]]:
    return {(t.korean, t.latin) for t in Searcher.open(corpus_index).snapshot.terms}


def test_glosses_of_the_reports_are_mined(terms):
    assert {
        ("메디콘밸리", "Medicon Valley"),  # 메디콘밸리(Medicon Valley)
        ("국립보건원", "NIH"),  # 국립보건원(National Institutes of Health, NIH)
        ("국립보건원", "National Institutes of Health"),
        ("바이오헬스 캐피털리전", "BHCR"),  # a Korean name of two words
        ("레이든 대학 의료센터", "LUMC"),  # LUMC(레이든 대학 의료센터)
    } <= terms


def test_citations_and_verbs_are_not_terms(terms):
    # "... 있다(Moodysson and Jonsson, 2007)" cites a source after a verb.
    assert not any("Jonsson" in latin or korean == "있다" for korean, latin in terms)


def test_mining_a_text():
    text = "미국 국립보건원(NIH)의 지원으로, 메디콘밸리 아카데미(Medicon Valley Academy)가 생겼다."
    found = {(t.korean, t.latin) for t in mine("d", text)}
    assert found == {("국립보건원", "NIH"), ("메디콘밸리 아카데미", "Medicon Valley Academy")}


def test_the_bridge_matches_whole_terms_acronyms_by_case():
    bridge = Bridge(
        [
            Term(doc_id="d", korean="정보기술", latin="IT"),
            Term(doc_id="d", korean="메디콘밸리", latin="Medicon Valley"),
        ]
    )
    assert bridge.terms_in("Did IT grow in medicon valley?") == {
        "IT": ["정보기술"],
        "medicon valley": ["메디콘밸리"],
    }
    assert bridge.terms_in("Is it in Medicon Valleys or ITS?") == {}
    assert bridged_query("How big is Medicon Valley?", bridge) == "메디콘밸리"
    assert bridged_query("How big is Boston?", bridge) == "How big is Boston?"
    assert bridged_query("Medicon Valley의 규모는?", bridge) == "Medicon Valley의 규모는?"
