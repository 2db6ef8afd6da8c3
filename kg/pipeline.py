"""The build: files → pages → mentions → facts → one named graph per document.

Documents are independent until the graph is merged, so a bad file costs only itself:
its error is recorded with the file name and the reason, and the build goes on. For the same
reason files can be analysed in parallel processes (``workers``): each worker turns a file into
its documents' triples, and the parent takes the results in input order into a ``QuadSpool``,
which keeps them sorted in bounded memory. The output does not depend on the number of workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.namespace import RDF
from tqdm import tqdm

from kg import timing
from kg.extract import extract, read_ahead, tagger
from kg.load import LoadError, iter_inputs, load_with_errors
from kg.model import Facts, SourceText
from kg.normalise import normalise
from kg.quads import EncodedGraph, QuadSpool, encode
from kg.rdf import doc_iri, triples_of
from kg.resolve import resolve
from kg.vocab import EVENT_CLASSES, OK

STAGES = ("read", "normalise", "tag", "extract", "resolve", "encode")  # per article, CPU seconds in the worker
_KIND_OF_CLASS = {f"<{OK.Official}>": "officials"} | {
    f"<{c}>": "events" for c in (OK.Event, *(OK[name] for name in EVENT_CLASSES))} | {
    f"<{c}>": "places" for c in (OK.AdministrativeRegion, OK.Facility, OK.Place)}
_TYPE = str(RDF.type)


@dataclass
class FileResult:
    """What one input file gave: each article's named graph and triples, and what was skipped."""

    path: str = ""
    graphs: list[EncodedGraph] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # the source each graph was built from
    typed: list[tuple[str, str]] = field(default_factory=list)  # (officials|events|places, IRI)
    skipped: list[str] = field(default_factory=list)
    characters: int = 0  # of the articles analysed
    seconds: dict[str, float] = field(default_factory=dict)  # CPU time spent per stage


@dataclass
class BuildResult:
    quads: QuadSpool
    documents: int = 0
    skipped: list[str] = field(default_factory=list)  # "file: reason"
    files: int = 0  # input files found
    characters: int = 0  # of the articles analysed
    # CPU time per stage, summed over workers; "spool": the parent taking their triples into the spool
    stage_seconds: dict[str, float] = field(default_factory=dict)
    typed: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in ("officials", "events", "places")})
    origin_of: dict[str, str] = field(default_factory=dict)  # document IRI -> the source it was built from
    documents_of: dict[str, list[str]] = field(default_factory=dict)  # input file -> the document IRIs it gave
    troubled: set[str] = field(default_factory=set)  # input files with something skipped
    unchanged: list[Path] = field(default_factory=list)  # input files not analysed: built before, same content

    def counts(self) -> dict[str, int]:
        return {"documents": self.documents, "officials": len(self.typed["officials"]),
                "events": len(self.typed["events"]), "places": len(self.typed["places"]),
                "triples": self.quads.union_size()}

    def retally(self) -> None:
        """Count officials, events and places again over the whole spool (after it was replaced)."""
        self.typed = {kind: set() for kind in self.typed}
        for s, p, o in self.quads.union():
            if p == _TYPE and (kind := _KIND_OF_CLASS.get(o)):
                self.typed[kind].add(s)

    def add(self, done: FileResult) -> None:
        """Take one file's graphs into the spool, noting their officials, events and places.

        Two files whose names give the same document id would merge into one named graph:
        the second is skipped, and said why.
        """
        self.skipped.extend(done.skipped)
        if done.skipped:
            self.troubled.add(done.path)
        given = self.documents_of.setdefault(done.path, [])
        for encoded, origin in zip(done.graphs, done.origins, strict=True):
            if (first := self.origin_of.setdefault(encoded.name, origin)) != origin:
                self.skipped.append(f"{origin}: same document id '{encoded.name.rsplit('/', 1)[-1]}' as {first} "
                                    "(ids come from file names); rename one of them")
                continue
            self.quads.add_encoded(encoded)
            given.append(encoded.name)
            self.documents += 1
        for kind, node in done.typed:
            self.typed[kind].add(node)
        self.characters += done.characters


def facts_of(source: SourceText) -> Facts:
    """Everything one article says (a pure function, so documents can run in parallel)."""
    page = normalise(source)
    return resolve(page, extract(page))


_SAMPLE = "2023年3月1日 來源：東城日報\n\n3月1日，東城區委書記王明帶隊到青山鎮檢查春耕工作。\n"


def warm_up() -> None:
    """Load the dictionaries, rules and converters every stage caches, by analysing a small article.

    Done before forking workers, so that they share what was loaded instead of each loading it. What
    was loaded lives as long as the process: frozen out of the garbage collector's sight, it costs no
    collection a look (~50,000 objects: 3% of the analysis of real news, measured).
    """
    sample = SourceText("warm-up.txt", "warm-up.txt", _SAMPLE, "utf-8", _SAMPLE, tuple(range(len(_SAMPLE) + 1)))
    triples_of(facts_of(sample))
    gc.freeze()


