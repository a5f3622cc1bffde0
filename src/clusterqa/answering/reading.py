"""Reader candidates: the trained reader's spans in the top passages, typed and normalised.

The reader reads the question against the passages it is given (in `ask`, the top retrieved
passage whole and the best rule sentences outside it: `windows`) and proposes spans with a
start+end score. A span becomes a `Candidate` of the question's type: a figure the question
asks for that the span covers (its boundaries snapped to the figure, its value normalised), a
name, or a phrase. Candidates are ranked by the span's probability among all spans read for the
question, times its window's answerability, times how well the span fits the asked type, so
"7년간" loses to "2016년" for a year question even when the model prefers it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from clusterqa.answering.extract import (
    NAME_TYPES,
    QUANTITY_KINDS,
    Candidate,
    min_max,
    opens_with_figure,
    quantity_spans,
    type_fit,
    unit_fit,
)
from clusterqa.answering.normalize import entity_key
from clusterqa.answering.question import QuestionInfo
from clusterqa.answering.reader import Reader
from clusterqa.korean import Token, sentences_in, tokens
from clusterqa.models import Hit
from clusterqa.repair import is_table_row

_TYPE_FLOOR = 0.1  # share of its probability a span of the wrong type keeps
Range = tuple[str, int, int]  # (doc id, start, end) in the document's canonical text


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _typed(info: QuestionInfo, sentence: str, start: int, end: int):
    """(start, end, value, unit, approximate, fit) of the span [start, end) of `sentence` read
    as the question's type: a figure of the asked kind that overlaps the span replaces it."""
    text = sentence[start:end]
    if info.answer_type in QUANTITY_KINDS:
        for q_start, q_end, figure in quantity_spans(info, sentence):
            if q_start < end and q_end > start:
                fit = figure.fit
                if info.answer_type in ("number", "count"):
                    fit = unit_fit(info.counter, figure.unit)
                return q_start, q_end, figure.value, figure.unit, figure.approximate, fit
        return start, end, entity_key(text) or text, None, False, 0.0
    if info.answer_type in NAME_TYPES:
        start = _after_clauses(sentence, start, end)
        text = sentence[start:end]
    # As among the rules' names.
    figure = info.answer_type in NAME_TYPES and opens_with_figure(text)
    fit = 0.0 if figure else type_fit(info.answer_type, text, sentence)
    return start, end, entity_key(text) or text, None, False, fit


_ENDINGS = ("EC", "ETM", "EF")


def _within(sentence: str, start: int, end: int) -> list[Token]:
    """Kiwi's tokens of `sentence` (analysed whole) that lie inside [start, end)."""
    return [t for t in tokens(sentence) if start <= t.start and t.end <= end]


def _after_clauses(sentence: str, start: int, end: int) -> int:
    """The start of the span [start, end) of `sentence` after the last clause it runs over: a
    name holds no verb ending, so a span that does names what follows it (…지원을 받고 있으며,
    National Institutes of Health -> National Institutes of Health; 뉴욕에서 개최한 아메리칸
    인터내셔널 토이 페어 -> 아메리칸 인터내셔널 토이 페어)."""
    inside = _within(sentence, start, end)
    ends = [i for i, t in enumerate(inside) if t.tag in _ENDINGS]
    if not ends:
        return start
    name = (
        t
        for t in inside[ends[-1] + 1 :]
        if (t.tag[0] == "N" and t.tag != "NNB") or t.tag in ("SL", "SH", "SN")
    )
    return next((t.start for t in name), start)


# Straight quotes open and close alike, so they are left.
_OPENING_QUOTES = "“‘「『《〈"
_CLOSING_QUOTES = "”’」』》〉"


def _quote_end(text: str, start: int, end: int) -> int:
    """The end of the span [start, end) of `text`, cut at a closing quote it runs past when it
    started inside the quotes ("실증특례”라는 규제 유예제도" -> 실증특례); an apostrophe in
    Latin text (Korea’s) is no quote."""
    for i in range(start, end):
        if text[i] in _OPENING_QUOTES:
            return end
        if text[i] in _CLOSING_QUOTES and i > start and not text[i - 1].isascii():
            return i
    return end


