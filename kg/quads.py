"""The built graph between extraction and export: every document's triples, kept sorted in bounded memory.

Documents stream in one at a time (``add``). Each arrives encoded (``encode``, run where its triples
are made, in a worker process): its named graph already written as a TriG block, and each of its
subjects already written as a Turtle block and a JSON-LD node, beside the subject's triples. Past a
budget the spool sorts what it holds and spills it to runs in a temporary directory; export reads the
runs back merged, in IRI order: ``texts("turtle")`` and ``texts("jsonld")`` give each subject of the
union graph written out, ``graph_blocks()`` each named graph. A subject that several documents
describe (a county, an official) is written again from all their triples; any other is copied as
written. Sorting makes the output independent of the order documents arrived in, the writing is done
in parallel by the workers, and memory stays bounded however large the corpus.

A subject's triples are held as ``predicate TAB object`` lines: the predicate a bare IRI, the object
in N-Triples syntax (which escapes line breaks); sorting them sorts by predicate, then object.
"""

from __future__ import annotations

import heapq
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from kg import jsonld
from kg.terms import Triple
from kg.turtle import Properties, graph_block, properties, subject_block
from kg.vocab import RES

_RESOURCE = f"<{RES}"

# One subject as one document describes it: (subject, "p\to" lines joined by \n, Turtle block, JSON-LD node).
Record = tuple[str, str, str, str]
Kind = Literal["turtle", "jsonld"]
_FIELD = {"turtle": 2, "jsonld": 3}
_RENDER: dict[str, Callable[[str, Properties], str]] = {
    "turtle": lambda s, props: subject_block(s, props, 0), "jsonld": jsonld.node_text}


@dataclass(frozen=True)
class EncodedGraph:
    """One named graph: its subjects written out, its TriG block, the vocabulary it uses."""

    name: str
    records: list[Record]
    trig: str
    vocabulary: frozenset[str]  # IRIs other than resources: predicates, classes, datatypes
    triples: int  # distinct


def encode(graph: str, triples: list[Triple]) -> EncodedGraph:
    """One graph ready for the spool (cheap to send between processes: str and lists of str)."""
    vocabulary = {p for _, p, _ in triples}
    vocabulary.update(o[o.rindex("<") + 1:-1] for _, _, o in triples  # classes and literals' datatypes
                      if o[-1] == ">" and not o.startswith(_RESOURCE))
    vocabulary.update(s for s, _, _ in triples if not s.startswith(RES))
    ordered = sorted(set(triples))
    records, blocks = [], []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end == len(ordered) or ordered[end][0] != ordered[start][0]:
            subject = ordered[start][0]
            pairs = [(p, o) for _, p, o in ordered[start:end]]
            props = properties(pairs)
            block = subject_block(subject, props, 0)
            records.append((subject, "\n".join(map("\t".join, pairs)), block, jsonld.node_text(subject, props)))
            # inside the graph's braces the block is indented once more (not inside a long literal)
            blocks.append(block[:-1].replace("\n", "\n    ") + "\n" if '"""' not in block else
                          subject_block(subject, props, 1))
            start = end
    return EncodedGraph(graph, records, graph_block(graph, blocks), frozenset(vocabulary), len(ordered))


