"""The entities of one document as they are found: people, holdings, organisations, regions, and the
evidence sentence of each (sliced from the original file)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from functools import cached_property

from kg.gazetteer import Division, gazetteer
from kg.model import Evidence, Holding, Organization, Page, Person, Region
from kg.resolve.context import Town

_SENTENCE_STOP = re.compile("[。！？!?；;\n]")


@dataclass
class Builder:
    page: Page
    doc_id: str
    persons: dict[str, Person] = field(default_factory=dict)
    holdings: dict[tuple[str, str, str | None], Holding] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    mentioned: dict[str, Evidence] = field(default_factory=dict)  # region key → first sentence naming it

    @cached_property
    def _sentence_stops(self) -> list[int]:
        """Where sentences end: the offsets of 。！？!?；; and line breaks."""
        return [m.start() for m in _SENTENCE_STOP.finditer(self.page.text)]

    def evidence(self, start: int, end: int) -> Evidence:
        """The whole sentence around a span, sliced from the original file."""
        text, stops = self.page.text, self._sentence_stops
        k = bisect_left(stops, start)
        a = stops[k - 1] + 1 if k else 0
        k = bisect_left(stops, end)
        b = stops[k] + 1 if k < len(stops) else len(text)
        while b > a and text[b - 1] == "\n":
            b -= 1
        ra, rb = self.page.raw_span(a, b)
        return Evidence(self.doc_id, ra, rb, self.page.source.raw[ra:rb])

    def region_for_division(self, division: Division, original: str | None = None) -> str:
        gaz = gazetteer()
        parent = None
        for ancestor in reversed(gaz.ancestors(division)):
            self.regions.setdefault(ancestor.adcode, Region(ancestor.adcode, ancestor.name, None,
                                                            "AdministrativeRegion", ancestor.level,
                                                            ancestor.adcode, parent))
            parent = ancestor.adcode
        self._add_region(Region(division.adcode, division.name, differs(original, division.name),
                                "AdministrativeRegion", division.level, division.adcode, parent))
        return division.adcode

    def _add_region(self, region: Region) -> None:
        if region.part_of == region.key:
            region = replace(region, part_of=None)  # a place is never inside itself
        old = self.regions.get(region.key)
        if old is None or (old.original is None and region.original) or (old.part_of is None and region.part_of):
            self.regions[region.key] = Region(region.key, region.label, region.original or (old and old.original),
                                              region.kind, region.level, region.adcode,
                                              region.part_of or (old and old.part_of))

    def add_region(self, label: str, original: str | None, kind: str, level: str | None,
                   parent: str | None) -> str:
        key = f"{parent}/{label}" if parent and (parent.isdigit() or parent in self.regions) else label
        self._add_region(Region(key, label, differs(original, label), kind, level, None, parent))  # type: ignore
        return key

    def town_region(self, town: Town) -> str:
        parent = self.region_for_division(town.county) if town.county else None
        return self.add_region(town.name, None, "AdministrativeRegion", town.level, parent)

    def person(self, name: str, original: str, official: bool, role: str | None, start: int, end: int) -> str:
        key = name if official else f"{name}（{role}）"
        if key not in self.persons or (official and not self.persons[key].official):
            self.persons[key] = Person(key, name, differs(original, name), official, role,
                                       self.evidence(start, end))
        return key


def differs(original: str | None, simple: str) -> str | None:
    return original if original and original != simple else None
