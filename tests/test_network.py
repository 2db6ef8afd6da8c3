"""The knowledge network read from RDF: classes, Chinese edge words, details, projections."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.network import (
    NetworkError,
    co_participation,
    entity_graph,
    find,
    knowledge_network,
    neighbourhood,
    official_visits,
    project,
)

SMALL = Path(__file__).parent / "data" / "view" / "small.ttl"
R = "https://w3id.org/officials-kg/resource/"
WANG, LI, EVIL, SUN = R + "person/王大明", R + "person/李小红", R + "person/evil", R + "person/孙一"
EVIL_NAME = "</script><script>window.pwned=1</script>\"周'"


@pytest.fixture(scope="module")
def net():
    return knowledge_network(Graph().parse(SMALL))


def edges(graph, label_of=None):
    label_of = label_of or graph
    return {(label_of.nodes[s]["label"], d["label"], label_of.nodes[o]["label"]) for s, o, d in graph.edges(data=True)}


def test_every_class_is_a_node_with_its_label(net):
    kinds = {d["label"]: d["kind"] for _, d in net.nodes(data=True)}
    assert kinds["王大明"] == "Official" and kinds["赵四"] == "Person" and kinds[EVIL_NAME] == "Official"
    assert kinds["青山县委"] == "Organization" and kinds["绿水公司"] == "Place" and kinds["青山县"] == "Place"
    assert kinds["王大明检查"] == "Event" and kinds["周会议"] == "Event"
    assert kinds["a.txt"] == "Document"  # an article without a title label is named by its file
    assert len(net) == 17  # 5 people, 2 organisations, 4 places, 4 events, 2 articles; posts are not nodes


def test_edges_carry_chinese_words_in_the_direction_of_the_fact(net):
    e = edges(net)
    assert ("王大明", "任职", "青山县委") in e
    assert ("青山县委", "隶属", "青山县") in e
    assert ("王大明", "带队", "王大明检查") in e and ("李小红", "参加", "王大明检查") in e
    assert ("王大明检查", "地点", "绿水公司") in e
    assert ("红旗村", "位于", "东风镇") in e
    assert ("王大明检查", "来源", "a.txt") in e
    assert ("赵四", "来源", "a.txt") in e  # a reporter in no event still hangs off the article
    assert not any(s == "王大明" and w == "来源" for s, w, _ in e)  # officials in events do not
    assert len(e) == net.number_of_edges() == 27


def test_details_say_posts_events_and_evidence_with_file(net):
    d = net.nodes[WANG]["details"]
    assert d["posts"] == [{"title": "书记", "org": "青山县委"}]
    assert [(e["date"], e["label"], e["as"]) for e in d["events"]] == [
        ("--06-02", "李小红调研", "participant"), ("2023-06-01", "王大明检查", "leader"), ("", "周会议", "participant")]
    assert {"text": "县委书记王大明带队到红旗村检查防汛工作。", "file": "a.txt"} in d["evidence"]
    place = net.nodes[R + "place/红旗村"]["details"]
    assert place["partOf"] == ["东风镇", "青山县"]
    assert [v["label"] for v in place["visits"]] == ["王大明检查", "孙一检查", "周会议"]
    org = net.nodes[R + "org/青山县委"]["details"]
    assert org["jurisdiction"] == "青山县"
    assert sorted(h["title"] for h in org["holders"]) == ["书记", "常委"]


def test_a_posts_sentence_is_evidence_only_for_the_holder_it_names(net):
    """The post 青山县委/常委 is shared; its sentence must not become another holder's evidence."""
    texts = [e["text"] for e in net.nodes[EVIL]["details"]["evidence"]]
    assert "县委书记王大明带队到红旗村检查防汛工作。" not in texts


def test_co_participation_counts_shared_events(net):
    co = co_participation(net)
    assert {frozenset((a, b)): w for a, b, w in co.edges(data="weight")} == {
        frozenset((WANG, LI)): 2, frozenset((WANG, EVIL)): 2, frozenset((LI, EVIL)): 1}
    assert SUN in co and co.degree(SUN) == 0


def test_official_visits_counts_events_per_place(net):
    visits = official_visits(net)
    assert visits[WANG][R + "place/红旗村"]["weight"] == 2  # led 王大明检查, joined 周会议
    assert visits[SUN][R + "place/青山县"]["weight"] == 1


@pytest.mark.parametrize("kind, classes, words", [
    ("officials", {"Official", "Organization"}, {"任职", "同场 ×2", "同场"}),
    ("places", {"Official", "Place"}, {"到访", "到访 ×2", "位于"}),
    ("events", {"Event", "Official", "Place", "Document"}, {"带队", "参加", "地点", "来源"}),
])
def test_projections_keep_their_classes_and_edges(net, kind, classes, words):
    graph = project(net, kind)
    assert {k for _, k in graph.nodes(data="kind")} == classes
    assert {d["label"] for *_, d in graph.edges(data=True)} == words


def test_unknown_kind_is_an_error(net):
    with pytest.raises(NetworkError, match="officials"):
        project(net, "people")


def test_neighbourhood_and_find(net):
    assert find(net, "王大明")[0] == WANG
    assert find(net, "周")[0] == EVIL  # by part of a name, officials first
    assert find(net, "不存在") == []
    near = neighbourhood(net, WANG, 1)
    labels = {d["label"] for _, d in near.nodes(data=True)}
    assert labels == {"王大明", "青山县委", "王大明检查", "李小红调研", "周会议"}


def test_entity_graph_leaves_out_articles(net):
    simple = entity_graph(net)
    assert "Document" not in {k for _, k in simple.nodes(data="kind")}
    assert simple.degree(WANG) == 4


def test_the_network_of_a_builds_sorted_triples_is_the_network_of_its_rdflib_graph(net):
    """The pages read the spool's triples in one pass; `kg view` reads an rdflib graph: same network."""
    from kg.network import triples_of_graph
    from kg.quads import QuadSpool

    spool = QuadSpool(budget=40)  # spills sorted runs to disk: the merged read is what the pages see
    spool.add(R + "doc/all", list(triples_of_graph(Graph().parse(SMALL))))
    streamed = knowledge_network(spool.union())
    assert list(streamed.nodes(data=True)) == list(net.nodes(data=True))
    assert sorted(streamed.edges(data="label")) == sorted(net.edges(data="label"))
