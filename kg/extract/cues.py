"""Discourse cues: event triggers, speech verbs, pronouns, participant markers (``kg/data/discourse.tsv``,
``kg/data/event_triggers.tsv``)."""

from __future__ import annotations

import re
from functools import cache

from kg import lexicon
from kg.model import Cue


@cache
def _cue_table() -> dict[str, tuple[str, str | None]]:
    table: dict[str, tuple[str, str | None]] = {}
    d = lexicon.discourse()
    for kind in ("speech", "pronoun", "participant", "anaphor_place", "commission", "in_event", "hearing", "speaker",
                 "escort", "led_by"):
        for word in d[kind]:
            table[word] = (kind, None)
    for word, cls in lexicon.event_triggers().items():
        table[word] = ("trigger", cls)
    return table


@cache
def _cue_regex() -> re.Pattern[str]:
    return re.compile("|".join(sorted(_cue_table(), key=len, reverse=True)))


def cues_in(text: str, a: int, b: int) -> list[Cue]:
    out = []
    for m in _cue_regex().finditer(text, a, b):
        kind, cls = _cue_table()[m.group()]
        if kind == "pronoun" and (text[m.end():m.end() + 1] == "们" or text[m.start() - 1:m.start()] == "其"):
            continue  # 他们, 其他: not a pronoun for one person
        out.append(Cue(kind, m.group(), m.start(), m.end(), cls))
    return out
