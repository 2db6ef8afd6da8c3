"""Score an exported graph against hand-annotated gold: the library behind ``kg eval``.

The rules are those of the reference scorer described in shared/gold/README.md; this module
reimplements them so the project works without the shared folder, and must agree with the
reference within 0.01 on every metric. It reads the graph only through the public vocabulary
(namespace ``ok:``) with SPARQL, so callers should pass the ontology file as an extra graph:
subclass typing (ok:Inspection ⊂ ok:Event, ok:Official ⊂ ok:Person) then resolves.

Gold format (one JSON file, see shared/gold/seeds.json): ``documents`` is a list of articles,
each with ``file``, ``officials`` (name + [title, organisation] posts), ``other_people``,
``neutral_people``, ``events`` (leader, types, date, places, neutral_places, participants),
``places`` ([child, parent] stated by the text), ``gazetteer_places`` and ``true_year``.
A value written ``A|B`` accepts either alternative.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opencc
from rdflib import Graph
from rdflib.query import ResultRow
from rdflib.term import Node

from kg.vocab import EVENT_CLASSES

OK_NAMESPACE = "https://w3id.org/officials-kg/ontology#"
SPARQL_PREFIXES = {
    "ok": OK_NAMESPACE,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
}
EVENT_TYPES = tuple(EVENT_CLASSES)  # the kinds of event the ontology declares
PRF_METRICS = (
    "officials",
    "posts_title",
    "posts_strict",
    "visits",
    "dates",
    "event_types",
    "participants",
    "containment_text",
)
EXTRA_FIELDS = (
    "duplicate_official_nodes",
    "non_officials_typed_official",
    "unknown_officials",
    "containment_gazetteer_recall",
    "containment_wrong",
    "documents_found",
)
MAX_WRONG_CONTAINMENTS_SHOWN = 20
ALTERNATIVE_SEPARATOR = "|"

IGNORED_LABEL_CHARACTERS = re.compile(r"[\s“”\"'「」『』]")
PARTY_PREFIX = re.compile(r"^(中国共产党|中共)(?!中央)")
ORGANISATION_ABBREVIATIONS = (
    ("人民代表大会常务委员会", "人大常委会"),
    ("人民政府", "政府"),
    ("纪律检查委员会", "纪委"),
    ("监察委员会", "监委"),
    ("政法委员会", "政法委"),
    ("委员会", "委"),
)
ADMINISTRATIVE_SUFFIX = re.compile(r"(省|市|区|县|镇|街道)$")
YEARLESS_DATE_PREFIX = "--"


class EvaluationError(ValueError):
    """Raised when the gold file or a graph cannot be read; the message names the file."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 of one metric."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, correct_system: int, system_total: int, found_gold: int, gold_total: int) -> Score:
        """Build a score; empty system output is perfect only when the gold is empty too."""
        if system_total:
            precision = correct_system / system_total
        else:
            precision = 0.0 if gold_total else 1.0
        recall = found_gold / gold_total if gold_total else 1.0
        return cls(precision, recall, harmonic_mean(precision, recall))

    @classmethod
    def from_sets(cls, system: set[Any], gold: set[Any]) -> Score:
        """Score plain set overlap, the common case where a system item is right iff it is gold."""
        overlap = len(system & gold)
        return cls.from_counts(overlap, len(system), overlap, len(gold))

    def as_list(self) -> list[float]:
        """Serialise as the reference scorer does: [precision, recall, f1]."""
        return [self.precision, self.recall, self.f1]


