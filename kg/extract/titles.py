"""Title chains: "[organisation][title]、[organisation][title]…[name]" read from tagged words.

The tagger (``kg.extract.tagger``) gives words, parts of speech and person names; this module finds
the titles among the words (``kg/data/titles.tsv``; a word such as 县委书记 is split into 县委 and
书记), reads the organisation written before each title with the grammar of
``kg.extract.organisations``, groups titles joined by 、 or 兼 into one chain and binds the chain to
the name written after it (中共中央政治局常委、国务院副总理张伟) or before it (李明教授). Whether the
person is an official follows from what the organisations are (a 主任 of a 委员会, not of a company).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from kg import lexicon
from kg.dictionary import freq
from kg.extract.organisations import LEVELS, parse_org
from kg.extract.tagger import Token
from kg.extract.text import AFTER_NAME, follow_words, is_cjk
from kg.model import OrgMention, PersonMention, PostMention

_SEPARATORS = ("、", "兼")
_JOINS = ("和", "与", "及")
_LIST_JOINS = ("、", "和", "及", "与")
_FORMER = ("原", "前", "时任")  # 原…主任: a post once held is not a post
_MODIFIERS = ("名誉", "常务", "代理", "署理", "执行", "首席", "轮值")  # written before a title, part of it
_MAX_NAME = 6  # characters of a name without dots; a dotted name (艾哈迈德·哈马罗什) may run to 20


@dataclass(frozen=True)
class Word:
    """A tagged word in page coordinates; ``title`` is set when the word is (or ends with) a title."""

    start: int
    end: int
    tag: str
    text: str
    title: str | None = None


def words_of(text: str, tokens: list[Token]) -> list[Word]:
    """The tagged words of ``text`` (tokens in its coordinates, names mended by ``kg.extract.names``), with
    its titles as words of their own.

    Titles are found in the text, not in the tagger's words, which may hold more (县委书记) or less
    (代 | 主任, 指挥 | 长) than a title: a title is taken where it begins or ends where a word does, so
    that 市长 is read in 市长李四 and 县委书记 but not across 城市 | 长期. The tagger's words are cut
    where a title begins or ends; a name (PER) that a title would cut keeps the name.
    """
    starts = {t.start for t in tokens}
    ends = {t.end for t in tokens}
    names = [(t.start, t.end) for t in tokens if t.tag == "PER"]
    titles = [m for m in title_regex().finditer(text) if (m.start() in starts or m.end() in ends)
              and not any(a < m.end() and m.start() < b for a, b in names)]
    cuts = sorted(starts | ends | {m.start() for m in titles} | {m.end() for m in titles})
    title_at = {m.start(): m for m in titles}
    out: list[Word] = []
    tag_at = {}
    for t in tokens:
        for i in range(t.start, t.end):
            tag_at[i] = t.tag
    k = 0
    while k < len(cuts) - 1:
        a = cuts[k]
        if a in title_at:
            m = title_at[a]
            out.append(Word(a, m.end(), "n", m.group(), m.group()))
            k = cuts.index(m.end())
            continue
        b = cuts[k + 1]
        out.append(Word(a, b, tag_at.get(a, "n"), text[a:b]))
        k += 1
    return out


def split_title(word: str) -> tuple[str, str] | None:
    """(what precedes the title, the title) when ``word`` ends with a title; the longest title wins."""
    titles = lexicon.titles()
    for size in range(min(len(word), _longest_title()), 1, -1):
        title = word[-size:]
        if title in titles:
            return word[:-size], title
    return None


@cache
def _longest_title() -> int:
    return max(len(t) for t in lexicon.titles())


@cache
def title_regex() -> re.Pattern[str]:
    """Where titles are written: 委员 but not in 委员会, 书记 but not in 书记处."""
    return re.compile("(?:" + "|".join(sorted(lexicon.titles(), key=len, reverse=True)) + ")(?!会|员会|处)")


# ---------------------------------------------------------------- organisations before a title

def _org_before(words: list[Word], i: int, floor: int, title: str = "") -> tuple[OrgMention | None, int]:
    """The organisation written right before word ``i``, and the index of its first word.

    The words that may belong to it run leftwards to a punctuation mark, a function word, a name or
    another title; of those runs, the longest that reads as an organisation and starts where one can
    (a named organisation or place, a level or national word, a listed organ, or a noun right after
    such a stop: 公安江宁分局, but not 报告商务部 in 研究报告商务部) is taken. A title may
    share its first character with the organisation (国防部长 = 国防部 + 部长). An organisation the
    tagger names but the grammar cannot read (北约) is taken as written.
    """
    k = i
    while k > floor and _may_be_in_org(words, k - 1, i):
        k -= 1
    for loose in (False, True):  # a reading that opens with a national word, a place or a level first
        for first in range(k, i):
            written = "".join(w.text for w in words[first:i])
            for text in (written, written + title[:1]) if title else (written,):
                org = parse_org(text, words[first].start)
                if org is None:
                    continue
                listed = written in lexicon.organs()
                anchored = bool(org.national or org.place or org.level) or (listed and len(written) >= 3)  # 团市委
                opens_well = first == i - 1 or listed or words[first].tag in ("ORG", "LOC", "ns", "nt") or (
                    first == k and words[first].tag in ("n", "nz", "j", "vn"))
                if not (anchored or (loose and opens_well)):
                    continue
                if text != written and not org.units and lexicon.titles()[title].level != title[:1]:
                    continue  # 长沙 + 市长 is 长沙市's; a shared character otherwise ends an organ (国防部长)
                return org, first
    if k < i and words[i - 1].tag == "ORG":
        w = words[i - 1]
        return OrgMention(w.text, w.start, w.end), i - 1
    if k < i and words[i - 1].tag == "LOC" and len(words[i - 1].text) >= 3 and words[i - 1].text[-1] in LEVELS:
        w = words[i - 1]  # 青山县副书记: a division the national list does not hold (newer, older, misspelt)
        return OrgMention(w.text, w.start, w.end, place=w.text), i - 1
    return None, i


_STOP_TAGS = frozenset({"PER", "w", "p", "d", "u", "r", "m", "q", "TIME", "f", "xc", "ad", "vd"})


def _may_be_in_org(words: list[Word], k: int, i: int) -> bool:
    """Can word ``k`` be part of the organisation of the title at ``i``?"""
    w = words[k]
    if w.title is not None or w.text in _SEPARATORS or w.text in _MODIFIERS + _FORMER:
        return False
    if w.text in _JOINS:  # 文化和旅游部, 农业农村和资源环境委员会: 和 inside a name
        return k + 1 < i and k > 0 and words[k - 1].tag not in _STOP_TAGS and words[k - 1].title is None
    return w.tag not in _STOP_TAGS and w.tag != "c"


# ---------------------------------------------------------------- chains

@dataclass
class _Segment:
    post: PostMention
    first: int  # index of the segment's first word
    last: int  # index of its title word
    former: bool


def _segment(words: list[Word], i: int, floor: int) -> _Segment:
    """The title at ``i`` with what is written before it: modifiers (常务, 轮值), 原 (a post once held)
    and the organisation."""
    title_word = words[i]
    title = title_word.title or ""
    k = i
    while k > floor and words[k - 1].text in _MODIFIERS + _FORMER:
        k -= 1
    former = any(w.text in _FORMER for w in words[k:i])
    aside = _aside_before(words, k, floor)
    org, first = _org_before(words, aside if aside is not None else k, floor, title if k == i else "")
    if aside is not None and org is None:
        first = k
    if first > floor and words[first - 1].text in _FORMER:
        first -= 1
        former = True
    info = lexicon.titles()[title]
    inherited = org is None and not (info.level or info.national_organ)
    start = org.start if org is not None else words[first].start
    post = PostMention(title=title, start=start, end=title_word.end, org=org, inherited=inherited)
    return _Segment(post, first, i, former)


def _aside_before(words: list[Word], k: int, floor: int) -> int | None:
    """甲县分管农业的副书记, 第一工业部（航空工业）部长: where an aside that stands between a title and
    its organisation starts (a portfolio, 分管…的, or a bracket), if one does."""
    if k - 1 <= floor or words[k - 1].text not in ("的", "）", ")"):
        return None
    bracket = words[k - 1].text != "的"
    opening = ("（", "(") if bracket else lexicon.discourse()["portfolio"]
    for j in range(k - 2, max(floor, k - 7) - 1, -1):
        if words[j].text in opening:
            return j
        if (words[j].tag in ("w", "PER") and not bracket) or words[j].title is not None:
            return None
    return None


def _official(segments: list[_Segment]) -> bool:
    """Does the chain hold a public office? A title of the official kind without an organisation, or
    any title but a role in an organisation that is a public office."""
    titles = lexicon.titles()
    held: OrgMention | None = None
    for seg in segments:
        info = titles[seg.post.title]
        org = seg.post.org if seg.post.org is not None else (held if seg.post.inherited else None)
        held = org or held
        if seg.former or info.kind == "role":
            continue
        if (org.public if org is not None else info.kind in ("official", "generic")):
            return True
    return False


def _role(segments: list[_Segment]) -> str:
    """The title a person who is not an official is known by (教授, 副总经理, 原主任)."""
    seg = next((s for s in segments if lexicon.titles()[s.post.title].kind == "role"), segments[-1])
    return ("原" if seg.former else "") + seg.post.title


def is_name(word: Word) -> bool:
    """Is this tagged word a person's name (two to six characters, or a dotted name of up to twenty)?"""
    dotted = any(d in word.text for d in "·•・")
    return word.tag == "PER" and 2 <= len(word.text) <= (20 if dotted else _MAX_NAME) and \
        all(is_cjk(c) or c in "·•・" for c in word.text)


