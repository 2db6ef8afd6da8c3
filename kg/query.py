"""SPARQL over a built graph: load it from a file or an output directory, run, format.

Errors in a query are reported with the line and column of the problem, not a traceback.

``run`` is the rdflib interface, for a file or a store alike.  ``answer`` is what ``kg query`` uses:
on a store it runs the query on Oxigraph directly and formats Oxigraph's own terms, because turning
every cell into an rdflib term (oxrdflib) took a sixth to a quarter of a large answer's time
(benchmarks/README.md, "Query speed").
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from pyparsing import ParseException
from rdflib import Dataset, Graph
from rdflib.query import Result
from rdflib.term import Node

from kg.vocab import PREFIXES, bind_prefixes

GRAPH_FILES = ("graph.ttl", "graph.trig", "graph.jsonld")


class QueryError(ValueError):
    """A graph that cannot be read or a query that cannot be run; the message says which and why."""


def graph_file(target: str | Path) -> Path:
    """A graph file, or the graph.ttl inside an output directory."""
    path = Path(target)
    if path.is_dir():
        for name in GRAPH_FILES:
            if (path / name).exists():
                return path / name
        raise QueryError(f"{path}: no graph.ttl in this directory; run `kg build INPUT --out {path}` first")
    if not path.exists():
        raise QueryError(f"{path}: no such file; pass a graph file or the --out directory of `kg build`")
    return path


def load_graph(target: str | Path) -> Graph:
    """A store directory opened read-only (Oxigraph, no parsing), or a graph file parsed by rdflib.

    Files stay with rdflib: on the seeds' graph.ttl it starts as fast as an in-memory Oxigraph
    (0.2 s), and it keeps language tags as written, so ``lang(?x) = "zh-Hans"`` goes on working.
    """
    from kg.store import GraphStore, StoreError, is_store

    if is_store(target):
        try:
            return GraphStore.open(target).dataset()
        except StoreError as exc:
            raise QueryError(str(exc)) from exc
    path = graph_file(target)
    fmt = {".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}.get(path.suffix, "turtle")
    # a TriG file keeps each document in a named graph: query their union
    g = bind_prefixes(Dataset(default_union=True) if fmt == "trig" else Graph())
    try:
        g.parse(path, format=fmt)
    except Exception as exc:
        raise QueryError(f"{path}: not a readable {fmt} graph ({exc})") from exc
    return g


_OXIGRAPH_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


_WHERE = re.compile(r"^(?![ \t]*#)[^\n]*?\bWHERE\s*\{", re.I | re.M)


def bind_values(query: str, bindings: dict[str, Node]) -> str:
    """The query with a one-row VALUES block opening its WHERE (on the same line, so error line
    numbers stay right); each term written with rdflib's N-Triples escaping, so no value can
    change the query."""
    where = _WHERE.search(query)
    if not where:
        raise QueryError("the query has parameters but no `WHERE {` to bind them in")
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(term.n3() for term in bindings.values())
    return f"{query[:where.end()]} VALUES ({names}) {{ ({row}) }}{query[where.end():]}"


class StoreResult:
    """An answer from a store as Oxigraph gives it, with what the formatters read from an rdflib
    ``Result`` (``type``, ``vars``, ``askAnswer``, rows to iterate, ``serialize``); cells stay
    pyoxigraph terms."""

    def __init__(self, result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples):
        self._result = result
        self.vars: list[str] = []
        self.askAnswer = False  # rdflib's name
        if isinstance(result, ox.QuerySolutions):
            self.type = "SELECT"
            self.vars = [v.value for v in result.variables]
        elif isinstance(result, ox.QueryBoolean):
            self.type, self.askAnswer = "ASK", bool(result)
        else:
            self.type = "CONSTRUCT"

    def __iter__(self):
        return iter(self._result)

    def serialize(self, format: str) -> bytes:
        """In a SPARQL results format (json, xml, csv, tsv); a CONSTRUCT's graph always in Turtle."""
        if self.type == "CONSTRUCT":
            return ox.serialize(self._result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return self._result.serialize(format=ox.QueryResultsFormat.from_extension(format))


def answer(target: str | Path, query: str, bindings: dict[str, Node] | None = None) -> Result | StoreResult:
    """Run a query on a graph file (rdflib) or a store directory (Oxigraph, without rdflib terms)."""
    from kg.store import GraphStore, StoreError, is_store

    if not is_store(target):
        return run(load_graph(target), query, bindings)
    try:
        database = GraphStore.open(target).database
    except StoreError as exc:
        raise QueryError(str(exc)) from exc
    return run_on_store(database, query, bindings)


def run_on_store(database: ox.Store, query: str, bindings: dict[str, Node] | None = None) -> StoreResult:
    """``run`` on a store's Oxigraph database directly: the same prefixes, bindings and errors."""
    if bindings:
        query = bind_values(query, bindings)
    try:
        return StoreResult(database.query(query, prefixes=PREFIXES))
    except SyntaxError as exc:
        raise QueryError(oxigraph_syntax_error(exc, query)) from exc
    except (OSError, ValueError) as exc:
        raise QueryError(f"query failed: {exc}") from exc


def oxigraph_syntax_error(exc: SyntaxError, query: str) -> str:
    m = _OXIGRAPH_ERROR.match(str(exc.msg if exc.msg else exc))
    if not m:
        return f"query syntax error: {exc}"
    return syntax_error(int(m[1]), int(m[2]), m[3].split("\n")[0], query)


def run(graph: Graph, query: str, bindings: dict[str, Node] | None = None) -> Result:
    """Run SPARQL with the project's prefixes declared and ``bindings`` bound to their variables.

    rdflib takes them as ``initBindings`` (bound before evaluation; its VALUES joins are not
    pushed down and were measured 1000x slower); Oxigraph's substitutions only bind projected
    variables, so it gets a VALUES block, which its optimiser starts from.
    """
    if bindings and isinstance(graph.store, OxigraphStore):
        query, bindings = bind_values(query, bindings), None
    try:
        result = graph.query(query, initNs=PREFIXES, initBindings=bindings or {})
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - evaluate now, so errors surface here and not mid-print
        return result
    except ParseException as exc:  # rdflib's own engine
        raise QueryError(syntax_error(exc.lineno, exc.col, exc.msg, query)) from exc
    except SyntaxError as exc:  # Oxigraph
        raise QueryError(oxigraph_syntax_error(exc, query)) from exc
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from exc


def syntax_error(line: int, col: int, message: str, query: str) -> str:
    lines = query.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"query syntax error at line {line}, column {col}: {message}\n  {text}\n  {' ' * (col - 1)}^"


def cell(value) -> str:
    """A cell's text: an IRI, a literal's lexical form, a blank node's id; empty when unbound."""
    if value is None:
        return ""
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value.value
    return str(value)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(result: Result | StoreResult) -> str:
    if result.type == "ASK":
        return "yes" if result.askAnswer else "no"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        text = result.serialize(format="turtle")
        return text.decode("utf-8") if isinstance(text, bytes) else text
    header = [str(v) for v in result.vars]
    rows = [[(c, _width(c)) for c in map(cell, row)] for row in result]
    widths = [max([_width(h)] + [r[i][1] for r in rows]) for i, h in enumerate(header)]

    def line(cells: list[tuple[str, int]]) -> str:
        return "  ".join(c + " " * (w - cw) for (c, cw), w in zip(cells, widths)).rstrip()
    out = [line([(h, _width(h)) for h in header]), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def format_csv(result: Result | StoreResult, delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow([str(v) for v in result.vars])
    writer.writerows(map(cell, row) for row in result)
    return buf.getvalue()


def format_json(result: Result | StoreResult) -> str:
    """SPARQL 1.1 Query Results JSON, laid out the same whichever engine answered: "head" first, each
    binding's variables in the order of the SELECT."""
    data = json.loads(result.serialize(format="json"))
    if "results" in data:
        names = data["head"]["vars"]
        data["results"]["bindings"] = [{n: b[n] for n in names if n in b} for b in data["results"]["bindings"]]
    return json.dumps({key: data[key] for key in ("head", "results", "boolean") if key in data},
                      ensure_ascii=False, indent=1)


FORMATS = {"table": format_table, "csv": format_csv, "tsv": lambda r: format_csv(r, "\t"), "json": format_json}

