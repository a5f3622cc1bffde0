"""Question analysis: expected answer type and counter, keywords, language and input checks."""

from __future__ import annotations

import pytest

from clusterqa.answering.question import analyze

# (question, answer_type, counter): phrased the way staff ask about the cluster reports.
KOREAN = [
    # a web address asked for, not a page something appeared on
    ("싱가포르 바이오폴리스 자료를 얻은 홈페이지 주소는?", "url", None),
    ("국토연구원의 웹사이트는 무엇인가?", "url", None),
    ("자신의 홈페이지를 통해 탈퇴 소식을 알린 사람은?", "person", None),
    ("공식 웹사이트에 영상이 공개된 날짜는?", "date", None),
    ("본사 사이트는 어디인가?", "place", None),
    # year, and durations counted in years
    ("홍릉강소특구는 몇 년에 지정되었나?", "year", None),
    ("메디콘밸리 아카데미는 몇 년도에 탄생하였는가?", "year", None),
    ("오송생명과학단지는 언제 준공되었나?", "date", None),  # as precisely as the text says
    ("첨단의료복합단지 조성에 들어간 예산은 어느 정도인가?", "amount", None),
    ("입주 기업 수는 어느 정도인가?", "count", "개"),
    ("초대 원장이 취임했을 때의 나이는?", "number", "세"),
    ("창업자는 몇 살에 회사를 세웠나?", "number", "세"),
    ("메디콘밸리 아카데미의 설립연도는?", "year", None),
    ("케임브리지 사이언스 파크는 어느 해에 조성되었는가?", "year", None),
    ("대전 클러스터 형성 과정에서 연구개발특구진흥재단이 출범한 해는 언제인가?", "year", None),
    ("홍릉강소특구 육성사업은 몇 년간 지원되는가?", "number", "년"),
    ("보스턴 클러스터는 GEN 순위에서 몇 년 연속 1위를 차지했나?", "number", "년"),
    ("오창과학산업단지가 지정에서 준공까지 걸린 기간은?", "number", "년"),
    # date
    ("국토정책 Brief No. 916의 발행일은 언제인가?", "date", None),
    ("첨단의료복합단지 선정 결과는 몇 월에 발표되었나?", "date", None),
    ("오송 첨단의료복합단지 기공식은 며칠에 열렸나?", "date", None),
    ("초대 이사장의 서거일은?", "date", None),  # Kiwi reads this 일 as the numeral
    # amount, and areas, which are numbers in ㎡
    ("2023년 기준 전 세계 바이오기술 시장 규모는?", "amount", None),
    ("홍릉강소특구의 2024년 기준 누적 예산 중 국비는 얼마인가?", "amount", None),
    ("충북 바이오산업국의 연간 예산은?", "amount", None),
    ("대구경북첨단의료복합단지의 총 사업비는 얼마인가?", "amount", None),
    ("홍릉펀드의 조성 규모는 얼마인가?", "amount", None),
    ("정부가 2008년까지 시범단지에 투입하기로 한 자금은 몇 억 원인가?", "amount", "원"),
    ("원주의료기기산업기술단지의 부지 면적은 얼마인가?", "number", "㎡"),
    ("오송 첨단의료복합단지의 부지 규모는?", "number", "㎡"),
    ("외레순 다리의 총 길이는 몇 km인가?", "number", "km"),
    # a unit by its symbol; a Latin word that is no unit is what is counted
    ("분석 서버의 메모리는 몇 GB인가?", "number", "GB"),
    ("1회 투여량은 몇 mg인가?", "number", "mg"),
    ("주사 1회 용량은 몇 ml인가?", "number", "mL"),  # the unit as figures carry it
    ("부지 면적은 모두 몇 m²인가?", "number", "㎡"),
    ("클러스터에 몇 CRO 기업이 있는가?", "count", None),
    ("싱가포르에서 신약 허가를 받기까지 걸리는 시간은 대략 얼마인가?", "number", None),
    # count, with the counter the question asks in or implies
    ("대전 바이오단지 내 바이오 기업은 몇 개사인가?", "count", "개사"),
    ("대구경북첨단의료복합단지 입주 기업들의 총 고용 인원은 몇 명인가?", "count", "명"),
    ("싱가포르 바이오폴리스에 입주한 연구소는 몇 곳인가?", "count", "곳"),
    ("대전 유성구의 바이오 벤처 집적시설은 몇 개소인가?", "count", "개소"),
    ("고베의료산업도시에는 2021년 12월 기준 몇 개의 기업이 입주해 있나?", "count", "개"),
    ("보스턴의 NIH 연구비는 서울의 몇 배인가?", "count", "배"),
    ("보스턴 클러스터는 2023년 GEN 순위에서 몇 위를 차지했나?", "count", "위"),
    ("2019년 대전의 바이오헬스산업 종사자 수는?", "count", "명"),
    ("대전 소재 BT 관련 연구원 수는?", "count", "명"),
    ("대전의 바이오 스타트업 수는 얼마나 되나?", "count", "개"),
    ("첨단의료복합단지 조성으로 예상되는 고용 규모는?", "count", "명"),
    ("스웨덴 시스타 사이언스파크에서 일하는 종사자는 모두 몇 명인가?", "count", "명"),
    # percent
    ("한국 생명공학 산업이 글로벌 전체에서 차지하는 몫은 몇 퍼센트 정도인가?", "percent", None),
    ("2023년 벤처캐피털 투자 중 생명과학 분야의 비율은 몇 %인가?", "percent", None),
    ("한국 바이오 산업이 세계 시장에서 차지하는 비중은?", "percent", None),
    ("2024년부터 2030년까지 바이오기술 시장의 연평균 성장률은?", "percent", None),
    # place
    ("홍릉강소특구는 서울특별시의 어느 구 일대에 위치하는가?", "place", None),
    ("NIBRT는 어느 나라에 있는가?", "place", None),
    ("싱가포르 바이오폴리스의 소재지는 어디인가?", "place", None),
    ("메디콘밸리는 어디에 위치하는가?", "place", None),
    ("오창과학산업단지와 오송생명과학단지 중 준공까지 더 오래 걸린 곳은 어디인가?", "place", None),
    ("성장률이 가장 높은 해외 클러스터는 어디인가?", "place", None),
    ("스웨덴 맨 아래쪽 행정구역의 이름은?", "place", None),
    # person
    ("아일랜드 NIBRT의 초대 원장은 누구인가?", "person", None),
    ("케임브리지 대학에 산학협력을 권고한 위원회는 누가 이끌었나?", "person", None),
    ("홍릉 특구 사업단의 단장은?", "person", None),
    # organization: 기업/기관 words beat 어디
    ("보스턴 클러스터의 앵커기업은 어디인가?", "organization", None),
    ("실리콘밸리는 어느 대학을 중심으로 형성되었나?", "organization", None),
    ("홍릉 특구 사업단은 어떤 연구기관 아래 조직으로 편성되어 있나?", "organization", None),
    ("첨단의료복합단지 조성사업을 추진하는 대통령 자문기구는?", "organization", None),
    ("샌프란시스코 베이 지역 클러스터의 출발점이 된 회사는 어디인가?", "organization", None),
    ("두 연구소 중 노벨상 수상자를 더 많이 배출한 곳은 어디인가?", "organization", None),
    ("홍릉강소특구에 입주한 앵커기업으로 언급된 곳은?", "organization", None),
    # entity: laws, programmes, funds, names
    ("신기술 검증 때 규제를 일시적으로 유예해 주는 제도의 이름은?", "entity", None),
    ("보스턴 클러스터 지원을 위해 2008년 제정된 법은 무엇인가?", "entity", None),
    ("홍릉강소특구 관련 법률은 무엇인가?", "entity", None),
    ("원주 의료기기 산업이 강점을 가진 분야는 무엇인가?", "entity", None),
    ("해외진출 가능모델 4가지 유형 중 연구중심형은 어느 유형의 사례인가?", "entity", None),
    # definition
    ("레드 바이오란 무엇인가?", "definition", None),
    ("바이오클러스터의 정의는 무엇인가?", "definition", None),
    ("화이트 바이오는 어떤 분야를 가리키는가?", "definition", None),
    # naming: the description is given, the term is asked for
    ("해외 생산시설을 자국으로 되돌리는 흐름을 무엇이라고 부르는가?", "entity", None),
    ("병원을 중심으로 형성된 클러스터를 무엇이라 하나?", "entity", None),
    ("규제 특례를 일정 기간 유예하는 제도를 일컫는 말은?", "entity", None),
    ("해외 연구자들은 메디콘밸리를 뭐라고 불렀는가?", "entity", None),  # whoever calls it
    # A participle leaves the topic to say what is asked.
    ("바이오 클러스터의 아버지라고 불리는 사람은?", "person", None),
    # reason
    ("메디콘밸리가 형성된 배경은 무엇인가?", "reason", None),
    ("대전 바이오 기업들이 수도권으로 이전하는 이유는?", "reason", None),
    ("왜 한국 바이오 클러스터는 물리적 공간 조성에 편중되었나?", "reason", None),
    ("연구자의 노하우를 외부에 넘기기 어려운 까닭은 무엇인가?", "reason", None),
    # A figure word inside the clause does not ask for the figure: the topic is a reason.
    ("바이오 기업 몇 곳이 대전을 떠난 이유는 무엇인가?", "reason", None),
    ("예산을 얼마나 늘려야 하는지 판단한 근거와 목적은?", "reason", None),
    ("샌디에고의 CONNECT는 몇 년에 창립되었나? 산학 협동을 목적으로 한다.", "year", None),
    # A reason or definition word before a topic that names another thing asks for that thing.
    ("바이오 클러스터 쇠퇴의 원인을 지적한 연구자는?", "person", None),
    ("메디콘밸리 조성의 배경이 된 사건은?", "entity", None),
    ("오픈 이노베이션을 목적으로 설립된 기관의 이름은?", "organization", None),
    ("클러스터의 개념이 처음 쓰인 나라는?", "place", None),
    ("역사 왜곡에 대응해 정부가 세운 기관은?", "organization", None),  # 왜곡 is no 왜
    # list
    ("충북이 식약처와 연계하여 육성해야 할 기관을 모두 나열하시오.", "list", None),
    ("메디콘밸리 성공 요인 세 가지는 무엇인가?", "list", None),
    ("미국 BHCR은 어느 3개 주에 걸쳐 형성되어 있는가?", "list", None),
    ("홍릉강소특구에 입주한 앵커기업들은 어디인가?", "list", None),
    ("보스턴과 케임브리지의 대표 대학은 각각 어디인가?", "list", None),
    ("충북과 대전이 모두 무엇을 유치하려 하는가?", "list", None),
    # Nor does a count in the clause before a topic that names a thing; 몇몇 is "some".
    ("입주 기업 몇 천 곳이 모인 단지는?", "place", None),
    ("몇몇 기업이 이전한 도시는 어디인가?", "place", None),
    # 얼마 not as the predicate still measures the topic.
    ("바이오헬스 수출 증가율은 얼마를 기록하였는가?", "percent", None),
    # A choice among counted things asks for one of them.
    ("해외진출의 세 가지 유형 중 가장 많이 쓰인 유형은?", "entity", None),
    ("충북 오송을 바이오 거점으로 키운 이들은?", "entity", None),  # 이들: whoever it was
    ("바이오 기업 대표들이 무슨 날을 창립일로 삼았나?", "entity", None),  # a named day
    ("바이오 기업 대표들이 어느 날 모였나?", "date", None),
    # 모두 meaning "all" asks for one thing.
    ("세 후보가 모두 공약으로 내세운 정책은 무엇인가?", "entity", None),
    ("다른 모든 후보에게 모두 지는 후보를 부르는 명칭은?", "entity", None),
    # unknown
    ("홍릉강소특구에 대해 설명해 주세요.", "unknown", None),
]

