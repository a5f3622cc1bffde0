"""Phrases of one sentence, found from Kiwi tags: noun runs (names and terms), lists, what a
definition says and the clause that gives a reason. Spans are offsets into the sentence."""

from __future__ import annotations

import re
from collections.abc import Collection

from kiwipiepy import Token

from clusterqa.korean import tokens


def noun_runs(sentence: str, named_only: bool = True) -> list[tuple[int, int]]:
    """Runs of proper nouns, common nouns and Latin words that contain a proper noun or Latin
    word: organisation, place, person and programme names; with `named_only` False any noun
    phrase."""
    runs: list[tuple[int, int, bool]] = []
    for token in tokens(sentence):
        if not token.tag.startswith(("NNP", "NNG", "SL", "SN", "XSN")):
            continue
        end = token.start + token.len
        named = token.tag in ("NNP", "SL")
        # Words of one name are joined by at most a space, never by a bracket or a dot.
        joined = runs and sentence[runs[-1][1] : token.start] in ("", " ")
        if joined and (token.tag != "SN" or runs[-1][2]):
            start, _, was_named = runs[-1]
            runs[-1] = (start, end, was_named or named)
        else:
            runs.append((token.start, end, named))
    return [(s, e) for s, e, named in runs if (named or not named_only) and e - s >= 2]


# Between the items of a list: a comma, middle dot or slash, or a conjunction (와/과/및/그리고).
_LIST_GAP = re.compile(r"\s*[,·/]\s*|(?:와|과)?\s+(?:및|그리고|또는)\s+|(?:와|과|이나|나)\s+")
_TRAILING_FIGURE = re.compile(r"\s+\d[\d,.]*$")


def lists(sentence: str) -> list[tuple[int, int]]:
    """Spans of two or more noun phrases joined as a list ("메릴랜드, 버지니아, 워싱턴 D.C.",
    "스웨덴 왕립 공대와 스톡홀름 대학"); an item's trailing figure (워싱턴 D.C. 3개 주) is not
    part of it."""
    # Glosses are blanked, so "국립보건원(National Institutes of Health, NIH), 식품의약국" is two
    # items, not four.
    masked = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), sentence)
    chains: list[list[int]] = []  # [start, end, items]
    for start, end in noun_runs(masked, named_only=False):
        if figure := _TRAILING_FIGURE.search(sentence, start, end):
            end = figure.start()
        if chains and _LIST_GAP.fullmatch(masked[chains[-1][1] : start]):
            chains[-1][1:] = [end, chains[-1][2] + 1]
        else:
            chains.append([start, end, 1])
    return [(start, end) for start, end, items in chains if items >= 2]


# "X는 Y를 말한다", "X란 Y로 정의된다": Y defines X.
_DEFINED = re.compile(
    r"(?:은|는|란|이란|이라 함은)\s+(.+?)\s*(?:을|를|으로|로)?\s*"
    r"(?:말한다|말함|의미한다|의미함|뜻한다|가리킨다|일컫는다|지칭한다|정의된다|정의됨|정의한다)"
)


# Right after the defined word: a bracket, or a colon and the rest (- 바이오클러스터 : 대학과 …).
_GLOSS = re.compile(r"\(([^()]{2,80})\)|\s*[:：]\s*(\S.*\S)")


