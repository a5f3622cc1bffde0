"""Question analysis: the answer type and counter a question expects, and its content keywords.

Rules, not a model: the cues are closed-class words (wh-words, counters, a few head nouns), so a
table of them is more predictable than a classifier trained on a hundred gold questions.

Precedence, most specific cue first (Korean and English alike), after two rules before all: a
web address asked by its medium (홈페이지 주소, "which website") asks for a url, and a reason
noun as the topic asked about (X 이유는 무엇인가) asks for a reason, whatever figure word stands
in the clause before it.

1. A wh-word fused with a unit: 몇 명 / 몇 년 / 몇 % / 몇 GB / 며칠, "how many X", "how much",
   "how long".
   The unit names the answer type outright (몇 년 -> year, 몇 년간 -> a duration in 년).
2. A wh-word that always asks for a quantity or a time: 언제 / 얼마, "when" / "what year" /
   "what date" / "what share". The head noun only refines it: 발행일은 언제 -> date,
   면적은 얼마 -> number in ㎡, 비율은 얼마 -> percent.
3. An enumeration: 목록 / 나열 / 모두 / 각각 / 세 가지 / a plural head (기관들, "which bodies").
4. A reason: 왜 / 이유 / 원인 / 까닭 / 배경 / 목적, "why" / "for what purpose".
5. A naming question, the other way round: 무엇이라고 부르는가 / 무엇이라 하나, "what is X
   called" ask for a term (entity). A definition: 의미 / 정의 / 개념 / X란 무엇 / 가리키는가,
   "what does X mean".
6. A person: 누구 / 누가, "who".
7. The noun a determiner picks out: 어느 대학 -> organization, 어느 나라 -> place,
   "which institution" -> organization; laws, programmes and funds fall to entity.
8. 어디 / "where": place, unless the thing asked about is an organisation
   (앵커기업은 어디 -> organization).
9. The head noun of the topic the question predicates on (X는 무엇인가 / X는?): 예산 -> amount,
   연구원 수 -> count, 기관 -> organization, 연도 -> year. Generic heads (곳, 것, 이름) take
   the type of the noun they stand for: N의 이름, N(으)로 언급된 곳, N 중 ... 곳.
10. Any remaining 무엇 / 무슨 / 어떤 / "what" / "which", or a bare "X는?": entity.
11. Otherwise: unknown.
"""

from __future__ import annotations

import re
from typing import Literal

from kiwipiepy import Token
from pydantic import BaseModel

from clusterqa.answering.normalize import find_quantities
from clusterqa.korean import has_hangul, kiwi

AnswerType = Literal[
    "year", "date", "number", "amount", "percent", "count", "person", "organization",
    "place", "entity", "list", "definition", "reason", "url", "unknown",
]  # fmt: skip
Typed = tuple[AnswerType, str | None]
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|「[^」]*」|'[^']*'|‘[^’]*’|\"[^\"]*\"|“[^”]*”")


class QuestionInfo(BaseModel):
    text: str
    language: Literal["ko", "en"]
    answer_type: AnswerType
    counter: str | None
    keywords: list[str]


def analyze(question: str) -> QuestionInfo:
    info = _analyze(question)
    # A web address is asked by its medium (홈페이지 주소는, "what website"), whatever the
    # wh-word; the rest of the question says whose it is.
    if _WEB_ADDRESS.search(info.text):
        return info.model_copy(update={"answer_type": "url", "counter": None})
    return info


def _analyze(question: str) -> QuestionInfo:
    text = " ".join(question.split())
    if not text:
        raise ValueError("the question is empty")
    # An English sentence with a Korean gloss in brackets ("... hub (초기 클러스터 구심점)") is
    # still English grammar, so the rules follow the text outside brackets and quotes.
    if has_hangul(_BRACKETED.sub(" ", text)):
        tokens = kiwi().tokenize(text)
        # 어느 정도 ("to what degree") asks what 얼마 asks.
        how_much = _KO_HOW_MUCH.sub("얼마", text)
        typing = tokens if how_much == text else kiwi().tokenize(how_much)
        answer_type, counter = _korean_type(how_much, typing)
        return QuestionInfo(
            text=text,
            language="ko",
            answer_type=answer_type,
            counter=counter,
            keywords=_korean_keywords(tokens),
        )
    answer_type, counter = _english_type(text)
    return QuestionInfo(
        text=text,
        language="ko" if has_hangul(text) else "en",
        answer_type=answer_type,
        counter=counter,
        keywords=_english_keywords(text),
    )