@dataclass(frozen=True)
class Report:
    """Every metric of one evaluation, laid out like the reference scorer's output."""

    officials: Score
    posts_title: Score
    posts_strict: Score
    visits: Score
    dates: Score
    event_types: Score
    participants: Score
    containment_text: Score
    duplicate_official_nodes: int
    non_officials_typed_official: list[str]
    unknown_officials: list[str]
    containment_gazetteer_recall: float
    containment_wrong: list[str]
    documents_found: float

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the precision/recall metrics: the single number to track."""
        return sum(score.f1 for score in self.scores().values()) / len(PRF_METRICS)

    def scores(self) -> dict[str, Score]:
        """The precision/recall metrics by name, in the reference's order."""
        return {name: getattr(self, name) for name in PRF_METRICS}

    def to_text(self) -> str:
        """Render the reference scorer's plain-text layout, so outputs can be diffed."""
        lines = [
            f"{name:<18} P={score.precision:.2f} R={score.recall:.2f} F1={score.f1:.2f}"
            for name, score in self.scores().items()
        ]
        lines += [f"{name:<18} {getattr(self, name)}" for name in EXTRA_FIELDS]
        lines.append(f"macro_f1 {self.macro_f1:.3f}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Return the same keys and shapes as the reference scorer's ``--json`` output."""
        result: dict[str, Any] = {name: score.as_list() for name, score in self.scores().items()}
        result.update({name: getattr(self, name) for name in EXTRA_FIELDS})
        result["macro_f1"] = self.macro_f1
        return result


# --------------------------------------------------------------------------- normalisation


def harmonic_mean(precision: float, recall: float) -> float:
    """F1, defined as 0 when both parts are 0 instead of dividing by zero."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


@functools.cache
def _traditional_to_simplified() -> opencc.OpenCC:
    """Build the opencc converter once; it loads dictionaries from disk."""
    return opencc.OpenCC("t2s")


def normalise_label(text: object) -> str:
    """Compare labels in Simplified script and without spaces or quotes, as the gold is written."""
    simplified = _traditional_to_simplified().convert(str(text)).strip()
    return IGNORED_LABEL_CHARACTERS.sub("", simplified)


def normalise_organisation(text: object) -> str:
    """Reduce an organisation name to its short form so 中共X县委员会 equals X县委."""
    name = PARTY_PREFIX.sub("", normalise_label(text))
    for long_form, short_form in ORGANISATION_ABBREVIATIONS:
        name = name.replace(long_form, short_form)
    return name


def split_alternatives(annotation: str) -> list[str]:
    """Gold values written 'A|B' accept either alternative."""
    return annotation.split(ALTERNATIVE_SEPARATOR)


def transitive_closure(pairs: Iterable[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """Containment implied by chaining direct (child, parent) pairs is also true."""
    closure = set(pairs)
    while True:
        implied = {(child, grand) for child, mid in closure for mid2, grand in closure if mid == mid2}
        if implied <= closure:
            return frozenset(closure)
        closure |= implied


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True)
class GoldPost:
    """One annotated post: a person's title in one organisation (with accepted spellings)."""

    person: str
    title: str
    organisations: tuple[str, ...]


@dataclass(frozen=True)
class GoldDate:
    """One annotated event date of a leader and every spelling that counts as right."""

    leader: str
    annotation: str
    accepted: frozenset[str]


@dataclass(frozen=True, eq=False)
class Gold:
    """The gold annotation reshaped into the sets each metric compares against."""

    files: frozenset[str]
    document_count: int
    officials: frozenset[str]
    other_people: frozenset[str]
    neutral_people: frozenset[str]
    posts: frozenset[GoldPost]
    visits: dict[str, list[str]]
    neutral_visits: dict[str, list[str]]
    dates: frozenset[GoldDate]
    event_types: frozenset[tuple[str, str]]
    participant_pairs: frozenset[frozenset[str]]
    leaders: frozenset[str]
    participants: frozenset[str]
    text_containment: frozenset[tuple[str, str]]
    gazetteer_containment: frozenset[tuple[str, str]]
    containment_closure: frozenset[tuple[str, str]]
    place_names: frozenset[str]
    enclosing_places: frozenset[str]

    @property
    def known_people(self) -> frozenset[str]:
        """Every name the gold mentions; preferred when a node carries several labels."""
        return self.officials | self.other_people | self.neutral_people

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str = "<gold>") -> Gold:
        """Index a parsed gold file; malformed input raises EvaluationError naming ``source``."""
        try:
            return _build_gold(data["documents"])
        except (KeyError, TypeError, ValueError) as error:
            raise EvaluationError(f"{source}: malformed gold annotation ({error!r})") from error


