"""SHACL validation: does a graph have the shape ontology/shapes.ttl says a well-formed graph has?

The shapes are compiled by kg.shacl into checks over each node's triples (and SPARQL constraints run
by Oxigraph), with the ontology's class hierarchy (so that an ok:Official counts as an ok:Person):
on a build that is two streamed passes over its sorted triples, where pySHACL on rdflib graphs took
longer than the build itself. Shapes that use a feature kg.shacl does not implement are checked by
pySHACL, as before; the tests check that both report the same violations. Results become
``Violation`` records that name the node by its label.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
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

from kg import packaged, shacl
from kg.terms import Triple, from_rdflib, to_rdflib
from kg.turtle import prefix_lines
from kg.vocab import OK, bind_prefixes

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from kg.quads import QuadSpool

SHAPES = packaged.SHAPES
ONTOLOGY = packaged.ONTOLOGY


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
    compiled = _compiled(shapes, ontology)
    if compiled is None:
        return validate_pyshacl(graph, shapes, ontology)
    every = graph.quads((None, None, None, None)) if isinstance(graph, Dataset) else graph
    triples = list({(str(s), str(p), from_rdflib(o)) for s, p, o, *_ in every})
    results = shacl.check_graph(compiled, triples)
    return _named(results, _labels(triples, results))


def _compiled(shapes: Path, ontology: Path) -> shacl.Shapes | None:
    """The shapes compiled for kg.shacl; None if they need pySHACL."""
    try:
        return shacl.load(shapes, ontology)
    except shacl.UnsupportedError:
        return None
    except shacl.UnreadableShapesError as exc:
        raise ValidationError(f"{shapes}: not readable SHACL shapes in Turtle ({exc})") from exc
    except shacl.ShapesError as exc:
        raise ValidationError(f"{shapes}: the shapes cannot be used ({exc})") from exc


def _labels(triples: Iterable[Triple], results: list[shacl.Result]) -> dict[str, list[str]]:
    """The labels (N-Triples literals) of the nodes the results name."""
    wanted = {r.focus for r in results} | {r.value[1:-1] for r in results if r.value and r.value[0] == "<"}
    labels: dict[str, list[str]] = {}
    for s, p, o in triples:
        if p == shacl.LABEL and s in wanted:
            labels.setdefault(s, []).append(o)
    return labels


def _named(results: list[shacl.Result], labels: dict[str, list[str]]) -> list[Violation]:
    """Results as people read them: vocabulary terms prefixed, nodes with their Simplified label."""
    names = bind_prefixes(Graph()).namespace_manager

    def label(node: str) -> str | None:
        found = sorted((to_rdflib(t) for t in labels.get(node, [])),
                       key=lambda t: (getattr(t, "language", None) != "zh-Hans", str(t)))
        return str(found[0]) if found else None

    def short(term: str | None) -> str | None:
        if term is None:
            return None
        if term[0] != "<":
            return to_rdflib(term).n3(names)
        node = term[1:-1]
        return f"{text} <{node}>" if (text := label(node)) else _name(names, URIRef(node))

    violations = {Violation(_name(names, URIRef(r.focus)), label(r.focus), short(f"<{r.path}>" if r.path else None),
                            r.message, short(r.value)) for r in results}
    return sorted(violations, key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))


def validate_pyshacl(graph: Graph, shapes: Path = SHAPES, ontology: Path = ONTOLOGY) -> list[Violation]:
    """``validate`` by pySHACL: for shapes kg.shacl does not implement, and to check it in the tests."""
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

    Compiled shapes read the sorted union twice: the classes of the nodes first (into a compact
    ``shacl.TypeIndex``, with the triples the SPARQL constraints name), then each subject's triples
    together, checked as they stream by.
    Shapes that need pySHACL are checked a few hundred documents at a time (each document's graph
    describes every node it mentions); containment cycles, which can span documents, are then found
    once over all ok:partOf links of the union.
    """
    compiled = _compiled(shapes, ontology)
    if compiled is None:
        return _validate_spool_pyshacl(spool, shapes, ontology, documents_per_chunk)
    wanted = {p for _, c in compiled.sparql for p in c.predicates}
    types = compiled.type_index()
    kept = []
    for s, p, o in spool.union():
        if p == shacl.TYPE:
            types.add(s, o[1:-1])
        if p in wanted:
            kept.append((s, p, o))
    results = []
    for subject, pairs in spool.subjects():
        props: dict[str, list[str]] = {}
        for p, o in pairs:
            props.setdefault(p, []).append(o)
        classes = [o[1:-1] for o in props.get(shacl.TYPE, ())]  # a subject's own triples give its classes
        results.extend(compiled.check_node(subject, props, classes, types.is_a))
    results.extend(shacl.run_sparql(compiled, kept))
    return _named(results, _labels(spool.union(), results) if results else {})


def start_validation(spool: QuadSpool, shapes: Path = SHAPES, fork: bool = False) -> Callable[[], list[Violation]]:
    """``validate_spool`` when the function returned is called, or (``fork``, where processes can fork) in a
    child process started now, which runs while this one writes the files and pages."""
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        return lambda: validate_spool(spool, shapes)
    context = multiprocessing.get_context("fork")  # the child reads the spool this process holds: nothing is copied
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_validate_into, args=(spool, shapes, send), daemon=True)
    process.start()
    send.close()

    def wait() -> list[Violation]:
        try:
            outcome = receive.recv()
        except EOFError:
            process.join()
            raise ValidationError(f"the process validating the graph ended without a result (exit code "
                                  f"{process.exitcode}; see above)") from None
        process.join()
        if isinstance(outcome, ValidationError):
            raise outcome
        return outcome
    return wait


def _validate_into(spool: QuadSpool, shapes: Path, connection: Connection) -> None:
    try:
        connection.send(validate_spool(spool, shapes))
    except ValidationError as exc:
        connection.send(exc)


def _validate_spool_pyshacl(spool: QuadSpool, shapes: Path, ontology: Path,
                            documents_per_chunk: int) -> list[Violation]:
    import networkx as nx

    header = prefix_lines(spool.vocabulary)
    blocks = spool.graph_blocks()
    violations: set[Violation] = set()
    while batch := list(islice(blocks, documents_per_chunk)):
        chunk = Dataset(default_union=True)
        chunk.parse(data=header + "".join(batch), format="trig")
        violations.update(v for v in validate_pyshacl(chunk, shapes, ontology) if v.message != CYCLE_MESSAGE)
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