def definitions(
    sentence: str, positions: dict[str, list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    """What the sentence says a question word means: the bracket or colon right after it
    ("화이트(환경·에너지 분야)"), or the complement of a defining verb (X는 Y를 말한다)."""
    spans = []
    for places in positions.values():
        for _, end in places:
            if gloss := _GLOSS.match(sentence, end):
                spans.append(gloss.span(1) if gloss.group(1) else gloss.span(2))
    spans += [m.span(1) for m in _DEFINED.finditer(sentence) if m.end(1) - m.start(1) >= 2]
    return spans


# Endings that give a cause (필요해서, 하므로, 부족하니까), and the bare 아/어 only after a negation
# (상주하지 않아, 인력이 없어): elsewhere it joins a sequence (설립하여, 발전시켜).
_CAUSAL_ENDINGS = {"어서", "아서", "여서", "므로", "으므로", "니까", "으니까", "기에"}
_NEGATED_ENDINGS = {"어", "아"}
_NEGATIONS = {"않", "없", "못하"}
# Verbs that with 어서 make a postposition, no cause: 위해서 gives a purpose, 대해서 a topic
# (이건희에 대해서), 통해서 a means.
_POSTPOSITION_VERBS = {"위하", "대하", "관하", "통하", "의하"}
_CLAUSE_ENDINGS = {"고", "으며", "며", "지만", "으나", "는데", "은데", "ᆫ데", "거나", "다가", "도록"}


def _is_causal(toks: tuple[Token, ...], i: int) -> bool:
    token, before = toks[i], toks[i - 1].form if i else ""
    if token.tag != "EC":
        return False
    if token.form in _NEGATED_ENDINGS:
        return before in _NEGATIONS
    return token.form in _CAUSAL_ENDINGS and before not in _POSTPOSITION_VERBS


# A label opening a report's statement: a bullet, then a bracketed word or a word and a colon.
_LABEL = re.compile(r"[-·•▪○□◦※*\s]*(?:\([^()]{1,20}\)|[^\s:()]{1,20}\s*:)\s+")


def reasons(sentence: str, asked: Collection[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Clauses that state a cause: up to a causal ending (인력이 상주하지 않아), to 때문 or 까닭
    (… 시간이 필요하기 때문), or before 을 목적으로 (… 경제 부흥을 목적으로); each starts after
    the clause before it and its particle (위해서는), after a label it opens with ("- (배경)"),
    and after its topic when that is a question word at `asked` (spans in the sentence): asked
    why X does it, "X는 …하기 때문" answers "…하기 때문"."""
    spans = []
    start = 0
    toks = tokens(sentence)
    for i, token in enumerate(toks):
        end = token.start + token.len
        causal = _is_causal(toks, i)
        if causal or token.form in ("때문", "까닭"):
            spans.append((start, end))
        elif token.form == "목적" and i and toks[i - 1].tag == "JKO":
            spans.append((start, toks[i - 1].start))
        elif _is_cause_noun(sentence, toks, i, asked):
            spans.append((max(start, _noun_phrase_start(toks, i)), token.start))
        joins = token.tag == "EC" and token.form in _CLAUSE_ENDINGS
        leading_particle = token.tag.startswith("J") and token.start == start
        asked_topic = token.tag == "JX" and _after_asked_noun(toks, i, asked)
        if causal or joins or leading_particle or asked_topic:
            start = end
    trimmed = []
    for s, e in spans:
        s += len(sentence[s:e]) - len(sentence[s:e].lstrip(" ,"))
        if label := _LABEL.match(sentence, s, e):
            s = label.end()
        if e > s:
            trimmed.append((s, e))
    return trimmed


_NOMINAL = ("N", "SL", "SH", "SN", "XP", "XS")
_BY = {"으로", "로"}
_FRAMES = {"목적", "이유", "원인", "까닭", "배경", "동기", "계기", "중심", "바탕", "기반", "위주"}
_BECAUSE_OF = re.compile(r"\s*(?:인해|인하여|인한|말미암아)")


def _noun_phrase_start(toks: tuple[Token, ...], i: int) -> int:
    """Where the noun phrase before toks[i] starts (이자성의 난, 간질성 폐질환), after a date or
    figure it opens with (1644년)."""
    j = i
    while j and (toks[j - 1].tag.startswith(_NOMINAL) or toks[j - 1].tag == "JKG"):
        j -= 1
    while j < i - 1 and toks[j].tag in ("SN", "NR", "NNB", "JKG"):
        j += 1
    return toks[j].start


def _is_cause_noun(
    sentence: str, toks: tuple[Token, ...], i: int, asked: Collection[tuple[int, int]]
) -> bool:
    """Whether toks[i] is the 으로 of a noun that causes what the question asks about: 으로 인해
    (…으로 인해 지연), or a question word after it in its clause (간질성 폐질환으로 1년 뒤
    사망했으며, asked how he died: the disease)."""
    token = toks[i]
    if token.tag != "JKB" or token.form not in _BY or i < 2 or not toks[i - 1].tag.startswith("N"):
        return False
    # X를 목적으로, X를 중심으로: the noun frames X, it causes nothing.
    if toks[i - 2].tag == "JKO" or toks[i - 1].form in _FRAMES:
        return False
    if _BECAUSE_OF.match(sentence, token.start + token.len):
        return True
    end = next(
        (
            t.start
            for t in toks[i + 1 :]
            if t.tag == "EF" or (t.tag == "EC" and t.form in _CLAUSE_ENDINGS)
        ),
        toks[-1].end,
    )
    return any(token.end < s < end for s, _ in asked)


def _after_asked_noun(toks: tuple[Token, ...], i: int, asked: Collection[tuple[int, int]]) -> bool:
    """Whether the noun run right before toks[i] (its words at most a space apart) holds a
    question word."""
    j = i
    while j and toks[j - 1].tag.startswith(_NOMINAL) and toks[j].start - toks[j - 1].end <= 1:
        j -= 1
    return j < i and any(toks[j].start <= s < toks[i].start for s, _ in asked)
