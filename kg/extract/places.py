"""Places written in a paragraph: administrative divisions, towns, villages and named facilities.

A place is a name before a suffix (``kg/data/admin_levels.tsv``, ``kg/data/facilities.tsv``), read
leftwards from the suffix to a function word, a punctuation mark or the place written before it;
that place, when adjacent, is where it lies (江宁区青山镇: 青山镇 inside 江宁区). Decisions that need
the document (which 青山镇) are left to ``kg.resolve``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache, lru_cache

from kg import dictionary, lexicon
from kg.dictionary import freq
from kg.extract.organisations import LEVELS, TOWN_LEVELS
from kg.extract.text import boundary_words, is_cjk
from kg.gazetteer import Division, gazetteer
from kg.model import Page, PlaceMention
from kg.normalise import CJK, MASK


@cache
def _suffixes_by_initial() -> dict[str, tuple[str, ...]]:
    words = set(lexicon.admin_suffixes()) | set(lexicon.facility_suffixes())
    table: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        table.setdefault(word[0], []).append(word)
    return {initial: tuple(words) for initial, words in table.items()}


def _suffixes_at(text: str, pos: int) -> list[str]:
    """Place suffixes written at ``pos``, longest first."""
    return [s for s in _suffixes_by_initial().get(text[pos], ()) if text.startswith(s, pos)]


@cache
def _suffix_regex() -> re.Pattern[str]:
    words = set(lexicon.admin_suffixes()) | set(lexicon.facility_suffixes())
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


# function words that end a place name on its left (not 于: 东于庄村)
_STOP_CHARS = set("的了在是和与及或对向从把将被给为以等也都又还就而并即每各该本我全要让使由到赴至往")
_ORDINAL = re.compile("第[一二三四五六七八九十]+")  # 第一医院, 第三中学: part of the name
_STOP_TAGS = frozenset({"v", "a", "p", "c", "u", "r", "m", "q", "z", "f", "ad", "vd", "ul", "uj", "mq"})


def _stops_place_name(text: str, k: int) -> bool:
    """Does the text just left of ``k`` end a word that cannot be part of a place name?"""
    return _stops_after(text[max(0, k - _LONGEST_STOP):k])


_LONGEST_STOP = 4  # characters of the longest word that may end a name (boundary words, dictionary words)


@cache
def _in_place_names() -> tuple[str, ...]:
    return tuple(lexicon.discourse()["in_place_name"])


@lru_cache(maxsize=1 << 16)
def _stops_after(tail: str) -> bool:
    """Does ``tail`` (the last few characters before a point) end with a word no place name holds?
    A function of those characters alone, so the answer is kept: texts repeat their tails."""
    if tail[-1] in _STOP_CHARS or (tail.endswith(boundary_words()) and tail[-1] != "于"):
        return True  # 于 ends names (张三于…), but not places (东于庄村)
    for size in (4, 3, 2):
        word = tail[-size:]
        if len(word) == size and freq(word) >= 100 and dictionary.tag(word, "n") in _STOP_TAGS \
                and not _ORDINAL.fullmatch(word) and not gazetteer().lookup(word):  # 开封 is a city, not a verb
            return True
    return False


_NAME_ASIDES = ("（集团）", "(集团)", "（中国）", "(中国)", "（控股）", "(控股)")  # written inside company names


def _place_name_start(text: str, end: int, floor: int, max_len: int) -> int:
    """Leftmost start of a place name ending at ``end``: stop at punctuation and function words."""
    k = end
    while k > floor and end - k < max_len:
        aside = text[k - 1] in "）)" and next((w for w in _NAME_ASIDES if text.startswith(w, k - len(w))
                                               and k - len(w) > floor), None)
        if aside:  # 甲飞机工业（集团）有限公司
            k -= len(aside)
            continue
        if not is_cjk(text[k - 1]):
            break
        inside = next((w for w in _in_place_names() if text.startswith(w, k - len(w)) and k - len(w) > floor), None)
        if inside:  # 某某同志纪念馆: 同志 ends a person's name, not this place's
            k -= len(inside)
            continue
        if _stops_place_name(text, k):
            if text[k - 1] == "本" and k - 1 > floor and k < end and freq(text[k - 1:k + 1]) < 100 and \
                    text[k] not in LEVELS + "村单":
                k -= 1  # 所属的本钢板材…厂: a company's short name, not 本 "this"
                continue
            break
        k -= 1
    if k < end and text[k] in LEVELS and k > floor and text[k - 1] in "该本全我各":
        k += 1  # 该镇东风村: "this town", then the village's own name
    crossing = text[k - 1:k + 1]
    if floor < k < end and freq(crossing) >= 50 and not dictionary.tag(crossing, "n").startswith("ns") and \
            not (text[k] in LEVELS + "村" and freq(text[k:k + 2]) == 0):
        k += 1  # 全员核酸检测…: do not start inside a word (but 和县 is a county, 进村党群… the village's)
    if k > floor and text[k - 1] == "在" and dictionary.tag(text[k:k + 2], "") == "v" and end - k > 4:
        k += 2  # 在参观青山博物馆时: what 在 opens is an act, the name comes after its verb
    return k


def _name_after_place(text: str, place: PlaceMention | None, start: int) -> int | None:
    """青山镇茶叶加工产业园: right after a place, a facility's name may hold a verb (加工)."""
    if place is None or not place.end < start or start - place.end > 8:
        return None
    gap = text[place.end:start]
    if all(is_cjk(c) and c not in _STOP_CHARS for c in gap) and not gap.startswith(boundary_words()) and \
            not any(freq(gap[:n]) >= 100 and dictionary.tag(gap[:n], "") == "v" for n in (2, 3)):
        return place.end
    return None