# A web address asked for, not a page something was posted on (자신의 홈페이지를 통해 …
# 알린 사람은, "공식 웹사이트에 … 공개된 날짜는" ask for a person and a date): its medium with
# 주소, the medium as the topic the question ends on, or "what/which website", "the URL of"
# (not "the website of …", which may ask what it said).
_WEB = r"(?:홈페이지|웹\s?사이트|웹|url)"  # a bare 사이트 may be a plot of land
_WEB_ADDRESS = re.compile(
    rf"(?:{_WEB}|사이트|인터넷)\s?주소"
    rf"|{_WEB}(?:은|는|이|가)?\s*(?:(?:무엇|어디|뭐)\S*)?\s*\??$"
    r"|^(?:what|which)\s+(?:is\s+the\s+|are\s+the\s+)?(?:website|web\s?site|url|web address"
    r"|homepage|web page)s?\b"
    r"|\b(?:url|web address)\s+(?:of|for)\b",
    re.I,
)


# --- Korean -----------------------------------------------------------------------------------

_KO_HOW_MUCH = re.compile(r"어느\s*정도")

_KO_ORG = {
    "기관", "대학", "대학교", "대학원", "기업", "회사", "병원", "연구소", "연구원", "재단", "협회",
    "부처", "조직", "단체", "기구", "사업단", "센터", "위원회", "업체", "제약사", "법인", "공단",
    "진흥원", "학회", "아카데미", "컨소시엄", "스타트업", "정부", "지자체", "학교", "부서",
}  # fmt: skip
_KO_PLACE = {
    "지역", "도시", "나라", "국가", "구", "시", "도", "군", "주", "곳", "장소", "위치", "소재지",
    "지점", "대륙", "권역", "구역", "지구", "섬", "단지", "특구", "클러스터", "밸리", "부지",
    "일대",
}  # fmt: skip
_KO_PERSON = {
    "인물", "사람", "교수", "대표", "대표이사", "회장", "장관", "원장", "총장", "소장", "단장",
    "이사장", "센터장", "창업자", "설립자", "창립자", "저자", "수상자", "과학자", "의장", "위원장",
    "책임자", "대통령", "총리", "박사", "사장", "연구자", "학자",
}  # fmt: skip
_KO_PEOPLE = {
    "종사자", "연구자", "연구원", "인력", "직원", "근로자", "졸업생", "학생", "인구", "인원",
    "고용", "의사", "환자", "박사", "과학자", "연구진", "취업자", "임직원", "노동자", "창업자",
    "회원",
}  # fmt: skip
_KO_FIRMS = {"기업", "업체", "회사", "스타트업", "벤처", "제약사"}
_KO_AMOUNT = {
    "금액", "예산", "투자액", "투자금", "매출", "매출액", "생산액", "수출액", "수입액", "거래액",
    "사업비", "연구비", "운영비", "기금", "자금", "비용", "규모", "자본금", "지원금", "보조금",
    "출연금", "국비", "지방비", "총액", "가치", "가격", "투자", "임금",
}  # fmt: skip
_KO_AREA = {"면적", "연면적", "넓이", "㎡", "평"}
_KO_COUNT = {"수", "개수", "숫자", "인원", "인력", "건수"}
_KO_YEAR = {"해", "연도", "년도", "시기", "연대"}
_KO_DATE = {"날짜", "일자", "날", "시점"}
_KO_GENERIC = {"곳", "것", "데", "쪽", "이름", "명칭"}
_KO_NOUN_TAGS = ("NNG", "NNP", "NNB", "SL", "SH", "SN", "XSN", "XPN", "XR")
_KO_DETERMINERS = {"어느", "어떤", "무슨", "어떠한"}
_KO_NUMERALS = {"두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열", "여러"}

# Units after 몇: longer alternatives first, since 개 is a prefix of 개사 and 년 of 년도. 몇몇
# ("some") asks for no figure.
_KO_MYEOT = re.compile(
    r"(?<!몇)몇(?!몇)\s*(?:십|백|천|만|억|조)?\s*(개사|개소|개국|개월|개|명|곳|배|건|위|회|차례|번째|번|가지|종|편"
    r"|년도|년|월|일|주|달|시간|분|세|살|층|대|%|퍼센트|프로|km|㎞|킬로미터|㎡|m2|제곱미터|평"
    r"|ha|헥타르|톤|원|달러|유로|엔|위안|파운드|m²|[A-Za-z]{1,4}(?![A-Za-z²³]))?"
)
_KO_DURATION = re.compile(r"^\s*(?:간|동안|만에|째|이\s*걸|가\s*걸|이\s*소요|연속)")
_KO_UNIT_NORMAL = {
    "번째": "위", "살": "세",
    "㎞": "km", "킬로미터": "km", "m2": "㎡", "m²": "㎡", "제곱미터": "㎡", "헥타르": "ha",
}  # fmt: skip
_KO_CURRENCY = {"원", "달러", "유로", "엔", "위안", "파운드"}
_KO_MEASURE_UNITS = {"km", "㎡", "평", "ha", "톤", "층", "세", "살"}

