"""Tests for kg.resolve: posts spelled out in context, dates, containment and events.

Every sentence is invented; names and places are not those of the seed articles.
"""

from __future__ import annotations

import pytest

from kg.model import Event, Facts, Organization, Region


def _posts(f: Facts) -> set[tuple[str, str, str | None]]:
    """(person, title, organisation label) of every holding."""
    labels = {o.key: o.label for o in f.organizations}
    return {(h.person, h.post.title, labels.get(h.post.org or "")) for h in f.holdings}


def _org(f: Facts, label: str) -> Organization:
    return next(o for o in f.organizations if o.label == label)


def _region(f: Facts, label: str) -> Region:
    found = [r for r in f.regions if r.label == label]
    assert found, f"no region {label} in {[r.label for r in f.regions]}"
    return found[0]


def _label(f: Facts, key: str | None) -> str | None:
    return next((r.label for r in f.regions if r.key == key), None)


def _event(f: Facts, leader: str) -> Event:
    found = [e for e in f.events if e.leader == leader]
    assert len(found) == 1, f"events of {leader}: {found}"
    return found[0]


def _places(f: Facts, e: Event) -> list[str]:
    return [_label(f, k) or k for k in e.places]


# ---------------------------------------------------------------- posts and organisations

@pytest.mark.parametrize(
    ("text", "title", "posts"),
    [
        ("岳麓区召开会议。区委常委、纪委书记、监委代主任张三丰到青山镇检查。", None,
         {("张三丰", "常委", "岳麓区委"), ("张三丰", "书记", "岳麓区纪委"), ("张三丰", "代主任", "岳麓区监委")}),
        ("长沙市长李四海到岳麓区调研。", None, {("李四海", "市长", "长沙市政府")}),
        ("市政协文化文史和学习委员会副主任赵六到岳麓区调研。", None,
         {("赵六", "副主任", "长沙市政协文化文史和学习委员会")}),
        ("南昌县委副书记、县长张三丰带队到青山镇检查防汛工作。", None,
         {("张三丰", "副书记", "南昌县委"), ("张三丰", "县长", "南昌县政府")}),
        ("余杭区人大常委会主任李四海到东风村调研。", None, {("李四海", "主任", "余杭区人大常委会")}),
        ("省委常委、市委书记赵六到余杭区调研。", None,
         {("赵六", "常委", "浙江省委"), ("赵六", "书记", "杭州市委")}),
        ("江宁区委常委、常务副区长周八前往青山镇督导。", None,
         {("周八", "常委", "江宁区委"), ("周八", "常务副区长", "江宁区政府")}),
        ("市纪委监委主任郑十到余杭区检查。", None, {("郑十", "主任", "杭州市纪委监委")}),
        ("江宁区区长王五到青山镇调研，区委常委、宣传部长赵六陪同。", None,
         {("王五", "区长", "江宁区政府"), ("赵六", "常委", "江宁区委"), ("赵六", "部长", "江宁区委宣传部")}),
        ("市教育局党组书记、局长王五到岳麓区检查校园安全。", None,
         {("王五", "党组书记", "长沙市教育局"), ("王五", "局长", "长沙市教育局")}),
        ("副市长、市公安局局长孙七到余杭区检查。", None,
         {("孙七", "副市长", "杭州市政府"), ("孙七", "局长", "杭州市公安局")}),
        ("区委副书记、政法委书记周八到青山街道督导。", "岳麓区新闻",
         {("周八", "副书记", "岳麓区委"), ("周八", "书记", "岳麓区委政法委")}),
        ("市委书记、市人大常委会主任赵六到岳麓区调研。", None,
         {("赵六", "书记", "长沙市委"), ("赵六", "主任", "长沙市人大常委会")}),
        ("市人大常委会副主任、市总工会主席李四海到岳麓区走访。", None,
         {("李四海", "副主任", "长沙市人大常委会"), ("李四海", "主席", "长沙市总工会")}),
        ("副区长、区公安分局局长周八到东风村检查。", "岳麓区新闻",
         {("周八", "副区长", "岳麓区政府"), ("周八", "局长", "岳麓区公安分局")}),
        ("县委常委、县委办主任吴九陪同调研。", "南昌县新闻",
         {("吴九", "常委", "南昌县委"), ("吴九", "主任", "南昌县委办公室")}),
        ("市长李四海到长沙高新区调研。", None, {("李四海", "市长", "长沙市政府")}),
        ("市中级人民法院院长孙七到岳麓区调研。", "长沙市新闻", {("孙七", "院长", "长沙市中级人民法院")}),
        ("区委常委、区人民政府常务副区长周八到青山镇检查。", "岳麓区新闻",
         {("周八", "常委", "岳麓区委"), ("周八", "常务副区长", "岳麓区政府")}),
        # the Youth League's 团市委 is not the 市委: a people's organisation, kept as written
        ("团市委书记孙七到岳麓区调研。", None, {("孙七", "书记", "团市委")}),
        # a bare 街道 is the subdistrict the article names, as 区委 is its district's
        ("青山街道党工委书记孙七讲话。街道党工委副书记、办事处主任周八参加。", None,
         {("孙七", "书记", "青山街道党工委"), ("周八", "副书记", "青山街道党工委"),
          ("周八", "主任", "青山街道办事处")}),
        # an aside between the organisation and the title: a portfolio, a bracket
        ("南昌县分管农业的副书记柯建森到白水镇检查。", None, {("柯建森", "副书记", "南昌县委")}),
        ("第一工业部（航空工业）部长柯建森到白水镇检查。", None, {("柯建森", "部长", "第一工业部")}),
        # a county the national list does not hold, as the tagger reads it: kept as written
        ("青山县副县长柯建森到白水镇检查。", "南昌县新闻", {("柯建森", "副县长", "青山县政府")}),
    ],
)
def test_posts_spell_out_their_organisation(facts_of, text, title, posts):
    assert _posts(facts_of(text, title=title)) == posts


