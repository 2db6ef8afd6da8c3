"""The built graph between extraction and export: every document's triples, kept sorted in bounded memory.

Documents stream in one at a time (``add``); their quads are held as text lines and, past a budget,
sorted and spilled to runs in a temporary directory. Export then reads them back merged, in order:
``union()`` gives the distinct triples of all documents sorted by subject, predicate and object
(graph.ttl, graph.jsonld), ``quads()`` the quads sorted by graph first (graph.trig). Sorting makes the
output independent of the order documents arrived in, and lets writers stream one subject at a time,
so memory stays bounded however large the corpus.

A line is ``subject TAB predicate TAB object`` (``graph TAB`` in front for quads): subject, predicate
and graph are bare IRIs, which never hold whitespace (``kg.rdf.iri`` escapes it), and the object is
in N-Triples syntax, which escapes line breaks. Sorting lines sorts by IRI, because TAB sorts before
every character an IRI may hold.
"""

from __future__ import annotations

import heapq
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg.rdf import Triple, from_term, to_term
from kg.vocab import RES, bind_prefixes

Quad = tuple[str, str, str, str]  # graph, subject, predicate, object
_RESOURCE = f"<{RES}"


class QuadSpool:
    """Quads of many named graphs, sorted and deduplicated, in memory up to ``budget`` lines, then on disk."""

    def __init__(self, budget: int = 300_000, directory: str | Path | None = None):
        self.budget = budget
        self._parent = directory
        self._graphs: dict[str, list[str]] = {}  # graph → its triples as lines, since the last spill
        self._size = 0
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._graph_runs: list[Path] = []
        self._union_runs: list[Path] = []
        self._closer: weakref.finalize | None = None
        self.vocabulary: set[str] = set()  # IRIs other than resources (predicates, classes, datatypes)
        self._union_size: int | None = None

    def add(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add one named graph's triples (adding to a graph twice merges)."""
        lines = self._graphs.setdefault(graph, [])
        before = len(lines)
        vocabulary = self.vocabulary
        for s, p, o in triples:
            lines.append(f"{s}\t{p}\t{o}")
            vocabulary.add(p)
            if o[-1] == ">" and not o.startswith(_RESOURCE):
                vocabulary.add(o[o.rindex("<") + 1:-1])  # a class, or a literal's datatype
            if not s.startswith(RES):
                vocabulary.add(s)
        self._size += len(lines) - before
        self._union_size = None
        if self._size >= self.budget:
            self._spill()

    @property
    def spilled(self) -> bool:
        return bool(self._graph_runs)

    def _graph_lines(self) -> Iterator[str]:
        """The quads held in memory as sorted distinct lines (graph first)."""
        for graph in sorted(self._graphs):
            for line in _distinct(sorted(self._graphs[graph])):
                yield f"{graph}\t{line}"

    def _union_lines(self) -> list[str]:
        return _distinct(sorted(line for lines in self._graphs.values() for line in lines))

    def _spill(self) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kg-quads-", dir=self._parent)
            self._closer = weakref.finalize(self, self._tmp.cleanup)
        n = len(self._graph_runs)
        self._graph_runs.append(_write_run(Path(self._tmp.name) / f"g{n:05d}", self._graph_lines()))
        self._union_runs.append(_write_run(Path(self._tmp.name) / f"u{n:05d}", self._union_lines()))
        self._graphs, self._size = {}, 0

    def _merged(self, runs: list[Path], memory: Iterable[str]) -> Iterator[str]:
        files = [path.open(encoding="utf-8", newline="\n") for path in runs]
        try:
            streams = [(line[:-1] for line in f) for f in files]
            yield from _distinct_iter(heapq.merge(*streams, memory))
        finally:
            for f in files:
                f.close()

    def union(self) -> Iterator[Triple]:
        """The distinct triples of all graphs, sorted by subject, predicate, object."""
        for line in self._merged(self._union_runs, self._union_lines()):
            s, p, o = line.split("\t", 2)
            yield s, p, o

    def quads(self) -> Iterator[Quad]:
        """The distinct quads, sorted by graph, subject, predicate, object."""
        for line in self._merged(self._graph_runs, self._graph_lines()):
            g, s, p, o = line.split("\t", 3)
            yield g, s, p, o

    def subjects(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """The union graph one subject at a time: (subject, [(predicate, object), …] sorted)."""
        subject, pairs, count = "", [], 0
        for s, p, o in self.union():
            count += 1
            if s != subject:
                if pairs:
                    yield subject, pairs
                subject, pairs = s, []
            pairs.append((p, o))
        if pairs:
            yield subject, pairs
        self._union_size = count

    def union_size(self) -> int:
        """How many distinct triples the union graph holds (counted by the last full pass, or now)."""
        if self._union_size is None:
            self._union_size = sum(1 for _ in self._merged(self._union_runs, self._union_lines()))
        return self._union_size

    def graphs(self) -> Iterator[tuple[str, list[tuple[str, list[tuple[str, str]]]]]]:
        """Each named graph in IRI order, with its subjects: (graph, [(subject, [(predicate, object), …]), …])."""
        graph, subjects = "", []
        for g, s, p, o in self.quads():
            if g != graph:
                if subjects:
                    yield graph, subjects
                graph, subjects = g, []
            if not subjects or subjects[-1][0] != s:
                subjects.append((s, []))
            subjects[-1][1].append((p, o))
        if subjects:
            yield graph, subjects

    def dataset(self) -> Dataset:
        """The quads as an rdflib Dataset (for small graphs: tests, the HTML view)."""
        ds = bind_prefixes(Dataset())
        for g, s, p, o in self.quads():
            ds.graph(URIRef(g)).add((URIRef(s), URIRef(p), to_term(o)))
        return ds  # type: ignore[return-value]

    def graph(self) -> Graph:
        """The union of all graphs as an rdflib Graph (for small graphs)."""
        g = bind_prefixes(Graph())
        for s, p, o in self.union():
            g.add((URIRef(s), URIRef(p), to_term(o)))
        return g

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> QuadSpool:
        """The named graphs of an rdflib Dataset (objects written in N-Triples syntax)."""
        spool = cls()
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            spool.add(str(name), [(str(s), str(p), from_term(o))])
        return spool

    def close(self) -> None:
        """Remove the spilled runs now (they are removed when the spool is collected anyway)."""
        if self._closer is not None:
            self._closer()
        self._graphs, self._size = {}, 0


def _distinct(lines: list[str]) -> list[str]:
    """Sorted lines without repeats."""
    return [line for n, line in enumerate(lines) if n == 0 or line != lines[n - 1]]


def _distinct_iter(lines: Iterable[str]) -> Iterator[str]:
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


def _write_run(path: Path, lines: Iterable[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.writelines(line + "\n" for line in lines)
    return path