_QUOTES = str.maketrans("", "", "“”「」\"")
_CLAUSE_OPENING = re.compile(r"[。！？!?；;\n，,][^。！？!?；;\n，,]*$")  # the last clause mark before a point
_SENTENCE_OPENING = re.compile(r"[。！？!?；;\n][^。！？!?；;\n]*$")


def _unquoted(name: str) -> str:
    return name.translate(_QUOTES)


def _opening(pattern: re.Pattern[str], text: str, floor: int, pos: int) -> int:
    """Where the clause (or sentence) around ``pos`` opens, not before ``floor``."""
    m = pattern.search(text, floor, pos)
    return m.start() + 1 if m else floor


def _fronted_name_start(text: str, start: int, end: int, floor: int) -> int | None:
    """在堤防加固工程施工现场，…: after a sentence-opening 在, the whole phrase up to the suffix is the name
    (not in 在参观…博物馆时, where a verb follows 在)."""
    opening = _opening(_CLAUSE_OPENING, text, floor, start)
    if any(dictionary.tag(text[opening + 1:opening + 1 + n], "") == "v" for n in (2, 3)):
        return None
    if text.startswith("在", opening) and opening + 1 < start and end - opening - 1 <= 14 and \
            all(is_cjk(c) for c in text[opening + 1:end]) and text.startswith(("，", ","), _suffix_end(text, end)):
        return opening + 1
    return None


def _suffix_end(text: str, pos: int) -> int:
    """End of the facility suffix that starts at ``pos``."""
    return pos + max((len(s) for s in lexicon.facility_suffixes() if text.startswith(s, pos)), default=0)


def _gazetteer_name_start(text: str, end: int, floor: int, suffix: str, level: str) -> int | None:
    """Start of a division name (full name in the national list) ending with ``suffix`` at ``end``."""
    gaz = gazetteer()
    for size in (4, 3, 2, 1):
        a = end - size
        if a < floor or not all(is_cjk(c) for c in text[a:end]):
            continue
        name = text[a:end]
        if size == 1 and name in _STOP_CHARS:
            continue  # 和县 in 甲和县乙: the conjunction, not the county
        if gaz.by_name.get(name + suffix) or any(d.level == level for d in gaz.by_short.get(name, [])
                                                 if d.name.endswith(suffix)):
            return a
    return None


def _common_word(name: str) -> bool:
    return freq(name) >= 200 and not dictionary.tag(name, "n").startswith(("ns", "nr", "nz", "nt"))


def only_common_words(name: str) -> bool:
    """便民服务中心, 第一医院: a name made of dictionary words none of which is a proper noun."""
    words = dictionary.segment(name)
    kinds = set(lexicon.facility_suffixes())  # jieba tags some of them as names (幼儿园 nr)
    return all(w in kinds or (len(w) >= 2 and freq(w) > 0 and
                              not dictionary.tag(w, "x").startswith(("ns", "nr", "nz", "nt")))
               for w in words)  # a single character is what is left of an unknown (proper) word


def _is_generic(label: str) -> bool:
    """服务区, 封控片区, 我市: words that end like a place but name none."""
    generic, endings = _generic_endings()
    return label in generic or label.endswith(endings)


@cache
def _generic_endings() -> tuple[frozenset[str], tuple[str, ...]]:
    """Generic words, and those of them that a label may also end with (not bare suffixes such as 社区)."""
    bare = set(lexicon.admin_suffixes()) | set(lexicon.facility_suffixes())
    generic = lexicon.generic_areas()
    return generic, tuple(sorted(g for g in generic if g not in bare))


def _province_then_stub(name: str) -> bool:
    """A province's short name followed by a single character does not name a town."""
    return any(len(name) - size < 2 and any(d.level == "省" for d in gazetteer().by_short.get(name[:size], []))
               for size in (2, 3) if len(name) > size)


def floor_of(found: list[PlaceMention], a: int) -> int:
    """A new place name cannot begin before the end of the last place read."""
    return max(a, found[-1].end) if found else a


def _short_parent_left(text: str, start: int, floor: int, name: str) -> tuple[int, Division] | None:
    """A division's short name written right before ``name`` that encloses one of the divisions so named."""
    gaz = gazetteer()
    candidates = gaz.by_name.get(name, [])
    for size in (3, 2):
        k = start - size
        if k < floor:
            continue
        for up in gaz.by_short.get(text[k:start], []):
            if any(up in gaz.ancestors(c) for c in candidates):
                return k, up
    return None


