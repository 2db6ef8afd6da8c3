"""The HTML graph view: a networkx graph derived from the RDF graph, drawn by pyvis offline.

pyvis links bootstrap from a CDN even with ``cdn_resources="in_line"``; those tags are
removed so the page works with no network.  Positions are computed once (networkx) and
physics is off, so the page is interactive as soon as it loads.
"""

from __future__ import annotations

import html
import re

import networkx as nx
from pyvis.network import Network
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from kg.vocab import OK

STYLE = {  # class → (colour, shape, legend)
    "Official": ("#d62728", "dot", "官员"),
    "Person": ("#7f7f7f", "dot", "人物"),
    "Organization": ("#1f77b4", "square", "机构"),
    "Place": ("#2ca02c", "triangle", "地点"),
    "Event": ("#ff7f0e", "diamond", "活动"),
}
_CDN = re.compile(r"<(?:link|script)[^>]+(?:cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|unpkg\.com)[^>]*>"
                  r"(?:\s*</script>)?", re.I)


def _label(g: Graph, node) -> str:
    labels = sorted(str(o) for o in g.objects(node, RDFS.label) if getattr(o, "language", None) == "zh-Hans")
    return labels[0] if labels else str(node).rsplit("/", 1)[-1]


def _kind(g: Graph, node) -> str | None:
    types = set(g.objects(node, RDF.type))
    if OK.Official in types:
        return "Official"
    if OK.Person in types:
        return "Person"
    if OK.Organization in types:
        return "Organization"
    if types & {OK.Place, OK.AdministrativeRegion, OK.Facility}:
        return "Place"
    if types & {OK.Event, OK.Inspection, OK.CondolenceVisit, OK.Research, OK.Meeting}:
        return "Event"
    return None


def to_networkx(g: Graph) -> nx.MultiDiGraph:
    """Officials, people, organisations, places and events, with Chinese edge labels."""
    net = nx.MultiDiGraph()
    for node in set(g.subjects(RDF.type, None)):
        kind = _kind(g, node)
        if kind:
            net.add_node(str(node), kind=kind, label=_label(g, node))
    for person, post in g.subject_objects(OK.holdsPost):
        title = str(g.value(post, OK.title) or "")
        org = g.value(post, OK.postIn)
        if org is not None and str(org) in net and str(person) in net:
            net.add_edge(str(person), str(org), label=f"任职 {title}".strip())
    for prop, word in ((OK.leader, "带队"), (OK.participant, "参加"), (OK.place, "地点"),
                       (OK.partOf, "位于"), (OK.jurisdiction, "隶属")):
        for s, o in g.subject_objects(prop):
            if str(s) in net and str(o) in net:
                if prop in (OK.leader, OK.participant):
                    net.add_edge(str(o), str(s), label=word)
                else:
                    net.add_edge(str(s), str(o), label=word)
    return net


def render_html(g: Graph) -> str:
    """A self-contained page (no request leaves the machine) with a legend."""
    net = to_networkx(g)
    positions = nx.spring_layout(net, seed=7, iterations=50) if len(net) else {}
    vis = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    vis.toggle_physics(False)
    for node, data in net.nodes(data=True):
        colour, shape, _ = STYLE[data["kind"]]
        x, y = positions.get(node, (0.0, 0.0))
        vis.add_node(node, label=data["label"], title=html.escape(f"{data['label']}（{STYLE[data['kind']][2]}）"),
                     color=colour, shape=shape, x=float(x) * 1000, y=float(y) * 1000)
    for s, o, data in net.edges(data=True):
        vis.add_edge(s, o, title=data["label"], label=data["label"])
    page = vis.generate_html()
    page = _CDN.sub("", page)
    legend = "".join(f'<span style="color:{c}">● {name}</span> ' for c, _, name in STYLE.values())
    page = page.replace("<body>", f'<body>\n<div id="legend">{legend}</div>', 1)
    if "<meta charset" not in page:
        page = page.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    return page
