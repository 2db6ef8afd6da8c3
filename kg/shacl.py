"""SHACL shapes compiled into checks that run in plain Python over a node's triples, SPARQL ones on Oxigraph.

The shapes file stays the source of truth: it is read (with pyoxigraph, which loads in milliseconds
where pySHACL takes a second) and each shape becomes a ``NodeShape`` of targets and constraints. The
constraint components understood are the ones a graph of this project is checked with: targets by
class (with its subclasses from the ontology), by subjects of a property and by node; on property
paths that are one predicate: ``minCount``, ``maxCount``, ``class``, ``datatype``, ``languageIn``,
``or`` of value constraints, ``qualifiedValueShape`` with ``qualifiedMinCount``/``qualifiedMaxCount``,
``lessThanOrEquals``; ``class`` on the node itself; SPARQL-based constraints (``sh:sparql`` with
``sh:select``). Each constraint needs an ``sh:message``. Shapes that use anything else raise
``UnsupportedError``, and kg.validate hands them to pySHACL, which also checks in the tests that both
report the same violations.

Terms are the strings a build's triples hold: subjects and predicates bare IRIs, objects in
N-Triples syntax (``<iri>``, ``"text"@zh-Hans``, ``"2023-06-01"^^<…#date>``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from hashlib import blake2b
from pathlib import Path

from kg.terms import unquote

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE, SUBCLASS, LABEL = RDF + "type", RDFS + "subClassOf", RDFS + "label"

# What a shape or a property shape may say besides the constraints below (they change no result).
_IGNORED = {SH + p for p in ("name", "description", "order", "group", "defaultValue")} | {TYPE, LABEL, RDFS + "comment"}
_VALUE_KEYS = {SH + p for p in ("class", "datatype", "languageIn")}
_PROPERTY_KEYS = {SH + p for p in ("path", "message", "minCount", "maxCount", "or", "lessThanOrEquals",
                                   "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "severity",
                                   "deactivated")} | _VALUE_KEYS
_NODE_KEYS = {SH + p for p in ("targetClass", "targetSubjectsOf", "targetNode", "property", "class", "message",
                               "sparql", "severity", "deactivated", "declare")}


class UnsupportedError(ValueError):
    """The shapes use a SHACL feature these checks do not implement (pySHACL is used instead)."""


class ShapesError(ValueError):
    """The shapes cannot be used (a count that is no integer …); the message says why."""


class UnreadableShapesError(ShapesError):
    """The shapes file is not Turtle."""


# ---------------------------------------------------------------- value tests

_DATE = re.compile(r"-?(\d{4,})-(\d\d)-(\d\d)(Z|[+-]\d\d:\d\d)?")
_LEXICAL: dict[str, Callable[[str], bool]] = {
    XSD + "integer": lambda v: re.fullmatch(r"[+-]?\d+", v) is not None,
    XSD + "decimal": lambda v: re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v) is not None,
    XSD + "boolean": lambda v: v in ("true", "false", "1", "0"),
    XSD + "date": lambda v: (m := _DATE.fullmatch(v)) is not None and _valid_date(int(m[1]), int(m[2]), int(m[3])),
}  # the datatypes whose lexical forms pySHACL (rdflib) checks; any other lexical form is taken as valid


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def literal_parts(term: str) -> tuple[str, str | None, str] | None:
    """(lexical form, language, datatype IRI) of a literal in N-Triples syntax; None for an IRI."""
    if term[0] != '"':
        return None
    value, lang, datatype = unquote(term)
    return value, lang, datatype or (RDF + "langString" if lang else XSD + "string")


def has_datatype(term: str, datatype: str) -> bool:
    """sh:datatype: a literal of that datatype whose lexical form is valid for it."""
    parts = literal_parts(term)
    if parts is None or parts[2] != datatype:
        return False
    check = _LEXICAL.get(datatype)
    return check is None or check(parts[0])


def language_in(term: str, languages: tuple[str, ...]) -> bool:
    """sh:languageIn: a literal whose tag matches one of ``languages`` (SPARQL langMatches)."""
    parts = literal_parts(term)
    if parts is None or not parts[1]:
        return False
    tag = parts[1].lower()
    return any(tag == want.lower() or tag.startswith(want.lower() + "-") for want in languages)


def _number(term: str) -> float | None:
    parts = literal_parts(term)
    if parts and parts[2] in (XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float", XSD + "int",
                              XSD + "long", XSD + "nonNegativeInteger"):
        try:
            return float(parts[0])
        except ValueError:
            return None
    return None


def less_or_equal(a: str, b: str) -> bool:
    """a <= b as SPARQL compares them: numbers by value, other literals of one datatype by their text."""
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        return x <= y
    pa, pb = literal_parts(a), literal_parts(b)
    return pa is not None and pb is not None and pa[1:] == pb[1:] and pa[0] <= pb[0]


@dataclass(frozen=True)
class ValueTest:
    """Constraints on one value node: all must hold (``classes`` each, ``datatype``, ``languages``)."""

    classes: tuple[str, ...] = ()
    datatype: str | None = None
    languages: tuple[str, ...] | None = None

    def holds(self, term: str, is_a: Callable[[str, str], bool]) -> bool:
        if self.datatype is not None and not has_datatype(term, self.datatype):
            return False
        if self.languages is not None and not language_in(term, self.languages):
            return False
        return all(term[0] == "<" and is_a(term[1:-1], c) for c in self.classes)


# ---------------------------------------------------------------- shapes

@dataclass(frozen=True)
class Result:
    """One failed constraint, in raw terms (kg.validate names them for people)."""

    focus: str  # bare IRI
    path: str | None  # predicate IRI
    message: str
    value: str | None = None  # N-Triples term


@dataclass(frozen=True)
class PropertyShape:
    path: str
    message: str
    min_count: int | None = None
    max_count: int | None = None
    each: tuple[ValueTest, ...] = ()  # every value must pass each test (class, datatype, languageIn)
    any_of: tuple[ValueTest, ...] = ()  # sh:or: every value must pass one of them
    less_than_or_equals: str | None = None
    qualified: ValueTest | None = None
    qualified_min: int | None = None
    qualified_max: int | None = None

    def check(self, focus: str, props: dict[str, list[str]], is_a: Callable[[str, str], bool]) -> Iterator[Result]:
        values = props.get(self.path, ())
        if self.min_count is not None and len(values) < self.min_count:
            yield Result(focus, self.path, self.message)
        if self.max_count is not None and len(values) > self.max_count:
            yield Result(focus, self.path, self.message)
        for v in values:
            if any(not test.holds(v, is_a) for test in self.each) or (
                    self.any_of and not any(test.holds(v, is_a) for test in self.any_of)):
                yield Result(focus, self.path, self.message, v)
            if self.less_than_or_equals is not None:
                for other in props.get(self.less_than_or_equals, ()):
                    if not less_or_equal(v, other):
                        yield Result(focus, self.path, self.message, v)
        if self.qualified is not None:
            passing = sum(1 for v in values if self.qualified.holds(v, is_a))
            if (self.qualified_min is not None and passing < self.qualified_min) or (
                    self.qualified_max is not None and passing > self.qualified_max):
                yield Result(focus, self.path, self.message)


@dataclass(frozen=True)
class SparqlConstraint:
    select: str  # with the PREFIX lines of sh:prefixes
    message: str
    predicates: frozenset[str]  # the IRIs the query names: the triples it can match


@dataclass(frozen=True)
class NodeShape:
    name: str
    target_classes: tuple[str, ...] = ()
    target_subjects_of: tuple[str, ...] = ()
    target_nodes: tuple[str, ...] = ()
    node_classes: tuple[str, ...] = ()
    message: str | None = None
    properties: tuple[PropertyShape, ...] = ()
    sparql: tuple[SparqlConstraint, ...] = ()

    def check(self, focus: str, props: dict[str, list[str]], is_a: Callable[[str, str], bool]) -> Iterator[Result]:
        for c in self.node_classes:
            if not is_a(focus, c):
                yield Result(focus, None, self.message or "", f"<{focus}>")
        for prop in self.properties:
            yield from prop.check(focus, props, is_a)


@dataclass
class Shapes:
    """Compiled shapes and the class hierarchy (class → itself and its subclasses)."""

    shapes: list[NodeShape]
    subclasses: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Which shapes target a node, by its classes, its predicates or itself (looked up, not tried one by one)."""
        self._by_class: dict[str, list[int]] = defaultdict(list)
        self._by_predicate: dict[str, list[int]] = defaultdict(list)
        for i, shape in enumerate(self.shapes):
            for c in {sub for cls in shape.target_classes for sub in self.subclasses.get(cls, {cls})}:
                self._by_class[c].append(i)
            for p in shape.target_subjects_of:
                self._by_predicate[p].append(i)
        self._by_node = {n: [i for i, s in enumerate(self.shapes) if n in s.target_nodes]
                         for s in self.shapes for n in s.target_nodes}

    @property
    def sparql(self) -> list[tuple[NodeShape, SparqlConstraint]]:
        return [(shape, c) for shape in self.shapes for c in shape.sparql]

    def relevant_classes(self) -> frozenset[str]:
        """Every class a check asks about, with its subclasses: the only types worth remembering."""
        asked = {c for s in self.shapes for c in (*s.target_classes, *s.node_classes)}
        for s in self.shapes:
            for p in s.properties:
                for test in (*p.each, *p.any_of, *([p.qualified] if p.qualified else [])):
                    asked.update(test.classes)
        return frozenset(sub for c in asked for sub in self.subclasses.get(c, {c}))

    def checker(self, types: dict[str, set[str]] | Callable[[str], Iterable[str]]) -> Callable[[str, str], bool]:
        """``is_a(node, class)`` over the given types (a dict, or a function of the node)."""
        get = types.get if isinstance(types, dict) else types
        subclasses = self.subclasses

        def is_a(node: str, cls: str) -> bool:
            found = get(node)
            return bool(found) and not subclasses.get(cls, {cls}).isdisjoint(found)
        return is_a

    def type_index(self) -> TypeIndex:
        """An empty ``TypeIndex`` for the classes these shapes ask about."""
        return TypeIndex(self.relevant_classes(), self.subclasses)

    def check_node(self, focus: str, props: dict[str, list[str]], types: Iterable[str],
                   is_a: Callable[[str, str], bool]) -> list[Result]:
        """The results of every shape that targets ``focus`` (its triples grouped by predicate, its classes)."""
        chosen = {i for c in types for i in self._by_class.get(c, ())}
        chosen.update(i for p in props if p in self._by_predicate for i in self._by_predicate[p])
        chosen.update(self._by_node.get(focus, ()))
        out: list[Result] = []
        for i in sorted(chosen):
            out.extend(self.shapes[i].check(focus, props, is_a))
        return out