def _split_known_prefix(text: str, start: int, end: int) -> int | None:
    """东城南关 → 东城 (a county's short name) + 南关: the offset where the inner name starts."""
    gaz = gazetteer()
    for size in (3, 2):
        if end - (start + size) >= 2 and gaz.by_short.get(text[start:start + size]):
            return start + size
    return None


def _name_start(text: str, m: re.Match[str], suffix: str, found: list[PlaceMention], a: int) -> int | None:
    """Where the name in front of ``suffix`` starts: a quotation, a division in the national list, or
    the longest run of name characters (up to a function word, the place before it, or 在 at the start)."""
    info = lexicon.admin_suffixes().get(suffix)
    floor = floor_of(found, a)
    if m.start() > a and text[m.start() - 1] in "”」\"":
        q = text.rfind("“", a, m.start() - 1)
        return q if q >= 0 else m.start()
    last = found[-1] if found else None
    if info is not None and info.level in "省市区县州" and not info.whole:
        start = _gazetteer_name_start(text, m.start(), floor, suffix, info.level)
        if start != floor and info.level in "区县" and _after_city(last, floor) and m.start() - floor == 2 \
                and all(is_cjk(c) and c not in _STOP_CHARS for c in text[floor:m.start()]):
            return floor  # 甲市新城区: a district newer than the division list (whose 城区 would leave 新 over)
        return start
    max_len = info.max_name + (2 if info.whole else 0) if info else 12
    start = _place_name_start(text, m.start(), floor, max_len)
    if info is not None and last is not None and last.kind == "AdministrativeRegion" and last.end == floor \
            and floor < start and 2 <= m.start() - floor <= max_len and all(is_cjk(c) for c in text[floor:m.start()]) \
            and text[floor] not in _STOP_CHARS and not text.startswith(boundary_words(), floor):
        return floor  # 青山镇东于庄村: right after the town, the village's whole name
    if info is None:
        start = _fronted_name_start(text, start, m.start(), floor) or \
            _name_after_place(text, found[-1] if found else None, start) or start
    return start


def _after_city(last: PlaceMention | None, floor: int) -> bool:
    return last is not None and last.end == floor and last.kind == "AdministrativeRegion" and last.level in "市州"


def _village_follows(text: str, pos: int) -> bool:
    """Does a village or community suffix follow within a short name's length (中坪村 after 港)?"""
    admin = lexicon.admin_suffixes()
    return any(text.startswith(w, k) for k in range(pos + 1, pos + 4) for w in _suffixes_at(text, k)
               if w in admin and admin[w].level in ("村", "社区"))


def _rejected(text: str, m: re.Match[str], suffix: str, start: int, found: list[PlaceMention], a: int) -> bool:
    """Readings of a suffix that name no place: too short, generic, an activity, part of another word."""
    info = lexicon.admin_suffixes().get(suffix)
    s_end = m.start() + len(suffix)
    name, label = text[start:m.start()], _unquoted(text[start:s_end])
    last = found[-1] if found else None
    adjacent = last is not None and last.end == start
    min_name = info.min_name if info else (1 if text[start] in LEVELS else 2)
    if info is None and not name and start > a and text[start - 1] == "、" and last and last.level_prefix:
        min_name = 0  # 县法院、检察院: the second item keeps the first one's level
    if info is None and not name and adjacent and last.kind == "AdministrativeRegion":
        if len(suffix) == 1 and _village_follows(text, s_end):
            return True  # 谢家镇港中村: 港 opens the village's name, it is no port of the town
        min_name = 0  # 青山镇敬老院: a facility named after the place it is in
    if info is not None and info.level == "村" and adjacent and last.level in TOWN_LEVELS:
        min_name = 1  # 青山镇石村: a one-character village, written right after its town
    listed = info is not None and info.level in "省市区县州" and not info.whole  # in the national list
    if listed and len(name) >= 2 and (gazetteer().by_name.get(label) or _after_city(last, start)):
        return False  # 余杭区, 甲市新城区: a division (of the list, or after its city), though 城区 is a word
    if len(name) < min_name or MASK in label or (not listed and _is_generic(label)):
        return True
    if info is None and adjacent and last.kind == "AdministrativeRegion" and freq(name) >= 40 and \
            dictionary.tag(name, "") in ("v", "vn"):
        return True  # 青山镇排查水库: what is done in the town, not a facility's name
    if info is not None and info.level in TOWN_LEVELS and _province_then_stub(name):
        return True  # 海南椰乡果业: a company named after its province, not a township
    if len(suffix) == 1 and _common_word(text[m.start():m.start() + 2]):
        return True  # 乡贤, 村民: the suffix character starts another word
    longer_word = text[m.start():s_end + 1]
    if len(suffix) > 1 and freq(longer_word) >= 50 and longer_word not in lexicon.facility_suffixes():
        return True  # 大学士, 工程师: the suffix is the start of a longer word
    ending = text[m.start() - 1:s_end]
    if len(suffix) == 1 and (freq(ending) >= (1000 if info else 100) or (
            freq(ending) >= 100 and dictionary.tag(ending, "") == "v")) and \
            not dictionary.tag(ending, "n").startswith("ns") and not (len(name) >= 2 and freq(text[start:s_end])):
        return True  # 农村, 大局, 回乡: the suffix character belongs to a common word (but 财政局 is a word)
    after_place = last is not None and (adjacent or (
        last.end == start - 1 and text[start - 1] == "、" and last.level_prefix is not None))
    quoted = m.start() > a and text[m.start() - 1] in "”」\""
    # 工业企业, 交通卡口: a kind of facility, not a named one (县教育局、财政局 are; 东湖大学 is a name)
    if info is not None or quoted or after_place or text[start] in LEVELS:
        return False
    label_tag = dictionary.tag(label, "")
    return (_common_word(name) and label_tag not in ("nt", "nz", "ns")) or label_tag in ("n", "j", "l")


