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
    year_of,
)
from clusterqa.answering.mentions import unknown_names
from clusterqa.answering.normalize import Quantity, entity_key, find_quantities
from clusterqa.answering.question import QuestionInfo
from clusterqa.answering.reader import load_reader
from clusterqa.answering.reading import blend, by_sentence_support, read, windows
from clusterqa.korean import has_hangul, tokens
from clusterqa.models import Hit
from clusterqa.search import Searcher

# A Korean report's English prose (its abstract, references) translates the Korean text, and
# the answer should read as the document writes it (a Korean name, the figure of the body): a
# candidate there keeps this share of its score.
_TRANSLATION_SHARE = 0.1
_RULES_ONLY = SENTENCE_TYPES | {"url"}
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
    # 7 right by the rules, 2 by the reader). A web address is one the text prints whole.
    if settings.reader == "trained" and info.answer_type not in _RULES_ONLY:
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
    ordered = asked_years_first(translations_last(found, texts), info, texts)
    ranked = kinds_last(per_year_first(ordered, info, texts), info)
    if ranked and info.answer_type in _COORDINATED_TYPES:
        ranked[0] = with_conjuncts(ranked[0], texts, info)
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


def _year_mentions(text: str) -> list[tuple[int, int]]:
    """(end, year) of each year `text` writes, alone or as a date's (1997년 9월)."""
    found = ((q, q if q.kind == "year" else year_of(q)) for q in find_quantities(text))
    return [(q.end, int(y.value)) for q, y in found if y is not None]


def _dated_to(c: Candidate, texts: dict[str, str]) -> int | None:
    """The year that dates a candidate: the last one written before it in its sentence, with no
    clause ending between them ("2019년에는 각각 1만 8,759명"; "2020년 바이오산업 : 생산액
    …, 고용인원 2,461명"). One across a clause dates that clause, not a figure told later
    ("2004년 3월부터 … 11명을 살해하여 … 총 20명", KorQuAD)."""
    before = texts[c.doc_id][c.sentence_start : c.start]
    mentions = _year_mentions(before)
    if not mentions:
        return None
    end, year = mentions[-1]
    if any(t.tag in _CLAUSE_ENDINGS for t in tokens(before[end:])):
        return None
    return year


_CLAUSE_ENDINGS = ("EC", "EF", "ETM")
# Figure questions a year can qualify: not those asking for the year itself.
_FIGURE_KINDS = QUANTITY_KINDS.keys() - {"year", "date"}


def asked_years_first(
    found: list[Candidate], info: QuestionInfo, texts: dict[str, str]
) -> list[Candidate]:
    """A figure question naming a year ("2019년 대전의 종사자 수") with the candidates a year
    dates to another year ("2000년 기준 각각 3,737명, … 2019년에는 각각 1만 8,759명") after the
    others, when some candidate is dated to an asked year: the asked year qualifies the figure,
    and neither the rules nor the reader read which year a figure belongs to."""
    if info.answer_type not in _FIGURE_KINDS:
        return found
    asked = {year for _, year in _year_mentions(info.text)}
    if not asked:
        return found
    years = [_dated_to(c, texts) for c in found]
    if not asked & set(years):
        return found
    return _first(found, [y is None or y in asked for y in years])


def _first(found: list[Candidate], keep: list[bool]) -> list[Candidate]:
    """`found` with the candidates `keep` marks first, each part in its order."""
    return [c for c, k in zip(found, keep, strict=True) if k] + [
        c for c, k in zip(found, keep, strict=True) if not k
    ]


# Not 한 해 or "a year": "2020년 한 해 동안" and "in a year" name one year, not a rate.
_PER_YEAR_ASKED = re.compile(
    r"해마다|매년|매해|연간|연평균|1년에|일 년에|per year|each year|every year|annual|yearly", re.I
)
_PER_YEAR = re.compile(r"(?:^|[\s(])(?:연간|매년|매해|해마다|한 해|연)\s*(?:평균\s*)?(?:약\s*)?$")


def per_year_first(
    found: list[Candidate], info: QuestionInfo, texts: dict[str, str]
) -> list[Candidate]:
    """A figure question asking a yearly rate ("해마다 몇 명", "how many per year") with the
    figures the document states per year ("연간 2000명 배출") first, when it states any: a
    total or a head count of the same unit (3,737명 종사자) answers another question. A
    question naming a year is left to asked_years_first."""
    if info.answer_type not in _FIGURE_KINDS:
        return found
    # A year the question names decides ("매년 이자로 발생하는 비용이 2006년에는": 2006's).
    if not _PER_YEAR_ASKED.search(info.text) or _year_mentions(info.text):
        return found

    def yearly(c: Candidate) -> bool:
        return bool(_PER_YEAR.search(texts[c.doc_id][c.sentence_start : c.start]))

    keep = [yearly(c) for c in found]
    return _first(found, keep) if any(keep) else found


