"""The organisation grammar: [party or national prefix][place or level][name][organ suffix]….

An organisation is read from its written form alone, by its suffixes (``kg/data/organs.tsv``), not
from a list of known bodies: 省银保监局 is level 省 + 银保监 + 局, 国家发展改革委 is national +
发展改革 + 委, 东湖大学历史学系 is 东湖大学 (a school) + 历史学系. The suffix kinds say whether it
is a public office (its posts make officials) or a company, an academy or a newspaper: the outermost
organisation decides (国务院发展研究中心 is the State Council's, 公司业务部 a company's).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache, lru_cache

from kg import lexicon
from kg.dictionary import freq
from kg.extract.text import is_cjk
from kg.gazetteer import gazetteer
from kg.model import OrgMention, OrgUnit

LEVELS = "省市区县镇乡州"
TOWN_LEVELS = ("街道", "镇", "乡")
_LEVEL_WORDS = (("自治区", "省"), ("自治州", "州"), ("自治县", "县"), ("街道", "街道"))  # 街道党工委: the subdistrict's
_TOWN = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:街道|镇|乡)")


@cache
def _forms_longest_first() -> tuple[str, ...]:
    return tuple(sorted(lexicon.organs(), key=len, reverse=True))


@cache
def _forms_by_last() -> dict[str, tuple[str, ...]]:
    """Suffix forms (not whole organisations) by their last character, longest first."""
    table: dict[str, list[str]] = {}
    for form in _forms_longest_first():
        if lexicon.organs()[form].scope != "whole":
            table.setdefault(form[-1], []).append(form)
    return {last: tuple(forms) for last, forms in table.items()}


@cache
def organ_last_characters() -> frozenset[str]:
    """The characters an organisation's name can end with."""
    return frozenset(_forms_by_last())


def ends_with_organ(text: str) -> bool:
    """Can ``text`` end an organisation (does it end with a suffix form)?"""
    return bool(text) and any(text.endswith(f) for f in _forms_by_last().get(text[-1], ()))


@cache
def _prefixes_longest_first() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(lexicon.org_prefixes().items(), key=lambda kv: -len(kv[0])))


def parse_org(written: str, start: int = 0) -> OrgMention | None:
    """The organisation ``written`` names, or None when it does not end with an organ suffix (or a
    national or foreign name standing alone: 国家主席, 美国总统)."""
    org = _parsed(written)
    return replace(org, start=start, end=start + len(written)) if org is not None and start else org


@lru_cache(maxsize=65536)
def _parsed(written: str) -> OrgMention | None:
    pos, national, units = 0, False, []
    organs = lexicon.organs()
    whole = next((f for f in _forms_longest_first() if organs[f].scope == "whole" and written.startswith(f)), None)
    if whole:
        units.append(OrgUnit("", whole))
        pos, national = len(whole), True
    else:
        for prefix, meaning in _prefixes_longest_first():
            if written.startswith(prefix):
                pos += len(prefix)
                national = meaning == "national"
                break
    place, level, foreign, pos = _place(written, pos) if not national else (None, None, False, pos)
    rest = _units(written[pos:])
    if rest is None:
        return None
    units.extend(rest)
    if not units and not (national or foreign or place or level):
        return None
    kind = _kind(units[0]) if units else "state"  # the outermost organisation: 哈佛大学…研究中心 is a school
    return OrgMention(written, 0, len(written), tuple(units), place, level, national, foreign, kind)


def _kind(unit: OrgUnit) -> str:
    """The kind of one unit: a named 委 is a commission of the state (发展改革委), a bare one the party's."""
    kind = lexicon.organs()[unit.form].kind
    return "state" if unit.form == "委" and unit.name else kind


def _place(text: str, pos: int) -> tuple[str | None, str | None, bool, int]:
    """The place written at ``pos``: (place, level, foreign, position after it)."""
    gaz = gazetteer()
    for size in range(min(8, len(text) - pos), 0, -1):
        name = text[pos:pos + size]
        if name in lexicon.countries() and (size > 1 or pos + size < len(text)):
            return name, None, True, pos + size
        if size < 2:
            continue
        level = text[pos + size:pos + size + 1]
        if gaz.by_name.get(name):
            town = _TOWN.match(text, pos + size)  # 江宁区青山镇党委: the town inside the county
            if town and _units(text[town.end():]):
                return name + town.group(), None, False, town.end()
            again = _units(text[pos + size + 1:]) if level == name[-1] and level in LEVELS else None
            if again and not again[0].name:  # 献县县委: the county, then its level again (not 市场监管局)
                return name, None, False, pos + size + 1
            return name, None, False, pos + size
        if level and level in LEVELS and any(d.level == level for d in gaz.by_short.get(name, [])):
            return name, level, False, pos + size + 1  # 浙江 + 省委
    town = _TOWN.match(text, pos)
    if town and _units(text[town.end():]):
        return town.group(), None, False, town.end()
    for word, level in _LEVEL_WORDS:
        if text.startswith(word, pos):
            return None, level, False, pos + len(word)  # 自治区主席: the region's government
    if pos < len(text) and text[pos] in LEVELS and pos + 1 < len(text):
        return None, text[pos], False, pos + 1  # 省委, 市卫生健康委员会
    return None, None, False, pos


def _units(text: str) -> list[OrgUnit] | None:
    """``text`` read right to left as units, each a free name and an organ suffix; None if it cannot be."""
    units: list[OrgUnit] = []
    end = len(text)
    while end > 0:
        form = next((f for f in _forms_by_last().get(text[end - 1], ()) if text.endswith(f, 0, end)), None)
        if form is None:
            return None
        name_end = end - len(form)
        k = name_end
        while k > 0 and not _unit_ends_at(text, k):
            k -= 1
        units.insert(0, OrgUnit(text[k:name_end], form))
        end = k
    return units


def _unit_ends_at(text: str, k: int) -> bool:
    """Does an earlier unit end at ``k`` (区委|政法委, 政协|农业农村…委员会)? A one-character suffix
    counts only where no dictionary word runs across ``k`` (科学技术部 is one unit, not 科|学技术部)."""
    for form in _forms_longest_first() if k < 1 else _all_by_last().get(text[k - 1], ()):
        if text.endswith(form, 0, k):
            if len(form) > 1:
                return True
            return not (k < len(text) and freq(text[k - 1:k + 1]) >= 50 and is_cjk(text[k]))
    return False


@cache
def _all_by_last() -> dict[str, tuple[str, ...]]:
    """Every form (whole organisations too) by its last character, longest first."""
    table: dict[str, list[str]] = {}
    for form in _forms_longest_first():
        table.setdefault(form[-1], []).append(form)
    return {last: tuple(forms) for last, forms in table.items()}