def _build_gold(documents: list[Mapping[str, Any]]) -> Gold:
    """Collect the per-metric gold sets over all documents of the corpus."""
    if not documents:
        raise ValueError("no documents")
    officials = {official["name"] for doc in documents for official in doc["officials"]}
    text_pairs = [tuple(pair) for doc in documents for pair in doc["places"]]
    gazetteer_pairs = [tuple(pair) for doc in documents for pair in doc.get("gazetteer_places", [])]
    events = [(doc.get("true_year"), event) for doc in documents for event in doc["events"]]
    text_containment = frozenset((normalise_label(c), normalise_label(p)) for c, p in text_pairs)
    gazetteer_containment = frozenset((normalise_label(c), normalise_label(p)) for c, p in gazetteer_pairs)
    return Gold(
        files=frozenset(doc["file"] for doc in documents),
        document_count=len(documents),
        officials=frozenset(officials),
        other_people=frozenset(person["name"] for doc in documents for person in doc["other_people"]),
        neutral_people=frozenset(name for doc in documents for name in doc["neutral_people"]) - officials,
        posts=frozenset(_gold_posts(documents)),
        visits=_places_by_leader(event for _, event in events),
        neutral_visits=_places_by_leader((event for _, event in events), key="neutral_places"),
        dates=frozenset(_gold_dates(events)),
        event_types=frozenset((event["leader"], kind) for _, event in events for kind in event["types"]),
        participant_pairs=frozenset(
            frozenset((event["leader"], person)) for _, event in events for person in _participants(event)
        ),
        leaders=frozenset(event["leader"] for _, event in events),
        participants=frozenset(person for _, event in events for person in _participants(event)),
        text_containment=text_containment,
        gazetteer_containment=gazetteer_containment,
        containment_closure=transitive_closure(text_containment | gazetteer_containment),
        place_names=frozenset(_gold_place_names(text_pairs + gazetteer_pairs, [e for _, e in events])),
        enclosing_places=frozenset(parent for _, parent in text_pairs + gazetteer_pairs),
    )


def _participants(event: Mapping[str, Any]) -> list[str]:
    """People annotated as taking part in an event; the field is optional."""
    return event.get("participants", [])


def _gold_posts(documents: list[Mapping[str, Any]]) -> Iterable[GoldPost]:
    """Normalise titles and organisations once so system posts compare by string equality."""
    for doc in documents:
        for official in doc["officials"]:
            for title, organisation in official["posts"]:
                organisations = tuple(normalise_organisation(x) for x in split_alternatives(organisation))
                yield GoldPost(official["name"], normalise_label(title), organisations)


def _places_by_leader(events: Iterable[Mapping[str, Any]], key: str = "places") -> dict[str, list[str]]:
    """Group annotated places by leader, keeping repeats: each one is a visit to recall."""
    by_leader: dict[str, list[str]] = {}
    for event in events:
        by_leader.setdefault(event["leader"], []).extend(event.get(key, []))
    return by_leader


def _gold_dates(events: Iterable[tuple[int | None, Mapping[str, Any]]]) -> Iterable[GoldDate]:
    """A year-less gold date (--MM-DD) also accepts the article's true year."""
    for true_year, event in events:
        if not event["date"]:
            continue
        accepted = set(split_alternatives(event["date"]))
        for date in list(accepted):
            if date.startswith(YEARLESS_DATE_PREFIX) and true_year:
                month_day = date.removeprefix(YEARLESS_DATE_PREFIX)
                accepted.add(f"{true_year}-{month_day}")
        yield GoldDate(event["leader"], event["date"], frozenset(accepted))


def _gold_place_names(containment: list[tuple[str, ...]], events: list[Mapping[str, Any]]) -> set[str]:
    """Every place name the gold knows: these may prefix a visited place's label."""
    names = {name for pair in containment for name in pair}
    for event in events:
        for annotation in event["places"] + event.get("neutral_places", []):
            names.update(normalise_label(alt) for alt in split_alternatives(annotation))
    return names