# Name answers one of whose conjuncts a question for "the" place or body would miss (서울특별시
# 동대문구와 성북구 일대); a person's name ends in no shared word.
_COORDINATED_TYPES = {"place", "organization", "list"}
_GLOSS_PATTERN = r"\s*\([^()]*\)"
_AND_PATTERN = r"\s*(?:,|、|·|및|와|과)\s*"
_WORD_PATTERN = r"[^\s,()]+"
_GLOSS = re.compile(_GLOSS_PATTERN)
_AND = re.compile(_AND_PATTERN)
_WORD = re.compile(_WORD_PATTERN)
_LAST_CONJUNCT = re.compile(rf"({_WORD_PATTERN})(?:{_GLOSS_PATTERN})?{_AND_PATTERN}$")
_WORD_BEFORE = re.compile(rf"{_WORD_PATTERN}\s+$")
_CONJUNCT_WORDS = 3  # at most, in a conjunct after the candidate ("의약품 위탁생산기관")
_HEAD_SYLLABLE = re.compile("[시도군구동읍면국주섬]")


def _shared_head(a: str, b: str, kind: str) -> bool:
    """Whether two words end in the same head noun, and in `kind` (the head the question asks
    by): two syllables or more (수탁기관, 위탁생산기관), or one that ends a place name
    (동대문구, 성북구; 원 and 부 end too many common nouns: 병원)."""
    a, b = entity_key(a), entity_key(b)
    if not b.endswith(kind):
        return False
    n = 0
    while n < min(len(a), len(b)) - 1 and a[-1 - n] == b[-1 - n]:
        n += 1
    return n >= 2 or (n == 1 and bool(_HEAD_SYLLABLE.fullmatch(a[-1])))


def _bare_end(text: str, start: int, end: int) -> int:
    """The end of the word text[start:end] without the particle it ends with (성북구에)."""
    key = entity_key(text[start:end])
    while end - 1 > start and entity_key(text[start : end - 1]) == key:
        end -= 1
    return end


def _next_conjunct(text: str, pos: int, stop: int, head: str, kind: str, asked: str) -> int | None:
    """The end of the conjunct listed right after `pos` if it ends in `head`'s head noun and
    the question does not name it (with its bracketed gloss: "…기관(CMO)")."""
    sep = _AND.match(text, _gloss_end(text, pos, stop), stop)
    if not sep:
        return None
    at = sep.end()
    for _ in range(_CONJUNCT_WORDS):
        word = _WORD.match(text, at, stop)
        if not word:
            return None
        if _shared_head(head, word.group(), kind):
            end = _bare_end(text, word.start(), word.end())
            if entity_key(text[sep.end() : end]) in asked:
                return None
            return _gloss_end(text, end, stop) if end == word.end() else end
        at = word.end() + 1
        if at >= stop or not text[word.end()].isspace():
            return None
    return None


def _gloss_end(text: str, pos: int, stop: int) -> int:
    gloss = _GLOSS.match(text, pos, stop)
    return gloss.end() if gloss else pos


def with_conjuncts(c: Candidate, texts: dict[str, str], info: QuestionInfo) -> Candidate:
    """`c` widened over the conjuncts it is listed with that end in its own head noun ("A구와
    B구", "C 기관(X), D 기관(Y)"), none of which the question names: asked for "the" place or
    body, the reader and the rules pick one conjunct of a pair the document names together."""
    text = texts[c.doc_id]
    head = c.text.split()[-1]
    asked = entity_key(info.text)
    # A head the question asks by ("어느 고등학교": 전남고등학교, not 서울대학교 beside it)
    # every conjunct ends in.
    words = {entity_key(w) for w in info.text.split()}
    kind = max((w for w in words if w and entity_key(head).endswith(w)), key=len, default="")
    start, end = c.start, c.end
    while (after := _next_conjunct(text, end, c.sentence_end, head, kind, asked)) is not None:
        end = after
    while (m := _LAST_CONJUNCT.search(text, c.sentence_start, start)) and _shared_head(
        head, m.group(1), kind
    ):
        if entity_key(m.group(1)) in asked:
            break
        start = m.start()
        # As many words as the candidate's ("임상시험 수탁기관(CRO), 의약품 위탁생산기관").
        for _ in range(len(c.text.split()) - 1):
            word = _WORD_BEFORE.search(text, c.sentence_start, start)
            if not word:
                break
            start = word.start()
    if (start, end) == (c.start, c.end):
        return c
    span = text[start:end]
    return replace(c, text=span, value=entity_key(span) or span, start=start, end=end)


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
