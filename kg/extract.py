"""Third stage: find mentions (people with their title chains, places, dates, cues) with spans.

Pure function of a ``Page``.  Titles anchor people: "[jurisdiction][organ][title]、[title]…[name]".
Names are read only from body paragraphs, never from masked mojibake, bylines, headings or
page furniture.  Decisions that need the whole document (which 区 a bare 区委 means, which
sentence an event belongs to) are left to ``resolve``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from functools import cache

from kg import dictionary, lexicon
from kg.gazetteer import Division, gazetteer
from kg.model import Cue, DateMention, Mentions, Page, PersonMention, PlaceMention, PostMention
from kg.normalise import CJK, MASK

LEVELS = "省市区县镇乡州"
TOWN_LEVELS = ("镇", "乡", "街道")  # below the county: not in the national list
_IS_CJK = re.compile(f"[{CJK}]")
_PUNCT_STOP = set("，,。！？!?；;：:、“”\"'‘’（）()《》【】[]\n 　")
_FREE_SUB_SUFFIXES = ("委员会", "领导小组", "工作组")
_FUNCTION_TAGS = ("v", "d", "p", "c", "u", "r", "m", "q", "f", "t", "ad", "vd")


# ---------------------------------------------------------------- helpers

_word_tags, _freq = dictionary.tags, dictionary.freq


def _cjk(ch: str) -> bool:
    return ch != MASK and bool(_IS_CJK.match(ch))


@cache
def _surnames_by_length() -> tuple[frozenset[str], frozenset[str]]:
    names = lexicon.surnames()
    return frozenset(n for n in names if len(n) == 2), frozenset(n for n in names if len(n) == 1)


@cache
def _follow_words() -> tuple[str, ...]:
    return tuple(sorted(lexicon.discourse()["follow"], key=len, reverse=True))


@cache
def _boundary_words() -> tuple[str, ...]:
    d = lexicon.discourse()
    return tuple(sorted(d["boundary"] | d["follow"] | set(lexicon.event_triggers()), key=len, reverse=True))


def _starts_function_word(text: str, pos: int) -> bool:
    """Does a verb, adverb or particle (not a name character) start at ``pos``?"""
    if pos >= len(text) or not _cjk(text[pos]):
        return True
    if text.startswith(_follow_words(), pos):
        return True
    tags = _word_tags()
    for size in (4, 3, 2):
        word = text[pos:pos + size]
        if len(word) == size and _freq(word) >= 20 and tags.get(word, "x").startswith(_FUNCTION_TAGS):
            return True
    return False


def _starts_post_word(given: str) -> bool:
    """和区长, 与县委: a conjunction that is also a surname, followed by a title or an organ."""
    words = tuple(lexicon.titles()) + _organ_forms()
    if given.startswith(words):
        return True
    rest = given[1:]
    return given[0] in LEVELS and bool(rest) and any(w.startswith(rest) or rest.startswith(w) for w in words)


_TRANSLITERATION_CHARS = set("来去同提")  # follow words that also spell sounds of transliterated names
_DOTTED_NAME = re.compile(rf"[{CJK}]{{2,5}}(?:[·•・][{CJK}]{{2,6}})+")


def _name_without_surname(text: str, pos: int, limit: int) -> tuple[int, int] | None:
    """扎西顿珠, 乌云其其格 (two known name parts) or 艾尔肯·吐尼亚孜 (a dotted name)."""
    dotted = _DOTTED_NAME.match(text, pos, limit)
    if dotted and not text.startswith(tuple(lexicon.titles()), pos):
        last_dot = max(dotted.group().rfind(d) for d in "·•・") + pos
        end = last_dot + 3  # the last part runs until a word of two or more characters that ends it
        while end < dotted.end() and not any(text.startswith(w, end) for w in _follow_words()
                                             if len(w) > 1 or w not in _TRANSLITERATION_CHARS):
            end += 1
        return pos, end
    parts = lexicon.ethnic_name_parts()
    for first in (2, 3, 4):
        if text[pos:pos + first] in parts:
            for second in (4, 3, 2):
                if text[pos + first:pos + first + second] in parts and pos + first + second <= limit:
                    return pos, pos + first + second
    return None


def name_after(text: str, pos: int, limit: int) -> tuple[int, int] | None:
    """A personal name starting at ``pos``: a surname and one or two given-name characters."""
    other = _name_without_surname(text, pos, limit)
    if other is not None:
        return other
    compound, single = _surnames_by_length()
    if text[pos:pos + 2] in compound:
        sl = 2
    elif pos < limit and text[pos] in single:
        sl = 1
    else:
        return None
    first = pos + sl
    if first >= limit or not _cjk(text[first]) or text.startswith(_follow_words(), first):
        return None
    second = first + 1
    end = second if second >= limit or _starts_function_word(text, second) else second + 1
    if end == second and second < limit and text[second] in "和与为" and (
            second + 1 >= limit or text[second + 1] in _PUNCT_STOP or text.startswith(_follow_words(), second + 1)):
        end += 1  # 满庆和参加: a conjunction followed by a verb is the last character of the name
    name = text[pos:end]
    if MASK in name or any(ch in _PUNCT_STOP for ch in name) or _starts_post_word(text[first:end]):
        return None
    # a common word is not a name: the name itself (信箱), or a one-character given name running on into
    # a word (疑似), unless a discourse word visibly ends the name there (王五一行); a two-character given
    # name may well be a word (文华, 建国)
    words = [(name, 100)]
    if end == second and not text.startswith(_follow_words(), second):
        words.append((text[first:first + 2], 500))
    for word, most in words:
        if len(word) >= 2 and _freq(word) > most and not _word_tags().get(word, "nr").startswith(("nr", "ns")):
            return None
    return pos, end


def _left_boundary_ok(text: str, start: int, floor: int) -> bool:
    """Is ``start`` a plausible beginning of a name (after punctuation or a whole word)?"""
    if start <= floor or not _cjk(text[start - 1]):
        return True
    if text[start - 1] in "到在对向与和把将由让请受给为据":
        return True
    return _freq(text[max(start - 2, floor):start]) >= 50


# ---------------------------------------------------------------- title chains

@cache
def _title_regex() -> re.Pattern[str]:
    words = sorted(lexicon.titles(), key=len, reverse=True)
    return re.compile("(?:" + "|".join(words) + ")(?!会|员会)")


@cache
def _organ_forms() -> tuple[str, ...]:
    return tuple(sorted(lexicon.organs(), key=len, reverse=True))


def _jurisdiction_left(text: str, pos: int, floor: int, level: str) -> int | None:
    """Start of a named jurisdiction ending at ``pos`` (宁德 before 市委), using the division list."""
    gaz = gazetteer()
    for size in (4, 3, 2):
        a = pos - size
        if a < floor:
            continue
        name = text[a:pos]
        if not all(_cjk(c) for c in name):
            continue
        hits = gaz.by_name.get(name + level) or [d for d in gaz.by_short.get(name, []) if d.level == level]
        if hits:
            return a
    if level in TOWN_LEVELS:
        return _town_left(text, pos, floor)
    return None


def _town_left(text: str, pos: int, floor: int) -> int | None:
    """Start of a town or street name (two or three characters, not in the national list) ending at ``pos``.

    The name may follow the county it belongs to (江宁区青山镇), which is then kept in front.
    """
    starts = [pos - size for size in (3, 2) if pos - size >= floor and all(_cjk(c) for c in text[pos - size:pos])
              and not text[pos - size:pos].startswith(_boundary_words())
              and not any(ch in _STOP_CHARS for ch in text[pos - size:pos])]
    for a in starts:
        county = _county_left(text, a, floor)
        if county is not None:
            return county
    return next((a for a in starts if _left_boundary_ok(text, a, floor)), None)


def _county_left(text: str, pos: int, floor: int) -> int | None:
    """Start of a county-level division written in full (江宁区, 南昌县) that ends at ``pos``."""
    gaz = gazetteer()
    for size in (5, 4, 3):
        a = pos - size
        if a >= floor and any(d.county_level for d in gaz.by_name.get(text[a:pos], [])):
            return a
    return None


def _level_left(text: str, pos: int, floor: int) -> str | None:
    """The level word (区, 镇, 街道 …) that ends at ``pos``, if any."""
    if pos - 2 >= floor and text[pos - 2:pos] in TOWN_LEVELS:
        return text[pos - 2:pos]
    if pos > floor and text[pos - 1] in LEVELS:
        return text[pos - 1]
    return None


def _organ_left(text: str, pos: int, floor: int, title: str | None) -> tuple[str, int] | None:
    """The organ form that ends at ``pos`` and how many characters it takes.

    Right before a title that begins with an organ's last character, the two share it
    (宣传部长 = 宣传部 + 部长, 教育局长 = 教育局 + 局长).
    """
    by_length, by_head = _organ_index()
    for size, forms in by_length:
        if pos - size >= floor and text[pos - size:pos] in forms:
            return text[pos - size:pos], size
    if title:
        for size, heads in by_head:
            form = heads.get((text[pos - size:pos], title[0])) if pos - size >= floor else None
            if form is not None:
                return form, size
    return None


@cache
def _organ_index() -> tuple[tuple[tuple[int, frozenset[str]], ...], tuple[tuple[int, dict[tuple[str, str], str]], ...]]:
    """Organ forms by length, longest first, and by (all but the last character, last character).

    At most one form of a given length ends at a position, so looking lengths up longest first
    finds what trying every form longest first would.
    """
    forms = _organ_forms()
    lengths = sorted({len(f) for f in forms}, reverse=True)
    by_length = tuple((n, frozenset(f for f in forms if len(f) == n)) for n in lengths)
    by_head = tuple((n - 1, {(f[:-1], f[-1]): f for f in forms if len(f) == n}) for n in lengths if n - 1 >= 2)
    return by_length, by_head


def _parse_segment(text: str, floor: int, title_start: int, title: str) -> PostMention:
    """Read organs, level and jurisdiction leftwards from a title (区委 | 政法委 | 书记)."""
    info = lexicon.titles()[title]
    organs_table = lexicon.organs()
    pos = title_start
    organs: list[str] = []
    level = jurisdiction = None
    while pos > floor:
        found = _organ_left(text, pos, floor, None if organs else title)
        if found is not None:
            form, taken = found
            organ = organs_table[form]
            pos -= taken
            if organ.kind == "sub":
                # absorb a free-text prefix of a named department: 疫情防控指挥部, 农业农村…委员会
                k = pos
                while k > floor and _cjk(text[k - 1]) and text[k - 1] not in LEVELS and pos - k < 10 and \
                        not any(text.startswith(f, k - len(f)) for f in ("政协", "人大常委会", "政府", "委")):
                    k -= 1
                name = text[k:pos] + organ.normal if k < pos and k > floor and (
                    text[k - 1] in LEVELS or text[k - 1] in "协会府委") else organ.normal
                if name != organ.normal:
                    pos = k
                organs.insert(0, name)
            else:
                organs.insert(0, organ.normal)
            continue
        free = next((s for s in _FREE_SUB_SUFFIXES if text.startswith(s, pos - len(s))), None)
        if free is not None:
            k = pos - len(free)
            while k > floor and _cjk(text[k - 1]) and pos - k < 16:
                if any(text.startswith(f, k - len(f)) for f in ("政协", "人大常委会", "政府")):
                    organs.insert(0, text[k:pos])
                    pos = k
                    break
                k -= 1
            else:
                break
            continue
        break
    if not organs and not info.level and _level_left(text, pos, floor) is None:
        department = _department_left(text, pos, floor, title)
        if department is not None:
            organs.append(text[department:pos])
            pos = department
    if not organs and info.level:
        level = info.level
        if text.startswith(level, pos - len(level)) and pos - len(level) >= floor:
            pos -= len(level)  # 南昌县县长: the level written once more before the title
        start = _jurisdiction_left(text, pos, floor, level)
        if start is not None:
            jurisdiction = text[start:pos] + level
            pos = start
    elif (written := _level_left(text, pos, floor)) is not None:
        level = written
        pos -= len(written)
        start = _jurisdiction_left(text, pos, floor, level)
        if start is not None:
            jurisdiction = text[start:pos] + level
            pos = start
    return PostMention(title=title, start=pos, end=title_start + len(title), level=level,
                       jurisdiction=jurisdiction, organs=tuple(organs), national=info.national_organ)


_DEPARTMENT_ENDS = ("部", "局", "办", "处", "室", "中心", "站", "所", "院", "委")


def _department_left(text: str, pos: int, floor: int, title: str) -> int | None:
    """、武装部部长: an unlisted department written in a title chain, from the 、 before it."""
    for size in range(2, 9):
        k = pos - size
        if k <= floor or not _cjk(text[k]):
            return None
        if text[k - 1] == "、":
            name = text[k:pos]
            return k if name.endswith(_DEPARTMENT_ENDS) or title.startswith(name[-1]) else None
    return None


def _chain_before(text: str, floor: int, title_match: re.Match[str]) -> list[PostMention]:
    """All segments of the title chain ending with ``title_match``, first segment first."""
    segments = [_parse_segment(text, floor, title_match.start(), title_match.group())]
    while True:
        first = segments[0]
        sep = first.start - 1
        if sep <= floor or text[sep] != "、":
            break
        previous = None
        for m in _title_regex().finditer(text, max(floor, sep - 8), sep):
            if m.end() == sep:
                previous = m
        if previous is None:
            break
        segments.insert(0, _parse_segment(text, floor, previous.start(), previous.group()))
    return segments


def _is_grounded(segment: PostMention) -> bool:
    """A chain must say whose post it is: an organ, a level, a jurisdiction or a national organ."""
    info = lexicon.titles()[segment.title]
    return bool(segment.organs or segment.level or segment.jurisdiction or segment.national or info.level)


def _title_inside_places(text: str, m: re.Match[str]) -> bool:
    """吉林省长春市: 省长 read across two division names is no title."""
    gaz = gazetteer()
    return any(gaz.by_name.get(text[m.end() - 1:m.end() - 1 + size]) for size in (2, 3, 4, 5))


def _titles(text: str, a: int, b: int) -> list[re.Match[str]]:
    return [m for m in _title_regex().finditer(text, a, b) if not _title_inside_places(text, m)]


def _chains(page: Page, a: int, b: int) -> list[PersonMention]:
    text = page.text
    found: list[PersonMention] = []
    for m in _titles(text, a, b):
        span = name_after(text, m.end(), b)
        if span is None:
            continue
        segments = _chain_before(text, a, m)
        if not _is_grounded(segments[0]):
            previous = found[-1] if found and found[-1].end == segments[0].start - 1 else None
            if previous is None or text[previous.end] != "、" or not previous.posts:
                continue
            # 市政协副主席甲、秘书长乙: the second title is in the organ of the first
            first = previous.posts[0]
            segments = [replace(seg, level=first.level, jurisdiction=first.jurisdiction, organs=first.organs,
                                national=first.national) for seg in segments]
        s, e = span
        found.append(PersonMention(name=text[s:e], original=page.original[s:e], start=s, end=e, form="chain",
                                   posts=tuple(segments), phrase_start=segments[0].start))
        found.extend(_co_holders(page, found[-1], b))
    return found


def _co_holders(page: Page, holder: PersonMention, b: int) -> list[PersonMention]:
    """副主任甲、乙: names listed right after a title chain hold the same posts."""
    text, out, pos = page.text, [], holder.end
    while pos < b and text[pos] == "、":
        span = name_after(text, pos + 1, b)
        if span is None or (span[1] < b and text[span[1]] not in "、，,。等" and
                            not text.startswith(_follow_words(), span[1])):
            break
        s, e = span
        out.append(replace(holder, name=text[s:e], original=page.original[s:e], start=s, end=e))
        pos = e
    return out


@cache
def _after_name_words() -> tuple[str, ...]:
    d = lexicon.discourse()
    return tuple(sorted(d["follow"] | d["speech"], key=len, reverse=True))


def _opens_clause(text: str, start: int, floor: int) -> bool:
    return start == floor or text[start - 1] in "，,。；;：:、（(“"


def _names_before_titles(page: Page, a: int, b: int, known: set[str]) -> list[PersonMention]:
    """张三代区长, 某某总书记: a name written before its title.

    A name not read elsewhere is taken only before a national title, or before a local title
    when the name opens a clause and a verb follows the title (，李四区长指出 / 张三书记一行).
    """
    text, titles = page.text, lexicon.titles()
    found = []
    for m in _titles(text, a, b):
        info = titles[m.group()]
        if not info.after_name:
            continue
        for size in (3, 2, 4):
            s = m.start() - size
            if s < a:
                continue
            name = text[s:m.start()]
            reads_as_name = name_after(text, s, m.start()) == (s, m.start()) and \
                _organ_left(text, m.start(), s, m.group()) is None and _level_left(text, m.start(), s) is None
            if name in known or (info.national_organ and reads_as_name and _left_boundary_ok(text, s, a)) or \
                    ((info.level or info.default_organ) and reads_as_name and _opens_clause(text, s, a)
                     and not gazetteer().lookup(name)
                     and text.startswith(_after_name_words(), m.end())):
                post = PostMention(title=m.group(), start=m.start(), end=m.end(), national=info.national_organ,
                                   level=info.level)
                found.append(PersonMention(name=name, original=page.original[s:m.start()], start=s,
                                           end=m.start(), form="name_title", posts=(post,), phrase_start=s))
                break
    return found


def _listed_names(page: Page, pos: int, b: int, form: str, role: str | None = None) -> list[PersonMention]:
    """张三、李四、王五等: names separated by 、 from ``pos``."""
    text = page.text
    found = []
    while pos < b:
        span = name_after(text, pos, b)
        if span is None:
            break
        s, e = span
        if e < b and text[e] not in "、，,等参和及与" and not _starts_function_word(text, e):
            # a three-character name read as two: take the longer reading when a separator follows
            if e + 1 <= b and (e + 1 == b or text[e + 1] in "、，,等"):
                e += 1
            else:
                break
        found.append(PersonMention(name=text[s:e], original=page.original[s:e], start=s, end=e,
                                   form=form, role=role))  # type: ignore[arg-type]
        if e < b and text[e] == "、":
            pos = e + 1
        else:
            break
    return found


@cache
def _literal(word: str) -> re.Pattern[str]:
    return re.compile(word)


def _leader_lists(page: Page, a: int, b: int) -> list[PersonMention]:
    found = []
    for word in sorted(lexicon.discourse()["leaders_list"]):
        if len(word) < 3:
            continue
        for m in _literal(word).finditer(page.text, a, b):
            found.extend(_listed_names(page, m.end(), b, "leaders_list"))
    return found


def _role_people(page: Page, a: int, b: int) -> list[PersonMention]:
    found = []
    for word, role in lexicon.person_roles().items():
        for m in _literal(word).finditer(page.text, a, b):
            span = name_after(page.text, m.end(), b)
            if span:
                s, e = span
                found.append(PersonMention(name=page.text[s:e], original=page.original[s:e], start=s, end=e,
                                           form="role", role=role))
    return found


# ---------------------------------------------------------------- places

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


_STOP_CHARS = set("的了在是和与及或对向从把将被给为以于等也都又还就而并即每各该本我全要让使由到赴至往")
_ORDINAL = re.compile("第[一二三四五六七八九十]+")  # 第一医院, 第三中学: part of the name
_STOP_TAGS = frozenset({"v", "a", "p", "c", "u", "r", "m", "q", "z", "f", "ad", "vd", "ul", "uj", "mq"})


def _stops_place_name(text: str, k: int) -> bool:
    """Does the text just left of ``k`` end a word that cannot be part of a place name?"""
    if text[k - 1] in _STOP_CHARS or text.endswith(_boundary_words(), 0, k):
        return True
    tags = _word_tags()
    for size in (4, 3, 2):
        word = text[k - size:k]
        if len(word) == size and _freq(word) >= 100 and tags.get(word, "n") in _STOP_TAGS \
                and not _ORDINAL.fullmatch(word):
            return True
    return False


def _place_name_start(text: str, end: int, floor: int, max_len: int) -> int:
    """Leftmost start of a place name ending at ``end``: stop at punctuation and function words."""
    k = end
    while k > floor and end - k < max_len and _cjk(text[k - 1]):
        if _stops_place_name(text, k):
            break
        k -= 1
    if k < end and text[k] in LEVELS and k > floor and text[k - 1] in "该本全我各":
        k += 1  # 该镇龙潭村: "this town", then the village's own name
    crossing = text[k - 1:k + 1]
    if floor < k < end and _freq(crossing) >= 50 and not _word_tags().get(crossing, "n").startswith("ns"):
        k += 1  # 全员核酸检测…: do not start inside a word (but 和县 is a county)
    return k


def _name_after_place(text: str, place: PlaceMention | None, start: int) -> int | None:
    """苗岭镇糯米加工产业园: right after a place, a facility's name may hold a verb (加工)."""
    if place is None or not place.end < start or start - place.end > 8:
        return None
    gap = text[place.end:start]
    if all(_cjk(c) and c not in _STOP_CHARS for c in gap) and not gap.startswith(_boundary_words()) and \
            not any(_freq(gap[:n]) >= 100 and _word_tags().get(gap[:n]) == "v" for n in (2, 3)):
        return place.end
    return None


