"""Tests for kg.extract: title chains and names, leader lists, places, dates and cues.

Every sentence is invented; names and places are not those of the seed articles.
"""

from __future__ import annotations

import pytest

from kg.model import Mentions, PersonMention


def _people(m: Mentions, official: bool | None = None) -> list[PersonMention]:
    return [p for p in m.persons if official is None or p.official == official]


def _person(m: Mentions, name: str) -> PersonMention:
    found = [p for p in m.persons if p.name == name and p.posts]
    assert found, f"{name} not read with a post from {[p.name for p in m.persons]}"
    return found[0]


# ---------------------------------------------------------------- title chains

def test_title_chain_keeps_each_segment_with_its_organ(mentions_of):
    m = mentions_of("区委常委、纪委书记、监委代主任张三丰到青山镇检查疫情防控工作。")
    p = _person(m, "张三丰")
    assert p.form == "chain"
    assert [(s.title, s.org.written) for s in p.posts] == [("常委", "区委"), ("书记", "纪委"), ("代主任", "监委")]
    assert p.posts[0].org.level == "区"


@pytest.mark.parametrize(
    ("sentence", "name", "titles"),
    [
        ("长沙市长李四海到岳麓区调研。", "李四海", ["市长"]),
        ("省长王五到岳麓区检查防汛工作。", "王五", ["省长"]),
        ("市政协文化文史和学习委员会副主任赵六到青山镇调研。", "赵六", ["副主任"]),
        ("县委副书记、县长张三丰带队到青山镇检查防汛工作。", "张三丰", ["副书记", "县长"]),
        ("市人大常委会主任李四海到青山镇调研。", "李四海", ["主任"]),
        ("镇党委书记王五到东风村走访慰问困难群众。", "王五", ["书记"]),
        ("省委常委、市委书记赵六到岳麓区调研。", "赵六", ["常委", "书记"]),
        ("街道党工委书记孙七带队检查防疫工作。", "孙七", ["书记"]),
        ("区委常委、常务副区长周八前往青山镇督导安全生产工作。", "周八", ["常委", "常务副区长"]),
        ("市委副书记、市长吴九带队深入青山镇东风村调研。", "吴九", ["副书记", "市长"]),
        ("市纪委监委主任郑十到余杭区检查。", "郑十", ["主任"]),
        ("区委常委、宣传部长赵六陪同。", "赵六", ["常委", "部长"]),
        ("市教育局党组书记、局长王五到岳麓区检查校园安全。", "王五", ["党组书记", "局长"]),
        ("区人大常委会副主任王五一行到青山镇东风村走访。", "王五", ["副主任"]),
        ("会上，区委副书记孙七通报了有关情况。", "孙七", ["副书记"]),
        ("副省长、省公安厅厅长王五到长沙市检查。", "王五", ["副省长", "厅长"]),
        ("市人大常委会副主任、市总工会主席李四海到岳麓区走访。", "李四海", ["副主任", "主席"]),
        ("区委书记张三丰，区委副书记、区长李四海到青山镇检查。", "李四海", ["副书记", "区长"]),
    ],
)
def test_title_chain_anchors_name(mentions_of, sentence, name, titles):
    p = _person(mentions_of(sentence), name)
    assert p.official
    assert [s.title for s in p.posts] == titles


