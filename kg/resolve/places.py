"""Places: each place mention becomes a region (a division of the national list, a town, a village or
a facility) inside the place the text or the context puts it in."""

from __future__ import annotations

from kg import lexicon
from kg.extract.organisations import TOWN_LEVELS, parse_org
from kg.extract.places import only_common_words
from kg.gazetteer import Division, gazetteer
from kg.model import Mentions
from kg.resolve.builder import Builder
from kg.resolve.context import Context, named_after_division

_VILLAGE_LEVELS = ("村", "社区")
_COMPANY_SUFFIXES = ("有限责任公司", "有限公司", "股份公司", "公司", "集团")


def add_places(b: Builder, ctx: Context, mentions: Mentions) -> dict[int, str]:
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
                named_after = named_after_division(p.name)
                parent = b.region_for_division(named_after) if named_after else None
            label, original = p.name, p.original
            # 社区卫生服务中心, 敬老院: a facility named only with common words is named after its region;
            # a company registered under its county keeps the county in its name (某某县甲乙有限公司)
            enclosing = b.regions.get(parent) if parent is not None else None
            if enclosing is not None and enclosing.kind == "AdministrativeRegion" and p.kind == "Facility" and (
                    only_common_words(p.name) or p.name in lexicon.facility_suffixes() or
                    (p.name.endswith(_COMPANY_SUFFIXES) and enclosing.adcode is not None) or
                    (enclosing.adcode is not None and _an_office(p.name))):
                label = enclosing.label + p.name
                original = (enclosing.original or enclosing.label) + p.original
            key = b.add_region(label, original, p.kind, p.level, parent)
        key_at[p.start] = key
        b.mentioned.setdefault(key, b.evidence(p.start, p.end))
        last_sibling[p.level] = b.regions[key].part_of
        if b.regions[key].part_of and not divisions:
            placed[p.name] = key
    return key_at


def _an_office(name: str) -> bool:
    """司法局, 公安分局: a public office named only by what it does belongs to the division before it."""
    org = parse_org(name)
    return org is not None and org.public and bool(org.units) and not (org.place or org.level or org.national)


def _pick(divisions: list[Division], parent: str | None, ctx: Context) -> Division:
    """Of several divisions with one name, the one inside the place written before it, else the one
    whose enclosing divisions the article names most."""
    if len(divisions) == 1:
        return divisions[0]
    gaz = gazetteer()
    inside = [d for d in divisions if parent in {a.adcode for a in gaz.ancestors(d)}]
    if inside:
        return inside[0]
    return max(divisions, key=lambda d: sum(ctx.votes[a.adcode] for a in gaz.ancestors(d)))


def _prefixed(juris: Division, original: str) -> str:
    return juris.name + original[1:]
