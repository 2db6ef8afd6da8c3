"""A read-only SPARQL 1.1 Protocol endpoint over a graph file or a store, with a small HTML page.

Queries run in worker processes that each open the Oxigraph database read-only.  A Oxigraph query
cannot be interrupted from Python, so a query that outlives the time limit is stopped by killing
its worker, and a fresh worker takes its place (opening a store read-only takes milliseconds).
Results are capped at ``max_rows`` rows (the response then carries ``X-Result-Truncated``).
Updates are refused: the endpoint answers 403 and the workers could not write anyway.

``Endpoint.respond`` maps a request to a response without sockets, so it is tested directly;
``serve`` puts it behind the standard library's threading HTTP server.
"""

from __future__ import annotations

import html
import json
import mimetypes
import multiprocessing
import queue
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from itertools import islice
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox
from rdflib import Variable
from rdflib.query import Result

from kg import questions
from kg.query import GRAPH_FILES, QueryError, bind_values, syntax_error
from kg.store import DATABASE_DIR, FILE_FORMATS, from_ox, is_store
from kg.vocab import PREFIXES

SOLUTION_TYPES = {  # media type → short name; the first is the default
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml",
               "application/ld+json": "jsonld"}
_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
          "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ntriples": "application/n-triples",
          "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json"}
_RDF_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
               "jsonld": ox.RdfFormat.JSON_LD}
_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


# --- the database a server reads


def prepare_database(target: str | Path) -> tuple[Path, Path | None]:
    """The Oxigraph database to serve, and a temporary directory to delete afterwards (or None).

    A store is served in place.  A graph file (or a build's --out directory, whose graph.trig keeps
    the documents' named graphs) is bulk-loaded once into a temporary database, so a worker that
    replaces a stopped one opens it instantly instead of parsing again.
    """
    path = Path(target)
    if is_store(path):
        return path / DATABASE_DIR, None
    if path.is_dir():
        found = [path / n for n in ("graph.trig", *GRAPH_FILES) if (path / n).exists()]
        if not found:
            raise QueryError(f"{path}: no graph.trig, graph.ttl or store here; run `kg build INPUT --out {path}` "
                             "(add --store DIR for large graphs)")
        path = found[0]
    elif not path.exists():
        raise QueryError(f"{path}: no such file or directory; pass a graph file, an --out or a --store directory")
    tmp = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        database = ox.Store(str(tmp))
        database.bulk_load(path=str(path), format=FILE_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE))
        # queries see the merge of the documents' named graphs, as with a store
        database.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        database.flush()
        del database
    except (SyntaxError, ValueError, OSError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise QueryError(f"{path}: not a readable graph ({exc})") from exc
    return tmp, tmp


def views_of(target: str | Path) -> Path | None:
    """Where the graph views of a served graph are: its output directory (a store's parent)."""
    path = Path(target)
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, folder.parent):
        if any(candidate.glob("*.html")):
            return candidate
    return None


# --- workers


def _worker_main(conn, database_dir: str) -> None:
    """A worker process: answer (query, format, max_rows) requests until told to stop."""
    database = ox.Store.read_only(database_dir)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the server is gone
            return
        if request is None:
            return
        conn.send(execute(database, *request))