@pytest.mark.parametrize(
    ("sentence", "name", "place", "level", "units"),
    [
        ("长沙市长李四海到岳麓区调研。", "李四海", "长沙市", None, ()),
        ("南昌县县长王五到青山镇调研。", "王五", "南昌县", None, ()),
        ("江宁区委书记李四海到青山镇调研。", "李四海", "江宁区", None, (("", "委"),)),
        ("青山街道党工委书记孙七到东风社区检查。", "孙七", "青山街道", None, (("", "党工委"),)),
        ("江宁区青山镇党委书记王五到东风村检查。", "王五", "江宁区青山镇", None, (("", "党委"),)),
        ("市政协文化文史和学习委员会副主任赵六到青山镇调研。", "赵六", None, "市",
         (("", "政协"), ("文化文史和学习", "委员会"))),
        ("区委常委、宣传部长赵六陪同。", "赵六", None, None, (("", "宣传部"),)),
        ("省银保监局局长赵启明在接受本报记者专访时表示。", "赵启明", None, "省", (("银保监", "局"),)),
        ("国家发展改革委主任郑某某发言。", "郑某某", None, None, (("发展改革", "委"),)),
    ],
)
def test_title_chain_reads_the_organisation_as_written(mentions_of, sentence, name, place, level, units):
    org = _person(mentions_of(sentence), name).posts[-1].org
    assert org is not None
    assert (org.place, org.level, tuple((u.name, u.form) for u in org.units)) == (place, level, units)


def test_name_written_before_title_is_the_same_person(mentions_of):
    m = mentions_of("区委副书记、代区长张三丰到青山镇调研。对一线人员的付出，张三丰代区长给予高度肯定。")
    forms = sorted(p.form for p in m.persons if p.name == "张三丰")
    assert forms == ["chain", "name_title"]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("会上，李四海区长指出，要坚决落实各项防控措施。", "李四海"),
        ("张三丰书记一行到青山镇检查。", "张三丰"),
    ],
)
def test_unknown_name_before_title_needs_a_clause_start_and_a_verb(mentions_of, sentence, name):
    assert [(p.name, p.form) for p in mentions_of(sentence).persons] == [(name, "name_title")]


@pytest.mark.parametrize(
    "sentence",
    [
        "区委书记和区长分别带队检查。",  # 区委 is an organ, not a name
        "市长信箱收到群众来信。",  # 信箱 is a word, not a name
        "区委书记张三丰到吉林省长春市南关区调研。",  # 省长 read across 吉林省 and 长春市
        "全市各级党委书记要带头。",
        "镇党委书记、镇长要亲自抓。",
    ],
)
def test_words_that_look_like_titles_and_names_are_not_people(mentions_of, sentence):
    assert {p.name for p in mentions_of(sentence).persons} <= {"张三丰"}


def test_leader_list_names_are_officials(mentions_of):
    m = mentions_of("市委书记赵六到青山镇调研，市领导钱立新、孙海涛参加。")
    listed = [p.name for p in m.persons if p.form == "leaders_list"]
    assert listed == ["钱立新", "孙海涛"]
    assert all(p.official for p in m.persons)


@pytest.mark.parametrize(
    "sentence",
    [
        "区委书记张三丰到青山镇检查，并看望了居民。",
        "全区上下高度重视防汛工作。",
        "他强调，要把各项措施落到实处。",
    ],
)
def test_no_person_without_a_name_after_the_title(mentions_of, sentence):
    names = {p.name for p in mentions_of(sentence).persons}
    assert names <= {"张三丰"}


# ---------------------------------------------------------------- non-officials

def test_byline_names_are_never_officials(mentions_of):
    m = mentions_of("区委书记张三丰到东风村检查。\n记者 李小龙 通讯员 王小虎")
    assert {p.name for p in _people(m, official=True)} == {"张三丰"}


@pytest.mark.parametrize(("sentence", "name", "role"), [
    ("区委书记张三丰到东风村看望慰问。村民王大海说，感谢党和政府。", "王大海", "村民"),
    ("区委书记张三丰到东风社区检查，志愿者李小红介绍了值守情况。", "李小红", "志愿者"),
])
def test_residents_keep_their_role_and_are_not_officials(mentions_of, sentence, name, role):
    m = mentions_of(sentence)
    resident = [p for p in m.persons if p.name == name]
    assert resident and all(not p.official and p.role == role for p in resident)


def test_names_inside_mojibake_are_never_read(mentions_of):
    m = mentions_of("区委书记张\ufffd丰到东风村检查。区委副书记孙七陪同。")
    assert {p.name for p in m.persons} == {"孙七"}


