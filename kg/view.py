"""The HTML pages: graph views drawn with vis-network, a timeline, network figures, an index.

Every page works with no network: vis-network's JavaScript and CSS are copied into the page
from the pyvis package (pyvis's own template links bootstrap and vis from CDNs, so it is not
used, nor is pyvis imported: it pulls in IPython), and a Content-Security-Policy forbids any
request.  Article text reaches a page only as
JSON with ``<``, ``>``, ``&`` and ``'`` escaped (Jinja's ``tojson``) or as autoescaped HTML text,
and the page's script puts it into the DOM with ``textContent``, so an article cannot inject
markup or script.

Positions are computed once with igraph's Fruchterman-Reingold (C code: 0.7 s for 6,500 nodes,
where networkx's spring_layout took 48 s) and physics is off, so a page is interactive as soon
as it is drawn.  A view larger than ``max_nodes`` is aggregated (officials and the places they
went to, then the most connected nodes) and the page says so.  Node order, layout seed and JSON
are fixed by the graph alone, so the same graph gives the same bytes in every process.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import math
import multiprocessing
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import igraph
import networkx as nx
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kg import stats
from kg.export import write_atomic
from kg.lexicon import edge_words, network_classes
from kg.network import DEFAULT_MAX_NODES, KINDS, NetworkError, find, knowledge_network, neighbourhood, nodes_of, project
from kg.timing import stage

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.terms import Triple

TOP_OFFICIALS = 10  # per-official pages written by a build
LARGE = 1000  # above this many nodes edges are hidden while dragging or zooming
EDGE_LENGTH = 120.0  # median edge length of the layout, in vis-network pixels

def _vis_lib() -> Path:
    """vis-network 9.1.2 as pyvis ships it (found without importing pyvis)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed: it ships the vis-network files the pages inline; pip install pyvis")
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / "vis-9.1.2"


@dataclass
class View:
    """One graph page: the graph drawn, what was asked, and whether it had to be reduced."""

    graph: nx.MultiDiGraph
    kind: str = "all"
    focus: str | None = None  # label of the node the view is centred on
    depth: int = 0
    notice: dict = field(default_factory=dict)  # aggregated / trimmed, with the sizes involved


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("kg", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":")}
    return env


@cache
def _vis_assets() -> dict[str, Markup]:
    """vis-network's JS and CSS, shipped by pyvis, to inline into a page."""
    lib = _vis_lib()
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError(f"{lib}: cannot be inlined (it closes its own tag); pin pyvis 0.3.2")
    return {"vis_js": Markup(js), "vis_css": Markup(css)}