@pytest.mark.parametrize(
    ("text", "title", "posts"),
    [
        # the region the article is about, named in its body
        ("区委书记张三丰到岳麓区青山镇调研。", None, {("张三丰", "书记", "岳麓区委")}),
        # … or only in its title
        ("区委书记张三丰到青山镇调研。", "岳麓区召开防汛工作会议", {("张三丰", "书记", "岳麓区委")}),
        # a district visited later in the sentence does not outrank the article's own
        ("区委书记张三丰率队赴余杭区考察学习。", "岳麓区新闻", {("张三丰", "书记", "岳麓区委")}),
        # a province, from the division list, when only a city is named
        ("省长王五到杭州市检查防汛工作。", None, {("王五", "省长", "浙江省政府")}),
        ("在区长李四海陪同下，市委书记赵六到青山镇调研。", "岳麓区新闻",
         {("李四海", "区长", "岳麓区政府"), ("赵六", "书记", "长沙市委")}),
        # no district named: the post is kept in the 区委 as written, with no jurisdiction
        ("区委书记张三丰到青山镇调研。", None, {("张三丰", "书记", "区委")}),
    ],
)
def test_bare_level_takes_the_jurisdiction_of_the_context(facts_of, text, title, posts):
    assert _posts(facts_of(text, title=title)) == posts


def test_name_before_title_takes_its_post_in_context(facts_of):
    f = facts_of("会上，李四海区长指出，要坚决落实各项防控措施。", title="岳麓区召开疫情防控工作会")
    assert _posts(f) == {("李四海", "区长", "岳麓区政府")}


def test_town_heading_is_not_a_district_of_the_same_name(facts_of):
    # 青山镇 starts like a district (青山区) elsewhere in the country: the article's own region wins
    f = facts_of("区委书记张三丰到岳麓区调研。\n青山镇：防汛一线\n镇长王五到东风村检查。")
    assert _posts(f) == {("张三丰", "书记", "岳麓区委"), ("王五", "镇长", "青山镇政府")}
    assert _label(f, _region(f, "青山镇").part_of) == "岳麓区"


def test_section_heading_names_the_jurisdiction_of_its_section(facts_of):
    f = facts_of("海淀区召开会议。\n南昌县：防汛一线\n县委书记张三丰到青山镇东风村检查防汛工作。")
    assert _posts(f) == {("张三丰", "书记", "南昌县委")}
    assert _region(f, "青山镇").part_of == _region(f, "南昌县").key


@pytest.mark.parametrize(
    ("text", "title", "posts", "town", "county"),
    [
        ("青山镇党委副书记、镇长王五到东风村检查。", "岳麓区新闻",
         {("王五", "副书记", "青山镇党委"), ("王五", "镇长", "青山镇政府")}, "青山镇", "岳麓区"),
        ("区委书记张三丰到青山镇调研，镇党委书记王五陪同。", "岳麓区新闻",
         {("张三丰", "书记", "岳麓区委"), ("王五", "书记", "青山镇党委")}, "青山镇", "岳麓区"),
        ("江宁区青山镇党委书记王五到东风村检查。", None, {("王五", "书记", "青山镇党委")}, "青山镇", "江宁区"),
        ("青山街道党工委书记孙七到东风社区检查。", "余杭区新闻", {("孙七", "书记", "青山街道党工委")},
         "青山街道", "余杭区"),
    ],
)
def test_town_posts_name_the_town_inside_its_county(facts_of, text, title, posts, town, county):
    f = facts_of(text, title=title)
    assert _posts(f) == posts
    town_orgs = [o for o in f.organizations if o.label.startswith(town)]
    assert town_orgs and all(_label(f, o.jurisdiction) == town for o in town_orgs)
    assert _label(f, _region(f, town).part_of) == county