# ---------------------------------------------------------------- places

def test_village_written_after_town_is_inside_it(mentions_of):
    m = mentions_of("区委书记张三丰到青山镇东风村检查。")
    by_name = {p.name: p for p in m.places}
    assert by_name["东风村"].parent == by_name["青山镇"].start
    assert by_name["青山镇"].level == "镇"


def test_villages_listed_after_a_town_are_siblings(mentions_of):
    m = mentions_of("区委书记张三丰先后来到青山镇东坡村、西坡村检查。")
    by_name = {p.name: p for p in m.places}
    assert by_name["东坡村"].parent == by_name["青山镇"].start
    assert by_name["西坡村"].in_list


@pytest.mark.parametrize(
    ("sentence", "places"),
    [
        ("区委书记张三丰到岳麓区检查。", ["岳麓区"]),
        ("区委书记张三丰到江宁区人民医院检查。", ["江宁区", "人民医院"]),
        ("街道党工委书记孙七带队检查辖区小区防疫工作。", []),
        ("全市上下要做好防汛工作。", []),
        ("省长王五先后来到长沙市第一医院检查。", ["长沙市", "第一医院"]),
        ("市长李四海到长沙高新区调研。", ["长沙高新区"]),
        ("县委书记张三丰深入县教育局、财政局检查。", ["县教育局", "县财政局"]),
    ],
)
def test_places_need_a_name_before_their_suffix(mentions_of, sentence, places):
    assert [p.name for p in mentions_of(sentence).places] == places


# ---------------------------------------------------------------- dates and cues

@pytest.mark.parametrize(
    ("sentence", "date"),
    [
        ("11月8日，市委书记赵六到青山镇调研。", (None, 11, 8)),
        ("2022年4月10日，市委书记赵六到青山镇调研。", (2022, 4, 10)),
        ("29日，市委书记赵六到青山镇调研。", (None, None, 29)),
        ("8日下午，县委书记张三丰来到青山镇东风村。", (None, None, 8)),
    ],
)
def test_dates_are_read_with_what_is_written(mentions_of, sentence, date):
    d = mentions_of(sentence).dates[0]
    assert (d.year, d.month, d.day) == date


@pytest.mark.parametrize(
    ("sentence", "published", "date"),
    [
        ("今天上午，市委书记赵六到青山镇调研。", "2022-11-09", (2022, 11, 9)),
        ("昨日，市委书记赵六到青山镇调研。", "2022-11-01T08:00:00", (2022, 10, 31)),
        ("昨天，市委书记赵六到青山镇调研。", "--03-01", (None, 2, 28)),
    ],
)
def test_today_and_yesterday_count_from_publication(mentions_of, sentence, published, date):
    d = mentions_of(sentence, published=published).dates[0]
    assert (d.year, d.month, d.day) == date


def test_today_without_publication_date_is_no_date(mentions_of):
    assert mentions_of("今天上午，市委书记赵六到青山镇调研。").dates == []


def test_speech_and_trigger_cues_are_found(mentions_of):
    m = mentions_of("市委书记赵六到青山镇调研时强调，要抓好东风村的产业发展。")
    kinds = {(c.kind, c.word) for c in m.cues}
    assert ("trigger", "调研") in kinds
    assert ("speech", "强调") in kinds


# ---------------------------------------------------------------- forms found on unseen articles

def _persons(mentions_of, text):
    return {(p.name, tuple(s.title for s in p.posts)) for p in mentions_of(text).persons if p.form == "chain"}


def test_unlisted_department_in_a_chain(mentions_of):
    found = _persons(mentions_of, "街道党工委委员、武装部部长张三丰一同走访。")
    assert ("张三丰", ("委员", "部长")) in found


def test_names_listed_after_one_title_share_it(mentions_of):
    found = _persons(mentions_of, "县人大常委会副主任张三丰、李四海陪同视察。")
    assert {("张三丰", ("副主任",)), ("李四海", ("副主任",))} <= found


