"""Fifth stage: one document's ``Facts`` become triples in that document's named graph.

IRIs are derived from content (names, spelled-out organisations, adcodes, document ids and
offsets), never from counters over the whole run, so they are stable between runs and the
same person, post or place mentioned in two documents is one node.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.model import Evidence, Facts
from kg.normalise import to_traditional
from kg.terms import Triple
from kg.terms import integer as _int
from kg.terms import text as _text
from kg.terms import typed as _typed
from kg.vocab import EVENT_CLASSES, OK, RES

_UNSAFE = re.compile(r"[\s\"<>\\^`{|}%#?\[\]]")  # what an IRI path must escape; CJK stays readable


def iri(kind: str, key: str) -> URIRef:
    """A readable, stable resource IRI: res:person/张三, res:place/110101/东华门街道."""
    return URIRef(_node(kind, key))


def doc_iri(doc_id: str) -> URIRef:
    return iri("doc", doc_id)


def _date_type(value: str) -> URIRef:
    """2022-11-08 → xsd:date, 2022-11-09T09:36:31 → xsd:dateTime, --03-29 → xsd:gMonthDay."""
    if value.startswith("--"):
        return XSD.gMonthDay
    return XSD.dateTime if "T" in value else XSD.date


# ---------------------------------------------------------------- triples as text
# A document's triples are made as plain strings in kg's form (kg.terms), not rdflib terms.

class _Plain:
    """A namespace's terms as plain str, each looked up once.

    Triples hold plain str, not URIRef: rdflib terms never equal a str, pickle slowly between
    processes, and DefinedNamespace attribute look-ups are slow.
    """

    def __init__(self, namespace: object):
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:  # called only before the first look-up of ``name``
        value = str(getattr(self._namespace, name))
        setattr(self, name, value)
        return value


ok, rdf, rdfs, prov, skos, dcterms, xsd = (_Plain(n) for n in (OK, RDF, RDFS, PROV, SKOS, DCTERMS, XSD))


@lru_cache(maxsize=1 << 16)  # bounded: most IRIs (evidence, events) occur in one document only
def _node(kind: str, key: str) -> str:
    """A resource IRI as a plain str (see ``iri``)."""
    return f"{RES}{kind}/{_UNSAFE.sub(lambda m: quote(m.group()), key)}"


class _Emitter:
    """Collects one document's triples."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def link(self, s: str, p: str, o: str) -> None:
        self.triples.append((s, p, f"<{o}>"))

    def value(self, s: str, p: str, o: str) -> None:
        self.triples.append((s, p, o))

    def labels(self, node: str, simple: str, original: str | None, traditional: bool) -> None:
        self.value(node, rdfs.label, _text(simple, "zh-Hans"))
        if original:
            self.value(node, rdfs.label, _text(original, "zh-Hant"))
        elif traditional:
            spelled = to_traditional(simple)
            if spelled != simple:
                self.value(node, rdfs.label, _text(spelled, "zh-Hant"))

    def evidence(self, node: str, ev: Evidence, doc: str) -> None:
        e = _node("evidence", f"{ev.doc_id}/{ev.start}-{ev.end}")
        self.link(e, rdf.type, ok.Evidence)
        self.value(e, ok.text, _text(ev.text))
        self.value(e, ok.startOffset, _int(ev.start))
        self.value(e, ok.endOffset, _int(ev.end))
        self.link(e, prov.wasDerivedFrom, doc)
        self.link(node, ok.evidence, e)
        self.link(node, prov.wasDerivedFrom, doc)


def triples_of(facts: Facts) -> list[Triple]:
    """One document's facts as triples (its named graph is ``doc_iri(facts.doc_id)``)."""
    out = _Emitter()
    link, value = out.link, out.value
    doc = _node("doc", facts.doc_id)
    page = facts.page
    hant = page.script == "zh-Hant"
    link(doc, rdf.type, ok.Document)
    value(doc, ok.sourceFile, _text(facts.source.source))
    value(doc, ok.encoding, _text(facts.source.encoding))
    value(doc, ok.script, _text(page.script))
    if page.title:
        value(doc, dcterms.title, _text(page.title, "zh-Hans"))
    if page.published:
        value(doc, ok.published, _typed(page.published, _date_type(page.published)))
    if page.publisher:
        value(doc, ok.publisher, _text(page.publisher))
    if facts.source.url:
        value(doc, ok.url, _typed(facts.source.url, xsd.anyURI))

    for person in facts.persons:
        node = _node("person", person.key)
        link(node, rdf.type, ok.Official if person.official else ok.Person)
        out.labels(node, person.name, person.original, False)
        if person.role:
            value(node, ok.role, _text(person.role))
            if any(b.name == person.name and b.role == person.role for b in page.bylines):
                link(doc, ok.byline, node)
        if person.evidence:
            out.evidence(node, person.evidence, doc)

    for region in facts.regions:
        node = _node("place", region.key)
        link(node, rdf.type, getattr(ok, region.kind))
        out.labels(node, region.label, region.original, False)
        if region.part_of:
            link(node, ok.partOf, _node("place", region.part_of))
        if region.adcode:
            value(node, ok.adcode, _text(region.adcode))
        if region.level:
            value(node, ok.level, _text(region.level))
        link(node, prov.wasDerivedFrom, doc)
        if region.evidence:
            out.evidence(node, region.evidence, doc)

    for org in facts.organizations:
        node = _node("org", org.key)
        link(node, rdf.type, ok.Organization)
        out.labels(node, org.label, org.original, hant)
        for full in org.full_names:
            value(node, skos.altLabel, _text(full, "zh-Hans"))
        if org.jurisdiction:
            link(node, ok.jurisdiction, _node("place", org.jurisdiction))
        link(node, prov.wasDerivedFrom, doc)

    for holding in facts.holdings:
        post = holding.post
        if not post.org:
            # A post is a title in one organisation (ontology/shapes.ttl); when the article never
            # says which (区委书记 with no district named), the person stays an official, without it.
            continue
        node = _node("post", f"{post.org}/{post.title}")
        link(node, rdf.type, ok.Post)
        value(node, ok.title, _text(post.title))
        value(node, rdfs.label, _text(f"{post.org}{post.title}", "zh-Hans"))
        link(node, ok.postIn, _node("org", post.org))
        link(_node("person", holding.person), ok.holdsPost, node)
        out.evidence(node, post.evidence, doc)

    for event in facts.events:
        node = _node("event", event.key)
        for kind in event.kinds:
            link(node, rdf.type, getattr(ok, kind))
        if not event.kinds:
            link(node, rdf.type, ok.Event)
        leader = next((p for p in facts.persons if p.key == event.leader), None)
        words = "、".join(EVENT_CLASSES[k] for k in event.kinds) or "活动"
        value(node, rdfs.label, _text(f"{leader.name if leader else event.leader}{words}", "zh-Hans"))
        link(node, ok.leader, _node("person", event.leader))
        for p in event.participants:
            link(node, ok.participant, _node("person", p))
        for place in event.places:
            link(node, ok.place, _node("place", place))
        if event.date:
            value(node, ok.date, _typed(event.date, _date_type(event.date)))
        out.evidence(node, event.evidence, doc)
    return out.triples