def test_organisation_has_its_full_names_and_jurisdiction(facts_of):
    f = facts_of("岳麓区委书记张三丰到青山镇调研。")
    org = _org(f, "岳麓区委")
    assert org.full_names == ("中共岳麓区委员会",)
    assert _label(f, org.jurisdiction) == "岳麓区"


def test_name_before_title_adds_no_second_post(facts_of):
    f = facts_of("区委副书记、代区长张三丰到青山镇调研。对此，张三丰代区长给予高度肯定。", title="岳麓区新闻")
    assert _posts(f) == {("张三丰", "副书记", "岳麓区委"), ("张三丰", "代区长", "岳麓区政府")}


# ---------------------------------------------------------------- people who are not officials

def test_bylines_and_residents_are_people_but_not_officials(facts_of):
    f = facts_of("区委书记张三丰到东风村看望慰问。村民王大海说，感谢党和政府。\n记者 李小龙 通讯员 王小虎",
                 title="岳麓区新闻")
    officials = {p.name for p in f.persons if p.official}
    others = {(p.name, p.role) for p in f.persons if not p.official}
    assert officials == {"张三丰"}
    assert others == {("王大海", "村民"), ("李小龙", "记者"), ("王小虎", "通讯员")}
    assert all(h.person == "张三丰" for h in f.holdings)


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize(
    ("text", "published", "date"),
    [
        ("11月8日，市委书记赵六到岳麓区调研。", "2022-11-09", "2022-11-08"),
        ("11月8日，市委书记赵六到岳麓区调研。", "2022-11-09T10:30:00", "2022-11-08"),
        ("12月30日，市委书记赵六到岳麓区调研。", "2023-01-05", "2022-12-30"),
        ("29日，市委书记赵六到岳麓区调研。", "--03-30", "--03-29"),
        ("8日下午，市委书记赵六到岳麓区调研。", "2022-11-09", "2022-11-08"),
        ("4月10日以来，市委书记赵六多次到岳麓区检查。", "2022-04-14", "2022-04-10"),
        ("2021年6月1日，市委书记赵六到岳麓区调研。", "2022-11-09", "2021-06-01"),
        ("近日，市委书记赵六到岳麓区调研。", "2022-11-09", None),
        ("昨日，市委书记赵六到岳麓区调研。", "2022-11-09", "2022-11-08"),
    ],
)
def test_event_date_is_resolved_against_publication(facts_of, text, published, date):
    assert _event(facts_of(text, published=published), "赵六").date == date


# ---------------------------------------------------------------- containment

def test_village_is_part_of_the_town_written_before_it(facts_of):
    f = facts_of("区委书记张三丰到青山镇东风村检查。")
    assert _region(f, "东风村").part_of == _region(f, "青山镇").key


def test_divisions_chain_up_the_national_list_with_adcodes(facts_of):
    f = facts_of("区委书记张三丰到余杭区检查。")
    district, city, province = _region(f, "余杭区"), _region(f, "杭州市"), _region(f, "浙江省")
    assert (district.adcode, city.adcode, province.adcode) == ("330110", "330100", "330000")
    assert district.part_of == city.key and city.part_of == province.key and province.part_of is None


@pytest.mark.parametrize(
    "text",
    [
        "区委书记张三丰先后来到青山镇东坡村、西坡村检查。",
        "区委书记张三丰先后来到青山镇东坡村、西坡村、南坡村检查。",
    ],
)
def test_siblings_listed_after_a_place_share_its_parent(facts_of, text):
    f = facts_of(text)
    town = _region(f, "青山镇").key
    assert {r.label for r in f.regions if r.part_of == town} >= {"东坡村", "西坡村"}


def test_place_named_again_alone_is_the_same_place(facts_of):
    f = facts_of("县委书记张三丰深入白水镇东风村、红旗村调研。在东风村，张三丰察看了蔬菜基地。", title="南昌县新闻")
    assert [r.label for r in f.regions].count("东风村") == 1
    assert _label(f, _region(f, "东风村").part_of) == "白水镇"


@pytest.mark.parametrize(
    ("text", "zone", "parent"),
    [
        ("市长李四海到长沙高新区调研。", "长沙高新区", "长沙市"),
        ("市长李四海到江宁经开区检查。", "江宁经开区", "江宁区"),
    ],
)
def test_zone_named_after_a_division_is_part_of_it(facts_of, text, zone, parent):
    f = facts_of(text)
    assert _label(f, _region(f, zone).part_of) == parent


def test_facility_named_with_common_words_carries_its_place(facts_of):
    f = facts_of("省长王五先后来到长沙市第一医院、岳麓区青山镇便民服务中心检查。")
    labels = {r.label for r in f.regions}
    assert {"长沙市第一医院", "青山镇便民服务中心"} <= labels


def test_town_is_placed_in_the_county_of_the_article(facts_of):
    f = facts_of("县委书记张三丰深入青山镇、白水镇检查森林防火工作。", title="南昌县新闻")
    county = _region(f, "南昌县").key
    assert _region(f, "青山镇").part_of == county
    assert _region(f, "白水镇").part_of == county


