"""Person names: which text to tag, the tagger's names, and later references to the same people.

Names come from the learned tagger (``kg.extract.tagger``), run only on the few characters around
what makes a name likely: a title (with the organisation before it), a role word (记者, 村民), or a
list of people who 陪同/参加/发言. Where the tagger is known to err, its names are mended. A name the
article gave once is found again by its spelling elsewhere (a "reference"), and a surname with a
title the article gave that person (李部长) is an "alias".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import replace
from functools import cache

from kg import lexicon
from kg.extract.tagger import Token, tag
from kg.extract.text import AFTER_NAME, follow_words, is_cjk, overlaps
from kg.extract.titles import Word, chains, is_name, listed_name, split_title, title_regex, words_of
from kg.model import PARTICIPANT_ROLE, Page, PersonMention

_CLAUSE_STOP = re.compile(r"[，,。！？!?；;：:\n]")
_ALSO_PRESENT = re.compile(r"[^，,。；;\n]{0,20}的[^，,。；;\n]{0,12}?还?有")  # 出席座谈会的党外人士还有
_LIST_JOINS = ("、", "和", "及", "与")


@cache
def _role_words() -> dict[str, str]:
    """Words for people who are not officials, written before their names (村民, 记者 …) → role."""
    roles = dict(lexicon.person_roles())
    roles.update({w: r.role for w, r in lexicon.byline_roles().items() if r.position == "before" and len(w) > 1})
    return roles


@cache
def _roles_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_role_words(), key=len, reverse=True))


@cache
def _leader_words() -> tuple[str, ...]:
    return tuple(lexicon.discourse()["leaders_list"])


@cache
def _anchor_regex() -> re.Pattern[str]:
    """Words that make a name likely nearby: titles, role words, participation and speaking."""
    d = lexicon.discourse()
    words = set(lexicon.titles()) | set(_role_words()) | d["participant"] | d["leaders_list"] | d["speaker"]
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


# how much text around a word that makes a name likely is tagged: (before, after) in characters
_TITLE_WINDOW = (16, 8)  # an organisation before a title (市政协文化文史和学习委员会), the name after it
_LIST_WINDOW = (200, 2)  # names listed before 参加, 陪同, 发言: from the start of the clause
_DOTTED_NAME_ROOM = 14  # after a title, a dotted name may run longer (艾哈迈德·哈马罗什)
_LISTED_NAMES_ROOM = 32  # after a title, names listed with 、 (副市长甲、乙、丙、丁) run on to the clause's end


def spans_to_tag(page: Page, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of text worth tagging: around each title, role word or list verb, inside its clause
    (between commas and stops), overlapping stretches merged. The tagger's cost grows with the text it
    reads, so it reads a few characters around what makes a name likely, not whole paragraphs."""
    anchors, lists, text = _anchor_regex(), _list_words(), page.text
    out: list[tuple[int, int]] = []
    for a, b in lines:
        stops = [m.start() for m in _CLAUSE_STOP.finditer(text, a, b)]
        for m in anchors.finditer(text, a, b):
            k = bisect_left(stops, m.start())
            # the clause, with the mark that ends it: the tagger reads a name's end better before a comma
            lo, hi = (stops[k - 1] + 1 if k else a), (stops[k] + 1 if k < len(stops) else b)
            before, after = _LIST_WINDOW if m.group() in lists else _TITLE_WINDOW
            end = m.end() + after
            if m.group() in lists and _ALSO_PRESENT.match(text, m.end()):
                end = hi  # 出席会议的还有甲、乙: the names come after
            elif any(d in text[m.end():m.end() + _DOTTED_NAME_ROOM] for d in _DOTS):
                end = m.end() + _DOTTED_NAME_ROOM
            elif "、" in text[m.end():end]:
                end = m.end() + _LISTED_NAMES_ROOM  # 副总理甲、乙、丙: names that share the title
            start, end = max(lo, m.start() - before), min(hi, end)
            if out and out[-1][1] >= start and out[-1][0] >= lo:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
    return out


@cache
def _list_words() -> frozenset[str]:
    d = lexicon.discourse()
    return d["participant"] | d["speaker"]


def tagged_words(page: Page, spans: list[tuple[int, int]]) -> Iterator[list[Word]]:
    """The tagged words of each span, in page coordinates (one batch for the whole page)."""
    texts = [page.text[a:b] for a, b in spans]
    for (a, _), text, tokens in zip(spans, texts, tag(texts), strict=True):
        words = words_of(text, mend(text, list(tokens)))
        yield [Word(w.start + a, w.end + a, w.tag, w.text, w.title) for w in words]


# ---------------------------------------------------------------- where the tagger errs

