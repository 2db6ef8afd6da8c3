"""Events: who leads an activity, who takes part, where it happened and on which day.

A sentence's subjects are the officials named before its speech verb who are not the object of
someone else's act (向甲汇报) and do not merely take part (陪同, 参加, 在…陪同下); the first of them
leads. An event is opened by a trigger word (检查, 调研, 看望 …) and typed by it; the places a leader
goes to are the innermost places of the sentences they lead, outside what they hear or say.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TypeVar

from kg import lexicon
from kg.model import Cue, Event, Mentions, PersonMention, PlaceMention
from kg.resolve.builder import Builder
from kg.resolve.context import Sentence
from kg.resolve.dates import resolve_date

_CLAUSE_END = "，,。！？!?；;\n"
_OBJECT_MARKERS = "向对给为与和同跟陪"
_COMPANION_MARKERS = "与和同跟"  # 甲与乙一同检查: with a participant word, a companion, not an object
_T = TypeVar("_T", Cue, PersonMention, PlaceMention)
_SEPARATELY = re.compile(r"(?:等(?:[^，,。；;、]{0,6}(?:领导|同志))?)?分别")  # 甲，乙等区领导分别带队


@dataclass
class _EventDraft:
    leader: str
    section: int
    start: int
    kinds: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    date: str | None = None


@dataclass
class _Subject:
    key: str
    head: int  # start of the title chain, or of the name
    end: int
    adjacent: bool  # listed right after the previous subject (甲，乙 / 甲、乙 / 甲和乙)


def _listed(text: str, end: int, head: int) -> bool:
    """Is nothing but a list separator between one person's name and the next person's title?"""
    return re.fullmatch(r"[，,、和与及同]*", text[end:head]) is not None


def _roles_in_sentence(text: str, sent: Sentence, people: list[PersonMention], cues: list[Cue],
                       official_key: dict[int, str], speech_at: int) -> tuple[list[_Subject], list[str]]:
    """Who acts in a sentence (subjects, in order) and who only takes part (参加/陪同, 会上…)."""
    in_event = any(c.kind == "in_event" and c.start - sent.start <= 1 for c in cues)
    commission = [c for c in cues if c.kind == "commission"]
    subjects: list[_Subject] = []
    participants: list[str] = []
    heads = [p.phrase_start if p.phrase_start is not None else p.start for p in people]
    for n, p in enumerate(people):
        if p.start >= speech_at:
            continue
        key, head = official_key[p.start], heads[n]
        # what this person does: up to the end of the clause or the next person named in it
        after = text[p.end:min([_clause_end(text, p.end, sent.end), *heads[n + 1:]])]
        joins = any(w in after for w in lexicon.discourse()["participant"])
        if any(c.start < head and "委托" in text[p.end:p.end + 4] for c in commission):
            continue
        marker = text[head - 1] if head > sent.start else "。"
        companion = marker in _COMPANION_MARKERS
        if marker in _OBJECT_MARKERS and not (companion and joins):
            continue  # 向张三汇报 / 与张三座谈: the object of someone else's act
        if in_event or joins:
            participants.append(key)
            # the names listed just before share the predicate (市长甲，副市长乙出席), unless this
            # one was their companion (甲与乙一同检查)
            while not companion and subjects and _listed(text, subjects[-1].end, head):
                head = subjects[-1].head
                participants.append(subjects.pop().key)
        else:
            subjects.append(_Subject(key, head, p.end, bool(subjects) and _listed(text, subjects[-1].end, head)))
    return subjects, participants


def events_of(b: Builder, mentions: Mentions, sentences: list[Sentence], key_at: dict[int, str],
            official_key: dict[int, str]) -> list[Event]:
    text = b.page.text
    cues = mentions.cues
    drafts: dict[tuple, _EventDraft] = {}  # (leader, section) is the event under way; closed ones get a date
    order: list[tuple] = []
    current: dict[int, str | None] = {}  # section -> current leader
    month_context = None
    if b.page.published and re.match(r"--(\d{2})", b.page.published):
        month_context = int(b.page.published[2:4])
    actor: str | None = None
    last_paragraph = -1
    last_place: str | None = None
    pending: list[str] = []  # places introduced by the sentence just before, which named no one
    cues_in, people_in, places_in = (_by_sentence(items, sentences) for items in (cues, mentions.persons,
                                                                                   mentions.places))
    paragraph_starts: dict[int, int] = {}
    for sent in sentences:
        paragraph_starts.setdefault(sent.paragraph, sent.start)
    for n_sent, sent in enumerate(sentences):
        if sent.paragraph != last_paragraph:
            actor = None
            last_paragraph = sent.paragraph
            pending = []
        s_cues = cues_in[n_sent]
        s_people = [p for p in people_in[n_sent] if p.start in official_key]
        speech_at = min((c.start for c in s_cues if c.kind == "speech"), default=sent.end)
        subjects, participants = _roles_in_sentence(text, sent, s_people, s_cues, official_key, speech_at)
        pronoun = any(c.kind == "pronoun" and c.start < speech_at for c in s_cues)
        actors: list[str] = []
        if subjects:
            group = [subjects[0]]
            for subject in subjects[1:]:
                if not subject.adjacent:
                    break
                group.append(subject)
            if len(group) > 1 and _SEPARATELY.match(text, group[-1].end):
                actors = [s.key for s in group]  # 甲，乙分别带队: each leads an event of their own
            else:
                actors = [subjects[0].key]
                participants.extend(s.key for s in subjects[1:] if s.adjacent)
            actor = actors[0]
        elif pronoun and actor is None:
            actor = current.get(sent.section)
        if actor is not None and not actors:
            actors = [actor]
        lead = actor or current.get(sent.section)
        hearing = [(c.start, _clause_end(text, c.end, sent.end)) for c in s_cues if c.kind == "hearing"]
        leaves = [key_at[p.start] for p in _leaf_places(places_in[n_sent], sent.start, speech_at)
                  if p.start in key_at and not any(a <= p.start < z for a, z in hearing)]
        if actor is None:
            _join(drafts.get((lead, sent.section)) if lead else None, participants)
            # 位于甲镇的乙公司主要生产…。张三走进生产车间: a place introduced just before the leader arrives
            pending = leaves if speech_at == sent.end and text.startswith("位于", sent.start) else []
            for p in places_in[n_sent]:
                last_place = key_at.get(p.start, last_place)
            continue
        leaves, pending = pending + leaves, []
        triggers = [c for c in s_cues if c.kind == "trigger" and c.start < speech_at]
        anaphor = any(c.kind == "anaphor_place" and c.start < speech_at for c in s_cues)
        paragraph_start = paragraph_starts[sent.paragraph]
        opening = next((d for d in mentions.dates if paragraph_start <= d.start < sent.end), None)
        day = resolve_date(opening, b.page.published, month_context) if opening else None
        own_day = day if opening and opening.start >= sent.start else None  # written in this very sentence
        for n, who in enumerate(actors):
            key = (who, sent.section)
            if key in drafts and triggers and own_day and drafts[key].date and own_day != drafts[key].date:
                drafts[(who, sent.section, day)] = drafts.pop(key)  # 昨天…今天: another day, another event
                order[order.index(key)] = (who, sent.section, day)
            if key not in drafts and triggers:
                drafts[key] = _EventDraft(who, sent.section, sent.start)
                order.append(key)
                if day:
                    drafts[key].date = day
                elif text.startswith(tuple(lexicon.discourse()["same_day"]), paragraph_start):
                    earlier = [drafts[k].date for k in order[:-1] if drafts[k].date]
                    drafts[key].date = earlier[-1] if earlier else None  # 同日，乙…: the day just reported
            draft = drafts.get(key)
            if n == 0:
                _join(draft or drafts.get((current.get(sent.section), sent.section)), participants)
            if draft is None:
                continue
            if n == 0:
                current[sent.section] = who
            for c in triggers:
                if c.event_class != "lead" and c.event_class not in draft.kinds:
                    draft.kinds.append(c.event_class)  # type: ignore[arg-type]
            # 甲、乙分别到A镇、B镇: places go to the leaders in the order written
            mine = [leaves[n]] if len(actors) > 1 and len(leaves) == len(actors) else leaves
            for region in mine:
                if region not in draft.places:
                    draft.places.append(region)
            if anaphor and last_place and last_place not in draft.places:
                draft.places.append(last_place)
        for p in places_in[n_sent]:
            last_place = key_at.get(p.start, last_place)
    events = []
    for n, key in enumerate(order, 1):
        d = drafts[key]
        participants = tuple(dict.fromkeys(k for k in d.participants if k != d.leader))
        events.append(Event(key=f"{b.doc_id}-e{n}", kinds=tuple(d.kinds), leader=d.leader,
                            participants=participants, places=tuple(d.places), date=d.date,
                            evidence=b.evidence(d.start, d.start + 1)))
    return events


def _join(draft: _EventDraft | None, participants: list[str]) -> None:
    if draft is not None:
        draft.participants.extend(k for k in participants if k != draft.leader)


def _clause_end(text: str, pos: int, limit: int) -> int:
    for i in range(pos, limit):
        if text[i] in _CLAUSE_END:
            return i
    return limit


def _by_sentence(items: list[_T], sentences: list[Sentence]) -> list[list[_T]]:
    """The items (mentions, cues) that start in each sentence, in their original order."""
    starts = [s.start for s in sentences]
    buckets: list[list[_T]] = [[] for _ in sentences]
    for item in items:
        k = bisect_right(starts, item.start) - 1
        if k >= 0 and item.start < sentences[k].end:
            buckets[k].append(item)
    return buckets


def _leaf_places(places: list[PlaceMention], start: int, end: int) -> list[PlaceMention]:
    """Places in [start, end) that no other place in the span is written inside of."""
    inside = [p for p in places if start <= p.start < end]
    parents = {p.parent for p in inside if p.parent is not None}
    return [p for p in inside if p.start not in parents]
