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
from functools import cache
from typing import TypeVar

from kg import lexicon
from kg.model import PARTICIPANT_ROLE, Cue, Event, Mentions, PersonMention, PlaceMention
from kg.resolve.builder import Builder
from kg.resolve.context import Sentence
from kg.resolve.dates import resolve_date

_CLAUSE_END = "，,。！？!?；;\n"
_OBJECT_MARKERS = "向对给为与和同跟陪"
_COMPANION_MARKERS = "与和同跟"  # 甲与乙一同检查: with a participant word, a companion, not an object
_TOGETHER = ("一同", "共同", "一起")
_CHAIRS = ("主持", "主办")
_T = TypeVar("_T", Cue, PersonMention, PlaceMention)
_ALSO_SPEAKS = re.compile(r"并(?:发表)?(?:重要)?(?:讲话|致辞)")  # 出席会议并讲话: the one the meeting is for
_AT_A_CEREMONY = re.compile(r"\s*(?:仪式|典礼)上[，,]")  # 仪式上，…: a ceremony's trigger word stays a trigger
_HELD_AT = re.compile(r"在[^，,。；;]{2,24}(?:举行|召开|开幕|举办)")
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


# what may stand between the start of a clause and its subject: times, dates, sentence adverbs, a news
# agency's dateline (新华社长沙3月3日电), a role in apposition (宣讲团成员、)
_PREAMBLE = re.compile(
    r"(?:[\d０-９一二三四五六七八九十〇零]{1,4}[年月日号]|[上下中晚早]午|晚上|凌晨|今天|今日|昨天|昨日|当天|当日|同日|"
    r"同天|日前|近日|近期|随后|其后|之后|此后|然后|接着|首先|最后|其间|期间|此前|同时|此外|另外|还|也|又|再|并|"
    r"现场|实地|先后|分别|一同|亲自|专门|专程|认真|详细|仔细|署理|代理|"
    r"[（(][^）)]{0,40}[）)]|[至到\-—－~～]|\s|"
    r"(?:据)?[\u4e00-\u9fff]{0,10}?[\d０-９一二三四五六七八九十〇]{1,2}月[\d０-９一二三四五六七八九十〇]{1,3}日[电讯]|"
    r"[\u4e00-\u9fff]{2,16}、)*")
_CLAUSE_STOPS = "，,。；;：:！？!?\n"


def _opens_clause(text: str, head: int, floor: int) -> bool:
    """Is a person written at ``head`` where a subject stands: at the start of a clause, after nothing
    but times and sentence adverbs (not 学习甲…, 代表甲…, 受甲委托 …)?"""
    start = max(floor, max(text.rfind(c, floor, head) for c in _CLAUSE_STOPS) + 1)
    return _PREAMBLE.fullmatch(text, start, head) is not None


def _escorted(text: str, sent: Sentence, cues: list[Cue], kind: str = "escort") -> list[tuple[int, int]]:
    """在甲、乙陪同下 (在甲和乙的陪同下): the spans that name the leader's companions; with kind
    led_by, 在甲带领下: the spans that name the leader."""
    spans = []
    for c in cues:
        if c.kind == kind:
            opening = text.rfind("在", sent.start, c.start)
            if opening >= 0:
                spans.append((opening, c.end))
    return spans


