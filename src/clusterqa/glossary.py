"""The term bridge: Korean terms and the English or Latin glosses the documents give them.

Mined from canonical text at ingest ("메디콘밸리(Medicon Valley)", "국립보건원(National
Institutes of Health, NIH)", "Leiden Cafe(월 1회 정기모임)"), stored per index, no hand-written
lists. The BM25 leg searches an English query by the Korean forms of its Latin terms found
here (retrieval/bridge.py), since a Korean report names them in Korean.
"""

from __future__ import annotations

import re
from collections import defaultdict

from pydantic import BaseModel

from clusterqa.korean import tokens

# "국립보건원(NIH)": a bracket of Latin text right after a Korean word.
_LATIN_GLOSS = re.compile(r"(?<=[가-힣]) ?\(\s*([A-Za-z][^()\n가-힣]{0,80}?)\s*\)")
# "Medicon Valley(메디콘밸리)": a bracket of Korean text right after Latin words.
_KOREAN_GLOSS = re.compile(
    r"((?:[A-Za-z][\w&.'’-]* ){0,4}[A-Za-z][\w&.'’-]*) ?\(\s*([가-힣][가-힣0-9· ]{0,25}?)\s*\)"
)
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")  # "(Moodysson and Jonsson, 2007)" cites, not glosses
_MAX_WORDS = 6
_MAX_KOREAN_WORDS = 3
# Kiwi tags of a word that is all noun phrase (nouns, numbers, foreign words, noun suffixes).
_NOUNISH = ("NN", "NR", "SL", "SN", "SH", "XPN", "XSN", "XR", "SW")


class Term(BaseModel):
    """A Korean term and a Latin gloss of it in one document."""

    doc_id: str
    korean: str
    latin: str


def _is_noun_phrase(word: str) -> bool:
    return all(t.tag.startswith(_NOUNISH) for t in tokens(word))


def _korean_before(text: str, at: int, words: int) -> str | None:
    """The noun phrase of up to `words` words that ends at `at`, or None if the word there is
    not a noun ("있다(Moodysson and Jonsson, 2007)")."""
    before = text[max(0, at - 60) : at].split("\n")[-1].split()
    taken: list[str] = []
    for word in reversed(before):
        hangul = re.fullmatch(r"[가-힣][가-힣0-9·]*", word)
        if len(taken) == words or not hangul or not _is_noun_phrase(word):
            break
        taken.insert(0, word)
    return " ".join(taken) or None


def _glosses(inside: str) -> list[str]:
    """The Latin names in a bracket: "National Institutes of Health, NIH" gives both."""
    if _YEAR.search(inside):
        return []
    parts = [p.strip(" .") for p in re.split(r"[,;]", inside)]
    return [p for p in parts if p and len(p.split()) <= _MAX_WORDS and re.search("[A-Za-z]", p)]


def mine(doc_id: str, text: str) -> list[Term]:
    """Every (Korean term, Latin gloss) pair `text` writes with a bracket, once each."""
    found: dict[tuple[str, str], None] = {}
    for m in _LATIN_GLOSS.finditer(text):
        names = _glosses(m.group(1))
        if not names:
            continue
        words = max(1, min(_MAX_KOREAN_WORDS, len(names[0].split())))
        korean = _korean_before(text, m.start(), words)
        if korean:
            found.update(((korean, name), None) for name in names)
    for m in _KOREAN_GLOSS.finditer(text):
        latin = m.group(1).split()
        while latin and not latin[0][0].isupper():  # "the Boston Cluster" names Boston Cluster
            latin.pop(0)
        if latin and not _YEAR.search(m.group(1)):
            found[(m.group(2).strip(), " ".join(latin))] = None
    return [Term(doc_id=doc_id, korean=k, latin=lat) for k, lat in found]


class Bridge:
    """Latin terms to the Korean forms the indexed documents give them."""

    def __init__(self, terms: list[Term]) -> None:
        self._korean: dict[str, set[str]] = defaultdict(set)
        for t in terms:
            self._korean[self._key(t.latin)].add(t.korean)
        names = sorted(self._korean, key=len, reverse=True)
        # Acronyms match with their case ("IT", not "it"), other names in any case, and only
        # as whole words.
        alternatives = [re.escape(n) if n.isupper() else f"(?i:{re.escape(n)})" for n in names]
        self._pattern = (
            re.compile(rf"(?<![\w&])(?:{'|'.join(alternatives)})(?![\w&])") if names else None
        )

    @staticmethod
    def _key(latin: str) -> str:
        return latin if latin.isupper() else latin.lower()

    def __len__(self) -> int:
        return len(self._korean)

    def terms_in(self, query: str) -> dict[str, list[str]]:
        """The Latin terms of `query` the bridge knows, each with its Korean forms."""
        if self._pattern is None:
            return {}
        out: dict[str, list[str]] = {}
        for m in self._pattern.finditer(query):
            forms = self._korean.get(m.group(0)) or self._korean.get(m.group(0).lower(), ())
            out[m.group(0)] = sorted(forms)
        return out
