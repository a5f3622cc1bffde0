"""A question's ranked answer candidates: rule-based extraction blended with the reader."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from clusterqa.answering.extract import Candidate, candidates, unknown_names
from clusterqa.answering.question import QuestionInfo
from clusterqa.answering.reader import load_reader
from clusterqa.answering.reading import blend, read, sentence_windows
from clusterqa.models import Hit
from clusterqa.search import Searcher


@dataclass
class Ranked:
    candidates: list[Candidate]  # best first
    unknown: list[str]  # the question's names no document mentions (then no candidates)


def ranked_candidates(searcher: Searcher, info: QuestionInfo, hits: list[Hit]) -> Ranked:
    """Candidates in `hits`, best first: rule-based, blended with the trained reader's spans
    unless `reader = "rules"`."""
    texts = {d: doc.text for d, doc in searcher.snapshot.documents.items()}
    unknown = unknown_names(info.text, texts)
    if unknown:
        return Ranked([], unknown)
    similarity = partial(searcher.sentence_similarity, info.text)
    found = candidates(info, hits, texts, similarity)
    settings = searcher.settings
    if settings.reader == "trained" and found:
        reader = load_reader(settings.model_cache_dir, settings.reader_threads)
        windows = sentence_windows(found, settings.reader_sentences)
        found = blend(found, read(reader, info, windows, texts).candidates, settings.reader_weight)
    return Ranked(found, [])
