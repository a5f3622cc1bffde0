"""The shared Kiwi analyser: sentence splitting, spacing and morphemes for every layer above."""

from __future__ import annotations

import re
from functools import lru_cache

from kiwipiepy import Kiwi, Token
from kiwipiepy import __version__ as _KIWI_VERSION

# Entries of the caches below: retrieved passages recur across questions, so their sentences
# are analysed once per process rather than once per question.
_CACHED = 16384

# Recorded in each index: BM25 tokens made by another analyser are rebuilt on `ingest`.
ANALYSER = f"kiwipiepy {_KIWI_VERSION}, no multi-word dictionary"


@lru_cache(maxsize=1)
def kiwi() -> Kiwi:
    # Loading the model takes ~2 s, so one instance serves the whole process. The multi-word
    # dictionary (~195 MB resident) changed the tokens of 16 of 2,113 corpus lines and no gold
    # dev or test retrieval figure (benchmarks/experiments/README.md).
    return Kiwi(load_multi_dict=False)


def has_hangul(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


@lru_cache(maxsize=_CACHED)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence boundaries as (start, end) offsets into `text`."""
    return tuple((s.start, s.end) for s in kiwi().split_into_sents(text))


@lru_cache(maxsize=_CACHED)
def tokens(text: str) -> tuple[Token, ...]:
    """Kiwi tokens of a sentence-sized text (read-only: shared between callers)."""
    return tuple(kiwi().tokenize(text))


def sentences_in(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], line by line so bullets and table rows stay
    apart, as offsets into `text`."""
    spans = []
    offset = start
    for line in text[start:end].split("\n"):
        spans += [(offset + s, offset + e) for s, e in sentence_spans(line) if e > s]
        offset += len(line) + 1
    return spans


# Kiwi spaces a figure's digits from its Hangul scale ("4천 632명" -> "4 천 632명"), which no
# writer does and which splits one figure into two.
_SPLIT_SCALE = re.compile(r"(?<=\d) (?=[십백천만억조])")


def respace(text: str) -> str:
    """Insert the spaces a text lost, keeping the ones it has."""
    return _SPLIT_SCALE.sub("", kiwi().space(text, reset_whitespace=False))


def needs_space(left: str, right: str) -> bool:
    """Whether Kiwi puts a word boundary between two fragments that a line break separated."""
    spaced = kiwi().space(left + right, reset_whitespace=True)
    return spaced.startswith(left + " ")


def morphemes(text: str, pos_prefixes: tuple[str, ...], *, cache: bool = True) -> list[str]:
    """Lower-cased morpheme forms whose POS tag starts with one of `pos_prefixes`; `cache=False`
    for long texts seen once (chunks being indexed)."""
    return [
        f"{t.form.lower()}/{t.tag[:2]}" if t.tag.startswith("V") else t.form.lower()
        for t in (tokens(text) if cache else kiwi().tokenize(text))
        if t.tag.startswith(pos_prefixes)
    ]
