"""Network figures of a knowledge graph: the knowledge network (networkx) measured with igraph (C).

Officials are ranked by degree and betweenness on the entity graph (``network.entity_graph``:
who is linked to what, articles left out); the co-participation network links officials who
took part in the same events, weighted by how many; places are ranked by the events held
there; communities are found in the co-participation network (Louvain, fixed seed, so the
same graph always gives the same communities).  Betweenness and communities are computed by
igraph: networkx's pure-Python betweenness was half of a 1,000-article build.
"""

from __future__ import annotations

import csv
import io
import json
import random
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import igraph

from kg.lexicon import edge_words, network_classes
from kg.network import co_participation, nodes_of

if TYPE_CHECKING:
    import networkx as nx

# Above this many nodes betweenness is estimated from a sample of sources (exact: about O(nodes × edges);
# igraph takes ~1 s for 5,000 nodes, 0.8 s for 200 sources on 30,000 nodes and 60,000 edges).
EXACT_BETWEENNESS_MAX = 5000
BETWEENNESS_SAMPLE = 200
SEED = 7


@dataclass
class OfficialFigures:
    iri: str
    name: str
    degree: int  # distinct neighbours in the entity graph
    betweenness: float  # normalised, in the entity graph
    co_participants: int  # officials met in at least one event
    shared_events: int  # sum of co-participation weights
    events_led: int
    events_joined: int
    community: int | None = None  # index into NetworkStats.communities


@dataclass
class Pair:
    a: str
    b: str
    a_iri: str
    b_iri: str
    events: int


@dataclass
class PlaceFigures:
    iri: str
    name: str
    events: int  # events held there
    officials: int  # distinct officials who led or joined them


@dataclass
class NetworkStats:
    counts: dict[str, int]  # nodes per class, then edges per kind
    officials: list[OfficialFigures] = field(default_factory=list)  # by degree, then betweenness
    pairs: list[Pair] = field(default_factory=list)  # by shared events
    places: list[PlaceFigures] = field(default_factory=list)  # by events
    communities: list[list[str]] = field(default_factory=list)  # official names, largest first
    betweenness_sources: int | None = None  # sample size when betweenness was estimated, else None

    def to_json(self) -> str:
        """What ``dataclasses.asdict`` gives, made directly (asdict deep-copies: a second on a large build)."""
        data = {"counts": self.counts, "officials": [vars(o) for o in self.officials],
                "pairs": [vars(p) for p in self.pairs], "places": [vars(p) for p in self.places],
                "communities": self.communities, "betweenness_sources": self.betweenness_sources}
        return json.dumps(data, ensure_ascii=False, indent=1)

    def to_csv(self) -> str:
        """One figure per row: section, rank, name, iri, measure, value (easy to filter or pivot)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["section", "rank", "name", "iri", "measure", "value"])
        for name, value in self.counts.items():
            w.writerow(["counts", "", name, "", "count", value])
        for rank, o in enumerate(self.officials, 1):
            for measure in ("degree", "betweenness", "co_participants", "shared_events", "events_led",
                            "events_joined", "community"):
                value = getattr(o, measure)
                w.writerow(["officials", rank, o.name, o.iri, measure, "" if value is None else value])
        for rank, p in enumerate(self.pairs, 1):
            w.writerow(["co_participation", rank, f"{p.a}—{p.b}", f"{p.a_iri} {p.b_iri}", "events", p.events])
        for rank, p in enumerate(self.places, 1):
            w.writerow(["places", rank, p.name, p.iri, "events", p.events])
            w.writerow(["places", rank, p.name, p.iri, "officials", p.officials])
        for rank, members in enumerate(self.communities, 1):
            w.writerow(["communities", rank, "、".join(members), "", "size", len(members)])
        return buf.getvalue()

    def to_text(self, top: int = 20) -> str:
        out = ["Counts: " + ", ".join(f"{k} {v}" for k, v in self.counts.items()), ""]
        note = f" (estimated from {self.betweenness_sources} sources)" if self.betweenness_sources else ""
        out.append(f"Officials by degree (top {top} of {len(self.officials)}); betweenness{note}:")
        out.append(_table(["rank", "official", "degree", "betweenness", "co-participants", "shared events",
                           "led", "joined", "community"],
                          [[i, o.name, o.degree, f"{o.betweenness:.4f}", o.co_participants, o.shared_events,
                            o.events_led, o.events_joined, "" if o.community is None else o.community + 1]
                           for i, o in enumerate(self.officials[:top], 1)]))
        out += ["", f"Co-participation: officials in the same events (top {top} of {len(self.pairs)} pairs):"]
        out.append(_table(["rank", "official", "official", "events"],
                          [[i, p.a, p.b, p.events] for i, p in enumerate(self.pairs[:top], 1)]))
        out += ["", f"Places by visits (top {top} of {len(self.places)}):"]
        out.append(_table(["rank", "place", "events", "officials"],
                          [[i, p.name, p.events, p.officials] for i, p in enumerate(self.places[:top], 1)]))
        out += ["", f"Communities of officials who take part in events together ({len(self.communities)}):"]
        out += [f"{i:>4}. ({len(c)}) {'、'.join(c)}" for i, c in enumerate(self.communities[:top], 1)]
        return "\n".join(out) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list]) -> str:
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip() for r in cells)


def _entity_igraph(net: nx.MultiDiGraph) -> tuple[list[str], igraph.GraphBase]:
    """``network.entity_graph`` as an igraph graph (nodes in IRI order), without copying the node data.

    igraph's C graph (``GraphBase``): ``igraph.Graph`` imports numpy (0.15 s) on every construction."""
    nodes = sorted(n for n, kind in net.nodes(data="kind") if kind != "Document")
    index = {n: i for i, n in enumerate(nodes)}
    pairs = {(a, b) if a < b else (b, a) for s, o in net.edges()
             if (a := index.get(s)) is not None and (b := index.get(o)) is not None and a != b}
    return nodes, igraph.GraphBase(len(nodes), sorted(pairs), False)