def _roles_in_sentence(text: str, sent: Sentence, people: list[PersonMention], cues: list[Cue],
                       person_key: dict[int, str], officials: set[str],
                       speech_at: int, leader: str | None) -> tuple[list[_Subject], list[str]]:
    """Who acts in a sentence (subjects, in order) and who only takes part (参加/陪同/发言, 会上…,
    在…陪同下). Only officials act; anyone may take part. Where no one leads yet (``leader`` None), the
    first person named who attends (甲在某地出席…) leads: there is no one else's event to attend; the
    leader named at their own event (仪式上，甲…) goes on leading it."""
    if not people:
        return [], []
    in_event = any(c.kind == "in_event" and c.start - sent.start <= 1 for c in cues) or \
        _AT_A_CEREMONY.match(text, sent.start) is not None
    commission = [c for c in cues if c.kind == "commission"]
    escorts, leading = _escorted(text, sent, cues), _escorted(text, sent, cues, "led_by")
    joining = lexicon.discourse()["participant"] | lexicon.discourse()["speaker"]
    subjects: list[_Subject] = []
    participants: list[str] = []
    heads = [p.phrase_start if p.phrase_start is not None else p.start for p in people]
    ends = [max([p.end, *(q.end for q in p.posts)]) for p in people]  # 蒋一帆区长: past a title after the name
    # what each person does: up to the end of the clause or the next person named in it; names listed
    # together (省领导甲、乙参加) share what the last of them does
    joins = [False] * len(people)
    together = [False] * len(people)  # 甲与乙一同检查: 乙 goes with 甲, who leads
    for n in range(len(people) - 1, -1, -1):
        # (在甲陪同下 after a name is someone else's part: 乙在甲陪同下探访)
        after = text[ends[n]:min([_clause_end(text, ends[n], sent.end), *heads[n + 1:],
                                  *(a for a, _ in escorts if a >= ends[n])])]
        if not after and text[ends[n]:ends[n] + 1] in "，," and n == len(people) - 1:
            after = text[ends[n] + 1:_clause_end(text, ends[n] + 1, sent.end)]  # 甲、乙，有关部门负责人出席
        together[n] = any(w in after for w in _TOGETHER)
        words = [w for w in joining if w in after]
        attends = bool(words) and n == 0 and leader is None and \
            all(w in lexicon.discourse()["attend"] for w in words)
        joins[n] = (bool(words) and not _ALSO_SPEAKS.search(after) and not attends) or (
            n + 1 < len(people) and _listed(text, ends[n], heads[n + 1]) and joins[n + 1]
            and not (together[n + 1] and text[ends[n]:heads[n + 1]].strip("，,、") in _COMPANION_MARKERS))
    for n, p in enumerate(people):
        if p.start >= speech_at:
            continue
        key, head = person_key[p.start], heads[n]
        if any(a <= head < z for a, z in escorts) or p.role == PARTICIPANT_ROLE:
            participants.append(key)
            continue
        if any(c.start < head and "委托" in text[ends[n]:ends[n] + 4] for c in commission):
            continue
        marker = text[head - 1] if head > sent.start else "。"
        companion = marker in _COMPANION_MARKERS
        if companion and subjects and text.startswith(_entourage_words(), ends[n]):
            participants.append(key)  # 甲和乙一行来到: 乙 is in 甲's party
            continue
        if marker == "由" and text.startswith(_CHAIRS, ends[n]):
            participants.append(key)  # 仪式由乙主持: the chair of the activity under way takes part in it
            continue
        if marker in _OBJECT_MARKERS and not (companion and (joins[n] or in_event)):
            continue  # 向张三汇报 / 与张三座谈: the object of someone else's act
        if (in_event and key != leader) or joins[n]:
            participants.append(key)
            # the names listed just before share the predicate (市长甲，副市长乙出席), unless this
            # one was their companion (甲与乙一同检查)
            while not companion and subjects and _listed(text, subjects[-1].end, head):
                head = subjects[-1].head
                participants.append(subjects.pop().key)
            continue
        listed = bool(subjects) and _listed(text, subjects[-1].end, head)
        led = any(a <= head < z for a, z in leading)
        if key not in officials or not (listed or led or _opens_clause(text, head, sent.start)):
            continue  # 学习甲的讲话, 代表甲看望: someone named, not someone acting
        subjects.append(_Subject(key, head, ends[n], listed))
    return subjects, participants


def _chairs_the_meeting(text: str, pos: int, end: int) -> bool:
    """Does the clause from ``pos`` say that someone chairs the meeting already named (主持会议)?"""
    clause = text[pos:_clause_end(text, pos, end) + 1]
    return any(clause.startswith(w) and clause[len(w):len(w) + 1] in "并，,。；;" for w in _chair_words())


@cache
def _chair_words() -> tuple[str, ...]:
    return tuple(lexicon.discourse()["chair"])