def chains(text: str, original: str, words: list[Word]) -> list[PersonMention]:
    """The people the title chains among ``words`` name, with their posts."""
    found: list[PersonMention] = []
    i, n = 0, len(words)
    floor = 0
    listed_after: OrgMention | None = None  # the organisation of the chain just read
    while i < n:
        if words[i].title is None:
            i += 1
            continue
        segments = [_segment(words, i, floor)]
        j = i + 1
        while j + 1 < n and words[j].text in _SEPARATORS:
            nxt = j + 1 if words[j + 1].title is not None else _next_title(words, j + 1)
            if nxt is None:
                break
            seg = _segment(words, nxt, j + 1)
            if seg.first != j + 1 and not all(_may_be_in_org(words, k, nxt) for k in range(j + 1, seg.first)):
                break  # what stands between is no description of the title (石油勘探专家 is one)
            segments.append(seg)
            j = nxt + 1
        if j < n and words[j].title is not None and words[j].start == words[j - 1].end:
            segments.append(_segment(words, j, j))  # 副市长常务副市长: two titles in a row
            j += 1
        name = words[j] if j < n and is_name(words[j]) else _name_by_rule(text, words, j)
        chain_first = segments[0].first
        if name is None and chain_first > floor and is_name(words[chain_first - 1]) and \
                not (j < n and words[j].title is not None):
            name = words[chain_first - 1]  # 张伟教授, 李明总书记: the name before its title
            org, org_first = _org_before(words, chain_first - 1, floor)
            if org is not None and segments[0].post.org is None:
                first = segments[0]
                segments[0] = _Segment(PostMention(first.post.title, org.start, first.post.end, org, False),
                                       org_first, first.last, first.former)
        if name is None:
            i = max(j, i + 1)
            continue
        first = segments[0]
        join = _after_aside(words, floor)  # 协会主席甲（某国总理）、副主席乙: past what is said in brackets
        if listed_after is not None and first.post.inherited and first.first == join + 1 and \
                words[join].text in _LIST_JOINS:  # 协会主席甲、副主席乙: the second is of the same association
            segments[0] = _Segment(replace(first.post, org=listed_after, inherited=False), first.first, first.last,
                                   first.former)
        found.append(_person(text, original, name, segments))
        listed_after = next((s.post.org for s in reversed(segments) if s.post.org is not None), None)
        at = next(k for k, w in enumerate(words) if w.end >= name.end)
        found.extend(_co_holders(text, original, words, at, found[-1]))
        floor = at + 1
        i = floor
    return found