_DOTS = "·•・"
_LIST_MARKS = ("、", "和", "及", "等", "，", ",")  # what may follow a name in a list
_NOT_IN_NAMES = frozenset({"w", "p", "c", "u", "m", "q"})


def mend(text: str, tokens: list[Token]) -> list[Token]:
    """The tagger's names, mended where it is known to err.

    A name that ends with a title is a surname and a title (江主席); a conjunction or a word that
    follows names is not the end of one (张德广和, 莫振声率 | 调研组, 王五一 | 行); a name of two known
    ethnic given names is whole (格桑 | 卓玛); a dotted name is one name however it was cut
    (艾合 | 买 | 提江· | 努尔东); a two-character or dotted name followed by a lone character that is no
    word of its own before the next word is a name cut short (刘用 | 全 | 带队, 吐尔洪·阿不来 | 提陪同).
    """
    tokens = _dotted_whole(text, tokens)
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        k += 1
        word = text[t.start:t.end]
        if t.tag != "PER":
            out.append(t)
            continue
        if split_title(word) is not None:
            out.append(Token(t.start, t.end, "n"))
            continue
        longer = _ethnic_name(text, t.start)
        if longer is not None and longer > t.end:
            out.append(Token(t.start, longer, "PER"))
            while k < len(tokens) and tokens[k].end <= longer:
                k += 1
            if k < len(tokens) and tokens[k].start < longer:  # the rest of a word the name ran into
                tokens[k] = Token(longer, tokens[k].end, tokens[k].tag)
            continue
        dotted = any(d in word for d in _DOTS)
        ends_in_word = text.startswith(_longer_follow_words(), t.end - 1)  # 王五一 | 行
        runs_on = k < len(tokens) and tokens[k].tag != "w"  # 张德广和委员会…, not 司马清和，
        if not dotted and ((len(word) >= 3 and ends_in_word) or (len(word) >= 4 and word[-1] in AFTER_NAME
                                                                   and runs_on)):
            out += [Token(t.start, t.end - 1, "PER"), Token(t.end - 1, t.end, "c")]
            continue
        nxt = tokens[k] if k < len(tokens) else None
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        if len(word) == 1 and word in lexicon.surnames() and nxt is not None and after is not None and \
                1 <= nxt.end - nxt.start <= 2 and all(is_cjk(c) for c in text[nxt.start:nxt.end]) and \
                nxt.tag not in _NOT_IN_NAMES and nxt.tag != "PER" and text[after.start:after.end] in _LIST_MARKS:
            out.append(Token(t.start, nxt.end, "PER"))  # 甲、何 | 报翔、乙: a surname and its given name
            k += 1
            continue
        rest = text[nxt.start + 1:nxt.end] if nxt is not None else ""
        if (len(word) == 2 or dotted) and nxt is not None and rest in _longer_follow_words() and \
                is_cjk(text[nxt.start]) and text[nxt.start] not in AFTER_NAME:
            out += [Token(t.start, nxt.start + 1, "PER"), Token(nxt.start + 1, nxt.end, nxt.tag)]
            k += 1  # 吐尔洪·阿不来 | 提陪同: the name's last character and the verb after it
            continue
        if (len(word) == 2 or dotted) and nxt is not None and nxt.end - nxt.start == 1 and \
                is_cjk(text[nxt.start]) and text[nxt.start] not in AFTER_NAME and nxt.tag not in _NOT_IN_NAMES \
                and not split_title(text[nxt.start:nxt.start + 3]) and \
                (after is None or after.end - after.start > 1 or after.tag in ("w", "c", "p", "u")):
            out.append(Token(t.start, nxt.end, "PER"))
            k += 1
            continue
        out.append(t)
    return out


@cache
def _longer_follow_words() -> tuple[str, ...]:
    return tuple(w for w in follow_words() if len(w) > 1)


def _dotted_whole(text: str, tokens: list[Token]) -> list[Token]:
    """A dotted name spans every piece around its dots: names, dots and lone characters between them."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if not any(d in text[t.start:t.end] for d in _DOTS) or t.tag not in ("PER", "w"):
            out.append(t)
            k += 1
            continue
        first = len(out)  # pieces before the dot: names and lone characters
        while first > 0 and _piece(text, out[first - 1]):
            first -= 1
        last = k + 1  # pieces after it
        while last < len(tokens) and (_piece(text, tokens[last]) or text[tokens[last].start] in _DOTS):
            last += 1
        if text[tokens[last - 1].end - 1] in _DOTS:  # 甲·买买/v 提明/v 到: the tagger cut what follows the dot
            last = _words_to_boundary(text, tokens, last)
        start = out[first].start if first < len(out) else t.start
        end = tokens[last - 1].end
        if start < t.start or end > t.end or t.tag == "PER":
            out[first:] = [Token(start, end, "PER")]
        else:
            out.append(t)
        k = last
    return out


_AFTER_DOT_ROOM = 8  # characters of a name's part after a dot


def _words_to_boundary(text: str, tokens: list[Token], k: int) -> int:
    """Past the words from ``k`` up to a word that may follow a name (到, 在, punctuation), if that
    comes within a name part's length; else ``k`` (nothing taken)."""
    follow, size = lexicon.discourse()["follow"], 0
    for n in range(k, len(tokens)):
        word = text[tokens[n].start:tokens[n].end]
        if word in follow or tokens[n].tag in _NOT_IN_NAMES:
            return n if n > k else k
        size += len(word)
        if size > _AFTER_DOT_ROOM or not all(is_cjk(c) for c in word):
            return k
    return k