def test_second_title_after_a_name_keeps_the_first_organ(mentions_of):
    [_, second] = [p for p in mentions_of("市政协副主席张三丰、秘书长李四海参加调研。").persons if p.form == "chain"]
    assert second.name == "李四海" and second.posts[0].org.written == "市政协"


def test_a_conjunction_is_not_a_one_character_county(mentions_of):
    names = {p.name for p in mentions_of("县长张三丰先后来到青山小学和县第五中学。").places}
    assert "和县" not in names and "县第五中学" in names


def test_province_name_and_one_character_is_not_a_township(mentions_of):
    names = {p.name for p in mentions_of("在海南椰乡果业有限公司，县长张三丰察看生产情况。").places}
    assert not any(n.endswith("乡") for n in names)
    assert "海南椰乡果业有限公司" in names


def test_facility_after_a_town_may_contain_a_verb(mentions_of):
    names = {p.name for p in mentions_of("县长张三丰来到青山镇糯米加工产业园调研。").places}
    assert "糯米加工产业园" in names


def test_facility_written_in_two_parts_is_one_place(mentions_of):
    names = {p.name for p in mentions_of("县长张三丰来到东风果业有限公司胡椒种植基地调研。").places}
    assert "东风果业有限公司胡椒种植基地" in names


@pytest.mark.parametrize("text, name", [
    ("市委副书记、市长扎西顿珠带队到东风村调研。", "扎西顿珠"),
    ("副县长乌云其其格陪同。", "乌云其其格"),
    ("自治区副主席阿不都·热合曼到和田调研。", "阿不都·热合曼"),
    ("自治区副主席吐尔洪·买买提明到和田调研。", "吐尔洪·买买提明"),  # the tagger cuts the part after the dot
    ("副市长纳学军陪同检查。", "纳学军"),
])
def test_names_without_a_han_surname(mentions_of, text, name):
    assert name in {p.name for p in mentions_of(text).persons if p.form == "chain"}


def test_this_town_before_a_village_is_not_part_of_its_name(mentions_of):
    names = {p.name for p in mentions_of("县长张三丰察看了青山镇水库和该镇东风村。").places}
    assert "东风村" in names and "镇东风村" not in names


def test_a_verb_after_a_place_does_not_start_a_facility_name(mentions_of):
    names = {p.name for p in mentions_of("县长张三丰到青山镇排查水库隐患。").places}
    assert not any(n.startswith("排查") for n in names)


@pytest.mark.parametrize("text, name", [
    ("乡长吐尔洪·阿不来提陪同调研。", "吐尔洪·阿不来提"),
    ("外交部副部长张德广和俄方副主席李四海分别宣读贺信。", "张德广"),
    ("区人大常委会副主任王五一行到青山镇走访。", "王五"),
])
def test_name_ends_are_read_in_context(mentions_of, text, name):
    names = {p.name for p in mentions_of(text).persons if p.form == "chain"}
    assert name in names and not any(n.startswith(name) and n != name for n in names)


# ---------------------------------------------------------------- chains on real-news shapes

def _chain(mentions_of, text: str, name: str) -> PersonMention:
    found = [p for p in mentions_of(text).persons if p.name == name and p.form in ("chain", "name_title", "role")]
    assert found, f"{name} not read from {text}: {[(p.name, p.form) for p in mentions_of(text).persons]}"
    return found[0]