def betweenness(graph: igraph.GraphBase) -> tuple[list[float], int | None]:
    """Normalised betweenness as networkx defines it (``betweenness_centrality``), and the number of
    sources it was estimated from (None: exact). igraph counts each pair of an undirected graph once,
    networkx twice, hence the factor 2."""
    n = graph.vcount()
    if n <= 2:
        return [0.0] * n, None
    scale = 2 / ((n - 1) * (n - 2))
    if n <= EXACT_BETWEENNESS_MAX:
        return [b * scale for b in graph.betweenness(directed=False)], None
    sources = random.Random(SEED).sample(range(n), BETWEENNESS_SAMPLE)
    scale *= n / BETWEENNESS_SAMPLE
    return [b * scale for b in graph.betweenness(directed=False, sources=sources)], BETWEENNESS_SAMPLE


def communities(co: nx.Graph) -> list[set[str]]:
    """Louvain communities of the weighted co-participation network (igraph's multilevel method; the
    nodes in IRI order and a seeded random source, so the same graph gives the same communities)."""
    nodes = sorted(co)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted((min(index[a], index[b]), max(index[a], index[b]), w) for a, b, w in co.edges(data="weight"))
    graph = igraph.GraphBase(len(nodes), [(a, b) for a, b, _ in edges], False)
    igraph.set_random_number_generator(random.Random(SEED))
    try:
        membership = graph.community_multilevel(weights=[w for _, _, w in edges])
    finally:
        igraph.set_random_number_generator(random)
    found: dict[int, set[str]] = {}
    for node, community in zip(nodes, membership, strict=True):
        found.setdefault(community, set()).add(node)
    return list(found.values())


def compute(net: nx.MultiDiGraph) -> NetworkStats:
    """All figures for the network built by ``network.knowledge_network``."""
    counts = {name: len(nodes_of(net, name)) for name in network_classes()}
    edge_kinds = [k for _, _, k in net.edges(data="kind")]
    counts |= {f"edges:{kind}": edge_kinds.count(kind) for kind in edge_words() if kind in edge_kinds}

    nodes, entity = _entity_igraph(net)
    position = {n: i for i, n in enumerate(nodes)}
    degree = entity.degree()
    between, sample = betweenness(entity)
    co = co_participation(net)

    officials = []
    for n in nodes_of(net, "Official"):
        roles = [k for _, _, k in net.out_edges(n, data="kind")]
        officials.append(OfficialFigures(
            iri=n, name=net.nodes[n]["label"], degree=degree[position[n]], betweenness=round(between[position[n]], 6),
            co_participants=co.degree(n), shared_events=co.degree(n, weight="weight"),
            events_led=roles.count("leader"), events_joined=roles.count("participant")))
    officials.sort(key=lambda o: (-o.degree, -o.betweenness, o.name, o.iri))

    pairs = [Pair(co.nodes[a]["label"], co.nodes[b]["label"], a, b, w) for a, b, w in co.edges(data="weight")]
    pairs.sort(key=lambda p: (-p.events, p.a, p.b, p.a_iri, p.b_iri))

    places = []
    for n in nodes_of(net, "Place"):
        events = [e for e, _, k in net.in_edges(n, data="kind") if k == "place"]
        people = {p for e in events for p, _, k in net.in_edges(e, data="kind")
                  if k in ("leader", "participant") and net.nodes[p]["kind"] == "Official"}
        if events:
            places.append(PlaceFigures(n, net.nodes[n]["label"], len(events), len(people)))
    places.sort(key=lambda p: (-p.events, -p.officials, p.name, p.iri))

    found_communities = []
    if co.number_of_edges():
        found = sorted((c for c in communities(co) if len(c) > 1), key=lambda c: (-len(c), min(c)))
        rank = {o.iri: i for i, o in enumerate(officials)}
        by_iri = {o.iri: o for o in officials}
        for index, members in enumerate(found):
            ordered = sorted(members, key=rank.__getitem__)
            for m in ordered:
                by_iri[m].community = index
            found_communities.append([by_iri[m].name for m in ordered])
    return NetworkStats(counts, officials, pairs, places, found_communities, sample)
