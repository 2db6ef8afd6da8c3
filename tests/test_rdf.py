"""Facts → RDF: typed dates, stable readable IRIs, labels in both scripts, one graph per document."""

from __future__ import annotations

import pytest
from conftest import add_facts, new_dataset, union
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.model import SourceText
from kg.pipeline import facts_of
from kg.rdf import _date_type, doc_iri, iri
from kg.vocab import OK, PROV, RES


def source(text: str, name: str = "t.txt") -> SourceText:
    return SourceText(source=name, path=name, raw=text, encoding="utf-8", text=text,
                      offsets=tuple(range(len(text) + 1)))


TRAD = ("2023-03-02 10:00:00 來源:東城日報\n\n"
        "3月1日，岳麓區委書記張三豐帶隊到青山鎮東風村檢查春耕工作，看望慰問村民。\n")


@pytest.mark.parametrize("value, datatype", [
    ("2022-11-08", XSD.date),
    ("2022-11-09T09:36:31", XSD.dateTime),
    ("--03-29", XSD.gMonthDay),
])
def test_date_types(value, datatype):
    assert _date_type(value) == datatype


def test_iri_is_readable_and_escapes_spaces():
    assert iri("person", "张三丰") == URIRef(str(RES) + "person/张三丰")
    assert " " not in str(iri("place", "东城 区"))


def graph_of(text: str, name: str = "t.txt"):
    ds = new_dataset()
    facts = facts_of(source(text, name))
    add_facts(ds, facts)
    return ds, union(ds), facts


def test_traditional_article_gets_both_labels():
    _, g, _ = graph_of(TRAD)
    person = iri("person", "张三丰")
    labels = {(str(o), o.language) for o in g.objects(person, RDFS.label)}
    assert ("张三丰", "zh-Hans") in labels and ("張三豐", "zh-Hant") in labels
    assert (person, RDF.type, OK.Official) in g


def test_event_carries_leader_place_type_and_date():
    _, g, _ = graph_of(TRAD)
    events = list(g.subjects(OK.leader, iri("person", "张三丰")))
    assert len(events) == 1
    ev = events[0]
    assert (ev, RDF.type, OK.Inspection) in g and (ev, RDF.type, OK.CondolenceVisit) in g
    assert (ev, OK.date, Literal("2023-03-01", datatype=XSD.date)) in g
    places = {str(o) for p in g.objects(ev, OK.place) for o in g.objects(p, RDFS.label)}
    assert "东风村" in places


def test_post_is_spelled_out_with_jurisdiction():
    _, g, _ = graph_of(TRAD)
    posts = list(g.objects(iri("person", "张三丰"), OK.holdsPost))
    assert [str(g.value(p, OK.title)) for p in posts] == ["书记"]
    org = g.value(posts[0], OK.postIn)
    assert Literal("岳麓区委", lang="zh-Hans") in set(g.objects(org, RDFS.label))
    region = g.value(org, OK.jurisdiction)
    assert str(g.value(region, OK.adcode)) == "430104"


def test_each_document_has_its_own_named_graph():
    ds = new_dataset()
    for name in ("a.txt", "b.txt"):
        add_facts(ds, facts_of(source(TRAD, name)))
    a, b = doc_iri("a"), doc_iri("b")
    assert (a, RDF.type, OK.Document) in ds.graph(a)
    assert (a, RDF.type, OK.Document) not in ds.graph(b)
    g = union(ds)
    person = iri("person", "张三丰")
    assert set(g.objects(person, PROV.wasDerivedFrom)) == {a, b}  # one node across documents


def test_a_post_whose_region_is_unknown_keeps_its_organisation_as_written():
    text = "6月1日，区委书记张三丰到青山镇检查防汛工作。\n"  # no district named: whose 区委?
    f = facts_of(source(text, "x.txt"))
    assert [(h.person, h.post.title, h.post.org) for h in f.holdings] == [("张三丰", "书记", "区委")]
    ds = new_dataset()
    add_facts(ds, f)
    g = union(ds)
    person = iri("person", "张三丰")
    assert (person, RDF.type, OK.Official) in g
    post = next(g.objects(person, OK.holdsPost))
    org = next(g.objects(post, OK.postIn))
    assert str(next(g.objects(org, RDFS.label))) == "区委"
    assert list(g.objects(org, OK.jurisdiction)) == []  # never guessed