def _after_aside(words: list[Word], k: int) -> int:
    """The index after a bracketed aside that starts at ``k`` (or ``k`` itself when none does)."""
    if k < len(words) and words[k].text in ("（", "("):
        close = next((m for m in range(k + 1, min(len(words), k + 12)) if words[m].text in ("）", ")")), None)
        if close is not None:
            return close + 1
    return k


def _next_title(words: list[Word], k: int) -> int | None:
    """The index of the title that the words from ``k`` lead to, if only organisation words come first."""
    for m in range(k, min(len(words), k + 8)):
        if words[m].title is not None:
            return m
        if words[m].text not in _MODIFIERS + _FORMER and not _may_be_in_org(words, m, m + 1):
            return None
    return None


_NAME_ENDS = frozenset({"w", "v", "p", "c", "d", "u", "f", "vd", "ad"})
_NOT_A_NAME = frozenset({"w", "PER", "p", "c", "d", "u", "f", "r", "m", "q", "vd", "ad"})  # 总统和夫人


def _name_by_rule(text: str, words: list[Word], j: int) -> Word | None:
    """A name right after a title that the tagger took for something else (周八 as a time): two or three
    characters starting with a surname, made of whole words, ending where a verb, a function word or a
    punctuation mark follows, and not themselves a common word. A surname the tagger read as an adverb
    (曾启航 as 曾 "once" + 启航) counts only where a word that follows names comes right after."""
    if j >= len(words) or words[j].title is not None:
        return None
    first = words[j].text
    adverb = words[j].tag == "d" and first[:1] in lexicon.surnames() and (len(first) == 1 or freq(first) == 0)
    if (words[j].tag in _NOT_A_NAME and not adverb) or not (
            first[:1] in lexicon.surnames() or first[:2] in lexicon.surnames()):
        return None
    found = None
    for k in range(j, min(j + 3, len(words))):
        if words[k].title is not None or words[k].tag in ("w", "xc"):
            break  # (xc: 了, an aspect particle: 总书记来了, 总书记辛苦了)
        if adverb and k > j and (words[k].tag in _NOT_A_NAME or words[k].text.startswith(follow_words())):
            break  # 市长曾表示, 书记都参加: the adverb it is
        span = text[words[j].start:words[k].end]
        if len(span) > 3:
            break
        follows = words[k + 1] if k + 1 < len(words) else None
        ends = follows is None or (follows.text.startswith(follow_words()) or follows.tag == "w" if adverb
                                   else follows.tag in _NAME_ENDS)
        if len(span) >= 2 and all(is_cjk(c) for c in span) and freq(span) < 100 and \
                (len(span) == 2 or span[-1] not in AFTER_NAME) and ends:
            found = Word(words[j].start, words[k].end, "PER", span)  # the longest reading: 门继东, not 门继
    if found is not None and len(found.text) == 2 and text[found.end:found.end + 1] in "和与" and \
            text.startswith(tuple(lexicon.discourse()["participant"]), found.end + 1):
        return Word(found.start, found.end + 1, "PER", found.text + text[found.end])  # 满庆和参加: no one else
    return found


