"""Fourth stage: mentions become entities, posts and events of one document.

Decisions that need the whole document are made here: which 区 a bare 区委 means (the section
heading, the nearest named region of that level, or the region the article's places share in
the national division list), who is the subject of a sentence, which places an official went
to, and which date an event took place on.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar

from kg import lexicon
from kg.extract import LEVELS, TOWN_LEVELS, only_common_words
from kg.gazetteer import Division, gazetteer
from kg.model import (
    Cue,
    DateMention,
    Event,
    Evidence,
    Facts,
    Holding,
    Mentions,
    Organization,
    Page,
    Person,
    PersonMention,
    PlaceMention,
    Post,
    PostMention,
    Region,
)

_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』]?|\n")
_CLAUSE_END = "，,。！？!?；;\n"
_SENTENCE_STOP = re.compile("[。！？!?；;\n]")
_OBJECT_MARKERS = "向对给为与和同跟陪"
_COMPANION_MARKERS = "与和同跟"  # 甲与乙一同检查: with a participant word, a companion, not an object
_T = TypeVar("_T", Cue, PersonMention, PlaceMention)
_SEPARATELY = re.compile(r"(?:等(?:[^，,。；;、]{0,6}(?:领导|同志))?)?分别")  # 甲，乙等区领导分别带队


def doc_id_of(page: Page) -> str:
    """A stable document id: the file's stem (and record number for JSONL)."""
    return re.sub(r"\.[A-Za-z0-9]+(?=#|$)", "", page.source.source).replace("#", "-")


# ---------------------------------------------------------------- structure

@dataclass
class _Sentence:
    start: int
    end: int
    section: int
    paragraph: int


def _sentences(page: Page) -> tuple[list[_Sentence], list[tuple[int, int, str]]]:
    """Body sentences with their section and paragraph numbers, and the section headings."""
    sentences: list[_Sentence] = []
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
                sentences.append(_Sentence(pos, m.end(), section, n))
            pos = m.end()
        if pos < block.end:
            sentences.append(_Sentence(pos, block.end, section, n))
    return sentences, headings


# ---------------------------------------------------------------- jurisdictions

@dataclass
class _Explicit:
    pos: int
    section: int
    division: Division
    strong: bool = False  # named as the jurisdiction of a post (青州市委书记), not just a place passed by


@dataclass(frozen=True)
class _Town:
    """A town, township or street: below the national list, known only by name (and its county)."""

    name: str  # 青山镇
    level: str  # 镇, 乡, 街道
    county: Division | None


@dataclass
class _TownMention:
    pos: int
    section: int
    town: _Town


