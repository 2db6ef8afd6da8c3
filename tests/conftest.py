"""Shared helpers: build a Page from a hand-written sentence, as the pipeline would."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract import extract
from kg.model import Facts, Mentions, Page, SourceText
from kg.normalise import normalise
from kg.resolve import resolve


def page_of(text: str, title: str | None = None, published: str | None = None) -> Page:
    """A Page of ``text`` read from a file ``t.txt`` whose raw text is the text itself."""
    source = SourceText(source="t.txt", path="t.txt", raw=text, encoding="utf-8", text=text,
                        offsets=tuple(range(len(text) + 1)), title=title, date=published)
    return normalise(source)


def mentions_of(text: str, title: str | None = None, published: str | None = None) -> Mentions:
    return extract(page_of(text, title, published))


def facts_of(text: str, title: str | None = None, published: str | None = None) -> Facts:
    page = page_of(text, title, published)
    return resolve(page, extract(page))


@pytest.fixture(name="page_of")
def page_of_fixture() -> Callable[..., Page]:
    return page_of


@pytest.fixture(name="mentions_of")
def mentions_of_fixture() -> Callable[..., Mentions]:
    return mentions_of


@pytest.fixture(name="facts_of")
def facts_of_fixture() -> Callable[..., Facts]:
    return facts_of


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    """The seeds built once per run by `kg build seeds/ --out DIR --store DIR/store`; read it, never change it."""
    from pathlib import Path

    from click.testing import CliRunner

    from kg.cli import main

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    out = tmp_path_factory.mktemp("seeds_build")
    result = CliRunner().invoke(main, ["build", str(seeds), "--out", str(out), "--store", str(out / "store"), "-q"])
    assert result.exit_code == 0, result.output
    return out