def load_gold(gold_path: str | Path) -> Gold:
    """Read and index a gold JSON file, failing with the file's name and the reason."""
    path = Path(gold_path)
    if not path.is_file():
        raise EvaluationError(f"{path}: gold file not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EvaluationError(f"{path}: cannot read gold file ({error})") from error
    if not isinstance(data, Mapping):
        raise EvaluationError(f"{path}: gold file must hold a JSON object")
    return Gold.from_json(data, source=str(path))


# --------------------------------------------------------------------------- graph


def load_graph(graph_paths: Iterable[str | Path]) -> Graph:
    """Merge the graph files (export plus ontology) into one graph, as the reference does."""
    graph = Graph()
    for graph_path in graph_paths:
        path = Path(graph_path)
        if not path.is_file():
            raise EvaluationError(f"{path}: graph file not found")
        try:
            graph.parse(str(path))
        except Exception as error:  # rdflib parsers raise many unrelated exception types
            raise EvaluationError(f"{path}: cannot parse graph ({type(error).__name__}: {error})") from error
    return graph


class GraphView:
    """Read-only access to a graph through the public vocabulary, with normalised labels."""

    def __init__(self, graph: Graph, known_people: frozenset[str]) -> None:
        self.graph = graph
        self.known_people = known_people
        self.labels = self._collect_labels()

    def query(self, sparql: str) -> list[ResultRow]:
        """Run SPARQL with the contract's prefixes bound, so queries stay short."""
        return list(self.graph.query(sparql, initNs=SPARQL_PREFIXES))

    def _collect_labels(self) -> dict[Node, set[str]]:
        """Index every node's labels once; all metrics compare nodes by their labels."""
        labels: dict[Node, set[str]] = {}
        for node, label in self.query("SELECT ?n ?l WHERE { ?n rdfs:label|skos:prefLabel|skos:altLabel ?l }"):
            labels.setdefault(node, set()).add(normalise_label(label))
        return labels

    def labels_of(self, node: Node | None) -> set[str]:
        """Normalised labels of a node (empty for unlabelled or missing nodes)."""
        return self.labels.get(node, set()) if node is not None else set()

    def person_name(self, node: Node) -> str:
        """Pick the name a person node is judged by: a gold name if one of its labels is one."""
        labels = self.labels_of(node)
        gold_names = sorted(labels & self.known_people)
        if gold_names:
            return gold_names[0]
        return sorted(labels)[0] if labels else str(node)


class PlaceMatcher:
    """Decide whether a system place label names a gold place, allowing enclosing prefixes."""

    def __init__(self, gold_place_names: frozenset[str]) -> None:
        without_suffix = {ADMINISTRATIVE_SUFFIX.sub("", name) for name in gold_place_names}
        names = (without_suffix | gold_place_names) - {""}
        self._prefix_names = sorted(names, key=len, reverse=True)
        self._prefix_cache: dict[str, bool] = {"": True}

    def is_enclosing_prefix(self, prefix: str) -> bool:
        """True when the prefix is a chain of known place names (东风镇 in 东风镇青山社区)."""
        if prefix not in self._prefix_cache:
            self._prefix_cache[prefix] = any(
                prefix.startswith(name) and self.is_enclosing_prefix(prefix.removeprefix(name))
                for name in self._prefix_names
            )
        return self._prefix_cache[prefix]

    def matches(self, system_label: str, gold_annotation: str) -> bool:
        """A label matches a gold place when it equals it, or ends with it after known places."""
        for alternative in map(normalise_label, split_alternatives(gold_annotation)):
            if system_label == alternative:
                return True
            if system_label.endswith(alternative) and self.is_enclosing_prefix(
                system_label[: -len(alternative)]
            ):
                return True
        return False


# --------------------------------------------------------------------------- officials and posts


@dataclass(frozen=True)
class OfficialsResult:
    """The officials metric together with the diagnostics reported beside it."""

    score: Score
    duplicate_nodes: int
    non_officials_typed_official: list[str]
    unknown_officials: list[str]


def score_officials(view: GraphView, gold: Gold) -> OfficialsResult:
    """Compare the names of nodes typed ok:Official (directly or via a subclass) with gold officials."""
    rows = view.query("SELECT DISTINCT ?p WHERE { ?p a/rdfs:subClassOf* ok:Official }")
    names = [view.person_name(row[0]) for row in rows]
    judged = set(names) - gold.neutral_people
    gold_named = [name for name in names if name in gold.officials]
    return OfficialsResult(
        score=Score.from_sets(judged, set(gold.officials)),
        duplicate_nodes=len(gold_named) - len(set(gold_named)),
        non_officials_typed_official=sorted(judged & gold.other_people),
        unknown_officials=sorted(judged - gold.officials - gold.other_people),
    )


def _system_posts(view: GraphView, gold: Gold) -> dict[tuple[str, str], set[str]]:
    """Map (person, title) to the normalised labels of the organisations the graph puts it in."""
    rows = view.query(
        "SELECT ?p ?t ?o WHERE { ?p ok:holdsPost ?post . ?post ok:title ?t ."
        " OPTIONAL { ?post ok:postIn ?o } }"
    )
    posts: dict[tuple[str, str], set[str]] = {}
    for person, title, organisation in rows:
        name = view.person_name(person)
        known = name in gold.officials or name in gold.other_people
        if name in gold.neutral_people or (not known and not view.labels_of(person)):
            continue
        organisations = posts.setdefault((name, normalise_label(title)), set())
        organisations.update(normalise_organisation(label) for label in view.labels_of(organisation))
    return posts


def score_posts(view: GraphView, gold: Gold) -> tuple[Score, Score]:
    """Score posts by (person, title), then strictly, also requiring the organisation."""
    system = _system_posts(view, gold)
    title_score = Score.from_sets(set(system), {(post.person, post.title) for post in gold.posts})
    found = sum(
        1 for post in gold.posts if _organisation_found(system.get((post.person, post.title), set()), post)
    )
    # every system (person, title) pair counts once in the strict precision
    strict_score = Score.from_counts(found, max(len(system), found), found, len(gold.posts))
    return title_score, strict_score


def _organisation_found(system_organisations: set[str], post: GoldPost) -> bool:
    """An organisation matches when it equals the gold one or ends with it (某省X县委 ⊇ X县委)."""
    return any(
        label == gold_org or label.endswith(gold_org)
        for label in system_organisations
        for gold_org in post.organisations
    )


# --------------------------------------------------------------------------- events


@dataclass
class SystemEvent:
    """What the graph says about one event node that has a leader."""

    leaders: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)


