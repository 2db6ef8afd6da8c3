"""Plain data passed between the pipeline stages.

read (load + normalise) -> Page -> extract -> Mentions -> resolve -> Facts -> rdf.
Offsets named ``start``/``end`` are half-open character offsets.  ``Page.text``
offsets are mapped back to ``SourceText.raw`` (the decoded original file) with
``Page.raw_span``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class SourceText:
    """One article as loaded from disk, before any normalisation.

    ``raw`` is the decoded original (the whole file for .txt/.html, the
    record's ``text`` field for .jsonl); offsets in the graph slice ``raw``.
    ``text`` is the plain text to analyse and ``offsets[i]`` is the index in
    ``raw`` of ``text[i]`` (``len(offsets) == len(text) + 1``; the last entry
    is the raw end of the text).
    """

    source: str  # file name shown to users, e.g. 000_x.txt or feed.jsonl#3
    path: str  # path as given on the command line
    raw: str
    encoding: str
    text: str
    offsets: tuple[int, ...]
    title: str | None = None
    date: str | None = None  # ISO date/datetime as given by the source metadata
    url: str | None = None
    publisher: str | None = None


BlockKind = Literal["title", "heading", "paragraph", "caption", "byline", "meta"]


@dataclass(frozen=True)
class Block:
    """A line of the article body with its role (headings delimit sections)."""

    start: int
    end: int
    kind: BlockKind


@dataclass(frozen=True)
class Byline:
    """A credited non-official: reporter, editor, photographer, correspondent."""

    name: str  # Simplified
    original: str  # as written in the source
    role: str  # Simplified role word: 记者, 编辑, 通讯员, 摄影 …
    start: int  # offsets in Page.text
    end: int


@dataclass
class Page:
    """A normalised article: Simplified analysis text aligned to the raw file."""

    source: SourceText
    text: str  # Simplified, glosses removed, mojibake masked, boilerplate dropped
    original: str  # same length as ``text``: the source-script characters
    offsets: tuple[int, ...]  # text index -> raw index, len(text) + 1 entries
    script: Literal["zh-Hans", "zh-Hant"]
    blocks: list[Block] = field(default_factory=list)
    masked: list[tuple[int, int]] = field(default_factory=list)  # mojibake spans
    bylines: list[Byline] = field(default_factory=list)
    title: str | None = None  # Simplified
    published: str | None = None  # YYYY-MM-DD[THH:MM:SS] or --MM-DD
    publisher: str | None = None

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the raw file."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def raw_slice(self, start: int, end: int) -> str:
        a, b = self.raw_span(start, end)
        return self.source.raw[a:b]


MentionLabel = Literal["PERSON", "TITLE", "ORG", "PLACE", "DATE", "TRIGGER"]


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: a sentence of one document."""

    doc_id: str
    start: int  # offsets in SourceText.raw
    end: int
    text: str  # exactly SourceText.raw[start:end]


@dataclass(frozen=True)
class Region:
    """An administrative region or a named facility."""

    key: str  # Simplified full label; identity within and across documents
    label: str  # Simplified
    original: str | None  # Traditional spelling when the source was Traditional
    kind: Literal["AdministrativeRegion", "Facility", "Place"]
    level: str | None = None  # 省/市/区/县/镇/乡/街道/村/社区/小区 …
    adcode: str | None = None
    part_of: str | None = None  # key of the enclosing region
    evidence: Evidence | None = None  # first sentence naming it (None: only known from the division list)


@dataclass(frozen=True)
class Organization:
    key: str  # spelled-out Simplified label, e.g. 东城区委宣传部
    label: str
    full_names: tuple[str, ...] = ()  # e.g. 中共东城区委员会宣传部
    jurisdiction: str | None = None  # Region key
    original: str | None = None


@dataclass(frozen=True)
class Post:
    title: str  # bare title: 书记, 常委, 代区长 …
    org: str | None  # Organization key
    evidence: Evidence


@dataclass(frozen=True)
class Person:
    key: str  # Simplified name (plus role for non-officials)
    name: str
    original: str | None
    official: bool
    role: str | None = None  # for non-officials
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Holding:
    person: str  # Person key
    post: Post


@dataclass(frozen=True)
class Event:
    key: str  # unique within the document: doc_id-n
    kinds: tuple[str, ...]  # Inspection, CondolenceVisit, Research, Meeting (may be empty)
    leader: str  # Person key
    participants: tuple[str, ...]
    places: tuple[str, ...]  # Region keys
    date: str | None  # YYYY-MM-DD or --MM-DD
    evidence: Evidence
    label: str = ""


@dataclass
class Facts:
    """Everything resolved from one document."""

    doc_id: str
    source: SourceText
    page: Page
    persons: list[Person] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- mentions (extract → resolve)

@dataclass(frozen=True)
class OrgUnit:
    """One step of an organisation's name: a free name and the organ suffix ending it (银保监 + 局)."""

    name: str
    form: str  # the suffix as written (委, 局, 委员会, 政法委 …), a key of kg/data/organs.tsv


@dataclass(frozen=True)
class OrgMention:
    """An organisation as written: [party or national prefix][place or level][name][suffix]…

    浙江省委 → place 浙江, level 省, units (委); 市卫生健康委员会 → level 市, units (卫生健康 委员会);
    国家发展改革委 → national, units (发展改革 委); 区委政法委 → level 区, units (委) (政法委).
    """

    written: str  # Simplified, as in the text
    start: int
    end: int
    units: tuple[OrgUnit, ...] = ()
    place: str | None = None  # a division, town or country written in front (浙江, 江宁区青山镇, 俄罗斯)
    level: str | None = None  # the level character after the place, or written bare (省委 → 省)
    national: bool = False  # opens with 中央, 国家, 全国 …, or is a national organisation (国务院)
    foreign: bool = False  # the place is a country other than China
    kind: str = "state"  # a kind of kg/data/organs.tsv: party, state, company, school …

    @property
    def public(self) -> bool:
        """Is it a public office (party, state, congress, CPPCC, courts, people's organisations, army)?"""
        from kg.lexicon import PUBLIC_KINDS

        return self.kind in PUBLIC_KINDS


@dataclass(frozen=True)
class PostMention:
    """One title of a title chain, with the organisation written before it (if any)."""

    title: str
    start: int  # span of this segment (organisation + title) in Page.text
    end: int
    org: OrgMention | None = None
    inherited: bool = False  # no organisation of its own: the one of the segment before (党组书记、局长)


PersonForm = Literal["chain", "name_title", "leaders_list", "listed", "byline", "role", "reference", "alias"]


PARTICIPANT_ROLE = "与会者"  # the role of people named only as taking part in an official's event


@dataclass(frozen=True)
class PersonMention:
    name: str  # Simplified
    original: str
    start: int  # the name itself
    end: int
    form: PersonForm
    posts: tuple[PostMention, ...] = ()
    role: str | None = None  # for non-officials
    phrase_start: int | None = None  # start of the title chain in front of the name
    is_official: bool = True  # chains: whether the posts are public offices

    @property
    def official(self) -> bool:
        if self.form in ("chain", "name_title"):
            return self.is_official
        return self.form in ("leaders_list", "reference", "alias")


@dataclass(frozen=True)
class PlaceMention:
    """A named place; ``parent`` is the start of the enclosing place written just before it."""

    name: str  # Simplified label
    original: str | None  # as written, when it spells the same name
    start: int
    end: int
    kind: Literal["AdministrativeRegion", "Facility"]
    level: str | None
    parent: int | None = None
    level_prefix: str | None = None  # a facility written with a bare level (市图书馆 → 市)
    in_list: bool = False  # written as a sibling after 、
    located_in: int | None = None  # start of a place the sentence says it lies in (位于甲镇的…, 在甲镇，…)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int


@dataclass(frozen=True)
class Cue:
    """A discourse word: event trigger, speech verb, pronoun, participant marker …"""

    kind: str  # trigger | speech | pronoun | participant | anaphor_place | commission | in_event
    word: str
    start: int
    end: int
    event_class: str | None = None


@dataclass
class Mentions:
    persons: list[PersonMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