_PARTY_OF_A_BODY = ("党委", "党组", "党工委")
_LEADING_PEOPLE_OF = re.compile(
    r"(?:带领|率领)([^，,。；;]{2,60}?)(?:主要负责人|负责人|负责同志|有关人员|工作人员)")


def places_in(page: Page, a: int, b: int, post_spans: list[tuple[int, int]],
              located: list[tuple[int, int]] = ()) -> list[PlaceMention]:
    """Places written in text[a:b], in order, each linked to the place written right before it;
    ``located`` holds the spans the tagger read as place names (LOC)."""
    text = page.text
    admin = lexicon.admin_suffixes()
    found: list[PlaceMention] = []
    pos = a
    while pos < b:
        m = _suffix_regex().search(text, pos, b)
        if m is None:
            break
        best = None
        prev = found[-1] if found and found[-1].end == m.start() else None
        for suffix in _suffixes_at(text, m.start()):
            s_end = m.start() + len(suffix)
            if s_end > b:
                continue
            if suffix not in admin and prev is not None and prev.kind == "Facility":
                best = (prev.start, s_end, suffix, False, prev.name + suffix)
                break
            start = _name_start(text, m, suffix, found, a)
            if start is None or _rejected(text, m, suffix, start, found, a):
                continue
            if any(ps <= start < pe or ps < s_end <= pe for ps, pe in post_spans):
                break
            best = (start, s_end, suffix, suffix in admin, _unquoted(text[start:s_end]))
            break
        if best is None:
            pos = m.start() + 1
            continue
        start, s_end, suffix, is_admin, label = best
        after = next((w for w in _suffixes_at(text, s_end) if w in admin and admin[w].level in ("社区", "小区", "街道")
                      and s_end + len(w) <= b), None) if is_admin and admin[suffix].level == "村" else None
        if after:  # 东风新村居民区, 青山村社区: the village's name is the community's
            label, s_end, suffix = label + after, s_end + len(after), after
        longer = max((k + len(w) for k in range(m.start() + 1, s_end) for w in _suffixes_at(text, k)
                      if k + len(w) <= b and w not in admin), default=s_end)
        if not is_admin and longer > s_end:  # 青山工业园区: 工业园, then 园区 runs on
            label += text[s_end:longer]
            s_end = longer
        last = found[-1] if found else None
        if last is not None and not is_admin and last.kind == "Facility" and start in (last.start, last.end):
            found.pop()  # 东站收费站检查站, 甲公司胡椒种植基地: one facility written in two parts
            label = last.name + label if start == last.end else label
            start, parent = last.start, last.parent
        else:
            parent = found[-1].start if found and found[-1].end == start else None
        in_list = start > a and text[start - 1] == "、"
        if parent is None and is_admin and (up := _short_parent_left(text, start, floor_of(found, a),
                                                                     label)) is not None:
            found.append(PlaceMention(name=up[1].name, original=None, start=up[0], end=start,
                                      kind="AdministrativeRegion", level=up[1].level))
            parent = up[0]  # 长春南关区: the city's short name in front says which 南关区
        elif parent is None and is_admin and not admin[suffix].whole and not gazetteer().by_name.get(label):
            inner = _split_known_prefix(text, start, m.start())
            if inner is not None:
                division = gazetteer().by_short[text[start:inner]][0]
                found.append(PlaceMention(name=division.name, original=None, start=start,
                                          end=inner, kind="AdministrativeRegion", level=division.level))
                parent, start, label = start, inner, text[inner:s_end]
        level_prefix = None
        original = _unquoted(page.original[start:s_end])
        if not is_admin and label[0] in LEVELS and parent is None:
            level_prefix = label[0]
        elif not is_admin and in_list and found and found[-1].level_prefix and label[0] not in LEVELS:
            level_prefix = found[-1].level_prefix  # 县教育局、财政局: the second is the 县财政局
            label, original = level_prefix + label, (found[-1].original or level_prefix)[0] + original
        found.append(PlaceMention(
            name=label, original=original, start=start, end=s_end,
            kind="AdministrativeRegion" if is_admin else "Facility",
            level=admin[suffix].level if is_admin else None, parent=parent, level_prefix=level_prefix,
            in_list=in_list))
        pos = s_end
    found = _visit_list_places(page, a, b, found)
    found.extend(_listed_places(page, a, b, found))
    found.extend(_destinations(page, a, b, found))
    found.extend(_tagged_destinations(page, a, b, found, located))
    found.extend(_organisations(page, a, b, found, post_spans))
    for start, end, places in _counted_places(text, a, b):
        found = [p for p in found if not (p.start < end and start < p.end)] + places
    found.sort(key=lambda p: p.start)
    # 代表市公安局党委: an office followed by its party committee is the body named, not a place
    found = [p for p in found if not (p.kind == "Facility" and text.startswith(_PARTY_OF_A_BODY, p.end))]
    # 带领县水利局、应急管理局有关人员到…: the offices whose people someone leads are no places
    led = [m.span(1) for m in _LEADING_PEOPLE_OF.finditer(text, a, b)]
    found = [p for p in found if not any(s <= p.start and p.end <= e for s, e in led)]
    # “全国文明村”东风村: a quoted honour right before a place's name is no place of its own
    found = [p for p in found if not (text[p.end:p.end + 1] in "”」" and any(q.start == p.end + 1 for q in found))]
    return _locate(text, a, b, [_without_determiner(text, p) for p in found if not _generic_by_determiner(p)])