# 모두 asks for a list only before the question word (모두 무엇인가); elsewhere it means "all"
# or "in total" (모두 지는 후보, 모두 몇 명): 17 of 23 KorQuAD dev questions with 모두 were
# typed as lists and 1 wanted one.
_KO_LIST = re.compile(
    r"목록|나열|열거|각각|모두\s*(?:무엇|어디)|어떤\s*것들|무엇\s*무엇|어디\s*어디|누구\s*누구"
    # Not a choice among them: 4가지 유형 중 어느 유형, 두 가지 주요 전통 중 하나.
    r"|(?:두|세|네|다섯|여섯|\d+)\s*가지(?!(?:\s*\S+?){0,3}?\s*중(?:에서|에)?(?![가-힣]))"
)
_KO_REASON_HEADS = {"이유", "원인", "까닭", "배경", "목적", "동기"}
_KO_DEFINITION_HEADS = {"의미", "정의", "개념", "뜻"}
# 배경/목적 used adverbially ("산학 협동을 목적으로 한 조직") do not ask for a reason, nor
# does the 왜 of 왜곡.
_KO_REASON = re.compile(
    r"(?<![가-힣])왜(?![가-힣])|까닭|이유|원인|(?:배경|목적|동기)(?!\s*(?:으로|로|하))"
)
_KO_DEFINITION = re.compile(
    r"의미(?:는|란|하는|하나|한다|인가)|정의(?:는|란|되|하)|개념(?:은|이|이란)|뜻(?:은|하)"
    r"|(?:이)?란\s*(?:무엇|뭐|\?|$)|가리키|일컫|지칭"
)
# Naming asks the other way round: the description is given and the term is the answer.
_KO_NAMING = re.compile(
    # The naming verb as the predicate; a participle (불리는 사람, 불리던 시기) leaves the topic
    # to say what is asked.
    r"(?:(?:이)?라(?:고)?|어떻게)\s*"
    r"(?:부르(?:는가|나|니|는지)|부릅니까|불렀|불러|불리(?:는가|나)|하는가|하나|일컫|칭하)"
    r"|(?:일컫|지칭하|가리키|이르|부르)는\s*(?:말|명칭|이름|용어|단어|표현|호칭)"
)
_KO_LOCATED = re.compile(r"어디(?:에|에서)?\s*(?:에\s*)?(?:위치|소재|자리|있)")
_KO_DURATION_CUE = re.compile(r"걸리|걸린|걸렸|걸릴|소요")
_KO_WH_PREDICATES = {"무엇", "어디", "언제", "얼마", "누구", "뭐"}
_KO_OTHER_WH = re.compile(r"무엇|무슨|어떤|어떠한|뭐|어느")

_KO_STOP = {
    "무엇", "어디", "언제", "얼마", "얼마나", "몇", "누구", "누가", "왜", "어느", "어떤", "어떻",
    "무슨", "뭐", "며칠", "대략", "정도", "것", "곳", "수", "이름", "명칭", "하", "되", "있", "없",
    "이", "아니", "않", "같", "가리키", "일컫", "부르", "의",
}  # fmt: skip


def _matches(run: list[str], lexicon: set[str]) -> bool:
    # Kiwi splits some compounds (연구/기관) and not others (자문기구), so the head morpheme is
    # matched exactly and the whole compound by its ending, for endings of two syllables or more.
    compound = "".join(run)
    return run[-1] in lexicon or any(len(w) > 1 and compound.endswith(w) for w in lexicon)


def _ko_counter_for(nouns: list[str]) -> str | None:
    """The counter a count of these things is given in: 명 for people, 개 for firms, ..."""
    for noun in reversed(nouns):
        if _matches([noun], _KO_PEOPLE):
            return "명"
        if _matches([noun], _KO_FIRMS) or _matches([noun], _KO_ORG):
            return "개"
        if noun in {"국가", "나라"}:
            return "개국"
        if noun in {"특허", "논문", "계약"}:
            return "건"
    return None