def _piece(text: str, t: Token) -> bool:
    """Can this word be part of a dotted name (a name, or a lone character that is no function word)?"""
    word = text[t.start:t.end]
    return t.tag == "PER" or (len(word) == 1 and is_cjk(word) and word not in AFTER_NAME)


def _ethnic_name(text: str, start: int) -> int | None:
    """The end of a name made of two known given-name parts (格桑卓玛, 巴特尔图雅), if one starts here."""
    parts = lexicon.ethnic_name_parts()
    for first in (4, 3, 2):
        if text[start:start + first] in parts:
            for second in (4, 3, 2):
                if text[start + first:start + first + second] in parts:
                    return start + first + second
    return None


def people_in(page: Page, words: list[Word], body: bool = True) -> list[PersonMention]:
    """Everyone the words of one clause name: title chains, and in the body role words and lists of
    people (a headline runs its names together: 甲乙丙陪同)."""
    found = chains(page.text, page.original, words)
    if not body:
        return found
    taken = [(p.phrase_start if p.phrase_start is not None else p.start, p.end) for p in found]
    found += _role_people(page, words, taken)
    taken += [(p.start, p.end) for p in found]
    found += _listed(page, words, taken)
    taken += [(p.start, p.end) for p in found]
    found += _escorted(page, words, taken)
    return found


_CLAUSE_OPENERS = "，,。！？!?；;：:\n"
_ESCORTED = re.compile(r"在[^，,。；;！？!?]{2,60}?陪同下")


def _escorted(page: Page, words: list[Word], taken: list[tuple[int, int]]) -> list[PersonMention]:
    """甲在省委书记乙、省长丙陪同下考察: whom officials escort is an official (a leader named bare)."""
    out = []
    for i, w in enumerate(words[:-1]):
        opens = w.start == 0 or page.text[w.start - 1] in _CLAUSE_OPENERS or (i and words[i - 1].tag == "TIME")
        if is_name(w) and not overlaps((w.start, w.end), taken) and opens \
                and _ESCORTED.match(page.text, w.end) and title_regex().search(page.text, w.end, w.end + 60):
            out.append(_mention(page, w, "leaders_list"))
    return out


def _mention(page: Page, w: Word, form: str, role: str | None = None) -> PersonMention:
    return PersonMention(w.text, page.original[w.start:w.end], w.start, w.end, form, role=role)  # type: ignore[arg-type]


def _role_people(page: Page, words: list[Word], taken: list[tuple[int, int]]) -> list[PersonMention]:
    """村民于某, 本报记者某某: a role word right before a name; 市领导甲、乙: leaders without their posts."""
    roles, leaders = _role_words(), _leader_words()
    out = []
    for i, w in enumerate(words[:-1]):
        is_leaders = w.text.endswith(leaders)
        # 市领导于佩然、乙参加: after 领导 a list opens with a name, however the tagger read it
        bare = is_leaders and not is_name(words[i + 1]) and listed_name(words, i + 1, opens=True)
        if not is_name(words[i + 1]) and not bare:
            continue
        head = next((r for r in _roles_longest_first() if w.text.endswith(r)), None)
        if head is None and not is_leaders:
            continue
        for name in _name_list(words, i + 1, bare):
            if not overlaps((name.start, name.end), taken):
                out.append(_mention(page, name, "leaders_list") if is_leaders and head is None
                           else _mention(page, name, "role", roles[head or ""]))
    return out


def _name_list(words: list[Word], k: int, bare: bool = False) -> list[Word]:
    """Names from ``k`` joined by 、和及与 (甲、乙和丙). Between 、 in a list of names (or first, if
    ``bare``), a two- or three-character word that starts with a surname is a name the tagger missed
    (甲、王彬、乙)."""
    names = []
    while k < len(words) and (is_name(words[k]) or ((names or bare) and listed_name(words, k, opens=not names))):
        names.append(words[k] if words[k].tag == "PER" else Word(words[k].start, words[k].end, "PER", words[k].text))
        if k + 2 < len(words) and words[k + 1].text in _LIST_JOINS and \
                (is_name(words[k + 2]) or listed_name(words, k + 2)):
            k += 2
        else:
            break
    return names


