"""Writers for the built graph: Turtle, JSON-LD, TriG and the HTML view, all atomic and UTF-8.

Each format is a small function in ``WRITERS`` (name → writer), so adding one is one entry.
A writer never leaves a half-written file: it writes beside the target and renames.

The RDF writers stream from a ``QuadSpool`` one subject at a time, in IRI order, so the same triples
always give the same bytes and a graph of millions of triples is written in bounded memory (rdflib's
writers hold the whole graph and take ~90 µs a triple). They write what rdflib's Turtle, TriG and
compact JSON-LD writers write for the same subject, with the same prefixes, predicate order
(rdf:type, rdfs:label, then by IRI), object order and literal escapes; only the order of subjects
differs (rdflib puts the least referenced first); tests/test_export.py checks this against rdflib.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from rdflib import Dataset
from rdflib.namespace import RDF, RDFS, XSD, split_uri

from kg.quads import QuadSpool
from kg.rdf import unquote
from kg.vocab import PREFIXES, RES


@contextmanager
def open_atomic(path: Path) -> Iterator[IO[str]]:
    """A text file (UTF-8, \\n line ends) written beside ``path`` and renamed over it when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
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


def jsonld_context() -> dict[str, str]:
    """The compact JSON-LD context: the project's prefixes, so keys read ``ok:leader``."""
    return dict(PREFIXES)


# ---------------------------------------------------------------- terms

_PREFIX_OF = {namespace: prefix for prefix, namespace in PREFIXES.items()}
_RESOURCE = f"<{RES}"
_FIRST_PREDICATES = (str(RDF.type), str(RDFS.label))  # rdflib's Turtle writer puts these first
_BARE_TYPES = {str(XSD.integer): int}  # literals rdflib writes without quotes (JSON-LD: as numbers)


@lru_cache(maxsize=65536)
def _pname(iri: str) -> str | None:
    """``ok:leader`` for a vocabulary IRI, as rdflib abbreviates it (None when it would not)."""
    if iri.startswith(RES):
        return None  # resource IRIs hold a slash after the namespace: rdflib writes them whole
    try:
        namespace, local = split_uri(iri)
    except ValueError:
        return None
    prefix = _PREFIX_OF.get(namespace)
    if prefix is None or not local or local.endswith(".") or any(c in local for c in "()%"):
        return None
    return f"{prefix}:{local}"


def _iri(iri: str) -> str:
    return _pname(iri) or f"<{iri}>"


def _rdflib_quote(value: str) -> str:
    """rdflib's Turtle spelling of a string: long quotes around text with line breaks."""
    if "\n" in value:
        encoded = value.replace("\\", "\\\\")
        if '"""' in value:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + "\\" + '"'
        return '"""' + encoded.replace("\r", "\\r") + '"""'
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r") + '"'


def _turtle_object(o: str) -> str:
    """An object as rdflib writes it in Turtle; N-Triples already spells most of them that way."""
    if o[0] == "<":
        return o if o.startswith(_RESOURCE) else _iri(o[1:-1])
    if "\\" in o:  # escapes: rdflib writes text with line breaks in long quotes
        value, lang, datatype = unquote(o)
        quoted = _rdflib_quote(value)
    else:
        close = o.rindex('"')
        value, quoted = o[1:close], o[:close + 1]
        lang = o[close + 2:] if o[close + 1:close + 2] == "@" else None
        datatype = o[close + 4:-1] if o[close + 1:close + 2] == "^" else None
    if datatype in _BARE_TYPES:
        return value
    if lang:
        return f"{quoted}@{lang}"
    return f"{quoted}^^{_iri(datatype)}" if datatype else quoted


def _object_key(o: str) -> tuple:
    """rdflib's order of objects: IRIs by IRI, then literals by datatype, language and value."""
    if o[0] == "<":
        return (0, o[1:-1])
    value, lang, datatype = unquote(o)
    cast = _BARE_TYPES.get(datatype or "")
    return (1, datatype or str(XSD.string), lang or "", cast(value) if cast else value)


