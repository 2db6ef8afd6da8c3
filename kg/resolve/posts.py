"""Posts: each title of a chain in its organisation, the organisation spelled out with its jurisdiction.

The organisation is the one written before the title (``OrgMention``), read in the frame the chain
sets: a bare level takes the region the context gives it (区委 → 岳麓区委), a department of a party
committee belongs to the committee of the segment before (区委常委、政法委书记 → 岳麓区委政法委), a
body written without a place inherits the jurisdiction of the segment before (副县长、公安局局长), a
title with no organisation of its own either names one (市长 → 市政府, 总理 → 国务院) or takes the
one before it (党组书记、局长). What cannot be resolved is kept as written, with no jurisdiction:
市长李卫东 in an article that names no city is 市长 of 市政府, never of a guessed city.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kg import lexicon
from kg.extract.organisations import TOWN_LEVELS
from kg.gazetteer import Division
from kg.model import Holding, Organization, OrgMention, OrgUnit, PersonMention, Post, PostMention
from kg.resolve.builder import Builder
from kg.resolve.context import Context, Town, split_town, written_division

_COMMITTEES = ("委", "党委", "党工委", "工委", "中共中央")  # party committees a department may belong to
_ORGAN_PARTY_GROUPS = ("党委", "党组")  # the party committee or group inside a body (公安局党委, 交通局党组)

Jurisdiction = Division | Town


@dataclass(frozen=True)
class _Spelled:
    """An organisation as resolved: its key and label, jurisdiction and units, and the party committee
    at its head (for departments written after it)."""

    key: str
    label: str
    jurisdiction: Jurisdiction | None
    units: tuple[OrgUnit, ...]
    committee: str | None  # label of the committee at its head (岳麓区委, 中共中央)
    written_place: str | None = None  # the place or level written for it when its region is unknown (县)


def add_posts(b: Builder, ctx: Context, person_key: str, mention: PersonMention) -> None:
    """One holding per title of the chain."""
    before: _Spelled | None = None
    for seg in mention.posts:
        spelled = _spell(b, ctx, seg, before)
        if spelled is None:
            continue
        post = Post(seg.title, spelled.key, b.evidence(seg.start, mention.end))
        b.holdings.setdefault((person_key, seg.title, spelled.key), Holding(person_key, post))
        before = spelled


def _spell(b: Builder, ctx: Context, seg: PostMention, before: _Spelled | None) -> _Spelled | None:
    """The organisation of one segment, in this order: one the tagger named but the grammar cannot read
    (as written); a place or level alone (the region's government); none written (the title's own:
    national, or its level's government, or the one before it); a national or foreign one (as written);
    one with its place or level (spelled with the region); one written without (a department of the
    committee before it, a body of the region before it, or as written). None: nothing to hold it."""
    info = lexicon.titles()[seg.title]
    org = seg.org
    if org is not None and not (org.units or org.national or org.foreign or org.place or org.level):
        return _record(b, org.written, None, (), None)  # named by the tagger, unread by the grammar (北约)
    if org is not None and not org.units and (org.place or org.level) and not info.level and not org.foreign:
        juris = _jurisdiction_of(ctx, org, seg.start)  # 自治区主席, 长沙市主席: the region's government
        return _in(b, juris, org.written, (OrgUnit("", info.default_organ or "政府"),))
    if org is None or not org.units and not org.national and not org.foreign:
        if info.national_organ:
            return _record(b, info.national_organ, None, (OrgUnit("", info.national_organ),), info.national_organ)
        if info.level:
            organ = OrgUnit("", info.default_organ or "政府")
            place = _jurisdiction_of(ctx, org, seg.start) if org is not None else None
            if place is None and org is not None and org.place:
                return _in(b, None, org.place, (organ,))  # 青山县副县长: a county the list lacks, as written
            return _in(b, place or _level_jurisdiction(ctx, info.level, seg.start), info.level, (organ,))
        if seg.inherited and before is not None:
            return _inherited(b, before, seg.title)
        return None
    if org.national or org.foreign:
        written = org.written
        return _record(b, written, None, org.units, _committee_of(written, org.units))
    juris = _jurisdiction_of(ctx, org, seg.start)
    if juris is not None or org.level:
        return _in(b, juris, _written_place(org), org.units)
    # written without a place: a department of the committee before it, or a body of its jurisdiction
    head = lexicon.organs()[org.units[0].form]
    if before is not None and before.committee and (head.scope == "sub" or org.units[0].form == "书记处"):
        label = before.committee + _spelled_units(org.units, before.jurisdiction)
        return _record(b, label, before.jurisdiction, org.units, before.committee)
    if before is not None and len(before.units) > 1 and before.units[-1].form in _ORGAN_PARTY_GROUPS:
        party = _spelled_units(before.units[-1:], before.jurisdiction)  # 公安局党委委员、政治部主任: a unit
        if before.label.endswith(party):  # of the body that party committee leads (公安局政治部)
            label = before.label[:-len(party)] + _spelled_units(org.units, before.jurisdiction)
            return _record(b, label, before.jurisdiction, before.units[:-1] + org.units, before.committee)
    if before is not None and (before.jurisdiction is not None or before.written_place):
        return _in(b, before.jurisdiction, before.written_place, org.units)  # 副县长、公安局局长: the county's
    return _record(b, org.written, None, org.units, _committee_of(org.written, org.units))  # never guessed


def _jurisdiction_of(ctx: Context, org: OrgMention | None, pos: int) -> Jurisdiction | None:
    """The region an organisation names in front (浙江省, 江宁区青山镇) or whose level it writes (区委)."""
    if org is None:
        return None
    if org.place:
        town = split_town(org.place)
        if town is not None:
            found = ctx.town(town[1], pos, town[0])
            return Town(found.name, found.level, town[2]) if found and town[2] else found
        division = written_division(org)
        if division is not None:
            return division
    if org.level:
        return _level_jurisdiction(ctx, org.level, pos)
    return None


def _level_jurisdiction(ctx: Context, level: str, pos: int) -> Jurisdiction | None:
    return ctx.town(level, pos) if level in TOWN_LEVELS else ctx.resolve(level, pos)


def _inherited(b: Builder, before: _Spelled, title: str) -> _Spelled:
    """党委书记、局长: the unit of the organisation before that the title heads (its 局, not its 党委), or
    the whole of it (主任 of a 委员会)."""
    organs = lexicon.organs()
    head = title[-2] if len(title) >= 2 and title.endswith("长") else ""
    for n in range(len(before.units) - 1, -1, -1):
        if head and organs[before.units[n].form].normal.endswith(head):
            if n == len(before.units) - 1:
                return before
            rest = _spelled_units(before.units[n + 1:], before.jurisdiction)
            if not before.label.endswith(rest):
                return before
            label = before.label[:-len(rest)]
            if before.jurisdiction is not None and not isinstance(before.jurisdiction, Town):
                return _in(b, before.jurisdiction, None, before.units[:n + 1])
            return _record(b, label, before.jurisdiction, before.units[:n + 1], before.committee)
    return before


def _spelled_units(units: tuple[OrgUnit, ...], juris: Jurisdiction | None) -> str:
    organs = lexicon.organs()
    town = isinstance(juris, Town)
    return "".join(u.name + ((organs[u.form].town_normal or organs[u.form].normal) if town else organs[u.form].normal)
                   for u in units)


def _written_place(org: OrgMention) -> str:
    """What an organisation writes before its units (省, 自治区, 浙江省): its label when the region is unknown."""
    units = "".join(u.name + u.form for u in org.units)
    return org.written[:len(org.written) - len(units)] if org.written.endswith(units) else (org.level or "")


def _in(b: Builder, juris: Jurisdiction | None, written: str | None, units: tuple[OrgUnit, ...]) -> _Spelled:
    """An organisation of a jurisdiction, or of a place written as ``written`` whose region is unknown
    (市政府, 自治区政府: no jurisdiction)."""
    rest = _spelled_units(units, juris)
    if juris is None:
        label = (written or "") + rest
        return replace(_record(b, label, None, units, _committee_of(label, units)), written_place=written or None)
    if isinstance(juris, Town):
        region = b.town_region(juris)
        label = juris.name + rest
        key = (juris.county.name if juris.county else "") + label  # two towns of one name stay apart
    else:
        region = b.region_for_division(juris)
        label = key = juris.name + rest
    full: tuple[str, ...] = ()
    core = lexicon.organs().get(units[0].form) if len(units) == 1 and not units[0].name else None
    if core is not None and core.full_name:
        full = tuple(part.replace("{J}", juris.name) for part in core.full_name.split("、"))
    if key not in b.organizations:
        b.organizations[key] = Organization(key, label, full, region)
    return _Spelled(key, label, juris, units, _committee_of(label, units))


def _record(b: Builder, label: str, juris: Jurisdiction | None, units: tuple[OrgUnit, ...],
            committee: str | None) -> _Spelled:
    """An organisation with no jurisdiction (national, foreign, or one whose region the text does not say)."""
    b.organizations.setdefault(label, Organization(label, label))
    return _Spelled(label, label, juris, units, committee)


def _committee_of(label: str, units: tuple[OrgUnit, ...]) -> str | None:
    """The label up to the party committee at the head of an organisation (岳麓区委 of 岳麓区委宣传部)."""
    if units and units[0].form in _COMMITTEES and not units[0].name:
        rest = "".join(u.name + lexicon.organs()[u.form].normal for u in units[1:])
        return label[:len(label) - len(rest)] if rest and label.endswith(rest) else label
    return None