ENGLISH = [
    ("How many researchers work at the Daejeon bio complex?", "count", "명"),
    ("How many people per year does NIBRT train?", "count", "명"),
    ("How many companies are located in the Kobe Biomedical Innovation Cluster?", "count", "개사"),
    ("How many hospitals in Boston rank among the top five NIH-funded hospitals?", "count", "개"),
    ("How many sites does the Daegu cluster have?", "count", "곳"),
    ("How many times did Boston top the GEN ranking?", "count", "회"),
    ("How many times larger is Boston's NIH funding than Seoul's?", "count", "배"),
    ("How many years did it take to complete the Osong complex?", "number", "년"),
    ("How long does drug approval take in Singapore?", "number", None),
    ("What was the number of employees at Biopolis in 2020?", "count", "명"),
    ("When was MassBio founded?", "year", None),
    ("In what year did the Øresund Bridge open?", "year", None),
    ("On what date was the KRIHS brief published?", "date", None),
    ("In which years did Phase 1 of Biopolis take place?", "date", None),
    ("How much did the ministry spend on the Techno Tower in 2003?", "amount", None),
    ("What was the total budget of the Massachusetts Life Sciences Initiative?", "amount", None),
    ("What is the average site area of a bio-health business in Chungbuk?", "number", "㎡"),
    ("What share of Korean venture capital went to life sciences in 2023?", "percent", None),
    ("What percentage of the global biotech market does Korea hold?", "percent", None),
    ("Where is Biopolis located?", "place", None),
    ("Which city hosts the life science cluster around MIT and Harvard?", "place", None),
    ("Which French innovation cluster does the article list too?", "place", None),
    ("Who was the first director of NIBRT?", "person", None),
    ("Which Nobel physics laureate led the 1969 committee at Cambridge?", "person", None),
    ("Which non-profit was founded in 1985 to support Boston biotech?", "organization", None),
    ("Which university is Silicon Valley centred on?", "organization", None),
    ("Which institution relocated to Chungbuk Innovation City in 2019?", "organization", None),
    ("Which law secured $1 billion for Massachusetts life sciences?", "entity", None),
    ("What is the name of the fund run by the Hongneung special zone?", "entity", None),
    ("What is that report's title?", "entity", None),
    ("What is a biocluster?", "definition", None),
    ("What does BHCR stand for?", "definition", None),
    ("What is the return of factories to their home country called?", "entity", None),
    ("Why did Medicon Valley emerge?", "reason", None),
    ("What was the main reason for the decline of the old industrial estates?", "reason", None),
    ("List the government bodies that served as the initial hub of the BHCR.", "list", None),
    ("Which government bodies served as the initial hub of the BHCR?", "list", None),
    ("What are the three types of bio industry?", "list", None),
    ("Tell me about the Boston cluster.", "unknown", None),
    # a web address asked for, not a page something appeared on
    ("What is the URL of the Massachusetts Biotechnology Council?", "url", None),
    ("Which website did the study use for the Boston cluster?", "url", None),
    ("What did the website of the council announce in 2020?", "entity", None),
]

