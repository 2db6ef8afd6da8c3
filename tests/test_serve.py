"""kg serve over real HTTP on a free loopback port: queries, every result format, updates refused,
a runaway query stopped by the time limit; plus the parts that need no socket.  The graph is the
hand-written fixture (tests/data/fixture/graph.trig)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import query_rows
from rdflib import Graph

from kg import query
from kg.serve import Endpoint, WorkerPool, _negotiate, make_server, prepare_database

TIME_LIMIT = 1.5
ORG = "青川县委"
OFFICIALS_OF_ORG = (f'SELECT DISTINCT ?name WHERE {{ ?o rdfs:label "{ORG}"@zh-Hans . ?post ok:postIn ?o . '
                    '?p ok:holdsPost ?post ; rdfs:label ?name } ORDER BY ?name')
KNOWN = {"欧阳明远", "司马清和", "上官文澜"}  # 县委书记, 县委副书记, 县委常委 in the articles
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def built(fixture_build) -> Path:
    """The hand-written fixture graph (tests/data/fixture) as `kg build --out DIR --store DIR/store` leaves it."""
    return fixture_build


@pytest.fixture(scope="module")
def officials(built) -> list[str]:
    """The answer to OFFICIALS_OF_ORG from graph.ttl as `kg query` gives it, to compare the endpoint's with."""
    names = [row["name"] for row in query_rows(query.open_database(built / "graph.ttl"), OFFICIALS_OF_ORG)]
    assert KNOWN <= set(names) and "上官文瀾" in names  # the Traditional spelling too
    return names


@pytest.fixture(scope="module")
def endpoint(built):
    database, temporary = prepare_database(built / "store")
    assert temporary is None  # a store is served in place
    pool = WorkerPool(database, size=1, time_limit=TIME_LIMIT)  # one worker: a stopped one must be replaced
    yield Endpoint(pool, max_rows=1000, views_dir=built)
    pool.close()