def _options(large: bool) -> dict:
    options = json.loads(resources.files("kg.templates").joinpath("vis_options.json").read_text(encoding="utf-8"))
    if large:
        options["interaction"].update(hideEdgesOnDrag=True, hideEdgesOnZoom=True)
    return options


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions for every node, same graph same positions; scaled so the median edge is EDGE_LENGTH."""
    nodes = sorted(graph)
    if not nodes:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[s], index[o]))) for s, o in graph.edges() if s != o})
    g = igraph.GraphBase(len(nodes), pairs, False)  # igraph.Graph would import numpy
    start = [[math.cos(i * 2.399963), math.sin(i * 2.399963)] for i in range(len(nodes))]  # golden-angle spiral
    start = [[x * math.sqrt(i + 1), y * math.sqrt(i + 1)] for i, (x, y) in enumerate(start)]
    igraph.set_random_number_generator(random.Random(len(nodes)))  # same graph, same picture
    try:
        coords = g.layout_fruchterman_reingold(seed=start, niter=500)
    finally:
        igraph.set_random_number_generator(random)
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in pairs)
    scale = EDGE_LENGTH / lengths[len(lengths) // 2] if lengths and lengths[len(lengths) // 2] > 0 else EDGE_LENGTH
    return {n: (round(coords[i][0] * scale, 1), round(coords[i][1] * scale, 1)) for n, i in index.items()}


def select(net: nx.MultiDiGraph, kind: str = "all", focus: str | None = None, depth: int = 2,
           max_nodes: int = DEFAULT_MAX_NODES, places: Callable[[], nx.MultiDiGraph] | None = None) -> View:
    """The graph one page draws: a projection, around ``focus`` if given, reduced to ``max_nodes``.

    ``places``: gives ``project(net, "places")``, made once for the dozen pages a build draws of one network."""
    if kind not in KINDS:
        raise NetworkError(f"unknown view kind {kind!r}; choose one of {', '.join(KINDS)}")
    graph = project(net, kind)
    centre = None
    if focus:
        from kg.normalise import to_simplified

        simplified = to_simplified(focus)  # labels are Simplified; a Traditional name finds the same node
        found = find(graph, focus) or find(graph, simplified)
        if not found:
            raise NetworkError(f"no node named {focus!r} in the {kind} view{_near_names(graph, simplified)}")
        centre = found[0]
        graph = neighbourhood(graph, centre, depth)
    view = View(graph, kind, net.nodes[centre]["label"] if centre else None, depth if centre else 0)
    if len(graph) <= max_nodes:
        return view
    view.notice = {"total_nodes": len(graph), "total_edges": graph.number_of_edges(), "max_nodes": max_nodes,
                   "aggregated": False, "trimmed": False}
    if kind != "places":
        places_view = places() if places is not None else project(net, "places")
        graph = neighbourhood(places_view, centre, depth) if centre in places_view else places_view
        view.notice.update(aggregated=True, aggregated_nodes=len(graph))
    if len(graph) > max_nodes:
        keep = sorted(graph, key=lambda n: (n != centre, -graph.degree(n), n))[:max_nodes]
        graph = graph.subgraph(keep).copy()
        view.notice.update(trimmed=True, shown_nodes=len(graph))
    view.graph = graph
    return view


def _near_names(graph: nx.MultiDiGraph, name: str) -> str:
    """A hint naming the labels closest to a name that was not found (a typo, a wrong character …)."""
    labels = sorted({label for _, label in graph.nodes(data="label") if label})
    near = difflib.get_close_matches(name, labels, n=5, cutoff=0.5)
    near += [label for label in labels if label not in near and (name in label or label in name)][:5 - len(near)]
    return f"; did you mean {', '.join(near)}?" if near else ""


def network_data(graph: nx.MultiDiGraph) -> tuple[list[dict], list[dict], dict]:
    """vis-network's nodes, edges and options for ``graph``: styled by class, laid out, physics off."""
    classes = network_classes()
    positions = layout(graph)
    nodes = []
    for node, data in sorted(graph.nodes(data=True)):
        x, y = positions[node]
        nodes.append({"id": node, "label": data["label"], "group": data["kind"], "shape": classes[data["kind"]].shape,
                      "size": round(8 + 4 * math.log2(1 + graph.degree(node)), 1), "x": x, "y": y})
    edges = []
    for s, o, data in graph.edges(data=True):
        title = f"{data['label']} {data['title']}" if data.get("title") else data["label"]
        edges.append({"from": s, "to": o, "label": data["label"], "title": title,
                      "width": 1 + math.log2(data.get("weight", 1)),
                      "arrows": "" if data["kind"] == "together" else "to"})
    edges.sort(key=lambda e: (e["from"], e["to"], e["label"], e["title"]))
    options = _options(len(graph) > LARGE)
    options["groups"] = {c.name: {"color": c.colour, "shape": c.shape} for c in classes.values()}
    return nodes, edges, options


def render_view(view: View, root: str = "") -> str:
    """A graph page; ``root`` is the path from the page back to the output directory (``../``)."""
    nodes, edges, options = network_data(view.graph)
    present = {k for _, k in view.graph.nodes(data="kind")}
    counts = {k: len(nodes_of(view.graph, k)) for k in present}
    classes = [{"name": c.name, "word": c.word, "colour": c.colour, "symbol": c.symbol, "count": counts[c.name]}
               for c in network_classes().values() if c.name in present]
    used = {k for _, _, k in view.graph.edges(data="kind")}
    data = {"nodes": nodes, "edges": edges, "options": options,
            "details": {n: d["details"] for n, d in sorted(view.graph.nodes(data=True))},
            "classWords": {c.name: c.word for c in network_classes().values()}}
    return _env().get_template("graph.html").render(
        view=view, root=root, notice=view.notice, classes=classes, data=data,
        edge_labels=[w for k, w in edge_words().items() if k in used], **_vis_assets())