WH_WORDS = {
    "무엇", "어디", "언제", "얼마", "얼마나", "몇", "누구", "누가", "왜", "어느", "어떤", "무슨",
    "what", "which", "who", "when", "where", "why", "how", "many", "much",
}  # fmt: skip


def test_tables_are_large_enough() -> None:
    assert len(KOREAN) >= 40
    assert len(ENGLISH) >= 20


@pytest.mark.parametrize(("question", "answer_type", "counter"), KOREAN + ENGLISH)
def test_answer_type_and_counter(question: str, answer_type: str, counter: str | None) -> None:
    info = analyze(question)
    assert (info.answer_type, info.counter) == (answer_type, counter)


@pytest.mark.parametrize("question", [q for q, _, _ in KOREAN + ENGLISH])
def test_keywords_never_hold_wh_words(question: str) -> None:
    keywords = analyze(question).keywords
    assert keywords
    assert not set(keywords) & WH_WORDS
    assert len(keywords) == len(set(keywords))


def test_korean_keywords_keep_content_words_and_acronyms() -> None:
    keywords = analyze("MIT와 하버드가 있는 보스턴 클러스터의 앵커기업은 어디인가?").keywords
    assert {"MIT", "하버드", "보스턴", "클러스터", "앵커", "기업"} <= set(keywords)
    assert "어디" not in keywords


