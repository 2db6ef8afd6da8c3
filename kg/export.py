"""Writers for the built graph: Turtle, JSON-LD, TriG and the HTML views, all atomic and UTF-8.

Each format is a small function in ``WRITERS`` (name → writer), so adding one is one entry.
A writer never leaves a half-written file: it writes beside the target and renames.  A writer
that writes more than its one file (the HTML pages) returns every path it wrote.

The RDF writers stream from a ``QuadSpool`` one subject (or, for TriG, one named graph) at a time,
in IRI order, so the same triples always give the same bytes and a graph of millions of triples is
written in bounded memory (rdflib's writers hold the whole graph and take ~90 µs a triple). What
they write for each subject is what rdflib writes in Turtle and TriG (kg.turtle), and for JSON-LD a node
compacted with the published context (kg.jsonld); only the order of subjects differs from rdflib's
(rdflib puts the least referenced first).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kg import jsonld
from kg.quads import QuadSpool
from kg.timing import stage
from kg.turtle import prefix_lines


def _file_mode() -> int:
    """The mode a new file gets from the umask (0644 under the usual 022), as open() would give it (read
    each time: two system calls, and a umask changed since start-up counts)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def open_atomic(path: Path) -> Iterator[IO[str]]:
    """A text file (UTF-8, \\n line ends) written beside ``path`` and renamed over it when complete.

    The temporary file (private, 0600, while it is written) gets the mode the umask gives new files
    before it is renamed: a web server or a colleague can read the output as they could any other file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _file_mode())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to a temporary file in the same directory, then rename it over ``path``."""
    with open_atomic(path) as f:
        f.write(data.decode("utf-8") if isinstance(data, bytes) else data)


# ---------------------------------------------------------------- RDF files

def write_turtle(spool: QuadSpool, path: Path) -> None:
    with open_atomic(path) as f:
        f.write(prefix_lines(spool.vocabulary))
        for block in spool.texts("turtle"):
            f.write(block)
        f.write("\n")


def write_trig(spool: QuadSpool, path: Path) -> None:
    with open_atomic(path) as f:
        f.write(prefix_lines(spool.vocabulary))
        for block in spool.graph_blocks():
            f.write(block)
        f.write("\n")


def write_jsonld(spool: QuadSpool, path: Path) -> None:
    """``{"@context": …, "@graph": [nodes by @id]}`` with one node a line and keys sorted; the context is the
    published one (kg.jsonld), inline, so any JSON-LD processor reads the file without fetching anything."""
    context = json.dumps(jsonld.context(), ensure_ascii=False)
    with open_atomic(path) as f:
        f.write(f'{{"@context": {context},\n "@graph": [')
        separator = "\n"
        for node in spool.texts("jsonld"):
            f.write(separator + node)
            separator = ",\n"
        f.write("\n]}\n")


def write_context(spool: QuadSpool, path: Path) -> None:
    """The published JSON-LD context beside graph.jsonld, for tools that compact their own data with it."""
    write_atomic(path, jsonld.context_text())


# ---------------------------------------------------------------- HTML and all formats

# The pages are drawn from the knowledge network, read in one pass over the spool's sorted triples
# (no rdflib graph of the build: ~450 bytes a triple at the peak instead of ~2 KB); above this many
# triples (about 3,000 generated articles; ~360 MB at the peak) a build writes a page that says how to
# draw parts of the graph instead.
VIEW_TRIPLE_LIMIT = 800_000


def write_html(spool: QuadSpool, path: Path, fork: bool = False) -> list[Path]:
    """graph.html and the pages around it: index, timeline, network figures, most connected officials
    (``fork``: the whole-graph page drawn in a child process, beside the rest)."""
    from kg.view import write_notice, write_site

    if spool.added > VIEW_TRIPLE_LIMIT and (triples := spool.union_size()) > VIEW_TRIPLE_LIMIT:  # a pass, if large
        with stage("pages"):
            return write_notice(path.parent, triples, VIEW_TRIPLE_LIMIT, main=path.name)
    files = sorted(name for name, _ in WRITERS.values() if not name.endswith(".html"))
    return write_site(spool.union(), path.parent, main=path.name, data_files=files, fork=fork)


WRITERS: dict[str, tuple[str, Callable[[QuadSpool, Path], list[Path] | None]]] = {
    "turtle": ("graph.ttl", write_turtle),
    "json-ld": ("graph.jsonld", write_jsonld),
    "trig": ("graph.trig", write_trig),
    "context": ("context.jsonld", write_context),
    "html": ("graph.html", write_html),
}


class ExportError(OSError):
    """An output file could not be written."""


def export_all(spool: QuadSpool, out_dir: Path, formats: tuple[str, ...] | None = None,
               workers: int = 1) -> list[Path]:
    """Write every format (or those named) into ``out_dir``; return the paths written.

    With ``workers`` > 1 (where processes can fork) the formats are written at the same time, each by
    its own process reading the spool; the bytes are the same.
    """
    jobs = [(writer, out_dir / filename) for name, (filename, writer) in WRITERS.items()
            if formats is None or name in formats]
    here, forked = jobs, []
    if workers > 1 and len(jobs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")  # the children share the spool: nothing is copied
        # the HTML writer stays here: it says which pages it wrote
        here = [job for job in jobs if job[0] is write_html] or jobs[:1]
        forked = [(context.Process(target=writer, args=(spool, path), daemon=True), path)
                  for writer, path in jobs if (writer, path) not in here]
        for process, path in forked:
            path.touch()  # the pages list the data files: they must be there already, whichever finishes first
            process.start()
    written = []
    for writer, path in here:
        if writer is write_html:  # it times its own parts: network, stats, pages
            written.extend(write_html(spool, path, fork=workers > 1))
            continue
        with stage("write"):
            written.extend(writer(spool, path) or [path])
    for process, path in forked:
        with stage("write"):  # what the forked writers took beyond the pages
            process.join()
        if process.exitcode != 0:
            raise ExportError(f"{path}: the process writing it failed (exit code {process.exitcode}); see above")
        written.append(path)
    return written