def _ko_noun_type(run: list[str], text: str) -> Typed | str | None:
    """The type a head noun asks for; "generic" for 곳/것/이름, None for an untyped noun."""
    if not run:
        return None
    head, modifiers = run[-1], run[:-1]
    if _matches(run, _KO_AREA) or (head == "규모" and "부지" in modifiers):
        return "number", "㎡"
    if head == "규모":
        counter = _ko_counter_for(modifiers)
        return ("count", counter) if counter == "명" else ("amount", None)
    if head in {"비율", "비중", "점유율", "퍼센트"} or (
        head.endswith(("율", "률")) and head not in {"법률", "규율", "자율"}
    ):
        return "percent", None
    if head in _KO_COUNT:
        counter = "명" if head in {"인원", "인력"} else _ko_counter_for(modifiers)
        return "count", counter
    if head == "순위":
        return "count", "위"
    if head == "기간":
        return "number", "년"
    if head in {"나이", "연령", "향년"}:
        return "number", "세"
    if head in {"시간", "길이", "거리"}:
        return "number", "km" if head != "시간" and "km" in text.lower() else None
    if _matches(run, _KO_AMOUNT):
        return "amount", None
    if _matches(run, _KO_YEAR):
        return "year", None
    # 일 alone is "work"; only a compound (발행일, 투고일) makes it a day.
    if _matches(run, _KO_DATE) or (head == "일" and modifiers):
        return "date", None
    if _matches(run, _KO_PERSON):
        return "person", None
    if _matches(run, _KO_ORG):
        return "organization", None
    if head in _KO_GENERIC:
        return "generic"
    if _matches(run, _KO_PLACE):
        return "place", None
    return None


def _glued_day(noun: Token, day: Token) -> bool:
    return (day.form, day.tag) == ("일", "NR") and noun.tag == "NNG" and noun.end == day.start


def _run_before(tokens: list[Token], end: int) -> tuple[int, list[str]]:
    """Start index and forms of the noun run that ends just before `tokens[end]`."""
    start = end
    # Kiwi reads the 일 of a day written as one word (서거일) as the numeral "one".
    if start > 1 and _glued_day(tokens[start - 2], tokens[start - 1]):
        start -= 1
    while start > 0 and tokens[start - 1].tag.startswith(_KO_NOUN_TAGS):
        start -= 1
    return start, [t.form for t in tokens[start:end]]


def _run_after(tokens: list[Token], begin: int) -> tuple[list[str], bool]:
    """Noun run from `tokens[begin]`, skipping leading numerals; also whether one was skipped."""
    counted = False
    i = begin
    while i < len(tokens) and (
        tokens[i].tag in {"SN", "NR"}
        or (tokens[i].tag == "MM" and tokens[i].form in _KO_NUMERALS)
        or (counted and tokens[i].form in {"개", "가지"})
    ):
        counted = True
        i += 1
    run = []
    while i < len(tokens) and tokens[i].tag.startswith(_KO_NOUN_TAGS):
        run.append(tokens[i].form)
        i += 1
    return run, counted


def _focus(tokens: list[Token]) -> tuple[int, list[str]] | None:
    """The topic noun run a question predicates on: X in "X는 무엇인가?" or "X는?"."""
    content = [i for i, t in enumerate(tokens) if t.tag not in {"SF", "SP", "SE"}]
    if not content:
        return None
    last = content[-1]
    end = None
    if tokens[last].tag in {"JX", "JKS"}:
        end = last
    else:
        wh = [i for i in content if tokens[i].form in _KO_WH_PREDICATES | {"얼마나"}]
        # Only a wh-word used as the predicate (무엇이다, 얼마인가, 얼마나 되나) makes the topic
        # the answer; 무엇을 만들었나 asks about something else.
        if wh and (
            wh[-1] == last
            or tokens[wh[-1] + 1].tag == "VCP"
            or (tokens[wh[-1]].form == "얼마나" and tokens[wh[-1] + 1].form == "되")
        ):
            end = next(
                (
                    i
                    for i in range(wh[-1] - 1, -1, -1)
                    if tokens[i].tag in {"JX", "JKS"} and tokens[i].form != "부터"
                ),
                None,
            )
    if end is None:
        return None
    start, run = _run_before(tokens, end)
    return (start, run) if run else None


def _topic_before(tokens: list[Token], form: str) -> list[str]:
    """The noun run marked as topic or subject (는, 가) last before the token `form`."""
    end = next((i for i, t in enumerate(tokens) if t.form == form), 0)
    marked = [i for i in range(end) if tokens[i].tag in {"JX", "JKS"}]
    return _strip_plural(_run_before(tokens, marked[-1])[1]) if marked else []


def _resolve_generic(tokens: list[Token], start: int, text: str) -> Typed | None:
    """The type of the noun a generic head (곳, 것, 이름) stands for, if the question names it."""
    candidates = []
    if start > 0 and tokens[start - 1].tag == "JKG":  # N의 이름
        candidates.append(_run_before(tokens, start - 1)[1])
    for i in range(start - 1, -1, -1):  # N(으)로 언급된 곳
        if tokens[i].tag == "JKB" and tokens[i].form in {"로", "으로"}:
            candidates.append(_run_before(tokens, i)[1])
            break
    for i in range(start - 1, -1, -1):  # A와 B 중 ... 곳
        if tokens[i].form == "중" and tokens[i].tag.startswith("NN"):
            candidates.append(_run_before(tokens, i)[1])
            break
    for run in candidates:
        typed = _ko_noun_type(_strip_plural(run), text)
        if isinstance(typed, tuple) and typed[0] in {"organization", "place", "person"}:
            return typed
    return None