def _properties(pairs: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(predicate, objects) in rdflib's order, from pairs sorted by predicate."""
    grouped: list[tuple[str, list[str]]] = []
    for p, o in pairs:
        if grouped and grouped[-1][0] == p:
            grouped[-1][1].append(o)
        else:
            grouped.append((p, [o]))
    first = [g for p in _FIRST_PREDICATES for g in grouped if g[0] == p]
    ordered = first + [g for g in grouped if g[0] not in _FIRST_PREDICATES] if first else grouped
    return [(p, sorted(objects, key=_object_key) if len(objects) > 1 else objects) for p, objects in ordered]


# ---------------------------------------------------------------- Turtle and TriG

def _prefix_lines(spool: QuadSpool) -> str:
    used = {_pname(iri).split(":", 1)[0] for iri in spool.vocabulary if _pname(iri)}
    return "".join(f"@prefix {prefix}: <{PREFIXES[prefix]}> .\n" for prefix in sorted(used))


def _turtle_block(subject: str, pairs: list[tuple[str, str]], depth: int) -> str:
    """One subject as rdflib writes it: '\\n<s> a ok:X ;\\n    p o,\\n        o2 .\\n' (indented by depth)."""
    pad = "    " * depth
    parts = [f"\n{pad}{_iri(subject)}"]
    for n, (p, objects) in enumerate(_properties(pairs)):
        verb = "a" if p == _FIRST_PREDICATES[0] else _iri(p)
        parts.append(f" {verb} " if n == 0 else f" ;\n{pad}    {verb} ")
        parts.append(f",\n{pad}        ".join(_turtle_object(o) for o in objects))
    parts.append(" .\n")
    return "".join(parts)


def write_turtle(spool: QuadSpool, path: Path) -> None:
    with open_atomic(path) as f:
        f.write(_prefix_lines(spool))
        for subject, pairs in spool.subjects():
            f.write(_turtle_block(subject, pairs, 0))
        f.write("\n")


def write_trig(spool: QuadSpool, path: Path) -> None:
    with open_atomic(path) as f:
        f.write(_prefix_lines(spool))
        for graph, subjects in spool.graphs():
            f.write(f"\n{_iri(graph)} {{")
            for subject, pairs in subjects:
                f.write(_turtle_block(subject, pairs, 1))
            f.write("}\n")
        f.write("\n")


# ---------------------------------------------------------------- JSON-LD

def _compact(iri: str) -> str:
    return _pname(iri) or iri


def _json_value(o: str) -> Any:
    if o[0] == "<":
        return {"@id": o[1:-1]}
    value, lang, datatype = unquote(o)
    if lang:
        return {"@language": lang, "@value": value}
    if datatype in _BARE_TYPES:
        return _BARE_TYPES[datatype](value)
    return {"@type": _compact(datatype), "@value": value} if datatype else value


def _json_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def jsonld_node(subject: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """One subject as a compact JSON-LD node: ``ok:`` keys, one value bare, several in canonical order."""
    node: dict[str, Any] = {"@id": subject}
    values: dict[str, list[Any]] = {}
    for p, o in pairs:
        if p == _FIRST_PREDICATES[0] and o[0] == "<":
            values.setdefault("@type", []).append(_compact(o[1:-1]))
        else:
            values.setdefault(_compact(p), []).append(_json_value(o))
    for key, items in values.items():
        node[key] = items[0] if len(items) == 1 else sorted(items, key=_json_key)
    return node


def write_jsonld(spool: QuadSpool, path: Path) -> None:
    """``{"@context": …, "@graph": [nodes by @id]}`` with one node a line and keys sorted."""
    context = json.dumps(jsonld_context(), ensure_ascii=False, sort_keys=True)
    with open_atomic(path) as f:
        f.write(f'{{"@context": {context},\n "@graph": [')
        separator = "\n"
        for subject, pairs in spool.subjects():
            f.write(separator + json.dumps(jsonld_node(subject, pairs), ensure_ascii=False, sort_keys=True))
            separator = ",\n"
        f.write("\n]}\n")


# ---------------------------------------------------------------- HTML and all formats

def write_html(spool: QuadSpool, path: Path) -> None:
    from kg.view import render_html

    write_atomic(path, render_html(spool.graph()))


WRITERS: dict[str, tuple[str, Callable[[QuadSpool, Path], None]]] = {
    "turtle": ("graph.ttl", write_turtle),
    "json-ld": ("graph.jsonld", write_jsonld),
    "trig": ("graph.trig", write_trig),
    "html": ("graph.html", write_html),
}


class ExportError(RuntimeError):
    """An output file could not be written."""


def export_all(graph: QuadSpool | Dataset, out_dir: Path, formats: tuple[str, ...] | None = None,
               workers: int = 1) -> list[Path]:
    """Write every format (or those named) into ``out_dir``; return the paths written.

    With ``workers`` > 1 (where processes can fork) the formats are written at the same time, each by
    its own process reading the spool; the bytes are the same.
    """
    spool = graph if isinstance(graph, QuadSpool) else QuadSpool.from_dataset(graph)
    jobs = [(writer, out_dir / filename) for name, (filename, writer) in WRITERS.items()
            if formats is None or name in formats]
    here, forked = jobs, []
    if workers > 1 and len(jobs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")  # the children share the spool: nothing is copied
        here = jobs[:1]
        forked = [(context.Process(target=writer, args=(spool, path), daemon=True), path) for writer, path in jobs[1:]]
        for process, _ in forked:
            process.start()
    for writer, path in here:
        writer(spool, path)
    for process, path in forked:
        process.join()
        if process.exitcode != 0:
            raise ExportError(f"{path}: the process writing it failed (exit code {process.exitcode}); see above")
    return [path for _, path in jobs]
