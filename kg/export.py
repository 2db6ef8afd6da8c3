"""Writers for the built graph: Turtle, JSON-LD, TriG and the HTML views, all atomic and UTF-8.

Each format is a small function in ``WRITERS`` (name → writer), so adding one is one entry.
A writer never leaves a half-written file: it writes beside the target and renames.  A writer
that writes more than its one file (the HTML pages) returns every path it wrote.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph

from kg.vocab import PREFIXES


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to a temporary file in the same directory, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def jsonld_context() -> dict[str, str]:
    """The compact JSON-LD context: the project's prefixes, so keys read ``ok:leader``."""
    return dict(PREFIXES)


def write_turtle(graph: Graph, dataset: Dataset, path: Path) -> None:
    write_atomic(path, graph.serialize(format="turtle"))


def write_jsonld(graph: Graph, dataset: Dataset, path: Path) -> None:
    write_atomic(path, graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True,
                                       ensure_ascii=False))


def write_trig(graph: Graph, dataset: Dataset, path: Path) -> None:
    write_atomic(path, dataset.serialize(format="trig"))


def write_html(graph: Graph, dataset: Dataset, path: Path) -> list[Path]:
    """graph.html and the pages around it: index, timeline, network figures, most connected officials."""
    from kg.view import write_site

    return write_site(graph, path.parent, main=path.name)


WRITERS: dict[str, tuple[str, Callable[[Graph, Dataset, Path], list[Path] | None]]] = {
    "turtle": ("graph.ttl", write_turtle),
    "json-ld": ("graph.jsonld", write_jsonld),
    "trig": ("graph.trig", write_trig),
    "html": ("graph.html", write_html),
}


def export_all(graph: Graph, dataset: Dataset, out_dir: Path) -> list[Path]:
    """Write every format into ``out_dir``; return the paths written."""
    written = []
    for filename, writer in WRITERS.values():
        path = out_dir / filename
        written.extend(writer(graph, dataset, path) or [path])
    return written
