"""Generate kg/vocab.py, the closed ``ok:`` namespace, from the ontology.

The ontology is the one source of the vocabulary; generating the Python names from it
keeps code and ontology from drifting apart. Run from the repository root:

    python -m kg.tools.gen_vocab > kg/vocab.py

An optional argument names another ontology file (default: ontology/officials.ttl).
tests/test_ontology.py fails when the committed kg/vocab.py differs from this output.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

OK_NS = "https://w3id.org/officials-kg/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/officials-kg/ontology")
DEFAULT_ONTOLOGY = "ontology/officials.ttl"
LINE_WIDTH = 88  # stays inside ruff's default, whatever the project's configured limit

# Order of the sections in the generated class, with their heading comments.
KINDS: tuple[tuple[URIRef, str], ...] = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
)


class VocabError(Exception):
    """The ontology cannot be turned into a vocabulary module."""


@dataclass(frozen=True)
class Term:
    """One ``ok:`` term: its local name, OWL kind and English comment."""

    name: str
    kind: URIRef
    comment: str


def _english(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    """The first @en literal, whitespace collapsed, so the output is one line per term."""
    values = sorted(
        str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == "en"
    )
    return " ".join(values[0].split()) if values else None


def collect_terms(graph: Graph) -> list[Term]:
    """Every ``ok:`` term declared with an OWL kind, sorted by kind then name."""
    kinds = [kind for kind, _ in KINDS]
    found: dict[str, Term] = {}
    for kind in kinds:
        for subject in graph.subjects(RDF.type, kind):
            if not isinstance(subject, URIRef) or not str(subject).startswith(OK_NS):
                continue
            name = str(subject)[len(OK_NS) :]
            if not name.isidentifier():
                raise VocabError(f"ok:{name} is not a Python identifier; rename it in the ontology")
            if name in found:
                raise VocabError(f"ok:{name} is declared both as {found[name].kind} and {kind}; keep one")
            comment = _english(graph, subject, RDFS.comment)
            if comment is None:
                raise VocabError(f"ok:{name} has no rdfs:comment in English; add one with @en")
            found[name] = Term(name, kind, comment)
    return sorted(found.values(), key=lambda t: (kinds.index(t.kind), t.name))


def _width(text: str) -> int:
    """Display width as ruff measures it: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by display width (textwrap counts every character as one)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and _width(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def render_term(term: Term) -> list[str]:
    """An annotated attribute with its comment trailing, continued on aligned lines."""
    head = f"    {term.name}: URIRef  # "
    room = max(LINE_WIDTH - _width(head), 30)
    chunks = _wrap(term.comment, room)
    lines = [head + chunks[0]]
    indent = "    #" + " " * (len(head) - 5)
    lines.extend(indent + chunk for chunk in chunks[1:])
    return lines


HEADER = '''# Attribute names must equal the ontology's local names, camelCase included (N815);
# RUF100 keeps the directive quiet where the N rules are not selected.
# ruff: noqa: N815, RUF100

"""The closed ``ok:`` vocabulary and the namespaces the graph uses.

Generated from {source}; do not edit by hand, regenerate with
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

ONTOLOGY_IRI = URIRef("{ontology_iri}")
RES = Namespace("https://w3id.org/officials-kg/resource/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = SDO  # rdflib names schema.org ``SDO``; the project calls it ``schema``


class OK(DefinedNamespace):
    """{title} {version}: the ``ok:`` terms, one attribute each."""

    _fail = True
    _NS = Namespace("{namespace}")
'''

FOOTER = '''

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
'''


def event_classes(graph: Graph) -> dict[str, str]:
    """The kinds of event (the direct subclasses of ok:Event) with their Simplified Chinese labels."""
    event = URIRef(OK_NS + "Event")
    out: dict[str, str] = {}
    for subject in sorted(graph.subjects(RDFS.subClassOf, event)):
        labels = [str(o) for o in graph.objects(subject, RDFS.label)
                  if isinstance(o, Literal) and o.language == "zh-Hans"]
        if not labels:
            raise VocabError(f"{subject} has no rdfs:label in zh-Hans; add one")
        out[str(subject)[len(OK_NS):]] = sorted(labels)[0]
    return out


def render_event_classes(classes: dict[str, str]) -> str:
    lines = ["", "", "# The kinds of event, subclasses of ok:Event, with the word readers see.",
             "EVENT_CLASSES: dict[str, str] = {"]
    lines += [f'    "{name}": "{label}",' for name, label in classes.items()]
    return "\n".join(lines) + "\n}\n"


def render(graph: Graph, source: str = DEFAULT_ONTOLOGY) -> str:
    """The whole kg/vocab.py module for the ontology in ``graph``."""
    terms = collect_terms(graph)
    if not terms:
        raise VocabError(f"no ok: terms declared in {source}; is it the officials-kg ontology?")
    title = next(
        (str(o) for o in graph.objects(ONTOLOGY_IRI, DCTERMS.title) if getattr(o, "language", None) == "en"),
        "officials-kg ontology",
    )
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    parts = [
        HEADER.format(
            source=source,
            ontology_iri=ONTOLOGY_IRI,
            title=title,
            version=f"version {version}" if version is not None else "(unversioned)",
            namespace=OK_NS,
        )
    ]
    headings = dict(KINDS)
    current: URIRef | None = None
    for term in terms:
        if term.kind != current:
            current = term.kind
            parts.append(f"\n    # {headings[current]}\n")
        parts.append("\n".join(render_term(term)) + "\n")
    parts.append(FOOTER.rstrip("\n") + "\n")
    parts.append(render_event_classes(event_classes(graph)))
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Print the module to stdout as UTF-8, whatever the locale, so redirection is byte-stable."""
    args = sys.argv[1:] if argv is None else argv
    source = args[0] if args else DEFAULT_ONTOLOGY
    if not Path(source).is_file():
        print(
            f"error: {source} not found; run from the repository root or pass the ontology path: "
            "python -m kg.tools.gen_vocab PATH > kg/vocab.py",
            file=sys.stderr,
        )
        return 2
    try:
        text = render(Graph().parse(source, format="turtle"), source)
    except VocabError as err:
        print(f"error: {source}: {err}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
