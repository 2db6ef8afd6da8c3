"""Rules as data: the lexicons under ``kg/data`` loaded once and validated.

Every file is UTF-8 text; ``#`` starts a comment line. A bad entry (a wrong number of columns, a value
that is not one of those allowed, a number that is not one, a key given twice, a reference to nothing)
raises ``LexiconError`` naming the file and the line, so a typo in a rule file fails loudly at start-up
instead of silently matching less.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.vocab import EVENT_CLASSES


class LexiconError(ValueError):
    """A rule file under kg/data is malformed."""


def _lines(name: str) -> list[tuple[int, str]]:
    text = resources.files("kg.data").joinpath(name).read_text(encoding="utf-8")
    return [(n, line.rstrip("\n")) for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class _Row:
    """One entry of a tab-separated rule file, which knows where it was written."""

    file: str
    line: int
    cells: dict[str, str]

    def where(self) -> str:
        return f"kg/data/{self.file} line {self.line}"

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def choice(self, column: str, allowed: Collection[str]) -> str:
        value = self.cells[column]
        if value not in allowed:
            raise LexiconError(f"{self.where()}: {column} {value!r} is not one of {sorted(allowed)}")
        return value

    def dash(self, column: str) -> str | None:
        value = self.cells[column]
        return None if value == "-" else value

    def number(self, column: str) -> int:
        value = self.cells[column]
        if not value.isdigit():
            raise LexiconError(f"{self.where()}: {column} {value!r} is not a whole number")
        return int(value)


def _rows(name: str, columns: tuple[str, ...], key: str | None = None) -> list[_Row]:
    """The entries of a rule file; with ``key``, a value of that column given twice is an error."""
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for n, line in _lines(name):
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise LexiconError(
                f"kg/data/{name} line {n}: expected {len(columns)} tab-separated columns "
                f"({', '.join(columns)}), found {len(cells)}: {line!r}")
        row = _Row(name, n, dict(zip(columns, (c.strip() for c in cells), strict=True)))
        if key is not None:
            if row[key] in seen:
                raise LexiconError(f"{row.where()}: {row[key]!r} is given again (first on line {seen[row[key]]})")
            seen[row[key]] = n
        rows.append(row)
    return rows


TITLE_KINDS = ("official", "generic", "role")
ORGAN_KINDS = ("party", "state", "congress", "cppcc", "judicial", "people", "military",
               "company", "school", "academy", "association", "media", "hospital")
# posts in these make officials (ok:Official): a 主席 of an association or a 校长 of a university too, as
# news reports them (their roles, 会长 or 教授, never do); companies, academies, media, hospitals do not
PUBLIC_KINDS = frozenset(ORGAN_KINDS[:7]) | {"association", "school"}


@dataclass(frozen=True)
class Title:
    word: str
    kind: str  # official | generic | role
    level: str | None  # 市长 names the level 市 by itself
    default_organ: str | None
    national_organ: str | None


@dataclass(frozen=True)
class Organ:
    form: str
    normal: str
    kind: str  # one of ORGAN_KINDS
    scope: str  # unit | sub | whole
    parent: str | None  # the committee a department (sub) belongs to when the text names none
    full_name: str | None
    town_normal: str | None  # the form used for a town, where it differs (人大 for 人大常委会)


@dataclass(frozen=True)
class AdminSuffix:
    suffix: str
    level: str
    cls: str
    min_name: int
    max_name: int
    whole: bool  # the name keeps the enclosing city in front (青州高新区)


@dataclass(frozen=True)
class BylineRole:
    word: str
    role: str
    position: str  # before | after


@cache
def surnames() -> frozenset[str]:
    return frozenset(w for _, line in _lines("surnames.txt") for w in line.split())


@cache
def ethnic_name_parts() -> frozenset[str]:
    return frozenset(w for _, line in _lines("ethnic_names.txt") for w in line.split())


@cache
def titles() -> dict[str, Title]:
    rows = _rows("titles.tsv", ("title", "kind", "level", "default_organ", "national_organ"), key="title")
    return {r["title"]: Title(r["title"], r.choice("kind", TITLE_KINDS), r.dash("level"), r.dash("default_organ"),
                              r.dash("national_organ")) for r in rows}


@cache
def organs() -> dict[str, Organ]:
    rows = _rows("organs.tsv", ("form", "normal", "kind", "scope", "parent", "full_name", "town_normal"), key="form")
    out = {r["form"]: Organ(r["form"], r["normal"], r.choice("kind", ORGAN_KINDS),
                            r.choice("scope", ("unit", "sub", "whole")), r.dash("parent"), r.dash("full_name"),
                            r.dash("town_normal")) for r in rows}
    for r in rows:
        if r.dash("parent") is not None and r["parent"] not in out:
            raise LexiconError(f"{r.where()}: the parent {r['parent']!r} is not a form of this file")
    return out


@cache
def org_prefixes() -> dict[str, str]:
    """Words that open an organisation: national (中央, 国家 …) or the party's name (中共)."""
    return {r["prefix"]: r.choice("meaning", ("national", "party"))
            for r in _rows("org_prefixes.tsv", ("prefix", "meaning"), key="prefix")}


