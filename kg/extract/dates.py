"""Dates written in a paragraph: 2023年3月1日, 3月1日, 1日, 今天/昨天 (counted from the publication date)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from kg.model import DateMention

_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号](?![电讯])")
_DAY = re.compile(r"(?<![\d月年])(\d{1,2})日(?![电讯])")


_RELATIVE_DAY = re.compile("(今天|今日|昨天|昨日)")
_PUBLISHED = re.compile(r"(\d{4}|-)-(\d{2})-(\d{2})")


def dates_in(text: str, a: int, b: int, published: str | None) -> list[DateMention]:
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