@pytest.mark.parametrize(("text", "name", "posts"), [
    ("中共中央政治局委员、国务院副总理张伟在会上讲话。", "张伟", [("委员", "中共中央政治局"), ("副总理", "国务院")]),
    ("研究报告已经交到水利部部长刘海东办公桌上。", "刘海东", [("部长", "水利部")]),
    ("国家发展改革委副主任陈立新介绍了有关情况。", "陈立新", [("副主任", "国家发展改革委")]),
    ("全国政协副主席、省委书记柯建森出席会议。", "柯建森", [("副主席", "全国政协"), ("书记", "省委")]),
    ("省交通运输厅党组书记、厅长赵海峰一行到工地检查。", "赵海峰", [("党组书记", "省交通运输厅"), ("厅长", None)]),
    ("县委书记孙立平到青山镇检查防汛工作。", "孙立平", [("书记", "县委")]),
    ("市长刘海东在会上说，要抓好春耕。", "刘海东", [("市长", None)]),
    ("瑞典国防部长安德松访问了北京。", "安德松", [("部长", "瑞典国防部")]),
])
def test_a_chain_reads_each_title_with_the_organisation_written_before_it(mentions_of, text, name, posts):
    p = _chain(mentions_of, text, name)
    assert p.official
    assert [(s.title, s.org.written if s.org else None) for s in p.posts] == posts


@pytest.mark.parametrize(("text", "name", "role"), [
    ("省农业科学院院士、水稻专家陈立新介绍了新品种。", "陈立新", "院士"),
    ("甲乙电子有限公司总经理王芳陪同参观。", "王芳", "总经理"),
    ("东湖大学李明教授作了发言。", "李明", "教授"),
    ("原市长刘海东也来到了现场。", "刘海东", "原市长"),
])
def test_company_academic_and_former_titles_make_no_official(mentions_of, text, name, role):
    p = _chain(mentions_of, text, name)
    assert not p.official and p.role == role


def test_an_association_s_chair_is_reported_as_an_official(mentions_of):
    assert _chain(mentions_of, "省作家协会主席柯建森为获奖者颁奖。", "柯建森").official


def test_the_name_after_a_title_is_read_even_where_the_tagger_takes_it_for_something_else(mentions_of):
    assert _chain(mentions_of, "副县长周八到青山镇检查。", "周八").official


def test_a_title_chain_in_a_headline_is_read(mentions_of):
    assert _chain(mentions_of, "中华人民共和国主席张伟", "张伟").official


def test_a_name_written_before_its_title_takes_the_organisation_before_the_name(mentions_of):
    p = _chain(mentions_of, "会上，省作家协会柯建森主席致辞。", "柯建森")
    assert p.official and [(s.title, s.org.written) for s in p.posts] == [("主席", "省作家协会")]


@pytest.mark.parametrize(("text", "names", "official"), [
    ("王芳、李明参加调研。", {"王芳", "李明"}, True),
    ("市领导王芳、李明陪同检查。", {"王芳", "李明"}, True),
    ("座谈会上，王芳、李明等先后发言。", {"王芳", "李明"}, False),
])
def test_people_listed_before_a_verb_of_taking_part_or_speaking(mentions_of, text, names, official):
    found = {p.name: p for p in mentions_of(text).persons}
    assert names <= set(found) and all(found[n].official is official for n in names)


def test_a_leader_escorted_by_officials_is_an_official(mentions_of):
    found = {p.name: p for p in mentions_of("张伟在省委书记王芳、省长李明陪同下考察东湖大学。").persons}
    assert found["张伟"].official and found["张伟"].form == "leaders_list"


# ---------------------------------------------------------------- places where a place is expected

@pytest.mark.parametrize(("text", "place"), [
    ("省长王芳在湖南调研。", "湖南省"),
    ("副省长李明先后考察了株洲、湘潭等地。", "湘潭市"),
    ("副省长李明来到水利部，听取汇报。", "水利部"),
    ("副市长李明在长沙市委组织部和市水利局调研。", "市水利局"),
    ("副市长李明在长沙市委组织部和市水利局调研。", "长沙市委组织部"),
    ("县长王芳来到青山镇东于庄村，看望群众。", "东于庄村"),
    ("省长王芳来到洞庭湖和青山水泥有限公司，调研生态保护。", "洞庭湖"),  # a lake the dictionary knows
    ("副书记张伟来到王大山同志纪念馆，参观事迹展。", "王大山同志纪念馆"),  # 同志 inside a memorial's name
])
def test_places_where_a_place_is_expected(mentions_of, text, place):
    assert place in {p.name for p in mentions_of(text).places}


