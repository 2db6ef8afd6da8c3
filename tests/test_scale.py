"""Parallel and bounded-memory builds write exactly what a plain build writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export import export_all
from kg.pipeline import STAGES, analyse_file, build
from kg.quads import QuadSpool

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "seeds", ROOT / "tests" / "data" / "articles", ROOT / "tests" / "data" / "heldout"]
FORMATS = ("turtle", "json-ld", "trig")
FILES = ("graph.ttl", "graph.jsonld", "graph.trig")


def written(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """One worker, everything held in memory."""
    out = tmp_path_factory.mktemp("plain")
    result = build(INPUTS, progress=False, workers=1)
    assert not result.quads.spilled
    export_all(result.quads, out, formats=FORMATS)
    return result, written(out)


def test_two_workers_and_spilled_runs_write_the_same_bytes(plain, tmp_path):
    result, files = plain
    parallel = build(INPUTS, progress=False, workers=2, spool=QuadSpool(budget=500))
    assert parallel.quads.spilled
    export_all(parallel.quads, tmp_path, formats=FORMATS, workers=2)
    assert written(tmp_path) == files
    assert parallel.counts() == result.counts()
    assert parallel.skipped == result.skipped and parallel.characters == result.characters


def test_input_order_does_not_change_the_output(plain, tmp_path):
    _, files = plain
    result = build(list(reversed(INPUTS)), progress=False)
    export_all(result.quads, tmp_path, formats=FORMATS)
    assert written(tmp_path) == files


def test_cli_workers_option(tmp_path):
    runner = CliRunner()
    one = runner.invoke(main, ["build", str(ROOT / "seeds"), "--out", str(tmp_path / "one"), "-q"])
    two = runner.invoke(main, ["build", str(ROOT / "seeds"), "--out", str(tmp_path / "two"), "-q", "--workers", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    assert written(tmp_path / "one") == written(tmp_path / "two")
    bad = runner.invoke(main, ["build", str(ROOT / "seeds"), "--workers", "0"])
    assert bad.exit_code == 2 and "--workers" in bad.output


def test_each_file_reports_its_stages_and_characters():
    done = analyse_file(ROOT / "tests" / "data" / "articles" / "feed.jsonl")
    assert set(done.seconds) == set(STAGES) and all(s >= 0 for s in done.seconds.values())
    assert len(done.graphs) >= 2 and done.characters > 0
    assert {kind for kind, _ in done.typed} <= {"officials", "events", "places"}
