"""Fifth stage: one document's ``Facts`` become triples in that document's named graph.

IRIs are derived from content (names, spelled-out organisations, adcodes, document ids and
offsets), never from counters over the whole run, so they are stable between runs and the
same person, post or place mentioned in two documents is one node.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import quote

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.model import Evidence, Facts
from kg.normalise import to_traditional
from kg.vocab import OK, RES, bind_prefixes

_EVENT_CLASS = {"Inspection": OK.Inspection, "CondolenceVisit": OK.CondolenceVisit, "Research": OK.Research,
                "Meeting": OK.Meeting}
_EVENT_WORD = {"Inspection": "检查", "CondolenceVisit": "慰问", "Research": "调研", "Meeting": "会议"}
_UNSAFE = re.compile(r"[\s\"<>\\^`{|}%#?\[\]]")  # what an IRI path must escape; CJK stays readable


@cache
def iri(kind: str, key: str) -> URIRef:
    """A readable, stable resource IRI: res:person/张三, res:place/110101/东华门街道."""
    return RES[f"{kind}/{_UNSAFE.sub(lambda m: quote(m.group()), key)}"]


def doc_iri(doc_id: str) -> URIRef:
    return iri("doc", doc_id)


def date_literal(value: str) -> Literal:
    """2022-11-08 → xsd:date, 2022-11-09T09:36:31 → xsd:dateTime, --03-29 → xsd:gMonthDay."""
    return Literal(value, datatype=_date_type(value))


def _date_type(value: str) -> URIRef:
    if value.startswith("--"):
        return XSD.gMonthDay
    return XSD.dateTime if "T" in value else XSD.date


# ---------------------------------------------------------------- triples as text
# A document's triples are made as plain strings, not rdflib terms (building an rdflib Literal
# costs 4–15 µs, Graph.add about 20 µs): subject and predicate are IRIs, the object is written in
# N-Triples syntax (<iri>, "text", "text"@zh-Hans, "2022-11-08"^^<…#date>), the form N-Quads,
# the sorted exports (kg.quads) and rdflib all read.

Triple = tuple[str, str, str]


def _quote(value: str) -> str:
    """A string literal's lexical form in N-Triples syntax (what rdflib writes)."""
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{value}"'


def _text(value: str, lang: str | None = None) -> str:
    return f"{_quote(value)}@{lang}" if lang else _quote(value)


def _typed(value: str, datatype: str) -> str:
    return f"{_quote(value)}^^<{datatype}>"


def _int(value: int) -> str:
    return f'"{value}"^^<{XSD.integer}>'