def execute(database: ox.Store, query: str, fmt: str | None, max_rows: int) -> Response:
    """Run one query and serialise at most ``max_rows`` rows (or triples) in the chosen format."""
    try:
        result = database.query(query, prefixes=PREFIXES)
    except SyntaxError as exc:
        m = _ERROR_AT.match(str(exc.msg or exc))
        message = syntax_error(int(m[1]), int(m[2]), m[3].split("\n")[0], query) if m else str(exc)
        return _text(HTTPStatus.BAD_REQUEST, message)
    except (OSError, ValueError) as exc:
        return _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}")
    if isinstance(result, ox.QueryTriples):
        fmt = fmt if fmt in GRAPH_TYPES.values() else "turtle"
        triples = list(islice(result, max_rows + 1))
        body = ox.serialize(triples[:max_rows], format=_RDF_FORMAT[fmt], prefixes=PREFIXES)
        return _capped(Response(HTTPStatus.OK, _MEDIA[fmt], body), len(triples) > max_rows, max_rows)
    fmt = fmt if fmt in SOLUTION_TYPES.values() else "json"
    if isinstance(result, ox.QueryBoolean):
        answer = Result("ASK")
        answer.askAnswer = bool(result)
        fmt = fmt if fmt in ("json", "xml") else "json"
        return Response(HTTPStatus.OK, _MEDIA[fmt], answer.serialize(format=fmt))
    names = [v.value for v in result.variables]
    rows = list(islice(result, max_rows + 1))
    truncated, rows = len(rows) > max_rows, rows[:max_rows]
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join("" if row[i] is None else str(row[i]) for i in range(len(names))) for row in rows]
        body = ("\n".join(lines) + "\n").encode("utf-8")
    else:
        answer = Result("SELECT")
        answer.vars = [Variable(n) for n in names]
        answer.bindings = [{answer.vars[i]: from_ox(row[i]) for i in range(len(names)) if row[i] is not None}
                           for row in rows]
        body = answer.serialize(format=fmt)
    content_type = _MEDIA[fmt] + ("; charset=utf-8" if fmt in ("csv", "tsv") else "")
    return _capped(Response(HTTPStatus.OK, content_type, body), truncated, max_rows)


def _capped(response: Response, truncated: bool, max_rows: int) -> Response:
    if truncated:
        response.headers["X-Result-Truncated"] = f"first {max_rows} rows only; add LIMIT or narrow the query"
    return response


class QueryTimeoutError(Exception):
    """A query ran past the time limit; its worker has been stopped."""


class WorkerPool:
    """Worker processes over one read-only database; a worker that overruns is killed and replaced."""

    def __init__(self, database_dir: Path, size: int, time_limit: float):
        self.database_dir = str(database_dir)
        self.time_limit = time_limit
        self._context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._idle: queue.Queue = queue.Queue()
        self._all: set = set()
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self):
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, self.database_dir), daemon=True)
        process.start()
        child.close()
        if not parent.poll(60) or parent.recv() != "ready":
            process.kill()
            raise QueryError(f"{self.database_dir}: a query worker could not open the database")
        worker = (process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker) -> None:
        process, conn = worker
        process.kill()
        process.join()
        conn.close()
        with self._lock:
            self._all.discard(worker)
        threading.Thread(target=lambda: self._idle.put(self._start()), daemon=True).start()

    def run(self, query: str, fmt: str | None, max_rows: int) -> Response:
        worker = self._idle.get()
        process, conn = worker
        try:
            conn.send((query, fmt, max_rows))
            if conn.poll(self.time_limit):
                response = conn.recv()
                self._idle.put(worker)
                return response
        except (EOFError, OSError):  # the worker died (e.g. out of memory)
            self._replace(worker)
            return _text(HTTPStatus.INTERNAL_SERVER_ERROR, "the query worker died; the query was too large")
        self._replace(worker)
        raise QueryTimeoutError

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
        for process, conn in workers:
            process.kill()
            process.join()
            conn.close()


# --- the endpoint