def _period(date: str) -> tuple[tuple, str]:
    """Sort key and heading of the group an event date falls in (month; no year; no date)."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d.*", date):
        return (0, date[:7]), f"{date[:4]}年{int(date[5:7])}月"
    if re.fullmatch(r"--\d\d-\d\d", date):
        return (1, date[2:4]), f"{int(date[2:4])}月（未写年份）"
    return (2, ""), "日期不详"


def render_timeline(net: nx.MultiDiGraph) -> str:
    """Every event in date order, grouped by month, with who, where and the evidence sentence."""
    events = sorted((net.nodes[e]["details"] | {"id": e, "label": net.nodes[e]["label"]}
                     for e in nodes_of(net, "Event")), key=lambda e: (_period(e["date"])[0], e["date"], e["label"]))
    groups: dict[tuple, dict] = {}
    for e in events:
        key, heading = _period(e["date"])
        groups.setdefault(key, {"heading": heading, "events": []})["events"].append(e)
    return _env().get_template("timeline.html").render(root="", events=events, groups=list(groups.values()))


def _counts(figures: stats.NetworkStats) -> list[tuple[str, int]]:
    classes, words = network_classes(), edge_words()
    out = [(classes[k].word, v) for k, v in figures.counts.items() if k in classes]
    edges = [(f"{words[k.split(':', 1)[1]]}（边）", v) for k, v in figures.counts.items() if k.startswith("edges:")]
    return out + edges


def render_stats(figures: stats.NetworkStats, top: int = 50) -> str:
    return _env().get_template("stats.html").render(root="", stats=figures, counts=_counts(figures), top=top)


def _file_name(rank: int, name: str) -> str:
    safe = re.sub(r"[^\w-]", "_", name)[:40]
    return f"{rank:02d}-{safe}.html"


def write_notice(out_dir: Path, triples: int, limit: int, main: str = "graph.html") -> list[Path]:
    """In place of the site, for a build too large to draw in bounded memory: what to run instead."""
    files = sorted(p.name for p in out_dir.glob("graph.*") if p.suffix in (".ttl", ".jsonld", ".trig"))
    text = _env().get_template("too_large.html").render(root="", triples=f"{triples:,}", limit=f"{limit:,}",
                                                        ttl=out_dir / "graph.ttl", files=files)
    for name in (main, "index.html"):
        write_atomic(out_dir / name, text)
    return [out_dir / main, out_dir / "index.html"]


def write_site(source: Graph | Iterable[Triple], out_dir: Path, main: str = "graph.html",
               max_nodes: int = DEFAULT_MAX_NODES, top: int = TOP_OFFICIALS,
               data_files: list[str] | None = None, fork: bool = False) -> list[Path]:
    """The whole-graph page and the pages around it: index, timeline, figures, most connected officials.

    ``source``: an rdflib graph, or a build's triples (``QuadSpool.union()``, read once).
    ``data_files``: the graph files the index links to (default: those in ``out_dir`` now).
    ``fork``: draw the whole-graph page in a child process (where processes can fork) while this one
    computes the figures and draws the rest: the same bytes, in less time on two cores.
    """
    with stage("network"):
        net = knowledge_network(source)
    places = cache(lambda: project(net, "places"))
    whole = None
    if fork and "fork" in multiprocessing.get_all_start_methods():
        whole = multiprocessing.get_context("fork").Process(  # the child reads the network: nothing is copied
            target=_write_whole, args=(net, out_dir / main, max_nodes, places), daemon=True)
        whole.start()
    with stage("stats"):
        figures = stats.compute(net)
    with stage("pages"):
        written = _write_pages(net, figures, out_dir, None if whole else main, max_nodes, top, data_files, places)
        if whole is not None:
            whole.join()
            if whole.exitcode != 0:
                raise OSError(f"{out_dir / main}: the process drawing it failed (exit code {whole.exitcode}); "
                              "see above")
            written.insert(0, out_dir / main)
    return written


def _write_whole(net: nx.MultiDiGraph, path: Path, max_nodes: int, places: Callable[[], nx.MultiDiGraph]) -> None:
    write_atomic(path, render_view(select(net, max_nodes=max_nodes, places=places)))


def _write_pages(net: nx.MultiDiGraph, figures: stats.NetworkStats, out_dir: Path, main: str | None, max_nodes: int,
                 top: int, data_files: list[str] | None, places: Callable[[], nx.MultiDiGraph]) -> list[Path]:
    """Every page but the whole-graph one when ``main`` is None (drawn elsewhere)."""
    pages = {main: render_view(select(net, max_nodes=max_nodes, places=places))} if main else {}
    pages |= {"timeline.html": render_timeline(net), "stats.html": render_stats(figures)}
    officials = []
    for rank, o in enumerate(figures.officials[:top], 1):
        page = f"officials/{_file_name(rank, o.name)}"
        pages[page] = render_view(select(net, focus=o.iri, depth=2, max_nodes=max_nodes, places=places), root="../")
        d = net.nodes[o.iri]["details"]
        officials.append({"name": o.name, "page": page, "degree": o.degree, "events": len(d.get("events", [])),
                          "posts": [f"{p['org']}{p['title']}" for p in d.get("posts", [])]})
    if data_files is None:
        data_files = sorted(p.name for p in out_dir.glob("graph.*") if p.suffix in (".ttl", ".jsonld", ".trig"))
    pages["index.html"] = _env().get_template("index.html").render(  # the whole graph is reduced when too large
        root="", counts=_counts(figures), officials=officials, aggregated=len(net) > max_nodes, files=data_files)
    written = []
    for name, text in pages.items():
        write_atomic(out_dir / name, text)
        written.append(out_dir / name)
    for name, text in (("stats.json", figures.to_json()), ("stats.csv", figures.to_csv())):
        write_atomic(out_dir / name, text)
        written.append(out_dir / name)
    for stale in (out_dir / "officials").glob("*.html"):  # pages of officials no longer among the top
        if stale not in written:
            stale.unlink()
    return written