@cache
def _determiners() -> tuple[str, ...]:
    return tuple(sorted(lexicon.discourse()["determiner"], key=len, reverse=True))


def _generic_by_determiner(p: PlaceMention) -> bool:
    """部分科技企业: a place noun with a determiner in front names no place."""
    return p.kind == "Facility" and p.name.startswith(_determiners())


def _without_determiner(text: str, p: PlaceMention) -> PlaceMention:
    """甲集团青山分公司有关救援基地: the named part before a determiner is the place."""
    if p.kind != "Facility":
        return p
    cut = min((i for d in _determiners() if (i := p.name.find(d)) > 0), default=None)
    if cut is None or not p.name[:cut].endswith(lexicon.facility_suffixes()):
        return p
    return replace(p, name=p.name[:cut], original=(p.original or p.name)[:cut], end=p.start + cut)


@cache
def _locative_regex() -> re.Pattern[str]:
    return re.compile("|".join(sorted(lexicon.discourse()["locative"], key=len, reverse=True)))


def _holds_a_verb(name: str) -> bool:
    """Does a name hold an event trigger (召开, 检查)? Then it tells an act, not a body (甲市主持召开座谈会)."""
    return any(name[i:i + size] in lexicon.event_triggers() for size in (2, 3, 4) for i in range(len(name) - 1))


def _free(found: list[PlaceMention], start: int, end: int) -> bool:
    return not any(p.start < end and start < p.end for p in found)


def _destinations(page: Page, a: int, b: int, found: list[PlaceMention]) -> list[PlaceMention]:
    """在湖南调研, 在浙江温州作报告, 考察了株洲、湘潭、衡阳等地: provinces and cities written by their
    short names where a place is expected (after 在, 到, 来到 …), ending at a verb, a list mark or a place."""
    text, gaz = page.text, gazetteer()
    out: list[PlaceMention] = []
    for m in _locative_regex().finditer(text, a, b):
        pos, parent = m.end(), None
        while pos < b:
            hit = None
            for size in (3, 2):
                name = text[pos:pos + size]
                divisions = [d for d in gaz.by_short.get(name, []) if not d.county_level]
                if divisions and _free(found + out, pos, pos + size) and _ends_destination(text, pos + size, b, found):
                    hit = (size, _pick_division(divisions, out[-1].name if parent is not None else None))
                    break
            if hit is None:
                landmark = _landmark_at(text, pos, b, found + out)
                if landmark:
                    out.append(landmark)
                read = next((p for p in found if p.start == pos and text[p.end:p.end + 1] == "、"), None)
                if landmark is None and read is not None:  # 赣州、东风镇、吉安等地: past a place read already
                    pos, parent = read.end + 1, None
                    continue
                break
            size, division = hit
            out.append(PlaceMention(name=division.name, original=None, start=pos, end=pos + size,
                                    kind="AdministrativeRegion", level=division.level, parent=parent))
            if text[pos + size:pos + size + 1] == "、":
                pos, parent = pos + size + 1, None
            else:
                pos, parent = pos + size, pos
    return out


@cache
def _country_regex() -> re.Pattern[str]:
    return re.compile("|".join(sorted((c for c in lexicon.countries() if len(c) > 1), key=len, reverse=True)))


_STATE_VISIT = re.compile(r"进行[^，,。；;]{0,8}访问")


