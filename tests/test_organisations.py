"""Tests for kg.extract.organisations: the [prefix][place or level][name][suffix] grammar.

Every organisation is written here by hand; the grammar reads them from their suffixes (kg/data/organs.tsv),
not from a list of known bodies, so most of these bodies are invented.
"""

from __future__ import annotations

import pytest

from kg.extract.organisations import parse_org


def _units(written: str) -> list[tuple[str, str]]:
    org = parse_org(written)
    assert org is not None, f"{written} not read as an organisation"
    return [(u.name, u.form) for u in org.units]


@pytest.mark.parametrize(("written", "units"), [
    ("省银保监局", [("银保监", "局")]),
    ("市卫生健康委员会", [("卫生健康", "委员会")]),
    ("县水利局", [("水利", "局")]),
    ("开发区管委会", [("开发区", "管委会")]),
    ("区委政法委", [("", "委"), ("", "政法委")]),
    ("市政协文化文史和学习委员会", [("", "政协"), ("文化文史和学习", "委员会")]),
    ("科学技术部", [("科学技术", "部")]),  # 科|学技术 would cut a word
    ("东湖大学历史学系", [("东湖", "大学"), ("历史学", "系")]),
    ("南昌县县委", [("", "委")]),  # the county, then its level again: the county's party committee
    ("长沙市市场监管局", [("市场监管", "局")]),  # 市场 is a word, not the level again
    ("民进中央", [("", "民进"), ("", "中央")]),  # a democratic party, then its central committee
])
def test_units_are_read_right_to_left_by_their_suffixes(written, units):
    assert _units(written) == units


@pytest.mark.parametrize(("written", "place", "level", "national", "foreign"), [
    ("浙江省委", "浙江省", None, False, False),
    ("浙江省公安厅", "浙江省", None, False, False),
    ("江宁区青山镇党委", "江宁区青山镇", None, False, False),
    ("省委", None, "省", False, False),
    ("自治区", None, "省", False, False),
    ("国家发展改革委", None, None, True, False),
    ("全国政协", None, None, True, False),
    ("最高人民检察院", None, None, True, False),
    ("中共中央政治局", None, None, True, False),
    ("美国", "美国", None, False, True),
    ("瑞典国防部", "瑞典", None, False, True),
])
def test_place_level_and_national_words_are_read_in_front(written, place, level, national, foreign):
    org = parse_org(written)
    assert org is not None
    assert (org.place, org.level, org.national, org.foreign) == (place, level, national, foreign)


@pytest.mark.parametrize(("written", "public"), [
    ("县水利局", True),
    ("市总工会", True),  # a people's organisation
    ("省作家协会", True),  # an association: its 主席 is reported as an official
    ("东湖大学", True),  # its 校长 too
    ("甲乙电子有限公司", False),
    ("省农业科学院", False),  # an academy: its 院士 and 研究员 are not officials
    ("青山日报社", False),
    ("县人民医院", False),
    ("甲乙电子有限公司业务部", False),  # the outermost organisation decides
    ("国务院发展研究中心", True),
])
def test_the_outermost_organisation_says_whether_its_posts_are_public(written, public):
    org = parse_org(written)
    assert org is not None and org.public is public


@pytest.mark.parametrize("written", ["研究报告", "中央宣讲团", "工作", "青山镇"])
def test_words_that_end_with_no_organ_are_no_organisation(written):
    assert parse_org(written) is None


def test_a_named_commission_is_the_state_s_a_bare_committee_the_party_s():
    assert parse_org("县发展改革委").kind == "state"
    assert parse_org("县委").kind == "party"