# ---------------------------------------------------------------- events

@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("区委书记张三丰到青山镇检查防汛工作。", ("Inspection",)),
        ("区委书记张三丰到青山镇督导疫情防控工作。", ("Inspection",)),
        ("区委书记张三丰到青山镇看望慰问困难群众。", ("CondolenceVisit",)),
        ("区委书记张三丰到青山镇调研乡村振兴工作。", ("Research",)),
        ("区委书记张三丰主持召开区委常委会会议。", ("Meeting",)),
        ("区委书记张三丰走访慰问了青山镇的老党员。", ("Research", "CondolenceVisit")),
        ("区委书记张三丰率队赴余杭区考察学习。", ("Inspection",)),  # 考察 is an inspection visit
        ("区委书记张三丰在青山镇作宣讲报告。报告会以视频形式举办。", ("Meeting",)),  # what the next sentence says
    ],
)
def test_trigger_words_type_the_event(facts_of, text, kinds):
    assert _event(facts_of(text), "张三丰").kinds == kinds


def test_people_named_after_the_fact_take_part(facts_of):
    """出席座谈会的还有甲、乙和丙: people with no stated post, who took part in the leader's meeting."""
    e = _event(facts_of("市委书记赵六主持召开座谈会。出席座谈会的还有柯一帆、汪二朋和施三立等。"), "赵六")
    assert [k.split("（")[0] for k in e.participants] == ["柯一帆", "汪二朋", "施三立"]


def test_sentences_of_directives_go_on_with_what_was_said(facts_of):
    """市长甲强调，…。要深入实施某工程: the project is what was said, not where the mayor went."""
    f = facts_of("市长柯建森到白水镇调研。柯建森强调，要抓好春耕。要提高产量，深入实施东湖灌溉工程。")
    assert _places(f, _event(f, "柯建森")) == ["白水镇"]


def test_a_ceremony_is_an_event_where_it_is_held(facts_of):
    """在甲校毕业典礼上讲话: the official was at the school, in an event of no stated kind."""
    f = facts_of("省委书记柯建森在东湖大学毕业典礼上讲话。")
    e = _event(f, "柯建森")
    assert e.kinds == () and _places(f, e) == ["东湖大学"]


def test_a_long_dateline_leaves_the_subject_in_front(facts_of):
    text = ("青山日报南塘3月2日电（青山广播电视台记者柯小明、青山日报记者汪一凡、通讯员施小红）"
            "省长柯建森今天到白水镇检查防汛工作。")
    assert _event(facts_of(text), "柯建森").kinds == ("Inspection",)


@pytest.mark.parametrize(
    ("text", "leader", "participants"),
    [
        ("市委书记赵六到青山镇调研，市领导钱立新、孙海涛参加。", "赵六", ("钱立新", "孙海涛")),
        ("区长李四海一行到青山镇检查。区委常委、副区长周八陪同。", "李四海", ("周八",)),
        ("镇长包文成和镇人大主席韦红云一行来到新街社区看望老人。", "包文成", ("韦红云",)),  # in the party
        ("区委书记赵六来到青山街道调研。钱立新区长，区委常委孙海涛一同调研。", "赵六", ("钱立新", "孙海涛")),
        # the chair of the meeting the leader spoke at takes part in it
        ("5日，市政府召开廉政工作会议，市长赵六在会上强调，要严守纪律。副市长钱立新主持会议。", "赵六", ("钱立新",)),
        # who attends and speaks is the one the meeting is for
        ("全市组织工作会议5日召开。市委书记赵六出席会议并讲话。市委常委孙海涛主持会议。", "赵六", ("孙海涛",)),
        ("区委书记张三丰主持召开区委常委会会议。会上，区委副书记孙七通报了有关情况。", "张三丰", ("孙七",)),
        ("在区长李四海陪同下，市委书记赵六到青山镇调研。", "赵六", ("李四海",)),
        ("市委书记赵六主持召开市委常委会会议。市委副书记、市长吴九，市委副书记孙七出席会议。", "赵六",
         ("孙七", "吴九")),
        # who goes along (随行) takes part; 常务副镇长 is a title of its own
        ("市委常委叶立舟到高坑镇督导工作。区委常委邬海生等随行，镇党委副书记、常务副镇长黄立明等陪同。", "叶立舟",
         ("邬海生", "黄立明")),
        # names listed, then the others who attended, then what they all did
        ("区委书记赵六主持召开座谈会。副区长刘一民、李二干，有关部门负责人出席座谈会。", "赵六", ("刘一民", "李二干")),
    ],
)
def test_participants_join_the_leaders_event(facts_of, text, leader, participants):
    f = facts_of(text)
    assert sorted(_event(f, leader).participants) == sorted(participants)
    assert {e.leader for e in f.events} == {leader}


