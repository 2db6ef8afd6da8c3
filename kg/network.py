"""The knowledge network: the RDF graph read once into networkx graphs for the views and the figures.

One node per person, organisation, place, event and article; one edge per fact, with the edge
kind (``post``, ``leader`` …) and its Chinese word.  Posts and evidence are not nodes: they are
what a node's ``details`` say (posts with organisations, events with dates, evidence sentences
with their source files), so a view can show them as text.  The projections (officials,
places, events, an official's neighbourhood, co-participation) are all derived from this one
network, never read again from the RDF.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
from rdflib import Graph
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.lexicon import edge_words
from kg.vocab import EVENT_CLASSES as KINDS_OF_EVENT
from kg.vocab import OK

KINDS = ("all", "officials", "places", "events")
DEFAULT_MAX_NODES = 3000  # a view larger than this is aggregated (see kg.view.select)
EVENT_CLASSES = (OK.Event, *(OK[name] for name in KINDS_OF_EVENT))
PLACE_CLASSES = (OK.Place, OK.AdministrativeRegion, OK.Facility)
MAX_EVIDENCE = 5  # sentences kept per node: enough to check a fact, small enough for big pages


class NetworkError(ValueError):
    """A view that cannot be drawn as asked (unknown kind, no node of that name); the message says why."""


def _class_of(types: set) -> str | None:
    if OK.Official in types:
        return "Official"
    if OK.Person in types:
        return "Person"
    if OK.Organization in types:
        return "Organization"
    if types.intersection(PLACE_CLASSES):
        return "Place"
    if types.intersection(EVENT_CLASSES):
        return "Event"
    if OK.Document in types:
        return "Document"
    return None


def date_text(value) -> str:
    """An event date as readers see it: 2022-11-08, or --11-08 (no year in the article)."""
    return "" if value is None else str(value)


class _Reader:
    """Look-ups on the RDF graph, each done once: labels, files, evidence sentences."""

    def __init__(self, g: Graph):
        self.g = g
        self.labels: dict = {}
        for node, label in g.subject_objects(RDFS.label):
            if getattr(label, "language", None) == "zh-Hans" and (node not in self.labels
                                                                  or str(label) < self.labels[node]):
                self.labels[node] = str(label)
        self.files = {doc: str(f) for doc, f in g.subject_objects(OK.sourceFile)}

    def label(self, node) -> str:
        return self.labels.get(node) or self.files.get(node) or str(node).rsplit("/", 1)[-1]

    def evidence(self, node) -> list[dict[str, str]]:
        out = []
        for ev in sorted(self.g.objects(node, OK.evidence)):
            text = self.g.value(ev, OK.text)
            if text is not None:
                out.append({"text": str(text), "file": self.files.get(self.g.value(ev, PROV.wasDerivedFrom), "")})
        return out

    def sources(self, node) -> list[str]:
        return sorted({self.files[d] for d in self.g.objects(node, PROV.wasDerivedFrom) if d in self.files})


def _merge_evidence(*lists: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    seen, out = set(), []
    for items in lists:
        for item in items:
            key = (item["text"], item["file"])
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out[:MAX_EVIDENCE]


def knowledge_network(g: Graph) -> nx.MultiDiGraph:
    """Every person, organisation, place, event and article of ``g``, with facts as labelled edges."""
    words = edge_words()
    r = _Reader(g)
    net = nx.MultiDiGraph()
    types: dict = defaultdict(set)
    for node, cls in g.subject_objects(RDF.type):
        types[node].add(cls)
    kind_of = {node: k for node, ts in types.items() if (k := _class_of(ts))}
    for node, kind in kind_of.items():
        net.add_node(str(node), kind=kind, label=r.label(node), date="",
                     details={"name": r.label(node), "kind": kind, "files": r.sources(node)})

    def add(s, o, kind: str, **attrs) -> None:
        if str(s) in net and str(o) in net:
            net.add_edge(str(s), str(o), kind=kind, label=words[kind], **attrs)

    def details(node) -> dict:
        return net.nodes[str(node)]["details"]

    # posts: person —任职→ organisation, and the post as text on both
    post_evidence: dict = defaultdict(list)
    for person, post in sorted(g.subject_objects(OK.holdsPost)):
        if str(person) not in net:
            continue
        title = str(g.value(post, OK.title) or "")
        org = g.value(post, OK.postIn)
        details(person).setdefault("posts", []).append({"title": title, "org": r.label(org) if org else ""})
        names = {str(label) for label in g.objects(person, RDFS.label)}  # a post's sentences name all its holders
        post_evidence[person].extend(e for e in r.evidence(post) if any(n in e["text"] for n in names))
        if org is not None and str(org) in net:
            details(org).setdefault("holders", []).append({"name": r.label(person), "title": title})
            add(person, org, "post", title=title)
    for org, region in sorted(g.subject_objects(OK.jurisdiction)):
        if str(org) in net:
            details(org)["jurisdiction"] = r.label(region)
        add(org, region, "jurisdiction")

    # places: containment chain, adcode
    part_of = dict(g.subject_objects(OK.partOf))
    for place, parent in sorted(part_of.items()):
        add(place, parent, "partOf")
    for node, kind in kind_of.items():
        if kind != "Place":
            continue
        chain, seen, up = [], {node}, part_of.get(node)
        while up is not None and up not in seen:
            chain.append(r.label(up))
            seen.add(up)
            up = part_of.get(up)
        d = details(node)
        if chain:
            d["partOf"] = chain
        if (code := g.value(node, OK.adcode)) is not None:
            d["adcode"] = str(code)

    # events: who led, who took part, where, when, from which article
    in_event: set = set()
    event_evidence: dict = defaultdict(list)
    for event in sorted(n for n, k in kind_of.items() if k == "Event"):
        d = details(event)
        date = date_text(g.value(event, OK.date))
        net.nodes[str(event)]["date"] = date
        leaders = sorted(g.objects(event, OK.leader))
        participants = sorted(set(g.objects(event, OK.participant)) - set(leaders))
        places = sorted(g.objects(event, OK.place))
        d.update(date=date, leaders=[r.label(p) for p in leaders], participants=[r.label(p) for p in participants],
                 places=[r.label(p) for p in places])
        evidence = r.evidence(event)
        d["evidence"] = evidence[:MAX_EVIDENCE]
        summary = {"id": str(event), "label": r.label(event), "date": date, "places": d["places"]}
        for role, people in (("leader", leaders), ("participant", participants)):
            for person in people:
                add(person, event, role)
                in_event.add(person)
                if str(person) in net:
                    details(person).setdefault("events", []).append({**summary, "as": role})
                    event_evidence[person].extend(evidence)
        for place in places:
            add(event, place, "place")
            if str(place) in net:
                details(place).setdefault("visits", []).append({**summary, "leaders": d["leaders"]})
                event_evidence[place].extend(evidence)
        for doc in sorted(g.objects(event, PROV.wasDerivedFrom)):
            add(event, doc, "source")

    # people in no event are tied to the articles that name them (reporters, editors …)
    for node, kind in kind_of.items():
        if kind in ("Official", "Person") and node not in in_event:
            for doc in sorted(g.objects(node, PROV.wasDerivedFrom)):
                add(node, doc, "source")
        if kind == "Person" and (role := g.value(node, OK.role)) is not None:
            details(node)["role"] = str(role)
        if kind == "Document":
            d = details(node)
            d.update(file=r.files.get(node, ""), title=str(g.value(node, DCTERMS.title) or ""),
                     published=str(g.value(node, OK.published) or ""),
                     publisher=str(g.value(node, OK.publisher) or ""), url=str(g.value(node, OK.url) or ""))

    for node, kind in kind_of.items():
        d = details(node)
        if kind in ("Official", "Person"):
            d.setdefault("events", []).sort(key=lambda e: (e["date"] == "", e["date"], e["label"]))
            d["evidence"] = _merge_evidence(r.evidence(node), event_evidence[node], post_evidence[node])
        elif kind == "Place":
            d.setdefault("visits", []).sort(key=lambda e: (e["date"] == "", e["date"], e["label"]))
            d["evidence"] = _merge_evidence(r.evidence(node), event_evidence[node])
    return net


def nodes_of(net: nx.MultiDiGraph, *kinds: str) -> list[str]:
    return [n for n, k in net.nodes(data="kind") if k in kinds]


def co_participation(net: nx.MultiDiGraph) -> nx.Graph:
    """Officials linked when they took part in the same events; ``weight`` counts those events."""
    co = nx.Graph()
    co.add_nodes_from((n, net.nodes[n]) for n in nodes_of(net, "Official"))
    for event in nodes_of(net, "Event"):
        people = sorted({p for p, _, k in net.in_edges(event, data="kind")
                         if k in ("leader", "participant") and net.nodes[p]["kind"] == "Official"})
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                if co.has_edge(a, b):
                    co[a][b]["weight"] += 1
                else:
                    co.add_edge(a, b, weight=1)
    return co


def official_visits(net: nx.MultiDiGraph) -> nx.Graph:
    """Officials linked to the places of the events they led or took part in; ``weight`` counts events."""
    visits = nx.Graph()
    visits.add_nodes_from((n, net.nodes[n]) for n in nodes_of(net, "Official"))
    for event in nodes_of(net, "Event"):
        people = {p for p, _, k in net.in_edges(event, data="kind") if k in ("leader", "participant")}
        places = {o for _, o, k in net.out_edges(event, data="kind") if k == "place"}
        for person in people:
            if net.nodes[person]["kind"] != "Official":
                continue
            for place in places:
                if not visits.has_node(place):
                    visits.add_node(place, **net.nodes[place])
                if visits.has_edge(person, place):
                    visits[person][place]["weight"] += 1
                else:
                    visits.add_edge(person, place, weight=1)
    return visits


def _weighted(graph: nx.Graph, kind: str, source_first: str) -> list[tuple[str, str, dict]]:
    """Weighted undirected edges as labelled directed ones (from the ``source_first`` class)."""
    word = edge_words()[kind]
    out = []
    for a, b, w in graph.edges(data="weight"):
        if graph.nodes[b]["kind"] == source_first and graph.nodes[a]["kind"] != source_first:
            a, b = b, a
        out.append((a, b, {"kind": kind, "label": word if w == 1 else f"{word} ×{w}", "weight": w}))
    return out


def project(net: nx.MultiDiGraph, kind: str) -> nx.MultiDiGraph:
    """The network one view draws: ``all``, ``officials`` (posts and co-participation),
    ``places`` (officials to the places they went, and containment) or ``events``."""
    if kind == "all":
        return net
    out = nx.MultiDiGraph()
    if kind == "officials":
        keep = set(nodes_of(net, "Official", "Organization"))
        out.add_nodes_from((n, net.nodes[n]) for n in keep)
        out.add_edges_from((s, o, d) for s, o, d in net.edges(data=True) if d["kind"] == "post")
        out.add_edges_from(_weighted(co_participation(net), "together", "Official"))
    elif kind == "places":
        visits = official_visits(net)
        out.add_nodes_from(visits.nodes(data=True))
        out.add_nodes_from((n, net.nodes[n]) for n in nodes_of(net, "Place"))
        out.add_edges_from(_weighted(visits, "visited", "Official"))
        out.add_edges_from((s, o, d) for s, o, d in net.edges(data=True) if d["kind"] == "partOf")
    elif kind == "events":
        keep = set(nodes_of(net, "Event", "Official", "Person", "Place", "Document"))
        out.add_nodes_from((n, net.nodes[n]) for n in keep)
        roles = ("leader", "participant", "place")
        out.add_edges_from((s, o, d) for s, o, d in net.edges(data=True) if s in keep and o in keep and (
            d["kind"] in roles or d["kind"] == "source" and net.nodes[s]["kind"] == "Event"))
        out.remove_nodes_from([n for n in list(out) if out.degree(n) == 0])
    else:
        raise NetworkError(f"unknown view kind {kind!r}; choose one of {', '.join(KINDS)}")
    return out


def find(net: nx.MultiDiGraph, name: str) -> list[str]:
    """Nodes named ``name`` (exact label or IRI), else nodes whose label contains it; officials first."""
    exact = [n for n, label in net.nodes(data="label") if label == name or n == name]
    found = exact or [n for n, label in net.nodes(data="label") if name and name in label]
    order = {"Official": 0, "Person": 1}
    return sorted(found, key=lambda n: (order.get(net.nodes[n]["kind"], 2), -net.degree(n), net.nodes[n]["label"]))


def neighbourhood(graph: nx.MultiDiGraph, centre: str, depth: int) -> nx.MultiDiGraph:
    """Everything within ``depth`` edges of ``centre``, in either direction."""
    reach = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), centre, cutoff=depth)
    return graph.subgraph(reach).copy()


def entity_graph(net: nx.MultiDiGraph) -> nx.Graph:
    """Who is linked to what, without direction, multiplicity or articles: the graph degree and
    betweenness are measured on (an article links everything it mentions, which is not a tie)."""
    simple = nx.Graph()
    simple.add_nodes_from((n, d) for n, d in net.nodes(data=True) if d["kind"] != "Document")
    simple.add_edges_from((s, o) for s, o in net.edges() if s in simple and o in simple and s != o)
    return simple

