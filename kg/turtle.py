"""Turtle and TriG as rdflib writes them, for one subject or one named graph at a time.

Terms come in the spool's form (kg.terms). The spelling follows rdflib 7's Turtle writer (pyproject
pins rdflib below 8): the same prefixed names, predicate order (rdf:type as ``a``, rdfs:label,
then by IRI), object order, literal quoting and indentation, so a subject block here is the block
rdflib writes for it (tests/test_export.py compares them). Only whole-document decisions differ:
subjects come in IRI order, which lets a graph of any size be written one subject at a time.
pyoxigraph's writers were measured instead (benchmarks/writers.py): they write language tags in lower
case (@zh-hans, the contract has @zh-Hans) and were no faster once kg's terms were turned into theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib.namespace import RDF, RDFS, XSD, split_uri

from kg.terms import unquote
from kg.vocab import PREFIXES, RES

_PREFIX_OF = {namespace: prefix for prefix, namespace in PREFIXES.items()}
_RESOURCE = f"<{RES}"
FIRST_PREDICATES = (str(RDF.type), str(RDFS.label))  # rdflib's Turtle writer puts these first
BARE_TYPES = {str(XSD.integer): int}  # literals rdflib writes without quotes (JSON-LD: as numbers)
Properties = list[tuple[str, list[str]]]  # (predicate, objects) in writing order, from ``properties``


@lru_cache(maxsize=65536)
def pname(iri: str) -> str | None:
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
    """An IRI as Turtle writes it: prefixed where rdflib would, else in angle brackets."""
    return pname(iri) or f"<{iri}>"


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
    if datatype in BARE_TYPES:
        return value
    if lang:
        return f"{quoted}@{lang}"
    return f"{quoted}^^{_iri(datatype)}" if datatype else quoted


def _object_key(o: str) -> tuple:
    """rdflib's order of objects: IRIs by IRI, then literals by datatype, language and value."""
    if o[0] == "<":
        return (0, o[1:-1])
    value, lang, datatype = unquote(o)
    cast = BARE_TYPES.get(datatype or "")
    return (1, datatype or str(XSD.string), lang or "", cast(value) if cast else value)


def properties(pairs: list[tuple[str, str]]) -> Properties:
    """(predicate, objects) in rdflib's order, from pairs sorted by predicate."""
    grouped: dict[str, list[str]] = {}
    for p, o in pairs:
        if p in grouped:
            grouped[p].append(o)
        else:
            grouped[p] = [o]
    out = [(p, grouped.pop(p)) for p in FIRST_PREDICATES if p in grouped]
    out.extend(grouped.items())
    for n, (p, objects) in enumerate(out):
        if len(objects) > 1:
            out[n] = (p, sorted(objects, key=_object_key))
    return out


def prefix_lines(vocabulary: Iterable[str]) -> str:
    """The @prefix lines of the project's prefixes that these IRIs are written with."""
    used = {name.split(":", 1)[0] for name in map(pname, vocabulary) if name}
    return "".join(f"@prefix {prefix}: <{PREFIXES[prefix]}> .\n" for prefix in sorted(used))


def subject_block(subject: str, props: Properties, depth: int) -> str:
    """One subject as rdflib writes it: '\\n<s> a ok:X ;\\n    p o,\\n        o2 .\\n' (indented by depth)."""
    pad = "    " * depth
    parts = [f"\n{pad}{_iri(subject)}"]
    for n, (p, objects) in enumerate(props):
        verb = "a" if p == FIRST_PREDICATES[0] else _iri(p)
        parts.append(f" {verb} " if n == 0 else f" ;\n{pad}    {verb} ")
        parts.append(f",\n{pad}        ".join(_turtle_object(o) for o in objects))
    parts.append(" .\n")
    return "".join(parts)


def graph_block(graph: str, blocks: list[str]) -> str:
    """One named graph as rdflib's TriG writer spells it, from its subjects' blocks (written at depth 1)."""
    return f"\n{_iri(graph)} {{" + "".join(blocks) + "}\n"