def _word_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span [start, end) of `sentence` on whole words, without an adverb it opens with or
    the particles it ends with. The reader's tokens are finer than Korean words (테레|지|아), so
    it can end a name inside one (마리아 테레 -> 마리아 테레지아); they also often hold a noun
    and its particle together (교육과학기술부는 -> 교육과학기술부, 1996년에 -> 1996년), and
    KorQuAD's answers, like a user, want the bare noun. The sentence is analysed whole, so a
    noun's last syllable that reads as a particle out of context (원자로 in 가상원자로를) stays."""
    words = [t for t in tokens(sentence) if t.tag[0] == "N" or t.tag in ("SL", "SH")]
    start = next((t.start for t in words if t.start < start < t.end), start)
    # A compound written as one word is one name (사용후핵연료, not 후핵연료): a Hangul start
    # right after a noun of the same word moves to that noun's start; a figure keeps its own.
    while "가" <= sentence[start : start + 1] <= "힣" and (
        before := next((t for t in words if t.end == start and t.start < start), None)
    ):
        start = before.start
    end = next((t.end for t in words if t.start < end < t.end), end)
    inside = _within(sentence, start, end)
    # An adverb word before a noun opens no answer (간혹 실용정부, 특히 보스턴); one before a
    # verb or adjective is part of it (더 큰 대한민국), and a syllable Kiwi reads as an adverb
    # inside a word (팽형) is not one.
    while (
        len(inside) > 1
        and inside[0].tag in ("MAG", "MAJ")
        and inside[0].start == start
        and inside[1].tag[0] in "NS"
        and inside[0].end < inside[1].start
    ):
        inside.pop(0)
        start = inside[0].start
    while len(inside) > 1 and inside[-1].tag.startswith("J") and inside[-1].end == end:
        end = inside.pop().start
        while end > start and sentence[end - 1].isspace():
            end -= 1
    return start, end


def read(
    reader: Reader, info: QuestionInfo, ranges: list[Range], texts: dict[str, str]
) -> list[Candidate]:
    """Typed candidates from the reader's spans in the passages `ranges` ((doc id, start, end)
    in the canonical texts `texts`), best first."""
    spans = reader.read(info.text, [texts[d][s:e] for d, s, e in ranges])
    found = [(r, sp) for r, group in zip(ranges, spans, strict=True) for sp in group]
    if not found:
        return []
    top = max(sp.score for _, sp in found)
    total = sum(math.exp(sp.score - top) for _, sp in found)
    asked = _word_runs(info.text)
    best: dict[tuple[str, int, int], Candidate] = {}
    for (doc_id, r_start, r_end), sp in found:
        text = texts[doc_id]
        start, end = r_start + sp.start, r_start + sp.end
        while start < end and text[start].isspace():  # token offsets keep the leading space
            start += 1
        s_start, s_end = next(
            ((s, e) for s, e in sentences_in(text, r_start, r_end) if s <= start < e),
            (start, end),
        )
        end = _quote_end(text, start, min(end, s_end))  # nor over its sentence into the next
        if end <= start:
            continue
        sentence = text[s_start:s_end]
        c_start, c_end, value, unit, approximate, fit = _typed(
            info, sentence, *_word_bounds(sentence, start - s_start, end - s_start)
        )
        # The reader sometimes answers with the question's own words (앵커기업 for "앵커기업으로
        # 언급된 곳은?"); a part of a question word may be the answer (은메달, asked "얻은 메달은").
        if (key := entity_key(sentence[c_start:c_end])) and key in asked:
            continue
        # The span's share among all spans read is relative (it sums to 1 even for nonsense
        # input); its window's answerability makes it an absolute confidence.
        share = math.exp(sp.score - top) / total
        score = share * _sigmoid(sp.answerable) * (_TYPE_FLOOR + (1 - _TYPE_FLOOR) * fit)
        key = (doc_id, s_start + c_start, s_start + c_end)
        if key in best:
            # Overlapping windows and passages read the same span more than once.
            best[key].score += score
            continue
        best[key] = Candidate(
            text=sentence[c_start:c_end],
            type=info.answer_type,
            value=value,
            unit=unit,
            approximate=approximate,
            doc_id=doc_id,
            start=s_start + c_start,
            end=s_start + c_end,
            sentence_start=s_start,
            sentence_end=s_end,
            score=score,
        )
    return sorted(best.values(), key=lambda c: -c.score)


def _word_runs(question: str) -> set[str]:
    """The entity_key of every run of consecutive words of `question`."""
    keys = [entity_key(w) for w in question.split()]
    return {"".join(keys[i:j]) for i in range(len(keys)) for j in range(i + 1, len(keys) + 1)}


