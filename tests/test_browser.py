"""Every page a build writes, opened in headless Chromium with the network blocked, used as a person would.

Each page must make no request that leaves the machine and log no console error; a graph page must
hold the nodes and edges of its graph, find an official by name and show a node's details with an
evidence sentence when clicked.  Screenshots go to the test's temporary directory.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import rdflib_graph
from rdflib import Graph

from kg.export import export_all
from kg.network import knowledge_network
from kg.pipeline import build
from kg.view import select, write_site

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SMALL = ROOT / "tests" / "data" / "view" / "small.ttl"
CHROMIUM = Path("/usr/bin/chromium")
EVIL_NAME = "</script><script>window.pwned=1</script>\"周'"
EVIL_SENTENCE = "县长李小红到东风镇调研<img src=x onerror=\"window.pwned=2\">。"
COUNT_NODES = """
PREFIX ok: <https://w3id.org/officials-kg/ontology#>
SELECT (COUNT(DISTINCT ?n) AS ?count) WHERE {
  VALUES ?class { ok:Person ok:Official ok:Organization ok:Place ok:AdministrativeRegion ok:Facility
                  ok:Event ok:Inspection ok:CondolenceVisit ok:Research ok:Meeting ok:Document }
  ?n a ?class }"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: .ci/run installs it with apt-get install chromium")
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def seeds_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = build([SEEDS], progress=False)
    export_all(result.quads, out)
    return out, rdflib_graph(result.quads)


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("evil")
    write_site(Graph().parse(SMALL), out)
    return out


@dataclass
class Opened:
    page: object
    leaks: list[str] = field(default_factory=list)  # requests that would have left the machine
    errors: list[str] = field(default_factory=list)  # console errors, uncaught exceptions, dialogs


def open_page(browser, path: Path, shots: Path | None = None) -> Opened:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    opened = Opened(page)

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            opened.leaks.append(r.request.url)
            r.abort()
    page.route("**/*", route)
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else opened.leaks.append(r.url))
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("dialog", lambda d: (opened.errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(path.as_uri())
    if page.query_selector("#network") or page.query_selector("#filter"):
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=20_000)
    if shots is not None:
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / (path.stem + ".png")))
    return opened


def vis_counts(page) -> tuple[int, int]:
    return tuple(page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]"))