def _strip_plural(run: list[str]) -> list[str]:
    return run[:-1] if run and run[-1] == "들" else run


def _symbol_unit(symbol: str) -> str | None:
    """The unit the normaliser reads a Latin `symbol` as (GB; mL for ml), None for a word (TV)."""
    found = find_quantities(f"1{symbol}")
    return found[0].unit if found and found[0].kind != "number" else None


def _ko_myeot(text: str) -> Typed | None:
    match = _KO_MYEOT.search(text)
    if match is None:
        return None
    unit = match.group(1)
    rest = text[match.end() :]
    if unit and unit.isascii() and unit not in _KO_MEASURE_UNITS | {"%", "m2"}:
        # 몇 GB, 몇 mAh: a unit by its symbol; 몇 TV 채널: a word, so what is counted.
        unit = _symbol_unit(unit)
        return ("number", unit) if unit else ("count", None)
    if unit is None:
        return "count", None
    unit = _KO_UNIT_NORMAL.get(unit, unit)
    if unit in {"년", "년도"}:
        return ("number", "년") if unit == "년" and _KO_DURATION.match(rest) else ("year", None)
    if unit in {"월", "일"}:
        return ("number", unit) if _KO_DURATION.match(rest) else ("date", None)
    if unit in {"개월", "달", "주", "시간", "분"}:
        return "number", "개월" if unit == "달" else unit
    if unit in {"%", "퍼센트", "프로"}:
        return "percent", None
    if unit in _KO_CURRENCY:
        return "amount", unit
    if unit in _KO_MEASURE_UNITS:
        return "number", unit
    return "count", unit


def _names_thing(run: list[str]) -> bool:
    """Whether a noun run names a thing rather than a reason, a meaning or a generic 것 (어떤
    사건 때문: an event)."""
    run = run[:-1] if run[-1:] == ["때문"] else run
    return bool(run) and run[-1] not in _KO_REASON_HEADS | _KO_DEFINITION_HEADS | _KO_GENERIC | {
        "점", "정도",
    }  # fmt: skip