def test_korean_keywords_drop_counters_and_endings() -> None:
    keywords = analyze("홍릉강소특구는 몇 년에 지정되었나?").keywords
    assert keywords == ["홍릉강소특구", "지정"]


def test_korean_keywords_keep_numbers_and_verb_stems() -> None:
    keywords = analyze("2023년 기준 미국 BHCR에서 일하는 연구자는 몇 명인가?").keywords
    assert {"2023", "기준", "미국", "BHCR", "연구자"} <= set(keywords)
    assert "일하" in keywords or "일" in keywords


def test_english_keywords_are_lower_cased_except_acronyms() -> None:
    keywords = analyze("Which institution does MIT partner with in the BHCR?").keywords
    assert keywords == ["institution", "MIT", "partner", "BHCR"]


def test_english_keywords_drop_stop_words_and_answer_slot() -> None:
    keywords = analyze("In what year was MassBio established?").keywords
    assert keywords == ["massbio", "established"]


def test_language_follows_hangul() -> None:
    assert analyze("홍릉강소특구는 어디에 있나?").language == "ko"
    assert analyze("Where is Biopolis located?").language == "en"


def test_english_question_with_korean_gloss_uses_english_rules() -> None:
    info = analyze("Which institution relocated to Chungbuk Innovation City (충북혁신도시)?")
    assert info.language == "ko"
    assert info.answer_type == "organization"
    assert "충북혁신도시" in info.keywords


def test_korean_question_with_english_names_uses_korean_rules() -> None:
    info = analyze(
        "Genetic Engineering and Biotechnology News(GEN)가 선정한 1위 클러스터는 어디인가?"
    )
    assert info.answer_type == "place"
    assert "and" not in info.keywords


def test_text_is_whitespace_normalised() -> None:
    assert (
        analyze("  홍릉강소특구는\n 언제   지정되었나? ").text == "홍릉강소특구는 언제 지정되었나?"
    )


@pytest.mark.parametrize("question", ["", "   ", "\n\t "])
def test_empty_question_is_rejected(question: str) -> None:
    with pytest.raises(ValueError):
        analyze(question)
