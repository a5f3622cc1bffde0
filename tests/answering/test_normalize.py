"""Korean value normalisation: quantities, answer equality, entity keys and KorQuAD's metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterqa.answering.normalize import (
    Quantity,
    answers_equal,
    entity_key,
    find_quantities,
    normalize_answer,
    parse_quantity,
    squad_exact_match,
    squad_f1,
    squad_normalize,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

# (text, kind, value, unit, approximate, bound, matched text): `text` holds exactly one quantity.
SINGLE = [
    # amounts: Korean scale words, currencies before and after, English scale words
    ("1.55조 달러", "amount", 1.55e12, "USD", False, None, "1.55조 달러"),
    ("약 310억 달러", "amount", 3.1e10, "USD", True, None, "약 310억 달러"),
    ("3억 2천 달러", "amount", 3.2e8, "USD", False, None, "3억 2천 달러"),
    ("약 3억 2천만 달러", "amount", 3.2e8, "USD", True, None, "약 3억 2천만 달러"),
    ("4,975억원", "amount", 4.975e11, "KRW", False, None, "4,975억원"),
    ("1천 150억원", "amount", 1.15e11, "KRW", False, None, "1천 150억원"),
    ("1388억원", "amount", 1.388e11, "KRW", False, None, "1388억원"),
    ("6114 억 원", "amount", 6.114e11, "KRW", False, None, "6114 억 원"),
    ("1조 5,500억 달러", "amount", 1.55e12, "USD", False, None, "1조 5,500억 달러"),
    ("1조5506억원", "amount", 1.5506e12, "KRW", False, None, "1조5506억원"),
    ("1조 5,506억원", "amount", 1.5506e12, "KRW", False, None, "1조 5,506억원"),
    ("약 13조2000억원", "amount", 1.32e13, "KRW", True, None, "약 13조2000억원"),
    ("1억 8,000만 원", "amount", 1.8e8, "KRW", False, None, "1억 8,000만 원"),
    ("2억 5천만 달러", "amount", 2.5e8, "USD", False, None, "2억 5천만 달러"),
    ("20억 달러", "amount", 2e9, "USD", False, None, "20억 달러"),
    ("35백만 유로 규모", "amount", 3.5e7, "EUR", False, None, "35백만 유로"),
    ("5,700만 유로", "amount", 5.7e7, "EUR", False, None, "5,700만 유로"),
    ("S$5,000,000을 투자", "amount", 5e6, "SGD", False, None, "S$5,000,000"),
    ("S$5 million", "amount", 5e6, "SGD", False, None, "S$5 million"),
    ("$319.65 million", "amount", 3.1965e8, "USD", False, None, "$319.65 million"),
    ("US$ 2.5 billion", "amount", 2.5e9, "USD", False, None, "US$ 2.5 billion"),
    ("$1 billion", "amount", 1e9, "USD", False, None, "$1 billion"),
    ("3.5 BILLION USD", "amount", 3.5e9, "USD", False, None, "3.5 BILLION USD"),
    ("USD 5 million", "amount", 5e6, "USD", False, None, "USD 5 million"),
    ("$2.4bn", "amount", 2.4e9, "USD", False, None, "$2.4bn"),
    ("1.55 trillion dollars", "amount", 1.55e12, "USD", False, None, "1.55 trillion dollars"),
    ("5,000,000 Singapore dollars", "amount", 5e6, "SGD", False, None,
     "5,000,000 Singapore dollars"),
    ("9 billion won", "amount", 9e9, "KRW", False, None, "9 billion won"),
    ("€ 40 million", "amount", 4e7, "EUR", False, None, "€ 40 million"),
    ("£3.2 billion", "amount", 3.2e9, "GBP", False, None, "£3.2 billion"),
    ("100억 엔", "amount", 1e10, "JPY", False, None, "100억 엔"),
    ("10억 싱가포르 달러", "amount", 1e9, "SGD", False, None, "10억 싱가포르 달러"),
    ("만 원", "amount", 1e4, "KRW", False, None, "만 원"),
    ("약 1천억 원의 예산", "amount", 1e11, "KRW", True, None, "약 1천억 원"),
    ("1,000억 원 이상", "amount", 1e11, "KRW", False, "min", "1,000억 원 이상"),
    ("5억 달러 가량", "amount", 5e8, "USD", True, None, "5억 달러 가량"),
    ("최대 5억 원", "amount", 5e8, "KRW", False, "max", "최대 5억 원"),
    ("3조원정도가 투입", "amount", 3e12, "KRW", True, None, "3조원정도"),
    ("5조원이상의 부가가치", "amount", 5e12, "KRW", False, "min", "5조원이상"),
    # percents
    ("13.96%로 성장", "percent", 13.96, "%", False, None, "13.96%"),
    ("1.3 %", "percent", 1.3, "%", False, None, "1.3 %"),
    ("15퍼센트", "percent", 15.0, "%", False, None, "15퍼센트"),
    ("13%p가 줄었다", "percent", 13.0, "%p", False, None, "13%p"),
    ("2.5%포인트", "percent", 2.5, "%p", False, None, "2.5%포인트"),
    ("약 10%", "percent", 10.0, "%", True, None, "약 10%"),
    ("20% 미만", "percent", 20.0, "%", False, "max", "20% 미만"),
    # years and decades
    ("2016년", "year", 2016.0, None, False, None, "2016년"),
    ("2016년도 예산", "year", 2016.0, None, False, None, "2016년도"),
    ("2016", "year", 2016.0, None, False, None, "2016"),
    ("1636년 설립", "year", 1636.0, None, False, None, "1636년"),
    ("'21년", "year", 2021.0, None, False, None, "'21년"),
    ("’98년도", "year", 1998.0, None, False, None, "’98년도"),
    ("2007년도 하반기", "year", 2007.0, None, False, None, "2007년도"),
    ("in 1985 as a", "year", 1985.0, None, False, None, "1985"),
    ("80년대", "decade", 1980.0, None, False, None, "80년대"),
    ("70년대부터", "decade", 1970.0, None, False, None, "70년대"),
    ("1980년대 즈음", "decade", 1980.0, None, False, None, "1980년대"),
    ("'70년대", "decade", 1970.0, None, False, None, "'70년대"),
    ("2000년대", "decade", 2000.0, None, False, None, "2000년대"),
    # dates
    ("2023. 5. 15.", "date", 20230515.0, None, False, None, "2023. 5. 15."),
    ("2023년 5월 15일", "date", 20230515.0, None, False, None, "2023년 5월 15일"),
    ("2023년 12월 06일", "date", 20231206.0, None, False, None, "2023년 12월 06일"),
    ("2023-05-15", "date", 20230515.0, None, False, None, "2023-05-15"),
    ("2006.01.30", "date", 20060130.0, None, False, None, "2006.01.30"),
    ("2006.7", "date", 20060700.0, None, False, None, "2006.7"),
    ("2018년 3월에는", "date", 20180300.0, None, False, None, "2018년 3월"),
    ("같은 해 5월에", "date", 500.0, None, False, None, "5월"),
    ("('21.12월 기준)", "date", 20211200.0, None, False, None, "'21.12월"),
    # durations
    ("5년", "duration", 5.0, "년", False, None, "5년"),
    ("76년", "duration", 76.0, "년", False, None, "76년"),
    ("5년 연속", "duration", 5.0, "년", False, None, "5년 연속"),
    ("10년간", "duration", 10.0, "년", False, None, "10년간"),
    ("10년 정도", "duration", 10.0, "년", True, None, "10년 정도"),
    ("최소 10여 년이 걸리는", "duration", 10.0, "년", True, "min", "최소 10여 년"),
    ("10개월", "duration", 10.0, "개월", False, None, "10개월"),
    ("9개월간 시장조사", "duration", 9.0, "개월", False, None, "9개월간"),
    ("두 달", "duration", 2.0, "개월", False, None, "두 달"),
    ("5일간의 캠프", "duration", 5.0, "일", False, None, "5일간"),
    ("평균 한 시간 이상", "duration", 1.0, "시간", False, "min", "한 시간 이상"),
    ("30분 남짓", "duration", 30.0, "분", True, None, "30분 남짓"),
    ("over 10 years", "duration", 10.0, "년", False, "min", "over 10 years"),
    # areas
    ("1백만㎡", "area", 1e6, "m2", False, None, "1백만㎡"),
    ("42,500,000m²", "area", 4.25e7, "m2", False, None, "42,500,000m²"),
    ("263,000m²", "area", 2.63e5, "m2", False, None, "263,000m²"),
    ("263,000 m2 of space", "area", 2.63e5, "m2", False, None, "263,000 m2"),
    ("약 198만m²", "area", 1.98e6, "m2", True, None, "약 198만m²"),
    ("approximately 1.98 million m2", "area", 1.98e6, "m2", True, None,
     "approximately 1.98 million m2"),
    ("12.8km²", "area", 12.8, "km2", False, None, "12.8km²"),
    ("3150평의 부지", "area", 3150.0, "pyeong", False, None, "3150평"),
    ("약 333천평", "area", 333000.0, "pyeong", True, None, "약 333천평"),
    ("14만평부지", "area", 1.4e5, "pyeong", False, None, "14만평"),
    ("50 ha", "area", 50.0, "ha", False, None, "50 ha"),
    # ages
    ("39세 때", "age", 39.0, "세", False, None, "39세"),
    ("13살의 소년", "age", 13.0, "세", False, None, "13살"),
    # lengths and weights, in the unit written
    ("총 길이 16km의 다리", "length", 16.0, "km", False, None, "16km"),
    ("약 1,500미터", "length", 1500.0, "m", True, None, "약 1,500미터"),
    ("2 meters wide", "length", 2.0, "m", False, None, "2 meters"),
    ("연간 2만 톤", "weight", 2e4, "t", False, None, "2만 톤"),
    ("20 kg", "weight", 20.0, "kg", False, None, "20 kg"),
    # counts
    ("110억 회", "count", 1.1e10, "회", False, None, "110억 회"),
    ("약 5,000명", "count", 5000.0, "명", True, None, "약 5,000명"),
    ("2,461명", "count", 2461.0, "명", False, None, "2,461명"),
    ("연간 2000명", "count", 2000.0, "명", False, None, "2000명"),
    ("4천 632명", "count", 4632.0, "명", False, None, "4천 632명"),
    ("1만 8,759명과", "count", 18759.0, "명", False, None, "1만 8,759명"),
    ("1만9천명", "count", 19000.0, "명", False, None, "1만9천명"),
    ("약 5만 6천 명에", "count", 56000.0, "명", True, None, "약 5만 6천 명"),
    ("약 70여 명", "count", 70.0, "명", True, None, "약 70여 명"),
    ("106,000명 이상", "count", 106000.0, "명", False, "min", "106,000명 이상"),
    ("295개사", "count", 295.0, "개사", False, None, "295개사"),
    ("6개의 병원", "count", 6.0, "개", False, None, "6개"),
    ("19개 대학", "count", 19.0, "개", False, None, "19개"),
    ("1만 2천 개", "count", 12000.0, "개", False, None, "1만 2천 개"),
    ("20여 개", "count", 20.0, "개", True, None, "20여 개"),
    ("8만여개", "count", 80000.0, "개", True, None, "8만여개"),
    ("1,100여개 기업", "count", 1100.0, "개", True, None, "1,100여개"),
    ("825개 이상의", "count", 825.0, "개", False, "min", "825개 이상"),
    ("약 20개 가까운", "count", 20.0, "개", True, None, "약 20개 가까운"),
    ("13위", "count", 13.0, "위", False, None, "13위"),
    ("세계2위의", "count", 2.0, "위", False, None, "2위"),
    ("세 곳의", "count", 3.0, "곳", False, None, "세 곳"),
    ("여섯 개", "count", 6.0, "개", False, None, "여섯 개"),
    ("열두 명", "count", 12.0, "명", False, None, "열두 명"),
    ("스무 곳", "count", 20.0, "곳", False, None, "스무 곳"),
    ("세 가지 분류", "count", 3.0, "가지", False, None, "세 가지"),
    ("이천 명", "count", 2000.0, "명", False, None, "이천 명"),
    ("삼십오 명", "count", 35.0, "명", False, None, "삼십오 명"),
    ("천 명", "count", 1000.0, "명", False, None, "천 명"),
    ("14개소", "count", 14.0, "개소", False, None, "14개소"),
    ("20개국", "count", 20.0, "개국", False, None, "20개국"),
    ("1,050건 특허", "count", 1050.0, "건", False, None, "1,050건"),
    ("18만건 이상", "count", 1.8e5, "건", False, "min", "18만건 이상"),
    ("총 47종", "count", 47.0, "종", False, None, "47종"),
    ("월 1회 정기모임", "count", 1.0, "회", False, None, "1회"),
    ("500병상", "count", 500.0, "병상", False, None, "500병상"),
    ("9,200베드", "count", 9200.0, "병상", False, None, "9,200베드"),
    # multiples and plain numbers
    ("2.5배", "multiple", 2.5, "배", False, None, "2.5배"),
    ("약 3배 이상", "multiple", 3.0, "배", True, "min", "약 3배 이상"),
    ("42,500,000", "number", 4.25e7, None, False, None, "42,500,000"),
    ("1.55조", "number", 1.55e12, None, False, None, "1.55조"),
    ("1억 8천", "number", 1.8e8, None, False, None, "1억 8천"),
    ("1억 8천이고", "number", 1.8e8, None, False, None, "1억 8천"),
    ("Over 20", "number", 20.0, None, False, "min", "Over 20"),
    ("Phase 3", "number", 3.0, None, False, None, "3"),
    ("30억 가까이", "number", 3e9, None, True, None, "30억 가까이"),
    ("2006.75", "number", 2006.75, None, False, None, "2006.75"),
    ("1,998", "number", 1998.0, None, False, None, "1,998"),
    ("less than 5", "number", 5.0, None, False, "max", "less than 5"),
]  # fmt: skip

# (text, [(kind, value, unit, matched text), ...]) for texts with several quantities or none.
MULTI = [
    ("2016년부터 7년간", [("year", 2016.0, None, "2016년"), ("duration", 7.0, "년", "7년간")]),
    ("2000–2005", [("year", 2000.0, None, "2000"), ("year", 2005.0, None, "2005")]),
    ("2000 to 2005", [("year", 2000.0, None, "2000"), ("year", 2005.0, None, "2005")]),
    ("2016~2018년", [("year", 2016.0, None, "2016"), ("year", 2018.0, None, "2018년")]),
    ("20~30년", [("duration", 20.0, "년", "20"), ("duration", 30.0, "년", "30년")]),
    ("1위와 2위", [("count", 1.0, "위", "1위"), ("count", 2.0, "위", "2위")]),
    ("약 8~12 개월", [("duration", 8.0, "개월", "약 8"), ("duration", 12.0, "개월", "12 개월")]),
    ("8–12개월 정도", [("duration", 8.0, "개월", "8"), ("duration", 12.0, "개월", "12개월 정도")]),
    ("2~3억 정도", [("number", 2e8, None, "2"), ("number", 3e8, None, "3억 정도")]),
    ("3~5억 원", [("amount", 3e8, "KRW", "3"), ("amount", 5e8, "KRW", "5억 원")]),
    ("3~5%", [("percent", 3.0, "%", "3"), ("percent", 5.0, "%", "5%")]),
    (
        "2022년 4월 18일부터 10월 25일까지",
        [("date", 20220418.0, None, "2022년 4월 18일"), ("date", 20221025.0, None, "10월 25일")],
    ),
    (
        "2022.04.18.~2022.10.25.",
        [("date", 20220418.0, None, "2022.04.18."), ("date", 20221025.0, None, "2022.10.25.")],
    ),
    (
        "약 1시간 30분 정도",
        [("duration", 1.0, "시간", "약 1시간"), ("duration", 30.0, "분", "30분 정도")],
    ),
    ("2016. 3개 기관", [("year", 2016.0, None, "2016"), ("count", 3.0, "개", "3개")]),
    (
        "클러스터 전략, 2006.7. 8)",  # a footnote mark after a year-month
        [("date", 20060700.0, None, "2006.7"), ("number", 8.0, None, "8")],
    ),
    (
        "매출 524억원, 고용 1,056명",
        [("amount", 5.24e10, "KRW", "524억원"), ("count", 1056.0, "명", "1,056명")],
    ),
    (
        "'20년 매출액 524억원",
        [("year", 2020.0, None, "'20년"), ("amount", 5.24e10, "KRW", "524억원")],
    ),
    ("13.96% (13위)", [("percent", 13.96, "%", "13.96%"), ("count", 13.0, "위", "13위")]),
    ("1,000, 2,000", [("number", 1000.0, None, "1,000"), ("number", 2000.0, None, "2,000")]),
    # words that start like numbers or units
    ("자금 조달 때문", []),
    ("조건을 제시", []),
    ("세종: 국토연구원", []),
    ("이천 공장", []),
    ("백신 개발", []),
    ("COVID-19", []),
    ("IL-6", []),
    ("5G 네트워크", []),
    ("만원 버스", []),
    ("3M 회사", []),  # a company, not three metres
    ("3세대 이동통신", [("number", 3.0, None, "3")]),  # a generation, not an age
    ("21세기", [("number", 21.0, None, "21")]),
    ("10 MW", [("power", 10.0, "MW", "10 MW")]),  # power, not ten metres
    ("10 백신", [("number", 10.0, None, "10")]),
    ("3개발", [("number", 3.0, None, "3")]),
    ("5 평가", [("number", 5.0, None, "5")]),
    ("3분의 1", [("number", 3.0, None, "3"), ("number", 1.0, None, "1")]),
    ("계약 5건", [("count", 5.0, "건", "5건")]),
    ("만 5세 이상", [("age", 5.0, "세", "5세 이상")]),
    ("47\n억 원", [("number", 47.0, None, "47")]),
    ("하나만 있다", []),
    ("", []),
    ("약물 5mg", [("weight", 5.0, "mg", "5mg")]),
    # technical units by their symbols, as written
    ("128MB 이상", [("data", 128.0, "MB", "128MB 이상")]),
    ("속도 300 Mbps", [("rate", 300.0, "Mbps", "300 Mbps")]),
    ("2.4GHz 대역", [("frequency", 2.4, "GHz", "2.4GHz")]),
    ("3,000mAh 배터리", [("charge", 3000.0, "mAh", "3,000mAh")]),
    ("연간 5kWh", [("energy", 5.0, "kWh", "5kWh")]),
    ("주사액 2.5 mL", [("volume", 2.5, "mL", "2.5 mL")]),
    ("삼천리", []),
    ("10년 만에", [("duration", 10.0, "년", "10년")]),
    ("일본 5개 지역", [("count", 5.0, "개", "5개")]),
]  # fmt: skip


def _check_spans(text: str, found: list[Quantity]) -> None:
    at = 0
    for q in found:
        assert q.text == text[q.start : q.end]
        assert at <= q.start < q.end
        at = q.end


@pytest.mark.parametrize(("text", "kind", "value", "unit", "approx", "bound", "matched"), SINGLE)
def test_single_quantity(
    text: str,
    kind: str,
    value: float,
    unit: str | None,
    approx: bool,
    bound: str | None,
    matched: str,
) -> None:
    found = find_quantities(text)
    _check_spans(text, found)
    assert len(found) == 1, found
    q = found[0]
    assert (q.kind, q.unit, q.approximate, q.bound, q.text) == (kind, unit, approx, bound, matched)
    assert q.value == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(("text", "expected"), MULTI)
def test_quantities_in_text(text: str, expected: list[tuple]) -> None:
    found = find_quantities(text)
    _check_spans(text, found)
    assert [(q.kind, q.unit, q.text) for q in found] == [(k, u, m) for k, _, u, m in expected]
    assert [q.value for q in found] == pytest.approx([v for _, v, _, _ in expected], rel=1e-12)


def test_spans_in_a_sentence() -> None:
    text = "2016년부터 7년간 약 5,000명이 1.55조 달러 규모의 시장(13.96%)에서 일했다."
    found = find_quantities(text)
    _check_spans(text, found)
    assert [q.text for q in found] == ["2016년", "7년간", "약 5,000명", "1.55조 달러", "13.96%"]


@pytest.mark.skipif(not any(CORPUS.glob("*.txt")), reason="bundled corpus not present")
def test_spans_hold_over_the_corpus() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text("utf-8")
        found = find_quantities(text)
        assert found
        _check_spans(text, found)


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("1.55조 달러", "amount", 1.55e12, "USD"),
        ("약 5,000명", "count", 5000.0, "명"),
        ("2016년", "year", 2016.0, None),
        ("13.96%", "percent", 13.96, "%"),
        ("세계2위", "count", 2.0, "위"),
        ("382개의 기업", "count", 382.0, "개"),
        ("제3차 계획 5,000억 원", "amount", 5e11, "KRW"),
        ("Phase 3", "number", 3.0, None),
    ],
)
def test_parse_quantity(text: str, kind: str, value: float, unit: str | None) -> None:
    q = parse_quantity(text)
    assert q is not None
    assert (q.kind, q.unit) == (kind, unit)
    assert q.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["셀트리온", "", "   ", "바이오 클러스터"])
def test_parse_quantity_none(text: str) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    ("text", "answer_type", "expected"),
    [
        ("1.55조 달러", "amount", "1550000000000 USD"),
        ("약 5,000명", "count", "5000 명"),
        ("13.96%", "percent", "13.96 %"),
        ("2016년도", "year", "year:2016"),
        ("76년", "year", "year:1976"),
        ("76년", "number", "76 년"),
        ("80년대", None, "decade:1980"),
        ("2023. 5. 15.", "date", "date:2023-05-15"),
        ("2006.7", "date", "date:2006-07"),
        ("2000–2005", "date", "year:2000~year:2005"),
        ("약 8~12 개월", "number", "8 개월~12 개월"),
        ("한국생명공학연구원(KRIBB)", "organization", "한국생명공학연구원"),
        ("셀트리온", "amount", "셀트리온"),  # a numeric type without a number
        ("2016년에 설립", "year", "year:2016"),
        ("2016년에 설립된 셀트리온", None, "2016년에설립된셀트리온"),
    ],
)
def test_normalize_answer(text: str, answer_type: str | None, expected: str) -> None:
    assert normalize_answer(text, answer_type) == expected


EQUAL = [
    ("1.55조 달러", "1조 5,500억 달러", "amount"),
    ("1.55조 달러", "1.55 trillion dollars", "amount"),
    ("1조5506억원", "1조 5,506억원", "amount"),
    ("1조5506억원", "1조5,506억 원", "amount"),
    ("1조5506억원", "1조 5506억 원", "amount"),
    ("5억 달러", "500 million dollars", "amount"),
    ("10억 달러", "$1 billion", "amount"),
    ("90억원", "9 billion won", "amount"),
    ("S$5,000,000", "S$5 million", "amount"),
    ("S$5,000,000", "5,000,000 Singapore dollars", "amount"),
    ("약 3억 2천 달러", "3억 2천만 달러", "amount"),
    ("1억 8천만 원", "1억 8,000만 원", "amount"),
    ("약 15억 달러", "1.5 billion dollars", "amount"),
    ("약 310억 달러", "310억 달러", None),
    ("13.96%", "13.96 %", "percent"),
    ("15%", "15퍼센트", "percent"),
    ("25%", "연 25%", "percent"),
    ("2016년", "2016", "year"),
    ("2016년", "2016년도", "year"),
    ("2016년", "2016", None),
    ("2016년", "'16년", None),
    ("2016년", "2016년에", None),
    ("1976년", "76년", "year"),
    ("1976", "'76년", None),
    ("70년대", "1970년대", None),
    ("2023. 5. 15.", "2023년 5월 15일", "date"),
    ("2023. 5. 15.", "2023-05-15", "date"),
    ("2023년 12월 06일", "2023년 12월 6일", "date"),
    ("2023년 12월 06일", "2023.12.06", "date"),
    ("2006.7", "2006년 7월", "date"),
    ("2000–2005", "2000-2005", "date"),
    ("2000–2005", "2000 to 2005", "date"),
    ("2022년 4월 18일부터 10월 25일까지", "2022.04.18.~2022.10.25.", "date"),
    ("2022년 4월 18일부터 10월 25일까지", "2022년 4월 18일~10월 25일", "date"),
    ("2007년도 하반기", "2007년 하반기", "date"),
    ("약 5,000명", "5000명", "count"),
    ("약 5,000명", "5,000명", None),
    ("19,000명", "1만9천명", "count"),
    ("1만 2천 개", "12,000개", "count"),
    ("1만 2천 개", "약 1만 2천 개", "count"),
    ("4천 632명", "4,632명", "count"),
    ("1만 8,759명", "18,759명", "count"),
    ("20여 개", "20개 이상", "count"),
    ("8만여개", "약 8만 개", "count"),
    ("연간 2000명", "2,000명", "count"),
    ("382개", "382개의 기업", "count"),
    ("3개", "3개의 병원", "count"),
    ("6개", "여섯 개", "count"),
    ("3곳", "세 곳", "count"),
    ("세계2위", "세계 2위", "number"),
    ("세계2위", "2위", None),
    ("10년", "평균 10년 정도", "number"),
    ("약 8~12 개월", "8-12개월", "number"),
    ("약 8–12개월", "8~12 개월", "number"),
    ("평균 한 시간 이상", "1시간 이상", "number"),
    ("263,000m²", "263000m2", "number"),
    ("263,000m²", "263,000㎡", "number"),
    ("25,885㎡", "25,885 m²", "number"),
    ("3150평", "3,150평", "number"),
    ("1백만㎡", "1,000,000m²", "number"),
    ("MIT", "MIT와", "organization"),
    ("「산업집적활성화법」", "산업집적활성화법", "entity"),
    ("한국생명공학연구원(KRIBB)", "한국생명공학연구원", "organization"),
]

DIFFERENT = [
    ("2016년", "2017년", "year"),
    ("2016년", "2017", None),
    ("1.55조 달러", "1.55조 원", "amount"),
    ("1.55조 달러", "1.55조 달러".replace("1.55", "1.5"), "amount"),
    ("13.96%", "13.96", "percent"),
    ("13.96%", "13.96%p", "percent"),
    ("5년", "5명", None),
    ("5년", "2005년", None),
    ("16년", "2016년", "number"),
    ("2016년", "2016명", None),
    ("2016", "2,016", "number"),
    ("3억 2천 달러", "$319.65 million", "amount"),
    ("118개", "118곳", "count"),
    ("118개", "118", "count"),
    ("80년대", "1980년", None),
    ("2023. 5. 15.", "2023. 5. 16.", "date"),
    ("2006.7", "2006", "date"),
    ("8~12개월", "8개월", "number"),
    ("S$5,000,000", "$5,000,000", "amount"),
    ("1위", "1개", "count"),
    ("셀트리온", "셀트리온 제약", "organization"),
    ("2016년", "2016년에 설립된 셀트리온", None),
]


@pytest.mark.parametrize(("a", "b", "answer_type"), EQUAL)
def test_answers_equal(a: str, b: str, answer_type: str | None) -> None:
    assert answers_equal(a, b, answer_type)
    assert answers_equal(b, a, answer_type)


@pytest.mark.parametrize(("a", "b", "answer_type"), DIFFERENT)
def test_answers_differ(a: str, b: str, answer_type: str | None) -> None:
    assert not answers_equal(a, b, answer_type)
    assert not answers_equal(b, a, answer_type)


@pytest.mark.parametrize(
    ("prediction", "gold", "answer_type"),
    [
        ("16년", "2016년", None),
        ("16년", "2016", "date"),
        ("76년", "1976년", None),
        ("1636", "1636년", None),
    ],
)
def test_a_gold_year_takes_a_short_year(
    prediction: str, gold: str, answer_type: str | None
) -> None:
    # Only one way: a gold "16년" may well be a duration of sixteen years.
    assert answers_equal(prediction, gold, answer_type)
    assert not answers_equal(gold, prediction, answer_type)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MIT와", "mit"),
        ("MIT", "mit"),
        ("ＭＩＴ", "mit"),
        ("KAIST에서는", "kaist"),
        ("「산업집적활성화법」", "산업집적활성화법"),
        ("『생명공학육성법』에", "생명공학육성법"),
        ("“바이오폴리스”", "바이오폴리스"),
        ("'바이오폴리스'를", "바이오폴리스"),
        ("한국생명공학연구원(KRIBB)", "한국생명공학연구원"),
        ("(주)셀트리온", "셀트리온"),
        ("(KRIBB)", "kribb"),
        ("싱가포르 바이오폴리스(A*STAR)가", "싱가포르바이오폴리스"),
        ("셀트리온이", "셀트리온"),
        ("화이자가", "화이자"),
        ("바이오폴리스를", "바이오폴리스"),
        ("한국보건산업진흥원의", "한국보건산업진흥원"),
        ("보건복지부로", "보건복지부"),
        ("오송첨단의료산업진흥재단은", "오송첨단의료산업진흥재단"),
        ("메디컬 클러스터에서는", "메디컬클러스터"),
        ("하버드 의대와", "하버드의대"),
        ("삼성바이오로직스입니다", "삼성바이오로직스"),
        ("대구경북첨단의료산업진흥재단이다.", "대구경북첨단의료산업진흥재단"),
        # nouns that end like particles keep their last syllable
        ("국가", "국가"),
        ("전문가", "전문가"),
        ("결과", "결과"),
        ("대학로", "대학로"),
        ("이", "이"),
        ("A*STAR", "astar"),
        ("R&D", "rd"),
        ("켄달 스퀘어", "켄달스퀘어"),
        ("  Kendall   Square. ", "kendallsquare"),
        ("환경·에너지 분야", "환경에너지분야"),
    ],
)
def test_entity_key(text: str, expected: str) -> None:
    assert entity_key(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("《산업집적활성화법》", "산업집적활성화법"),
        ("〈보고서〉", "보고서"),
        ("'Hello,  World!'", "hello world"),
        ("‘바이오’ (클러스터)", "바이오 클러스터"),
        ("1.55조 달러", "155조 달러"),
        ("「법」", "「법」"),  # the script keeps CJK corner brackets
        ("  A\tB\nC ", "a b c"),
    ],
)
def test_squad_normalize(text: str, expected: str) -> None:
    assert squad_normalize(text) == expected


@pytest.mark.parametrize(
    ("prediction", "truths", "em", "f1"),
    [
        ("1.55조 달러", ["1.55조 달러"], 1.0, 1.0),
        ("《바이오폴리스》", ["바이오폴리스"], 1.0, 1.0),
        ("바이오 폴리스", ["바이오폴리스"], 0.0, 1.0),  # characters, not tokens
        ("한국생명공학연구원", ["한국생명공학연구원(KRIBB)"], 0.0, 18 / 23),
        ("한국생명공학연구원", ["KRIBB", "한국생명공학연구원(KRIBB)"], 0.0, 18 / 23),
        ("가나", ["나가"], 0.0, 1.0),
        ("서울", ["부산"], 0.0, 0.0),
        ("2016년", ["2016년", "2016"], 1.0, 1.0),
        ("2016", ["2016년"], 0.0, 8 / 9),
        ("", [""], 1.0, 0.0),  # the script gives no F1 to an empty match
        ("셀트리온", [], 0.0, 0.0),
    ],
)
def test_korquad_metrics(prediction: str, truths: list[str], em: float, f1: float) -> None:
    assert squad_exact_match(prediction, truths) == em
    assert squad_f1(prediction, truths) == pytest.approx(f1)
