"""SHACL validation: does a graph have the shape ontology/shapes.ttl says a well-formed graph has?

pySHACL does the checking; this module gives it the ontology (so that an ok:Official counts as
an ok:Person) and turns its report into ``Violation`` records that name the node by its label.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH, NamespaceManager
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from kg.turtle import prefix_lines
from kg.vocab import OK, bind_prefixes

if TYPE_CHECKING:
    from kg.quads import QuadSpool

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY = ROOT / "ontology" / "officials.ttl"


class ValidationError(ValueError):
    """Shapes that cannot be read or used; the message names the file and the reason."""


@dataclass(frozen=True)
class Violation:
    """One failed constraint: on which node, along which property, and what is wrong."""

    focus: str  # the node's IRI, prefixed where a vocabulary prefix fits (ok:Place)
    label: str | None  # its Simplified label, if it has one
    path: str | None  # the property, e.g. ok:leader; None for a constraint on the node itself
    message: str
    value: str | None = None  # the offending value, if the constraint names one

    def __str__(self) -> str:
        node = f"{self.label} <{self.focus}>" if self.label else self.focus
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{node}{where}: {self.message}{value}"


@cache
def _shapes(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several kinds of parse errors
        raise ValidationError(f"{path}: not readable SHACL shapes in Turtle ({exc})") from exc


@cache
def _subclass_triples(path: Path) -> tuple[tuple, ...]:
    return tuple(Graph().parse(path, format="turtle").triples((None, RDFS.subClassOf, None)))


@contextmanager
def _with_subclasses(graph: Graph, ontology: Path) -> Iterator[Graph]:
    """The graph with the ontology's subclass triples added for the duration (then removed again).

    SHACL reads the class hierarchy from the data graph; adding some forty triples in place and
    taking them out again is much cheaper than the copy pySHACL makes when given an ontology
    (0.7 s for 30k triples).  A Dataset is copied into one graph, as the shapes span documents,
    and so is a graph in another store: pySHACL took 108 s instead of 1 s on an Oxigraph-backed one.
    """
    if isinstance(graph, Dataset) or not isinstance(graph.store, Memory):
        anything = (None, None, None)
        every = graph.quads((*anything, None)) if isinstance(graph, Dataset) else graph.triples(anything)
        copy = Graph()
        copy.addN((s, p, o, copy) for s, p, o, *_ in every)
        graph = copy
    added = [triple for triple in _subclass_triples(ontology) if triple not in graph]
    graph.addN((s, p, o, graph) for s, p, o in added)
    try:
        yield graph
    finally:
        for triple in added:
            graph.remove(triple)


def validate(graph: Graph, shapes: Path = SHAPES, ontology: Path = ONTOLOGY) -> list[Violation]:
    """Every violation of the shapes in ``graph`` (a Dataset is validated as the union of its graphs)."""
    import pyshacl  # imported here: it takes a second to import and only validation needs it
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    with _with_subclasses(graph, ontology) as data:
        try:
            _, report, _ = pyshacl.validate(data, shacl_graph=_shapes(shapes), inference="none", inplace=True,
                                            allow_warnings=True)
        except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as exc:
            raise ValidationError(f"{shapes}: the shapes cannot be used ({exc})") from exc
        names = bind_prefixes(Graph()).namespace_manager
        violations = {
            Violation(
                focus=_name(names, focus),
                label=_label(data, focus),
                path=_short(data, names, report.value(result, SH.resultPath)),
                message=str(report.value(result, SH.resultMessage) or "violates a shape"),
                value=_short(data, names, report.value(result, SH.value)),
            )
            for result in report.subjects(SH.resultSeverity, SH.Violation)
            for focus in [report.value(result, SH.focusNode)]
        }
    return sorted(violations, key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))


CYCLE_MESSAGE = "containment has a cycle: the value is part of itself through ok:partOf"


def validate_spool(spool: QuadSpool, shapes: Path = SHAPES, ontology: Path = ONTOLOGY,
                   documents_per_chunk: int = 100) -> list[Violation]:
    """Every violation in a build of any size, in bounded memory.

    Each document's named graph describes every node it mentions (types, labels, evidence), so the
    shapes are checked on a few hundred documents at a time; only containment cycles can span
    documents, so they are found once over all ok:partOf links of the union (kept as the shape
    reports them: focus ok:Place, each place on a cycle as the value).
    """
    import networkx as nx

    header = prefix_lines(spool.vocabulary)
    blocks = spool.graph_blocks()
    violations: set[Violation] = set()
    while batch := list(islice(blocks, documents_per_chunk)):
        chunk = Dataset(default_union=True)
        chunk.parse(data=header + "".join(batch), format="trig")
        violations.update(v for v in validate(chunk, shapes, ontology) if v.message != CYCLE_MESSAGE)
    part_of = str(OK.partOf)
    links = nx.DiGraph((s, o[1:-1]) for s, p, o in spool.union() if p == part_of)
    names = bind_prefixes(Graph()).namespace_manager
    for component in nx.strongly_connected_components(links):
        if len(component) > 1 or any(links.has_edge(n, n) for n in component):
            violations.update(Violation(_name(names, OK.Place), None, None, CYCLE_MESSAGE, place)
                              for place in component)
    return sorted(violations, key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))


def _label(graph: Graph, node: Node) -> str | None:
    """The node's Simplified label (else any label), for people reading the report."""
    labels = sorted(graph.objects(node, RDFS.label), key=lambda label: (getattr(label, "language", None) != "zh-Hans",
                                                                         str(label)))
    return str(labels[0]) if labels else None


def _short(graph: Graph, names: NamespaceManager, term: Node | None) -> str | None:
    """A term as a reader wants it: ok:leader, "2023-13-01"^^xsd:date, 张三 <https://…/person/张三>."""
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.n3(names)
    label = _label(graph, term) if isinstance(term, URIRef) else None
    return f"{label} <{term}>" if label else _name(names, term)


def _name(names: NamespaceManager, term: Node) -> str:
    """ok:Place for a vocabulary term, the plain IRI (or blank node id) for anything else."""
    if isinstance(term, URIRef) and not (prefixed := term.n3(names)).startswith("<"):
        return prefixed
    return str(term)


def summary(violations: list[Violation], limit: int | None = 20) -> str:
    """Readable lines, one per violation, at most ``limit`` of them (None: all)."""
    lines = [str(v) for v in violations[:limit]]
    if limit is not None and len(violations) > limit:
        lines.append(f"… and {len(violations) - limit} more")
    return "\n".join(lines)
