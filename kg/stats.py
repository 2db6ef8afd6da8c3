"""Network figures of a knowledge graph, computed with networkx on the knowledge network.

Officials are ranked by degree and betweenness on the entity graph (``network.entity_graph``:
who is linked to what, articles left out); the co-participation network links officials who
took part in the same events, weighted by how many; places are ranked by the events held
there; communities are found in the co-participation network (Louvain, fixed seed, so the
same graph always gives the same communities).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import asdict, dataclass, field

import networkx as nx

from kg.lexicon import edge_words, network_classes
from kg.network import co_participation, entity_graph, nodes_of

EXACT_BETWEENNESS_MAX = 3000  # above this many nodes betweenness is estimated from a sample of sources
BETWEENNESS_SAMPLE = 500
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
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

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


def compute(net: nx.MultiDiGraph) -> NetworkStats:
    """All figures for the network built by ``network.knowledge_network``."""
    counts = {name: len(nodes_of(net, name)) for name in network_classes()}
    edge_kinds = [k for _, _, k in net.edges(data="kind")]
    counts |= {f"edges:{kind}": edge_kinds.count(kind) for kind in edge_words() if kind in edge_kinds}

    simple = entity_graph(net)
    sample = None
    if len(simple) > EXACT_BETWEENNESS_MAX:
        sample = min(BETWEENNESS_SAMPLE, len(simple))
        betweenness = nx.betweenness_centrality(simple, k=sample, seed=SEED)
    else:
        betweenness = nx.betweenness_centrality(simple)
    co = co_participation(net)

    officials = []
    for n in nodes_of(net, "Official"):
        roles = [k for _, _, k in net.out_edges(n, data="kind")]
        officials.append(OfficialFigures(
            iri=n, name=net.nodes[n]["label"], degree=simple.degree(n), betweenness=round(betweenness[n], 6),
            co_participants=co.degree(n), shared_events=co.degree(n, weight="weight"),
            events_led=roles.count("leader"), events_joined=roles.count("participant")))
    officials.sort(key=lambda o: (-o.degree, -o.betweenness, o.name))

    pairs = [Pair(co.nodes[a]["label"], co.nodes[b]["label"], a, b, w) for a, b, w in co.edges(data="weight")]
    pairs.sort(key=lambda p: (-p.events, p.a, p.b))

    places = []
    for n in nodes_of(net, "Place"):
        events = [e for e, _, k in net.in_edges(n, data="kind") if k == "place"]
        people = {p for e in events for p, _, k in net.in_edges(e, data="kind")
                  if k in ("leader", "participant") and net.nodes[p]["kind"] == "Official"}
        if events:
            places.append(PlaceFigures(n, net.nodes[n]["label"], len(events), len(people)))
    places.sort(key=lambda p: (-p.events, -p.officials, p.name))

    communities = []
    if co.number_of_edges():
        found = nx.community.louvain_communities(co, weight="weight", seed=SEED)
        found = sorted((c for c in found if len(c) > 1), key=lambda c: (-len(c), min(c)))
        rank = {o.iri: i for i, o in enumerate(officials)}
        by_iri = {o.iri: o for o in officials}
        for index, members in enumerate(found):
            ordered = sorted(members, key=rank.__getitem__)
            for m in ordered:
                by_iri[m].community = index
            communities.append([by_iri[m].name for m in ordered])
    return NetworkStats(counts, officials, pairs, places, communities, sample)