class _Emitter:
    """Collects one document's triples."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    # plain str, not URIRef: rdflib terms never equal a str, and they pickle slowly between processes
    def link(self, s: str, p: str, o: str) -> None:
        self.triples.append((str(s), str(p), f"<{o}>"))

    def value(self, s: str, p: str, o: str) -> None:
        self.triples.append((str(s), str(p), o))

    def labels(self, node: str, simple: str, original: str | None, traditional: bool) -> None:
        self.value(node, RDFS.label, _text(simple, "zh-Hans"))
        if original:
            self.value(node, RDFS.label, _text(original, "zh-Hant"))
        elif traditional:
            spelled = to_traditional(simple)
            if spelled != simple:
                self.value(node, RDFS.label, _text(spelled, "zh-Hant"))

    def evidence(self, node: str, ev: Evidence, doc: str) -> None:
        e = iri("evidence", f"{ev.doc_id}/{ev.start}-{ev.end}")
        self.link(e, RDF.type, OK.Evidence)
        self.value(e, OK.text, _text(ev.text))
        self.value(e, OK.startOffset, _int(ev.start))
        self.value(e, OK.endOffset, _int(ev.end))
        self.link(e, PROV.wasDerivedFrom, doc)
        self.link(node, OK.evidence, e)
        self.link(node, PROV.wasDerivedFrom, doc)


def triples_of(facts: Facts) -> list[Triple]:
    """One document's facts as triples (its named graph is ``doc_iri(facts.doc_id)``)."""
    out = _Emitter()
    link, value = out.link, out.value
    doc = doc_iri(facts.doc_id)
    page = facts.page
    hant = page.script == "zh-Hant"
    link(doc, RDF.type, OK.Document)
    value(doc, OK.sourceFile, _text(facts.source.source))
    value(doc, OK.encoding, _text(facts.source.encoding))
    value(doc, OK.script, _text(page.script))
    if page.title:
        value(doc, DCTERMS.title, _text(page.title, "zh-Hans"))
    if page.published:
        value(doc, OK.published, _typed(page.published, _date_type(page.published)))
    if page.publisher:
        value(doc, OK.publisher, _text(page.publisher))
    if facts.source.url:
        value(doc, OK.url, _typed(facts.source.url, XSD.anyURI))

    for person in facts.persons:
        node = iri("person", person.key)
        link(node, RDF.type, OK.Official if person.official else OK.Person)
        out.labels(node, person.name, person.original, False)
        if person.role:
            value(node, OK.role, _text(person.role))
            if any(b.name == person.name and b.role == person.role for b in page.bylines):
                link(doc, OK.byline, node)
        if person.evidence:
            out.evidence(node, person.evidence, doc)

    for region in facts.regions:
        node = iri("place", region.key)
        link(node, RDF.type, getattr(OK, region.kind))
        out.labels(node, region.label, region.original, False)
        if region.part_of:
            link(node, OK.partOf, iri("place", region.part_of))
        if region.adcode:
            value(node, OK.adcode, _text(region.adcode))
        if region.level:
            value(node, OK.level, _text(region.level))
        link(node, PROV.wasDerivedFrom, doc)
        if region.evidence:
            out.evidence(node, region.evidence, doc)

    for org in facts.organizations:
        node = iri("org", org.key)
        link(node, RDF.type, OK.Organization)
        out.labels(node, org.label, org.original, hant)
        for full in org.full_names:
            value(node, SKOS.altLabel, _text(full, "zh-Hans"))
        if org.jurisdiction:
            link(node, OK.jurisdiction, iri("place", org.jurisdiction))
        link(node, PROV.wasDerivedFrom, doc)

    for holding in facts.holdings:
        post = holding.post
        key = f"{post.org}/{post.title}" if post.org else f"{holding.person}/{post.title}"
        node = iri("post", key)
        link(node, RDF.type, OK.Post)
        value(node, OK.title, _text(post.title))
        value(node, RDFS.label, _text(f"{post.org or ''}{post.title}", "zh-Hans"))
        if post.org:
            link(node, OK.postIn, iri("org", post.org))
        link(iri("person", holding.person), OK.holdsPost, node)
        out.evidence(node, post.evidence, doc)

    for event in facts.events:
        node = iri("event", event.key)
        for kind in event.kinds:
            link(node, RDF.type, _EVENT_CLASS[kind])
        if not event.kinds:
            link(node, RDF.type, OK.Event)
        leader = next((p for p in facts.persons if p.key == event.leader), None)
        words = "、".join(_EVENT_WORD[k] for k in event.kinds) or "活动"
        value(node, RDFS.label, _text(f"{leader.name if leader else event.leader}{words}", "zh-Hans"))
        link(node, OK.leader, iri("person", event.leader))
        for p in event.participants:
            link(node, OK.participant, iri("person", p))
        for place in event.places:
            link(node, OK.place, iri("place", place))
        if event.date:
            value(node, OK.date, _typed(event.date, _date_type(event.date)))
        out.evidence(node, event.evidence, doc)
    return out.triples


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


def to_term(term: str) -> URIRef | Literal:
    """An object in N-Triples syntax as an rdflib term."""
    if term.startswith("<"):
        return URIRef(term[1:-1])
    value, lang, datatype = unquote(term)
    return Literal(value, lang=lang, datatype=URIRef(datatype) if datatype else None)


def from_term(term: URIRef | Literal) -> str:
    """An rdflib IRI or literal in N-Triples syntax (the inverse of ``to_term``)."""
    if isinstance(term, Literal):
        if term.language:
            return _text(str(term), term.language)
        return _typed(str(term), term.datatype) if term.datatype else _text(str(term))
    return f"<{term}>"


def add_facts(dataset: Dataset, facts: Facts) -> Graph:
    """Write one document's facts into its own named graph (named by the document IRI)."""
    g = dataset.graph(doc_iri(facts.doc_id))
    g.addN((URIRef(s), URIRef(p), to_term(o), g) for s, p, o in triples_of(facts))
    return g


def union(dataset: Dataset) -> Graph:
    """All named graphs merged into one graph (what graph.ttl and graph.jsonld hold)."""
    g = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def new_dataset() -> Dataset:
    return bind_prefixes(Dataset())  # type: ignore[return-value]
