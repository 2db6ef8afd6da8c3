"""Writers for the built graph: Turtle, JSON-LD, TriG and the HTML views, all atomic and UTF-8.

Each format is a small function in ``WRITERS`` (name → writer), so adding one is one entry.
A writer never leaves a half-written file: it writes beside the target and renames.  A writer
that writes more than its one file (the HTML pages) returns every path it wrote.
The RDF files are deterministic: the same triples give the same bytes, whatever the order
they were added in and whatever Python's hash seed (rdflib's Turtle writer sorts; its JSON-LD
and TriG writers follow set order, so their output is put in order here).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph
from rdflib.plugins.serializers.trig import TrigSerializer

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
    data = json.loads(graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True))
    write_atomic(path, json.dumps(_sorted_jsonld(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def _sorted_jsonld(value: Any) -> Any:
    """Every array in a canonical order (nodes by @id, values by their JSON), except @list, whose order is data."""
    if isinstance(value, dict):
        return {key: item if key == "@list" else _sorted_jsonld(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted_jsonld(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return value


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer with the named graphs in IRI order (it writes them in set order)."""

    def __init__(self, store: Dataset) -> None:
        super().__init__(store)
        self.contexts.sort(key=lambda graph: graph.identifier)


def write_trig(graph: Graph, dataset: Dataset, path: Path) -> None:
    stream = io.BytesIO()
    _SortedTrigSerializer(dataset).serialize(stream, encoding="utf-8")
    write_atomic(path, stream.getvalue())


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
