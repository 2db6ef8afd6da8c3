"""JSON-LD a JSON user can read: nodes compacted with the published context, one subject at a time.

The context is data, ``ontology/context.jsonld`` (shipped in the package and written beside every
export): plain term names (``holdsPost``, ``label``, ``postIn`` …), resource IRIs compacted to
``res:person/张三``, classes by name in ``@type`` (always a list).  A property that several articles
may each give a value for (``holdsPost``, ``participant``, ``place``, ``wasDerivedFrom`` …) is an
``@set``: always a list, even of one; a property a node has once (a post's ``title`` and ``postIn``,
an event's ``leader`` and ``date``, an evidence's offsets) is a bare value.  Labels are a language
map of lists (``"label": {"zh-Hans": ["张三"], "zh-Hant": ["張三"]}``).  Strings are JSON strings,
integers JSON numbers, dates value objects (``{"@value": "2023-05-08", "@type": "xsd:date"}``: an
``ok:date`` may be an ``xsd:gMonthDay``).  Expanded, a node gives exactly its triples (tests/test_export.py
checks it with pyld and Oxigraph).  Terms come in the spool's form (kg.terms).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from kg import packaged
from kg.terms import unquote
from kg.turtle import FIRST_PREDICATES, Properties, pname
from kg.vocab import RES

CONTEXT_FILE = "context.jsonld"
_STRING = "http://www.w3.org/2001/XMLSchema#string"
_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_RES_PREFIX = "res:"
_TYPE = FIRST_PREDICATES[0]


@dataclass(frozen=True)
class Term:
    """A property's term in the context, and how its values are written."""

    name: str
    kind: str  # "id" (values are IRIs), "language" (a language map) or "value"
    many: bool  # @set: always a list
    datatype: str | None = None  # the datatype a plain string value is coerced to


@cache
def context() -> dict[str, Any]:
    """The published context (the ``@context`` object of ontology/context.jsonld)."""
    return json.loads(context_text())["@context"]


@cache
def context_text() -> str:
    return packaged.path(CONTEXT_FILE).read_text(encoding="utf-8")


@cache
def _vocabulary() -> tuple[dict[str, Term], dict[str, str]]:
    """The context compiled: terms by property IRI, and class names by class IRI."""
    ctx = context()
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else value

    terms, classes = {}, {}
    for name, definition in ctx.items():
        if name.startswith("@") or name in prefixes:
            continue
        if isinstance(definition, str):
            classes[expand(definition)] = name
            continue
        container = definition.get("@container", [])
        container = [container] if isinstance(container, str) else container
        coerced = definition.get("@type")
        kind = "id" if coerced == "@id" else "language" if "@language" in container else "value"
        terms[expand(definition["@id"])] = Term(name, kind, "@set" in container,
                                                expand(coerced) if kind == "value" and coerced else None)
    return terms, classes


def compact_iri(iri: str) -> str:
    """``res:person/张三`` for a resource, ``ok:Official`` for a vocabulary IRI, else the IRI itself."""
    if iri.startswith(RES):
        return _RES_PREFIX + iri[_RES_LENGTH:]
    return pname(iri) or iri


_RES_LENGTH = len(RES)
_RES_OBJECT = f"<{RES}"  # a resource IRI in the spool's form
_RES_OBJECT_LENGTH = len(_RES_OBJECT)


def _iri_value(o: str) -> str:
    """An object that is an IRI (``<…>``), compacted."""
    return _RES_PREFIX + o[_RES_OBJECT_LENGTH:-1] if o.startswith(_RES_OBJECT) else compact_iri(o[1:-1])


def _value(o: str, coerced: str | None = None) -> Any:
    """A value as JSON: an IRI as {"@id"}, a string as a string (or a value object where the term coerces
    strings to another datatype), a canonical integer as a number, anything else as a value object."""
    if o[0] == "<":
        return {"@id": _iri_value(o)}
    if o[0] == "_":
        return {"@id": o}
    value, lang, datatype = unquote(o)
    if lang:
        return {"@value": value, "@language": lang}
    datatype = datatype or _STRING
    if datatype == coerced or (datatype == _STRING and coerced is None):
        return value
    if datatype == _INTEGER and value.lstrip("-").isdigit() and str(int(value)) == value:
        return int(value)
    return {"@value": value, "@type": compact_iri(datatype)}


def _explicit(o: str) -> Any:
    """A value that no coercion may reinterpret: a plain string as a value object."""
    value = _value(o)
    return {"@value": value} if isinstance(value, str) else value


def node(subject: str, props: Properties) -> dict[str, Any]:
    """One subject as a compact node, from its ``kg.turtle.properties``."""
    terms, classes = _vocabulary()
    out: dict[str, Any] = {"@id": compact_iri(subject) if subject[0] != "_" else subject}
    for p, objects in props:
        term = terms.get(p)
        if term is None:
            if p == _TYPE:
                out["@type"] = [classes.get(o[1:-1]) or _iri_value(o) if o[0] == "<" else o for o in objects]
            else:  # not in the context: the prefixed name (or IRI) as key, values spelled out
                out[pname(p) or p] = [_explicit(o) for o in objects]
            continue
        kind = term.kind
        if kind == "id":  # a literal where an IRI is expected is a value object, never read as an IRI
            values = [_iri_value(o) if o[0] == "<" else _explicit(o) for o in objects]
        elif kind == "value":
            values = [_value(o, term.datatype) for o in objects]
        else:
            others = _language_map(out, term, objects)
            if others:  # a label without a language tag (or not a string): under the property's own name
                out[pname(p) or p] = others
            continue
        out[term.name] = values if term.many or len(values) > 1 else values[0]
    return out


def _language_map(out: dict[str, Any], term: Term, objects: list[str]) -> list[Any]:
    """Put the language-tagged strings in ``out[term.name]``; return the other values."""
    by_language: dict[str, list[str]] = {}
    others = []
    for o in objects:
        close = o.rfind('"')
        if close > 0 and o[close + 1:close + 2] == "@":
            value = o[1:close] if "\\" not in o else unquote(o)[0]
            by_language.setdefault(o[close + 2:], []).append(value)
        else:
            others.append(_explicit(o))
    if by_language:
        out[term.name] = by_language if term.many else {
            lang: values[0] if len(values) == 1 else values for lang, values in by_language.items()}
    return others


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # made once: json.dumps makes one a call


def node_text(subject: str, props: Properties) -> str:
    """The node as one line of JSON, keys sorted."""
    return _ENCODER.encode(node(subject, props))
