"""Compact JSON-LD nodes as rdflib's compact JSON-LD writer makes them, one subject at a time.

Keys are prefixed names (``ok:leader``), ``@type`` holds prefixed class names, a single value is
written bare and several as a list in Turtle's order, integers are JSON numbers, strings with a
language or a datatype are value objects. Terms come in the spool's form (kg.quads).
"""

from __future__ import annotations

import json
from typing import Any

from kg.terms import unquote
from kg.turtle import BARE_TYPES, FIRST_PREDICATES, Properties, pname
from kg.vocab import PREFIXES


def context() -> dict[str, str]:
    """The compact JSON-LD context: the project's prefixes, so keys read ``ok:leader``."""
    return dict(PREFIXES)


def _compact(iri: str) -> str:
    return pname(iri) or iri


def _value(o: str) -> Any:
    if o[0] == "<":
        return {"@id": o[1:-1]}
    value, lang, datatype = unquote(o)
    if lang:
        return {"@language": lang, "@value": value}
    if datatype in BARE_TYPES:
        return BARE_TYPES[datatype](value)
    return {"@type": _compact(datatype), "@value": value} if datatype else value


def node(subject: str, props: Properties) -> dict[str, Any]:
    """One subject as a compact JSON-LD node, from its ``kg.turtle.properties``."""
    out: dict[str, Any] = {"@id": subject}
    for p, objects in props:
        if p == FIRST_PREDICATES[0]:
            values = [_compact(o[1:-1]) if o[0] == "<" else _value(o) for o in objects]
            out["@type"] = values[0] if len(values) == 1 else values
        else:
            values = [_value(o) for o in objects]
            out[_compact(p)] = values[0] if len(values) == 1 else values
    return out


def node_text(subject: str, props: Properties) -> str:
    """The node as one line of JSON, keys sorted."""
    return json.dumps(node(subject, props), ensure_ascii=False, sort_keys=True)