def _korean_type(text: str, tokens: list[Token]) -> Typed:
    focus = _focus(tokens)
    focus_start, focus_run = focus if focus else (0, [])
    topic_particle = tokens[focus_start + len(focus_run)].form if focus else ""
    # 이들 and 그들 ("those who …") ask for whoever it was, not a list.
    plural = focus_run[-1:] == ["들"] and focus_run[:-1] not in ([], ["이"], ["그"])
    focus_run = _strip_plural(focus_run)
    focus_type = _ko_noun_type(focus_run, text)
    if focus_type == "generic":
        focus_type = _resolve_generic(tokens, focus_start, text) or "generic"
    # A reason or definition word in the clause before a topic that names another thing asks
    # for that thing (…원인이라고 지적한 인물은: a person; 개념이 없었던 사람들의 나라는: a place);
    # X란 무엇인가 still asks what X means.
    names_other = topic_particle not in {"란", "이란"} and (
        isinstance(focus_type, tuple) or _names_thing(focus_run)
    )

    determiner = next(
        (i for i in range(len(tokens) - 1, -1, -1) if tokens[i].form in _KO_DETERMINERS), None
    )
    det_run, det_counted = (
        _run_after(tokens, determiner + 1) if determiner is not None else ([], False)
    )
    # The topic names what is asked, so a figure word inside the clause before it does not
    # (몇 곳에 몰아주어야 한다고 본 이유는 무엇인가 asks for a reason, not a count), unless the
    # predicate picks out a thing (이유는 어떤 사건 때문인가: an event).
    if focus_run and focus_run[-1] in _KO_REASON_HEADS:
        if determiner is not None and determiner > focus_start and _names_thing(det_run):
            return "entity", None
        return "reason", None
    # Nor does a count in the clause before a topic that names a thing (몇 천 명의 학생들이
    # 시위를 벌인 곳은: a place).
    if not (names_other or focus_type == "generic") and (typed := _ko_myeot(text)):
        return typed
    if "며칠" in text:
        return ("number", "일") if _KO_DURATION.match(text.split("며칠", 1)[1]) else ("date", None)
    if "언제" in text:
        if re.search(r"언제\s*부터.*언제\s*까지", text):
            return "date", None
        # "When" is answered as precisely as the document states it (2008년 2월 25일), unless the
        # question asks for the year (해는 언제).
        return ("year", None) if focus_type == ("year", None) else ("date", None)
    if "얼마" in text:
        if match := re.search(r"얼마나\s*많은\s*(\S+)", text):
            return "count", _ko_counter_for([t.form for t in kiwi().tokenize(match.group(1))])
        # The topic measured, also where 얼마 is no predicate (물가상승률은 얼마를 기록했나).
        measured = focus_type if focus else _ko_noun_type(_topic_before(tokens, "얼마"), text)
        if isinstance(measured, tuple) and measured[0] in {
            "number", "percent", "count", "amount", "year", "date",
        }:  # fmt: skip
            return measured
        if _KO_DURATION_CUE.search(text):
            return "number", None
        return "amount", None

    # Naming asks for one term, whoever the plural subject (일본인들은 거제도를 뭐라고 불렀나).
    if _KO_NAMING.search(text):
        return "entity", None
    if _KO_LIST.search(text) or det_counted or plural or (det_run and det_run[-1] == "들"):
        return "list", None
    # A determiner's noun that names a thing outranks a reason word too (이유는 어떤 사건
    # 때문인가: an event; 어떤 이유로: a reason), not a definition (X는 어떤 분야를 가리키는가).
    if _KO_REASON.search(text) and not (names_other or _names_thing(det_run)):
        return "reason", None
    if _KO_DEFINITION.search(text) and not names_other:
        return "definition", None
    if re.search(r"누구|(?<![가-힣])누가", text):
        return "person", None

    # 무슨 날 asks which day it is named (저항의 날); 어느 날, the date.
    if det_run == ["날"] and tokens[determiner].form != "어느":
        return "entity", None
    if det_run and det_run[-1] != "정도":
        # The determiner picks out the first noun or compound after it: 어느 구 일대, 어느 연구기관.
        det_type = next(
            (t for k in range(len(det_run), 0, -1) if (t := _ko_noun_type(det_run[:k], text))),
            None,
        )
        if det_type == "generic":
            det_type = _resolve_generic(tokens, determiner + 1, text)
            det_type = det_type or (("place", None) if det_run[-1] == "곳" else ("entity", None))
        if isinstance(det_type, tuple) and det_type[0] in {
            "organization", "place", "person", "year", "date",
        }:  # fmt: skip
            return det_type
        return "entity", None

    if "어디" in text:
        located = _KO_LOCATED.search(text)
        if not located and isinstance(focus_type, tuple) and focus_type[0] == "organization":
            return focus_type
        return "place", None
    if isinstance(focus_type, tuple):
        return focus_type
    if focus_type == "generic":
        return ("place", None) if focus_run[-1] == "곳" else ("entity", None)
    if _KO_OTHER_WH.search(text) or focus is not None:
        return "entity", None
    return "unknown", None


def _korean_keywords(tokens: list[Token]) -> list[str]:
    keep = ("NNG", "NNP", "SL", "SH", "SN", "XR", "VV", "VA")
    words = [
        t.form
        for t in tokens
        if t.tag.startswith(keep) and t.form not in _KO_STOP and t.form.lower() not in _EN_STOP
    ]
    return list(dict.fromkeys(words))


# --- English ----------------------------------------------------------------------------------

_EN_PEOPLE = {
    "people", "person", "persons", "employee", "researcher", "worker", "staff", "student",
    "graduate", "scientist", "doctor", "member", "resident", "job", "professional", "physician",
    "patient", "engineer", "faculty", "inhabitant", "laureate", "trainee", "founder",
}  # fmt: skip
_EN_FIRMS = {"company", "firm", "business", "enterprise", "startup", "start-up", "corporation"}
_EN_SITES = {"site", "place", "location", "campus", "facility"}
_EN_UNITS = {
    "year": ("number", "년"), "month": ("number", "개월"), "day": ("number", "일"),
    "hour": ("number", "시간"), "country": ("count", "개국"), "case": ("count", "건"),
    "patent": ("count", "건"), "paper": ("count", "건"), "deal": ("count", "건"),
    "square": ("number", "㎡"), "m2": ("number", "㎡"), "㎡": ("number", "㎡"),
    "hectare": ("number", "ha"), "kilometre": ("number", "km"), "kilometer": ("number", "km"),
    "km": ("number", "km"),
}  # fmt: skip
_EN_ORG = {
    "organisation", "organization", "institution", "institute", "university", "company", "firm",
    "hospital", "agency", "ministry", "foundation", "association", "body", "centre", "center",
    "laboratory", "lab", "corporation", "council", "committee", "department", "school", "college",
    "startup", "enterprise", "business", "government", "authority", "consortium", "academy",
    "nonprofit", "non-profit", "anchor",
}  # fmt: skip
_EN_PLACE = {
    "city", "region", "country", "state", "area", "district", "site", "location", "province",
    "town", "island", "county", "nation", "continent", "place", "cluster", "park", "valley",
    "hub", "campus", "complex", "zone", "neighbourhood", "neighborhood",
}  # fmt: skip
_EN_PERSON = {
    "person", "professor", "laureate", "scientist", "researcher", "founder", "director", "ceo",
    "president", "chairman", "chair", "minister", "author", "head", "leader", "economist",
    "mayor", "governor", "physicist", "chemist", "biologist", "entrepreneur",
}  # fmt: skip
_EN_ENTITY = {
    "law", "act", "programme", "program", "fund", "project", "policy", "initiative", "bill",
    "scheme", "model", "type", "sector", "field", "report", "title", "technology", "product",
    "strategy", "plan", "name", "term", "drug", "approach", "industry",
}  # fmt: skip
_EN_AMOUNT = {
    "amount", "budget", "cost", "investment", "funding", "revenue", "sales", "value", "worth",
    "price", "spending", "capital", "turnover", "grant", "size",
}  # fmt: skip
_EN_PERCENT = {"share", "percentage", "percent", "proportion", "fraction", "rate", "ratio"}
_EN_COUNT = {"number", "population", "headcount", "workforce"}
_EN_TIME = {"year": ("year", None), "decade": ("year", None), "date": ("date", None),
            "day": ("date", None), "month": ("date", None), "period": ("date", None)}  # fmt: skip