def _fronted_name_start(text: str, start: int, end: int, floor: int) -> int | None:
    """在堤防加固工程施工现场，…: after a sentence-opening 在, the whole phrase up to the suffix is the name."""
    opening = max(floor, max(text.rfind(c, floor, start) for c in "。！？!?；;\n，,") + 1)
    if text.startswith("在", opening) and opening + 1 < start and end - opening - 1 <= 14 and \
            all(_cjk(c) for c in text[opening + 1:end]) and text.startswith(("，", ","), _suffix_end(text, end)):
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
        if a < floor or not all(_cjk(c) for c in text[a:end]):
            continue
        name = text[a:end]
        if size == 1 and name in _STOP_CHARS:
            continue  # 和县 in 甲和县乙: the conjunction, not the county
        if gaz.by_name.get(name + suffix) or any(d.level == level for d in gaz.by_short.get(name, [])
                                                 if d.name.endswith(suffix)):
            return a
    return None


def _common_word(name: str) -> bool:
    return _freq(name) >= 200 and not _word_tags().get(name, "n").startswith(("ns", "nr", "nz", "nt"))


def only_common_words(name: str) -> bool:
    """便民服务中心, 第一医院: a name made of dictionary words none of which is a proper noun."""
    words = dictionary.segment(name)
    kinds = set(lexicon.facility_suffixes())  # jieba tags some of them as names (幼儿园 nr)
    return all(w in kinds or (len(w) >= 2 and _freq(w) > 0 and
                              not _word_tags().get(w, "x").startswith(("ns", "nr", "nz", "nt")))
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
    if info is not None and info.level in "省市区县州" and not info.whole:
        return _gazetteer_name_start(text, m.start(), floor, suffix, info.level)
    max_len = info.max_name + (2 if info.whole else 0) if info else 12
    start = _place_name_start(text, m.start(), floor, max_len)
    if info is None:
        start = _fronted_name_start(text, start, m.start(), floor) or \
            _name_after_place(text, found[-1] if found else None, start) or start
    return start


def _rejected(text: str, m: re.Match[str], suffix: str, start: int, found: list[PlaceMention], a: int) -> bool:
    """Readings of a suffix that name no place: too short, generic, an activity, part of another word."""
    info = lexicon.admin_suffixes().get(suffix)
    s_end = m.start() + len(suffix)
    name, label = text[start:m.start()], re.sub("[“”「」\"]", "", text[start:s_end])
    last = found[-1] if found else None
    adjacent = last is not None and last.end == start
    min_name = info.min_name if info else (1 if text[start] in LEVELS else 2)
    if info is None and not name and start > a and text[start - 1] == "、" and last and last.level_prefix:
        min_name = 0  # 县法院、检察院: the second item keeps the first one's level
    if info is None and not name and adjacent and last.kind == "AdministrativeRegion":
        min_name = 0  # 青山镇敬老院: a facility named after the place it is in
    listed = info is not None and info.level in "省市区县州" and not info.whole  # in the national list
    if len(name) < min_name or MASK in label or (not listed and _is_generic(label)):
        return True
    if info is None and adjacent and last.kind == "AdministrativeRegion" and _freq(name) >= 40 and \
            _word_tags().get(name) in ("v", "vn"):
        return True  # 青山镇排查水库: what is done in the town, not a facility's name
    if info is not None and info.level in TOWN_LEVELS and _province_then_stub(name):
        return True  # 海南椰乡果业: a company named after its province, not a township
    if len(suffix) == 1 and _common_word(text[m.start():m.start() + 2]):
        return True  # 乡贤, 村民: the suffix character starts another word
    if len(suffix) == 1 and _freq(text[m.start() - 1:s_end]) >= (1000 if info else 100) and \
            not _word_tags().get(text[m.start() - 1:s_end], "n").startswith("ns") and \
            not (len(name) >= 2 and _freq(text[start:s_end])):
        return True  # 农村, 大局: the suffix character belongs to a common word (but 财政局 is a word)
    after_place = last is not None and (adjacent or (
        last.end == start - 1 and text[start - 1] == "、" and last.level_prefix is not None))
    quoted = m.start() > a and text[m.start() - 1] in "”」\""
    # 工业企业, 交通卡口: a kind of facility, not a named one (县教育局、财政局 are)
    return info is None and not quoted and _common_word(name) and not after_place and text[start] not in LEVELS


def _places(page: Page, a: int, b: int, post_spans: list[tuple[int, int]]) -> list[PlaceMention]:
    """Places written in text[a:b], in order, each linked to the place written right before it."""
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
            best = (start, s_end, suffix, suffix in admin, re.sub("[“”「」\"]", "", text[start:s_end]))
            break
        if best is None:
            pos = m.start() + 1
            continue
        start, s_end, suffix, is_admin, label = best
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
        elif parent is None and is_admin and not admin[suffix].whole:
            inner = _split_known_prefix(text, start, m.start())
            if inner is not None:
                division = gazetteer().by_short[text[start:inner]][0]
                found.append(PlaceMention(name=division.name, original=None, start=start,
                                          end=inner, kind="AdministrativeRegion", level=division.level))
                parent, start, label = start, inner, text[inner:s_end]
        level_prefix = None
        original = re.sub("[“”「」\"]", "", page.original[start:s_end])
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
    found.extend(_listed_places(page, a, b, found))
    return _locate(text, a, b, found)


def _locate(text: str, a: int, b: int, places: list[PlaceMention]) -> list[PlaceMention]:
    """Containment the sentence states: 位于甲镇的乙公司, or 在甲镇，…乙公司 (a fronted place)."""
    by_start = {p.start: p for p in places}
    parents = {p.parent for p in places if p.parent is not None}
    out: list[PlaceMention] = []
    fronted: PlaceMention | None = None
    for p in sorted(places, key=lambda p: p.start):
        sentence_start = max(a, max(text.rfind(c, a, p.start) for c in "。！？!?；;\n") + 1)
        if fronted is not None and fronted.end < sentence_start:
            fronted = None
        before = out[-1] if out else None
        located = None
        if before is not None and before.start not in parents and text[before.end:p.start] == "的" and \
                text.endswith("位于", 0, _chain_start(before, by_start)):
            located = before.start
        elif fronted is not None and p.parent is None:
            located = fronted.start
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


_LISTED = re.compile(rf"((?:[{CJK}]{{2,8}}、)+[{CJK}]{{2,8}})等(小区|社区|村|企业|学校|医院|单位|景区)")


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
                                    kind="Facility", level=m.group(2)))
    return out