def _listed(page: Page, words: list[Word], taken: list[tuple[int, int]]) -> list[PersonMention]:
    """甲、乙参加调研 (named leaders who take part: officials) and 甲、乙等先后发言 (speakers: people).

    The names must be listed without titles and followed, before any other name or title, by a verb
    of taking part or of speaking.
    """
    joining, speaking = lexicon.discourse()["participant"], lexicon.discourse()["speaker"]
    out: list[PersonMention] = []
    i = 0
    while i < len(words):
        if not is_name(words[i]) or overlaps((words[i].start, words[i].end), taken):
            i += 1
            continue
        names = _name_list(words, i)
        k = next(m for m, w in enumerate(words) if w.end >= names[-1].end) + 1
        verb = None
        for w in words[k:]:
            if w.tag == "PER" or w.title is not None:
                break
            if w.text in joining or w.text.startswith(tuple(joining)):
                verb = "join"
                break
            if w.text in speaking:
                verb = "speak"
                break
        if verb is None and _joined_before(page.text, words[i].start, joining):
            verb = "present"  # 参加会见的还有甲、乙: people who take part, named after the fact
        if verb == "join":
            out.extend(_mention(page, n, "leaders_list") for n in names)
        elif verb == "present":
            out.extend(_mention(page, n, "listed", PARTICIPANT_ROLE) for n in names)
        elif verb == "speak":
            out.extend(_mention(page, n, "listed", PARTICIPANT_ROLE) for n in names)
        i = k
    return out


def _joined_before(text: str, start: int, joining: frozenset[str]) -> bool:
    """Does the clause before ``start`` say who else took part (出席座谈会的党外人士还有)?"""
    clause = text[max(text.rfind(c, 0, start) for c in "，,。；;\n") + 1:start]
    return any(_ALSO_PRESENT.fullmatch(clause, k + len(w)) for w in joining for k in _find_all(clause, w))


def _find_all(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


# ---------------------------------------------------------------- the same people again

def references(page: Page, paragraphs: list[tuple[int, int]], known: set[str],
               taken: list[tuple[int, int]]) -> list[PersonMention]:
    """Every other place a paragraph writes the name of an official read with a title."""
    out = []
    taken = list(taken)
    for a, b in paragraphs:
        for name in sorted(known, key=lambda n: (-len(n), n)):  # longer first: 志明 is no one inside 陈志明
            at = page.text.find(name, a, b)
            while at >= 0:
                span = (at, at + len(name))
                if not overlaps(span, taken):
                    out.append(PersonMention(name, page.original[span[0]:span[1]], span[0], span[1], "reference"))
                    taken.append(span)
                at = page.text.find(name, span[1], b)
    return sorted(out, key=lambda p: p.start)


def prefer_longer(page: Page, persons: list[PersonMention]) -> list[PersonMention]:
    """陈其 | 发 read once and 陈其发 elsewhere: one person, the longer reading wins."""
    names = {p.name for p in persons}
    out = []
    for p in persons:
        longer = next((n for n in sorted(names) if len(n) == len(p.name) + 1 and n.startswith(p.name)
                       and page.text.startswith(n, p.start)), None)
        if longer:
            p = replace(p, name=longer, original=page.original[p.start:p.end + 1], end=p.end + 1)
        out.append(p)
    return out


def _left_boundary_ok(text: str, start: int, floor: int) -> bool:
    """Can a name start at ``start`` (after punctuation, or after a preposition)?"""
    return start <= floor or not is_cjk(text[start - 1]) or text[start - 1] in "到在对向与和把将由让请受给为据"


def aliases(page: Page, paragraphs: list[tuple[int, int]], persons: list[PersonMention]) -> list[PersonMention]:
    """李部长 after 宣传部部长李四海: a surname and a title the article gave one official refer back to them."""
    text = page.text
    titles: dict[str, set[str]] = {}
    for p in persons:
        if p.official:
            titles.setdefault(p.name, set()).update(seg.title for seg in p.posts)
    found = []
    for a, b in paragraphs:
        for m in title_regex().finditer(text, a, b):
            s = m.start() - 1
            if s < a or not _left_boundary_ok(text, s, a):
                continue
            holders = [n for n, held in titles.items()
                       if n.startswith(text[s]) and any(t.endswith(m.group()) for t in held)]
            if len(holders) == 1:
                found.append(PersonMention(holders[0], holders[0], s, m.end(), "alias"))
    return found
