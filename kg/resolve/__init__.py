"""Fourth stage: mentions become the entities, posts, places and events of one document.

Decisions that need the whole document are made here, one concern a module:

- ``context``: sentences and sections, and which region a bare 区委 or 镇 means at each point;
- ``builder``: the document's people, organisations and regions with their evidence sentences;
- ``posts``: each title in its organisation, spelled out with its jurisdiction;
- ``places``: place mentions as regions inside the places around them;
- ``events`` and ``dates``: who led what, who took part, where and when.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.model import Facts, Mentions, Page
from kg.resolve.builder import Builder
from kg.resolve.context import Context, sentences
from kg.resolve.events import events_of
from kg.resolve.places import add_places
from kg.resolve.posts import add_posts


def doc_id_of(page: Page) -> str:
    """A stable document id: the file's stem (and record number for JSONL)."""
    return re.sub(r"\.[A-Za-z0-9]+(?=#|$)", "", page.source.source).replace("#", "-")


def resolve(page: Page, mentions: Mentions) -> Facts:
    """Entities, posts, places and events of one document (a pure function of its page)."""
    doc_id = doc_id_of(page)
    b = Builder(page, doc_id)
    body, headings = sentences(page)
    ctx = Context(page, mentions, body, headings)
    person_key: dict[int, str] = {}
    for m in mentions.persons:
        if m.official:
            person_key[m.start] = b.person(m.name, m.original, True, None, m.start, m.end)
    for m in mentions.persons:
        if m.form in ("chain", "name_title") and m.official:
            add_posts(b, ctx, person_key[m.start], m)
        elif not m.official:
            official = b.persons.get(m.name)
            person_key[m.start] = official.key if official is not None and official.official else \
                b.person(m.name, m.original, False, m.role, m.start, m.end)
    for byline in page.bylines:
        if byline.name not in b.persons:
            b.person(byline.name, byline.original, False, byline.role, byline.start, byline.end)
    key_at = add_places(b, ctx, mentions)
    officials = {p.key for p in b.persons.values() if p.official}
    events = events_of(b, mentions, body, key_at, person_key, officials)
    return Facts(doc_id=doc_id, source=page.source, page=page, persons=list(b.persons.values()),
                 holdings=list(b.holdings.values()), organizations=list(b.organizations.values()),
                 regions=[replace(r, evidence=b.mentioned.get(r.key)) for r in b.regions.values()], events=events)


__all__ = ["doc_id_of", "resolve"]
