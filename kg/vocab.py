# Attribute names must equal the ontology's local names, camelCase included (N815);
# RUF100 keeps the directive quiet where the N rules are not selected.
# ruff: noqa: N815, RUF100

"""The closed ``ok:`` vocabulary and the namespaces the graph uses.

Generated from ontology/officials.ttl; do not edit by hand, regenerate with
``python -m kg.tools.gen_vocab > kg/vocab.py``. ``OK`` is closed, so a misspelt term
raises AttributeError instead of silently minting a new IRI.
"""

from rdflib import Graph
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDFS,
    SDO,
    SKOS,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

__all__ = [
    "DCTERMS",
    "FOAF",
    "OK",
    "ONTOLOGY_IRI",
    "ORG",
    "PREFIXES",
    "PROV",
    "RES",
    "SCHEMA",
    "SEM",
    "SKOS",
    "EVENT_CLASSES",
    "bind_prefixes",
]

ONTOLOGY_IRI = URIRef("https://w3id.org/officials-kg/ontology")
RES = Namespace("https://w3id.org/officials-kg/resource/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = SDO  # rdflib names schema.org ``SDO``; the project calls it ``schema``


class OK(DefinedNamespace):
    """officials-kg ontology version 0.1.0: the ``ok:`` terms, one attribute each."""

    _fail = True
    _NS = Namespace("https://w3id.org/officials-kg/ontology#")

    # Classes
    AdministrativeRegion: URIRef  # A province, city, district, county, town, township,
    #                               subdistrict, village or community; ok:level gives
    #                               its level.
    CondolenceVisit: URIRef  # A visit bringing greetings or relief to veterans, needy
    #                          households or front-line workers: 慰问, 走访慰问, 看望.
    Document: URIRef  # One source article, read from one input file or record.
    Event: URIRef  # One activity reported in an article: who led it, who took part,
    #                where and when.
    Evidence: URIRef  # A span of one document's original text that a fact was read
    #                   from; prov:wasDerivedFrom links it to that document.
    Facility: URIRef  # A named site that is not an administrative region: a company,
    #                   school, hospital, project site or household.
    Inspection: URIRef  # An inspection or supervisory visit: 检查, 督导, 视察, 巡查,
    #                     考察.
    Meeting: URIRef  # A meeting, conference or forum: 会议, 座谈会, 常委会会议.
    Official: URIRef  # A person holding a party, state, people's-congress or CPPCC
    #                   post, or named as a provincial, city or county leader
    #                   (省/市/县领导).
    Organization: URIRef  # A party, state, people's-congress or CPPCC body or one of
    #                       its departments, named with its jurisdiction: 东城区委,
    #                       青州市政府, 青州市政协, 青州市委组织部.
    Person: URIRef  # A named person mentioned in a source article, whether or not an
    #                 official.
    Place: URIRef  # Any place: an administrative region or a facility.
    Post: URIRef  # One post: a bare title in one organisation, such as 书记 of
    #               东城区委.
    Research: URIRef  # A fact-finding visit: 调研, 走访调研.

    # Object properties
    byline: URIRef  # A reporter, editor, photographer or correspondent credited in the
    #                 article.
    evidence: URIRef  # Links any fact node (person, post, event, place …) to a span of
    #                   original text it was read from.
    holdsPost: URIRef  # A post the person holds, or held, according to the source.
    jurisdiction: URIRef  # The region an organisation governs.
    leader: URIRef  # A person who led the event.
    partOf: URIRef  # Direct containment in the next larger place (青山社区 part of
    #                 东风镇); not transitive, follow the chain for indirect
    #                 containment.
    participant: URIRef  # A person who took part in the event.
    place: URIRef  # Where the event happened, or a place it visited.
    postIn: URIRef  # The organisation a post belongs to; its label spells out the
    #                 jurisdiction (东城区委, not 区委).

    # Datatype properties
    adcode: URIRef  # The national administrative-division code, where known (6-digit
    #                 GB/T 2260 or 12-digit statistical code).
    date: URIRef  # The day the event happened: an xsd:date, or an xsd:gMonthDay
    #               (--MM-DD) where the text gives no year.
    encoding: URIRef  # The character encoding the input file was decoded with, e.g.
    #                   utf-8, gb18030.
    endOffset: URIRef  # Index just past the span's last character in the decoded
    #                    original file (half-open span).
    level: URIRef  # The region's level as its bare suffix word: 省, 市, 区, 县, 镇, 乡,
    #                街道, 村, 社区 …
    published: URIRef  # When the article was published: an xsd:date, an xsd:dateTime,
    #                    or an xsd:gMonthDay where no year is given.
    publisher: URIRef  # The name of the outlet that published the article, as the
    #                    source gives it.
    role: URIRef  # What a person who is not an official is in the article: 记者, 编辑,
    #               通讯员, 住户 …
    script: URIRef  # The script of the source text: zh-Hans (Simplified) or zh-Hant
    #                 (Traditional).
    sourceFile: URIRef  # The input file's name, e.g. 000_ab4644af44d55d94.txt
    #                     (feed.jsonl#3 for a JSON Lines record).
    startOffset: URIRef  # Index of the span's first character in the decoded original
    #                      file (half-open span).
    text: URIRef  # Exactly the characters startOffset..endOffset of the decoded
    #               original file, unnormalised.
    title: URIRef  # The bare title of a post, without the organisation: 书记, 副书记,
    #                常委, 代区长, 省长, 部长, 主任, 党组书记 …
    url: URIRef  # The article's web address, where the source gives one.


PREFIXES: dict[str, str] = {
    "ok": str(OK),
    "res": str(RES),
    "org": str(ORG),
    "sem": str(SEM),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
    "owl": str(OWL),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes so every export spells IRIs the same way."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


# The kinds of event, subclasses of ok:Event, with the word readers see.
EVENT_CLASSES: dict[str, str] = {
    "CondolenceVisit": "慰问",
    "Inspection": "检查",
    "Meeting": "会议",
    "Research": "调研",
}
