"""A question's ranked answer candidates: rule-based extraction blended with the reader."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from clusterqa.answering.extract import SENTENCE_TYPES, Candidate, candidates, unknown_names
from clusterqa.answering.question import QuestionInfo
from clusterqa.answering.reader import load_reader
from clusterqa.answering.reading import blend, by_sentence_support, read, sentence_windows
from clusterqa.models import Hit
from clusterqa.search import Searcher


@dataclass
class Ranked:
    candidates: list[Candidate]  # best first
    unknown: list[str]  # the question's names no document mentions (then no candidates)
    # The best rule-based score: how well the passages match what the question asks for. What
    # `ask` abstains on; the reader's own scores, trained on Wikipedia, do not calibrate on
    # report text (benchmarks/experiments/README.md).
    support: float


def ranked_candidates(searcher: Searcher, info: QuestionInfo, hits: list[Hit]) -> Ranked:
    """Candidates in `hits`, best first: rule-based, blended with the trained reader's spans
    unless `reader = "rules"`."""
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    unknown = unknown_names(info.text, texts)
    if unknown:
        return Ranked([], unknown, 0.0)
    similarity = partial(searcher.sentence_similarity, info.text)
    found = candidates(info, hits, texts, similarity)
    support = found[0].score if found else 0.0
    settings = searcher.settings
    # List, definition and reason answers are phrases the rules cut out (phrases.py); the
    # reader, trained on short KorQuAD spans, answers them with a fragment (gold dev and test:
    # 7 right by the rules, 2 by the reader).
    if settings.reader == "trained" and found and info.answer_type not in SENTENCE_TYPES:
        reader = load_reader(settings.model_cache_dir, settings.reader_threads)
        windows = sentence_windows(found, settings.reader_sentences)
        spans = by_sentence_support(read(reader, info, windows, texts), found)
        found = blend(found, spans, settings.reader_weight)
    return Ranked(found, [], support)
