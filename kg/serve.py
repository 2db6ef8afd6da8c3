"""A read-only SPARQL 1.1 Protocol endpoint over a graph file or a store, with a small HTML page.

Queries run in worker processes that each open the Oxigraph database read-only (kg.workers: a query
that outlives the time limit is stopped by killing its worker; long queries cannot starve short
ones).  Results are capped at ``max_rows`` rows (the response then carries ``X-Result-Truncated``).
Updates are refused: the endpoint answers 403 and the workers could not write anyway; a federated
``SERVICE`` is refused before it runs (kg.safety), so a query cannot make the server call other hosts.

``Endpoint.respond`` maps a request to a response without sockets, so it is tested directly;
``make_server`` puts it behind kg.httpserver (bounded connections, deadlines, 4xx for bad requests).
"""

from __future__ import annotations

import html
import json
import mimetypes
import shutil
import tempfile
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pyoxigraph as ox

from kg import questions
from kg.httpserver import ConnectionLimits, Server
from kg.query import QueryError, QuerySyntaxError, bind_values, open_database
from kg.query import execute as run_query
from kg.safety import federated
from kg.store import DATABASE_DIR, is_store
from kg.workers import BusyError, QueryTimeoutError, WorkerDiedError, WorkerPool

SOLUTION_TYPES = {  # media type → kg.query format; the first is the default
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml",
               "application/ld+json": "jsonld"}


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

    A store is served in place.  A graph file (or a build's --out directory) is loaded once, as
    `kg query` loads it (kg.query.open_database), into a temporary database on disk, so a worker that
    replaces a stopped one opens it instantly instead of parsing again.
    """
    if is_store(target):
        return Path(target) / DATABASE_DIR, None
    tmp = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        database = open_database(target, directory=tmp)
        database.flush()
        del database
    except QueryError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, tmp


def views_of(target: str | Path) -> Path | None:
    """Where the graph views of a served graph are: its output directory (a store's parent)."""
    path = Path(target)
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, folder.parent):
        if any(candidate.glob("*.html")):
            return candidate
    return None


# --- one query, in a worker process (kg.workers)


def execute(database: ox.Store, query: str, fmt: str | None, max_rows: int) -> Response:
    """Run one query (kg.query.execute, as `kg query` does) and answer with at most ``max_rows`` rows or triples."""
    try:
        answer = run_query(database, query, fmt, max_rows)
    except QuerySyntaxError as exc:
        return _text(HTTPStatus.BAD_REQUEST, str(exc))
    except QueryError as exc:
        return _text(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
    return _capped(Response(HTTPStatus.OK, answer.media_type, answer.body), answer.truncated, max_rows)


def _capped(response: Response, truncated: bool, max_rows: int) -> Response:
    if truncated:
        response.headers["X-Result-Truncated"] = f"first {max_rows} rows only; add LIMIT or narrow the query"
    return response


# --- the endpoint


class RequestError(ValueError):
    """A request that cannot be read (bad percent-encoding, a body that is not UTF-8 …): 400."""


@dataclass
class Endpoint:
    pool: WorkerPool
    max_rows: int = 10_000
    views_dir: Path | None = None
    title: str = "officials-kg"

    def respond(self, method: str, target: str, headers: dict[str, str], body: bytes = b"",
                client: str = "") -> Response:
        """One HTTP request → one response (headers' names in lower case); ``client`` is the caller's
        address, so that the worker pool can take clients in turn."""
        if method not in ("GET", "POST", "HEAD"):
            return _text(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not supported; this endpoint is read-only")
        try:
            path, params, content_type = _read_request(method, target, headers, body)
        except RequestError as exc:
            return _text(HTTPStatus.BAD_REQUEST, str(exc))
        if "update" in params or content_type == "application/sparql-update":
            return _text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL updates are refused; "
                         "change the graph with `kg build` instead")
        if path == "/":
            return Response(HTTPStatus.OK, "text/html; charset=utf-8", self.page().encode("utf-8"))
        if path == "/sparql":
            if not params.get("query"):
                return _text(HTTPStatus.BAD_REQUEST, "no query: send ?query=SPARQL (GET), a form field "
                             "query= or an application/sparql-query body (POST)")
            return self.run(params["query"], params, headers, client)
        if path.startswith("/questions/"):
            return self.ask(path.removeprefix("/questions/"), params, headers, client)
        if path.startswith("/views/"):
            return self.view(path.removeprefix("/views/"))
        return _text(HTTPStatus.NOT_FOUND, f"nothing at {quote(path)}; the endpoint is /sparql, the page is /")

    def run(self, query: str, params: dict[str, str], headers: dict[str, str], client: str = "") -> Response:
        fmt = params.get("format") or _negotiate(headers.get("accept", ""))
        if fmt == "unacceptable":
            return _text(HTTPStatus.NOT_ACCEPTABLE,
                         "acceptable result types: " + ", ".join([*SOLUTION_TYPES, *GRAPH_TYPES]))
        if federated(query):
            return _text(HTTPStatus.BAD_REQUEST, "SERVICE (a federated query) is refused: this endpoint does not "
                         "call other endpoints; query each endpoint on its own and join the answers in your client")
        try:
            return self.pool.run(query, fmt, self.max_rows, client)
        except QueryTimeoutError:
            return _text(HTTPStatus.SERVICE_UNAVAILABLE, f"the query was stopped after {self.pool.time_limit:g} s, "
                         "this endpoint's time limit; narrow it (a LIMIT, fewer unbound patterns) and try again")
        except BusyError as exc:
            response = _text(HTTPStatus.SERVICE_UNAVAILABLE, f"the endpoint is busy: {exc}; "
                             f"try again in {exc.retry_after} s")
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        except WorkerDiedError:
            return _text(HTTPStatus.INTERNAL_SERVER_ERROR, "the query worker died; the query was too large")

    def ask(self, name: str, params: dict[str, str], headers: dict[str, str], client: str = "") -> Response:
        """A shipped question by name, its parameters from the query string."""
        question = questions.catalogue().get(name)
        if question is None:
            return _text(HTTPStatus.NOT_FOUND, f"no question {name!r}; known: {', '.join(questions.catalogue())}")
        values = {k: v for k, v in params.items() if k != "format"}
        try:
            text = bind_values(question.text, question.bindings(values)) if question.parameters else question.text
        except (questions.QuestionError, QueryError) as exc:
            return _text(HTTPStatus.BAD_REQUEST, str(exc))
        return self.run(text, params, headers, client)

    def view(self, name: str) -> Response:
        """A file of the graph views (graph.html, officials/01-张三.html …) from the served output directory."""
        if self.views_dir is None:
            return _text(HTTPStatus.NOT_FOUND, "no graph views are served (start with --views DIR)")
        root = self.views_dir.resolve()
        path = root if "\0" in name else (root / name).resolve()
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


def _read_request(method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[str, dict[str, str], str]:
    """The decoded path, the parameters (query string, form or query body) and the body's media type."""
    url = urlsplit(target)
    try:
        path = unquote(url.path, errors="strict")
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True, errors="strict").items()}
    except UnicodeDecodeError as exc:
        raise RequestError(f"the URL is not percent-encoded UTF-8 ({exc.reason} at byte {exc.start}); "
                           "encode the query as UTF-8") from exc
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if method == "POST" and content_type in ("application/x-www-form-urlencoded", "application/sparql-query"):
        try:
            text = body.decode("utf-8")
            if content_type == "application/sparql-query":
                params["query"] = text
            else:
                params.update({k: v[-1] for k, v in
                               parse_qs(text, keep_blank_values=True, errors="strict").items()})
        except UnicodeDecodeError as exc:
            raise RequestError(f"the request body is not UTF-8 ({exc.reason} at byte {exc.start}); "
                               "send the query as UTF-8") from exc
    return (path.rstrip("/") or "/"), params, content_type


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


def make_server(endpoint: Endpoint, host: str = "127.0.0.1", port: int = 7878,
                limits: ConnectionLimits | None = None) -> Server:
    """A server for ``endpoint`` (kg.httpserver), listening already; ``serve_forever`` runs it."""
    return Server(endpoint, host, port, limits)