class TypeIndex:
    """The classes of every node of a large graph in little memory: a 64-bit BLAKE2 digest of the node's
    IRI → a bit per class the shapes ask about (about 100 bytes a node where a dict of IRIs to sets took
    500: 250 MB for 10,000 articles). Two IRIs of one graph share a digest with a probability of about
    n²/2⁶⁵ (10⁻⁸ for half a million nodes), and the digest is the same in every run."""

    def __init__(self, relevant: Iterable[str], subclasses: dict[str, frozenset[str]]):
        self._bit = {c: 1 << i for i, c in enumerate(sorted(relevant))}
        self._subclasses = subclasses
        self._masks: dict[int, int] = {}
        self._wanted: dict[str, int] = {}

    @staticmethod
    def _key(node: str) -> int:
        return int.from_bytes(blake2b(node.encode("utf-8"), digest_size=8).digest(), "little")

    def add(self, node: str, cls: str) -> None:
        if (bit := self._bit.get(cls)) is not None:
            key = self._key(node)
            self._masks[key] = self._masks.get(key, 0) | bit

    def is_a(self, node: str, cls: str) -> bool:
        if (wanted := self._wanted.get(cls)) is None:
            wanted = self._wanted[cls] = sum(self._bit.get(c, 0) for c in self._subclasses.get(cls, {cls}))
        return bool(self._masks.get(self._key(node), 0) & wanted)


