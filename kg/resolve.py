"""Fourth stage: mentions become entities, posts and events of one document.

Decisions that need the whole document are made here: which 区 a bare 区委 means (the section
heading, the nearest named region of that level, or the region the article's places share in
the national division list), who is the subject of a sentence, which places an official went
to, and which date an event took place on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kg import lexicon
from kg.extract import LEVELS, _common_word
from kg.gazetteer import Division, gazetteer
from kg.model import (
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
_TIME_LEADS = ("随后", "之后", "接着", "其间", "同时", "此外", "期间", "当天", "当日")
_OBJECT_MARKERS = "向对给为与和同跟陪"


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


class _Context:
    """Which region a bare level (区, 市, 省 …) means at a point of the document."""

    def __init__(self, page: Page, mentions: Mentions, sections: list[_Sentence],
                 headings: list[tuple[int, int, str]]):
        gaz = gazetteer()
        self.section_of = _section_lookup(sections, headings)
        self.explicit: list[_Explicit] = []
        self.heading: dict[int, Division] = {}
        for section, start, text in headings:
            head = re.split(r"[:：]", text, maxsplit=1)
            if len(head) == 2 and 2 <= len(head[0]) <= 8:
                division = _division_in(head[0])
                if division:
                    self.heading[section] = division
            for division in _divisions_named_in(text):
                self.explicit.append(_Explicit(start, section, division))
        for place in mentions.places:
            hits = gaz.by_name.get(place.name)
            if place.kind == "AdministrativeRegion" and hits:
                self.explicit.append(_Explicit(place.start, self.section_of(place.start), hits[0]))
        for person in mentions.persons:
            for post in person.posts:
                hits = gaz.by_name.get(post.jurisdiction or "")
                if hits:
                    self.explicit.append(_Explicit(post.start, self.section_of(post.start), hits[0]))
        self.explicit.sort(key=lambda e: e.pos)
        self.title_divisions = _divisions_named_in(page.title or "")
        votes: Counter[str] = Counter()
        for e in self.explicit:
            for a in [e.division, *gaz.ancestors(e.division)]:
                votes[a.adcode] += 1
        self.votes = votes

    def resolve(self, level: str, pos: int) -> Division | None:
        gaz = gazetteer()
        section = self.section_of(pos)
        head = self.heading.get(section)
        if head and head.level == level:
            return head
        same_section = [e for e in self.explicit if e.section == section and e.division.level == level]
        before = [e for e in same_section if e.pos <= pos]
        if before:
            return before[-1].division
        if same_section:
            return same_section[0].division
        if head:
            up = [a for a in gaz.ancestors(head) if a.level == level]
            if up:
                return up[0]
        titled = [d for d in self.title_divisions if d.level == level]
        if titled:
            return titled[0]
        anywhere = [e for e in self.explicit if e.division.level == level]
        if anywhere:
            return Counter(e.division.adcode for e in anywhere).most_common(1)[0][0] and \
                gaz.by_code[Counter(e.division.adcode for e in anywhere).most_common(1)[0][0]]
        ranked = [(n, code) for code, n in self.votes.items() if gaz.by_code[code].level == level]
        if ranked:
            return gaz.by_code[max(ranked)[1]]
        return None

    def county(self, pos: int) -> Division | None:
        """The county-level region a town or street written without its county belongs to."""
        section = self.section_of(pos)
        head = self.heading.get(section)
        if head and head.level in "区县" or head and head.level == "市" and head.parent and \
                gazetteer().by_code[head.parent].level == "市":
            return head
        for scope in (section, None):
            found = [e for e in self.explicit if (scope is None or e.section == scope)
                     and _is_county_level(e.division)]
            before = [e for e in found if e.pos <= pos]
            if before:
                return before[-1].division
            if found:
                return found[0].division
        return None


def _is_county_level(division: Division) -> bool:
    if division.level in "区县":
        return True
    parent = gazetteer().by_code.get(division.parent or "")
    return division.level == "市" and parent is not None and parent.level == "市"


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

    def evidence(self, start: int, end: int) -> Evidence:
        """The whole sentence around a span, sliced from the original file."""
        text = self.page.text
        a = max(text.rfind(c, 0, start) for c in "。！？!?；;\n") + 1
        ends = [i for i in (text.find(c, end) for c in "。！？!?；;\n") if i >= 0]
        b = min(ends) + 1 if ends else len(text)
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
        old = self.regions.get(region.key)
        if old is None or (old.original is None and region.original) or (old.part_of is None and region.part_of):
            self.regions[region.key] = Region(region.key, region.label, region.original or (old and old.original),
                                              region.kind, region.level, region.adcode,
                                              region.part_of or (old and old.part_of))

    def add_region(self, label: str, original: str | None, kind: str, level: str | None,
                   parent: str | None) -> str:
        key = f"{parent}/{label}" if parent and parent in self.regions and not parent.isdigit() else label
        if parent and parent.isdigit():
            key = f"{parent}/{label}"
        self._add_region(Region(key, label, _differs(original, label), kind, level, None, parent))  # type: ignore
        return key

    def person(self, name: str, original: str, official: bool, role: str | None, start: int, end: int) -> str:
        key = name if official else f"{name}（{role}）"
        if key not in self.persons or (official and not self.persons[key].official):
            self.persons[key] = Person(key, name, _differs(original, name), official, role,
                                       self.evidence(start, end))
        return key


def _differs(original: str | None, simple: str) -> str | None:
    return original if original and original != simple else None


# ---------------------------------------------------------------- posts

def _organization(b: _Builder, ctx: _Context, seg: PostMention, inherited: tuple[Division | None, tuple[str, ...]],
                  ) -> tuple[str | None, Division | None, tuple[str, ...]]:
    """Spell out the organisation of one chain segment; return (org key, jurisdiction, organs)."""
    titles, organs_table = lexicon.titles(), lexicon.organs()
    info = titles[seg.title]
    if seg.national:
        key = seg.national
        b.organizations.setdefault(key, Organization(key, key))
        return key, None, ()
    gaz = gazetteer()
    juris: Division | None = None
    if seg.jurisdiction:
        hits = gaz.by_name.get(seg.jurisdiction) or gaz.lookup(seg.jurisdiction)
        juris = hits[0] if hits else None
    elif seg.level:
        juris = ctx.resolve(seg.level, seg.start)
    else:
        juris = inherited[0]
    organs = seg.organs
    if organs:
        first = organs_table.get(organs[0])
        if first is not None and first.kind == "sub" and first.parent:
            organs = (first.parent, *organs)
        elif first is None or first.kind == "sub":
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
    region = b.region_for_division(juris)
    label = juris.name + "".join(organs)
    full = []
    core = organs_table.get(organs[0])
    if core is not None and core.full_name and len(organs) == 1:
        full = [part.replace("{J}", juris.name) for part in core.full_name.split("、")]
    if label not in b.organizations:
        b.organizations[label] = Organization(label, label, tuple(full), region)
    return label, juris, organs


def _add_posts(b: _Builder, ctx: _Context, person_key: str, mention: PersonMention) -> None:
    inherited: tuple[Division | None, tuple[str, ...]] = (None, ())
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
    level_of: dict[int, str | None] = {}
    last_sibling: dict[str | None, str | None] = {}
    for p in mentions.places:
        parent = key_at.get(p.parent) if p.parent is not None else None
        if parent is None and p.in_list and p.level is not None and p.level in last_sibling:
            parent = last_sibling[p.level]
        divisions = gaz.by_name.get(p.name) if p.kind == "AdministrativeRegion" else None
        if divisions:
            key = b.region_for_division(divisions[0], p.original)
        elif p.level_prefix:
            juris = ctx.resolve(p.level_prefix, p.start)
            if juris is None:
                key = b.add_region(p.name, p.original, "Facility", None, None)
            else:
                jkey = b.region_for_division(juris)
                label = juris.name + p.name[1:]
                key = b.add_region(label, _prefixed(juris, p.original), "Facility", None, jkey)
        else:
            if parent is None and p.kind == "AdministrativeRegion" and p.level in ("镇", "乡", "街道"):
                county = ctx.county(p.start)
                parent = b.region_for_division(county) if county else None
            label, original = p.name, p.original
            if parent is not None and p.kind == "Facility" and _starts_common(p.name):
                label = b.regions[parent].label + p.name
                original = (b.regions[parent].original or b.regions[parent].label) + p.original
            key = b.add_region(label, original, p.kind, p.level, parent)
        key_at[p.start] = key
        level_of[p.start] = p.level
        last_sibling[p.level] = b.regions[key].part_of
    return key_at


def _prefixed(juris: Division, original: str) -> str:
    return juris.name + original[1:]


def _starts_common(name: str) -> bool:
    """社区卫生服务中心 begins with a common noun: it is named after the place it is in."""
    return any(_common_word(name[:n]) for n in (2, 3, 4) if len(name) > n)


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


def _events(b: _Builder, mentions: Mentions, sentences: list[_Sentence], key_at: dict[int, str],
            official_key: dict[int, str], jurisdictions: set[str]) -> list[Event]:
    text = b.page.text
    cues = mentions.cues
    drafts: dict[tuple[str, int], _EventDraft] = {}
    order: list[tuple[str, int]] = []
    current: dict[int, str | None] = {}  # section -> current leader
    month_context = None
    if b.page.published and re.match(r"--(\d{2})", b.page.published):
        month_context = int(b.page.published[2:4])
    actor: str | None = None
    last_paragraph = -1
    last_place: str | None = None
    for sent in sentences:
        if sent.paragraph != last_paragraph:
            actor = None
            last_paragraph = sent.paragraph
        s_cues = [c for c in cues if sent.start <= c.start < sent.end]
        s_people = [p for p in mentions.persons if sent.start <= p.start < sent.end and p.start in official_key]
        speech_at = min((c.start for c in s_cues if c.kind == "speech"), default=sent.end)
        in_event = any(c.kind == "in_event" and c.start - sent.start <= 1 for c in s_cues)
        commission = [c for c in s_cues if c.kind == "commission"]
        subjects: list[tuple[str, int, bool]] = []
        participants: list[str] = []
        for p in s_people:
            if p.start >= speech_at:
                continue
            key = official_key[p.start]
            head = p.phrase_start if p.phrase_start is not None else p.start
            after = text[p.end:_clause_end(text, p.end, sent.end)]
            if any(c.start < head and "委托" in text[p.end:p.end + 4] for c in commission):
                continue
            if head > sent.start and text[head - 1] in _OBJECT_MARKERS:
                continue
            if any(w in after for w in lexicon.discourse()["participant"]):
                participants.append(key)
            elif in_event:
                participants.append(key)
            else:
                gap = text[subjects[-1][1]:head] if subjects else ""
                adjacent = bool(subjects) and re.fullmatch(r"[，,、和与及同]*", gap) is not None
                subjects.append((key, p.end, adjacent))
        pronoun = any(c.kind == "pronoun" and c.start < speech_at for c in s_cues)
        if subjects:
            actor = subjects[0][0]
            participants.extend(k for k, _, adjacent in subjects[1:] if adjacent)
        elif pronoun and actor is None:
            actor = current.get(sent.section)
        lead = actor or current.get(sent.section)
        if actor is None:
            _join(drafts.get((lead, sent.section)) if lead else None, participants)
            for p in mentions.places:
                if sent.start <= p.start < sent.end:
                    last_place = key_at.get(p.start, last_place)
            continue
        triggers = [c for c in s_cues if c.kind == "trigger" and c.start < speech_at]
        key = (actor, sent.section)
        if key not in drafts and triggers:
            drafts[key] = _EventDraft(actor, sent.section, sent.start)
            order.append(key)
            paragraph_start = min(s.start for s in sentences if s.paragraph == sent.paragraph)
            dates = [d for d in mentions.dates if paragraph_start <= d.start < sent.end]
            if dates:
                drafts[key].date = _resolve_date(dates[0], b.page.published, month_context)
        draft = drafts.get(key)
        _join(draft or drafts.get((current.get(sent.section), sent.section)), participants)
        if draft is None:
            continue
        current[sent.section] = actor
        for c in triggers:
            if c.event_class != "lead" and c.event_class not in draft.kinds:
                draft.kinds.append(c.event_class)  # type: ignore[arg-type]
        leaves = _leaf_places(mentions.places, sent.start, speech_at)
        for p in leaves:
            region = key_at.get(p.start)
            if region and region not in draft.places and region not in jurisdictions:
                draft.places.append(region)
        if any(c.kind == "anaphor_place" and c.start < speech_at for c in s_cues) and last_place:
            if last_place not in draft.places:
                draft.places.append(last_place)
        for p in mentions.places:
            if sent.start <= p.start < sent.end:
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
        if text[i] in "，,。！？!?；;\n":
            return i
    return limit


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
    jurisdictions = {o.jurisdiction for o in b.organizations.values() if o.jurisdiction}
    events = _events(b, mentions, sentences, key_at, official_key, set())
    del jurisdictions
    return Facts(doc_id=doc_id, source=page.source, page=page, persons=list(b.persons.values()),
                 holdings=list(b.holdings.values()), organizations=list(b.organizations.values()),
                 regions=list(b.regions.values()), events=events)
