"""SPARQL over a built graph, with one engine for every target: Oxigraph.

A store directory is opened read-only in place; a graph file or a build's output directory is first
loaded into an in-memory Oxigraph store (about 0.4 s for 100,000 triples of Turtle; rdflib took 5 s to
parse them), so a query gives the same rows, in the same order, whatever it runs on, and ``execute``
formats them the same for `kg query` and `kg serve`.  What a target holds: the default graph is the
merge of all documents; one named graph per document (``GRAPH ?doc { … }``) in a store, an output
directory (read from its graph.trig) and a .trig or .nq file; a .ttl, .jsonld or .nt file has the
default graph only.

Oxigraph keeps language tags in lower case (``lang(?x)`` is ``"zh-hans"``, as RDF allows: tags are
case-insensitive): compare them with ``langMatches(lang(?x), "zh-Hans")``.

rdflib remains the Python object model: ``load_graph`` gives an rdflib graph to walk or validate
(rdflib's own SPARQL engine, ``Graph.query``, is not what kg runs).  Errors in a query are reported
with the line and column of the problem, not a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.terms import Triple, from_ox, sparql_json
from kg.vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

GRAPH_FILES = ("graph.trig", "graph.ttl", "graph.jsonld")  # in an output directory, in order of preference
FILE_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD,
                ".json": ox.RdfFormat.JSON_LD, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS}
_NAMED_GRAPHS = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)


class QueryError(ValueError):
    """A graph that cannot be read or a query that cannot be run; the message says which and why."""


class QuerySyntaxError(QueryError):
    """A query that does not parse; the message shows the line and column."""


# ---------------------------------------------------------------- targets


def graph_file(target: str | Path, named_graphs: bool = True) -> Path:
    """A graph file, or the graph file of an output directory: graph.trig first, which keeps the documents'
    named graphs, or (not ``named_graphs``) graph.ttl first, which holds their merge."""
    path = Path(target)
    if path.is_dir():
        for name in GRAPH_FILES if named_graphs else sorted(GRAPH_FILES, key=lambda n: n != "graph.ttl"):
            if (path / name).exists():
                return path / name
        raise QueryError(f"{path}: no graph.trig, graph.ttl or graph.jsonld in this directory; run "
                         f"`kg build INPUT --out {path}` first")
    if not path.exists():
        raise QueryError(f"{path}: no such file; pass a graph file, a build's --out directory or a --store directory")
    return path


def open_database(target: str | Path, directory: Path | None = None) -> ox.Store:
    """The Oxigraph database a target is queried in: a store's own, opened read-only, or a graph file
    (an output directory's) loaded into a new database, in memory or in ``directory``."""
    from kg.store import GraphStore, StoreError, is_store

    if is_store(target):
        try:
            return GraphStore.open(target).database
        except StoreError as exc:
            raise QueryError(str(exc)) from exc
    path = graph_file(target)
    fmt = FILE_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE)
    database = ox.Store(str(directory)) if directory else ox.Store()
    try:
        database.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"{path}: not a readable {fmt.name} graph ({exc})") from exc
    if fmt in _NAMED_GRAPHS:  # queries see the merge of the documents' graphs, as in a store
        database.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return database


