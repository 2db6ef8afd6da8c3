"""What a document says about itself: its sentences and sections, and which region a bare level
(区, 市, 省 …) or town means at each point (the section heading, the nearest named region of that
level, or the region the article's places share in the national division list)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from kg import lexicon
from kg.extract.organisations import LEVELS, TOWN_LEVELS
from kg.gazetteer import Division, gazetteer
from kg.model import Mentions, OrgMention, Page

_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』]?|\n")


def written_division(org: OrgMention | None) -> Division | None:
    """The division an organisation names in front (浙江 + 省委 → 浙江省; 江宁区 → 江宁区), if it is in the list."""
    if org is None or org.place is None or org.foreign:
        return None
    gaz = gazetteer()
    if org.level:
        return next((d for d in gaz.by_short.get(org.place, []) if d.level == org.level), None)
    hits = gaz.by_name.get(org.place)
    return hits[0] if hits else None


@dataclass
class Sentence:
    start: int
    end: int
    section: int
    paragraph: int


def sentences(page: Page) -> tuple[list[Sentence], list[tuple[int, int, str]]]:
    """Body sentences with their section and paragraph numbers, and the section headings."""
    sentences: list[Sentence] = []
    headings: list[tuple[int, int, str]] = []
    section = 0
    for n, block in enumerate(page.blocks):
        if block.kind in ("title", "heading"):
            section += 1 if sentences or headings else 0
            headings.append((section, block.start, page.text[block.start:block.end]))
            continue
        if block.kind != "paragraph":
            continue
        pos = block.start
        for m in _SENTENCE_END.finditer(page.text, block.start, block.end):
            if m.end() > pos:
                sentences.append(Sentence(pos, m.end(), section, n))
            pos = m.end()
        if pos < block.end:
            sentences.append(Sentence(pos, block.end, section, n))
    return sentences, headings


@dataclass
class _Explicit:
    pos: int
    section: int
    division: Division
    strong: bool = False  # named as the jurisdiction of a post (青州市委书记), not just a place passed by


@dataclass(frozen=True)
class Town:
    """A town, township or street: below the national list, known only by name (and its county)."""

    name: str  # 青山镇
    level: str  # 镇, 乡, 街道
    county: Division | None


@dataclass
class _TownMention:
    pos: int
    section: int
    town: Town


class Context:
    """Which region a bare level (区, 市, 省 …) means at a point of the document."""

    def __init__(self, page: Page, mentions: Mentions, sections: list[Sentence],
                 headings: list[tuple[int, int, str]]):
        gaz = gazetteer()
        self.section_of = _section_lookup(sections, headings)
        self.explicit: list[_Explicit] = []
        self.heading: dict[int, Division] = {}
        self.town_heading: dict[int, str] = {}
        town_heads: dict[int, Division] = {}
        for section, start, text in headings:
            head = re.split(r"[:：]", text, maxsplit=1)
            if len(head) == 2 and 2 <= len(head[0]) <= 8:
                division = _division_in(head[0])
                if head[0].endswith(TOWN_LEVELS):
                    self.town_heading[section] = head[0]
                    if division:
                        town_heads[section] = division  # 青山镇 may or may not lie in a 青山区
                elif division:
                    self.heading[section] = division
            for division in _divisions_named_in(text):
                self.explicit.append(_Explicit(start, section, division))
        by_start = {p.start: p for p in mentions.places}
        for place in mentions.places:
            if place.kind != "AdministrativeRegion":
                continue
            hits = gaz.by_name.get(place.name)
            enclosing = by_start.get(place.parent) if place.parent is not None else None
            inside = [d for d in hits or [] if enclosing and any(
                a.name == enclosing.name for a in gaz.ancestors(d))]
            division = (inside or hits or [None])[0] or named_after_division(place.name)
            if division is not None:
                self.explicit.append(_Explicit(place.start, self.section_of(place.start), division))
        for person in mentions.persons:
            for post in person.posts:
                division = written_division(post.org)
                if division is not None:
                    self.explicit.append(_Explicit(post.start, self.section_of(post.start), division, True))
        self.explicit.sort(key=lambda e: e.pos)
        self.title_divisions = _divisions_named_in(page.title or "") + _publisher_divisions(page.publisher)
        votes: Counter[str] = Counter()
        for e in self.explicit:
            for a in [e.division, *gaz.ancestors(e.division)]:
                votes[a.adcode] += 1
        self.votes = votes
        for section, division in town_heads.items():
            if votes[division.adcode] or division in self.title_divisions:
                self.heading[section] = division
        self.towns: list[_TownMention] = []
        starts = {p.start: p for p in mentions.places}
        for place in mentions.places:
            if place.kind == "AdministrativeRegion" and place.level in TOWN_LEVELS:
                enclosing = starts.get(place.parent) if place.parent is not None else None
                county = county_named(enclosing.name) if enclosing else None
                self._add_town(place.start, place.name, place.level, county)
        for person in mentions.persons:
            for post in person.posts:
                town = split_town(post.org.place or "") if post.org is not None else None
                if town is not None:
                    self._add_town(post.start, *town)
        self.towns.sort(key=lambda t: t.pos)

    def _add_town(self, pos: int, name: str, level: str, county: Division | None) -> None:
        self.towns.append(_TownMention(pos, self.section_of(pos), Town(name, level, county or self.county(pos))))

    def town_before(self, pos: int) -> Town | None:
        """The town last named before ``pos`` in its section: where a village named alone lies."""
        section = self.section_of(pos)
        before = [t for t in self.towns if t.section == section and t.pos <= pos]
        return before[-1].town if before else None

    def town(self, level: str, pos: int, name: str | None = None) -> Town | None:
        """The town a bare 镇 (or a town written by name) means at ``pos``: the nearest one named before
        it in its section, else the section heading's town."""
        section = self.section_of(pos)
        found = [t for t in self.towns if t.section == section and t.town.level == level
                 and (name is None or t.town.name == name)]
        before = [t for t in found if t.pos <= pos]
        if before:
            return before[-1].town
        if found:
            return found[0].town
        head = self.town_heading.get(section)
        if name is None and head and head.endswith(level):
            return Town(head, level, self.county(pos))
        return Town(name, level, self.county(pos)) if name else None

    def resolve(self, level: str, pos: int) -> Division | None:
        gaz = gazetteer()
        section = self.section_of(pos)
        head = self.heading.get(section)
        if head and head.level == level:
            return head
        same_section = [e for e in self.explicit if e.section == section and e.division.level == level]
        before = [e for e in same_section if e.pos <= pos]
        strong = [e for e in before if e.strong]
        if strong:
            return strong[-1].division  # 青州市委书记甲 … 市委常委乙: the same 市
        titled = [d for d in self.title_divisions if d.level == level]
        if titled and not head:
            return titled[0]  # the article's own region (title, publisher) over places it visits or names
        if before:
            return before[-1].division
        if same_section:
            return same_section[0].division
        if head:
            up = [a for a in gaz.ancestors(head) if a.level == level]
            if up:
                return up[0]
        if titled:
            return titled[0]
        anywhere = [e for e in self.explicit if e.division.level == level]
        if anywhere:
            return gaz.by_code[Counter(e.division.adcode for e in anywhere).most_common(1)[0][0]]
        for titled_division in self.title_divisions:
            up = [a for a in gaz.ancestors(titled_division) if a.level == level]
            if up:
                return up[0]
        ranked = [(n, code) for code, n in self.votes.items() if gaz.by_code[code].level == level]
        if ranked:
            return gaz.by_code[max(ranked)[1]]
        return None

    def county(self, pos: int) -> Division | None:
        """The county-level region a town or street written without its county belongs to."""
        section = self.section_of(pos)
        head = self.heading.get(section)
        if head and head.county_level:
            return head
        for scope in (section, None):
            found = [e for e in self.explicit if (scope is None or e.section == scope)
                     and e.division.county_level]
            before = [e for e in found if e.pos <= pos]
            if before:
                return before[-1].division
            if found:
                return found[0].division
        return next((d for d in self.title_divisions if d.county_level), None)