@cache
def ethnic_groups() -> frozenset[str]:
    return frozenset(w for _, line in _lines("ethnic_groups.txt") for w in line.split())


@cache
def countries() -> frozenset[str]:
    return frozenset(w for _, line in _lines("countries.txt") for w in line.split())


@cache
def admin_suffixes() -> dict[str, AdminSuffix]:
    rows = _rows("admin_levels.tsv", ("suffix", "level", "class", "min_name", "max_name", "whole"), key="suffix")
    classes = ("AdministrativeRegion", "Facility")
    return {r["suffix"]: AdminSuffix(r["suffix"], r["level"], r.choice("class", classes), r.number("min_name"),
                                     r.number("max_name"), r.choice("whole", ("yes", "no")) == "yes") for r in rows}


@cache
def facility_suffixes() -> tuple[str, ...]:
    return tuple(sorted((line.strip() for _, line in _lines("facilities.tsv")), key=len, reverse=True))


@cache
def natural_features() -> tuple[str, ...]:
    """Last characters of the names of lakes, rivers, mountains … (natural_features.txt)."""
    return tuple(line.strip() for _, line in _lines("natural_features.txt"))


@cache
def event_triggers() -> dict[str, str]:
    """Trigger word → the kind of event it makes (a class of the ontology), or "lead" (an event of no kind)."""
    classes = (*EVENT_CLASSES, "lead")
    return {r["word"]: r.choice("class", classes) for r in _rows("event_triggers.tsv", ("word", "class"), key="word")}


@cache
def discourse() -> dict[str, frozenset[str]]:
    kinds = {"speech", "follow", "participant", "leaders_list", "pronoun", "anaphor_place", "boundary", "commission",
             "in_event", "same_day", "hearing", "speaker", "escort", "led_by", "determiner", "locative",
             "in_place_name", "portfolio", "entourage", "directive", "chair", "at_place", "attend"}
    out: dict[str, set[str]] = {k: set() for k in kinds}
    for r in _rows("discourse.tsv", ("kind", "word")):
        out[r.choice("kind", kinds)].add(r["word"])
    return {k: frozenset(v) for k, v in out.items()}


@cache
def byline_roles() -> dict[str, BylineRole]:
    rows = _rows("byline_roles.tsv", ("word", "role", "position"), key="word")
    return {r["word"]: BylineRole(r["word"], r["role"], r.choice("position", ("before", "after"))) for r in rows}


@cache
def person_roles() -> dict[str, str]:
    return {r["word"]: r["role"] for r in _rows("person_roles.tsv", ("word", "role"), key="word")}


@cache
def boilerplate() -> dict[str, tuple[str, ...]]:
    kinds = {"cut", "drop", "spam", "breadcrumb", "crumb_skip", "footer", "outlet"}
    out: dict[str, list[str]] = {k: [] for k in kinds}
    for r in _rows("boilerplate.tsv", ("kind", "text")):
        out[r.choice("kind", kinds)].append(r["text"].lower())
    return {k: tuple(v) for k, v in out.items()}


@cache
def generic_areas() -> frozenset[str]:
    return frozenset(line.strip() for _, line in _lines("generic_areas.txt"))


@dataclass(frozen=True)
class NodeClass:
    name: str  # Official, Person, Organization, Place, Event, Document
    word: str  # the Chinese word readers see
    colour: str
    shape: str  # a vis-network node shape
    symbol: str  # the character that stands for the shape in a legend


@cache
def network_classes() -> dict[str, NodeClass]:
    """Node classes of the views and network figures, in legend order."""
    classes = {"Official", "Person", "Organization", "Place", "Event", "Document"}
    rows = _rows("network_classes.tsv", ("class", "word", "colour", "shape", "symbol"), key="class")
    return {r["class"]: NodeClass(r.choice("class", classes), r["word"], r["colour"], r["shape"], r["symbol"])
            for r in rows}


@cache
def edge_words() -> dict[str, str]:
    """Edge kind → the Chinese word drawn on the edge."""
    kinds = {"post", "jurisdiction", "leader", "participant", "place", "partOf", "source", "visited", "together"}
    return {r.choice("kind", kinds): r["word"] for r in _rows("network_edges.tsv", ("kind", "word"), key="kind")}
