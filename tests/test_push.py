"""kg push against a real Oxigraph server (PyPI `oxigraph`) on a free loopback port, and against
small stand-in servers that fail, refuse, stall or do not speak HTTP.  The graph is the hand-written
fixture (tests/data/fixture/graph.trig)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.push import PushError, document_graphs, push

OXIGRAPH = shutil.which("oxigraph")

pytestmark = pytest.mark.server


DOCUMENTS = 4  # the named graphs of tests/data/fixture/graph.trig


@pytest.fixture(scope="module")
def built(fixture_build) -> Path:
    """The hand-written fixture graph (tests/data/fixture) as `kg build --out DIR --store DIR/store` leaves it."""
    return fixture_build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def oxigraph_server(tmp_path):
    if OXIGRAPH is None:
        pytest.fail("the `oxigraph` server is missing: pip install -e '.[test]'")
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph did not start: {process.stderr.read().decode()}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stderr.close()


def sparql(url: str, query: str) -> list[dict[str, str]]:
    request = urllib.request.Request(url + "/query", data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.loads(response.read())
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


COUNT = "SELECT (COUNT(*) AS ?quads) (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } }"
OFFICIALS = """PREFIX ok: <https://w3id.org/officials-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?name WHERE { GRAPH ?g { ?o rdfs:label "青川县委"@zh-Hans . ?post ok:postIn ?o }
  GRAPH ?h { ?p ok:holdsPost ?post ; rdfs:label ?name } } ORDER BY ?name"""


def test_push_twice_to_oxigraph_changes_nothing(built, oxigraph_server):
    local = list(document_graphs(built / "store"))
    quads = sum(n for _, _, n in local)
    result = CliRunner().invoke(main, ["push", str(built / "store"), "--endpoint", oxigraph_server + "/store"])
    assert result.exit_code == 0, result.output
    documents = DOCUMENTS
    assert f"pushed {documents} document graphs ({quads} triples)" in result.output
    first = sparql(oxigraph_server, COUNT)
    assert first == [{"quads": str(quads), "graphs": str(documents)}]
    # again, from the TriG file of the same build this time
    report = push(built, oxigraph_server + "/store")
    assert (report.graphs, report.triples, report.attempts) == (documents, quads, documents)
    assert sparql(oxigraph_server, COUNT) == first
    names = [r["name"] for r in sparql(oxigraph_server, OFFICIALS)]
    assert {"欧阳明远", "司马清和", "上官文澜"} <= set(names)  # 县委书记, 县委副书记, 县委常委 in the fixture


def test_store_and_trig_give_the_same_graphs(built):
    assert [(g, n) for g, _, n in document_graphs(built / "store")] == [
        (g, n) for g, _, n in document_graphs(built / "graph.trig")]


class FlakyStore(BaseHTTPRequestHandler):
    """Answers 503 to the first ``failures`` PUTs, then 204; 403 when ``refuse`` is set, or after
    ``refuse_after`` PUTs."""

    failures = 0
    refuse = False
    refuse_after: int | None = None
    seen: list[str] = []

    def do_PUT(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append(self.path)
        after = type(self).refuse_after
        if type(self).refuse or (after is not None and len(type(self).seen) > after):
            self.send_error(403, "read-only store")
        elif len(type(self).seen) <= type(self).failures:
            self.send_error(503, "busy")
        else:
            self.send_response(204)
            self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def flaky():
    FlakyStore.seen, FlakyStore.failures, FlakyStore.refuse, FlakyStore.refuse_after = [], 0, False, None
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyStore)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store", FlakyStore
    server.shutdown()
    server.server_close()


def test_busy_answers_are_retried(built, flaky):
    url, handler = flaky
    handler.failures = 2
    report = push(built, url, retries=3, pause=0.01)
    assert report.graphs == DOCUMENTS and report.attempts == DOCUMENTS + 2 and len(handler.seen) == DOCUMENTS + 2
    graph = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.seen[0]).query)["graph"]
    assert graph == [next(document_graphs(built))[0]]  # ?graph= carries the document IRI


def test_a_refusal_stops_at_once_with_the_reason(built, flaky):
    url, handler = flaky
    handler.refuse = True
    with pytest.raises(PushError, match="the endpoint refused .*: 403 .*read-only store"):
        push(built, url, retries=3, pause=0.01)
    assert len(handler.seen) == 1


def test_an_unreachable_endpoint_is_named_after_the_retries(built):
    url = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(main, ["push", str(built), "--endpoint", url, "--retries", "1"])
    assert result.exit_code == 1 and "after 2 tries" in result.output and "is the endpoint up?" in result.output


def test_a_graph_without_documents_cannot_be_pushed(built):
    result = CliRunner().invoke(main, ["push", str(built / "graph.ttl"), "--endpoint", "http://127.0.0.1:1/store"])
    assert result.exit_code == 1 and "has no per-document graphs; push graph.trig" in result.output
    with pytest.raises(PushError, match="not an http"):
        push(built, "127.0.0.1:7878/store")


def graphs_seen(handler) -> list[str]:
    return [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["graph"][0] for path in handler.seen]


def test_a_push_that_stops_names_the_graphs_on_the_server_and_how_to_go_on(built, flaky):
    url, handler = flaky
    handler.refuse_after = 2
    names = [name for name, _, _ in document_graphs(built)]
    result = CliRunner().invoke(main, ["push", str(built), "--endpoint", url, "--retries", "0"])
    assert result.exit_code == 1
    assert "The server has the 2 graphs pushed before it, in IRI order:" in result.output
    assert f"  {names[0]}\n  {names[1]}\n" in result.output and names[3] not in result.output
    assert f"--from {names[2]}" in result.output and "run it again" in result.output
    handler.refuse_after = None
    result = CliRunner().invoke(main, ["push", str(built), "--endpoint", url, "--from", names[2]])
    assert result.exit_code == 0 and "pushed 2 document graphs" in result.output and "2 before --from" in result.output
    assert set(graphs_seen(handler)) == set(names) and graphs_seen(handler)[-2:] == names[2:]


def test_a_stalled_server_fails_the_push_within_its_timeout(built, listen):
    stalled = listen(None)
    started = time.monotonic()
    with pytest.raises(PushError, match="after 3 tries in [12] s \\(last: no answer in time\\)") as raised:
        push(built, stalled.url, retries=4, pause=0.01, timeout=1.5)
    assert time.monotonic() - started < 2.5 and stalled.accepted == 3  # each wait is a third of the timeout
    assert "No graph of this push reached the server." in str(raised.value) and raised.value.pushed == ()


@pytest.mark.slow
def test_by_default_a_stalled_server_costs_about_30_seconds(built, listen):
    stalled = listen(None)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["push", str(built), "--endpoint", stalled.url])
    assert result.exit_code == 1 and "no answer in time" in result.output
    assert 29 < time.monotonic() - started < 35


@pytest.mark.parametrize("reply", [b"SSH-2.0-OpenSSH_9.6\r\n", b"\x00\x01\x02 binary", b"HTTP/1.1 abc\r\n\r\n"])
def test_an_answer_that_is_not_http_stops_the_push_at_once(built, listen, reply):
    other = listen(reply)
    with pytest.raises(PushError, match="the answer is not HTTP .* is --endpoint the address"):
        push(built, other.url, retries=4, pause=0.01, timeout=10)
    assert other.accepted == 1


def test_a_bad_endpoint_url_is_named(built):
    with pytest.raises(PushError, match="not a valid URL"):
        push(built, "http://127.0.0.1:port/store")
