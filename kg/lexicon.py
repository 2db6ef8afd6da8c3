"""Rules as data: the lexicons under ``kg/data`` loaded once and validated.

Every file is UTF-8 text; ``#`` starts a comment line.  A malformed line raises
``LexiconError`` naming the file, the line and the columns it expects, so a
typo in a rule file fails loudly at start-up instead of silently matching less.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


class LexiconError(ValueError):
    """A rule file under kg/data is malformed."""


def _lines(name: str) -> list[tuple[int, str]]:
    text = resources.files("kg.data").joinpath(name).read_text(encoding="utf-8")
    return [(n, line.rstrip("\n")) for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")]


def _rows(name: str, columns: tuple[str, ...]) -> list[list[str]]:
    rows = []
    for n, line in _lines(name):
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise LexiconError(
                f"kg/data/{name} line {n}: expected {len(columns)} tab-separated columns "
                f"({', '.join(columns)}), found {len(cells)}: {line!r}")
        rows.append([c.strip() for c in cells])
    return rows


def _choice(name: str, value: str, allowed: set[str]) -> str:
    if value not in allowed:
        raise LexiconError(f"kg/data/{name}: {value!r} is not one of {sorted(allowed)}")
    return value


def _dash(value: str) -> str | None:
    return None if value == "-" else value


@dataclass(frozen=True)
class Title:
    word: str
    level: str | None  # 市长 names the level 市 by itself
    default_organ: str | None
    national_organ: str | None
    after_name: bool


@dataclass(frozen=True)
class Organ:
    form: str
    normal: str
    kind: str  # core | sub
    parent: str | None
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
    cols = ("title", "level", "default_organ", "national_organ", "after_name")
    out = {}
    for word, level, organ, national, after in _rows("titles.tsv", cols):
        out[word] = Title(word, _dash(level), _dash(organ), _dash(national),
                          _choice("titles.tsv", after, {"yes", "no"}) == "yes")
    return out


@cache
def organs() -> dict[str, Organ]:
    cols = ("form", "normal", "kind", "parent", "full_name", "town_normal")
    out = {}
    for form, normal, kind, parent, full, town in _rows("organs.tsv", cols):
        out[form] = Organ(form, normal, _choice("organs.tsv", kind, {"core", "sub"}), _dash(parent), _dash(full),
                          _dash(town))
    return out


@cache
def admin_suffixes() -> dict[str, AdminSuffix]:
    cols = ("suffix", "level", "class", "min_name", "max_name", "whole")
    out = {}
    for suffix, level, cls, lo, hi, whole in _rows("admin_levels.tsv", cols):
        _choice("admin_levels.tsv", cls, {"AdministrativeRegion", "Facility"})
        out[suffix] = AdminSuffix(suffix, level, cls, int(lo), int(hi),
                                  _choice("admin_levels.tsv", whole, {"yes", "no"}) == "yes")
    return out


@cache
def facility_suffixes() -> tuple[str, ...]:
    return tuple(sorted((line.strip() for _, line in _lines("facilities.tsv")), key=len, reverse=True))


@cache
def event_triggers() -> dict[str, str]:
    classes = {"Inspection", "CondolenceVisit", "Research", "Meeting", "lead"}
    return {w: _choice("event_triggers.tsv", c, classes) for w, c in _rows("event_triggers.tsv", ("word", "class"))}


@cache
def discourse() -> dict[str, frozenset[str]]:
    kinds = {"speech", "follow", "participant", "leaders_list", "pronoun", "anaphor_place", "boundary",
             "commission", "in_event", "same_day", "hearing"}
    out: dict[str, set[str]] = {k: set() for k in kinds}
    for kind, word in _rows("discourse.tsv", ("kind", "word")):
        out[_choice("discourse.tsv", kind, kinds)].add(word)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def byline_roles() -> dict[str, BylineRole]:
    rows = _rows("byline_roles.tsv", ("word", "role", "position"))
    return {w: BylineRole(w, r, _choice("byline_roles.tsv", p, {"before", "after"})) for w, r, p in rows}


@cache
def person_roles() -> dict[str, str]:
    return dict(_rows("person_roles.tsv", ("word", "role")))


@cache
def boilerplate() -> dict[str, tuple[str, ...]]:
    kinds = {"cut", "drop", "spam", "breadcrumb", "crumb_skip", "footer", "outlet"}
    out: dict[str, list[str]] = {k: [] for k in kinds}
    for kind, text in _rows("boilerplate.tsv", ("kind", "text")):
        out[_choice("boilerplate.tsv", kind, kinds)].append(text.lower())
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
    rows = _rows("network_classes.tsv", ("class", "word", "colour", "shape", "symbol"))
    return {row[0]: NodeClass(_choice("network_classes.tsv", row[0], classes), *row[1:]) for row in rows}


@cache
def edge_words() -> dict[str, str]:
    """Edge kind → the Chinese word drawn on the edge."""
    kinds = {"post", "jurisdiction", "leader", "participant", "place", "partOf", "source", "visited", "together"}
    return {_choice("network_edges.tsv", k, kinds): w for k, w in _rows("network_edges.tsv", ("kind", "word"))}
