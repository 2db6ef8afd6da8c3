"""An embedded, persistent graph store: Oxigraph on disk, queried by Oxigraph itself (kg.query).

A store directory holds ``oxigraph/`` (the database) and ``documents.json`` (one record per
document: its named graph's IRI, source file, triple count and content digest).  Each document
lives in its own named graph, named by the document IRI as ``kg.rdf`` makes it, so one document
can be replaced or removed without touching the others; a document whose content is unchanged
is not rewritten.  Queries see the union of all named graphs, as with graph.trig.

Writing goes through pyoxigraph directly (rdflib's one-triple-at-a-time path is slower); queries run
on the database as they run on a graph file loaded in memory (kg.query), so both give the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from kg.export import write_atomic
from kg.quads import QuadSpool
from kg.terms import from_ox
from kg.turtle import prefix_lines
from kg.vocab import OK

RECORDS_FILE = "documents.json"
FILES_FILE = "files.json"  # input file → content digest and the documents it gave (incremental builds)
DATABASE_DIR = "oxigraph"
FORMAT_VERSION = 1


class StoreError(ValueError):
    """A directory that is not a usable store; the message names it and says what to do."""


@dataclass(frozen=True)
class DocumentRecord:
    """What the store knows about one document without reading its graph."""

    iri: str  # the named graph (= the ok:Document IRI)
    source: str  # ok:sourceFile, e.g. 000_ab4644af44d55d94.txt
    triples: int
    digest: str  # sha256 of the graph's sorted N-Triples: equal content, equal digest


@dataclass(frozen=True)
class FileRecord:
    """An input file as last built: its content digest and the documents (named graphs) it gave."""

    digest: str  # sha256 of the file's bytes
    documents: tuple[str, ...]


def is_store(path: str | Path) -> bool:
    return (Path(path) / RECORDS_FILE).is_file()


_SOURCE_FILE = ox.NamedNode(str(OK.sourceFile))


def document_quads(iri: str, triples: Iterable[ox.Triple]) -> tuple[list[ox.Quad], DocumentRecord]:
    """A document's triples as quads in its named graph, and its record."""
    name = ox.NamedNode(iri)
    quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
    digest = hashlib.sha256("\n".join(sorted(str(q.triple) for q in quads)).encode("utf-8")).hexdigest()
    source = next((q.object.value for q in quads if q.predicate == _SOURCE_FILE and q.subject == name), "")
    return quads, DocumentRecord(iri, source, len(quads), digest)