def collect_events(view: GraphView) -> list[SystemEvent]:
    """Gather leaders, participants, places, dates and types of every led event."""
    event_pattern = "?e a/rdfs:subClassOf* ok:Event"
    events: dict[Node, SystemEvent] = {}
    for node, leader in view.query(f"SELECT ?e ?p WHERE {{ {event_pattern} ; ok:leader ?p }}"):
        events.setdefault(node, SystemEvent()).leaders.add(view.person_name(leader))
    for node, person in view.query(f"SELECT ?e ?p WHERE {{ {event_pattern} ; ok:participant ?p }}"):
        if node in events:
            events[node].participants.add(view.person_name(person))
    for node, place in view.query(f"SELECT ?e ?pl WHERE {{ {event_pattern} ; ok:place ?pl }}"):
        if node in events:
            events[node].places.update(view.labels_of(place) or {str(place)})
    for node, date in view.query(f"SELECT ?e ?d WHERE {{ {event_pattern} ; ok:date ?d }}"):
        if node in events:
            events[node].dates.add(str(date))
    type_values = " ".join(f"ok:{name}" for name in EVENT_TYPES)
    type_query = (
        f"SELECT ?e ?t WHERE {{ {event_pattern} ; a ?c . ?c rdfs:subClassOf* ?t ."
        f" VALUES ?t {{ {type_values} }} }}"
    )
    for node, event_type in view.query(type_query):
        if node in events:
            events[node].types.add(str(event_type)[len(OK_NAMESPACE):])
    return list(events.values())


def score_visits(events: list[SystemEvent], gold: Gold, matcher: PlaceMatcher) -> Score:
    """Score (leader, place) pairs; visits to enclosing, generic or participants' places are neutral."""
    found: set[tuple[str, str]] = set()
    wrong = 0
    system_visits = {
        (leader, place) for event in events for leader in event.leaders for place in event.places
    }
    for leader, place in system_visits:
        gold_places = gold.visits.get(leader, [])
        hits = [annotation for annotation in gold_places if matcher.matches(place, annotation)]
        if hits:
            found.add((leader, hits[0]))
        elif not _is_neutral_visit(leader, place, gold, matcher):
            wrong += 1
    gold_total = sum(len(places) for places in gold.visits.values())
    return Score.from_counts(len(found), len(found) + wrong, len(found), gold_total)


def _is_neutral_visit(leader: str, place: str, gold: Gold, matcher: PlaceMatcher) -> bool:
    """Neither reward nor punish visits the gold leaves open: participants, neutral or enclosing places."""
    if leader in gold.participants or leader in gold.neutral_people:
        return True
    if any(matcher.matches(place, annotation) for annotation in gold.neutral_visits.get(leader, [])):
        return True
    return any(matcher.matches(place, region) for region in gold.enclosing_places)


def score_dates(events: list[SystemEvent], gold: Gold) -> Score:
    """Recall per gold date; precision over the dates the graph gives to leaders with gold dates."""
    dates_by_leader: dict[str, set[str]] = {}
    for event in events:
        for leader in event.leaders:
            dates_by_leader.setdefault(leader, set()).update(event.dates)
    accepted_by_leader: dict[str, set[str]] = {}
    for gold_date in gold.dates:
        accepted_by_leader.setdefault(gold_date.leader, set()).update(gold_date.accepted)
    found = sum(
        1 for gold_date in gold.dates if dates_by_leader.get(gold_date.leader, set()) & gold_date.accepted
    )
    judged = [
        (leader, date) for leader in accepted_by_leader for date in dates_by_leader.get(leader, set())
    ]
    correct = sum(1 for leader, date in judged if date in accepted_by_leader[leader])
    return Score.from_counts(correct, len(judged), found, len(gold.dates))


