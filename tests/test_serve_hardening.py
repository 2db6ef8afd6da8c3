"""kg serve under attack, over real sockets: federated SERVICE refused (a local listener receives
nothing), a 4xx for every malformed request and never a dropped connection, silent and half-open
connections closed after the idle timeout, a bounded connection count, official pages by their
Chinese names, and runaway queries that do not starve cheap ones.  The graph is the hand-written fixture
(tests/data/fixture/graph.trig); timeouts are short so that the tests are quick."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from kg.httpserver import ConnectionLimits
from kg.safety import federated
from kg.serve import Endpoint, make_server, prepare_database
from kg.workers import BusyError, Limits, WorkerPool

pytestmark = pytest.mark.server

IDLE = 0.6  # the server's idle timeout in these tests, seconds
MAX_BODY = 4096
CONNECTIONS = 12

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l FILTER(?c != {n}) }}"
CHEAP = "ASK { ?p a ok:Official }"


@pytest.fixture(scope="module")
def built(fixture_build) -> Path:
    """The hand-written fixture graph (tests/data/fixture) as `kg build --out DIR --store DIR/store` leaves it."""
    return fixture_build


@pytest.fixture(scope="module")
def pool(built):
    database, temporary = prepare_database(built)
    pool = WorkerPool(database, limits=Limits(time_limit=1.5, workers=6, long_queries=1, grace=0.3))
    yield pool
    pool.close()
    import shutil

    shutil.rmtree(temporary, ignore_errors=True)


@pytest.fixture(scope="module")
def port(pool, built):
    server = make_server(Endpoint(pool, max_rows=1000, views_dir=built), port=0,
                         limits=ConnectionLimits(connections=CONNECTIONS, idle_timeout=IDLE, max_body=MAX_BODY,
                                                 header_bytes=8192))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP response from ``sock``: status, headers (lower-case names), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed without a (whole) response; got {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the middle of the body")
        body += chunk
    return status, headers, body


def raw(port: int, data: bytes, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_response(sock)


def get(port: int, target: str) -> tuple[int, dict[str, str], bytes]:
    return raw(port, f"GET {target} HTTP/1.1\r\nHost: t\r\nAccept: application/sparql-results+json\r\n"
                     "Connection: close\r\n\r\n".encode())


def sparql(port: int, query: str) -> tuple[int, dict[str, str], bytes]:
    return get(port, "/sparql?query=" + urllib.parse.quote(query))


# --- federated queries


SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
    "PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE# a comment\n\t<http://127.0.0.1:{port}/>{{}} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{}} }} }}",
    "ASK {{ ?s ?p \"x\" .SERVICE <http://127.0.0.1:{port}/> {{}} }}",
    "PREFIX e: <http://e/> CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s e:a\\# ?o . SERVICE <http://127.0.0.1:{port}/> {{}} }}",
    "PREFIX e: <http://e/> SELECT * WHERE {{ ?s e:a\\' ?o .SERVICE <http://127.0.0.1:{port}/> {{}} }}",
    "PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ ?s ?p e:a.SERVICE e:b {{}} }}",
]


@pytest.mark.parametrize("query", SERVICE_QUERIES)
def test_service_is_refused_before_it_runs(port, listen, query):
    listener = listen()
    status, _, body = sparql(port, query.format(port=listener.port))
    assert status == 400 and b"SERVICE" in body
    time.sleep(0.1)
    assert listener.accepted == 0


def test_no_other_clause_reaches_the_network(port, listen):
    listener = listen()
    here = f"<http://127.0.0.1:{listener.port}/graph>"
    for query in (f"SELECT * FROM {here} WHERE {{ ?s ?p ?o }}", f"SELECT * FROM NAMED {here} WHERE {{ ?s ?p ?o }}",
                  f"DESCRIBE {here}", f"ASK {{ GRAPH {here} {{ ?s ?p ?o }} }}"):
        assert sparql(port, query)[0] == 200, query
    for update in (f"LOAD {here}", f"LOAD <file:///etc/passwd> INTO GRAPH {here}"):
        assert sparql(port, update)[0] == 400  # not a query
        form = urllib.parse.urlencode({"update": update}).encode()
        assert raw(port, b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   + f"Content-Length: {len(form)}\r\n\r\n".encode() + form)[0] == 403
    time.sleep(0.1)
    assert listener.accepted == 0


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service a schema:Service }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://h/> {}" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }  # SERVICE <http://h/> {}",
    "PREFIX e: <http://e/> SELECT * WHERE { _:service e:service ?o }",
    "SELECT * WHERE { ?s ?p '''\nSERVICE <http://h/> {}\n''' }",
])
def test_the_word_service_elsewhere_is_allowed(query):
    assert not federated(query)


# --- malformed requests: each gets a 4xx answer, none a dropped connection

POST = "POST /sparql HTTP/1.1\r\nHost: t\r\n"
MALFORMED = {
    "a query body that is not UTF-8": (POST + "Content-Type: application/sparql-query\r\nContent-Length: 4\r\n\r\n")
    .encode() + b"\xff\xfe\xfd\xfc",
    "a form body that is not UTF-8": (POST + "Content-Type: application/x-www-form-urlencoded\r\n"
                                      "Content-Length: 12\r\n\r\nquery=%FF%FE").encode(),
    "a query string that is not UTF-8": b"GET /sparql?query=%FF%FE HTTP/1.1\r\nHost: t\r\n\r\n",
    "a path that is not UTF-8": b"GET /views/%FF%FE.html HTTP/1.1\r\nHost: t\r\n\r\n",
    "Content-Length: abc": (POST + "Content-Length: abc\r\n\r\nquery").encode(),
    "Content-Length: -1": (POST + "Content-Length: -1\r\n\r\n").encode(),
    "Content-Length: 50000000000": (POST + "Content-Length: 50000000000\r\n\r\n").encode(),
    "Content-Length: 1e3": (POST + "Content-Length: 1e3\r\n\r\n").encode(),
    "two different Content-Lengths": (POST + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nASK{}").encode(),
    "a body over the limit": (POST + f"Content-Length: {MAX_BODY + 1}\r\n\r\n").encode() + b"x" * (MAX_BODY + 1),
    "a chunked body over the limit": (POST + "Transfer-Encoding: chunked\r\n\r\n").encode()
    + b"".join(b"400\r\n" + b"x" * 1024 + b"\r\n" for _ in range(6)) + b"0\r\n\r\n",
    "a bad chunk size": (POST + "Transfer-Encoding: chunked\r\n\r\nzz\r\nASK\r\n0\r\n\r\n").encode(),
    "a request line that is not HTTP": b"GARBAGE\r\n\r\n",
    "no Host header": b"GET / HTTP/1.1\r\n\r\n",
    "a header line without a colon": b"GET / HTTP/1.1\r\nHost: t\r\nno colon here\r\n\r\n",
    "headers over the limit": b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
    "an HTTP/2 preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "a NUL byte in a view's name": b"GET /views/a%00b.html HTTP/1.1\r\nHost: t\r\n\r\n",
    "a path outside the views": b"GET /views/..%2F..%2F..%2Fetc%2Fpasswd HTTP/1.1\r\nHost: t\r\n\r\n",
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_request_gets_a_4xx(port, name):
    status, headers, body = raw(port, MALFORMED[name])
    assert 400 <= status < 500, (status, body)
    assert headers["content-type"].startswith("text/plain") and body.strip()


def test_a_request_that_stops_halfway_gets_408_after_the_timeout(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall((POST + "Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK").encode())
        started = time.monotonic()
        status, _, body = read_response(sock)
        assert status == 408 and b"did not arrive" in body
        assert IDLE * 0.8 < time.monotonic() - started < IDLE + 2


def test_a_request_sent_a_byte_at_a_time_cannot_hold_the_connection(port):
    request = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"z" * 400
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        started = time.monotonic()
        try:
            for byte in request:
                sock.sendall(bytes([byte]))
                time.sleep(0.02)
        except OSError:
            pass  # closed by the server while we were still sending
        status, _, _ = read_response(sock)
        assert status == 408 and time.monotonic() - started < IDLE + 2


def test_silent_connections_are_closed_after_the_idle_timeout(port):
    started = time.monotonic()
    silent = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(CONNECTIONS)]
    try:
        # every slot is taken: one more connection is told so at once, with a 503
        status, headers, _ = get(port, "/")
        assert status == 503 and headers["retry-after"] == "1"
        for sock in silent:
            assert sock.recv(1) == b""  # closed by the server, without an answer
        assert time.monotonic() - started < IDLE + 3
    finally:
        for sock in silent:
            sock.close()
    assert get(port, "/")[0] == 200  # the slots are free again


def test_keep_alive_serves_several_requests_on_one_connection(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for _ in range(3):
            sock.sendall(b"GET /sparql?query=" + urllib.parse.quote(CHEAP).encode()
                         + b" HTTP/1.1\r\nHost: t\r\nAccept: application/sparql-results+json\r\n\r\n")
            status, _, body = read_response(sock)
            assert status == 200 and json.loads(body)["boolean"] is True


# --- the official pages by their names


def test_official_pages_load_by_their_chinese_names(port, built):
    pages = sorted((built / "officials").glob("*.html"))
    assert any("欧阳明远" in p.name for p in pages)
    status, _, index = get(port, "/views/index.html")
    assert status == 200
    links = re.findall(r'href="(officials/[^"]+)"', index.decode("utf-8"))
    assert links and {urllib.parse.unquote(link) for link in links} == {f"officials/{p.name}" for p in pages}
    for link in links:  # as a browser sends them: percent-encoded UTF-8
        status, headers, body = get(port, "/views/" + urllib.parse.quote(urllib.parse.unquote(link)))
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
        assert body == (built / urllib.parse.unquote(link)).read_bytes()


# --- runaway queries do not starve cheap ones


def test_cheap_queries_are_answered_while_runaway_queries_are_stopped(port):
    answers: list[tuple[int, dict[str, str], bytes, float]] = []

    def runaway(n: int) -> None:
        started = time.monotonic()
        answers.append((*sparql(port, RUNAWAY.format(n=n)), time.monotonic() - started))

    threads = [threading.Thread(target=runaway, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # all three are running or waiting for a long-query slot
    latencies = []
    for _ in range(10):
        started = time.monotonic()
        status, _, body = sparql(port, CHEAP)
        latencies.append(time.monotonic() - started)
        assert status == 200 and json.loads(body)["boolean"] is True
    for thread in threads:
        thread.join()
    assert max(latencies) < 1.0, latencies
    assert sorted(status for status, *_ in answers) == [503, 503, 503]
    stopped = [a for a in answers if b"stopped after 1.5 s" in a[2]]
    busy = [a for a in answers if b"long quer" in a[2]]
    assert stopped and busy and len(stopped) + len(busy) == 3
    assert all(int(headers["retry-after"]) >= 1 for _, headers, _, _ in busy)


def test_a_full_queue_is_answered_at_once_with_retry_after(built):
    database, temporary = prepare_database(built)
    pool = WorkerPool(database, limits=Limits(time_limit=1.0, workers=1, long_queries=1, grace=0.2, queue=1))
    try:
        threads = [threading.Thread(target=lambda n=n: _swallow(pool, RUNAWAY.format(n=n))) for n in range(2)]
        for thread in threads:  # one runs, one waits for the only worker
            thread.start()
        time.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(BusyError, match="waiting already") as raised:
            pool.run(CHEAP, None, 10, "another")
        assert time.monotonic() - started < 0.5 and raised.value.retry_after >= 1
        for thread in threads:
            thread.join()
    finally:
        pool.close()
        import shutil

        shutil.rmtree(temporary, ignore_errors=True)


def _swallow(pool: WorkerPool, query: str) -> None:
    try:
        pool.run(query, None, 10, "one")
    except Exception:  # noqa: BLE001 - the runaway's own answer is not what this test checks
        pass
