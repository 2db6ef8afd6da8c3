"""Upload each document's named graph to a SPARQL 1.1 Graph Store Protocol endpoint.

Each graph goes by ``PUT endpoint?graph=IRI`` as N-Triples, which replaces that graph on the
server, so pushing the same build twice leaves the server as it was.  Graphs go in IRI order.
A connection failure, a dropped connection, a timeout, 429 or a 5xx answer is retried with growing
pauses for at most ``timeout`` seconds per graph (each wait for the network at most a third of it,
so a server that accepts connections and never answers costs ~30 s, not minutes); any other
refusal, or an answer that is not HTTP at all, stops the push at once.  A push that stops says which
graphs the server already has and how to go on (``--from``, or the same command again).
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from kg.store import GraphStore, StoreError, is_store

RETRYABLE = {408, 429, 500, 502, 503, 504}
DEFAULT_TIMEOUT = 30.0  # seconds to keep trying one graph
_NAMED = 10  # graphs named one by one when a push stops


class PushError(RuntimeError):
    """The endpoint refused a graph or could not be reached; the message says which and why, and
    ``pushed`` lists the graphs that were on the server before it stopped."""

    def __init__(self, message: str, pushed: tuple[str, ...] = ()):
        super().__init__(message)
        self.pushed = pushed


@dataclass
class PushReport:
    graphs: int = 0
    triples: int = 0
    attempts: int = 0
    seconds: float = 0.0
    skipped: int = 0  # graphs before --from
    pushed: list[str] = field(default_factory=list)


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


def put_graph(url: str, body: bytes, retries: int = 4, pause: float = 0.5, timeout: float = DEFAULT_TIMEOUT) -> int:
    """PUT one graph, retrying for at most ``timeout`` seconds; return the number of attempts it took."""
    started = time.monotonic()
    deadline = started + timeout
    last, attempt = "", 0
    while attempt <= retries and (remaining := deadline - time.monotonic()) > 0:
        attempt += 1
        request = urllib.request.Request(url, data=body, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        try:
            with urllib.request.urlopen(request, timeout=min(timeout / 3, remaining)) as response:
                response.read()
                return attempt
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:300]
            if exc.code not in RETRYABLE:
                raise PushError(f"the endpoint refused {url}: {exc.code} {exc.reason}"
                                + (f" ({detail})" if detail else "")) from exc
            last = f"{exc.code} {exc.reason}"
        except (http.client.RemoteDisconnected, http.client.IncompleteRead) as exc:
            last = f"the connection was dropped ({type(exc).__name__})"
        except http.client.HTTPException as exc:
            raise PushError(f"{url}: the answer is not HTTP ({type(exc).__name__}: {str(exc)[:80]!r}); is --endpoint "
                            "the address of a SPARQL Graph Store endpoint (host, port and path)?") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            last = "no answer in time" if isinstance(reason, TimeoutError) else str(reason)
        if attempt <= retries:
            time.sleep(max(0.0, min(pause * 2 ** (attempt - 1), deadline - time.monotonic())))
    tries = f"{attempt} {'try' if attempt == 1 else 'tries'}"
    raise PushError(f"could not push to {url} after {tries} in {time.monotonic() - started:.0f} s "
                    f"(last: {last}); is the endpoint up? (--timeout sets how long to keep trying)")


def push(target: str | Path, endpoint: str, retries: int = 4, pause: float = 0.5,
         progress: Callable[[str, int], None] | None = None, timeout: float = DEFAULT_TIMEOUT,
         start: str | None = None) -> PushReport:
    """Replace each document's graph on the endpoint by the local one, in IRI order, from ``start`` on."""
    parts = urlsplit(endpoint)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise PushError(f"{endpoint}: not a valid URL ({exc}); give the Graph Store endpoint, "
                        "e.g. http://HOST:7878/store") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushError(f"{endpoint}: not an http(s) URL; give the Graph Store endpoint, e.g. http://HOST:7878/store")
    started = time.perf_counter()
    report = PushReport()
    name = None
    try:
        for name, body, count in document_graphs(target):
            if start is not None and name < start:
                report.skipped += 1
                continue
            report.attempts += put_graph(graph_url(endpoint, name), body, retries, pause, timeout)
            report.pushed.append(name)
            report.graphs += 1
            report.triples += count
            if progress:
                progress(name, count)
    except PushError as exc:
        raise PushError(f"{exc}\n{_where_it_stands(report, name, start)}", tuple(report.pushed)) from exc
    except KeyboardInterrupt as exc:
        raise PushError(f"interrupted\n{_where_it_stands(report, name, start)}", tuple(report.pushed)) from exc
    if start is not None and not report.graphs:
        raise PushError(f"no graph at or after --from {start}; the last graph has a smaller IRI")
    report.seconds = time.perf_counter() - started
    return report


def _where_it_stands(report: PushReport, failed: str | None, start: str | None) -> str:
    """Which graphs the server has from this push, and how to go on."""
    pushed = report.pushed
    since = f" (from {start} on)" if start else ""
    if not pushed:
        done = f"No graph of this push{since} reached the server."
    else:
        named = pushed if len(pushed) <= _NAMED else [*pushed[:_NAMED // 2], "…", *pushed[-(_NAMED // 2):]]
        done = (f"The server has the {len(pushed)} graph{'s' if len(pushed) > 1 else ''} pushed before it{since}, "
                "in IRI order:\n  " + "\n  ".join(named))
    resume = (f"Go on with the same command and --from {failed} (the graphs before it are there), or run it again "
              "as it is: pushing replaces each graph, so a graph pushed twice is the same.") if failed else ""
    return f"{done}\n{resume}".rstrip()
