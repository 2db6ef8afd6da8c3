"""SPARQL over a built graph: load it from a file or an output directory, run, format.

Errors in a query are reported with the line and column of the problem, not a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

from pyparsing import ParseException
from rdflib import Dataset, Graph
from rdflib.query import Result

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
    """A graph file parsed into memory, or a store directory opened read-only (no parsing)."""
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


def query_text(query: str) -> str:
    """A .rq file's contents, or the query itself."""
    if query.endswith(".rq") or (len(query) < 300 and Path(query).is_file()):
        try:
            return Path(query).read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"{query}: cannot read the query file ({exc.strerror})") from exc
    return query


def run(graph: Graph, query: str) -> Result:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if f"PREFIX {p}:" not in query)
    try:
        result = graph.query(prologue + query)
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - evaluate now, so errors surface here and not mid-print
        return result
    except ParseException as exc:
        line = exc.lineno - prologue.count("\n")
        raise QueryError(f"query syntax error at line {line}, column {exc.col}: {exc.msg}\n"
                         f"  {exc.line}\n  {' ' * (exc.col - 1)}^") from exc
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from exc


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