def _tagged_destinations(page: Page, a: int, b: int, found: list[PlaceMention],
                         located: list[tuple[int, int]]) -> list[PlaceMention]:
    """在日内瓦出席, 抵达阿斯塔纳, 对甲国进行访问: a country, or a name the tagger reads as a place (places
    abroad, which no list here holds), where a place is expected: right after 在, 到, 抵达 … (对 for a
    state visit), or listed after such a place."""
    text, out = page.text, []
    locatives = tuple(lexicon.discourse()["locative"])
    countries = [m.span() for m in _country_regex().finditer(text, a, b)]
    for s, e in sorted(set(located) | set(countries)):
        if not (a <= s and e <= b) or e - s < 2 or not all(is_cjk(c) for c in text[s:e]):
            continue
        after_locative = text[max(a, s - 3):s].endswith(locatives) or (
            text[s - 1:s] == "对" and _STATE_VISIT.match(text, e) is not None)  # 对甲国进行国事访问
        listed = text[s - 1:s] == "、" and any(p.end == s - 1 for p in out)
        name = text[s:e]
        if (after_locative or listed) and _free(found + out, s, e) and _ends_destination(text, e, b, found) \
                and not only_common_words(name) and not _is_generic(name) \
                and not all(c in lexicon.admin_suffixes() for c in name):  # 镇村: kinds of place, no name
            out.append(PlaceMention(name=name, original=page.original[s:e], start=s, end=e,
                                    kind="AdministrativeRegion", level=None, in_list=listed))
    return out


def _landmark_at(text: str, pos: int, b: int, found: list[PlaceMention]) -> PlaceMention | None:
    """来到某湖: a lake, river or mountain the dictionary knows as a place name, where a place is expected."""
    for size in (4, 3, 2):
        name = text[pos:pos + size]
        if len(name) == size and name.endswith(lexicon.natural_features()) and dictionary.tag(name, "") == "ns" \
                and _free(found, pos, pos + size) and _ends_destination(text, pos + size, b, found):
            return PlaceMention(name=name, original=None, start=pos, end=pos + size, kind="Facility", level=None)
    return None


def _ends_destination(text: str, end: int, b: int, found: list[PlaceMention]) -> bool:
    """What may follow a short place name: punctuation, 等地, another place, or what is done there."""
    if end >= b or text[end] in "、，,。；;":
        return True
    if text.startswith(("等地", "和", "及"), end) or any(p.start == end for p in found):
        return True
    d = lexicon.discourse()
    verbs = set(lexicon.event_triggers()) | d["speech"] | {"作", "做", "出席", "主持", "召开", "宣讲", "参加", "工作",
                                                           "会见", "会谈", "进行"}
    return text.startswith(tuple(verbs), end) or bool(gazetteer().by_short.get(text[end:end + 2]))


def _pick_division(divisions: list[Division], enclosing: str | None) -> Division:
    """Of the divisions of one short name, the one inside the place written before it, else the highest."""
    gaz = gazetteer()
    inside = [d for d in divisions if any(up.name == enclosing for up in gaz.ancestors(d))]
    return (inside or sorted(divisions, key=lambda d: "省市州区县".find(d.level)))[0]


_ORG_PLACE_MAX = 16
_SMALL_UNITS = frozenset("室会所站处科司")  # too small to name a place by themselves (会议室, 座谈会)
_NOT_IN_ORG_NAMES = re.compile(r"[第期级\d０-９]")
_NOT_AN_ORG_START = ("我", "本", "该", "各", "这", "那", "其", "原")
# what ends the name of an organisation written as a place: a function word, a list mark (甲部和乙局: two
# organisations), anything not Chinese
_NOT_IN_AN_ORG = re.compile("[" + "".join(sorted(_STOP_CHARS | set("、和及"))) + rf"]|[^{CJK}]")


def _organisations(page: Page, a: int, b: int, found: list[PlaceMention],
                   post_spans: list[tuple[int, int]]) -> list[PlaceMention]:
    """来到水利部, 在中央广播电台考察, 在长沙市委组织部和市水利局: an organisation where a place is
    expected is the place (its offices), read with the organisation grammar; 机关 after it is kept."""
    from kg.extract.organisations import ends_with_organ, organ_last_characters, parse_org

    text = page.text
    out: list[PlaceMention] = []
    for m in _locative_regex().finditer(text, a, b):
        pos = m.end()
        while pos < b:
            if text.startswith(_NOT_AN_ORG_START, pos) or text.startswith(boundary_words(), pos) or \
                    dictionary.tag(text[pos:pos + 2], "") == "v":
                break  # 深入贯彻中央…: 深入 says how something is done, and a verb follows
            span = None
            stop = _NOT_IN_AN_ORG.search(text, pos, min(b, pos + _ORG_PLACE_MAX))  # no name runs past these
            limit = stop.start() if stop else min(b, pos + _ORG_PLACE_MAX)
            last_characters = organ_last_characters()
            ends = [e for e in range(limit, pos + 2, -1) if text[e - 1] in last_characters]
            for end in ends:  # up to the first 和 or 、 (甲部和乙局: two organisations)
                if not ends_with_organ(text[pos:end]):
                    continue
                org = parse_org(text[pos:end], pos)
                if org is None or not org.units:
                    continue
                if freq(text[end - 1:end + 1]) >= 500:
                    continue  # 检验系 | 统: the span would end inside a word
                tail = parse_org(text[end - 2:end])
                if len(org.units[-1].form) == 1 and freq(text[end - 2:end]) >= 500 and not (tail and tail.level):
                    continue  # 格局, 干部: the suffix character ends a common word (市委 is one)
                head = org.units[-1]
                if head.form in _SMALL_UNITS and not (org.place or org.level or org.national):
                    continue
                if any(len(u.name) > 8 or _NOT_IN_ORG_NAMES.search(u.name) or _holds_a_verb(u.name)
                       for u in org.units):
                    continue  # 省委党校第三期干部: a course of the school; 甲市主持召开座谈会: an act
                if not (org.place or org.level or org.national or len(head.name) >= 2 or len(head.form) >= 2):
                    continue
                span = (pos, end + (2 if text.startswith("机关", end) else 0))
                break
            if span is None or any(s < span[1] and span[0] < e for s, e in post_spans):
                break
            inside = [p for p in found if span[0] <= p.start and p.end <= span[1]]
            if any(p.end == span[1] for p in inside):
                break  # 湘潭市 + 司法局: read already, as a facility inside its city
            if not _free([p for p in found + out if p not in inside], *span):
                break
            found[:] = [p for p in found if p not in inside]  # 长沙市委: the organisation, not the city
            label = text[span[0]:span[1]]
            out.append(PlaceMention(name=label, original=page.original[span[0]:span[1]], start=span[0],
                                    end=span[1], kind="Facility", level=None,
                                    level_prefix=label[0] if label[0] in LEVELS else None))
            if text[span[1]:span[1] + 1] in ("、", "和", "及"):
                pos = span[1] + 1
            else:
                break
    return out


