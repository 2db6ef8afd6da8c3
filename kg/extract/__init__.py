"""Third stage: find mentions (people with their title chains, places, dates, cues) with spans.

A pure function of a ``Page``, in steps that each read the page (and what the steps before found):

- ``names``: which clauses to tag, the tagger's words, people named there (``titles``: title chains
  with their organisations, read by the grammar in ``organisations``), then references to them;
- ``places``: divisions, towns, villages and facilities, each with the place written before it;
- ``dates`` and ``cues`` (event triggers, speech verbs, participant markers).

People are read from the body and its headings (中华人民共和国主席某某), never from masked mojibake,
bylines or titles of documents (《…》); places, dates and cues only from body paragraphs.
Decisions that need the whole document (which 区 a bare 区委 means, which sentence an event
belongs to) are left to ``kg.resolve``.
"""

from __future__ import annotations

import re

from kg.extract.cues import cues_in
from kg.extract.dates import dates_in
from kg.extract.names import aliases, people_in, prefer_longer, references, spans_to_tag, tagged_words
from kg.extract.places import places_in
from kg.extract.tagger import tag
from kg.extract.text import overlaps
from kg.model import Mentions, Page

_BOOK_TITLE = re.compile(r"《[^》\n]*》")


def _excluded(page: Page) -> list[tuple[int, int]]:
    """Mojibake, bylines and titles of documents (《…》) never yield people or places."""
    books = [m.span() for m in _BOOK_TITLE.finditer(page.text)]
    return sorted(page.masked + [(bl.start, bl.end) for bl in page.bylines] + books)


def _tagged_lines(page: Page) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The body's paragraphs, and its title and headings (people are read from both)."""
    paragraphs = [(bl.start, bl.end) for bl in page.blocks if bl.kind == "paragraph"]
    headings = [(bl.start, bl.end) for bl in page.blocks if bl.kind in ("title", "heading")]
    return paragraphs, headings


def read_ahead(pages: list[Page]) -> None:
    """Tag what ``extract`` will tag on each of these pages in one batch: the tagger's results are kept,
    and bigger batches of equal-length texts run faster than one page's few."""
    texts = []
    for page in pages:
        paragraphs, headings = _tagged_lines(page)
        texts += [page.text[a:b] for a, b in spans_to_tag(page, paragraphs + headings)]
    tag(texts)


def extract(page: Page) -> Mentions:
    """All mentions of one page, in text order."""
    out = Mentions()
    zones = _excluded(page)
    paragraphs, headings = _tagged_lines(page)
    spans = spans_to_tag(page, paragraphs + headings)
    in_body = [any(a <= s < b for a, b in paragraphs) for s, _ in spans]
    located: list[tuple[int, int]] = []  # words the tagger read as place names (LOC)
    for words, body in zip(tagged_words(page, spans), in_body, strict=True):
        located.extend((w.start, w.end) for w in words if w.tag == "LOC")
        out.persons.extend(p for p in people_in(page, words, body)
                           if not overlaps((p.phrase_start or p.start, p.end), zones))
    out.persons = prefer_longer(page, out.persons)
    known = {p.name for p in out.persons if p.official}
    taken = [(p.phrase_start if p.phrase_start is not None else p.start, p.end) for p in out.persons] + zones
    out.persons.extend(references(page, paragraphs, known, taken))
    taken = [(p.phrase_start if p.phrase_start is not None else p.start, p.end) for p in out.persons] + zones
    out.persons.extend(p for p in aliases(page, paragraphs, out.persons) if not overlaps((p.start, p.end), taken))
    out.persons.sort(key=lambda p: p.start)
    post_spans = [(p.phrase_start, p.start) for p in out.persons if p.phrase_start is not None]
    person_spans = [(p.start, p.end) for p in out.persons]
    not_places = zones + person_spans
    for a, b in paragraphs:
        out.places.extend(p for p in places_in(page, a, b, post_spans, located)
                          if not overlaps((p.start, p.end), not_places))
        out.dates.extend(dates_in(page.text, a, b, page.published))
        out.cues.extend(c for c in cues_in(page.text, a, b) if not overlaps((c.start, c.end), person_spans))
    out.places.sort(key=lambda p: p.start)
    return out


__all__ = ["extract", "read_ahead"]