# ---------------------------------------------------------------- dates and cues

_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号](?![电讯])")
_DAY = re.compile(r"(?<![\d月年])(\d{1,2})日(?![电讯])")


_RELATIVE_DAY = re.compile("(今天|今日|昨天|昨日)")
_PUBLISHED = re.compile(r"(\d{4}|-)-(\d{2})-(\d{2})")


def _dates(text: str, a: int, b: int, published: str | None) -> list[DateMention]:
    found = [DateMention(m.start(), m.end(), int(m.group(1)) if m.group(1) else None, int(m.group(2)),
                         int(m.group(3))) for m in _DATE.finditer(text, a, b)]
    taken = [(d.start, d.end) for d in found]
    for m in _DAY.finditer(text, a, b):
        if not any(s <= m.start() < e for s, e in taken) and 1 <= int(m.group(1)) <= 31:
            found.append(DateMention(m.start(), m.end(), None, None, int(m.group(1))))
    for m in _RELATIVE_DAY.finditer(text, a, b):
        day = _days_before(published, 1 if m.group().startswith("昨") else 0)
        if day is not None:
            found.append(DateMention(m.start(), m.end(), *day))
    return sorted(found, key=lambda d: d.start)


def _days_before(published: str | None, days: int) -> tuple[int | None, int, int] | None:
    """今天/昨天 counted back from the publication date: (year or None, month, day)."""
    pub = _PUBLISHED.match(published or "")
    if pub is None:
        return None
    year, month, day = None if pub.group(1) == "-" else int(pub.group(1)), int(pub.group(2)), int(pub.group(3))
    try:  # without a year, count in a common year (a leap year only for 02-29 itself)
        then = date(year or (2000 if (month, day) == (2, 29) else 2001), month, day) - timedelta(days=days)
    except ValueError:
        return None
    return then.year if year else None, then.month, then.day