@cache
def _directives() -> tuple[str, ...]:
    return tuple(sorted(lexicon.discourse()["directive"], key=len, reverse=True))


@cache
def _entourage_words() -> tuple[str, ...]:
    return tuple(lexicon.discourse()["entourage"])


def _continues(text: str, sent: Sentence, cues: list[Cue], places: list[PlaceMention], speech_at: int) -> bool:
    """Does a sentence that names no one go on with the leader of its paragraph: a pronoun subject
    (他强调…), or a clause that opens with what the leader does (随后来到…, 调研期间主持召开…, 还到甲村)?"""
    for c in cues:
        if c.start >= speech_at:
            break
        if c.kind in ("pronoun", "trigger") and _opens_clause(text, c.start, sent.start):
            return True
    return any(p.start < speech_at and text[p.start - 1:p.start] == "到" and
               _opens_clause(text, p.start - 1, sent.start) for p in places)


def events_of(b: Builder, mentions: Mentions, sentences: list[Sentence], key_at: dict[int, str],
              person_key: dict[int, str], officials: set[str]) -> list[Event]:
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
    early: dict[tuple, list[str]] = {}  # places a leader went to before any trigger opened their event
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
        s_people = [p for p in people_in[n_sent] if p.start in person_key]
        speech_at = min((c.start for c in s_cues if c.kind == "speech"), default=sent.end)
        if text.startswith(_directives(), sent.start):
            speech_at = sent.start  # 要深入实施…: what was said goes on, nothing is done
        subjects, participants = _roles_in_sentence(text, sent, s_people, s_cues, person_key, officials, speech_at,
                                                   leader=current.get(sent.section))
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
            chaired = drafts.get((current.get(sent.section), sent.section))
            if chaired is not None and chaired.leader not in actors and "Meeting" in chaired.kinds and \
                    _chairs_the_meeting(text, subjects[0].end, sent.end):
                participants = [*actors, *participants]  # 乙主持会议: the meeting 甲 spoke at, not one of 乙's
                actors = []
            else:
                actor = actors[0]
        elif _continues(text, sent, s_cues, places_in[n_sent], speech_at):
            actor = actor or current.get(sent.section)
            actors = [actor] if actor else []
        lead = actor or current.get(sent.section)
        hearing = [(c.start, _clause_end(text, c.end, sent.end)) for c in s_cues if c.kind == "hearing"]
        leaves = [key_at[p.start] for p in _leaf_places(places_in[n_sent], sent.start, speech_at)
                  if p.start in key_at and not any(a <= p.start < z for a, z in hearing)]
        if not actors:
            _join(drafts.get((lead, sent.section)) if lead else None, participants)
            # 位于甲镇的乙公司主要生产…。张三走进生产车间: a place introduced just before the leader arrives
            # 仪式8日在甲市举行。乙出席仪式: where the activity was held, just before its leader is named
            pending = leaves if speech_at == sent.end and (text.startswith("位于", sent.start) or
                                                           _HELD_AT.search(text, sent.start, sent.end)) else []
            for p in places_in[n_sent]:
                last_place = key_at.get(p.start, last_place)
            continue
        leaves, pending = pending + leaves, []
        triggers = [c for c in s_cues if c.kind in ("trigger", "led_by") and c.start < speech_at]  # 在甲带领下
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
            if key not in drafts and not triggers:
                early.setdefault(key, []).extend(leaves)  # 甲在长沙作报告。甲还来到…: where before it opened
            if key not in drafts and triggers:
                drafts[key] = _EventDraft(who, sent.section, sent.start, places=early.pop(key, []))
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
            if draft.date is None and own_day:
                draft.date = own_day  # the headline said what, the first paragraph says when
            if n == 0:
                current[sent.section] = who
            for c in triggers:
                if c.event_class not in ("lead", None) and c.event_class not in draft.kinds:
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
    for n, key in enumerate((k for k in order if drafts[k].kinds or drafts[k].places), 1):
        d = drafts[key]  # an activity of no kind at no named place (作报告) is no event
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