def test_who_attends_where_no_one_leads_yet_leads(facts_of):
    """甲在某地出席开幕式: an activity of no kind at a named place is an event, and 甲 leads it."""
    f = facts_of("4月8日，国务院副总理张立平在宜昌出席运动会开幕式。")
    e = _event(f, "张立平")
    assert _places(f, e) == ["宜昌市"] and e.kinds == () and e.date is not None


@pytest.mark.parametrize(("text", "leader", "places"), [
    ("委员长赵乐天6日至9日对哈萨克斯坦进行正式友好访问，在阿斯塔纳会见总统。", "赵乐天", ["哈萨克斯坦", "阿斯塔纳"]),
    ("1月21日，国务院副总理张立平在日内瓦出席联合国会议。", "张立平", ["日内瓦"]),  # no list holds it: the tagger does
])
def test_places_abroad_where_a_place_is_expected(facts_of, text, leader, places):
    f = facts_of(text)
    assert _places(f, _event(f, leader)) == places


def test_a_sentence_naming_no_one_that_goes_to_a_place_goes_on_with_the_leader(facts_of):
    f = facts_of("4月28日，副区长李立强到东风社区开展调研。同时，还结合环境整治工作，到东升村现场查看卫生情况。")
    assert _places(f, _event(f, "李立强")) == ["东风社区", "东升村"]


def test_a_sentence_that_opens_with_going_on_purpose_goes_on_with_the_leader(facts_of):
    f = facts_of("4月28日，副区长李立强到东风村看望老党员。专程赴五烈士陵墓，瞻仰烈士墓。")
    assert _places(f, _event(f, "李立强")) == ["东风村", "五烈士陵墓"]


def test_the_chair_of_the_activity_under_way_takes_part(facts_of):
    f = facts_of("国务院副总理张立平来到宜昌市，出席运动会开幕式。开幕式由湖北省省长李立新主持。")
    assert _event(f, "张立平").participants == ("李立新",)
    assert {e.leader for e in f.events} == {"张立平"}


def test_speakers_at_the_ceremony_take_part_and_its_leader_leads_on(facts_of):
    f = facts_of("国务院副总理张立平来到宜昌市，出席运动会开幕式。仪式上，局长王大志和副主席宋一增发表致辞。"
                 "仪式上，张立平宣布运动会开幕，随后来到东山体育馆察看。")
    e = _event(f, "张立平")
    assert sorted(e.participants) == ["宋一增", "王大志"] and _places(f, e) == ["宜昌市", "东山体育馆"]


def test_where_an_activity_was_held_is_where_its_leader_went(facts_of):
    f = facts_of("运动会火炬传递启动仪式8日在湖北省宜昌市举行。国务院副总理张立平出席仪式，点燃火炬。")
    assert _places(f, _event(f, "张立平")) == ["宜昌市"]


def test_who_attends_someone_else_s_meeting_takes_part(facts_of):
    f = facts_of("市委书记赵六到青山镇召开座谈会。副市长钱立新出席。")
    assert _event(f, "赵六").participants == ("钱立新",)
    assert {e.leader for e in f.events} == {"赵六"}


def test_who_is_escorted_by_people_not_named_leads(facts_of):
    f = facts_of("区长苏美珍在有关部门负责人陪同下，到青山镇检查防汛工作。")
    assert _places(f, _event(f, "苏美珍")) == ["青山镇"]


def test_an_acting_head_leads_his_own_visit(facts_of):
    f = facts_of("局长苏美珍探访家庭；署理环境及生态局局长葛立明在专员胡立华陪同下探访家庭。")
    assert _event(f, "葛立明").participants == ("胡立华",)


def test_visiting_families_is_research(facts_of):
    f = facts_of("房屋局局长葛立明在专员关一新陪同下，探访居民家庭。")
    e = _event(f, "葛立明")
    assert e.kinds == ("Research",) and e.participants == ("关一新",)


def test_companion_written_with_together_joins_the_event(facts_of):
    f = facts_of("区委书记张三丰与区长李四海一同到青山镇检查。")
    assert _event(f, "张三丰").participants == ("李四海",)
    assert len(f.events) == 1


def test_person_met_with_is_not_a_participant(facts_of):
    f = facts_of("区委书记张三丰到青山镇检查，向镇长王五了解情况。")
    assert _event(f, "张三丰").participants == ()


def test_pronoun_continues_the_leader(facts_of):
    f = facts_of("区委书记张三丰到青山镇检查。他来到东风村，看望慰问困难群众。")
    e = _event(f, "张三丰")
    assert _places(f, e) == ["青山镇", "东风村"]
    assert e.kinds == ("Inspection", "CondolenceVisit")


@pytest.mark.parametrize(
    "text",
    [
        "区委书记张三丰到岳麓区检查。他强调，要做好余杭区的防疫工作。",
        "区委书记张三丰在岳麓区调研时指出，要学习余杭区的经验。",
    ],
)
def test_places_in_speech_are_not_visits(facts_of, text):
    f = facts_of(text)
    assert _places(f, _event(f, "张三丰")) == ["岳麓区"]


