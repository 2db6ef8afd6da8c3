"""The knowledge network: the build's triples read once into networkx graphs for the views and the figures.

One node per person, organisation, place, event and article; one edge per fact, with the edge
kind (``post``, ``leader`` …) and its Chinese word.  Posts and evidence are not nodes: they are
what a node's ``details`` say (posts with organisations, events with dates, evidence sentences
with their source files), so a view can show them as text.  The projections (officials,
places, events, an official's neighbourhood, co-participation) are all derived from this one
network, never read again from the RDF.

The network is read in one pass over plain triples (a build's sorted ``QuadSpool`` union, or an
rdflib graph turned into the same strings), keeping only what the views show: no second graph of
the whole build is held in memory, and sorted input gives the same network in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from kg.choices import DEFAULT_MAX_NODES, VIEW_KINDS
from kg.lexicon import edge_words
from kg.terms import unquote
from kg.vocab import EVENT_CLASSES as KINDS_OF_EVENT

__all__ = ["DEFAULT_MAX_NODES", "KINDS", "NetworkError", "knowledge_network"]

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.terms import Triple

KINDS = VIEW_KINDS
MAX_EVIDENCE = 5  # sentences kept per node: enough to check a fact, small enough for big pages

_OK = "https://w3id.org/officials-kg/ontology#"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_TITLE = "http://purl.org/dc/terms/title"
EVENT_CLASSES = (_OK + "Event", *(_OK + name for name in KINDS_OF_EVENT))
PLACE_CLASSES = tuple(_OK + c for c in ("Place", "AdministrativeRegion", "Facility"))
# what the views read of each predicate: "one" keeps a value, "many" a list, "labels" the labels
_KEPT = {_LABEL: "labels", _DERIVED: "many", _TITLE: "one"} | {
    _OK + p: "many" for p in ("evidence", "holdsPost", "postIn", "jurisdiction", "partOf", "leader",
                               "participant", "place")} | {
    _OK + p: "one" for p in ("title", "text", "sourceFile", "adcode", "date", "role", "published", "publisher",
                              "url")}


class NetworkError(ValueError):
    """A view that cannot be drawn as asked (unknown kind, no node of that name); the message says why."""


def _class_of(types: set[str]) -> str | None:
    if _OK + "Official" in types:
        return "Official"
    if _OK + "Person" in types:
        return "Person"
    if _OK + "Organization" in types:
        return "Organization"
    if types.intersection(PLACE_CLASSES):
        return "Place"
    if types.intersection(EVENT_CLASSES):
        return "Event"
    if _OK + "Document" in types:
        return "Document"
    return None


def date_text(value: str | None) -> str:
    """An event date as readers see it: 2022-11-08, or --11-08 (no year in the article)."""
    return "" if value is None else value


@dataclass
class _Facts:
    """The triples the views need, by subject: IRIs bare, literals as their text."""

    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    one: dict[tuple[str, str], str] = field(default_factory=dict)  # (subject, predicate) -> least value
    many: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)  # least zh-Hans label (else the file, the IRI's end)
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # every label

    @classmethod
    def read(cls, triples: Iterable[Triple]) -> _Facts:
        facts = cls()
        kept, types, one, many = _KEPT, facts.types, facts.one, facts.many
        for s, p, o in triples:
            if p == _TYPE:
                types[s].add(o[1:-1])
                continue
            how = kept.get(p)
            if how is None:
                continue
            value = o[1:-1] if o[0] == "<" else unquote(o)
            if how == "many":
                many[s, p].append(value if isinstance(value, str) else value[0])
            elif how == "one":
                text = value if isinstance(value, str) else value[0]
                if (s, p) not in one or text < one[s, p]:
                    one[s, p] = text
            else:
                text, lang, _ = value
                facts.names[s].add(text)
                if lang == "zh-Hans" and (s not in facts.labels or text < facts.labels[s]):
                    facts.labels[s] = text
        for key, values in many.items():
            if len(values) > 1:
                many[key] = sorted(set(values))
        return facts

    def value(self, node: str, predicate: str) -> str | None:
        return self.one.get((node, predicate))

    def objects(self, node: str, predicate: str) -> list[str]:
        return self.many.get((node, predicate), [])

    def label(self, node: str) -> str:
        if (label := self.labels.get(node)) is None:
            label = self.labels[node] = self.value(node, _OK + "sourceFile") or node.rsplit("/", 1)[-1]
        return label

    def file(self, doc: str) -> str | None:
        return self.value(doc, _OK + "sourceFile")

    def evidence(self, node: str) -> list[dict[str, str]]:
        out = []
        for ev in self.objects(node, _OK + "evidence"):
            text = self.value(ev, _OK + "text")
            if text is not None:
                docs = self.objects(ev, _DERIVED)
                out.append({"text": text, "file": (self.file(docs[0]) or "") if docs else ""})
        return out

    def sources(self, node: str) -> list[str]:
        return sorted({f for d in self.objects(node, _DERIVED) if (f := self.file(d)) is not None})


def _merge_evidence(*lists: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    seen, out = set(), []
    for items in lists:
        for item in items:
            key = (item["text"], item["file"])
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out[:MAX_EVIDENCE]


def triples_of_graph(g: Graph) -> Iterable[Triple]:
    """An rdflib graph's triples as the strings a build's spool holds (object in N-Triples syntax)."""
    from kg.terms import from_rdflib

    for s, p, o in g:
        yield str(s), str(p), from_rdflib(o)


def knowledge_network(source: Graph | Iterable[Triple]) -> nx.MultiDiGraph:
    """Every person, organisation, place, event and article, with facts as labelled edges.

    ``source`` is an rdflib graph or plain triples (``QuadSpool.union()``: read once, streamed).
    """
    triples = triples_of_graph(source) if hasattr(source, "namespace_manager") else source
    words = edge_words()
    f = _Facts.read(triples)
    ok = _OK
    kind_of = {node: k for node, ts in sorted(f.types.items()) if (k := _class_of(ts))}
    attrs = {node: {"kind": kind, "label": f.label(node), "date": "",
                    "details": {"name": f.label(node), "kind": kind, "files": f.sources(node)}}
             for node, kind in kind_of.items()}
    edges: list[tuple[str, str, dict]] = []  # added at the end, all at once (networkx's add_edge is slow)

    def add(s: str, o: str, kind: str, **extra) -> None:
        if s in kind_of and o in kind_of:
            edges.append((s, o, {"kind": kind, "label": words[kind], **extra}))

    def details(node: str) -> dict:
        return attrs[node]["details"]

    # posts: person —任职→ organisation, and the post as text on both
    post_evidence: dict = defaultdict(list)
    for person in (n for n, k in kind_of.items() if k in ("Official", "Person")):
        for post in f.objects(person, ok + "holdsPost"):
            title = f.value(post, ok + "title") or ""
            orgs = f.objects(post, ok + "postIn")
            org = orgs[0] if orgs else None
            details(person).setdefault("posts", []).append({"title": title, "org": f.label(org) if org else ""})
            names = f.names[person]  # a post's sentences name all its holders
            post_evidence[person].extend(e for e in f.evidence(post) if any(n in e["text"] for n in names))
            if org is not None and org in kind_of:
                details(org).setdefault("holders", []).append({"name": f.label(person), "title": title})
                add(person, org, "post", title=title)
    for org in (n for n, k in kind_of.items() if k == "Organization"):
        for region in f.objects(org, ok + "jurisdiction"):
            details(org)["jurisdiction"] = f.label(region)
            add(org, region, "jurisdiction")

    # places: containment chain, adcode
    for place in (n for n, k in kind_of.items() if k == "Place"):
        for parent in f.objects(place, ok + "partOf"):
            add(place, parent, "partOf")
        chain, seen, up = [], {place}, _first(f.objects(place, ok + "partOf"))
        while up is not None and up not in seen:
            chain.append(f.label(up))
            seen.add(up)
            up = _first(f.objects(up, ok + "partOf"))
        d = details(place)
        if chain:
            d["partOf"] = chain
        if (code := f.value(place, ok + "adcode")) is not None:
            d["adcode"] = code

    # events: who led, who took part, where, when, from which article
    in_event: set = set()
    event_evidence: dict = defaultdict(list)
    for event in (n for n, k in kind_of.items() if k == "Event"):
        d = details(event)
        date = date_text(f.value(event, ok + "date"))
        attrs[event]["date"] = date
        leaders = f.objects(event, ok + "leader")
        participants = sorted(set(f.objects(event, ok + "participant")) - set(leaders))
        places = f.objects(event, ok + "place")
        d.update(date=date, leaders=[f.label(p) for p in leaders], participants=[f.label(p) for p in participants],
                 places=[f.label(p) for p in places])
        evidence = f.evidence(event)
        d["evidence"] = evidence[:MAX_EVIDENCE]
        summary = {"id": event, "label": f.label(event), "date": date, "places": d["places"]}
        for role, people in (("leader", leaders), ("participant", participants)):
            for person in people:
                add(person, event, role)
                in_event.add(person)
                if person in kind_of:
                    details(person).setdefault("events", []).append({**summary, "as": role})
                    event_evidence[person].extend(evidence)
        for place in places:
            add(event, place, "place")
            if place in kind_of:
                details(place).setdefault("visits", []).append({**summary, "leaders": d["leaders"]})
                event_evidence[place].extend(evidence)
        for doc in f.objects(event, _DERIVED):
            add(event, doc, "source")

    # people in no event are tied to the articles that name them (reporters, editors …)
    for node, kind in kind_of.items():
        if kind in ("Official", "Person") and node not in in_event:
            for doc in f.objects(node, _DERIVED):
                add(node, doc, "source")
        if kind == "Person" and (role := f.value(node, ok + "role")) is not None:
            details(node)["role"] = role
        if kind == "Document":
            details(node).update(file=f.file(node) or "", title=f.value(node, _TITLE) or "",
                                 published=f.value(node, ok + "published") or "",
                                 publisher=f.value(node, ok + "publisher") or "", url=f.value(node, ok + "url") or "")

    for node, kind in kind_of.items():
        d = details(node)
        if kind in ("Official", "Person"):
            d.setdefault("events", []).sort(key=lambda e: (e["date"] == "", e["date"], e["label"]))
            d["evidence"] = _merge_evidence(f.evidence(node), event_evidence[node], post_evidence[node])
        elif kind == "Place":
            d.setdefault("visits", []).sort(key=lambda e: (e["date"] == "", e["date"], e["label"]))
            d["evidence"] = _merge_evidence(f.evidence(node), event_evidence[node])
    net = nx.MultiDiGraph()
    net.add_nodes_from(attrs.items())
    net.add_edges_from(edges)
    return net


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


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

