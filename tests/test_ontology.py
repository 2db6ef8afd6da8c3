"""The ontology keeps the public contract, and kg/vocab.py stays generated from it."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, XSD

from kg.vocab import OK, bind_prefixes

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "officials.ttl"
VOCAB = ROOT / "kg" / "vocab.py"

# Spelt out here rather than taken from kg.vocab: these strings are the contract.
OK_NS = "https://w3id.org/officials-kg/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/officials-kg/ontology")
SEM_NS = "http://semanticweb.cs.vu.nl/2009/11/sem/"


def ok(name: str) -> URIRef:
    """An ok: IRI built from the contract's namespace string, not from kg.vocab."""
    return URIRef(OK_NS + name)


def sem(name: str) -> URIRef:
    return URIRef(SEM_NS + name)


# The vocabulary table of shared/CONTRACT.md: none of these may be renamed or dropped.
CONTRACT_TERMS: list[tuple[URIRef, URIRef]] = [
    (ok("Person"), OWL.Class),
    (ok("Official"), OWL.Class),
    (ok("Post"), OWL.Class),
    (ok("Organization"), OWL.Class),
    (ok("Place"), OWL.Class),
    (ok("AdministrativeRegion"), OWL.Class),
    (ok("Facility"), OWL.Class),
    (ok("Event"), OWL.Class),
    (ok("Inspection"), OWL.Class),
    (ok("CondolenceVisit"), OWL.Class),
    (ok("Research"), OWL.Class),
    (ok("Meeting"), OWL.Class),
    (ok("Document"), OWL.Class),
    (ok("holdsPost"), OWL.ObjectProperty),
    (ok("title"), OWL.DatatypeProperty),
    (ok("postIn"), OWL.ObjectProperty),
    (ok("jurisdiction"), OWL.ObjectProperty),
    (ok("leader"), OWL.ObjectProperty),
    (ok("participant"), OWL.ObjectProperty),
    (ok("place"), OWL.ObjectProperty),
    (ok("date"), OWL.DatatypeProperty),
    (ok("partOf"), OWL.ObjectProperty),
    (ok("adcode"), OWL.DatatypeProperty),
    (ok("role"), OWL.DatatypeProperty),
    (ok("sourceFile"), OWL.DatatypeProperty),
    (PROV.wasDerivedFrom, OWL.ObjectProperty),
]

# Domain and range as the contract's "kind" column states them.
CONTRACT_SIGNATURES: list[tuple[URIRef, URIRef, URIRef | None]] = [
    (ok("holdsPost"), ok("Person"), ok("Post")),
    (ok("title"), ok("Post"), XSD.string),
    (ok("postIn"), ok("Post"), ok("Organization")),
    (ok("jurisdiction"), ok("Organization"), ok("Place")),
    (ok("leader"), ok("Event"), ok("Person")),
    (ok("participant"), ok("Event"), ok("Person")),
    (ok("place"), ok("Event"), ok("Place")),
    (ok("date"), ok("Event"), None),  # a datatype union, checked on its own
    (ok("partOf"), ok("Place"), ok("Place")),
    (ok("adcode"), ok("Place"), XSD.string),
    (ok("role"), ok("Person"), XSD.string),
    (ok("sourceFile"), ok("Document"), XSD.string),
]

CONTRACT_SUBCLASSES: list[tuple[URIRef, URIRef]] = [
    (ok("Official"), ok("Person")),
    (ok("AdministrativeRegion"), ok("Place")),
    (ok("Facility"), ok("Place")),
    (ok("Inspection"), ok("Event")),
    (ok("CondolenceVisit"), ok("Event")),
    (ok("Research"), ok("Event")),
    (ok("Meeting"), ok("Event")),
]

ALIGNMENTS: list[tuple[URIRef, URIRef, URIRef]] = [
    (ok("Post"), RDFS.subClassOf, ORG.Post),
    (ok("Organization"), RDFS.subClassOf, ORG.Organization),
    (ok("Person"), RDFS.subClassOf, FOAF.Person),
    (ok("Person"), RDFS.subClassOf, SDO.Person),
    (ok("Place"), RDFS.subClassOf, SDO.Place),
    (ok("AdministrativeRegion"), RDFS.subClassOf, SDO.AdministrativeArea),
    (ok("Event"), RDFS.subClassOf, sem("Event")),
    (ok("Document"), RDFS.subClassOf, FOAF.Document),
    (ok("Document"), RDFS.subClassOf, PROV.Entity),
    (ok("Evidence"), RDFS.subClassOf, PROV.Entity),
    (ok("postIn"), RDFS.subPropertyOf, ORG.postIn),
    (ok("holdsPost"), RDFS.subPropertyOf, ORG.holds),
    (ok("leader"), RDFS.subPropertyOf, sem("hasActor")),
    (ok("participant"), RDFS.subPropertyOf, sem("hasActor")),
    (ok("place"), RDFS.subPropertyOf, sem("hasPlace")),
    (ok("partOf"), RDFS.subPropertyOf, SDO.containedInPlace),
    (ok("evidence"), RDFS.subPropertyOf, PROV.wasDerivedFrom),
]

OWL_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
EVENT_KINDS = ("Inspection", "CondolenceVisit", "Research", "Meeting")