def test_person_on_whose_behalf_a_visit_is_made_does_not_lead_it(facts_of):
    f = facts_of("受市委书记赵六委托，区委书记张三丰到青山镇看望慰问困难党员。")
    assert [e.leader for e in f.events] == ["张三丰"]
    assert _event(f, "张三丰").participants == ()


def test_leaders_who_go_separately_lead_their_own_events(facts_of):
    f = facts_of("县委书记张三丰，县委副书记、县长李四海分别带队到青山镇、白水镇检查。", title="南昌县新闻")
    assert _places(f, _event(f, "张三丰")) == ["青山镇"]
    assert _places(f, _event(f, "李四海")) == ["白水镇"]


def test_leaders_listed_with_a_collective_noun_go_separately(facts_of):
    f = facts_of("6月20日，区委书记张三丰，区长李四海，区政协主席孙七等区领导分别带队深入各镇街检查。",
                 title="岳麓区新闻", published="2022-06-21")
    assert sorted(e.leader for e in f.events) == ["孙七", "张三丰", "李四海"]
    assert {e.date for e in f.events} == {"2022-06-20"}
    assert all(e.participants == () for e in f.events)


def test_events_are_per_leader_and_section(facts_of):
    f = facts_of("区委书记张三丰到青山镇检查。\n区长李四海到白水镇调研。\n区委书记张三丰到东风村慰问。")
    assert sorted(e.leader for e in f.events) == ["张三丰", "李四海"]
    assert _places(f, _event(f, "张三丰")) == ["青山镇", "东风村"]
    f = facts_of("防汛一线\n区委书记张三丰到青山镇检查。\n关爱困难群众\n区委书记张三丰到东风村慰问。")
    assert [(e.kinds, _places(f, e)) for e in f.events] == [(("Inspection",), ["青山镇"]),
                                                           (("CondolenceVisit",), ["东风村"])]


def test_no_event_without_a_trigger(facts_of):
    assert facts_of("区委书记张三丰表示，要做好防汛工作。").events == []


# ---------------------------------------------------------------- discourse found on unseen articles

def _labels(facts, keys) -> set[str]:
    return {r.label for r in facts.regions if r.key in keys}


def _part_of(facts) -> set[tuple[str, str]]:
    by_key = {r.key: r for r in facts.regions}
    return {(r.label, by_key[r.part_of].label) for r in facts.regions if r.part_of in by_key}


def test_places_in_a_report_heard_are_not_visits(facts_of):
    facts = facts_of("6月2日，县委书记张三丰到青山镇调研，听取东风镇、县水利局工作汇报。", title="南昌县新闻")
    [event] = facts.events
    assert _labels(facts, event.places) == {"青山镇"}


def test_located_in_phrase_gives_containment_and_a_visit(facts_of):
    text = "6月2日，区委书记张三丰到余杭区调研。位于青山镇的东方红机械有限公司主要生产农机。张三丰走进生产车间。"
    facts = facts_of(text)
    [event] = facts.events
    assert "东方红机械有限公司" in _labels(facts, event.places)
    assert ("东方红机械有限公司", "青山镇") in _part_of(facts)


def test_fronted_place_contains_the_facility_visited(facts_of):
    facts = facts_of("在青山镇，县长李四海来到红星农业有限公司，察看生产情况。", title="南昌县新闻")
    assert ("红星农业有限公司", "青山镇") in _part_of(facts)


def test_same_day_paragraph_takes_the_date_just_reported(facts_of):
    text = ("5月8日，区委书记张三丰到青山镇调研。\n"
            "同日，区人大常委会主任李四海到东风村走访慰问困难群众。\n")
    facts = facts_of(text, title="余杭区新闻", published="2023-05-09")
    dates = {e.leader: e.date for e in facts.events}
    assert dates == {"张三丰": "2023-05-08", "李四海": "2023-05-08"}


def test_inspection_group_continues_the_leader(facts_of):
    text = ("4月2日，市政协副主席张三丰带领部分委员视察教育工作。\n"
            "视察组一行先后来到东城中学、西湖小学，察看课后服务情况。\n")
    facts = facts_of(text, title="长沙市政协视察教育工作")
    [event] = facts.events
    assert _labels(facts, event.places) == {"东城中学", "西湖小学"}


def test_town_people_congress_is_not_a_standing_committee(facts_of):
    facts = facts_of("青山镇党委书记张三丰、镇人大主席李四海到东风村检查工作。", title="南昌县新闻")
    orgs = {h.post.org for h in facts.holdings if h.person == "李四海"}
    assert any(o and o.endswith("青山镇人大") for o in orgs)


def test_village_named_alone_lies_in_the_town_named_before(facts_of):
    text = "9月1日，青山镇党委书记张三丰一行先后走访东风村、红旗村，看望慰问困难群众。"
    facts = facts_of(text, title="南昌县新闻")
    assert {("东风村", "青山镇"), ("红旗村", "青山镇")} <= _part_of(facts)


