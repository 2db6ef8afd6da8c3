"""The build: files → pages → mentions → facts → one named graph per document.

Documents are independent until the graph is merged, so a bad file costs only itself:
its error is recorded with the file name and the reason, and the build goes on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import RDF
from tqdm import tqdm

from kg.extract import extract
from kg.load import LoadError, iter_inputs, load_with_errors
from kg.model import Facts, SourceText
from kg.normalise import normalise
from kg.rdf import add_facts, new_dataset, union
from kg.resolve import resolve
from kg.vocab import OK


@dataclass
class BuildResult:
    dataset: Dataset
    graph: Graph
    documents: int = 0
    skipped: list[str] = field(default_factory=list)  # "file: reason"
    seconds: float = 0.0
    files: int = 0  # input files found

    def counts(self) -> dict[str, int]:
        g = self.graph
        places = {s for c in (OK.AdministrativeRegion, OK.Facility, OK.Place) for s in g.subjects(RDF.type, c)}
        events = {s for c in (OK.Event, OK.Inspection, OK.CondolenceVisit, OK.Research, OK.Meeting)
                  for s in g.subjects(RDF.type, c)}
        return {"documents": self.documents, "officials": len(set(g.subjects(RDF.type, OK.Official))),
                "events": len(events), "places": len(places), "triples": len(g)}


def facts_of(source: SourceText) -> Facts:
    """Everything one article says (a pure function, so documents can run in parallel)."""
    page = normalise(source)
    return resolve(page, extract(page))


def build(inputs: Iterable[str | Path], progress: bool = True) -> BuildResult:
    started = time.perf_counter()
    dataset = new_dataset()
    skipped: list[str] = []
    documents = 0
    paths = list(iter_inputs(inputs, on_skip=skipped.append))
    files = len(paths)
    read_from: dict[str, str] = {}  # document id -> the source it was built from
    for path in tqdm(paths, desc="building", unit="file", disable=not progress or len(paths) < 20):
        try:
            sources, errors = load_with_errors(path)
        except Exception as exc:  # a reader's bug must not cost the other files
            skipped.append(f"{path}: could not be read ({type(exc).__name__}: {exc})")
            continue
        skipped.extend(str(e) for e in errors)
        for source in sources:
            try:
                facts = facts_of(source)
            except Exception as exc:  # one broken article must not cost the others
                skipped.append(f"{source.source}: could not be analysed ({type(exc).__name__}: {exc})")
                continue
            if (first := read_from.setdefault(facts.doc_id, source.path)) != source.path:
                skipped.append(f"{source.path}: same document id '{facts.doc_id}' as {first} (ids come from "
                               "file names); rename one of them")
                continue
            add_facts(dataset, facts)
            documents += 1
    graph = union(dataset)
    return BuildResult(dataset, graph, documents, skipped, time.perf_counter() - started, files)


__all__ = ["BuildResult", "LoadError", "build", "facts_of"]
