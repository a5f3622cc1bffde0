"""Comparison questions: "A와 B 중 더 큰 곳은?", "which of A and B is larger?".

Each side's figure is found on its own (the question asked about that side alone, answered by
the usual ranking restricted to figures in sentences that name the side), the two are compared
after normalisation, and the answer is the winning side's name, or its figure when the question
asks for one. Both sentences are cited. A side without a figure, or figures in different units,
leaves the question to the ordinary path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clusterqa.answering.extract import QUANTITY_KINDS, Candidate
from clusterqa.answering.normalize import entity_key
from clusterqa.answering.question import QuestionInfo, analyze
from clusterqa.answering.ranking import ranked_candidates
from clusterqa.search import Searcher

_MORE = ("큰", "많은", "많이", "넓은", "높은", "긴", "길었던", "늦게", "늦은", "비싼", "컸던")
_LESS = ("작은", "적은", "좁은", "낮은", "짧은", "짧았던", "빨리", "일찍", "빠른", "이른")
_EN_MORE = ("larger", "bigger", "more", "higher", "greater", "longer", "later")
_EN_LESS = ("smaller", "fewer", "less", "lower", "shorter", "earlier")
# "A와 B 중", "A와 B 가운데", "A와 B를 비교하면"; or "... 곳은 A와 B 중 어디인가".
_KO_PAIR = re.compile(
    r"(?P<a>[^,?]+?)(?:와|과)\s+(?P<b>[^,?\s](?:[^,?]*?[^,?\s])?)\s*(?:중|가운데|[을를]\s*비교)"
)
_CONTEXT = 200  # characters before a figure's sentence that may name its side (a heading)
_PER_SIDE = 5
_TOPIC = re.compile(r"(?<=[은는])\s+")
_KO_DIRECTION = re.compile(r"더\s*(?:많이\s+)?(?P<adj>\S+)")
_EN_PAIR = re.compile(
    r"which\s+(?:of\s+)?(?P<a>[^,?]+?)\s+(?:and|or)\s+(?P<b>[^,?]+?)\s+"
    r"(?:is|are|was|were|has|have|had|did|does)\b[^?]*?\b(?P<adj>"
    + "|".join(_EN_MORE + _EN_LESS)
    + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Comparison:
    sides: tuple[str, str]
    more: bool  # True: the larger figure wins


@dataclass(frozen=True)
class Compared:
    winner: str  # the winning side's name, or its figure when the question asks for one
    candidates: tuple[Candidate, Candidate]  # each side's figure, the winner first
    figure: bool  # whether `winner` is the figure
    support: float  # the weaker side's support (see `answering.ranking.Ranked`)


def _direction(adjective: str) -> bool | None:
    if adjective.startswith(_MORE) or adjective.lower() in _EN_MORE:
        return True
    if adjective.startswith(_LESS) or adjective.lower() in _EN_LESS:
        return False
    return None


def parse_comparison(question: str) -> Comparison | None:
    """The two sides and the direction of a comparison question; None for any other question."""
    english = _EN_PAIR.search(question)
    if english:
        more = _direction(english["adj"])
        sides = (english["a"].strip(), english["b"].strip())
    else:
        pair, direction = _KO_PAIR.search(question), _KO_DIRECTION.search(question)
        if not pair or not direction:
            return None
        more = _direction(direction["adj"])
        if direction["adj"] == "많이" or direction.group(0).startswith("더 많이"):
            more = True
        # "… 늘어난 지역은 대전과 충북 중": the first side starts after the topic.
        sides = (_TOPIC.split(pair["a"])[-1].strip(), pair["b"].strip())
    if more is None or not all(sides):
        return None
    return Comparison(sides, more)


def side_name(side: str) -> str:
    """The name a side is about: "전라북도의 … 투자계획" is about 전라북도, "충북의
    오창과학산업단지" about 오창과학산업단지."""
    if "의 " in side:
        owner, _, rest = side.partition("의 ")
        return owner.strip() if len(rest.split()) > 1 else rest.strip()
    return side.strip()


def _figures(
    searcher: Searcher, question: str, side: str, other: str
) -> tuple[list[Candidate], float]:
    """Figures with a unit for one side, best first: the question without the other side,
    ranked as usual, kept to figures whose sentence (or the text just before it) names the side."""
    text = " ".join(question.replace(other, " ").split())
    info = analyze(text)
    if info.answer_type not in QUANTITY_KINDS:
        info = QuestionInfo(**{**info.model_dump(), "answer_type": "number"})
    name = entity_key(side_name(side).split()[-1])
    ranked = ranked_candidates(searcher, info, searcher.search(text))
    out = []
    for c in ranked.candidates:
        document = searcher.snapshot.documents[c.doc_id].text
        context = "".join(document[max(0, c.sentence_start - _CONTEXT) : c.sentence_end].split())
        context = context.lower()  # entity_key lowercases Latin names
        if isinstance(c.value, float | int) and c.unit and name and name in context:
            out.append(c)
    return out[:_PER_SIDE], ranked.support


def compare(searcher: Searcher, question: str, comparison: Comparison) -> Compared | None:
    """The winner of a comparison, from the best-scoring pair of figures in one unit."""
    a, b = comparison.sides
    (first_side, first_support), (second_side, second_support) = (
        _figures(searcher, question, a, b),
        _figures(searcher, question, b, a),
    )
    pairs = [
        (x, y)
        for x in first_side
        for y in second_side
        if x.unit == y.unit and x.value != y.value and x.sentence_start != y.sentence_start
    ]
    if not pairs:
        return None
    first, second = max(pairs, key=lambda p: p[0].score + p[1].score)
    assert isinstance(first.value, float | int) and isinstance(second.value, float | int)
    a_wins = (first.value > second.value) == comparison.more
    (side, won), lost = ((a, first), second) if a_wins else ((b, second), first)
    figure = analyze(question).answer_type in QUANTITY_KINDS
    support = min(first_support, second_support)
    return Compared(won.text if figure else side_name(side), (won, lost), figure, support)