def test_bare_facility_after_a_town_is_named_after_it(facts_of):
    facts = facts_of("9月1日，县长张三丰来到青山镇敬老院，看望在院老人。", title="南昌县新闻")
    [event] = facts.events
    assert _labels(facts, event.places) == {"青山镇敬老院"}


def test_short_city_name_before_a_district_picks_that_district(facts_of):
    facts = facts_of("9月1日，区委书记张三丰到南京鼓楼区调研。")  # four cities have a 鼓楼区
    region = next(r for r in facts.regions if r.label == "鼓楼区")
    assert region.adcode == "320106"


def test_unlisted_department_attaches_to_the_jurisdiction(facts_of):
    facts = facts_of("副区长、公安江宁分局局长张三丰陪同检查。", title="江宁区新闻")
    assert ("张三丰", "局长", "江宁区公安江宁分局") in {(h.person, h.post.title, h.post.org) for h in facts.holdings}


def test_surname_and_title_refer_back_to_the_official(facts_of):
    text = "6月1日，区委常委、宣传部部长李四海到青山镇检查工作。\n在东风村，李部长详细了解文化建设情况。"
    facts = facts_of(text, title="岳麓区新闻")
    [event] = facts.events
    assert event.leader == "李四海" and "东风村" in _labels(facts, event.places)
    assert {p.key for p in facts.persons} == {"李四海"}


def test_same_leader_on_another_day_is_another_event(facts_of):
    text = "昨天，县长张三丰到青山镇检查防汛工作。\n今天，张三丰主持召开防汛调度会议。\n"
    facts = facts_of(text, title="南昌县新闻", published="2023-06-15")
    assert {(e.kinds, e.date) for e in facts.events} == {(("Inspection",), "2023-06-14"), (("Meeting",), "2023-06-15")}


def test_date_of_a_sentence_without_the_leader_does_not_split_the_event(facts_of):
    text = ("11月8日，市委书记张三丰到东城区检查工作。\n"
            "11月5日起，东城区青山小区被划定为高风险区。张三丰来到这里，察看防控情况。\n")
    facts = facts_of(text, published="2022-11-09")
    [event] = facts.events
    assert event.date == "2022-11-08" and "青山小区" in _labels(facts, event.places)


def test_publisher_naming_city_and_district_gives_the_context(facts_of):
    from kg.extract import extract
    from kg.model import SourceText
    from kg.normalise import normalise
    from kg.resolve import resolve

    text = "5月12日，区委副书记、代区长张三丰到青山镇检查防汛工作。"
    page = normalise(SourceText("t.txt", "t.txt", text, "utf-8", text, tuple(range(len(text) + 1)),
                                publisher="北京房山网"))
    facts = resolve(page, extract(page))
    assert ("张三丰", "代区长", "房山区政府") in {(h.person, h.post.title, h.post.org) for h in facts.holdings}


def test_company_registered_under_its_county_keeps_the_county_name(facts_of):
    facts = facts_of("随后，县长张三丰一行来到南昌县天山果业有限公司，察看生产线。", title="南昌县新闻")
    assert ("南昌县天山果业有限公司", "南昌县") in _part_of(facts)


def test_kindergarten_named_after_its_town(facts_of):
    facts = facts_of("5月12日，县长张三丰到青山镇调研。\n在青山镇中心幼儿园，张三丰走进教室。", title="南昌县新闻")
    assert "青山镇中心幼儿园" in {r.label for r in facts.regions}


# ---------------------------------------------------------------- posts as the text states them

def test_a_title_whose_region_is_unknown_is_still_a_post_with_no_jurisdiction(facts_of):
    f = facts_of("市长刘海东在会上说，要抓好春耕。")
    assert _posts(f) == {("刘海东", "市长", "市政府")}
    assert _org(f, "市政府").jurisdiction is None


def test_a_chain_across_organisations_gives_one_post_each(facts_of):
    f = facts_of("副县长、公安局党委书记、局长孙立平到青山镇检查。", title="南昌县新闻")
    assert _posts(f) == {("孙立平", "副县长", "南昌县政府"), ("孙立平", "书记", "南昌县公安局党委"),
                         ("孙立平", "局长", "南昌县公安局")}


def test_the_executive_deputy_head_of_a_town(facts_of):
    f = facts_of("镇党委副书记、常务副镇长黄立明到东风村检查。")
    assert ("黄立明", "常务副镇长", "镇政府") in _posts(f)


def test_a_unit_after_a_body_s_party_committee_is_a_unit_of_that_body(facts_of):
    f = facts_of("市公安局党委委员、政治部主任钟海文到青山镇调研。", title="南昌市新闻")
    assert _posts(f) == {("钟海文", "委员", "南昌市公安局党委"), ("钟海文", "主任", "南昌市公安局政治部")}


