"""Dates of events: a written date completed with the publication date's year and month."""

from __future__ import annotations

import re

from kg.model import DateMention


def resolve_date(d: DateMention, published: str | None, month_context: int | None) -> str | None:
    year = pub_month = pub_day = None
    if published:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", published)
        if m:
            year, pub_month, pub_day = (int(x) for x in m.groups())
        else:
            m = re.match(r"--(\d{2})-(\d{2})", published)
            if m:
                pub_month, pub_day = int(m.group(1)), int(m.group(2))
    month = d.month or month_context or pub_month
    if month is None or not 1 <= month <= 12:
        return None
    if d.year:
        return f"{d.year:04d}-{month:02d}-{d.day:02d}"
    if year is None:
        return f"--{month:02d}-{d.day:02d}"
    if pub_month is not None and (month, d.day) > (pub_month, pub_day or 31):
        year -= 1  # a date after publication belongs to the year before
    return f"{year:04d}-{month:02d}-{d.day:02d}"