class _Context:
    """Which region a bare level (区, 市, 省 …) means at a point of the document."""

    def __init__(self, page: Page, mentions: Mentions, sections: list[_Sentence],
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
            division = (inside or hits or [None])[0] or _named_after_division(place.name)
            if division is not None:
                self.explicit.append(_Explicit(place.start, self.section_of(place.start), division))
        for person in mentions.persons:
            for post in person.posts:
                hits = gaz.by_name.get(post.jurisdiction or "")
                if hits:
                    self.explicit.append(_Explicit(post.start, self.section_of(post.start), hits[0], True))
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
                county = _county_named(enclosing.name) if enclosing else None
                self._add_town(place.start, place.name, place.level, county)
        for person in mentions.persons:
            for post in person.posts:
                town = _split_town(post.jurisdiction or "")
                if town is not None:
                    self._add_town(post.start, *town)
        self.towns.sort(key=lambda t: t.pos)

    def _add_town(self, pos: int, name: str, level: str, county: Division | None) -> None:
        self.towns.append(_TownMention(pos, self.section_of(pos), _Town(name, level, county or self.county(pos))))

    def town_before(self, pos: int) -> _Town | None:
        """The town last named before ``pos`` in its section: where a village named alone lies."""
        section = self.section_of(pos)
        before = [t for t in self.towns if t.section == section and t.pos <= pos]
        return before[-1].town if before else None

    def town(self, level: str, pos: int, name: str | None = None) -> _Town | None:
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
            return _Town(head, level, self.county(pos))
        return _Town(name, level, self.county(pos)) if name else None

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


def _county_named(name: str) -> Division | None:
    return next((d for d in gazetteer().by_name.get(name, []) if d.county_level), None)


def _split_town(written: str) -> tuple[str, str, Division | None] | None:
    """江宁区青山镇 → (青山镇, 镇, 江宁区); 青山镇 → (青山镇, 镇, None); 江宁区 → None."""
    level = next((lv for lv in TOWN_LEVELS if written.endswith(lv)), None)
    if level is None or gazetteer().by_name.get(written):
        return None
    for size in range(len(written) - len(level) - 2, 1, -1):
        county = _county_named(written[:size])
        if county is not None:
            return written[size:], level, county
    return written, level, None


def _section_lookup(sentences: list[_Sentence], headings: list[tuple[int, int, str]]):
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


# ---------------------------------------------------------------- builder

@dataclass
class _Builder:
    page: Page
    doc_id: str
    persons: dict[str, Person] = field(default_factory=dict)
    holdings: dict[tuple[str, str, str | None], Holding] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    mentioned: dict[str, Evidence] = field(default_factory=dict)  # region key → first sentence naming it

    @cached_property
    def _sentence_stops(self) -> list[int]:
        """Where sentences end: the offsets of 。！？!?；; and line breaks."""
        return [m.start() for m in _SENTENCE_STOP.finditer(self.page.text)]

    def evidence(self, start: int, end: int) -> Evidence:
        """The whole sentence around a span, sliced from the original file."""
        text, stops = self.page.text, self._sentence_stops
        k = bisect_left(stops, start)
        a = stops[k - 1] + 1 if k else 0
        k = bisect_left(stops, end)
        b = stops[k] + 1 if k < len(stops) else len(text)
        while b > a and text[b - 1] == "\n":
            b -= 1
        ra, rb = self.page.raw_span(a, b)
        return Evidence(self.doc_id, ra, rb, self.page.source.raw[ra:rb])

    def region_for_division(self, division: Division, original: str | None = None) -> str:
        gaz = gazetteer()
        parent = None
        for ancestor in reversed(gaz.ancestors(division)):
            self.regions.setdefault(ancestor.adcode, Region(ancestor.adcode, ancestor.name, None,
                                                            "AdministrativeRegion", ancestor.level,
                                                            ancestor.adcode, parent))
            parent = ancestor.adcode
        self._add_region(Region(division.adcode, division.name, _differs(original, division.name),
                                "AdministrativeRegion", division.level, division.adcode, parent))
        return division.adcode

    def _add_region(self, region: Region) -> None:
        if region.part_of == region.key:
            region = replace(region, part_of=None)  # a place is never inside itself
        old = self.regions.get(region.key)
        if old is None or (old.original is None and region.original) or (old.part_of is None and region.part_of):
            self.regions[region.key] = Region(region.key, region.label, region.original or (old and old.original),
                                              region.kind, region.level, region.adcode,
                                              region.part_of or (old and old.part_of))

    def add_region(self, label: str, original: str | None, kind: str, level: str | None,
                   parent: str | None) -> str:
        key = f"{parent}/{label}" if parent and (parent.isdigit() or parent in self.regions) else label
        self._add_region(Region(key, label, _differs(original, label), kind, level, None, parent))  # type: ignore
        return key

    def town_region(self, town: _Town) -> str:
        parent = self.region_for_division(town.county) if town.county else None
        return self.add_region(town.name, None, "AdministrativeRegion", town.level, parent)

    def person(self, name: str, original: str, official: bool, role: str | None, start: int, end: int) -> str:
        key = name if official else f"{name}（{role}）"
        if key not in self.persons or (official and not self.persons[key].official):
            self.persons[key] = Person(key, name, _differs(original, name), official, role,
                                       self.evidence(start, end))
        return key


def _differs(original: str | None, simple: str) -> str | None:
    return original if original and original != simple else None


# ---------------------------------------------------------------- posts

_Juris = Division | _Town
_VILLAGE_LEVELS = ("村", "社区")
_COMPANY_SUFFIXES = ("有限责任公司", "有限公司", "股份公司", "公司", "集团")


def _organization(b: _Builder, ctx: _Context, seg: PostMention, inherited: tuple[_Juris | None, tuple[str, ...]],
                  ) -> tuple[str | None, _Juris | None, tuple[str, ...]]:
    """Spell out the organisation of one chain segment; return (org key, jurisdiction, organs)."""
    titles, organs_table = lexicon.titles(), lexicon.organs()
    info = titles[seg.title]
    if seg.national:
        key = seg.national
        b.organizations.setdefault(key, Organization(key, key))
        return key, None, ()
    juris: _Juris | None = None
    town = _split_town(seg.jurisdiction) if seg.jurisdiction else None
    if town is not None:
        juris = ctx.town(town[1], seg.start, town[0])
        if town[2] is not None and isinstance(juris, _Town):
            juris = _Town(juris.name, juris.level, town[2])
    elif seg.jurisdiction:
        hits = gazetteer().by_name.get(seg.jurisdiction) or gazetteer().lookup(seg.jurisdiction)
        juris = hits[0] if hits else None
    elif seg.level in TOWN_LEVELS:
        juris = ctx.town(seg.level, seg.start)
    elif seg.level:
        juris = ctx.resolve(seg.level, seg.start)
    else:
        juris = inherited[0]
    organs = seg.organs
    if organs:
        first = organs_table.get(organs[0])
        if first is not None and first.kind == "sub" and first.parent:
            organs = (first.parent, *organs)
        elif first is not None and first.kind == "sub":
            if inherited[1] and not seg.level and not seg.jurisdiction:
                organs = (inherited[1][0], *organs)
    elif info.level:
        organs = (info.default_organ or "政府",)
    elif inherited[1]:
        organs = inherited[1]
    elif info.default_organ:
        organs = (info.default_organ,)
    if juris is None or not organs:
        return None, juris, organs
    if isinstance(juris, _Town):
        region = b.town_region(juris)
        organs = tuple(_town_form(o) for o in organs)
        label = juris.name + "".join(organs)
        key = (juris.county.name if juris.county else "") + label  # two towns of one name stay apart
    else:
        region = b.region_for_division(juris)
        label = key = juris.name + "".join(organs)
    name = juris.name
    full = []
    core = organs_table.get(organs[0])
    if core is not None and core.full_name and len(organs) == 1:
        full = [part.replace("{J}", name) for part in core.full_name.split("、")]
    if key not in b.organizations:
        b.organizations[key] = Organization(key, label, tuple(full), region)
    return key, juris, organs


def _town_form(organ: str) -> str:
    """A town's 人大 is a presidium, not a standing committee: 青山镇人大, not 青山镇人大常委会."""
    entry = lexicon.organs().get(organ)
    return entry.town_normal if entry and entry.town_normal else organ


def _add_posts(b: _Builder, ctx: _Context, person_key: str, mention: PersonMention) -> None:
    inherited: tuple[_Juris | None, tuple[str, ...]] = (None, ())
    for seg in mention.posts:
        org, juris, organs = _organization(b, ctx, seg, inherited)
        inherited = (juris, organs)
        holding = Holding(person_key, Post(seg.title, org, b.evidence(seg.start, mention.end)))
        b.holdings.setdefault((person_key, seg.title, org), holding)


def _add_name_title(b: _Builder, ctx: _Context, person_key: str, mention: PersonMention) -> None:
    """张三代区长: adds nothing when the chain already gave that title, else a post in context."""
    seg = mention.posts[0]
    if any(k[0] == person_key and k[1] == seg.title for k in b.holdings):
        return
    if seg.national or seg.level:
        _add_posts(b, ctx, person_key, mention)


# ---------------------------------------------------------------- places

def _add_places(b: _Builder, ctx: _Context, mentions: Mentions) -> dict[int, str]:
    """Regions for every place mention; returns mention start → region key."""
    gaz = gazetteer()
    key_at: dict[int, str] = {}
    last_sibling: dict[str | None, str | None] = {}
    placed: dict[str, str] = {}  # name → key of the last mention written inside an enclosing place
    for p in mentions.places:
        parent = key_at.get(p.parent) if p.parent is not None else None
        if parent is None and p.in_list and p.level is not None and p.level in last_sibling:
            parent = last_sibling[p.level]
        if parent is None and p.located_in is not None:
            parent = key_at.get(p.located_in)
        if parent is None and p.level in _VILLAGE_LEVELS:
            town = ctx.town_before(p.start)
            parent = b.town_region(town) if town else None
        divisions = gaz.by_name.get(p.name) if p.kind == "AdministrativeRegion" else None
        if parent is None and not divisions and not p.level_prefix and p.name in placed:
            key = placed[p.name]  # 青山镇东风村 … 在东风村: the same village, named again alone
        elif divisions:
            key = b.region_for_division(_pick(divisions, parent, ctx), p.original)
        elif p.level_prefix:
            juris = ctx.resolve(p.level_prefix, p.start)
            if juris is None:
                key = b.add_region(p.name, p.original, "Facility", None, None)
            else:
                jkey = b.region_for_division(juris)
                label = juris.name + p.name[1:]
                key = b.add_region(label, _prefixed(juris, p.original), "Facility", None, jkey)
        else:
            if parent is None and p.kind == "AdministrativeRegion" and p.level in TOWN_LEVELS:
                county = ctx.county(p.start)
                parent = b.region_for_division(county) if county else None
            elif parent is None and p.kind == "AdministrativeRegion":
                named_after = _named_after_division(p.name)
                parent = b.region_for_division(named_after) if named_after else None
            label, original = p.name, p.original
            # 社区卫生服务中心, 敬老院: a facility named only with common words is named after its place;
            # a company registered under its county keeps the county in its name (某某县甲乙有限公司)
            enclosing = b.regions.get(parent) if parent is not None else None
            if enclosing is not None and p.kind == "Facility" and (
                    only_common_words(p.name) or p.name in lexicon.facility_suffixes() or
                    (p.name.endswith(_COMPANY_SUFFIXES) and enclosing.adcode is not None)):
                label = enclosing.label + p.name
                original = (enclosing.original or enclosing.label) + p.original
            key = b.add_region(label, original, p.kind, p.level, parent)
        key_at[p.start] = key
        b.mentioned.setdefault(key, b.evidence(p.start, p.end))
        last_sibling[p.level] = b.regions[key].part_of
        if b.regions[key].part_of and not divisions:
            placed[p.name] = key
    return key_at


def _pick(divisions: list[Division], parent: str | None, ctx: _Context) -> Division:
    """Of several divisions with one name, the one inside the place written before it, else the one
    whose enclosing divisions the article names most."""
    if len(divisions) == 1:
        return divisions[0]
    gaz = gazetteer()
    inside = [d for d in divisions if parent in {a.adcode for a in gaz.ancestors(d)}]
    if inside:
        return inside[0]
    return max(divisions, key=lambda d: sum(ctx.votes[a.adcode] for a in gaz.ancestors(d)))


def _named_after_division(name: str) -> Division | None:
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


def _prefixed(juris: Division, original: str) -> str:
    return juris.name + original[1:]


# ---------------------------------------------------------------- dates

def _resolve_date(d: DateMention, published: str | None, month_context: int | None) -> str | None:
    year = pub_month = pub_day = None
    if published:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", published)
        if m:
            year, pub_month, pub_day = (int(x) for x in m.groups())
        else:
            m = re.match(r"--(\d{2})-(\d{2})", published)
            if m:
                pub_month, pub_day = int(m.group(1)), int(m.group(2))
    month = d.month or month_context or pub_month
    if month is None or not 1 <= month <= 12:
        return None
    if d.year:
        return f"{d.year:04d}-{month:02d}-{d.day:02d}"
    if year is None:
        return f"--{month:02d}-{d.day:02d}"
    if pub_month is not None and (month, d.day) > (pub_month, pub_day or 31):
        year -= 1  # a date after publication belongs to the year before
    return f"{year:04d}-{month:02d}-{d.day:02d}"


# ---------------------------------------------------------------- events

@dataclass
class _EventDraft:
    leader: str
    section: int
    start: int
    kinds: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    date: str | None = None


@dataclass
class _Subject:
    key: str
    head: int  # start of the title chain, or of the name
    end: int
    adjacent: bool  # listed right after the previous subject (甲，乙 / 甲、乙 / 甲和乙)


def _listed(text: str, end: int, head: int) -> bool:
    """Is nothing but a list separator between one person's name and the next person's title?"""
    return re.fullmatch(r"[，,、和与及同]*", text[end:head]) is not None


def _roles_in_sentence(text: str, sent: _Sentence, people: list[PersonMention], cues: list[Cue],
                       official_key: dict[int, str], speech_at: int) -> tuple[list[_Subject], list[str]]:
    """Who acts in a sentence (subjects, in order) and who only takes part (参加/陪同, 会上…)."""
    in_event = any(c.kind == "in_event" and c.start - sent.start <= 1 for c in cues)
    commission = [c for c in cues if c.kind == "commission"]
    subjects: list[_Subject] = []
    participants: list[str] = []
    heads = [p.phrase_start if p.phrase_start is not None else p.start for p in people]
    for n, p in enumerate(people):
        if p.start >= speech_at:
            continue
        key, head = official_key[p.start], heads[n]
        # what this person does: up to the end of the clause or the next person named in it
        after = text[p.end:min([_clause_end(text, p.end, sent.end), *heads[n + 1:]])]
        joins = any(w in after for w in lexicon.discourse()["participant"])
        if any(c.start < head and "委托" in text[p.end:p.end + 4] for c in commission):
            continue
        marker = text[head - 1] if head > sent.start else "。"
        companion = marker in _COMPANION_MARKERS
        if marker in _OBJECT_MARKERS and not (companion and joins):
            continue  # 向张三汇报 / 与张三座谈: the object of someone else's act
        if in_event or joins:
            participants.append(key)
            # the names listed just before share the predicate (市长甲，副市长乙出席), unless this
            # one was their companion (甲与乙一同检查)
            while not companion and subjects and _listed(text, subjects[-1].end, head):
                head = subjects[-1].head
                participants.append(subjects.pop().key)
        else:
            subjects.append(_Subject(key, head, p.end, bool(subjects) and _listed(text, subjects[-1].end, head)))
    return subjects, participants


def _events(b: _Builder, mentions: Mentions, sentences: list[_Sentence], key_at: dict[int, str],
            official_key: dict[int, str]) -> list[Event]:
    text = b.page.text
    cues = mentions.cues
    drafts: dict[tuple, _EventDraft] = {}  # (leader, section) is the event under way; closed ones get a date
    order: list[tuple] = []
    current: dict[int, str | None] = {}  # section -> current leader
    month_context = None
    if b.page.published and re.match(r"--(\d{2})", b.page.published):
        month_context = int(b.page.published[2:4])
    actor: str | None = None
    last_paragraph = -1
    last_place: str | None = None
    pending: list[str] = []  # places introduced by the sentence just before, which named no one
    cues_in, people_in, places_in = (_by_sentence(items, sentences) for items in (cues, mentions.persons,
                                                                                   mentions.places))
    paragraph_starts: dict[int, int] = {}
    for sent in sentences:
        paragraph_starts.setdefault(sent.paragraph, sent.start)
    for n_sent, sent in enumerate(sentences):
        if sent.paragraph != last_paragraph:
            actor = None
            last_paragraph = sent.paragraph
            pending = []
        s_cues = cues_in[n_sent]
        s_people = [p for p in people_in[n_sent] if p.start in official_key]
        speech_at = min((c.start for c in s_cues if c.kind == "speech"), default=sent.end)
        subjects, participants = _roles_in_sentence(text, sent, s_people, s_cues, official_key, speech_at)
        pronoun = any(c.kind == "pronoun" and c.start < speech_at for c in s_cues)
        actors: list[str] = []
        if subjects:
            group = [subjects[0]]
            for subject in subjects[1:]:
                if not subject.adjacent:
                    break
                group.append(subject)
            if len(group) > 1 and _SEPARATELY.match(text, group[-1].end):
                actors = [s.key for s in group]  # 甲，乙分别带队: each leads an event of their own
            else:
                actors = [subjects[0].key]
                participants.extend(s.key for s in subjects[1:] if s.adjacent)
            actor = actors[0]
        elif pronoun and actor is None:
            actor = current.get(sent.section)
        if actor is not None and not actors:
            actors = [actor]
        lead = actor or current.get(sent.section)
        hearing = [(c.start, _clause_end(text, c.end, sent.end)) for c in s_cues if c.kind == "hearing"]
        leaves = [key_at[p.start] for p in _leaf_places(places_in[n_sent], sent.start, speech_at)
                  if p.start in key_at and not any(a <= p.start < z for a, z in hearing)]
        if actor is None:
            _join(drafts.get((lead, sent.section)) if lead else None, participants)
            # 位于甲镇的乙公司主要生产…。张三走进生产车间: a place introduced just before the leader arrives
            pending = leaves if speech_at == sent.end and text.startswith("位于", sent.start) else []
            for p in places_in[n_sent]:
                last_place = key_at.get(p.start, last_place)
            continue
        leaves, pending = pending + leaves, []
        triggers = [c for c in s_cues if c.kind == "trigger" and c.start < speech_at]
        anaphor = any(c.kind == "anaphor_place" and c.start < speech_at for c in s_cues)
        paragraph_start = paragraph_starts[sent.paragraph]
        opening = next((d for d in mentions.dates if paragraph_start <= d.start < sent.end), None)
        day = _resolve_date(opening, b.page.published, month_context) if opening else None
        own_day = day if opening and opening.start >= sent.start else None  # written in this very sentence
        for n, who in enumerate(actors):
            key = (who, sent.section)
            if key in drafts and triggers and own_day and drafts[key].date and own_day != drafts[key].date:
                drafts[(who, sent.section, day)] = drafts.pop(key)  # 昨天…今天: another day, another event
                order[order.index(key)] = (who, sent.section, day)
            if key not in drafts and triggers:
                drafts[key] = _EventDraft(who, sent.section, sent.start)
                order.append(key)
                if day:
                    drafts[key].date = day
                elif text.startswith(tuple(lexicon.discourse()["same_day"]), paragraph_start):
                    earlier = [drafts[k].date for k in order[:-1] if drafts[k].date]
                    drafts[key].date = earlier[-1] if earlier else None  # 同日，乙…: the day just reported
            draft = drafts.get(key)
            if n == 0:
                _join(draft or drafts.get((current.get(sent.section), sent.section)), participants)
            if draft is None:
                continue
            if n == 0:
                current[sent.section] = who
            for c in triggers:
                if c.event_class != "lead" and c.event_class not in draft.kinds:
                    draft.kinds.append(c.event_class)  # type: ignore[arg-type]
            # 甲、乙分别到A镇、B镇: places go to the leaders in the order written
            mine = [leaves[n]] if len(actors) > 1 and len(leaves) == len(actors) else leaves
            for region in mine:
                if region not in draft.places:
                    draft.places.append(region)
            if anaphor and last_place and last_place not in draft.places:
                draft.places.append(last_place)
        for p in places_in[n_sent]:
            last_place = key_at.get(p.start, last_place)
    events = []
    for n, key in enumerate(order, 1):
        d = drafts[key]
        participants = tuple(dict.fromkeys(k for k in d.participants if k != d.leader))
        events.append(Event(key=f"{b.doc_id}-e{n}", kinds=tuple(d.kinds), leader=d.leader,
                            participants=participants, places=tuple(d.places), date=d.date,
                            evidence=b.evidence(d.start, d.start + 1)))
    return events


def _join(draft: _EventDraft | None, participants: list[str]) -> None:
    if draft is not None:
        draft.participants.extend(k for k in participants if k != draft.leader)


def _clause_end(text: str, pos: int, limit: int) -> int:
    for i in range(pos, limit):
        if text[i] in _CLAUSE_END:
            return i
    return limit


def _by_sentence(items: list[_T], sentences: list[_Sentence]) -> list[list[_T]]:
    """The items (mentions, cues) that start in each sentence, in their original order."""
    starts = [s.start for s in sentences]
    buckets: list[list[_T]] = [[] for _ in sentences]
    for item in items:
        k = bisect_right(starts, item.start) - 1
        if k >= 0 and item.start < sentences[k].end:
            buckets[k].append(item)
    return buckets


def _leaf_places(places: list[PlaceMention], start: int, end: int) -> list[PlaceMention]:
    """Places in [start, end) that no other place in the span is written inside of."""
    inside = [p for p in places if start <= p.start < end]
    parents = {p.parent for p in inside if p.parent is not None}
    return [p for p in inside if p.start not in parents]


# ---------------------------------------------------------------- document

def resolve(page: Page, mentions: Mentions) -> Facts:
    """Entities, posts, places and events of one document (a pure function of its page)."""
    doc_id = doc_id_of(page)
    b = _Builder(page, doc_id)
    sentences, headings = _sentences(page)
    ctx = _Context(page, mentions, sentences, headings)
    official_key: dict[int, str] = {}
    for m in mentions.persons:
        if m.official:
            official_key[m.start] = b.person(m.name, m.original, True, None, m.start, m.end)
    for m in mentions.persons:
        if m.form == "chain":
            _add_posts(b, ctx, official_key[m.start], m)
    for m in mentions.persons:
        if m.form == "name_title":
            _add_name_title(b, ctx, official_key[m.start], m)
        elif m.form == "role" and m.name not in b.persons:
            b.person(m.name, m.original, False, m.role, m.start, m.end)
    for byline in page.bylines:
        if byline.name not in b.persons:
            b.person(byline.name, byline.original, False, byline.role, byline.start, byline.end)
    key_at = _add_places(b, ctx, mentions)
    events = _events(b, mentions, sentences, key_at, official_key)
    return Facts(doc_id=doc_id, source=page.source, page=page, persons=list(b.persons.values()),
                 holdings=list(b.holdings.values()), organizations=list(b.organizations.values()),
                 regions=[replace(r, evidence=b.mentioned.get(r.key)) for r in b.regions.values()], events=events)
