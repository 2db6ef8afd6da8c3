"""View benchmark: a generated graph of 5,000+ nodes drawn by `kg view` and by plain pyvis defaults.

Prints, side by side from one run: the time to write the HTML page, its size, and the time until the
network is stable and interactive in headless Chromium (network blocked), for
  - kg view with --max-nodes above the graph's size (everything drawn: layout once, physics off),
  - kg view with the default --max-nodes (aggregated to officials and places),
  - plain pyvis defaults on the same networkx graph (Network(); add_node; add_edge; physics on),
    with cdn_resources="in_line" so vis-network loads at all with no network.
"Stable and interactive": the network object exists, has drawn, and its physics is not running
(vis-network's physics.stabilized is true and no simulation step is scheduled); then the time for
the page to answer a call is measured too (a page busy with physics answers late).

    python benchmarks/view/bench_view.py [--counties 40] [--timeout 60]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
from pyvis.network import Network

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kg.model import Event, Evidence, Facts, Holding, Organization, Page, Person, Post, Region, SourceText  # noqa: E402
from kg.network import DEFAULT_MAX_NODES, knowledge_network  # noqa: E402
from kg.rdf import add_facts, new_dataset, union  # noqa: E402
from kg.view import render_view, select  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红春海波宁文斌鹏飞云峰林辉"
PLACE = "东南西北中青白红绿金银石松竹梅兰泉溪河湖山岭坪坝岗塘桥庄湾源沟峪"
TITLES = [("县委", "书记"), ("县委", "副书记"), ("县政府", "县长"), ("县政府", "副县长"), ("县委", "常委"),
          ("县人大常委会", "主任"), ("县政协", "主席"), ("县委组织部", "部长"), ("县委宣传部", "部长")]
KINDS = ["Inspection", "CondolenceVisit", "Research", "Meeting"]
READY = """() => typeof network !== 'undefined' && network.body && network.body.nodeIndices.length > 0
    && network.physics.stabilized === true && network.physics.viewFunction === undefined"""


def _name(rng: random.Random, chars: str, n: int) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def generate(counties: int, seed: int = 11):
    """An RDF graph of invented counties: towns, villages, firms, organs, officials, articles and events."""
    rng = random.Random(seed)
    dataset = new_dataset()
    used: set[str] = set()

    def unique(make) -> str:
        while (value := make()) in used:
            pass
        used.add(value)
        return value

    for c in range(counties):
        county = unique(lambda: _name(rng, PLACE, 2) + "县")
        adcode = f"99{c:04d}"
        towns = [unique(lambda: _name(rng, PLACE, 2) + "镇") for _ in range(8)]
        villages = [(t, unique(lambda: _name(rng, PLACE, 3) + "村")) for t in towns for _ in range(4)]
        firms = [(rng.choice(towns), unique(lambda: _name(rng, PLACE, 3) + "公司")) for _ in range(10)]
        officials = [unique(lambda: rng.choice(SURNAMES) + _name(rng, GIVEN, rng.choice((1, 2)))) for _ in range(25)]
        posts = {o: TITLES[i % len(TITLES)] for i, o in enumerate(officials)}
        for d in range(12):
            doc = f"c{c:03d}d{d:02d}"
            sentences, persons, holdings, regions, events = [], {}, [], {}, []

            def evidence(text: str, _doc=doc, _sentences=sentences) -> Evidence:
                start = sum(len(s) for s in _sentences)
                _sentences.append(text)
                return Evidence(_doc, start, start + len(text), text)

            regions[county] = Region(county, county, None, "AdministrativeRegion", "县", adcode)
            for e in range(5):
                leader, *others = rng.sample(officials, 1 + rng.choice((0, 1, 2, 3)))
                spots = []
                for _ in range(rng.choice((1, 2, 3))):
                    kind = rng.random()
                    if kind < 0.5:
                        town, village = rng.choice(villages)
                        regions.setdefault(town, Region(town, town, None, "AdministrativeRegion", "镇",
                                                        part_of=county))
                        regions[village] = Region(f"{town}/{village}", village, None, "AdministrativeRegion", "村",
                                                  part_of=town)
                        spots.append(f"{town}/{village}")
                    elif kind < 0.8:
                        town, firm = rng.choice(firms)
                        regions.setdefault(town, Region(town, town, None, "AdministrativeRegion", "镇",
                                                        part_of=county))
                        regions[firm] = Region(f"{town}/{firm}", firm, None, "Facility", part_of=town)
                        spots.append(f"{town}/{firm}")
                    else:
                        town = rng.choice(towns)
                        regions.setdefault(town, Region(town, town, None, "AdministrativeRegion", "镇",
                                                        part_of=county))
                        spots.append(town)
                org, title = posts[leader]
                where = "、".join(s.split("/")[-1] for s in spots)
                text = f"{county[:-1]}{org[1:]}{title}{leader}带队到{where}检查工作。"
                ev = evidence(text)
                for person in (leader, *others):
                    persons[person] = Person(person, person, None, True, evidence=ev)
                    o, t = posts[person]
                    holdings.append(Holding(person, Post(t, f"{county[:-1]}{o}", ev)))
                date = f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                events.append(Event(f"{doc}-e{e}", (rng.choice(KINDS),), leader, tuple(others),
                                    tuple(dict.fromkeys(spots)), date, ev))
            orgs = [Organization(f"{county[:-1]}{o}", f"{county[:-1]}{o}", jurisdiction=county)
                    for o in sorted({posts[p][0] for p in persons})]
            raw = "".join(sentences)
            source = SourceText(f"{doc}.txt", f"{doc}.txt", raw, "utf-8", raw, tuple(range(len(raw) + 1)))
            page = Page(source, raw, raw, source.offsets, "zh-Hans", title=f"{county}新闻{d}", published="2023-12-31")
            add_facts(dataset, Facts(doc, source, page, list(persons.values()), holdings, orgs,
                                     list(regions.values()), events))
    return union(dataset)


def plain_pyvis(net: nx.MultiDiGraph, path: Path) -> None:
    """What a user gets from pyvis's defaults (inline resources, so that vis-network loads offline)."""
    vis = Network(cdn_resources="in_line")
    for node, label in net.nodes(data="label"):
        vis.add_node(node, label=label)
    for s, o, label in net.edges(data="label"):
        vis.add_edge(s, o, label=label)
    path.write_text(vis.generate_html(), encoding="utf-8")


