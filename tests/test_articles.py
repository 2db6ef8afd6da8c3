"""Realistic articles the rules were not written from: one HTML page, one GBK text, one JSONL feed.

The names and places are invented (divisions are real but not those of the seeds); each test
states what a reader of the article would expect the graph to say.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.load import load
from kg.pipeline import facts_of

ARTICLES = Path(__file__).parent / "data" / "articles"


def facts(name: str, index: int = 0):
    return facts_of(load(ARTICLES / name)[index])


def posts(f) -> set[tuple[str, str, str | None]]:
    return {(h.person, h.post.title, h.post.org) for h in f.holdings}


def region_label(f, key: str) -> str:
    return next(r.label for r in f.regions if r.key == key)


def test_html_page_main_text_metadata_and_bylines():
    f = facts("county_inspection.html")
    assert f.page.published.startswith("2023-04-12")
    assert {(p.name, p.role) for p in f.persons if not p.official} == {("周文", "记者"), ("吴敏", "通讯员")}
    assert "赵大伟" not in {p.name for p in f.persons}  # a teaser in 相关新闻 is not the article


def test_html_page_posts_in_county_context():
    f = facts("county_inspection.html")
    assert {("王建国", "书记", "南昌县委"), ("刘志明", "副书记", "南昌县委"), ("刘志明", "县长", "南昌县政府"),
            ("陈晓峰", "常委", "南昌县委")} <= posts(f)


def test_html_page_one_research_event_with_companions_and_villages():
    f = facts("county_inspection.html")
    [event] = [e for e in f.events if e.leader == "王建国"]
    assert {"Research", "Inspection", "CondolenceVisit", "Meeting"} >= set(event.kinds) >= {"Research"}
    assert set(event.participants) >= {"刘志明", "陈晓峰"}
    assert {region_label(f, k) for k in event.places} >= {"新联村", "东湖村"}
    assert event.date == "2023-04-11"
    assert not [e for e in f.events if e.leader == "刘志明"]  # 陪同 makes him a companion, not a leader


def test_html_offsets_point_into_the_html_source():
    f = facts("county_inspection.html")
    raw = f.source.raw
    for h in f.holdings:
        ev = h.post.evidence
        assert raw[ev.start:ev.end] == ev.text and "王建国" in raw


def test_gbk_meeting_attendees_are_participants():
    f = facts("city_meeting_gbk.txt")
    assert f.source.encoding == "gb18030"
    leaders = {e.leader for e in f.events}
    assert leaders == {"孙国强"}
    attendees = {p for e in f.events for p in e.participants}
    assert {"郑海涛", "钱文华", "何立新", "周明", "冯亮"} <= attendees
    assert any(e.date == "2023-05-19" and "Meeting" in e.kinds for e in f.events)


def test_gbk_people_congress_and_cppcc_posts():
    f = facts("city_meeting_gbk.txt")
    titles = {(p, t) for p, t, _ in posts(f)}
    assert {("钱文华", "主任"), ("何立新", "主席"), ("郑海涛", "市长"), ("孙国强", "书记")} <= titles
    assert {p.name for p in f.persons if not p.official} == {"黄丽"}


@pytest.mark.parametrize("index, leader, post, place, date", [
    (0, "马志远", ("马志远", "书记", "岳麓区委"), "洋湖街道", "2023-09-03"),
    (1, "谢云飞", ("谢云飞", "区长", "余杭区政府"), "良渚街道", "2023-08-30"),
])
def test_jsonl_records_are_documents_with_their_metadata(index, leader, post, place, date):
    f = facts("feed.jsonl", index)
    assert f.source.source == f"feed.jsonl#{index + 1}"
    assert post in posts(f)
    [event] = [e for e in f.events if e.leader == leader]
    assert event.date == date and place in {region_label(f, k) for k in event.places}


def test_jsonl_traditional_record_keeps_original_spelling():
    f = facts("feed.jsonl", 0)
    person = next(p for p in f.persons if p.name == "马志远")
    assert person.original == "馬志遠" and f.page.script == "zh-Hant"
    assert f.page.publisher == "岳麓新闻"