# The reference scorer's queries (shared/tools/score_kg.py), run on ontology + graph.
SCORER_PREFIXES = f"PREFIX ok: <{OK_NS}>\nPREFIX rdfs: <{RDFS}>\n"
SCORER_OFFICIALS = SCORER_PREFIXES + "SELECT DISTINCT ?p WHERE { ?p a/rdfs:subClassOf* ok:Official }"
SCORER_EVENT_KINDS = SCORER_PREFIXES + (
    "SELECT ?e ?t WHERE { ?e a/rdfs:subClassOf* ok:Event ; a ?c . ?c rdfs:subClassOf* ?t . "
    "VALUES ?t { ok:Inspection ok:CondolenceVisit ok:Research ok:Meeting } }"
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def declared_ok_terms(graph: Graph) -> set[URIRef]:
    """The ok: IRIs the ontology declares with an OWL kind."""
    return {
        s
        for kind in OWL_KINDS
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(OK_NS)
    }


def languages(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language}


def test_ontology_declares_itself_with_version_and_bilingual_description(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert {"en", "zh-hans"} <= {
        lang.lower() for lang in languages(ontology, ONTOLOGY_IRI, DCTERMS.description)
    }


@pytest.mark.parametrize(("term", "kind"), CONTRACT_TERMS, ids=lambda x: str(x).rsplit("#", 1)[-1])
def test_contract_term_declared_with_owl_kind(ontology: Graph, term: URIRef, kind: URIRef) -> None:
    assert (term, RDF.type, kind) in ontology


@pytest.mark.parametrize(
    ("prop", "domain", "range_"), CONTRACT_SIGNATURES, ids=lambda x: str(x).rsplit("#", 1)[-1]
)
def test_contract_property_domain_and_range(
    ontology: Graph, prop: URIRef, domain: URIRef, range_: URIRef | None
) -> None:
    assert set(ontology.objects(prop, RDFS.domain)) == {domain}
    if range_ is not None:
        assert set(ontology.objects(prop, RDFS.range)) == {range_}


def test_date_range_is_date_or_month_day(ontology: Graph) -> None:
    ranges = list(ontology.objects(ok("date"), RDFS.range))
    assert len(ranges) == 1 and isinstance(ranges[0], BNode)
    members = ontology.value(ranges[0], OWL.unionOf)
    assert members is not None
    assert set(Collection(ontology, members)) == {XSD.date, XSD.gMonthDay}


@pytest.mark.parametrize(("sub", "sup"), CONTRACT_SUBCLASSES, ids=lambda x: str(x).rsplit("#", 1)[-1])
def test_contract_subclass(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in ontology


def test_every_ok_term_has_english_and_chinese_label_and_comment(ontology: Graph) -> None:
    missing = [
        f"{term} {predicate.fragment} @{lang}"
        for term in sorted(declared_ok_terms(ontology))
        for predicate in (RDFS.label, RDFS.comment)
        for lang in ("en", "zh-hans")
        if lang not in {x.lower() for x in languages(ontology, term, predicate)}
    ]
    assert missing == []


def test_every_ok_term_is_defined_by_the_ontology(ontology: Graph) -> None:
    undefined = [
        t for t in declared_ok_terms(ontology) if (t, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology
    ]
    assert undefined == []


def test_no_undeclared_ok_term_is_referenced(ontology: Graph) -> None:
    """A misspelt ok: IRI in a domain, range or subClassOf would otherwise go unnoticed."""
    used = {n for triple in ontology for n in triple if isinstance(n, URIRef) and str(n).startswith(OK_NS)}
    assert used - declared_ok_terms(ontology) == set()


@pytest.mark.parametrize(("term", "relation", "target"), ALIGNMENTS, ids=lambda x: str(x).rsplit("/", 1)[-1])
def test_alignment_to_external_vocabulary(
    ontology: Graph, term: URIRef, relation: URIRef, target: URIRef
) -> None:
    assert (term, relation, target) in ontology


def test_only_officials_match_the_scorer_official_query(ontology: Graph) -> None:
    """Person-side alignments must never make a reporter count as an official."""
    graph = Graph()
    graph += ontology
    official, reporter, resident = (
        URIRef("urn:x:official"),
        URIRef("urn:x:reporter"),
        URIRef("urn:x:resident"),
    )
    graph.add((official, RDF.type, ok("Official")))
    for person in (reporter, resident):
        for cls in (ok("Person"), FOAF.Person, SDO.Person, sem("Actor")):
            graph.add((person, RDF.type, cls))
    graph.add((URIRef("urn:x:doc"), ok("byline"), reporter))
    assert {row[0] for row in graph.query(SCORER_OFFICIALS)} == {official}


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_event_kind_is_counted_once_by_the_scorer(ontology: Graph, kind: str) -> None:
    """No event kind may sit under another, or the scorer would count it as both."""
    graph = Graph()
    graph += ontology
    event = URIRef("urn:x:event")
    graph.add((event, RDF.type, ok(kind)))
    assert {row[1] for row in graph.query(SCORER_EVENT_KINDS)} == {ok(kind)}


def test_vocab_terms_equal_ontology_terms(ontology: Graph) -> None:
    """Fails when the ontology changed and kg/vocab.py was not regenerated."""
    names = set(inspect.get_annotations(OK))
    assert {ok(name) for name in names} == declared_ok_terms(ontology)
    assert all(getattr(OK, name) == ok(name) for name in names)


def test_vocab_rejects_unknown_term() -> None:
    with pytest.raises(AttributeError):
        _ = OK.NoSuchTerm


def test_vocab_is_the_generator_output() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg.tools.gen_vocab"], cwd=ROOT, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stdout.decode("utf-8") == VOCAB.read_text(encoding="utf-8"), (
        "kg/vocab.py is stale: run `python -m kg.tools.gen_vocab > kg/vocab.py`"
    )


def test_bind_prefixes_binds_project_prefixes() -> None:
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    bound = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    assert bound["ok"] == OK_NS
    assert bound["res"] == "https://w3id.org/officials-kg/resource/"
    assert bound["sem"] == SEM_NS
    assert bound["schema"] == "https://schema.org/"
    assert {"org", "prov", "foaf", "skos", "dcterms", "xsd", "rdfs", "owl"} <= set(bound)
