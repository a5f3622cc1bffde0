"""Phrase spans on real corpus sentences: names, lists, definitions, reasons."""

from clusterqa.answering.phrases import definitions, lists, noun_runs, reasons


def _texts(sentence: str, spans: list[tuple[int, int]]) -> list[str]:
    return [sentence[s:e] for s, e in spans]


def test_noun_runs_are_names_unless_terms_are_asked_for():
    sentence = "실증특례 제도를 활용하는 서울 홍릉강소특구"
    assert _texts(sentence, noun_runs(sentence)) == ["서울 홍릉강소특구"]
    assert "실증특례 제도" in _texts(sentence, noun_runs(sentence, named_only=False))


def test_a_list_is_one_span_and_glosses_do_not_split_it():
    sentence = (
        "국립보건원(National Institutes of Health, NIH), 식품의약국(Food and Drug "
        "Administration, FDA), 국립암연구소(National Cancer Institute, NCI) 등 70여 개의 연방기관"
    )
    assert _texts(sentence, lists(sentence)) == [
        "국립보건원(National Institutes of Health, NIH), 식품의약국(Food and Drug "
        "Administration, FDA), 국립암연구소"
    ]
    sentence = "특히 스웨덴 왕립 공대와 스톡홀름 대학은 90년대 말 IT 대학을 공동 설립해"
    assert "스웨덴 왕립 공대와 스톡홀름 대학" in _texts(sentence, lists(sentence))


def test_a_definition_follows_the_defined_word():
    sentence = "- 바이오클러스터 : 대학과 연구소가 클러스터의 중심으로 연계가 이뤄지는 구조"
    start = sentence.index("바이오클러스터")
    at = {"바이오클러스터": [(start, start + len("바이오클러스터"))]}
    assert _texts(sentence, definitions(sentence, at)) == [
        "대학과 연구소가 클러스터의 중심으로 연계가 이뤄지는 구조"
    ]
    sentence = "메디클러스터란 의료기관을 중심으로 형성된 의료집적단지를 말한다."
    assert _texts(sentence, definitions(sentence, {})) == [
        "의료기관을 중심으로 형성된 의료집적단지"
    ]


def test_a_reason_ends_at_its_causal_ending():
    sentence = (
        "사무소 위주로 운영되고 있으며 인력이 상주하지 않아 클러스터 내 입주기업과의 "
        "상시 교류가 어렵다."
    )
    assert _texts(sentence, reasons(sentence)) == ["인력이 상주하지 않아"]
    # A report's label opening the statement is no part of it.
    sentence = "- (CONNECT) 산·학 협동을 목적으로 1985년에 창립한 비영리 자립 조직으로"
    assert _texts(sentence, reasons(sentence)) == ["산·학 협동"]
    # 설립하여 is a sequence and 위해서 a purpose, not a cause.
    sentence = "연구회를 설립하여 기업을 유치하기 위해서 노력했다."
    assert reasons(sentence) == []
    # 대해서 and 통해서 make postpositions: a topic and a means.
    sentence = "정부는 입주 기업에 대해서 세제 혜택을 주고 공모를 통해서 선정했다."
    assert reasons(sentence) == []


def test_a_reason_starts_after_its_topic_when_the_question_names_it():
    sentence = "소특구 내 병원은 그러한 환경이 조성되어 있지 않아 새로운 기술에 대한 실증이 어렵다."
    assert _texts(sentence, reasons(sentence)) == [
        "소특구 내 병원은 그러한 환경이 조성되어 있지 않아"
    ]
    start = sentence.index("병원")
    assert _texts(sentence, reasons(sentence, [(start, start + 2)])) == [
        "그러한 환경이 조성되어 있지 않아"
    ]
    # Only a question word: the topic of another noun stays.
    other = sentence.index("환경")
    assert _texts(sentence, reasons(sentence, [(other, other + 2)]))[0].startswith("소특구")


def _at(sentence: str, *words: str) -> list[tuple[int, int]]:
    return [(sentence.index(w), sentence.index(w) + len(w)) for w in words]


def test_a_noun_with_its_cause_particle_is_the_reason():
    # Asked what delayed the works: the noun 으로 인해 stands for, not the clause around it.
    sentence = "2019년 태풍으로 인해 오송 단지 공사가 지연되었다."
    assert _texts(sentence, reasons(sentence)) == ["태풍"]
    # Or the asked event follows in its clause: 으로 gives its cause.
    sentence = "1차 단지는 예산 부족으로 2년 뒤 착공이 연기되었으며, 2차 단지는 준공되었다."
    assert _texts(sentence, reasons(sentence, _at(sentence, "연기"))) == ["예산 부족"]
    # Without the asked event after it, 으로 is a means or a direction.
    assert reasons(sentence, _at(sentence, "준공")) == []


def test_a_noun_that_frames_another_is_no_cause():
    sentence = "경제 부흥을 목적으로 정부가 주도하여 연구회를 설립하였다."
    assert _texts(sentence, reasons(sentence, _at(sentence, "정부"))) == ["경제 부흥"]
    sentence = "대학을 중심으로 기업이 모여 클러스터가 형성되었다."
    assert reasons(sentence, _at(sentence, "형성")) == []