def click_node(page, node_id: str) -> None:
    """Click where the node is drawn, as a person would."""
    page.evaluate("id => network.focus(id, {scale: 1.5, animation: false})", node_id)
    page.wait_for_timeout(100)
    x, y = page.evaluate("""id => { const p = network.canvasToDOM(network.getPositions([id])[id]);
        const r = document.getElementById('network').getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
                         node_id)
    page.mouse.click(x, y)


def test_every_page_is_offline_and_error_free(browser, seeds_site, tmp_path):
    out, _ = seeds_site
    pages = sorted(out.rglob("*.html"))
    assert {"graph.html", "index.html", "timeline.html", "stats.html"} <= {p.name for p in pages}
    assert len([p for p in pages if p.parent.name == "officials"]) == 10
    for path in pages:
        opened = open_page(browser, path, tmp_path / "screenshots")
        assert opened.leaks == [], (path.name, opened.leaks)
        assert opened.errors == [], (path.name, opened.errors)
        opened.page.close()
    assert len(list((tmp_path / "screenshots").glob("*.png"))) == len(pages)


def test_whole_graph_holds_every_node_and_edge(browser, seeds_site, tmp_path):
    out, graph = seeds_site
    expected_nodes = int(next(iter(graph.query(COUNT_NODES)))[0])
    net = knowledge_network(graph)
    opened = open_page(browser, out / "graph.html", tmp_path)
    assert vis_counts(opened.page) == (expected_nodes, net.number_of_edges())
    assert expected_nodes > 150
    shown = opened.page.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).length")
    assert shown == expected_nodes


def test_official_pages_hold_their_neighbourhood(browser, seeds_site, tmp_path):
    out, graph = seeds_site
    net = knowledge_network(graph)
    figures = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    for rank, official in enumerate(figures["officials"][:3], 1):
        page = next((out / "officials").glob(f"{rank:02d}-*.html"))
        view = select(net, focus=official["iri"], depth=2)
        opened = open_page(browser, page, tmp_path)
        assert vis_counts(opened.page) == (len(view.graph), view.graph.number_of_edges())
        assert official["name"] in opened.page.title()


def test_search_finds_an_official_and_shows_details(browser, seeds_site, tmp_path):
    out, _ = seeds_site
    official = json.loads((out / "stats.json").read_text(encoding="utf-8"))["officials"][0]
    opened = open_page(browser, out / "graph.html")
    page = opened.page
    page.fill("#search", official["name"])
    page.click("#search-form button")
    assert official["name"] in page.inner_text("#search-results li:first-child")
    assert page.inner_text("#details h2") == official["name"]
    assert page.evaluate("network.getSelectedNodes()") == [official["iri"]]
    page.screenshot(path=str(tmp_path / "search.png"))
    assert opened.errors == [] and opened.leaks == []


def test_clicking_a_node_shows_its_evidence_sentence_and_file(browser, seeds_site, tmp_path):
    out, _ = seeds_site
    official = json.loads((out / "stats.json").read_text(encoding="utf-8"))["officials"][0]
    page = open_page(browser, out / "graph.html").page
    click_node(page, official["iri"])
    assert page.inner_text("#details h2") == official["name"]
    evidence = page.query_selector_all("#details blockquote.evidence")
    assert evidence, page.inner_text("#details")
    sentence = evidence[0].evaluate("e => e.firstChild.textContent")
    assert official["name"] in page.inner_text("#details") and len(sentence) > 10
    assert evidence[0].query_selector("cite").inner_text().endswith(".txt")
    assert "职务" in page.inner_text("#details")
    page.screenshot(path=str(tmp_path / "details.png"))


def test_class_filters_hide_and_show_a_class(browser, seeds_site):
    out, _ = seeds_site
    page = open_page(browser, out / "graph.html").page
    visible = "network.body.data.nodes.get({filter: n => !n.hidden && n.group === 'Official'}).length"
    before = page.evaluate(visible)
    page.uncheck("#filters input[data-kind=Official]")
    assert before > 30 and page.evaluate(visible) == 0
    page.check("#filters input[data-kind=Official]")
    assert page.evaluate(visible) == before


def test_timeline_lists_every_event_and_filters(browser, seeds_site, tmp_path):
    out, graph = seeds_site
    events = sum(1 for _, k in knowledge_network(graph).nodes(data="kind") if k == "Event")
    page = open_page(browser, out / "timeline.html", tmp_path).page
    assert len(page.query_selector_all("tr.event")) == events
    first_leader = page.inner_text("tr.event td:nth-child(3)")
    page.fill("#filter", first_leader)
    shown = page.evaluate("document.querySelectorAll('tr.event:not([hidden])').length")
    assert 1 <= shown < events


def test_article_text_cannot_script_the_pages(browser, evil_site, tmp_path):
    evil_page = next(p for p in (evil_site / "officials").glob("*.html") if "script" in p.name)
    pages = [evil_site / name for name in ("graph.html", "timeline.html", "stats.html", "index.html")] + [evil_page]
    for path in pages:
        opened = open_page(browser, path, tmp_path / "evil")
        assert opened.page.evaluate("typeof window.pwned") == "undefined", path.name
        assert opened.errors == [] and opened.leaks == [], (path.name, opened.errors, opened.leaks)
        assert opened.page.query_selector("img") is None
    page = open_page(browser, evil_site / "graph.html").page
    assert vis_counts(page) == (17, 27)
    page.fill("#search", "周")
    page.click("#search-form button")
    assert page.inner_text("#details h2") == EVIL_NAME
    page.fill("#search", "李小红")
    page.click("#search-form button")
    texts = page.eval_on_selector_all("#details blockquote.evidence", "qs => qs.map(q => q.firstChild.textContent)")
    assert EVIL_SENTENCE in texts
    assert page.query_selector("#details img") is None
    assert page.evaluate("typeof window.pwned") == "undefined"
    timeline = open_page(browser, evil_site / "timeline.html").page
    assert EVIL_NAME in timeline.inner_text("main")
