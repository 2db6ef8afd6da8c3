"""The built graph between extraction and export: every document's triples, kept sorted in bounded memory.

Documents stream in one at a time (``add``). Each arrives encoded (``encode``, done where the triples
are made, in a worker process): its triples as text lines, and its named graph already written as a
TriG block. Past a budget, the spool sorts what it holds and spills it to runs in a temporary
directory. Export then reads the runs back merged: ``subjects()`` gives the distinct triples of all
documents one subject at a time, sorted by IRI (graph.ttl, graph.jsonld), ``graph_blocks()`` the
named graphs' blocks sorted by graph IRI (graph.trig). Sorting makes the output independent of the
order documents arrived in, and lets writers stream, so memory stays bounded however large the corpus.

A line is ``subject TAB predicate TAB object``: subject and predicate are bare IRIs, which never hold
whitespace (``kg.rdf.iri`` escapes it), and the object is in N-Triples syntax, which escapes line
breaks. Sorting lines sorts by IRI, because TAB sorts before every character an IRI may hold.
"""

from __future__ import annotations

import heapq
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rdflib import Dataset, Graph, URIRef

from kg.rdf import Triple, from_term, to_term
from kg.turtle import graph_block, prefix_lines
from kg.vocab import RES, bind_prefixes

_RESOURCE = f"<{RES}"


@dataclass(frozen=True)
class EncodedGraph:
    """One named graph: its triples as sorted distinct spool lines, its TriG block, the vocabulary used."""

    name: str
    lines: list[str]
    trig: str
    vocabulary: frozenset[str]  # IRIs other than resources: predicates, classes, datatypes


def encode(graph: str, triples: list[Triple]) -> EncodedGraph:
    """One graph ready for the spool (cheap to send between processes: str and lists of str)."""
    vocabulary = {p for _, p, _ in triples}
    vocabulary.update(o[o.rindex("<") + 1:-1] for _, _, o in triples  # classes and literals' datatypes
                      if o[-1] == ">" and not o.startswith(_RESOURCE))
    vocabulary.update(s for s, _, _ in triples if not s.startswith(RES))
    lines = _sorted_distinct([f"{s}\t{p}\t{o}" for s, p, o in triples])
    return EncodedGraph(graph, lines, graph_block(graph, lines), frozenset(vocabulary))


class QuadSpool:
    """Named graphs of many documents, held in memory up to ``budget`` triples, then in sorted runs on disk."""

    def __init__(self, budget: int = 300_000, directory: str | Path | None = None):
        self.budget = budget
        self._parent = directory
        self._lines: list[str] = []  # triples of the graphs added since the last spill
        self._blocks: list[tuple[str, str]] = []  # (graph, TriG block) since the last spill
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._union_runs: list[Path] = []
        self._block_runs: list[Path] = []
        self._closer: weakref.finalize | None = None
        self.vocabulary: set[str] = set()  # IRIs other than resources (predicates, classes, datatypes)
        self._union_size: int | None = None

    def add(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add one named graph's triples."""
        self.add_encoded(encode(graph, list(triples)))

    def add_encoded(self, encoded: EncodedGraph) -> None:
        """Add a graph encoded by ``encode`` (in a worker process, say)."""
        self._lines.extend(encoded.lines)
        self._blocks.append((encoded.name, encoded.trig))
        self.vocabulary |= encoded.vocabulary
        self._union_size = None
        if len(self._lines) >= self.budget:
            self._spill()

    @property
    def spilled(self) -> bool:
        return bool(self._union_runs)

    def _spill(self) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kg-quads-", dir=self._parent)
            self._closer = weakref.finalize(self, self._tmp.cleanup)
        n = len(self._union_runs)
        union, blocks = Path(self._tmp.name) / f"u{n:05d}", Path(self._tmp.name) / f"g{n:05d}"
        with union.open("w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(_sorted_distinct(self._lines)) + "\n")
        with blocks.open("w", encoding="utf-8", newline="\n") as f:
            for graph, block in sorted(self._blocks):
                f.write(f"{graph}\t{len(block)}\n{block}")  # a block spans lines: its length says where it ends
        self._union_runs.append(union)
        self._block_runs.append(blocks)
        self._lines, self._blocks = [], []

    def union(self) -> Iterator[Triple]:
        """The distinct triples of all graphs, sorted by subject, predicate, object."""
        files = [path.open(encoding="utf-8", newline="\n") for path in self._union_runs]
        try:
            streams = [(line[:-1] for line in f) for f in files]
            previous = None
            for line in heapq.merge(*streams, _sorted_distinct(self._lines)):
                if line != previous:
                    s, p, o = line.split("\t", 2)
                    yield s, p, o
                    previous = line
        finally:
            for f in files:
                f.close()

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
            self._union_size = sum(1 for _ in self.union())
        return self._union_size

    def graph_blocks(self) -> Iterator[str]:
        """Each named graph's TriG block, in IRI order."""
        files = [path.open(encoding="utf-8", newline="\n") for path in self._block_runs]
        try:
            for _, block in heapq.merge(*map(_read_blocks, files), sorted(self._blocks)):
                yield block
        finally:
            for f in files:
                f.close()

    def dataset(self) -> Dataset:
        """The named graphs as an rdflib Dataset (for small graphs: tests, the HTML view)."""
        ds = bind_prefixes(Dataset())
        ds.parse(data=prefix_lines(self.vocabulary) + "".join(self.graph_blocks()), format="trig")
        return ds  # type: ignore[return-value]

    def graph(self) -> Graph:
        """The union of all graphs as an rdflib Graph (for small graphs)."""
        g = bind_prefixes(Graph())
        for s, p, o in self.union():
            g.add((URIRef(s), URIRef(p), to_term(o)))
        return g

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> QuadSpool:
        """The named graphs of an rdflib Dataset."""
        graphs: dict[str, list[Triple]] = {}
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            graphs.setdefault(str(name), []).append((str(s), str(p), from_term(o)))
        spool = cls()
        for name in sorted(graphs):
            spool.add(name, graphs[name])
        return spool

    def close(self) -> None:
        """Remove the spilled runs now (they are removed when the spool is collected anyway)."""
        if self._closer is not None:
            self._closer()
        self._lines, self._blocks = [], []


def _sorted_distinct(lines: list[str]) -> list[str]:
    """The lines sorted, without repeats (sorting first is faster: lines come in sorted runs)."""
    return list(dict.fromkeys(sorted(lines)))


def _read_blocks(f: IO[str]) -> Iterator[tuple[str, str]]:
    while header := f.readline():
        graph, size = header[:-1].rsplit("\t", 1)
        yield graph, f.read(int(size))
