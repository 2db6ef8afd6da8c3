"""Second stage: a loaded article becomes a clean, Simplified ``Page``.

Pinyin glosses are removed, mojibake is masked with ``〓`` so no name is ever
read from it, Traditional characters are converted for analysis (the original
spelling is kept beside), page furniture is dropped, and every character of the
result keeps its offset in the original file.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from functools import cache

import opencc

from kg import lexicon
from kg.model import Block, Byline, Page, SourceText

MASK = "〓"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_GLOSS = re.compile(rf"(?<=[{CJK}])[(（]([a-zü{TONED}]{{1,7}})[)）]")
_BROKEN_GLOSS = re.compile(rf"[?\ufffd][a-zü{TONED}]{{1,7}}\)")  # "(" eaten by a broken encoding
_HAS_TONE = re.compile(f"[{TONED}]")
_SPACED_PUNCTUATION = re.compile("[ \u3000]+(?=[、，。；：！？])|(?<=[、，；：])[ \u3000]+(?=[^ \u3000\n])")
_QUESTION = re.compile("[?\ufffd]")  # where a broken decoding left its marks
_SYLLABLE = re.compile(r"^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:[aeiouü]+n?g?|r)$")
_FULL_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
                        r"(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_DATELINE = re.compile(r"^(?P<pub>[^\s\d,，。]{2,10}?)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:电|讯)")
_SOURCE = re.compile(r"来源\s*[:：]\s*([^\s)）]+)")
_PARENS = re.compile(r"[(（]([^()（）\n]{2,60})[)）]")
_END_PUNCT = "。！？!?；;…"
_SENTENCE_PUNCT = "。！？"
_CLOSERS = "”’」』\"')）"
_BULLETS = " \t\r\u3000□■●◆◇▲▼★☆·•"  # \r: files with Windows line ends keep it in the text


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → Traditional, for labels of things named in a Traditional article."""
    return _s2t().convert(text)


def to_simplified(text: str) -> str:
    """Traditional → Simplified, guaranteed to keep the length (offsets stay valid)."""
    convert = _t2s().convert
    out = convert(text)
    if len(out) == len(text):
        return out
    lines = []
    for line in text.split("\n"):
        conv = convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c) == 1 else ch for ch, c in ((ch, convert(ch)) for ch in line))
        lines.append(conv)
    return "\n".join(lines)


def strip_glosses(text: str) -> tuple[str, list[int]]:
    """Remove pinyin glosses such as 戰(zhàn), and spaces next to Chinese punctuation (市委常委 、副市长);
    return the text and new→old index map."""
    matches = [m for m in _GLOSS.finditer(text)]
    toned = sum(1 for m in matches if _HAS_TONE.search(m.group(1)))
    drop: list[tuple[int, int]] = [m.span() for m in _SPACED_PUNCTUATION.finditer(text)]
    for m in matches:
        syllable = m.group(1)
        if _HAS_TONE.search(syllable) or (toned >= 3 and _SYLLABLE.match(syllable)):
            drop.append(m.span())
    drop = _merge(sorted(drop))
    if not drop:
        return text, list(range(len(text) + 1))
    kept: list[int] = []
    pos = 0
    for a, b in drop:
        kept.extend(range(pos, a))
        pos = b
    kept.extend(range(pos, len(text) + 1))
    return "".join(text[i] for i in kept[:-1]), kept


@cache
def _is_common(ch: str) -> bool:
    """Common characters are those of GB2312 level 1 (after t2s) plus ASCII and punctuation."""
    if ch.isascii() or not ch.isalpha():
        return True
    simple = to_simplified(ch)
    try:
        code = simple.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xD7