# Words that end a noun phrase after "which"/"what": the head is the last noun before them.
_EN_BOUNDARY = {
    "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "that", "which", "who",
    "did", "does", "do", "was", "were", "is", "are", "has", "have", "had", "will", "would", "can",
    "could", "should", "the", "a", "an", "its", "their", "and", "or", "been", "be",
}  # fmt: skip
_EN_SKIP = {"is", "was", "are", "were", "the", "a", "an", "that", "this", "these", "those"}
_EN_PERCENT_CUE = re.compile(
    r"%|\bper ?cent\b|\b(?:what|which) (?:\w+ ){0,2}?"
    r"(?:share|percentage|proportion|fraction|rate|ratio)\b"
)
# "list" only as an imperative: "which cluster does the article list" asks for one cluster.
_EN_LIST = re.compile(
    r"^(?:please )?list\b|\blist all\b|\bname (?:all|the \w+ )|\bwhich ones\b"
    r"|\bwhat are the (?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b"
)
_EN_REASON = re.compile(
    r"\bwhy\b|\bfor what (?:purpose|reason)\b|\bwhat (?:\w+ )?reasons?\b"
    r"|\bwhat (?:is|was|are|were) the (?:main |primary )?"
    r"(?:reason|purpose|cause|rationale|motivation)|\bwhat (?:caused|led to|drove|motivated)\b"
)
_EN_DEFINITION = re.compile(
    r"\bwhat (?:does|did|do) .+ (?:mean|stand for|refer to)\b|\bdefine\b|\bwhat is meant by\b"
    r"|\bdefinition of\b|\bhow is .+ defined\b"
)

_EN_STOP = {
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "many", "much",
    "does", "did", "do", "is", "are", "was", "were", "be", "been", "being", "the", "a", "an",
    "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "and", "or", "that", "this",
    "these", "those", "it", "its", "their", "there", "according", "name", "called", "has",
    "have", "had", "will", "would", "can", "could", "should", "into", "about", "than", "s",
    "during", "among", "besides", "within", "per", "each", "every",
}  # fmt: skip


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _en_words(text: str) -> list[str]:
    return re.findall(r"\w+(?:[-'’.]\w+)*|%|㎡", text.lower().replace("'s ", " "))


def _en_how_many(words: list[str]) -> Typed:
    for i, word in enumerate(words[:4]):
        noun = _singular(word)
        if noun == "time":
            follows = words[i + 1] if i + 1 < len(words) else ""
            return (
                ("count", "배")
                if follows in {"larger", "bigger", "more", "as", "higher"}
                else ("count", "회")
            )
        if noun in _EN_UNITS:
            return _EN_UNITS[noun]
        if noun in _EN_PEOPLE:
            return "count", "명"
        if noun in _EN_FIRMS:
            return "count", "개사"
        if noun in _EN_SITES:
            return "count", "곳"
        if noun in _EN_ORG or noun in {"building", "cluster", "project", "hospital"}:
            return "count", "개"
        if word.endswith("-fold") or word == "fold":
            return "count", "배"
    return "count", None


