"""A lexical leg that searches an English query by the Korean forms of its known Latin terms.

A Korean report writes "메디콘밸리" where an English question writes "Medicon Valley"; the
term bridge (glossary.py, mined from the indexed documents) links the two, so BM25 matches the
Korean body instead of the report's English abstract. Only the Korean forms are searched: with
the English words too, BM25 kept finding the abstract, and gold dev chose no weight for it
(benchmarks/experiments/README.md). A query with no known term is searched as it is.
"""

from __future__ import annotations

from clusterqa.glossary import Bridge
from clusterqa.korean import has_hangul
from clusterqa.retrieval.base import Candidate, Retriever


def bridged_query(query: str, bridge: Bridge) -> str:
    """The Korean forms of the Latin terms of `query`; Korean queries and English ones with no
    known term unchanged."""
    if has_hangul(query):
        return query
    forms = [f for found in bridge.terms_in(query).values() for f in found]
    return " ".join(forms) or query


class BridgedRetriever:
    def __init__(self, leg: Retriever, bridge: Bridge) -> None:
        self.name = leg.name
        self._leg = leg
        self._bridge = bridge

    def search(self, query: str, k: int) -> list[Candidate]:
        return self._leg.search(bridged_query(query, self._bridge), k)
