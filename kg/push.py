"""Upload each document's named graph to a SPARQL 1.1 Graph Store Protocol endpoint.

Each graph goes by ``PUT endpoint?graph=IRI`` as N-Triples, which replaces that graph on the
server, so pushing the same build twice leaves the server as it was.  A connection failure, a
timeout, 429 or a 5xx answer is retried with growing pauses; any other refusal stops the push
with the server's status and message.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.store import GraphStore, StoreError, is_store

RETRYABLE = {408, 429, 500, 502, 503, 504}


class PushError(RuntimeError):
    """The endpoint refused a graph or could not be reached; the message says which and why."""


@dataclass
class PushReport:
    graphs: int = 0
    triples: int = 0
    attempts: int = 0
    seconds: float = 0.0


def document_graphs(target: str | Path) -> Iterator[tuple[str, bytes, int]]:
    """(graph IRI, N-Triples, triple count) per document, from a --store directory, a build's --out
    directory (its graph.trig) or a TriG/N-Quads file."""
    path = Path(target)
    if is_store(path):
        try:
            store = GraphStore.open(path)
        except StoreError as exc:
            raise PushError(str(exc)) from exc
        with store:
            for name in sorted(store.records):
                triples = store.document_triples(name)
                yield name, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), len(triples)
        return
    if path.is_dir():
        path = path / "graph.trig"
    formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
    if path.suffix not in formats:
        raise PushError(f"{target}: has no per-document graphs; push graph.trig, the --out directory "
                        "or a --store directory")
    if not path.exists():
        raise PushError(f"{path}: no such file; run `kg build INPUT --out DIR` first")
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    try:
        for quad in ox.parse(path=str(path), format=formats[path.suffix]):
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs[quad.graph_name.value].append(quad.triple)
    except (SyntaxError, OSError) as exc:
        raise PushError(f"{path}: not a readable graph ({exc})") from exc
    for name in sorted(graphs):
        yield name, ox.serialize(graphs[name], format=ox.RdfFormat.N_TRIPLES), len(graphs[name])


def graph_url(endpoint: str, graph: str) -> str:
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode({"graph": graph})


def put_graph(url: str, body: bytes, retries: int = 4, pause: float = 0.5, timeout: float = 60) -> int:
    """PUT one graph; return the number of attempts it took."""
    last = ""
    for attempt in range(1, retries + 2):
        request = urllib.request.Request(url, data=body, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return attempt
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:300]
            if exc.code not in RETRYABLE:
                raise PushError(f"the endpoint refused {url}: {exc.code} {exc.reason}"
                                + (f" ({detail})" if detail else "")) from exc
            last = f"{exc.code} {exc.reason}"
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            last = str(getattr(exc, "reason", exc))
        if attempt <= retries:
            time.sleep(pause * 2 ** (attempt - 1))
    raise PushError(f"could not push to {url} after {retries + 1} tries (last: {last}); is the endpoint up?")


def push(target: str | Path, endpoint: str, retries: int = 4, pause: float = 0.5,
         progress: Callable[[str, int], None] | None = None) -> PushReport:
    """Replace each document's graph on the endpoint by the local one."""
    if not endpoint.startswith(("http://", "https://")):
        raise PushError(f"{endpoint}: not an http(s) URL; give the Graph Store endpoint, e.g. http://HOST:7878/store")
    started = time.perf_counter()
    report = PushReport()
    for name, body, count in document_graphs(target):
        report.attempts += put_graph(graph_url(endpoint, name), body, retries, pause)
        report.graphs += 1
        report.triples += count
        if progress:
            progress(name, count)
    report.seconds = time.perf_counter() - started
    return report