@dataclass
class Endpoint:
    pool: WorkerPool
    max_rows: int = 10_000
    views_dir: Path | None = None
    title: str = "officials-kg"

    def respond(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Response:
        """One HTTP request → one response (headers' names in lower case)."""
        url = urlsplit(target)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if method == "POST" and content_type == "application/x-www-form-urlencoded":
            params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()})
        if method not in ("GET", "POST", "HEAD"):
            return _text(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not supported; this endpoint is read-only")
        if "update" in params or content_type == "application/sparql-update":
            return _text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL updates are refused; "
                         "change the graph with `kg build` instead")
        path = url.path.rstrip("/") or "/"
        if path == "/":
            return Response(HTTPStatus.OK, "text/html; charset=utf-8", self.page().encode("utf-8"))
        if path == "/sparql":
            if method == "POST" and content_type == "application/sparql-query":
                params["query"] = body.decode("utf-8")
            if not params.get("query"):
                return _text(HTTPStatus.BAD_REQUEST, "no query: send ?query=SPARQL (GET), a form field "
                             "query= or an application/sparql-query body (POST)")
            return self.run(params["query"], params, headers)
        if path.startswith("/questions/"):
            return self.ask(path.removeprefix("/questions/"), params, headers)
        if path.startswith("/views/"):
            return self.view(path.removeprefix("/views/"))
        return _text(HTTPStatus.NOT_FOUND, f"nothing at {url.path}; the endpoint is /sparql, the page is /")

    def run(self, query: str, params: dict[str, str], headers: dict[str, str]) -> Response:
        fmt = params.get("format") or _negotiate(headers.get("accept", ""))
        if fmt == "unacceptable":
            return _text(HTTPStatus.NOT_ACCEPTABLE, "acceptable result types: " + ", ".join(_MEDIA.values()))
        try:
            return self.pool.run(query, fmt, self.max_rows)
        except QueryTimeoutError:
            return _text(HTTPStatus.SERVICE_UNAVAILABLE, f"the query was stopped after {self.pool.time_limit:g} s, "
                         "this endpoint's time limit; narrow it (a LIMIT, fewer unbound patterns) and try again")

    def ask(self, name: str, params: dict[str, str], headers: dict[str, str]) -> Response:
        """A shipped question by name, its parameters from the query string."""
        question = questions.catalogue().get(name)
        if question is None:
            return _text(HTTPStatus.NOT_FOUND, f"no question {name!r}; known: {', '.join(questions.catalogue())}")
        values = {k: v for k, v in params.items() if k != "format"}
        try:
            text = bind_values(question.text, question.bindings(values)) if question.parameters else question.text
        except (questions.QuestionError, QueryError) as exc:
            return _text(HTTPStatus.BAD_REQUEST, str(exc))
        return self.run(text, params, headers)

    def view(self, name: str) -> Response:
        """A file of the graph views (graph.html …) from the served output directory."""
        if self.views_dir is None:
            return _text(HTTPStatus.NOT_FOUND, "no graph views are served (start with --views DIR)")
        root = self.views_dir.resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return _text(HTTPStatus.NOT_FOUND, f"no view {name!r}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Response(HTTPStatus.OK, kind + ("; charset=utf-8" if kind.startswith("text/") else ""),
                        path.read_bytes())

    def page(self) -> str:
        template = Template((resources.files("kg") / "templates" / "serve.html").read_text(encoding="utf-8"))
        catalogue = [{"name": q.name, "title": q.title, "description": q.description, "text": q.text,
                      "parameters": [vars(p) for p in q.parameters]} for q in questions.catalogue().values()]
        views = sorted(p.name for p in self.views_dir.glob("*.html")) if self.views_dir else []
        return template.substitute(
            title=html.escape(self.title),
            questions=json.dumps(catalogue, ensure_ascii=False).replace("</", "<\\/"),
            views="".join(f'<li><a href="/views/{quote(v)}">{html.escape(v)}</a></li>' for v in views)
            or "<li>(none)</li>",
            time_limit=f"{self.pool.time_limit:g}", max_rows=self.max_rows)


def _negotiate(accept: str) -> str | None:
    """The result format the Accept header prefers; None means the default for the query's form."""
    if not accept.strip():
        return None
    choices = []
    for position, part in enumerate(accept.split(",")):
        media, *options = (x.strip() for x in part.split(";"))
        q = next((float(o[2:]) for o in options if o.startswith("q=") and _is_number(o[2:])), 1.0)
        choices.append((-q, position, media.lower()))
    for _, _, media in sorted(choices):
        if media in SOLUTION_TYPES:
            return SOLUTION_TYPES[media]
        if media in GRAPH_TYPES:
            return GRAPH_TYPES[media]
        if media in ("*/*", "application/*", "text/*", "text/html"):
            return None
    return "unacceptable"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- HTTP


def _handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "officials-kg"

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = endpoint.respond(method, self.path, headers, body)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(response.body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer("GET")

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer("HEAD")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def do_PUT(self) -> None:  # noqa: N802
            self._answer("PUT")

        def do_DELETE(self) -> None:  # noqa: N802
            self._answer("DELETE")

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
            pass

    return Handler


def make_server(endpoint: Endpoint, host: str = "127.0.0.1", port: int = 7878) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), _handler(endpoint))
    server.daemon_threads = True
    return server
