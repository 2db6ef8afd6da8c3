"""kg stats: every figure checked against networkx run directly on the same small graph, written out by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.network import knowledge_network
from kg.stats import compute

SMALL = Path(__file__).parent / "data" / "view" / "small.ttl"
EVIL_NAME = "</script><script>window.pwned=1</script>\"周'"

# tests/data/view/small.ttl as an undirected graph of who is linked to what, articles left out, by hand
BY_HAND = [
    ("王大明", "青山县委"), ("王大明", "王大明检查"), ("王大明", "李小红调研"), ("王大明", "周会议"),
    ("李小红", "青山县政府"), ("李小红", "王大明检查"), ("李小红", "李小红调研"),
    ("周", "青山县委"), ("周", "李小红调研"), ("周", "周会议"), ("孙一", "孙一检查"),
    ("青山县委", "青山县"), ("青山县政府", "青山县"),
    ("东风镇", "青山县"), ("红旗村", "东风镇"), ("绿水公司", "东风镇"),
    ("王大明检查", "红旗村"), ("王大明检查", "绿水公司"), ("孙一检查", "红旗村"), ("孙一检查", "青山县"),
    ("李小红调研", "东风镇"), ("周会议", "红旗村"),
]


@pytest.fixture(scope="module")
def figures():
    return compute(knowledge_network(Graph().parse(SMALL)))


def by_name(figures):
    return {("周" if o.name == EVIL_NAME else o.name): o for o in figures.officials}


def test_degree_and_betweenness_match_networkx(figures):
    expected = nx.Graph(BY_HAND)
    expected.add_node("赵四")  # the reporter: linked to nothing but the article
    betweenness = nx.betweenness_centrality(expected)
    officials = by_name(figures)
    assert set(officials) == {"王大明", "李小红", "周", "孙一"}
    for name, o in officials.items():
        assert o.degree == expected.degree(name), name
        assert o.betweenness == pytest.approx(betweenness[name], abs=1e-6), name
    assert [o.name for o in figures.officials][:1] == ["王大明"]  # ranked by degree
    assert figures.betweenness_sources is None  # small: exact


def test_co_participation_matches_networkx(figures):
    co = nx.Graph()
    co.add_nodes_from(["王大明", "李小红", "周", "孙一"])
    co.add_weighted_edges_from([("王大明", "李小红", 2), ("王大明", "周", 2), ("李小红", "周", 1)])
    officials = by_name(figures)
    for name, o in officials.items():
        assert o.co_participants == co.degree(name)
        assert o.shared_events == co.degree(name, weight="weight")
    pairs = {frozenset(("周" if n == EVIL_NAME else n) for n in (p.a, p.b)): p.events for p in figures.pairs}
    assert pairs == {frozenset(e[:2]): e[2]["weight"] for e in co.edges(data=True)}
    assert [p.events for p in figures.pairs] == [2, 2, 1]
    assert (officials["王大明"].events_led, officials["王大明"].events_joined) == (1, 2)


def test_places_ranked_by_visits(figures):
    assert [(p.name, p.events, p.officials) for p in figures.places] == [
        ("红旗村", 3, 4), ("东风镇", 1, 3), ("绿水公司", 1, 2), ("青山县", 1, 1)]


def test_communities_group_officials_seen_together(figures):
    assert len(figures.communities) == 1
    assert {("周" if n == EVIL_NAME else n) for n in figures.communities[0]} == {"王大明", "李小红", "周"}
    assert by_name(figures)["孙一"].community is None


def test_counts_per_class_and_edge_kind(figures):
    assert {k: v for k, v in figures.counts.items() if not k.startswith("edges:")} == {
        "Official": 4, "Person": 1, "Organization": 2, "Place": 4, "Event": 4, "Document": 2}
    assert figures.counts["edges:post"] == 3 and figures.counts["edges:partOf"] == 3


def test_large_graphs_estimate_betweenness_from_a_sample(monkeypatch):
    import kg.stats

    monkeypatch.setattr(kg.stats, "EXACT_BETWEENNESS_MAX", 5)
    monkeypatch.setattr(kg.stats, "BETWEENNESS_SAMPLE", 6)
    figures = compute(knowledge_network(Graph().parse(SMALL)))
    assert figures.betweenness_sources == 6
    assert "estimated from 6 sources" in figures.to_text()


def test_kg_stats_prints_and_writes_json_and_csv(tmp_path, figures):
    out_json, out_csv = tmp_path / "stats.json", tmp_path / "stats.csv"
    result = CliRunner().invoke(main, ["stats", str(SMALL), "--out", str(out_json)])
    assert result.exit_code == 0, result.output
    assert "Officials by degree" in result.output and "王大明" in result.output and "红旗村" in result.output
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["officials"][0]["name"] == "王大明" and data["officials"][0]["degree"] == 4
    assert CliRunner().invoke(main, ["stats", str(SMALL), "--out", str(out_csv)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    degree = {r["name"]: int(r["value"]) for r in rows if r["section"] == "officials" and r["measure"] == "degree"}
    assert degree == {o.name: o.degree for o in figures.officials}


def test_kg_stats_errors_name_the_file(tmp_path):
    result = CliRunner().invoke(main, ["stats", str(tmp_path / "none.ttl")])
    assert result.exit_code == 1 and "none.ttl" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["stats", str(SMALL), "--out", str(tmp_path / "s.txt")])
    assert result.exit_code == 1 and ".json or .csv" in result.output


def test_sampled_betweenness_scales_like_networkx(monkeypatch):
    """From every node as a source the estimate is the exact value (networkx's k-sample scaling)."""
    import igraph

    import kg.stats

    graph = nx.gnm_random_graph(60, 150, seed=3)
    base = igraph.GraphBase(60, list(graph.edges()), False)
    monkeypatch.setattr(kg.stats, "EXACT_BETWEENNESS_MAX", 10)
    monkeypatch.setattr(kg.stats, "BETWEENNESS_SAMPLE", 60)
    sampled, sources = kg.stats.betweenness(base)
    exact = nx.betweenness_centrality(graph)
    assert sources == 60 and sampled == pytest.approx([exact[n] for n in range(60)], abs=1e-9)


def test_communities_are_louvain_on_the_co_participation_graph():
    """Two cliques joined by one light edge are two communities, the same ones on every run."""
    import kg.stats

    co = nx.Graph()
    for clique in ("abcd", "wxyz"):
        co.add_edges_from((a, b, {"weight": 3}) for a in clique for b in clique if a < b)
    co.add_edge("d", "w", weight=1)
    found = kg.stats.communities(co)
    assert sorted(sorted(c) for c in found) == [list("abcd"), list("wxyz")]
    assert all(kg.stats.communities(co) == found for _ in range(3))
