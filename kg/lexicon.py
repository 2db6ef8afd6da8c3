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
    cols = ("title", "kind", "level", "default_organ", "national_organ")
    out = {}
    for word, kind, level, organ, national in _rows("titles.tsv", cols):
        out[word] = Title(word, _choice("titles.tsv", kind, set(TITLE_KINDS)), _dash(level), _dash(organ),
                          _dash(national))
    return out


@cache
def organs() -> dict[str, Organ]:
    cols = ("form", "normal", "kind", "scope", "parent", "full_name", "town_normal")
    out = {}
    for form, normal, kind, scope, parent, full, town in _rows("organs.tsv", cols):
        out[form] = Organ(form, normal, _choice("organs.tsv", kind, set(ORGAN_KINDS)),
                          _choice("organs.tsv", scope, {"unit", "sub", "whole"}), _dash(parent), _dash(full),
                          _dash(town))
    for organ in out.values():
        if organ.parent is not None and organ.parent not in out:
            raise LexiconError(f"kg/data/organs.tsv: the parent {organ.parent!r} of {organ.form!r} is not a form")
    return out


@cache
def org_prefixes() -> dict[str, str]:
    """Words that open an organisation: national (中央, 国家 …) or the party's name (中共)."""
    return {w: _choice("org_prefixes.tsv", m, {"national", "party"})
            for w, m in _rows("org_prefixes.tsv", ("prefix", "meaning"))}


@cache
def countries() -> frozenset[str]:
    return frozenset(w for _, line in _lines("countries.txt") for w in line.split())


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
             "commission", "in_event", "same_day", "hearing", "speaker", "escort", "led_by", "determiner", "locative"}
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