def _locate(text: str, a: int, b: int, places: list[PlaceMention]) -> list[PlaceMention]:
    """Containment the sentence states: 位于甲镇的乙公司, or 在甲镇，…乙公司 (a fronted place)."""
    by_start = {p.start: p for p in places}
    parents = {p.parent for p in places if p.parent is not None}
    out: list[PlaceMention] = []
    fronted: PlaceMention | None = None
    for p in sorted(places, key=lambda p: p.start):
        sentence_start = _opening(_SENTENCE_OPENING, text, a, p.start)
        if fronted is not None and fronted.end < sentence_start:
            fronted = None
        before = out[-1] if out else None
        located = None
        if before is not None and before.start not in parents and text[before.end:p.start] == "的" and \
                text.endswith("位于", 0, _chain_start(before, by_start)):
            located = before.start
        elif fronted is not None and p.parent is None and not (
                fronted.kind == "Facility" and p.kind == "AdministrativeRegion"):
            located = fronted.start  # (在公司大厅，…甲新区: a region is not inside a hall)
        out.append(replace(p, located_in=located) if located is not None else p)
        head = _chain_start(p, by_start)
        if head - 1 == sentence_start and text[head - 1] == "在" and text[p.end:p.end + 1] in "，,":
            fronted = p
    return out


def _chain_start(p: PlaceMention, by_start: dict[int, PlaceMention]) -> int:
    """Start of the written chain a place ends (甲县乙镇 → start of 甲县)."""
    while p.parent is not None and p.parent in by_start:
        p = by_start[p.parent]
    return p.start


_LISTED = re.compile(rf"((?:[{CJK}]{{2,8}}、)+[{CJK}]{{2,8}})等(小区|社区|村|企业|学校|医院|单位|景区|处)")
# 甲口、乙店两镇: short names counted by a number and one suffix, which each of them takes
_COUNTED = re.compile(rf"((?:[{CJK}]{{2,4}}[、和])+[{CJK}]{{2,4}})[两二三四五六七八九十]+(镇|乡|村|县|市|区|街道|社区)")


def _listed_places(page: Page, a: int, b: int, known: list[PlaceMention]) -> list[PlaceMention]:
    """对甲园、乙苑等小区: each item of a list closed by 等 + a place noun is a place of that kind."""
    text = page.text
    out = []
    taken = {(p.start, p.end) for p in known}
    for m in _LISTED.finditer(text, a, b):
        items_start = m.start(1)
        first_end = text.index("、", items_start)
        items_start = _place_name_start(text, first_end, a, 8)
        pos = items_start
        for item in text[items_start:m.end(1)].split("、"):
            s, e = pos, pos + len(item)
            pos = e + 1
            if len(item) < 2 or (s, e) in taken or item in lexicon.generic_areas() or \
                    item in lexicon.facility_suffixes() or item in lexicon.admin_suffixes():
                continue
            out.append(PlaceMention(name=item, original=page.original[s:e], start=s, end=e,
                                    kind="Facility", level=None if m.group(2) == "处" else m.group(2)))
    return out


_LIST_ITEM = (2, 12)  # characters of a place named in a list of visited places
_CLAUSE_END = "，,。；;！？!?：:\n"


