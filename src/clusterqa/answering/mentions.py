"""Whether the indexed documents mention the names a question asks about.

A question about something no document names cannot be answered from them (`ask` abstains with
the names). A name counts as mentioned when a document's text or title holds it, ignoring
spacing, or spells it within a typo: one edit of a Hangul letter (jamo) per three syllables.
People type names as they hear them (바르세롤나 for 바르셀로나, 김영상 for 김영삼, 탄액 for
탄핵), and calling those unknown withholds an answer the document gives; a name of one or two
syllables must match exactly, since one letter there makes another name (부산, 부안).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from clusterqa.korean import tokens

_SYLLABLES_PER_EDIT = 3
_WORD = re.compile(r"[가-힣A-Za-z0-9]+")
_NOT_WORD = re.compile(r"[\W_]+")
# Kiwi sometimes reads a name with its particle as one proper noun (송요찬이, 기독교대한감리회의).
_PARTICLE_SYLLABLES = set("이가은는을를의로와과도에")


def unknown_names(question: str, texts: Iterable[str]) -> list[str]:
    """Proper nouns of a Korean question that none of `texts` (documents' texts and titles)
    mentions."""
    names = {t.form for t in tokens(question) if t.tag == "NNP" and len(t.form) >= 2}
    if not names:
        return []
    texts = tuple(texts)
    squeezed = [_squeezed(text) for text in texts]
    return sorted(
        n
        for n in names
        if not any(_holds(text, _squeezed(n)) for text in squeezed)
        and not _spelled_nearly(n, texts)
    )


def _holds(squeezed: str, name: str) -> bool:
    if name in squeezed:
        return True
    return len(name) >= 3 and name[-1] in _PARTICLE_SYLLABLES and name[:-1] in squeezed


@lru_cache(maxsize=8192)  # documents and their titles
def _squeezed(text: str) -> str:
    # Spacing differs between question and (re-spaced) documents, and so do the dots and
    # brackets inside a title (《적·녹》 asked as 적녹), so names are compared without them; a
    # document's text is squeezed once per process.
    return _NOT_WORD.sub("", text)


def _spelled_nearly(name: str, texts: tuple[str, ...]) -> bool:
    """Whether a word of `texts` starts with `name` spelled within one jamo edit (substitution,
    insertion, deletion or swap) per three syllables."""
    allowed = len(name) // _SYLLABLES_PER_EDIT
    if not allowed:
        return False
    target = _jamo(name)
    return any(
        process.extractOne(target, _prefixes(texts, k), scorer=OSA.distance, score_cutoff=allowed)
        for k in (len(name) - 1, len(name), len(name) + 1)
    )


@lru_cache(maxsize=16)
def _prefixes(texts: tuple[str, ...], length: int) -> list[str]:
    """The distinct first `length` characters of the words of `texts`, in jamo."""
    return sorted(
        {_jamo(w[:length]) for text in texts for w in _WORD.findall(text) if len(w) >= length}
    )


def _final_as_initial() -> dict[int, str]:
    # A final consonant and the same consonant opening the next syllable are one letter to a
    # typist (셀로 / 세롤); Unicode gives them different code points.
    initials = {unicodedata.name(chr(c)).split()[-1]: chr(c) for c in range(0x1100, 0x1113)}
    finals = {code: unicodedata.name(chr(code)).split()[-1] for code in range(0x11A8, 0x11C3)}
    # A cluster (ㄳ) opens no syllable and stays.
    return {code: initials[letter] for code, letter in finals.items() if letter in initials}


_FINALS = _final_as_initial()


@lru_cache(maxsize=65536)
def _jamo(text: str) -> str:
    return unicodedata.normalize("NFD", text).translate(_FINALS)