@pytest.fixture(scope="module")
def url(endpoint):
    server = make_server(endpoint, port=0)
    assert server.server_address[0] == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None):
    """(status, headers, body text) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def get(url: str, query: str, accept: str = "application/sparql-results+json"):
    return http(f"{url}/sparql?query={urllib.parse.quote(query)}", headers={"Accept": accept})


def names_in_json(body: str) -> list[str]:
    return [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_get_answers_a_query_as_sparql_json(url, officials):
    status, headers, body = get(url, OFFICIALS_OF_ORG)
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    assert names_in_json(body) == officials


def test_post_form_and_post_body_give_the_same_answer(url):
    form = urllib.parse.urlencode({"query": OFFICIALS_OF_ORG}).encode()
    by_form = http(f"{url}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})
    by_body = http(f"{url}/sparql", OFFICIALS_OF_ORG.encode(), {"Content-Type": "application/sparql-query"})
    assert by_form[0] == by_body[0] == 200
    assert names_in_json(by_form[2]) == names_in_json(by_body[2]) == names_in_json(get(url, OFFICIALS_OF_ORG)[2])


def test_csv(url):
    status, headers, body = get(url, OFFICIALS_OF_ORG, "text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["name"] and [r[0] for r in rows[1:]] == names_in_json(get(url, OFFICIALS_OF_ORG)[2])


def test_tsv_writes_terms_in_rdf_syntax(url):
    status, headers, body = get(url, OFFICIALS_OF_ORG, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    lines = body.splitlines()
    assert lines[0] == "?name" and '"欧阳明远"@zh-hans' in lines[1:]


def test_xml(url):
    status, headers, body = get(url, OFFICIALS_OF_ORG, "application/sparql-results+xml")
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+xml"
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    values = [e.text for e in ET.fromstring(body).findall(".//r:binding/r:literal", ns)]
    assert values == names_in_json(get(url, OFFICIALS_OF_ORG)[2])


def test_construct_as_turtle(url):
    query = f'CONSTRUCT {{ ?o ok:jurisdiction ?j }} WHERE {{ ?o rdfs:label "{ORG}"@zh-Hans ; ok:jurisdiction ?j }}'
    status, headers, body = get(url, query, "text/turtle")
    assert status == 200 and headers["Content-Type"] == "text/turtle"
    graph = Graph().parse(data=body, format="turtle")
    assert len(graph) == 1 and re.search(r"/place/\d{6}$", str(next(iter(graph))[2]))  # the county, by adcode


def test_ask_and_accept_anything(url):
    status, _, body = get(url, "ASK { ?p a ok:Official }", "text/html,*/*;q=0.8")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}


def test_updates_are_refused(url):
    before = names_in_json(get(url, OFFICIALS_OF_ORG)[2])
    update = 'DELETE WHERE { ?s ?p ?o }'
    form = urllib.parse.urlencode({"update": update}).encode()
    assert http(f"{url}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    status, _, body = http(f"{url}/sparql", update.encode(), {"Content-Type": "application/sparql-update"})
    assert status == 403 and "read-only" in body
    status, _, body = get(url, update)  # an update sent as a query does not parse as one
    assert status == 400 and "line 1, column" in body
    assert names_in_json(get(url, OFFICIALS_OF_ORG)[2]) == before


def test_a_syntax_error_names_line_and_column(url):
    status, _, body = get(url, "SELECT ?x WHERE {\n  ?x ?y }")
    assert status == 400 and body.startswith("query syntax error at line 2, column")


def test_a_runaway_query_is_stopped_and_the_endpoint_goes_on(url, officials):
    started = time.monotonic()
    status, _, body = get(url, RUNAWAY)
    elapsed = time.monotonic() - started
    assert status == 503 and "stopped after 1.5 s" in body
    assert TIME_LIMIT <= elapsed < TIME_LIMIT + 5
    # the only worker was killed; its replacement answers
    status, _, body = get(url, OFFICIALS_OF_ORG)
    assert status == 200 and names_in_json(body) == officials


def test_a_shipped_question_with_its_parameter(url):
    status, _, body = http(f"{url}/questions/officials-of-org?org={urllib.parse.quote(ORG)}",
                           headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    assert KNOWN <= {b["official"]["value"] for b in json.loads(body)["results"]["bindings"]}
    status, _, body = http(f"{url}/questions/officials-of-org")
    assert status == 400 and "needs --param org=" in body


def test_page_lists_questions_and_views(url):
    status, headers, body = http(url + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '"name": "officials-in-jurisdiction"' in body and 'href="/views/graph.html"' in body
    assert http(url + "/views/graph.html")[0] == 200
    assert http(url + "/views/..%2F..%2Fetc%2Fpasswd")[0] == 404


# --- without a socket


def test_results_are_capped(endpoint):
    capped = Endpoint(endpoint.pool, max_rows=5)
    response = capped.respond("GET", "/sparql?query=" + urllib.parse.quote("SELECT ?s WHERE { ?s ?p ?o }"), {})
    assert response.status == 200 and "first 5 rows only" in response.headers["X-Result-Truncated"]
    assert len(json.loads(response.body)["results"]["bindings"]) == 5


@pytest.mark.parametrize("accept, fmt", [
    ("", None), ("*/*", None), ("text/csv", "csv"), ("application/sparql-results+json", "json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "xml"), ("text/turtle", "turtle"),
    ("image/png", "unacceptable"),
])
def test_accept_negotiation(accept, fmt):
    assert _negotiate(accept) == fmt


def test_other_methods_are_refused(endpoint):
    assert endpoint.respond("PUT", "/sparql", {}).status == 405
    assert endpoint.respond("GET", "/sparql", {}).status == 400
    assert endpoint.respond("GET", "/elsewhere", {}).status == 404


def test_a_graph_file_is_served_as_the_store_is(built, endpoint):
    database, temporary = prepare_database(built / "graph.trig")
    pool = WorkerPool(database, size=1, time_limit=10)
    try:
        from_file = Endpoint(pool).respond("GET", "/sparql?query=" + urllib.parse.quote(OFFICIALS_OF_ORG), {})
        from_store = endpoint.respond("GET", "/sparql?query=" + urllib.parse.quote(OFFICIALS_OF_ORG), {})
        assert from_file.body == from_store.body
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        n = json.loads(Endpoint(pool).respond("GET", "/sparql?query=" + urllib.parse.quote(count), {}).body)
        assert int(n["results"]["bindings"][0]["n"]["value"]) == len(Graph().parse(built / "graph.ttl"))
    finally:
        pool.close()
        shutil.rmtree(temporary)


# --- the command


def test_kg_serve_command_answers_and_stops(built, officials):
    temporary = set(Path(tempfile.gettempdir()).glob("kg-serve-*"))
    process = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve", str(built),
                                "--port", "0", "--workers", "1"], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[1])
    try:
        line = process.stdout.readline()
        port = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert port, line
        status, _, body = get(f"http://127.0.0.1:{port[1]}", OFFICIALS_OF_ORG)
        assert status == 200 and names_in_json(body) == officials
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        process.stdout.close()
    assert set(Path(tempfile.gettempdir()).glob("kg-serve-*")) == temporary  # its copy of graph.trig is gone