class QuadSpool:
    """Named graphs of many documents, held in memory up to ``budget`` triples, then in sorted runs on disk."""

    def __init__(self, budget: int = 200_000, directory: str | Path | None = None):
        self.budget = budget
        self._parent = directory
        self._records: list[Record] = []  # since the last spill
        self._blocks: list[tuple[str, str]] = []  # (graph, TriG block) since the last spill
        self._held = 0  # triples held in memory
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._record_runs: list[Path] = []
        self._block_runs: list[Path] = []
        self._closer: weakref.finalize | None = None
        self.vocabulary: set[str] = set()  # IRIs other than resources (predicates, classes, datatypes)
        self.added = 0  # triples of all graphs, those of several graphs counted once a graph: >= union_size()
        self._union_size: int | None = None

    def add(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add one named graph's triples."""
        self.add_encoded(encode(graph, list(triples)))

    def add_encoded(self, encoded: EncodedGraph) -> None:
        """Add a graph encoded by ``encode`` (in a worker process, say)."""
        self._records.extend(encoded.records)
        self._blocks.append((encoded.name, encoded.trig))
        self.vocabulary |= encoded.vocabulary
        self._held += encoded.triples
        self.added += encoded.triples
        self._union_size = None
        if self._held >= self.budget:
            self._spill()

    @property
    def spilled(self) -> bool:
        return bool(self._record_runs)

    def _spill(self) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kg-quads-", dir=self._parent)
            self._closer = weakref.finalize(self, self._tmp.cleanup)
        n = len(self._record_runs)
        records, blocks = Path(self._tmp.name) / f"s{n:05d}", Path(self._tmp.name) / f"g{n:05d}"
        with records.open("w", encoding="utf-8", newline="\n") as f:
            _write_chunks(f, sorted(self._records))
        with blocks.open("w", encoding="utf-8", newline="\n") as f:
            _write_chunks(f, sorted(self._blocks))
        self._record_runs.append(records)
        self._block_runs.append(blocks)
        self._records, self._blocks, self._held = [], [], 0

    def _merged(self, runs: list[Path], memory: list, fields: int) -> Iterator[tuple[str, ...]]:
        files = [path.open(encoding="utf-8", newline="\n") for path in runs]
        try:
            yield from heapq.merge(*(_read_chunks(f, fields) for f in files), sorted(memory))
        finally:
            for f in files:
                f.close()

    def _by_subject(self) -> Iterator[list[Record]]:
        """The records of each subject, subjects in IRI order."""
        group: list[Record] = []
        for record in self._merged(self._record_runs, self._records, 4):
            if group and record[0] != group[0][0]:
                yield group
                group = []
            if not group or record != group[-1]:
                group.append(record)  # type: ignore[arg-type]
        if group:
            yield group

    def subjects(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """The union graph one subject at a time: (subject, [(predicate, object), …] sorted)."""
        for group in self._by_subject():
            yield group[0][0], _pairs(group)

    def texts(self, kind: Kind) -> Iterator[str]:
        """Each subject of the union graph written as a Turtle block or a JSON-LD node, in IRI order."""
        field, count = _FIELD[kind], 0
        for group in self._by_subject():
            if len(group) == 1:
                count += group[0][1].count("\n") + 1
                yield group[0][field]
            else:
                pairs = _pairs(group)
                count += len(pairs)
                yield _RENDER[kind](group[0][0], properties(pairs))
        self._union_size = count

    def union(self) -> Iterator[Triple]:
        """The distinct triples of all graphs, sorted by subject, predicate, object (counted when read to the end)."""
        count = 0
        for subject, pairs in self.subjects():
            count += len(pairs)
            for p, o in pairs:
                yield subject, p, o
        self._union_size = count

    def union_size(self) -> int:
        """How many distinct triples the union graph holds (counted by the last full pass, or now)."""
        if self._union_size is None:
            self._union_size = sum(len(pairs) for _, pairs in self.subjects())
        return self._union_size

    def graph_blocks(self) -> Iterator[str]:
        """Each named graph's TriG block, in IRI order."""
        for _, block in self._merged(self._block_runs, self._blocks, 2):
            yield block

    def close(self) -> None:
        """Remove the spilled runs now (they are removed when the spool is collected anyway)."""
        if self._closer is not None:
            self._closer()
        self._records, self._blocks, self._held = [], [], 0


def _pairs(group: list[Record]) -> list[tuple[str, str]]:
    """The distinct (predicate, object) pairs of a subject's records, sorted."""
    lines = group[0][1].split("\n") if len(group) == 1 else sorted({line for r in group for line in r[1].split("\n")})
    return [(p, o) for p, o in (line.split("\t", 1) for line in lines)]


def _write_chunks(f: IO[str], rows: Iterable[tuple[str, ...]]) -> None:
    """Rows of strings that may span lines: their lengths on one line, then the strings themselves."""
    for row in rows:
        f.write("\t".join(str(len(part)) for part in row) + "\n" + "".join(row))


def _read_chunks(f: IO[str], fields: int) -> Iterator[tuple[str, ...]]:
    while header := f.readline():
        sizes = [int(n) for n in header.split("\t")]
        text = f.read(sum(sizes))
        row, at = [], 0
        for size in sizes[:fields]:
            row.append(text[at:at + size])
            at += size
        yield tuple(row)