def mask_mojibake(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Mask runs garbled by a wrong decoding (日?qǐng)?bào), 斬?cái)嘁咔閭鞑デ?) with MASK."""
    chars = list(text)
    spans: list[tuple[int, int]] = []
    for m in _BROKEN_GLOSS.finditer(text):
        spans.append((max(m.start() - 1, 0), m.end()))
    for question in _QUESTION.finditer(text):
        i, ch = question.start(), question.group()
        window = text[max(i - 3, 0):i] + text[i + 1:i + 4]
        rare = sum(1 for c in window if not _is_common(c))
        broken = any(a <= i < b or a == i + 1 for a, b in spans)
        if ch == "\ufffd" or rare >= 2 or broken:
            start, end = i, i + 1
            while start > 0 and (not _is_common(text[start - 1]) or text[start - 1] in "?\ufffd"):
                start -= 1
            while end < len(text) and (not _is_common(text[end]) or text[end] in "?\ufffd"):
                end += 1
            if start > 0 and text[start - 1] not in "\n" and re.match(f"[{CJK}]", text[start - 1]):
                start -= 1  # the character whose bytes broke is garbled too
            spans.append((start, end))
    if not spans:
        return text, []
    spans = _merge(spans)
    for a, b in spans:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = MASK
    return "".join(chars), spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


# ---------------------------------------------------------------- bylines

@cache
def _role_pattern() -> re.Pattern[str]:
    before = sorted((w for w, r in lexicon.byline_roles().items() if r.position == "before"), key=len, reverse=True)
    return re.compile(rf"([{CJK}]{{0,4}}报道组|{'|'.join(before)})")


_NAME_TOKEN = re.compile(rf"[{CJK}]{{2,4}}")
_LEADS_NAMES = re.compile(r"\s*[/／:：]")
_TOKEN = re.compile(rf"[{CJK}]+|[^\s{CJK}]+")
_SEPARATORS = re.compile(r"[丨|:：/／、,，()（）\-—]+")


def parse_byline(line: str, offset: int = 0) -> tuple[list[tuple[str, str, int, int]], int]:
    """Credits in a byline → ([(name, role, start, end)], count of characters it could not explain).

    Roles written before names (记者 张三) apply until a role written after names (李四 图).
    """
    roles = lexicon.byline_roles()
    found: list[tuple[str, str, int, int]] = []
    pending: list[tuple[str, int, int]] = []
    unexplained = 0
    role: str | None = None
    pos = 0
    line = line.replace("丨", "|")  # a CJK code point used as a separator in credits
    for m in [*_role_pattern().finditer(line), None]:
        end = m.start() if m else len(line)
        for tok in _TOKEN.finditer(line, pos, end):
            word, a, b = tok.group(), offset + tok.start(), offset + tok.end()
            after = roles.get(word)
            if after is not None and after.position == "after" and not pending and _LEADS_NAMES.match(line, tok.end()):
                role = after.role  # 文/张三, 图：李四: with a slash or colon it leads the names after it
            elif after is not None and after.position == "after":
                found.extend((name, after.role, s, e) for name, s, e in pending)
                pending, role = [], None
            elif _NAME_TOKEN.fullmatch(word) and word[0] in _surname_initials():
                if role:
                    found.append((word, role, a, b))
                else:
                    pending.append((word, a, b))
            elif not _SEPARATORS.fullmatch(word):
                unexplained += len(word)
        if m:
            unexplained += sum(len(name) for name, _, _ in pending)
            pending = []
            word = m.group(1)
            role = word if word.endswith("报道组") else roles[word].role
            pos = m.end()
    unexplained += sum(len(name) for name, _, _ in pending)
    return found, unexplained


@cache
def _surname_initials() -> frozenset[str]:
    return frozenset(s[0] for s in lexicon.surnames())


# ---------------------------------------------------------------- lines

def _line_kind(line: str, repeated: Counter[str], seen_paragraph: bool) -> str:
    """Classify one Simplified line: spam, meta, cut, drop, byline, caption, heading, paragraph."""
    rules = lexicon.boilerplate()
    stripped = line.strip(_BULLETS)
    low = stripped.lower()
    if not stripped:
        return "blank"
    if "。" not in stripped and sum(1 for w in rules["spam"] if w in low) >= 2:
        return "spam"  # spam titles may shout (！) but do not end sentences
    if any(w in stripped for w in rules["breadcrumb"]) and len(stripped) < 80 and "。" not in stripped:
        return "meta"
    if _is_cut(stripped, low, rules["cut"]):
        return "cut" if seen_paragraph else "drop"  # before the body it is a share bar or a menu
    if any(w in stripped for w in rules["drop"]) and len(stripped) < 80 and not _FULL_DATE.search(stripped):
        return "drop"
    if _FULL_DATE.search(stripped) and len(stripped) < 80 and "。" not in stripped:
        return "meta"
    if stripped.startswith(("(来源", "（来源")) and len(stripped) < 40:
        return "meta"
    if len(stripped) <= 60 and not _is_sentence(stripped):
        credits, unexplained = parse_byline(stripped)
        if credits and unexplained <= 10:
            return "byline"
    if stripped[0] in "(（" and stripped[-1] in ")）" and len(stripped) < 30:
        return "caption"
    headline = _is_headline(stripped)
    if repeated[stripped] >= 2 and (seen_paragraph or not headline):
        return "caption"  # before the body, a repeated headline is the title shown again under pictures
    return "heading" if headline else "paragraph"


def _is_sentence(line: str) -> bool:
    """Body text ends sentences; bylines and page furniture do not."""
    return any(p in line for p in _SENTENCE_PUNCT)


def _is_headline(stripped: str) -> bool:
    """A short line that does not end with sentence punctuation or a colon."""
    body = stripped.rstrip(_CLOSERS)
    return bool(body) and body[-1] not in _END_PUNCT and body[-1] not in ":：" and len(stripped) <= 45


def _is_cut(stripped: str, low: str, markers: tuple[str, ...]) -> bool:
    """Whether the line starts the furniture after an article (related links, share bar, footer).

    A marker followed by a colon or a bracket (上一篇：…, 【相关阅读】) is furniture however long the
    line; otherwise a sentence is body text even when it starts like furniture (关键词是…。).
    """
    head = low.lstrip("【[")
    marker = next((w for w in markers if head.startswith(w)), None)
    if marker is not None and head[len(marker):len(marker) + 1] in (":", "：", "】", "]"):
        return True
    if _is_sentence(stripped):
        return False
    return (marker is not None and len(stripped) <= 40) or any(w in low for w in lexicon.boilerplate()["footer"])


def _clean_title(title: str) -> str:
    return re.sub(r"^[^!！:：\s]{2,6}[!！]", "", title.strip()).strip()


def normalise(source: SourceText) -> Page:
    """Build the analysis Page of one article (pure function of its input)."""
    s1, to_s0 = strip_glosses(source.text)
    masked_text, masked = mask_mojibake(s1)
    simple = to_simplified(masked_text)
    lines = simple.split("\n")
    repeated = Counter(line.strip(_BULLETS) for line in lines if line.strip(_BULLETS))

    out_chars: list[str] = []
    out_orig: list[str] = []
    out_map: list[int] = []  # index in s1
    blocks: list[Block] = []
    bylines: list[Byline] = []
    header_source = breadcrumb = dateline = trailing_source = None
    published = source.date
    title = source.title
    pos = 0
    seen_paragraph = False
    for line in lines:
        start_s1 = pos
        pos += len(line) + 1
        kind = _line_kind(line, repeated, seen_paragraph)
        stripped = line.strip(_BULLETS)
        if kind == "cut":
            break
        if kind in ("blank", "spam", "drop"):
            continue
        if kind == "meta":
            m = _SOURCE.search(stripped)
            if m and not seen_paragraph:
                header_source = header_source or m.group(1)
            elif not seen_paragraph and (outlet := _leading_outlet(stripped)):
                header_source = header_source or outlet
            elif m:
                trailing_source = trailing_source or m.group(1)
            if any(w in stripped for w in lexicon.boilerplate()["breadcrumb"]):
                crumb = re.split(r"[:：]", stripped, maxsplit=1)[-1]
                crumbs = [c for c in re.split(r"\s*>+\s*", crumb.strip())
                          if c and c not in lexicon.boilerplate()["crumb_skip"]]
                breadcrumb = breadcrumb or (crumbs[0] if crumbs else None)
            date = _FULL_DATE.search(stripped)
            if date and not published:
                published = _iso(date)
            continue
        lead = len(line) - len(line.lstrip(_BULLETS))
        block_start = len(out_chars)
        base = start_s1 + lead
        out_chars.extend(stripped)
        out_orig.extend(masked_text[base:base + len(stripped)])
        out_map.extend(range(base, base + len(stripped)))
        block_end = len(out_chars)
        out_chars.append("\n")
        out_orig.append("\n")
        out_map.append(min(base + len(stripped), len(s1)))
        if kind == "heading" and not seen_paragraph and title is None:
            kind = "title"
            title = _clean_title(stripped)
        elif not blocks and source.title and stripped == source.title.strip():
            kind = "title"  # a feed record's text that opens with its title (however long the headline)
        blocks.append(Block(block_start, block_end, kind))  # type: ignore[arg-type]
        if kind == "byline":
            for name, role, a, b in parse_byline(stripped, block_start)[0]:
                bylines.append(Byline(name, "".join(out_orig[a:b]), role, a, b))
            m = _SOURCE.search(stripped)
            if m:
                trailing_source = trailing_source or _strip_roles(m.group(1))
        elif kind == "paragraph":
            if not seen_paragraph:
                d = _DATELINE.match(stripped)
                if d:
                    dateline = d
            seen_paragraph = True
            for m in _PARENS.finditer(stripped):
                credits, unexplained = parse_byline(m.group(1), block_start + m.start(1))
                if credits and _role_pattern().search(m.group(1)):
                    for name, role, a, b in credits:
                        bylines.append(Byline(name, "".join(out_orig[a:b]), role, a, b))
    text = "".join(out_chars)
    s0_to_raw = source.offsets
    offsets = list(map(s0_to_raw.__getitem__, map(to_s0.__getitem__, out_map)))  # raw index of each character
    offsets.append(min(offsets[-1] + 1, s0_to_raw[-1]) if offsets else 0)  # never past the raw text
    if dateline is not None and not published:
        published = f"--{int(dateline['m']):02d}-{int(dateline['d']):02d}"
    publisher = source.publisher or header_source or breadcrumb
    if not publisher and dateline is not None and dateline["pub"]:
        publisher = _strip_roles(dateline["pub"])
    publisher = publisher or trailing_source
    masked_out = _spans_in_text(out_map, masked)
    original = "".join(out_orig)
    script = "zh-Hant" if _count_traditional(original, text) else "zh-Hans"
    return Page(source=source, text=text, original=original, offsets=tuple(offsets), script=script,
                blocks=blocks, masked=masked_out, bylines=bylines,
                title=to_simplified(title) if title else None, published=published,
                publisher=to_simplified(publisher) if publisher else None)


def _leading_outlet(line: str) -> str | None:
    """梅州日报 2023年09月21日 第01版: a header line that opens with the outlet's name."""
    m = re.match(rf"[{CJK}]{{2,14}}", line)
    if m and m.group().endswith(lexicon.boilerplate()["outlet"]):
        return m.group()
    return None


def _strip_roles(text: str) -> str:
    return _role_pattern().sub("", text).strip()


def _iso(m: re.Match[str]) -> str | None:
    """The date (and time) a header line gives, in ISO form; None when it is no real date (2020-13-45)."""
    y, mo, d, hh, mm, ss = m.groups()
    try:
        date = datetime.date(int(y), int(mo), int(d)).isoformat()
        if hh is None:
            return date
        return f"{date}T{datetime.time(int(hh), int(mm), int(ss or 0)).isoformat()}"
    except ValueError:
        return None


def _spans_in_text(out_map: list[int], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Masked spans of the gloss-free text, re-expressed in Page.text offsets."""
    if not spans:
        return []
    inside = [any(a <= i < b for a, b in spans) for i in out_map]
    result, start = [], None
    for k, flag in enumerate(inside + [False]):
        if flag and start is None:
            start = k
        elif not flag and start is not None:
            result.append((start, k))
            start = None
    return result


def _count_traditional(original: str, simple: str) -> bool:
    """A text is Traditional when conversion changed a noticeable share of its characters."""
    if original == simple:
        return False
    changed = sum(a != b for a, b in zip(original, simple))
    return changed >= max(3, len(simple) // 100)