def triples(database: ox.Store) -> list[Triple]:
    """The default graph's triples in kg's form (kg.terms), sorted: what a build's spool gives, so
    ``kg stats`` and ``kg view`` draw the same network from a file, a directory or a store."""
    return sorted((s.value if isinstance(s, ox.NamedNode) else str(s), p.value, from_ox(o))
                  for s, p, o, _ in database.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def load_graph(target: str | Path) -> Graph:
    """The graph as rdflib objects: a graph file parsed by rdflib, or a store through oxrdflib (no parsing)."""
    from rdflib import Dataset, Graph

    from kg.store import GraphStore, StoreError, is_store
    from kg.vocab import bind_prefixes

    if is_store(target):
        from oxrdflib import OxigraphStore

        try:
            return bind_prefixes(Dataset(store=OxigraphStore(store=GraphStore.open(target).database)))
        except StoreError as exc:
            raise QueryError(str(exc)) from exc
    path = graph_file(target, named_graphs=False)
    fmt = {".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt", ".nq": "nquads"}.get(
        path.suffix, "turtle")
    g = bind_prefixes(Dataset(default_union=True) if fmt in ("trig", "nquads") else Graph())
    try:
        g.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many kinds of parse errors
        raise QueryError(f"{path}: not a readable {fmt} graph ({exc})") from exc
    return g


# ---------------------------------------------------------------- running a query

_WHERE = re.compile(r"^(?![ \t]*#)[^\n]*?\bWHERE\s*\{", re.I | re.M)
_OXIGRAPH_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def bind_values(query: str, bindings: dict[str, str]) -> str:
    """The query with a one-row VALUES block opening its last WHERE (the innermost sub-select's, in a
    question that has one; on the same line, so error line numbers stay right); each value a term in
    N-Triples syntax (kg.terms), so no value can change the query.  (Oxigraph's optimiser starts from
    the VALUES; its ``substitutions`` bind only projected variables.)"""
    where = None
    for where in _WHERE.finditer(query):
        pass
    if where is None:
        raise QueryError("the query has parameters but no `WHERE {` to bind them in")
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(bindings.values())
    return f"{query[:where.end()]} VALUES ({names}) {{ ({row}) }}{query[where.end():]}"


@dataclass(frozen=True)
class Answer:
    """A query's result, formatted: the text (or bytes) to print or send, and what it is."""

    body: bytes
    media_type: str
    form: str  # SELECT, ASK or CONSTRUCT (DESCRIBE too)
    truncated: bool = False  # only the first max_rows rows (or triples) are in the body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                 "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}
MEDIA_TYPES = {"table": "text/plain; charset=utf-8", "json": "application/sparql-results+json",
               "xml": "application/sparql-results+xml", "csv": "text/csv; charset=utf-8",
               "tsv": "text/tab-separated-values; charset=utf-8", "turtle": "text/turtle",
               "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json"}


def execute(database: ox.Store, query: str, fmt: str | None = None, max_rows: int | None = None,
            bindings: dict[str, str] | None = None) -> Answer:
    """Run a query and format its result: the one path of `kg query` and of `kg serve`'s workers.

    ``fmt`` is one of SOLUTION_FORMATS or GRAPH_FORMATS; one that does not fit the query's form (or
    None) gives the form's default: SPARQL results JSON, or Turtle for a graph (``table`` prints a
    graph as Turtle and a boolean as yes/no).  At most ``max_rows`` rows or triples are formatted.
    """
    if bindings:
        query = bind_values(query, bindings)
    try:
        result = database.query(query, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QuerySyntaxError(_syntax_error(exc, query)) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from exc
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = fmt if fmt in SOLUTION_FORMATS else "json"
            return Answer(_BOOLEAN[fmt](bool(result)).encode("utf-8"), MEDIA_TYPES[fmt], "ASK")
        if isinstance(result, ox.QuerySolutions):
            fmt = fmt if fmt in SOLUTION_FORMATS else "json"
            names = [v.value for v in result.variables]
            rows = list(result if max_rows is None else islice(result, max_rows + 1))
            truncated = max_rows is not None and len(rows) > max_rows
            body = _SOLUTIONS[fmt](names, rows[:max_rows] if truncated else rows)
            return Answer(body.encode("utf-8"), MEDIA_TYPES[fmt], "SELECT", truncated)
        fmt = fmt if fmt in GRAPH_FORMATS else "turtle"
        graph = list(result if max_rows is None else islice(result, max_rows + 1))
        truncated = max_rows is not None and len(graph) > max_rows
        body = ox.serialize(graph[:max_rows] if truncated else graph, format=GRAPH_FORMATS[fmt], prefixes=PREFIXES)
        return Answer(body, MEDIA_TYPES[fmt], "CONSTRUCT", truncated)
    except (OSError, ValueError, RuntimeError) as exc:  # raised while the solutions are read
        raise QueryError(f"query failed: {exc}") from exc


_LANG_EQUALS = re.compile(r'lang\s*\(\s*\?\w+\s*\)\s*=\s*"([^"]*[A-Z][^"]*)"', re.I)


def hint(query: str) -> str | None:
    """What to write instead, for a query that compares lang() with a tag in capitals (it matches nothing:
    Oxigraph gives tags in lower case)."""
    found = _LANG_EQUALS.search(query)
    if not found:
        return None
    return (f'lang() gives language tags in lower case ("{found[1].lower()}"), so lang(…) = "{found[1]}" matches '
            f'nothing; write langMatches(lang(?x), "{found[1]}")')


def answer(target: str | Path, query: str, fmt: str | None = None, bindings: dict[str, str] | None = None) -> Answer:
    """``execute`` on a target (a graph file, an output directory or a store)."""
    return execute(open_database(target), query, fmt, bindings=bindings)


def _syntax_error(exc: SyntaxError, query: str) -> str:
    m = _OXIGRAPH_ERROR.match(str(exc.msg if exc.msg else exc))
    if not m:
        return f"query syntax error: {exc}"
    return syntax_error(int(m[1]), int(m[2]), m[3].split("\n")[0], query)


def syntax_error(line: int, col: int, message: str, query: str) -> str:
    lines = query.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"query syntax error at line {line}, column {col}: {message}\n  {text}\n  {' ' * (col - 1)}^"


# ---------------------------------------------------------------- formats
# csv, tsv, xml and json are the SPARQL 1.1 results formats, written as Oxigraph writes them (JSON with
# one binding a line); table is for reading in a terminal.

Row = ox.QuerySolution


def cell(value: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A cell's text: an IRI, a literal's lexical form, a blank node as _:id; empty when unbound."""
    if value is None:
        return ""
    return str(value) if isinstance(value, ox.BlankNode) else value.value


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(names: list[str], rows: list[Row]) -> str:
    """Columns aligned on the screen; a line break inside a value is shown as \\n, so a row stays one line."""
    cells = [[(c, _width(c)) for c in (_one_line(cell(row[i])) for i in range(len(names)))] for row in rows]
    widths = [max([_width(h)] + [r[i][1] for r in cells]) for i, h in enumerate(names)]

    def line(items: Iterable[tuple[str, int]]) -> str:
        return "  ".join(c + " " * (w - cw) for (c, cw), w in zip(items, widths)).rstrip()
    out = [line((h, _width(h)) for h in names), "  ".join("-" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n") if "\n" in text or "\r" in text else text


def _csv(names: list[str], rows: list[Row]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([cell(row[i]) for i in range(len(names))] for row in rows)
    return buf.getvalue()


_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE = {f"{_XSD}integer": re.compile(r"[+-]?\d+"), f"{_XSD}decimal": re.compile(r"[+-]?\d*\.\d+"),
         f"{_XSD}double": re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+"),
         f"{_XSD}boolean": re.compile(r"true|false")}  # what Turtle writes without quotes


def _tsv_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.Literal) and (bare := _BARE.get(term.datatype.value)) and bare.fullmatch(term.value):
        return term.value
    return str(term)


def _tsv(names: list[str], rows: list[Row]) -> str:
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if (v := row[i]) is None else _tsv_term(v) for i in range(len(names))) for row in rows]
    return "\n".join(lines) + "\n"


def _json(names: list[str], rows: list[Row]) -> str:
    bindings = (json.dumps({n: sparql_json(v) for i, n in enumerate(names) if (v := row[i]) is not None},
                           ensure_ascii=False) for row in rows)
    head = json.dumps({"vars": names}, ensure_ascii=False)
    return '{"head": ' + head + ', "results": {"bindings": [\n' + ",\n".join(bindings) + "\n]}}\n"


_QUOTE = {'"': "&quot;"}


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value, _QUOTE)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value, _QUOTE)}</bnode>"
    value = escape(term.value, _QUOTE)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{value}</literal>"
    if term.datatype.value != f"{_XSD}string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{value}</literal>"
    return f"<literal>{value}</literal>"


def _xml(names: list[str], rows: list[Row]) -> str:
    head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
    results = "".join("<result>" + "".join(f"<binding name={quoteattr(n)}>{_xml_term(v)}</binding>"
                                           for i, n in enumerate(names) if (v := row[i]) is not None) + "</result>"
                      for row in rows)
    return ('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{results}</results></sparql>")


_SOLUTIONS: dict[str, Callable[[list[str], list[Row]], str]] = {
    "table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "xml": _xml}
_BOOLEAN: dict[str, Callable[[bool], str]] = {
    "table": lambda b: "yes\n" if b else "no\n",
    "csv": lambda b: "true" if b else "false", "tsv": lambda b: "true" if b else "false",
    "json": lambda b: json.dumps({"head": {}, "boolean": b}) + "\n",
    "xml": lambda b: ('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head></head>'
                      f"<boolean>{'true' if b else 'false'}</boolean></sparql>"),
}