def county_named(name: str) -> Division | None:
    return next((d for d in gazetteer().by_name.get(name, []) if d.county_level), None)


def split_town(written: str) -> tuple[str, str, Division | None] | None:
    """江宁区青山镇 → (青山镇, 镇, 江宁区); 青山镇 → (青山镇, 镇, None); 江宁区 → None."""
    level = next((lv for lv in TOWN_LEVELS if written.endswith(lv)), None)
    if level is None or gazetteer().by_name.get(written):
        return None
    for size in range(len(written) - len(level) - 2, 1, -1):
        county = county_named(written[:size])
        if county is not None:
            return written[size:], level, county
    return written, level, None


def _section_lookup(sentences: list[Sentence], headings: list[tuple[int, int, str]]):
    starts = sorted([(s.start, s.section) for s in sentences] + [(start, sec) for sec, start, _ in headings])

    def section_of(pos: int) -> int:
        current = 0
        for start, section in starts:
            if start > pos:
                break
            current = section
        return current
    return section_of


def _division_in(text: str) -> Division | None:
    """青州 → 青州市; 东城南关 → 东城区 (the longest known prefix)."""
    gaz = gazetteer()
    for size in range(min(len(text), 6), 1, -1):
        hits = gaz.lookup(text[:size])
        if hits:
            return hits[0]
    return None


def _publisher_divisions(publisher: str | None) -> list[Division]:
    """三台县融媒体中心 → 三台县; 梅州日报 → 梅州市; 北京房山网 → 北京市, 房山区 (short names read in turn)."""
    if not publisher:
        return []
    named = _divisions_named_in(publisher)
    if named:
        return named
    gaz = gazetteer()
    found: list[Division] = []
    i = 0
    while i < len(publisher) - 1:
        for size in (3, 2):
            hits = gaz.by_short.get(publisher[i:i + size], [])
            if hits:
                inside = [d for d in hits if any(a in found for a in gaz.ancestors(d))]
                found.append(inside[0] if inside else min(hits, key=lambda d: "省市州区县".find(d.level)))
                i += size
                break
        else:
            i += 1
    return found


def _divisions_named_in(text: str) -> list[Division]:
    gaz = gazetteer()
    found = []
    for m in re.finditer(f"[{LEVELS}]", text):
        for size in (4, 3, 2):
            name = text[max(0, m.start() - size):m.end()]
            if len(name) == size + 1 and gaz.by_name.get(name):
                found.append(gaz.by_name[name][0])
                break
    return found


def named_after_division(name: str) -> Division | None:
    """长沙高新区 lies in 长沙市: a zone named with the short name of the division it belongs to."""
    suffix = next((s for s, info in sorted(lexicon.admin_suffixes().items(), key=lambda kv: -len(kv[0]))
                   if info.whole and name.endswith(s)), None)
    if suffix is None:
        return None
    for size in range(len(name) - len(suffix), 1, -1):
        hits = gazetteer().lookup(name[:size])
        if hits:
            return min(hits, key=lambda d: "市区县州省".find(d.level))
    return None