# ---------------------------------------------------------------- reading the shapes

class _Graph:
    """The shapes file as plain dicts: subject → predicate → objects."""

    def __init__(self, triples: Iterable[tuple[str, str, str]]):
        self.out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            self.out[s][p].append(o)

    def values(self, node: str, predicate: str) -> list[str]:
        return self.out.get(node, {}).get(predicate, [])

    def one(self, node: str, predicate: str) -> str | None:
        values = self.values(node, predicate)
        if len(values) > 1:
            raise UnsupportedError(f"{predicate} has {len(values)} values on one shape")
        return values[0] if values else None

    def items(self, head: str | None) -> list[str]:
        """The members of an RDF list."""
        out = []
        while head is not None and head != f"<{RDF}nil>":
            out.append(self.one(_node(head), RDF + "first") or "")
            head = self.one(_node(head), RDF + "rest")
        return out


def _node(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


def _text(term: str | None) -> str | None:
    return None if term is None else unquote(term)[0]


def _int(g: _Graph, node: str, predicate: str) -> int | None:
    value = _text(g.one(node, predicate))
    if value is None:
        return None
    if not value.lstrip("+-").isdigit():
        raise ShapesError(f"{predicate.removeprefix(SH)} must be an integer, not {value!r}")
    return int(value)


def _only(g: _Graph, node: str, allowed: set[str], where: str) -> None:
    extra = {p for p in g.out.get(node, {}) if p not in allowed and p not in _IGNORED}
    if extra:
        raise UnsupportedError(f"{where} uses {', '.join(sorted(p.removeprefix(SH) for p in extra))}")


def _value_test(g: _Graph, node: str, alone: bool = True) -> ValueTest:
    """The value constraints of ``node``; ``alone``: it may say nothing else (a shape in sh:or …)."""
    if alone:
        _only(g, node, _VALUE_KEYS, "a value shape")
    languages = g.one(node, SH + "languageIn")
    return ValueTest(classes=tuple(_node(c) for c in g.values(node, SH + "class")),
                     datatype=_node(d) if (d := g.one(node, SH + "datatype")) else None,
                     languages=tuple(_text(x) or "" for x in g.items(languages)) if languages else None)


def _active(g: _Graph, node: str) -> bool:
    severity = g.one(node, SH + "severity")
    return _text(g.one(node, SH + "deactivated")) != "true" and severity in (None, f"<{SH}Violation>")


def _property(g: _Graph, node: str) -> PropertyShape | None:
    _only(g, node, _PROPERTY_KEYS, "a property shape")
    if not _active(g, node):
        return None
    path = g.one(node, SH + "path")
    if path is None or not path.startswith("<"):
        raise UnsupportedError("a property path that is not one predicate")
    message = _text(g.one(node, SH + "message"))
    if message is None:
        raise UnsupportedError(f"a property shape on {_node(path)} without sh:message")
    qualified = g.one(node, SH + "qualifiedValueShape")
    return PropertyShape(
        path=_node(path), message=message, min_count=_int(g, node, SH + "minCount"),
        max_count=_int(g, node, SH + "maxCount"),
        each=(_value_test(g, node, alone=False),) if any(g.values(node, k) for k in _VALUE_KEYS) else (),
        any_of=tuple(_value_test(g, _node(alt)) for alt in g.items(g.one(node, SH + "or"))),
        less_than_or_equals=_node(other) if (other := g.one(node, SH + "lessThanOrEquals")) else None,
        qualified=_value_test(g, _node(qualified)) if qualified else None,
        qualified_min=_int(g, node, SH + "qualifiedMinCount"), qualified_max=_int(g, node, SH + "qualifiedMaxCount"))


_PREFIXED = re.compile(r"(?<![\w<?$])([A-Za-z][\w.-]*)?:([\w-]*)")


def _sparql(g: _Graph, node: str, message: str | None) -> SparqlConstraint:
    _only(g, node, {SH + "select", SH + "message", SH + "prefixes"}, "a SPARQL constraint")
    select = _text(g.one(node, SH + "select"))
    message = _text(g.one(node, SH + "message")) or message
    if select is None or message is None:
        raise UnsupportedError("a SPARQL constraint without sh:select or sh:message")
    prefixes = {}
    for source in g.values(node, SH + "prefixes"):
        for declaration in g.values(_node(source), SH + "declare"):
            d = _node(declaration)
            prefixes[_text(g.one(d, SH + "prefix")) or ""] = _text(g.one(d, SH + "namespace")) or ""
    body = re.sub(r'"[^"]*"', "", select)  # IRIs inside strings are not patterns
    named = set(re.findall(r"<([^<>\s]+)>", body))
    named.update(prefixes[p or ""] + local for p, local in _PREFIXED.findall(body) if (p or "") in prefixes)
    if re.search(r"(?<![\w?$:])a(?![\w:])", body):  # the keyword `a`: rdf:type
        named.add(TYPE)
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
    return SparqlConstraint(header + select, message, frozenset(named))


def compile_shapes(triples: Iterable[tuple[str, str, str]], subclass_pairs: Iterable[tuple[str, str]]) -> Shapes:
    """The node shapes of a shapes graph (``triples`` as strings) with the ontology's subclass pairs."""
    g = _Graph(triples)
    shapes = []
    for node, props in sorted(g.out.items()):
        if f"<{SH}NodeShape>" not in props.get(TYPE, []) and not any(k in props for k in (
                SH + "targetClass", SH + "targetSubjectsOf", SH + "targetNode")):
            continue
        _only(g, node, _NODE_KEYS, f"shape {node}")
        if not _active(g, node):
            continue
        message = _text(g.one(node, SH + "message"))
        node_classes = tuple(_node(c) for c in g.values(node, SH + "class"))
        if node_classes and message is None:
            raise UnsupportedError(f"shape {node}: sh:class on the node without sh:message")
        shapes.append(NodeShape(
            name=node, target_classes=tuple(_node(c) for c in g.values(node, SH + "targetClass")),
            target_subjects_of=tuple(_node(p) for p in g.values(node, SH + "targetSubjectsOf")),
            target_nodes=tuple(_node(n) for n in g.values(node, SH + "targetNode")),
            node_classes=node_classes, message=message,
            properties=tuple(p for prop in g.values(node, SH + "property") if (p := _property(g, _node(prop)))),
            sparql=tuple(_sparql(g, _node(s), message) for s in g.values(node, SH + "sparql"))))
        if shapes[-1].sparql and (shapes[-1].target_classes or shapes[-1].target_subjects_of):
            raise UnsupportedError(f"shape {node}: a SPARQL constraint on class or property targets")
    return Shapes(shapes, _closure(subclass_pairs))


def _closure(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """class → the class and every class below it."""
    below: dict[str, set[str]] = defaultdict(set)
    for sub, sup in pairs:
        below[sup].add(sub)
    out = {}
    for cls in list(below):
        seen, stack = {cls}, [cls]
        while stack:
            for sub in below.get(stack.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    stack.append(sub)
        out[cls] = frozenset(seen)
    return out


def _parse(path: Path) -> list[tuple[str, str, str]]:
    import pyoxigraph as ox

    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except (SyntaxError, ValueError, OSError) as exc:
        raise UnreadableShapesError(str(exc)) from exc
    return [(_term(q.subject), q.predicate.value, str(q.object) if isinstance(q.object, ox.Literal)
             else f"<{_term(q.object)}>") for q in quads]


def _term(node: object) -> str:
    import pyoxigraph as ox

    return node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"  # type: ignore[attr-defined]


@cache
def load(shapes: Path, ontology: Path) -> Shapes:
    """The compiled shapes of ``shapes`` (Turtle) with the class hierarchy of ``ontology``."""
    triples = _parse(shapes)
    pairs = [(s, o[1:-1]) for s, p, o in _parse(ontology) if p == SUBCLASS and o.startswith("<")]
    return compile_shapes(triples, pairs + [(s, o[1:-1]) for s, p, o in triples if p == SUBCLASS])


def check_graph(shapes: Shapes, triples: Iterable[tuple[str, str, str]]) -> list[Result]:
    """Every result of ``shapes`` on a graph held whole (``kg validate``): node checks, then SPARQL."""
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    types: dict[str, set[str]] = defaultdict(set)
    kept: list[tuple[str, str, str]] = []
    wanted = {p for _, c in shapes.sparql for p in c.predicates}
    subclass_pairs = []
    for s, p, o in triples:
        props[s][p].append(o)
        if p == TYPE and o[0] == "<":
            types[s].add(o[1:-1])
        elif p == SUBCLASS and o[0] == "<":
            subclass_pairs.append((s, o[1:-1]))
        if p in wanted:
            kept.append((s, p, o))
    if subclass_pairs:  # the data's own hierarchy counts too
        shapes = Shapes(shapes.shapes, _closure([*_pairs(shapes.subclasses), *subclass_pairs]))
    is_a = shapes.checker(types)
    out = []
    for focus in sorted(props):
        out.extend(shapes.check_node(focus, props[focus], types.get(focus, ()), is_a))
    for shape in shapes.shapes:  # target nodes that are no subject in the data
        for focus in shape.target_nodes:
            if focus not in props:
                out.extend(shape.check(focus, {}, is_a))
    out.extend(run_sparql(shapes, kept))
    return out


def _pairs(closure: dict[str, frozenset[str]]) -> list[tuple[str, str]]:
    return [(sub, sup) for sup, subs in closure.items() for sub in subs if sub != sup]


def run_sparql(shapes: Shapes, triples: Iterable[tuple[str, str, str]]) -> list[Result]:
    """The SPARQL constraints, on a store of ``triples`` (those whose predicates the queries name)."""
    constraints = shapes.sparql
    if not constraints:
        return []
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(ox.Quad(_ox_node(s), ox.NamedNode(p), _ox_object(o)) for s, p, o in triples)
    for sup, subs in shapes.subclasses.items():
        store.bulk_extend(ox.Quad(ox.NamedNode(sub), ox.NamedNode(SUBCLASS), ox.NamedNode(sup))
                          for sub in subs if sub != sup)
    out = []
    for shape, constraint in constraints:
        for focus in shape.target_nodes:
            solutions = store.query(constraint.select, substitutions={ox.Variable("this"): ox.NamedNode(focus)})
            names = {v.value for v in solutions.variables}
            for row in solutions:
                value = row["value"] if "value" in names else None
                path = row["path"] if "path" in names else None
                out.append(Result(focus, path.value if isinstance(path, ox.NamedNode) else None, constraint.message,
                                  None if value is None else _nt(value)))
    return out


def _ox_node(term: str):  # noqa: ANN202 - a pyoxigraph node
    import pyoxigraph as ox

    return ox.BlankNode(term[2:]) if term.startswith("_:") else ox.NamedNode(term)


def _ox_object(term: str):  # noqa: ANN202 - a pyoxigraph term
    import pyoxigraph as ox

    if term[0] == "<":
        return _ox_node(term[1:-1])
    value, lang, datatype = unquote(term)
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def _nt(term: object) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"<_:{term.value}>"
    return str(term)