def test_a_determiner_makes_a_place_noun_generic(mentions_of):
    text = "副市长李明与部分科技企业负责人座谈，来到甲集团青山分公司有关救援基地。"
    names = {p.name for p in mentions_of(text).places}
    assert not any(n.startswith("部分") for n in names)
    assert "甲集团青山分公司" in names


@pytest.mark.parametrize(("text", "places"), [
    ("副市长王芳在实地考察了甲口、乙店两镇的工作后说。", ["甲口镇", "乙店镇"]),  # one suffix, counted
    ("县长李明考察了上岗和下坪两村。", ["上岗村", "下坪村"]),
    ("书记王芳来到北塘路街道东风新村居民区考察调研。", ["北塘路街道", "东风新村居民区"]),  # a village's name
    ("县长李明在青山县慈安疗养院看望病员。", ["青山县慈安疗养院"]),  # 疗养院 is a facility
    ("书记王芳来到东风村。她走进村党群服务中心察看。", ["东风村", "村党群服务中心"]),  # 进村 is a word, 村党 not
    ("市长王芳到三江侗族自治县调研。", ["三江侗族自治县"]),  # one county, though 三江 is its short name
    ("县长李明来到青山烈士陵园和东湖商场。", ["青山烈士陵园", "东湖商场"]),
    ("县长李明考察了甲集团所属的本华板材厂。", ["甲集团", "本华板材厂"]),  # 本华, not 本 "this"
    ("省长王立来到东华飞机工业（集团）有限公司，考察直升机。", ["东华飞机工业（集团）有限公司"]),  # an aside in a name
    ("省长王立来到始建于东汉年间的青云寺考察。", ["青云寺"]),  # temples, grottoes, science cities, scenic areas
    ("省长王立先后来到云冈石窟和东湖科学城。", ["云冈石窟", "东湖科学城"]),
    ("县长王立来到五烈士陵墓敬献花篮。", ["五烈士陵墓"]),
    ("部长何立彦对金湖新苑、东湖新苑等处进行了检查。", ["金湖新苑", "东湖新苑"]),  # 等处
    ("省长王立来到祁门县黄岭镇石村青石自然村。", ["祁门县", "黄岭镇", "石村", "青石自然村"]),  # a one-character village
    ("省长王立来到休宁县东岸镇港南坪村。", ["休宁县", "东岸镇", "港南坪村"]),  # 港 opens the village's name
    # a list of places visited: the last item's suffix is shared, or each item is a place of its own
    ("副区长张立平先后到新华、东风、南山社区开展调研。", ["新华社区", "东风社区", "南山社区"]),
    ("县委书记王立新先后前往城东派出所、人民公园巡逻点、梅岭监狱检查。", ["城东派出所", "人民公园巡逻点", "梅岭监狱"]),
    ("区长赵刚先后到万达商贸城、金丰橱柜、锦成工贸实地查看。", ["万达商贸城", "金丰橱柜", "锦成工贸"]),
    ("书记王芳走访了城南派出所、东岭水厂北门检查站。", ["城南派出所", "东岭水厂北门检查站"]),  # 检查 inside a name
    ("省长王芳先后来到赣州、南昌、吉安等地调研。", ["赣州市", "南昌市", "吉安市"]),
])
def test_places_as_written(mentions_of, text, places):
    assert [p.name for p in mentions_of(text).places] == places