@cache
def _cue_table() -> dict[str, tuple[str, str | None]]:
    table: dict[str, tuple[str, str | None]] = {}
    d = lexicon.discourse()
    for kind in ("speech", "pronoun", "participant", "anaphor_place", "commission", "in_event", "hearing"):
        for word in d[kind]:
            table[word] = (kind, None)
    for word, cls in lexicon.event_triggers().items():
        table[word] = ("trigger", cls)
    return table


@cache
def _cue_regex() -> re.Pattern[str]:
    return re.compile("|".join(sorted(_cue_table(), key=len, reverse=True)))


def _cues(text: str, a: int, b: int) -> list[Cue]:
    out = []
    for m in _cue_regex().finditer(text, a, b):
        kind, cls = _cue_table()[m.group()]
        if kind == "pronoun" and (text[m.end():m.end() + 1] == "们" or text[m.start() - 1:m.start()] == "其"):
            continue  # 他们, 其他: not a pronoun for one person
        out.append(Cue(kind, m.group(), m.start(), m.end(), cls))
    return out


# ---------------------------------------------------------------- document

def _aliases(page: Page, a: int, b: int, persons: list[PersonMention]) -> list[PersonMention]:
    """李部长 after 宣传部部长李四海: a surname and a title the article gave one official refer back to them."""
    text = page.text
    titles: dict[str, set[str]] = {}
    for p in persons:
        if p.official:
            titles.setdefault(p.name, set()).update(seg.title for seg in p.posts)
    found = []
    for m in _title_regex().finditer(text, a, b):
        s = m.start() - 1
        if s < a or not _left_boundary_ok(text, s, a):
            continue
        holders = [n for n, held in titles.items()
                   if n.startswith(text[s]) and any(t.endswith(m.group()) for t in held)]
        if len(holders) == 1:
            found.append(PersonMention(holders[0], holders[0], s, m.end(), "alias"))
    return found


