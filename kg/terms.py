"""The one codec for RDF terms: kg's own form, and its conversions to and from rdflib's and pyoxigraph's.

kg's form is text: an IRI is a plain ``str``; an object is written in N-Triples syntax (``<iri>``,
``"text"``, ``"text"@zh-Hans``, ``"2022-11-08"^^<…#date>``), the form the analysis makes (building an
rdflib Literal costs 4–15 µs, a string well under one), the spool sorts, the writers spell out
(kg.turtle, kg.jsonld) and N-Triples parsers read.  A triple is three such strings.

Language tags are kept in their registered case (zh-Hans, as BCP 47 recommends and the contract
writes them); Oxigraph keeps them in lower case (zh-hans), so a term read from Oxigraph is given its
registered case back here, and a build, a file and a store spell every term alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib.term import Node

Triple = tuple[str, str, str]


def quote(value: str) -> str:
    """A string literal's lexical form in N-Triples syntax (what rdflib writes)."""
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{value}"'


def text(value: str, lang: str | None = None) -> str:
    """A plain or language-tagged literal."""
    return f"{quote(value)}@{lang}" if lang else quote(value)


def typed(value: str, datatype: str) -> str:
    """A literal of the datatype (an IRI)."""
    return f"{quote(value)}^^<{datatype}>"


_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def integer(value: int) -> str:
    return f'"{value}"^^<{_INTEGER}>'


_UNESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def unquote(term: str) -> tuple[str, str | None, str | None]:
    """An N-Triples literal → (lexical form, language, datatype IRI)."""
    close = term.rindex('"')
    value = term[1:close]
    if "\\" in value:
        value = _UNESCAPE.sub(lambda m: _ESCAPED[m.group(1)], value)
    tail = term[close + 1:]
    if tail.startswith("@"):
        return value, tail[1:], None
    if tail.startswith("^^<"):
        return value, None, tail[3:-1]
    return value, None, None


def registered_case(tag: str) -> str:
    """zh-hans → zh-Hans, en-us → en-US: language lower, script title, region upper (BCP 47 §2.1.1)."""
    first, *rest = tag.split("-")
    return "-".join([first.lower(), *(s.title() if len(s) == 4 else s.upper() if len(s) == 2 else s for s in rest)])


# ---------------------------------------------------------------- rdflib


def to_rdflib(term: str) -> Node:
    """A term in N-Triples syntax (or a bare IRI) as an rdflib term."""
    from rdflib import BNode, Literal, URIRef

    if term.startswith("<"):
        return URIRef(term[1:-1])
    if term.startswith("_:"):
        return BNode(term[2:])
    if not term.startswith('"'):
        return URIRef(term)
    value, lang, datatype = unquote(term)
    return Literal(value, lang=lang, datatype=URIRef(datatype) if datatype else None)


def from_rdflib(term: Node) -> str:
    """An rdflib term in N-Triples syntax (the inverse of ``to_rdflib``)."""
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        if term.language:
            return text(str(term), term.language)
        return typed(str(term), term.datatype) if term.datatype else text(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"


# ---------------------------------------------------------------- pyoxigraph


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A pyoxigraph term in N-Triples syntax, its language tag in registered case."""
    import pyoxigraph as ox

    if isinstance(term, ox.Literal) and term.language:
        return text(term.value, registered_case(term.language))
    return str(term)


def to_ox(term: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term in N-Triples syntax (or a bare IRI) as a pyoxigraph term."""
    import pyoxigraph as ox

    if term.startswith("<"):
        return ox.NamedNode(term[1:-1])
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    if not term.startswith('"'):
        return ox.NamedNode(term)
    value, lang, datatype = unquote(term)
    return ox.Literal(value, language=lang, datatype=ox.NamedNode(datatype) if datatype else None)


def ox_triple(triple: Triple) -> ox.Triple:
    """A triple of kg's form as a pyoxigraph triple."""
    import pyoxigraph as ox

    s, p, o = triple
    return ox.Triple(to_ox(s), ox.NamedNode(p), to_ox(o))


def sparql_json(term: Any) -> dict[str, str]:
    """A pyoxigraph term as a binding of the SPARQL 1.1 Query Results JSON format."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        return {"type": "literal", "value": term.value}
    return {"type": "triple", "value": str(term)}  # an RDF 1.2 triple term