def _visit_list_places(page: Page, a: int, b: int, found: list[PlaceMention]) -> list[PlaceMention]:
    """先后到甲、乙、丙社区 / 来到甲商贸城、乙橱柜、丙医院: the items of a list of places someone goes to.
    Where at least one item is read as a place, the others are places too: a bare name before the
    last item's division suffix takes that suffix (甲社区, 乙社区); an item that runs on past a place
    read inside it is that whole item (甲公园巡逻点); an item of no known kind is a facility, unless
    it is only common words or tells an act."""
    text, admin = page.text, lexicon.admin_suffixes()
    out = list(found)
    for m in _locative_regex().finditer(text, a, b):
        if m.group() == "在":
            continue
        items = _list_items(text, m.end(), b, out)
        if len(items) < 2 or any(_holds_a_verb(text[s:e]) for s, e in items):
            continue  # 到甲县慰问老党员、老军人: what is listed is whom he saw, not where he went
        inside = [[p for p in out if s <= p.start and p.end <= e] for s, e in items]
        if not any(inside):
            continue
        last = inside[-1][-1] if inside[-1] else None
        shared = None
        if last is not None and last.kind == "AdministrativeRegion" and last.end == items[-1][1]:
            shared = next((w for w in admin if last.name.endswith(w) and admin[w].level in _SHARED_LEVELS), None)
        for (s, e), places in zip(items, inside, strict=True):
            item = text[s:e]
            if places and places[-1].end == e:
                continue  # read already
            if places and not (places[0].start == s and all(p.kind == "Facility" for p in places)
                               and _names_more(text[places[-1].end:e])):
                continue
            if not places and (_is_generic(item) or item in lexicon.facility_suffixes() or item in admin):
                continue
            if shared and not places and len(item) <= 3:
                out.append(PlaceMention(name=item + shared, original=None, start=s, end=e,
                                        kind="AdministrativeRegion", level=admin[shared].level, in_list=True))
            elif len(item) >= 3 and not _holds_a_verb(item) and not only_common_words(item):
                out = [p for p in out if p not in places]
                out.append(PlaceMention(name=item, original=page.original[s:e], start=s, end=e, kind="Facility",
                                        level=None, level_prefix=item[0] if item[0] in LEVELS else None,
                                        in_list=s > m.end()))
    out.sort(key=lambda p: p.start)
    return out


_SHARED_LEVELS = frozenset({"社区", "村", "镇", "乡", "街道", "小区"})


def _names_more(rest: str) -> bool:
    """Does what follows a place inside a list item go on naming it (大桥岗), not tell an act (结合视频)?"""
    suffixes = lexicon.facility_suffixes()
    return all(w in suffixes or not dictionary.tag(w, "n").startswith(_ACT_TAGS) for w in dictionary.segment(rest))


_ACT_TAGS = ("v", "p", "c", "d", "u", "r", "m")


def _list_items(text: str, pos: int, b: int, found: list[PlaceMention]) -> list[tuple[int, int]]:
    """The items of a 、 list starting at ``pos``, inside its clause; the last item ends at a clause mark,
    at 等, or where what is done there begins (实地查看, 看望), outside a place already read (检查站);
    none when that end is not found."""
    end = pos
    while end < b and text[end] not in _CLAUSE_END:
        end += 1
    parts, start = [], pos
    for k in range(pos, end):
        if text[k] == "、":
            parts.append((start, k))
            start = k + 1
    if not parts:
        return []
    low, high = _LIST_ITEM
    last_end = next((k for k in range(start + low, min(end, start + high) + 1)
                     if k == end or text[k] == "等" or (text.startswith(_acts(), k)
                                                        and not any(p.start < k < p.end for p in found))), None)
    if last_end is None:
        return []
    items = parts + [(start, last_end)]
    if any(not low <= e - s <= high or not all(is_cjk(c) for c in text[s:e]) for s, e in items):
        return []
    return items


@cache
def _acts() -> tuple[str, ...]:
    return tuple(lexicon.discourse()["at_place"] | set(lexicon.event_triggers()))


def _counted_places(text: str, a: int, b: int) -> list[tuple[int, int, list[PlaceMention]]]:
    """考察了甲口、乙店两镇: each short name is a division of the counted kind (甲口镇, 乙店镇); with
    the span the count covers, where no other reading of the text stands."""
    out = []
    admin, gaz = lexicon.admin_suffixes(), gazetteer()
    for m in _COUNTED.finditer(text, a, b):
        suffix = m.group(2)
        if _common_word(text[m.start(2):m.start(2) + 2]):
            continue  # 两村民: the suffix character starts another word
        first = re.search("[、和]", m.group(1))
        pos = _place_name_start(text, m.start(1) + (first.start() if first else 0), a, 4)
        items = re.split("[、和]", text[pos:m.end(1)])
        if any(len(item) < 2 or not all(is_cjk(c) for c in item) for item in items):
            continue
        places, start = [], pos
        for item in items:
            s, e = pos, pos + len(item)
            pos = e + 1
            division = next((d for d in gaz.by_short.get(item, []) if d.name.endswith(suffix)), None)
            places.append(PlaceMention(name=division.name if division else item + suffix, original=None, start=s,
                                       end=e, kind="AdministrativeRegion", level=admin[suffix].level))
        out.append((start, m.end(), places))
    return out
