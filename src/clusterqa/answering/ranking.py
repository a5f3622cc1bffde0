"""A question's ranked answer candidates: rule-based extraction blended with the reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from clusterqa.answering.extract import (
    NAME_TYPES,
    PASSAGES,
    QUANTITY_KINDS,
    SENTENCE_TYPES,
    Candidate,
    asked_measure,
    candidates,
    min_max,
    opens_with_figure,
)
from clusterqa.answering.mentions import unknown_names
from clusterqa.answering.normalize import Quantity, find_quantities
from clusterqa.answering.question import QuestionInfo
from clusterqa.answering.reader import load_reader
from clusterqa.answering.reading import blend, by_sentence_support, read, windows
from clusterqa.korean import has_hangul
from clusterqa.models import Hit
from clusterqa.search import Searcher

# A Korean report's English prose (its abstract, references) translates the Korean text, and
# the answer should read as the document writes it (a Korean name, the figure of the body): a
# candidate there keeps this share of its score.
_TRANSLATION_SHARE = 0.1
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’.,;:()-]*")


@dataclass
class Ranked:
    candidates: list[Candidate]  # best first
    unknown: list[str]  # the question's names no document mentions (then no candidates)
    # The best rule-based score: how well the passages match what the question asks for. What
    # `ask` abstains on; the reader's own scores, trained on Wikipedia, do not calibrate on
    # report text (benchmarks/experiments/README.md), so they stand in only where the rules
    # find no candidate at all.
    support: float
    # A figure question whose best candidate states no figure of the asked measure
    # (states_the_kind): `ask` abstains whatever the support.
    off_kind: bool = False


def ranked_candidates(
    searcher: Searcher, info: QuestionInfo, hits: list[Hit], read_whole: int | None = None
) -> Ranked:
    """Candidates in `hits`, best first: rule-based, blended with the trained reader's spans
    unless `reader = "rules"`. The reader reads the top `read_whole` hits whole (default: the
    `reader_chunks` setting)."""
    documents = searcher.snapshot.documents.values()
    texts = {doc.doc_id: doc.text for doc in documents}
    unknown = unknown_names(info.text, [*texts.values(), *(doc.title for doc in documents)])
    if unknown:
        return Ranked([], unknown, 0.0)
    similarity = partial(searcher.sentence_similarity, info.text)
    found = candidates(info, hits, texts, similarity)
    support = found[0].score if found else 0.0
    settings = searcher.settings
    # List, definition and reason answers are phrases the rules cut out (phrases.py); the
    # reader, trained on short KorQuAD spans, answers them with a fragment (gold dev and test:
    # 7 right by the rules, 2 by the reader).
    if settings.reader == "trained" and info.answer_type not in SENTENCE_TYPES:
        reader = load_reader(settings.model_cache_dir, settings.reader_threads)
        chunks = settings.reader_chunks if read_whole is None else read_whole
        ranges = windows(hits, found, chunks, settings.reader_sentences)
        spans = by_sentence_support(
            read(reader, info, ranges, texts), found, settings.reader_support_floor
        )
        if not found and spans:
            # Figures in units the rules do not know (17,472 셀, 4종류): the reader's span, its
            # probability (a span of another type keeps a tenth of it) what `ask` abstains on.
            support = spans[0].score
        found = blend(found, spans, settings.reader_weight)
    ranked = kinds_last(translations_last(found, texts), info)
    off_kind = (
        bool(ranked) and info.answer_type in QUANTITY_KINDS and not states_the_kind(ranked[0], info)
    )
    return Ranked(ranked, [], support, off_kind)


def by_evidence(hits: list[Hit], found: list[Candidate], weight: float) -> list[Hit]:
    """`hits` with the top PASSAGES (those candidates come from) reordered by (1 - weight) times
    their retrieval score plus `weight` times the best candidate each holds, both min-max
    scaled: the passage that states the answer comes first, as a reader checking it expects
    (gold dev MRR@10 of `ask`'s passages 0.726 -> 0.767, benchmarks/experiments/README.md)."""
    if weight <= 0 or not found:
        return hits
    top = hits[:PASSAGES]

    def held(hit: Hit) -> float:
        chunk = hit.chunk
        inside = (
            c.score
            for c in found
            if c.doc_id == chunk.doc_id and chunk.start <= c.start < chunk.end
        )
        return max(inside, default=0.0)

    blended = [
        (1 - weight) * r + weight * e
        for r, e in zip(
            min_max([h.score for h in top]), min_max([held(h) for h in top]), strict=True
        )
    ]
    order = sorted(range(len(top)), key=lambda i: -blended[i])
    return [top[i] for i in order] + hits[PASSAGES:]


def kinds_last(found: list[Candidate], info: QuestionInfo) -> list[Candidate]:
    """`found` with the candidates of the wrong kind last, a figure question answered by a
    figure of the asked measure, then by any figure, and a name question by a name: the reader's
    span of the wrong type keeps a tenth of its score, which still beats a rule candidate it
    did not read (gold dev: "보스턴 클러스터" for 얼마, "5만 6천 명" for 몇 %)."""
    if info.answer_type in QUANTITY_KINDS:
        measure = asked_measure(info)

        def rank(c: Candidate) -> int:  # the measure asked, another figure, no figure
            figures = find_quantities(c.text)
            return 0 if _of_measure(figures, measure) else 1 if figures else 2

        return sorted(found, key=rank)
    if info.answer_type not in NAME_TYPES:
        return found
    return sorted(found, key=lambda c: opens_with_figure(c.text))


def _of_measure(figures: list[Quantity], measure: str | None) -> bool:
    return any(measure is None or q.kind == measure for q in figures)


def states_the_kind(candidate: Candidate, info: QuestionInfo) -> bool:
    """Whether a figure question's candidate holds a figure, of the measure asked if it asks
    one (asked_measure)."""
    return _of_measure(find_quantities(candidate.text), asked_measure(info))


_HANGUL = re.compile("[가-힣]")


@lru_cache(maxsize=64)
def _korean(text: str) -> bool:
    return len(_HANGUL.findall(text)) > len(re.findall("[A-Za-z]", text))


# Latin words around a candidate, between Hangul, that make the English stretch of a Korean
# sentence prose (an abstract glued to the affiliation line, a gloss of a title) rather than a
# name the Korean text mentions ("National Institute for Bioprocessing Research & Training").
_GLUED_PROSE_WORDS = 10


def _latin_words(text: str) -> int:
    return sum(bool(_LATIN_WORD.fullmatch(w)) for w in text.split())


def in_translation(candidate: Candidate, texts: dict[str, str]) -> bool:
    """Whether a candidate stands in English prose of a mostly Korean document: a sentence of
    four words in Latin letters and no Hangul (not a table row of figures or a web address), or
    a stretch of ten such words between the Hangul of a Korean sentence."""
    text = texts[candidate.doc_id]
    if not _korean(text):
        return False
    sentence = text[candidate.sentence_start : candidate.sentence_end]
    if not has_hangul(sentence):
        return _latin_words(sentence) >= 4
    if has_hangul(candidate.text):
        return False
    before = _HANGUL.finditer(text, candidate.sentence_start, candidate.start)
    start = max((m.end() for m in before), default=candidate.sentence_start)
    after = _HANGUL.search(text, candidate.end, candidate.sentence_end)
    end = after.start() if after else candidate.sentence_end
    return _latin_words(text[start:end]) >= _GLUED_PROSE_WORDS


def translations_last(found: list[Candidate], texts: dict[str, str]) -> list[Candidate]:
    """`found` re-ranked with candidates in translation prose keeping a tenth of their score."""
    scaled = [
        replace(c, score=c.score * _TRANSLATION_SHARE) if in_translation(c, texts) else c
        for c in found
    ]
    return sorted(scaled, key=lambda c: -c.score)