@pytest.mark.parametrize(("text", "places"), [
    ("副区长张立平到村党群服务中心结合视频、展板了解情况。", ["村党群服务中心"]),  # 结合 tells an act
    ("副区长张立平先后到学校、医院、南山社区调研。", ["南山社区"]),  # kinds of place take no suffix
    ("副区长张立平来到田间地头、东风社区调研。", ["东风社区"]),  # common words name no place
    ("市委书记符立远深入镇村、企业、医院和学校，检查指导工作。", []),  # kinds of place name none
    ("主任钟海文代表市公安局党委慰问困难民警。", []),  # the body a party committee leads is no place
    ("县长王立带领县水利局、县应急管理局有关人员到青山镇检查。", ["青山镇"]),  # offices of the people led
    ("副市长李立国到青山县慰问老党员、老军人、老干部。", ["青山县"]),  # whom he saw, not where he went
    ("地处城中的小巷，因清代大学士李某与邻居互让而成。", []),  # 大学 inside 大学士 names no university
    ("县委书记王立要求，深入贯彻中央八项规定精神。", []),  # 深入 + a verb: no organisation visited
])
def test_a_list_of_places_visited_holds_only_places(mentions_of, text, places):
    assert [p.name for p in mentions_of(text).places] == places


def test_a_subdistrict_named_after_a_village_is_a_subdistrict(mentions_of):
    [place] = mentions_of("区长王立到李家村街办检查安全生产。").places
    assert (place.name, place.kind, place.level) == ("李家村街办", "AdministrativeRegion", "街道")


def test_a_counted_suffix_needs_a_place_noun(mentions_of):
    assert mentions_of("县长李明看望了两村民。").places == []


@pytest.mark.parametrize(("text", "not_a_place", "place"), [
    ("副省长李明考察了开发区、三资企业和东湖大学。", "三资企业", "东湖大学"),  # a kind of enterprise
    ("市长王芳出席了青山镇台胞回乡联谊会开幕式。", "台胞回乡", "青山镇"),  # 回乡 is a verb, not a township
])
def test_a_word_of_the_dictionary_names_no_place(mentions_of, text, not_a_place, place):
    names = {p.name for p in mentions_of(text).places}
    assert not_a_place not in names and place in names


def test_an_organisation_s_courses_are_no_place(mentions_of):
    names = {p.name for p in mentions_of("副书记王芳在省委党校第三期干部进修班上讲话。").places}
    assert "省委党校" in names and not any("干部" in n for n in names)


def test_a_research_office_of_the_centre_is_a_public_office(mentions_of):
    text = "中央政策研究室主任柯建森、青山水泥有限公司研究所所长汪一凡出席。"
    found = {p.name: p.official for p in mentions_of(text).persons}
    assert found == {"柯建森": True, "汪一凡": False}


@pytest.mark.parametrize(("text", "names"), [
    ("市委副书记、市长曾远航带队到青山镇检查防汛工作。", ["曾远航"]),  # 曾 read as "once"
    ("区长曾起飞带队到青山镇检查。", ["曾起飞"]),
    ("市长曾表示，要做好防汛工作。", []),  # here it is "once"
    ("县委书记曾多次到青山镇调研。", []),
])
def test_a_surname_the_tagger_reads_as_an_adverb(mentions_of, text, names):
    assert [p.name for p in mentions_of(text).persons] == names


def test_a_list_of_leaders_opens_with_a_name_the_tagger_took_for_a_verb(mentions_of):
    m = mentions_of("县领导盖文远、包德全一同调研。")  # the tagger reads 盖文远 as a verb
    assert {p.name for p in m.persons if p.form == "leaders_list" and p.official} >= {"盖文远"}


def test_names_listed_after_a_shared_title_all_hold_it(mentions_of):
    m = mentions_of("副市长柯一帆、汪二朋、施三立，市政府委员陶四海、范五洲出席会议。")
    titles = {p.name: [q.title for q in p.posts] for p in m.persons}
    assert titles == {"柯一帆": ["副市长"], "汪二朋": ["副市长"], "施三立": ["副市长"],
                      "陶四海": ["委员"], "范五洲": ["委员"]}


@pytest.mark.parametrize("text", ["看到总书记来了，大家纷纷围拢过来。", "群众高声欢呼“总书记辛苦了”。"])
def test_a_verb_with_its_aspect_particle_is_no_name(mentions_of, text):
    assert mentions_of(text).persons == []
