"""Small helpers every extraction module uses: characters and discourse words."""

from __future__ import annotations

import re
from functools import cache

from kg import lexicon
from kg.normalise import CJK, MASK

_IS_CJK = re.compile(f"[{CJK}]")
# characters that, written right after a name, are a word of their own (在, 到, 说 …), not its last character
AFTER_NAME = frozenset("在到和与为是等也就还又都将把对向从率赴于及同跟给被让请由自以说称代陪去来前往已曾再作致讲谈一")


def is_cjk(ch: str) -> bool:
    return ch != MASK and bool(_IS_CJK.match(ch))


@cache
def follow_words() -> tuple[str, ...]:
    """Words that follow a name (到, 在, 一行 …), longest first."""
    return tuple(sorted(lexicon.discourse()["follow"], key=len, reverse=True))


@cache
def boundary_words() -> tuple[str, ...]:
    d = lexicon.discourse()
    return tuple(sorted(d["boundary"] | d["follow"] | set(lexicon.event_triggers()), key=len, reverse=True))


def overlaps(span: tuple[int, int], zones: list[tuple[int, int]]) -> bool:
    a, b = span
    for s, e in zones:
        if s < b and a < e:
            return True
    return False