def _en_head(words: list[str]) -> tuple[str | None, bool]:
    """Head noun of the phrase after "which"/"what" (the last known noun) and whether plural."""
    i = 0
    while i < len(words) and words[i] in _EN_SKIP:
        i += 1
    head, plural = None, False
    lexicon = (
        _EN_ORG | _EN_PLACE | _EN_PERSON | _EN_ENTITY | _EN_AMOUNT | _EN_PERCENT | _EN_COUNT
    ) | set(_EN_TIME)
    for k, word in enumerate(words[i : i + 5]):
        if word in _EN_BOUNDARY:
            if k:
                break
            continue
        noun = _singular(word)
        if noun in lexicon:
            head, plural = noun, noun != word
    return head, plural


def _en_head_type(head: str, plural: bool, text: str) -> Typed | None:
    if head in _EN_TIME:
        return ("date", None) if plural and head == "year" else _EN_TIME[head]
    if head == "area" and re.search(r"\b(?:site|land|floor|total|square|average)\b", text):
        return "number", "㎡"
    if plural and head not in _EN_AMOUNT | _EN_PERCENT:
        return "list", None
    if head in _EN_PERCENT:
        return "percent", None
    if head in _EN_AMOUNT:
        return "amount", None
    if head in _EN_COUNT:
        if head != "number":
            return "count", "명"
        of = re.search(r"\bnumber of (.*)", text)
        return _en_how_many(_en_words(of.group(1))) if of else ("count", None)
    if head in _EN_PERSON:
        return "person", None
    if head in _EN_ORG:
        return "organization", None
    if head in _EN_PLACE:
        return "place", None
    return "entity", None


def _english_type(text: str) -> Typed:
    low = text.lower()
    words = _en_words(text)

    if match := re.search(r"\bhow many\b", low):
        return _en_how_many(_en_words(low[match.end() :]))
    if re.search(r"\bhow much\b", low):
        if re.search(r"\b(?:area|square|m2|land|space|hectares?)\b|㎡", low):
            return "number", "㎡"
        if re.search(r"\bhow much (?:time|longer)\b", low):
            return "number", None
        return "amount", None
    if re.search(r"\bhow (?:long|far|old|tall|high)\b", low):
        return "number", "km" if "how far" in low else None
    if re.search(r"\bhow (?:large|big)\b", low):
        area = re.search(r"\b(?:area|site|land|square)\b", low)
        return ("number", "㎡") if area else ("amount", None)
    if _EN_PERCENT_CUE.search(low):
        return "percent", None
    if re.search(r"\b(?:what|which|on what) (?:date|day|month)\b", low):
        return "date", None
    if re.search(r"\b(?:which|what) (?:years|period|periods|time period)\b", low):
        return "date", None
    if re.search(r"\b(?:what|which) year\b|\bwhen\b", low):
        return ("date", None) if re.search(r"\b(?:date|day|month)\b", low) else ("year", None)

    wh = re.search(r"\b(?:which|what)\b", low)
    head, plural = _en_head(_en_words(low[wh.end() :])) if wh else (None, False)
    if _EN_LIST.search(low) or (plural and head not in {*_EN_TIME, *_EN_AMOUNT, *_EN_PERCENT}):
        return "list", None
    if _EN_REASON.search(low):
        return "reason", None
    if re.search(r"\bwhat (?:is|are|was|were) .+ (?:called|known as)\b", low):
        return "entity", None  # a naming question: the term is the answer
    if _EN_DEFINITION.search(low):
        return "definition", None
    if re.search(r"\bwho(?:m)?\b", low):
        return "person", None
    if head == "name" and (of := re.search(r"\bname of (?:the |a |an )?(.*)", low)):
        inner, _ = _en_head(_en_words(of.group(1)))
        typed = _en_head_type(inner, False, low) if inner else None
        named = typed is not None and typed[0] in {"organization", "place", "person"}
        return typed if named and typed else ("entity", None)
    if head is not None:
        return _en_head_type(head, plural, low)
    if re.search(r"\bwhere\b|\b(?:located|headquartered|based) (?:in|at)\b", low):
        return "place", None
    if re.match(r"what (?:is|are) (?:an? |the )?[\w\s'-]+\??$", low) and len(words) <= 6:
        return "definition", None
    if wh:
        return "entity", None
    return "unknown", None


def _english_keywords(text: str) -> list[str]:
    words, previous = [], ""
    for raw in re.findall(r"\w+(?:[-'’.]\w+)*", text.replace("'s ", " ").replace("’s ", " ")):
        raw = raw.rstrip(".")
        # Acronyms keep their case: "MIT" is not the word "mit", and passages write them so.
        word = raw if len(raw) > 1 and raw.isupper() else raw.lower()
        # "what year" / "which date" name the answer slot, not something the passage mentions.
        slot = (previous in {"what", "which"} and word in {"year", "years", "date", "day"}) or (
            previous == "how" and word in {"long", "large", "big", "far", "old"}
        )
        if word not in _EN_STOP and not slot:
            words.append(word)
        previous = word
    return list(dict.fromkeys(words))