class GraphStore:
    """One store directory, open for reading (any number of processes) or writing (one)."""

    def __init__(self, path: Path, database: ox.Store, records: dict[str, DocumentRecord], read_only: bool):
        self.path = path
        self.database = database
        self.records = records
        self.read_only = read_only
        self.files = _read_files(path)

    @classmethod
    def open(cls, path: str | Path, read_only: bool = True) -> GraphStore:
        """Open an existing store; a missing or foreign directory is a StoreError naming it."""
        path = Path(path)
        if not is_store(path):
            raise StoreError(f"{path}: not a graph store (no {RECORDS_FILE}); "
                             f"make one with `kg build INPUT --store {path}`")
        records = _read_records(path)
        try:
            database = (ox.Store.read_only if read_only else ox.Store)(str(path / DATABASE_DIR))
        except OSError as exc:
            raise StoreError(f"{path}: the database cannot be opened ({exc}); is another `kg build` "
                             "writing to it?") from exc
        return cls(path, database, records, read_only)

    @classmethod
    def create_or_open(cls, path: str | Path) -> GraphStore:
        """Open a store for writing, creating it if the directory is missing or empty."""
        path = Path(path)
        if is_store(path):
            return cls.open(path, read_only=False)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise StoreError(f"{path}: exists and is not a graph store; choose a new directory for --store")
        path.mkdir(parents=True, exist_ok=True)
        database = ox.Store(str(path / DATABASE_DIR))
        store = cls(path, database, {}, read_only=False)
        store._save_records()
        return store

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not self.read_only:
            self.database.flush()
        del self.database

    def put_triples(self, documents: Iterable[tuple[str, Iterable[ox.Triple]]]) -> list[str]:
        """Replace each document's named graph by the given triples; return the IRIs that changed.

        A document with the same content as stored is skipped.  Into an empty store everything is
        bulk-loaded at once (no transactions, the fastest path); otherwise each changed graph is
        dropped and rewritten.
        """
        self._check_writable()
        changed: list[tuple[list[ox.Quad], DocumentRecord]] = []
        for iri, triples in documents:
            quads, record = document_quads(str(iri), triples)
            old = self.records.get(record.iri)
            if old is None or old.digest != record.digest:
                changed.append((quads, record))
        if not changed:
            return []
        # mark the graphs about to change as unknown first, so a write cut short is redone next time
        for _, record in changed:
            if record.iri in self.records:
                self.records[record.iri] = DocumentRecord(record.iri, record.source, 0, "")
        self._save_records()
        if not self.records:
            self.database.clear()  # leftovers of a first write that was cut short
            self.database.bulk_extend(q for quads, _ in changed for q in _with_merge(quads))
        else:
            for quads, record in changed:
                self._drop_graph(record.iri, keep={q.triple for q in quads})
                self.database.extend(_with_merge(quads))
        for _, record in changed:
            self.records[record.iri] = record
        self._save_records()
        return [record.iri for _, record in changed]

    def remove_documents(self, iris: Iterable[str]) -> list[str]:
        """Drop documents' named graphs; return those that were there."""
        self._check_writable()
        removed = [str(i) for i in iris if str(i) in self.records]
        for iri in removed:
            self._drop_graph(iri, keep=set())
            del self.records[iri]
        if removed:
            self._save_records()
        return removed

    def _drop_graph(self, iri: str, keep: set[ox.Triple]) -> None:
        """Remove a named graph, and from the merged graph each of its triples no other document has."""
        name = ox.NamedNode(iri)
        old = [q.triple for q in self.database.quads_for_pattern(None, None, None, name)]
        self.database.remove_graph(name)
        for t in old:
            if t not in keep and not any(isinstance(q.graph_name, ox.NamedNode)
                                         for q in self.database.quads_for_pattern(t.subject, t.predicate, t.object)):
                self.database.remove(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))

    def __len__(self) -> int:
        """Distinct triples over all documents (what graph.ttl would hold)."""
        return int(next(iter(self.database.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))[0].value)

    def document_triples(self, iri: str) -> list[ox.Triple]:
        """One document's named graph (e.g. to upload it elsewhere)."""
        return [q.triple for q in self.database.quads_for_pattern(None, None, None, ox.NamedNode(iri))]

    def spool(self, spool: QuadSpool | None = None) -> QuadSpool:
        """Every document's named graph, into a spool for export: the same triples, in the same
        N-Triples spelling, as the build that stored them, so the exported files are the same bytes."""
        spool = spool if spool is not None else QuadSpool()
        for iri in sorted(self.records):
            spool.add(iri, [(t.subject.value, t.predicate.value, from_ox(t.object))
                            for t in self.document_triples(iri)])
        return spool

    def save_files(self, files: dict[str, FileRecord]) -> None:
        """Record which input files (by path) the store's documents came from, and their digests."""
        self._check_writable()
        self.files = dict(files)
        data = {"format": FORMAT_VERSION, "files": {path: asdict(record) for path, record in sorted(files.items())}}
        write_atomic(self.path / FILES_FILE, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")

    def _save_records(self) -> None:
        data = {"format": FORMAT_VERSION, "documents": [asdict(r) for r in sorted(self.records.values(),
                                                                                   key=lambda r: r.iri)]}
        write_atomic(self.path / RECORDS_FILE, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


FILE_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD,
                ".json": ox.RdfFormat.JSON_LD, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS}


def _with_merge(quads: list[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad, and its triple in the default graph, which holds the merge of all documents.

    Oxigraph's own union of named graphs (0.5) counts a triple once per graph it is in, so the
    merge is kept explicitly: a triple two documents share is then one triple, as in graph.ttl.
    """
    for q in quads:
        yield q
        yield ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())


def _read_files(path: Path) -> dict[str, FileRecord]:
    """The input files of earlier builds; a store without the record (or with a damaged one) has none,
    so every file is analysed again — slower, never wrong."""
    try:
        data = json.loads((path / FILES_FILE).read_text(encoding="utf-8"))
        return {name: FileRecord(r["digest"], tuple(r["documents"])) for name, r in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _read_records(path: Path) -> dict[str, DocumentRecord]:
    try:
        data = json.loads((path / RECORDS_FILE).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            raise StoreError(f"{path / RECORDS_FILE}: store format {data.get('format')!r}, this kg reads "
                             f"{FORMAT_VERSION}; rebuild it with `kg build INPUT --store NEW_DIR`")
        return {d["iri"]: DocumentRecord(**d) for d in data["documents"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"{path / RECORDS_FILE}: unreadable store records ({exc}); "
                         "rebuild the store with `kg build INPUT --store NEW_DIR`") from exc



def put_spool(store: GraphStore, spool: QuadSpool, chunk: int = 500) -> list[str]:
    """Every document's named graph from a build's spool, ``chunk`` documents at a time, so that a
    corpus of any size goes in with bounded memory; return the IRIs that changed."""
    header = prefix_lines(spool.vocabulary)
    blocks = spool.graph_blocks()
    changed: list[str] = []
    while batch := list(islice(blocks, chunk)):
        graphs: dict[str, list[ox.Triple]] = {}
        for quad in ox.parse(header + "".join(batch), format=ox.RdfFormat.TRIG):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
        changed += store.put_triples(graphs.items())
    return changed
