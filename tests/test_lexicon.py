"""Tests for kg.lexicon: every rule file loads, and a bad entry is named by its file and line."""

from __future__ import annotations

import pytest

from kg import lexicon
from kg.lexicon import LexiconError
from kg.vocab import EVENT_CLASSES

LOADERS = [lexicon.titles, lexicon.organs, lexicon.org_prefixes, lexicon.countries, lexicon.admin_suffixes,
           lexicon.facility_suffixes, lexicon.event_triggers, lexicon.discourse, lexicon.byline_roles,
           lexicon.person_roles, lexicon.boilerplate, lexicon.generic_areas, lexicon.surnames,
           lexicon.ethnic_name_parts, lexicon.network_classes, lexicon.edge_words]


@pytest.mark.parametrize("load", LOADERS, ids=lambda f: f.__name__)
def test_every_shipped_rule_file_loads_and_is_not_empty(load):
    assert len(load()) > 0


def test_event_triggers_name_only_the_ontology_s_kinds_of_event():
    assert set(lexicon.event_triggers().values()) <= set(EVENT_CLASSES) | {"lead"}
    assert set(EVENT_CLASSES) <= set(lexicon.event_triggers().values())


@pytest.fixture
def rule_file(monkeypatch):
    """Replace the text of one rule file for the duration of a test."""
    real = lexicon._lines

    def use(name: str, text: str):
        def lines(asked: str):
            if asked != name:
                return real(asked)
            return [(n, line) for n, line in enumerate(text.splitlines(), 1)
                    if line.strip() and not line.startswith("#")]
        monkeypatch.setattr(lexicon, "_lines", lines)
        for load in LOADERS:
            load.cache_clear()
    yield use
    for load in LOADERS:
        load.cache_clear()


@pytest.mark.parametrize(("name", "load", "text", "message"), [
    ("titles.tsv", lexicon.titles, "# a comment\n书记\tofficial\t-\t委\n", "titles.tsv line 2: expected 5"),
    ("titles.tsv", lexicon.titles, "书记\tchief\t-\t委\t-\n", "titles.tsv line 1: kind 'chief' is not one of"),
    ("titles.tsv", lexicon.titles, "书记\tofficial\t-\t委\t-\n局长\tofficial\t-\t-\t-\n书记\trole\t-\t-\t-\n",
     "titles.tsv line 3: '书记' is given again (first on line 1)"),
    ("organs.tsv", lexicon.organs, "政法委\t政法委\tparty\tsub\t党组\t-\t-\n", "organs.tsv line 1: the parent '党组'"),
    ("organs.tsv", lexicon.organs, "局\t局\tstate\tbranch\t-\t-\t-\n", "organs.tsv line 1: scope 'branch'"),
    ("event_triggers.tsv", lexicon.event_triggers, "检查\tInspection\n走访\tVisit\n",
     "event_triggers.tsv line 2: class 'Visit' is not one of"),
    ("admin_levels.tsv", lexicon.admin_suffixes, "镇\t镇\tAdministrativeRegion\ttwo\t4\tno\n",
     "admin_levels.tsv line 1: min_name 'two' is not a whole number"),
    ("discourse.tsv", lexicon.discourse, "speech\t指出\nspeach\t强调\n", "discourse.tsv line 2: kind 'speach'"),
])
def test_a_bad_entry_names_its_file_and_line(rule_file, name, load, text, message):
    rule_file(name, text)
    with pytest.raises(LexiconError) as raised:
        load()
    assert message in str(raised.value) and f"kg/data/{name}" in str(raised.value)
