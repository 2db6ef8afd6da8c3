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
    if value.startswith("--"):
        return Literal(value, datatype=XSD.gMonthDay)
    if "T" in value:
        return Literal(value, datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


def _labels(g: Graph, node: URIRef, simple: str, original: str | None, traditional: bool) -> None:
    g.add((node, RDFS.label, Literal(simple, lang="zh-Hans")))
    if original:
        g.add((node, RDFS.label, Literal(original, lang="zh-Hant")))
    elif traditional:
        spelled = to_traditional(simple)
        if spelled != simple:
            g.add((node, RDFS.label, Literal(spelled, lang="zh-Hant")))


def _evidence(g: Graph, node: URIRef, ev: Evidence, doc: URIRef) -> None:
    e = iri("evidence", f"{ev.doc_id}/{ev.start}-{ev.end}")
    g.add((e, RDF.type, OK.Evidence))
    g.add((e, OK.text, Literal(ev.text)))
    g.add((e, OK.startOffset, Literal(ev.start)))
    g.add((e, OK.endOffset, Literal(ev.end)))
    g.add((e, PROV.wasDerivedFrom, doc))
    g.add((node, OK.evidence, e))
    g.add((node, PROV.wasDerivedFrom, doc))


def add_facts(dataset: Dataset, facts: Facts) -> Graph:
    """Write one document's facts into its own named graph (named by the document IRI)."""
    doc = doc_iri(facts.doc_id)
    g = dataset.graph(doc)
    page = facts.page
    hant = page.script == "zh-Hant"
    g.add((doc, RDF.type, OK.Document))
    g.add((doc, OK.sourceFile, Literal(facts.source.source)))
    g.add((doc, OK.encoding, Literal(facts.source.encoding)))
    g.add((doc, OK.script, Literal(page.script)))
    if page.title:
        g.add((doc, DCTERMS.title, Literal(page.title, lang="zh-Hans")))
    if page.published:
        g.add((doc, OK.published, date_literal(page.published)))
    if page.publisher:
        g.add((doc, OK.publisher, Literal(page.publisher)))
    if facts.source.url:
        g.add((doc, OK.url, Literal(facts.source.url, datatype=XSD.anyURI)))

    for person in facts.persons:
        node = iri("person", person.key)
        g.add((node, RDF.type, OK.Official if person.official else OK.Person))
        _labels(g, node, person.name, person.original, False)
        if person.role:
            g.add((node, OK.role, Literal(person.role)))
            if any(b.name == person.name and b.role == person.role for b in page.bylines):
                g.add((doc, OK.byline, node))
        if person.evidence:
            _evidence(g, node, person.evidence, doc)

    for region in facts.regions:
        node = iri("place", region.key)
        g.add((node, RDF.type, getattr(OK, region.kind)))
        _labels(g, node, region.label, region.original, False)
        if region.part_of:
            g.add((node, OK.partOf, iri("place", region.part_of)))
        if region.adcode:
            g.add((node, OK.adcode, Literal(region.adcode)))
        if region.level:
            g.add((node, OK.level, Literal(region.level)))
        g.add((node, PROV.wasDerivedFrom, doc))
        if region.evidence:
            _evidence(g, node, region.evidence, doc)

    for org in facts.organizations:
        node = iri("org", org.key)
        g.add((node, RDF.type, OK.Organization))
        _labels(g, node, org.label, org.original, hant)
        for full in org.full_names:
            g.add((node, SKOS.altLabel, Literal(full, lang="zh-Hans")))
        if org.jurisdiction:
            g.add((node, OK.jurisdiction, iri("place", org.jurisdiction)))
        g.add((node, PROV.wasDerivedFrom, doc))

    for holding in facts.holdings:
        post = holding.post
        if not post.org:
            # A post is a title in one organisation (ontology/shapes.ttl); when the article never
            # says which (区委书记 with no district named), the person stays an official, without it.
            continue
        node = iri("post", f"{post.org}/{post.title}")
        g.add((node, RDF.type, OK.Post))
        g.add((node, OK.title, Literal(post.title)))
        g.add((node, RDFS.label, Literal(f"{post.org}{post.title}", lang="zh-Hans")))
        g.add((node, OK.postIn, iri("org", post.org)))
        g.add((iri("person", holding.person), OK.holdsPost, node))
        _evidence(g, node, post.evidence, doc)

    for event in facts.events:
        node = iri("event", event.key)
        for kind in event.kinds:
            g.add((node, RDF.type, _EVENT_CLASS[kind]))
        if not event.kinds:
            g.add((node, RDF.type, OK.Event))
        leader = next((p for p in facts.persons if p.key == event.leader), None)
        words = "、".join(_EVENT_WORD[k] for k in event.kinds) or "活动"
        g.add((node, RDFS.label, Literal(f"{leader.name if leader else event.leader}{words}", lang="zh-Hans")))
        g.add((node, OK.leader, iri("person", event.leader)))
        for p in event.participants:
            g.add((node, OK.participant, iri("person", p)))
        for place in event.places:
            g.add((node, OK.place, iri("place", place)))
        if event.date:
            g.add((node, OK.date, date_literal(event.date)))
        _evidence(g, node, event.evidence, doc)
    return g


def union(dataset: Dataset) -> Graph:
    """All named graphs merged into one graph (what graph.ttl and graph.jsonld hold)."""
    g = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def new_dataset() -> Dataset:
    return bind_prefixes(Dataset())  # type: ignore[return-value]