def sentence_windows(ranked: list[Candidate], n: int, skip: Sequence[Range] = ()) -> list[Range]:
    """The `n` best distinct sentences among rule-ranked candidates, leaving out those inside a
    range of `skip` (read already)."""
    out: list[Range] = []
    for c in ranked:
        if len(out) == n:
            break
        key = (c.doc_id, c.sentence_start, c.sentence_end)
        if key in out or any(d == key[0] and s <= key[1] and key[2] <= e for d, s, e in skip):
            continue
        out.append(key)
    return out


def windows(hits: list[Hit], ranked: list[Candidate], chunks: int, sentences: int) -> list[Range]:
    """What the reader reads for a question: the top `chunks` passages whole (but their table
    rows), then the best `sentences` sentences of the rule ranking outside them. The reader
    was trained on whole paragraphs; one passage whole beat the 3 best sentences on gold dev,
    test and KorQuAD (benchmarks/experiments/README.md)."""
    whole = [r for h in hits[:chunks] for r in _prose(h)]
    return whole + sentence_windows(ranked, sentences, whole)


def _prose(hit: Hit) -> list[Range]:
    """The passage without its table rows, as ranges of consecutive other lines: the reader,
    trained on prose, reading a whole table took a neighbouring cell of the asked one (real
    documents, benchmarks/realdocs/results.md); a row still comes in as a sentence."""
    out: list[Range] = []
    offset = hit.chunk.start
    for line in hit.chunk.text.split("\n"):
        end = offset + len(line)
        if line.strip() and not is_table_row(line):
            if out and out[-1][2] >= offset - 2:  # across one blank line
                out[-1] = (hit.chunk.doc_id, out[-1][1], end)
            else:
                out.append((hit.chunk.doc_id, offset, end))
        offset = end + 1
    return out


def by_sentence_support(
    read: list[Candidate], ranked: list[Candidate], floor: float
) -> list[Candidate]:
    """Reader candidates with each score scaled by floor + (1 - floor) times the square of its
    sentence's best rule-based score relative to the best overall: the reader judges a span,
    not whether its sentence is about what the question asks (it would take a figure from
    another cluster's sentence). The floor keeps spans in sentences where the rules propose
    nothing (support 0), most of the reader's right answers on KorQuAD once it reads whole
    passages (benchmarks/experiments/README.md)."""
    if not ranked or ranked[0].score <= 0:
        return read
    sentence: dict[tuple[str, int], float] = {}
    for c in ranked:
        sentence.setdefault((c.doc_id, c.sentence_start), c.score)
    top = ranked[0].score

    def weight(c: Candidate) -> float:
        return floor + (1 - floor) * (sentence.get((c.doc_id, c.sentence_start), 0.0) / top) ** 2

    return [replace(c, score=c.score * weight(c)) for c in read]


def blend(ranked: list[Candidate], read: list[Candidate], weight: float) -> list[Candidate]:
    """Rule-based and reader candidates in one ranking: a span's score is (1 - weight) times
    its rule score plus weight times its reader score (0 where one side did not propose it)."""
    merged: dict[tuple[str, int, int], Candidate] = {}
    for share, group in ((1 - weight, ranked), (weight, read)):
        for c in group:
            key = (c.doc_id, c.start, c.end)
            if key in merged:
                merged[key].score += share * c.score
            else:
                merged[key] = replace(c, score=share * c.score)
    return sorted(merged.values(), key=lambda c: -c.score)


def span_scores(reader: Reader, question: str, hits: list[Hit]) -> list[float]:
    """The reader's best span score in each passage, read whole (a passage with none: -1e4)."""
    spans = reader.read(question, [h.chunk.text for h in hits])
    return [max((s.score for s in found), default=-1e4) for found in spans]


def rerank_order(retrieval: list[float], reader: list[float], weight: float) -> list[int]:
    """Positions by retrieval score blended with the reader's (both min-max scaled; `weight`
    is the reader's share), best first."""
    blended = [
        (1 - weight) * r + weight * b
        for r, b in zip(min_max(retrieval), min_max(reader), strict=True)
    ]
    return sorted(range(len(blended)), key=lambda i: -blended[i])


def rerank(reader: Reader, question: str, hits: list[Hit], weight: float) -> list[Hit]:
    """`hits` reordered by `rerank_order`. Reading every passage whole costs about 130 ms a
    passage on 2 cores, hence off by default (`reader_rerank`)."""
    if len(hits) < 2:
        return hits
    order = rerank_order([h.score for h in hits], span_scores(reader, question, hits), weight)
    return [hits[i] for i in order]