def _person(text: str, original: str, name: Word, segments: list[_Segment]) -> PersonMention:
    official = _official(segments)
    posts = tuple(s.post for s in segments if not s.former)
    phrase_start = min(segments[0].post.start, name.start)
    form = "chain" if name.start > segments[0].post.start else "name_title"
    if official and posts:
        return PersonMention(name.text, original[name.start:name.end], name.start, name.end, form, posts,
                             phrase_start=phrase_start)
    return PersonMention(name.text, original[name.start:name.end], name.start, name.end, "role",
                         role=_role(segments), phrase_start=phrase_start)


_SHARED_TITLE = ("副", "常委", "委员", "成员")


def listed_name(words: list[Word], k: int, opens: bool = False) -> bool:
    """Is word ``k`` a name in a list: after 、 (or opening it, and no common word), two or three
    characters from a surname, followed by 、, 等 or a comma (or, opening it, by 、: a list of two or more)?"""
    w = words[k]
    ends = ("、",) if opens else ("、", "等", "，")
    return (opens or words[k - 1].text == "、") and 2 <= len(w.text) <= 3 and w.title is None and \
        w.text[0] in lexicon.surnames() and all(is_cjk(c) for c in w.text) and not (opens and freq(w.text) >= 100) and \
        (k + 1 < len(words) and words[k + 1].text in ends or (not opens and k + 1 == len(words)))


def _co_holders(text: str, original: str, words: list[Word], k: int, holder: PersonMention) -> list[PersonMention]:
    """副市长甲、乙: names listed right after a shared title hold it too (not after 书记甲、乙, two people)."""
    last = holder.posts[-1].title if holder.posts else ""
    if not last.startswith(_SHARED_TITLE) and not last.endswith(_SHARED_TITLE):  # 国务委员甲、乙
        return []
    out = []
    while k + 2 < len(words) and words[k + 1].text == "、" and \
            (is_name(words[k + 2]) or listed_name(words, k + 2)) and \
            not (k + 3 < len(words) and words[k + 3].title is not None):
        w = words[k + 2]
        out.append(PersonMention(w.text, original[w.start:w.end], w.start, w.end, holder.form, holder.posts,
                                 holder.role, holder.phrase_start, holder.is_official))
        k += 2
    return out