def score_event_types(events: list[SystemEvent], gold: Gold) -> Score:
    """Score (leader, type) pairs of events led by gold leaders."""
    system = {
        (leader, event_type)
        for event in events
        for leader in event.leaders
        for event_type in event.types
        if leader in gold.leaders
    }
    return Score.from_sets(system, set(gold.event_types))


def score_participants(events: list[SystemEvent], gold: Gold) -> Score:
    """Score unordered pairs of people on one event, where one of them is a gold leader."""
    system = {
        frozenset((leader, person))
        for event in events
        for leader in event.leaders
        for person in event.participants | event.leaders
        if person != leader
    }
    system = {pair for pair in system if pair & gold.leaders}
    return Score.from_sets(system, set(gold.participant_pairs))


# --------------------------------------------------------------------------- containment and documents


@dataclass(frozen=True)
class ContainmentResult:
    """The text containment score with the gazetteer recall and the contradicting pairs."""

    score: Score
    gazetteer_recall: float
    wrong: list[str]


def score_containment(view: GraphView, gold: Gold) -> ContainmentResult:
    """Judge ok:partOf pairs whose child the gold knows; pairs outside the gold closure are wrong."""
    system = {
        (child_label, parent_label)
        for child, parent in view.query("SELECT ?c ?p WHERE { ?c ok:partOf ?p }")
        for child_label in view.labels_of(child)
        for parent_label in view.labels_of(parent)
    }
    known_children = {child for child, _ in gold.containment_closure}
    judged = {pair for pair in system if pair[0] in known_children}
    correct = judged & gold.text_containment
    contradicting = judged - gold.containment_closure
    gazetteer_total = len(gold.gazetteer_containment)
    gazetteer_recall = len(judged & gold.gazetteer_containment) / gazetteer_total if gazetteer_total else 1.0
    text_score = Score.from_counts(
        len(correct), len(correct | contradicting), len(correct), len(gold.text_containment)
    )
    return ContainmentResult(
        score=text_score,
        gazetteer_recall=gazetteer_recall,
        wrong=sorted(f"{child}⊂{parent}" for child, parent in contradicting)[:MAX_WRONG_CONTAINMENTS_SHOWN],
    )


def documents_found(view: GraphView, gold: Gold) -> float:
    """Share of gold articles that appear as ok:Document nodes (by source file name)."""
    rows = view.query("SELECT ?d ?f WHERE { ?d a/rdfs:subClassOf* ok:Document ; ok:sourceFile ?f }")
    files = {str(source_file).rsplit("/", 1)[-1] for _, source_file in rows}
    return len(files & gold.files) / gold.document_count


# --------------------------------------------------------------------------- entry points


def score_graph(graph: Graph, gold: Gold | Mapping[str, Any] | str | Path) -> Report:
    """Score a graph already in memory (it should include the ontology) against the gold."""
    if isinstance(gold, (str, Path)):
        gold = load_gold(gold)
    elif not isinstance(gold, Gold):
        gold = Gold.from_json(gold)
    view = GraphView(graph, gold.known_people)
    officials = score_officials(view, gold)
    posts_title, posts_strict = score_posts(view, gold)
    events = collect_events(view)
    containment = score_containment(view, gold)
    return Report(
        officials=officials.score,
        posts_title=posts_title,
        posts_strict=posts_strict,
        visits=score_visits(events, gold, PlaceMatcher(gold.place_names)),
        dates=score_dates(events, gold),
        event_types=score_event_types(events, gold),
        participants=score_participants(events, gold),
        containment_text=containment.score,
        duplicate_official_nodes=officials.duplicate_nodes,
        non_officials_typed_official=officials.non_officials_typed_official,
        unknown_officials=officials.unknown_officials,
        containment_gazetteer_recall=containment.gazetteer_recall,
        containment_wrong=containment.wrong,
        documents_found=documents_found(view, gold),
    )


def score(graph_paths: list[str | Path], gold_path: str | Path) -> Report:
    """Score graph files (pass the ontology file too, so subclass typing resolves) against a gold file."""
    gold = load_gold(gold_path)
    return score_graph(load_graph(graph_paths), gold)