def analyse_file(path: Path) -> FileResult:
    """Load one file and turn each of its articles into triples, timing each stage (CPU time, so that
    other processes on the machine do not count)."""
    result = FileResult(str(path), seconds=dict.fromkeys(STAGES, 0.0))
    seconds = result.seconds
    started = time.process_time()
    try:
        sources, errors = load_with_errors(path)
    except Exception as exc:  # a reader's bug must not cost the other files
        result.skipped.append(f"{path}: could not be read ({type(exc).__name__}: {exc})")
        sources, errors = [], []
    result.skipped.extend(str(e) for e in errors)
    clock = time.process_time()
    seconds["read"] += clock - started
    for chunk in range(0, len(sources), _TAGGED_TOGETHER):
        clock = _analyse_sources(result, sources[chunk:chunk + _TAGGED_TOGETHER], clock)
    return result


_TAGGED_TOGETHER = 64  # a feed's records are normalised, then tagged, this many at a time


def _analyse_sources(result: FileResult, sources: list[SourceText], clock: float) -> float:
    """Normalise some articles of one file, read ahead what the tagger must read for all of them at
    once (fewer, fuller batches), then turn each into triples. Returns the CPU clock at the end."""
    seconds = result.seconds
    pages = []
    for source in sources:
        try:
            pages.append((source, normalise(source)))
        except Exception as exc:  # one broken article must not cost the others
            result.skipped.append(f"{source.source}: could not be analysed ({type(exc).__name__}: {exc})")
    seconds["normalise"] -= clock - (clock := time.process_time())
    tagged = tagger.seconds_spent()
    try:
        read_ahead([page for _, page in pages])
    except Exception:  # noqa: S110 - only a head start: each page is tagged again below, and fails there if it must
        pass
    seconds["extract"] -= clock - (clock := time.process_time())
    for source, page in pages:
        try:
            mentions = extract(page)
            seconds["extract"] -= clock - (clock := time.process_time())
            facts = resolve(page, mentions)
            seconds["resolve"] -= clock - (clock := time.process_time())
            triples = triples_of(facts)
            encoded = encode(str(doc_iri(facts.doc_id)), triples)
            seconds["encode"] -= clock - (clock := time.process_time())
        except Exception as exc:  # one broken article must not cost the others
            result.skipped.append(f"{source.source}: could not be analysed ({type(exc).__name__}: {exc})")
            clock = time.process_time()
            continue
        result.graphs.append(encoded)
        result.origins.append(str(source.path))
        result.typed.extend((kind, s) for s, p, o in triples if p == _TYPE and (kind := _KIND_OF_CLASS.get(o)))
        result.characters += len(source.raw)
    tagging = tagger.seconds_spent() - tagged  # the tagger runs inside extraction: its share is its own
    seconds["tag"] += tagging
    seconds["extract"] -= tagging
    return clock


def _analysed(paths: list[Path], workers: int) -> Iterator[FileResult]:
    """Each file's result, in input order, from this process or from a pool of ``workers`` processes."""
    if workers <= 1 or len(paths) < 2:
        yield from map(analyse_file, paths)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # small chunks keep the workers evenly busy; each is a few files, so messages stay few
    chunk = max(1, min(16, len(paths) // (workers * 8)))
    with context.Pool(workers, initializer=warm_up) as pool:
        yield from pool.imap(analyse_file, paths, chunksize=chunk)


def build(inputs: Iterable[str | Path], progress: bool = True, workers: int = 1,
          spool: QuadSpool | None = None, unchanged: Callable[[Path], bool] | None = None) -> BuildResult:
    """Analyse every article under ``inputs`` with ``workers`` processes into ``spool`` (a new one by default).

    Files for which ``unchanged(path)`` is true are listed in ``result.unchanged``, not analysed.
    """
    with timing.stage("start"):
        warm_up()  # before forking, so that workers share the loaded dictionaries
    result = BuildResult(spool if spool is not None else QuadSpool(),
                         stage_seconds=dict.fromkeys((*STAGES, "spool"), 0.0))
    paths = list(iter_inputs(inputs, on_skip=result.skipped.append))
    result.files = len(paths)
    if unchanged is not None:
        same = [unchanged(p) for p in paths]
        result.unchanged = [p for p, s in zip(paths, same, strict=True) if s]
        paths = [p for p, s in zip(paths, same, strict=True) if not s]
    bar = tqdm(total=len(paths), desc="building", unit="file", disable=not progress or len(paths) < 20)
    with bar, timing.stage("analyse"):
        for done in _analysed(paths, workers):
            clock = time.process_time()
            result.add(done)
            result.stage_seconds["spool"] += time.process_time() - clock
            for stage, seconds in done.seconds.items():
                result.stage_seconds[stage] += seconds
            bar.update()
    for stage, seconds in result.stage_seconds.items():
        timing.add(stage, seconds)
    return result


__all__ = ["BuildResult", "FileResult", "LoadError", "analyse_file", "build", "facts_of", "warm_up"]
