"""Shared fixtures and helpers: a Page (mentions, facts) from a hand-written sentence, as the pipeline would
make it; the hand-written fixture graph built as `kg build` leaves it; rdflib views of a build; query rows."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.extract import extract
from kg.model import Facts, Mentions, Page, SourceText
from kg.normalise import normalise
from kg.resolve import resolve


def page_of(text: str, title: str | None = None, published: str | None = None) -> Page:
    """A Page of ``text`` read from a file ``t.txt`` whose raw text is the text itself."""
    source = SourceText(source="t.txt", path="t.txt", raw=text, encoding="utf-8", text=text,
                        offsets=tuple(range(len(text) + 1)), title=title, date=published)
    return normalise(source)


def mentions_of(text: str, title: str | None = None, published: str | None = None) -> Mentions:
    return extract(page_of(text, title, published))


def facts_of(text: str, title: str | None = None, published: str | None = None) -> Facts:
    page = page_of(text, title, published)
    return resolve(page, extract(page))


@pytest.fixture(name="page_of")
def page_of_fixture() -> Callable[..., Page]:
    return page_of


@pytest.fixture(name="mentions_of")
def mentions_of_fixture() -> Callable[..., Mentions]:
    return mentions_of


@pytest.fixture(name="facts_of")
def facts_of_fixture() -> Callable[..., Facts]:
    return facts_of


FIXTURE_GRAPH = Path(__file__).parent / "data" / "fixture" / "graph.trig"


def fixture_spool():
    """tests/data/fixture/graph.trig (written by hand, one named graph per document) in a build's spool."""
    import pyoxigraph as ox

    from kg.quads import QuadSpool
    from kg.terms import from_ox

    graphs: dict[str, list] = {}
    for quad in ox.parse(path=str(FIXTURE_GRAPH), format=ox.RdfFormat.TRIG):
        graphs.setdefault(quad.graph_name.value, []).append((quad.subject.value, quad.predicate.value,
                                                             from_ox(quad.object)))
    spool = QuadSpool()
    for name in sorted(graphs):
        spool.add(name, graphs[name])
    return spool


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> Path:
    """The hand-written fixture graph as `kg build --out DIR --store DIR/store` leaves it: graph files,
    pages and a store (no extraction, so it does not move with the extractor); read it, never change it."""
    from kg.export import export_all
    from kg.store import GraphStore, put_spool

    out = tmp_path_factory.mktemp("fixture")
    spool = fixture_spool()
    export_all(spool, out)
    with GraphStore.create_or_open(out / "store") as store:
        put_spool(store, spool)
    return out


# ---------------------------------------------------------------- rdflib views of a build
# kg never builds these (its writers, validation and pages read the spool's sorted triples); tests use
# them to compare kg's output with rdflib's.


def new_dataset():
    from rdflib import Dataset

    from kg.vocab import bind_prefixes

    return bind_prefixes(Dataset())


def add_facts(dataset, facts):
    """One document's facts in its own named graph of an rdflib Dataset, as kg.rdf makes them."""
    from rdflib import URIRef

    from kg.rdf import doc_iri, triples_of
    from kg.terms import to_rdflib

    g = dataset.graph(doc_iri(facts.doc_id))
    g.addN((URIRef(s), URIRef(p), to_rdflib(o), g) for s, p, o in triples_of(facts))
    return g


def union(dataset):
    """All named graphs of a Dataset merged into one rdflib Graph (what graph.ttl holds)."""
    from rdflib import Graph

    from kg.vocab import bind_prefixes

    g = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def rdflib_dataset(spool):
    """A spool's named graphs as an rdflib Dataset."""
    from kg.turtle import prefix_lines

    ds = new_dataset()
    ds.parse(data=prefix_lines(spool.vocabulary) + "".join(spool.graph_blocks()), format="trig")
    return ds


def rdflib_graph(spool):
    """A spool's union graph as an rdflib Graph."""
    from rdflib import Graph, URIRef

    from kg.terms import to_rdflib
    from kg.vocab import bind_prefixes

    g = bind_prefixes(Graph())
    g.addN((URIRef(s), URIRef(p), to_rdflib(o), g) for s, p, o in spool.union())
    return g


def spool_of(dataset):
    """The named graphs of an rdflib Dataset in a QuadSpool."""
    from rdflib import Graph

    from kg.quads import QuadSpool
    from kg.terms import from_rdflib

    graphs: dict[str, list] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        graphs.setdefault(str(name), []).append((str(s), str(p), from_rdflib(o)))
    spool = QuadSpool()
    for name in sorted(graphs):
        spool.add(name, graphs[name])
    return spool


def put_dataset(store, dataset) -> list[str]:
    """Every non-empty named graph of an rdflib Dataset into a GraphStore (one per document)."""
    from rdflib import URIRef

    from kg.terms import from_rdflib, ox_triple

    return store.put_triples((str(g.identifier), [ox_triple((str(s), str(p), from_rdflib(o))) for s, p, o in g])
                             for g in dataset.graphs() if isinstance(g.identifier, URIRef) and len(g))


def query_rows(database, sparql: str, bindings: dict[str, str] | None = None) -> list[dict[str, str]]:
    """A SELECT's rows as {variable: value} (the SPARQL JSON results `kg query --format json` prints)."""
    import json

    from kg import query

    data = json.loads(query.execute(database, sparql, "json", bindings=bindings).text)
    return [{name: b[name]["value"] for name in data["head"]["vars"] if name in b}
            for b in data["results"]["bindings"]]


class Listener:
    """A TCP server on a free loopback port that counts the connections it accepts, and answers each
    request with ``reply``, holds it unanswered (``None``: a stalled server) or closes it (``b""``)."""

    def __init__(self, reply: bytes | None = b""):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/store"
        self.reply, self.accepted, self.held = reply, 0, []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.accepted += 1
            if self.reply is None:
                self.held.append(conn)
            elif not self.reply:
                conn.close()
            else:
                request = b""
                while b"\r\n\r\n" not in request:
                    request += conn.recv(65536)
                length = int(re.search(rb"Content-Length: (\d+)", request, re.I)[1])
                while len(request.partition(b"\r\n\r\n")[2]) < length:
                    request += conn.recv(65536)
                conn.sendall(self.reply)
                conn.close()

    def close(self) -> None:
        self.socket.close()
        for conn in self.held:
            conn.close()


@pytest.fixture(name="listen")
def listen_fixture() -> Iterator[Callable[..., Listener]]:
    """Make loopback listeners (``listen(reply)``), all closed after the test."""
    made: list[Listener] = []

    def make(reply: bytes | None = b"") -> Listener:
        made.append(Listener(reply))
        return made[-1]

    yield make
    for listener in made:
        listener.close()
