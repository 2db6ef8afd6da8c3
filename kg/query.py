"""SPARQL over a built graph: load it from a file or an output directory, run, format.

Errors in a query are reported with the line and column of the problem, not a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

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
        m = _OXIGRAPH_ERROR.match(str(exc.msg if exc.msg else exc))
        if not m:
            raise QueryError(f"query syntax error: {exc}") from exc
        raise QueryError(syntax_error(int(m[1]), int(m[2]), m[3].split("\n")[0], query)) from exc
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from exc


def syntax_error(line: int, col: int, message: str, query: str) -> str:
    lines = query.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"query syntax error at line {line}, column {col}: {message}\n  {text}\n  {' ' * (col - 1)}^"


def _cell(value) -> str:
    return "" if value is None else str(value)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(result: Result) -> str:
    if result.type == "ASK":
        return "yes" if result.askAnswer else "no"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph.serialize(format="turtle")
    header = [str(v) for v in result.vars]
    rows = [[_cell(v) for v in row] for row in result]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()
    out = [line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def format_csv(result: Result, delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow([str(v) for v in result.vars])
    for row in result:
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()


def format_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    data = json.loads(result.serialize(format="json"))
    return json.dumps(data, ensure_ascii=False, indent=1)


FORMATS = {"table": format_table, "csv": format_csv, "tsv": lambda r: format_csv(r, "\t"), "json": format_json}

