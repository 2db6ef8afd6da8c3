"""The HTML pages without a browser: offline, escaped, aggregated when large, and the pages a build writes."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.network import NetworkError, knowledge_network
from kg.view import layout, render_timeline, render_view, select, write_site

SMALL = Path(__file__).parent / "data" / "view" / "small.ttl"
EVIL_NAME = "</script><script>window.pwned=1</script>\"周'"
EVIL_SENTENCE = "县长李小红到东风镇调研<img src=x onerror=\"window.pwned=2\">。"


@pytest.fixture(scope="module")
def net():
    return knowledge_network(Graph().parse(SMALL))


class Resources(HTMLParser):
    """Every URL a page would load, every script element, and every tag, as the browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.urls, self.tags, self.scripts = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.scripts += tag == "script"
        self.urls += [v for k, v in attrs if k in ("src", "href", "action", "data") and v]


def parse(page: str) -> Resources:
    r = Resources()
    r.feed(page)
    return r


def page_data(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(raw)


def test_page_is_offline_and_utf8(net):
    page = render_view(select(net))
    found = parse(page)
    assert not [u for u in found.urls if re.match(r"(https?:)?//", u)], found.urls
    assert "bootstrap.min" not in page and not re.search(r"cdn\.jsdelivr|cdnjs|unpkg", page)
    assert '<meta charset="utf-8">' in page
    assert "default-src 'none'" in page  # the browser itself refuses any request
    assert "vis.Network" in page  # vis-network is inside the page


def test_article_text_cannot_break_or_script_the_page(net):
    page = render_view(select(net))
    assert EVIL_NAME not in page and "<img" not in page and "window.pwned=1</script>" not in page
    found = parse(page)
    assert found.scripts == 3 and "img" not in found.tags  # vis-network, the data, the page's script
    data = page_data(page)
    details = data["details"]["https://w3id.org/officials-kg/resource/person/evil"]
    assert details["name"] == EVIL_NAME  # the JSON gives the text back exactly
    assert any(e["text"] == EVIL_SENTENCE for e in details["evidence"])
    timeline = render_timeline(net)
    assert EVIL_NAME not in timeline and "<img" not in timeline
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;&#34;周&#39;" in timeline


def test_page_holds_every_node_edge_and_legend(net):
    page = render_view(select(net))
    data = page_data(page)
    assert len(data["nodes"]) == len(net) and len(data["edges"]) == net.number_of_edges()
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert data["options"]["physics"]["enabled"] is False
    groups = data["options"]["groups"]
    assert groups["Official"]["color"] != groups["Place"]["color"] and groups["Place"]["shape"] == "triangle"
    assert {e["label"] for e in data["edges"]} == {"任职", "隶属", "带队", "参加", "地点", "位于", "来源"}
    for word in ("官员", "人物", "机构", "地点", "活动", "文章", "边：任职"):
        assert word in page


def test_focus_and_depth(net):
    view = select(net, focus="王大明", depth=1)
    assert {d["label"] for _, d in view.graph.nodes(data=True)} == {
        "王大明", "青山县委", "王大明检查", "李小红调研", "周会议"}
    assert "王大明的关系（1 步以内）" in render_view(view)
    with pytest.raises(NetworkError, match="no node named '张无名'"):
        select(net, focus="张无名")


def test_focus_takes_a_traditional_name(net):
    traditional = select(net, focus="李小紅", depth=1)  # 李小红 written in Traditional characters
    assert traditional.focus == "李小红" and "李小红调研" in {d["label"] for _, d in traditional.graph.nodes(data=True)}
    assert set(traditional.graph) == set(select(net, focus="李小红", depth=1).graph)


@pytest.mark.parametrize("name, near", [("王大朋", "王大明"), ("李小黑", "李小红"), ("趙四", None)])
def test_a_name_not_found_suggests_near_names(net, name, near):
    if near is None:  # a Traditional spelling of a name in the graph is found, not suggested
        assert select(net, focus=name).focus == "赵四"
        return
    with pytest.raises(NetworkError, match=f"no node named '{name}' in the all view; did you mean {near}"):
        select(net, focus=name)


def test_too_many_nodes_are_aggregated_and_the_page_says_so(net):
    view = select(net, max_nodes=10)
    assert {k for _, k in view.graph.nodes(data="kind")} == {"Official", "Place"}
    assert len(view.graph) == 8 and view.notice["aggregated"] and not view.notice["trimmed"]
    page = render_view(view)
    assert "此图共有 17 个节点" in page and "超过上限 10 个节点" in page and "官员及其到访的地点" in page
    trimmed = select(net, max_nodes=5)
    assert len(trimmed.graph) == 5 and trimmed.notice["trimmed"]
    assert "只保留联系最多的 5 个节点" in render_view(trimmed)
    assert "红旗村" in {d["label"] for _, d in trimmed.graph.nodes(data=True)}  # the most visited place stays


def test_layout_is_repeatable_and_spread():
    import networkx as nx

    graph = nx.random_geometric_graph(120, 0.15, seed=3)
    graph = nx.relabel_nodes(graph, str)
    first, second = layout(graph), layout(graph)
    assert first == second
    assert len(set(first.values())) == len(graph)


def test_timeline_is_in_date_order(net):
    page = render_timeline(net)
    order = [page.index(label) for label in ("王大明检查", "孙一检查", "李小红调研", "周会议")]
    assert order == sorted(order)
    assert "2023年6月" in page and "6月（未写年份）" in page and "日期不详" in page


def test_site_pages_link_to_each_other(tmp_path):
    written = write_site(Graph().parse(SMALL), tmp_path)
    names = {str(p.relative_to(tmp_path)) for p in written}
    assert {"graph.html", "index.html", "timeline.html", "stats.html", "stats.json", "stats.csv"} <= names
    assert len([n for n in names if n.startswith("officials/")]) == 4
    for page in tmp_path.rglob("*.html"):
        for url in parse(page.read_text(encoding="utf-8")).urls:
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.exists(), (page.name, url)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.index("王大明") < index.index("李小红")  # most connected first


def test_kg_view_cli(tmp_path):
    out = tmp_path / "v.html"
    result = CliRunner().invoke(main, ["view", str(SMALL), "--out", str(out), "--focus", "王大明", "--kind", "places"])
    assert result.exit_code == 0, result.output
    assert "nodes" in result.output and out.read_bytes().decode("utf-8").count("王大明") >= 1
    result = CliRunner().invoke(main, ["view", str(SMALL), "--out", str(out), "--max-nodes", "3"])
    assert "reduced" in result.output
    result = CliRunner().invoke(main, ["view", str(SMALL), "--focus", "张无名", "--out", str(out)])
    assert result.exit_code == 1 and "张无名" in result.output and "Traceback" not in result.output