@pytest.mark.parametrize(("text", "posts"), [
    ("中共中央政治局委员、国务院副总理张伟在会上讲话。",
     {("张伟", "委员", "中共中央政治局"), ("张伟", "副总理", "国务院")}),
    ("中共中央政治局常委、书记处书记张伟出席。",
     {("张伟", "常委", "中共中央政治局"), ("张伟", "书记", "中共中央书记处")}),
    ("国务委员张伟出席。", {("张伟", "国务委员", "国务院")}),
    ("瑞典国防部长安德松访问了长沙。", {("安德松", "部长", "瑞典国防部")}),
    ("国家发展改革委副主任陈立新介绍了有关情况。", {("陈立新", "副主任", "国家发展改革委")}),
])
def test_central_and_foreign_organisations_need_no_jurisdiction(facts_of, text, posts):
    f = facts_of(text)
    assert _posts(f) == posts
    assert all(o.jurisdiction is None for o in f.organizations)


@pytest.mark.parametrize(("text", "org"), [
    ("环境及生态局局长王立明探访居民家庭。", "环境及生态局"),  # 及 inside a name, as 和 in 文化和旅游部
    ("发展及规划局局长陈立宝探访居民家庭。", "发展及规划局"),  # a name opening with a verbal noun
    ("署理环境及生态局局长葛立明探访居民家庭。", "环境及生态局"),  # 署理 (acting) is no part of the name
])
def test_a_bureau_named_with_a_joining_word(facts_of, text, org):
    assert {o for _, _, o in _posts(facts_of(text))} == {org}


def test_an_office_named_after_its_city_is_spelled_with_it(facts_of):
    f = facts_of("副市长李明来到湘潭市司法局，了解有关情况。")
    assert "湘潭市司法局" in _places(f, _event(f, "李明"))


# ---------------------------------------------------------------- events as a reader sees them

def test_a_leader_named_as_the_object_of_study_leads_nothing(facts_of):
    f = facts_of("区委书记王芳主持召开会议，学习张伟同志在青山镇考察时的讲话精神。")
    assert [e.leader for e in f.events] == ["王芳"]


@pytest.mark.parametrize("text", [
    "受张伟同志委托，副市长李明到青山镇看望慰问困难群众。",
    "副市长李明代表张伟同志到青山镇看望慰问困难群众。",
])
def test_who_acts_on_someone_s_behalf_leads(facts_of, text):
    f = facts_of(text)
    assert [e.leader for e in f.events] == ["李明"]


def test_officials_escorting_the_leader_take_part(facts_of):
    f = facts_of("在省委书记王芳、省长李明陪同下，副总理张伟来到东湖大学考察。")
    event = _event(f, "张伟")
    assert set(event.participants) == {"王芳", "李明"}
    assert "东湖大学" in _places(f, event)


def test_speakers_at_the_leader_s_meeting_take_part(facts_of):
    f = facts_of("市长刘海东主持召开座谈会。王芳、李明等先后发言。")
    event = _event(f, "刘海东")
    assert {p.split("（")[0] for p in event.participants} == {"王芳", "李明"}
    assert len(f.events) == 1


def test_whom_others_work_under_leads(facts_of):
    f = facts_of("在青枫花园小区，在副市长李明带领下，干部们开展物资保供工作。")
    assert _places(f, _event(f, "李明")) == ["青枫花园小区"]


def test_a_leader_who_names_no_trigger_yet_went_somewhere_first(facts_of):
    f = facts_of("省委书记王芳在湘潭作报告。王芳还来到东湖大学调研。")
    assert {"湘潭市", "东湖大学"} <= set(_places(f, _event(f, "王芳")))


def test_a_span_of_days_gives_its_first_day(facts_of):
    f = facts_of("省长王芳1月3日至5日在湖南调研。", published="2026-01-06")
    event = _event(f, "王芳")
    assert event.date == "2026-01-03" and "湖南省" in _places(f, event)


def test_a_sentence_that_goes_on_without_naming_the_leader_keeps_its_places_only_after_a_verb(facts_of):
    f = facts_of("县长王芳到青山镇调研。去年，甲公司员工迁入东湖新区。随后来到东风村。")
    places = _places(f, _event(f, "王芳"))
    assert "东风村" in places and not any("东湖" in p for p in places)


def test_a_chain_whose_county_is_unknown_keeps_the_county_level_in_each_organisation(facts_of):
    f = facts_of("副县长、公安局党委书记、局长孙立平到青山镇检查。")
    assert _posts(f) == {("孙立平", "副县长", "县政府"), ("孙立平", "书记", "县公安局党委"),
                         ("孙立平", "局长", "县公安局")}
    assert all(o.jurisdiction is None for o in f.organizations)


def test_a_facility_inside_a_facility_keeps_its_own_name(facts_of):
    """在甲村党群服务站，…察看“家门口”服务站: named after a region, never after another facility."""
    f = facts_of("在东风村党群服务站，县长柯建森察看“家门口”服务站运行情况。")
    assert "东风村党群服务站家门口服务站" not in {r.label for r in f.regions}