def time_in_browser(browser, path: Path, timeout: float) -> tuple[float | None, float, int, int]:
    """Seconds until stable and interactive (None: not within ``timeout``), then one call's round trip,
    the nodes in the vis network, and the requests that would have left the machine (blocked)."""
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    leaks: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
               else (leaks.append(r.request.url), r.abort()))
    started = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    ready = None
    while time.perf_counter() - started < timeout:
        try:
            if page.evaluate(READY):
                ready = time.perf_counter() - started
                break
        except Exception:  # the page is still loading its script
            pass
        time.sleep(0.05)
    t = time.perf_counter()
    page.evaluate("1")
    answer = time.perf_counter() - t
    nodes = page.evaluate("typeof network === 'undefined' ? 0 : network.body.data.nodes.length")
    page.close()
    return ready, answer, nodes, len(leaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=40, help="size of the generated graph (40 → ~6,000 nodes)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a page to settle")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    t = time.perf_counter()
    graph = generate(args.counties)
    net = knowledge_network(graph)
    print(f"generated graph: {len(graph):,} triples, {len(net):,} nodes, {net.number_of_edges():,} edges "
          f"({time.perf_counter() - t:.1f} s)")
    out = Path(tempfile.mkdtemp(prefix="kg-view-bench-"))
    rows = {}
    for name, max_nodes in (("kg view (all drawn)", len(net) + 1), (f"kg view (--max-nodes {DEFAULT_MAX_NODES})",
                                                                    DEFAULT_MAX_NODES)):
        t = time.perf_counter()
        view = select(net, max_nodes=max_nodes)
        path = out / f"ours-{max_nodes}.html"
        path.write_text(render_view(view), encoding="utf-8")
        rows[name] = [time.perf_counter() - t, path, len(view.graph), view.graph.number_of_edges()]
    t = time.perf_counter()
    plain_pyvis(net, out / "pyvis.html")
    rows["plain pyvis defaults"] = [time.perf_counter() - t, out / "pyvis.html", len(net), net.number_of_edges()]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for row in rows.values():
            row += time_in_browser(browser, row[1], args.timeout)
        browser.close()

    names = list(rows)
    width = max(len(n) for n in names) + 2
    print()
    print(f"{'':34}" + "".join(n.rjust(width) for n in names))

    def line(label: str, cells: list[str]) -> None:
        print(f"{label:34}" + "".join(c.rjust(width) for c in cells))
    line("nodes / edges drawn", [f"{r[2]:,} / {r[3]:,}" for r in rows.values()])
    line("write HTML (s)", [f"{r[0]:.2f}" for r in rows.values()])
    line("HTML size (MB)", [f"{r[1].stat().st_size / 1e6:.1f}" for r in rows.values()])
    line("stable and interactive (s)",
         [f"{r[4]:.2f}" if r[4] is not None else f"not in {args.timeout:.0f} s" for r in rows.values()])
    line("then one call answered in (s)", [f"{r[5]:.3f}" for r in rows.values()])
    line("nodes in the vis network", [f"{r[6]:,}" for r in rows.values()])
    line("requests leaving the machine", [str(r[7]) for r in rows.values()])
    print(f"\npages kept in {out}")


if __name__ == "__main__":
    main()