def _prefer_longer_names(page: Page, persons: list[PersonMention]) -> None:
    """张三丰到 read as 张三 once and 张三丰 elsewhere: one person, the longer reading wins."""
    names = {p.name for p in persons}
    for i, p in enumerate(persons):
        longer = next((n for n in names if len(n) == len(p.name) + 1 and n.startswith(p.name)
                       and page.text.startswith(n, p.start)), None)
        if longer:
            persons[i] = PersonMention(longer, page.original[p.start:p.end + 1], p.start, p.end + 1, p.form,
                                       p.posts, p.role, p.phrase_start)


_BOOK_TITLE = re.compile(r"《[^》\n]*》")


def _excluded(page: Page) -> list[tuple[int, int]]:
    """Mojibake, bylines and titles of documents (《…》) never yield people or places."""
    books = [m.span() for m in _BOOK_TITLE.finditer(page.text)]
    return sorted(page.masked + [(bl.start, bl.end) for bl in page.bylines] + books)


def _overlaps(span: tuple[int, int], zones: list[tuple[int, int]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in zones)


def extract(page: Page) -> Mentions:
    """All mentions of one page, in text order."""
    out = Mentions()
    zones = _excluded(page)
    paragraphs = [(bl.start, bl.end) for bl in page.blocks if bl.kind == "paragraph"]
    for a, b in paragraphs:
        chains = [p for p in _chains(page, a, b) if not _overlaps((p.phrase_start or p.start, p.end), zones)]
        out.persons.extend(chains)
    _prefer_longer_names(page, out.persons)
    known = {p.name for p in out.persons}
    for a, b in paragraphs:
        extra = _names_before_titles(page, a, b, known) + _leader_lists(page, a, b) + _role_people(page, a, b)
        out.persons.extend(p for p in extra if not _overlaps((p.start, p.end), zones))
    known = {p.name for p in out.persons if p.official}
    taken = [(p.phrase_start if p.phrase_start is not None else p.start, p.end) for p in out.persons]
    for a, b in paragraphs:
        for name in sorted(known, key=lambda n: (len(n), n)):  # a fixed order: at one start, the longer last
            at = page.text.find(name, a, b)
            while at >= 0:
                span = (at, at + len(name))
                if not _overlaps(span, taken) and not _overlaps(span, zones):
                    original = page.original[span[0]:span[1]]
                    out.persons.append(PersonMention(name, original, span[0], span[1], "reference"))
                at = page.text.find(name, span[1], b)
    taken = [(p.phrase_start if p.phrase_start is not None else p.start, p.end) for p in out.persons]
    taken += zones
    for a, b in paragraphs:
        aliases = _aliases(page, a, b, out.persons)
        out.persons.extend(p for p in aliases if not _overlaps((p.start, p.end), taken))
    out.persons.sort(key=lambda p: p.start)
    post_spans = [(p.phrase_start, p.start) for p in out.persons if p.phrase_start is not None]
    person_spans = [(p.start, p.end) for p in out.persons]
    not_places = zones + person_spans
    for a, b in paragraphs:
        out.places.extend(p for p in _places(page, a, b, post_spans)
                          if not _overlaps((p.start, p.end), not_places))
        out.dates.extend(_dates(page.text, a, b, page.published))
        out.cues.extend(c for c in _cues(page.text, a, b) if not _overlaps((c.start, c.end), person_spans))
    out.places.sort(key=lambda p: p.start)
    return out
