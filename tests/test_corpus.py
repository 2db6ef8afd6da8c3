"""The benchmark corpus generator: deterministic, realistic, both scripts, never a seed name or place."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from kg.model import SourceText
from kg.pipeline import facts_of

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"
_spec = importlib.util.spec_from_file_location("benchmark_corpus", ROOT / "benchmarks" / "corpus.py")
corpus = sys.modules.setdefault("benchmark_corpus", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(corpus)


@pytest.fixture(scope="module")
def articles():
    return list(corpus.corpus(40, seed=3))


def test_same_seed_same_corpus_and_prefixes_agree(articles):
    assert [a.text for a in corpus.corpus(10, seed=3)] == [a.text for a in articles[:10]]
    assert corpus.article(4, 0).text != articles[0].text


def test_articles_are_long_and_in_both_scripts(articles):
    lengths = [len(a.text) for a in articles]
    assert 2000 <= sum(lengths) / len(lengths) <= 4000
    hant = [a for a in articles if a.script == "zh-Hant"]
    assert 2 <= len(hant) <= 16  # about a fifth
    assert all(re.search("[區縣鎮調與領導]", a.text) for a in hant)
    assert not any(re.search("[區縣鎮]", a.text) for a in articles if a.script == "zh-Hans")


def test_seed_names_and_places_never_appear(articles):
    seeds = corpus.seed_text()
    names = set()
    if GOLD.exists():
        for doc in json.loads(GOLD.read_text(encoding="utf-8"))["documents"]:
            names |= {o["name"] for o in doc["officials"]} | {p[0] for p in doc["places"]}
    for a in articles:
        people = set(re.findall(r"(?:书记|长|主任|主席|记者|编辑|审核)([\u4e00-\u9fff]{2,3})", a.text))
        assert not {p for p in people if p in seeds and len(p) == 3}
        assert not {n for n in names if len(n) >= 3 and n in a.text}


def test_the_pipeline_reads_officials_and_events_from_them(articles):
    found = [facts_of(SourceText(a.name, a.name, a.text, "utf-8", a.text, tuple(range(len(a.text) + 1))))
             for a in articles[:8]]
    assert all(sum(p.official for p in f.persons) >= 3 for f in found)
    assert all(f.events and f.regions for f in found)
