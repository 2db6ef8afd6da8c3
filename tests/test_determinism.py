"""The same input gives byte-identical graph.ttl, graph.jsonld and graph.trig.

Whatever the order of the files on disk or on the command line, and whatever Python's hash
seed (set iteration order changes with it, so each build runs in its own process).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_facts, new_dataset, spool_of

from kg.export import export_all
from kg.model import SourceText
from kg.pipeline import facts_of

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [*sorted((ROOT / "seeds").glob("*.txt")), *sorted((ROOT / "tests" / "data" / "articles").iterdir())]
OUTPUTS = ("graph.ttl", "graph.jsonld", "graph.trig")
BUILD = "import sys; from kg.cli import main; main(sys.argv[1:])"


def kg_build(inputs: list[Path], out: Path, hash_seed: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.Popen([sys.executable, "-c", BUILD, "build", *map(str, inputs), "--out", str(out), "--quiet"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_builds_are_byte_identical_whatever_the_order_and_hash_seed(tmp_path: Path) -> None:
    forward, backward = tmp_path / "forward", tmp_path / "backward"
    for directory, files in ((forward, CORPUS), (backward, CORPUS[::-1])):  # created in opposite orders
        directory.mkdir()
        for path in files:
            shutil.copy(path, directory / path.name)
    builds = [kg_build([forward], tmp_path / "a", "0"),
              kg_build(sorted(backward.iterdir(), reverse=True), tmp_path / "b", "4242")]  # files named in reverse
    for build in builds:
        output = build.communicate()[0]
        assert build.returncode == 0, output.decode()
    for name in OUTPUTS:
        first = (tmp_path / "a" / name).read_bytes()
        assert len(first) > 10_000
        assert (tmp_path / "b" / name).read_bytes() == first, name


ARTICLES = {
    "a.txt": "6月1日，区委书记张三丰带队到青山镇东风村检查防汛工作。区委常委、宣传部部长李四海参加检查。\n",
    "b.txt": "6月2日，区委副书记、区长王五岳到青山镇调研乡村振兴工作。副区长赵六明陪同调研。\n",
    "c.txt": "6月3日，東城區委書記張三豐主持召開區委常委會議。區委常委、宣傳部部長李四海出席會議。\n",
}


def test_outputs_do_not_depend_on_the_order_documents_are_added(tmp_path: Path) -> None:
    facts = []
    for name, text in ARTICLES.items():
        facts.append(facts_of(SourceText(name, name, text, "utf-8", text, tuple(range(len(text) + 1)))))
    outputs = []
    for order in (facts, facts[::-1]):
        dataset = new_dataset()
        for f in order:
            add_facts(dataset, f)
        out = tmp_path / str(len(outputs))
        export_all(spool_of(dataset), out)
        outputs.append({name: (out / name).read_bytes() for name in OUTPUTS})
    assert outputs[0] == outputs[1]


def _every_file(out: Path) -> dict[str, bytes]:
    """Every file a user opens in ``out`` (through links; kg's own dot-directories left out)."""
    files = {}
    for path in sorted(out.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            files |= {f"{path.name}/{p.name}": p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
        elif path.is_file():
            files[path.name] = path.read_bytes()
    return files


def _build_three_ways(inputs: list[Path], tmp_path: Path) -> list[dict[str, bytes]]:
    """The same inputs built under three hash seeds, with one and two workers, each in its own process (the
    three at once: they are independent, and the test takes half the time on two cores)."""
    builds = []
    for n, (seed, workers) in enumerate((("0", "1"), ("4242", "2"), ("7", "1"))):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = tmp_path / f"out{n}"
        builds.append((subprocess.Popen([sys.executable, "-c", BUILD, "build", *map(str, inputs), "--out", str(out),
                                         "--quiet", "--workers", workers], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True), out))
    runs = []
    for process, out in builds:
        _, stderr = process.communicate()
        assert process.returncode == 0, stderr
        runs.append(_every_file(out))
    return runs


def test_pages_are_byte_identical_whatever_the_hash_seed_and_workers(tmp_path: Path) -> None:
    """graph.html (seeded layout, sorted nodes and edges), the official pages, index, timeline and figures."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    first, *others = _build_three_ways([corpus], tmp_path)
    assert {"graph.html", "index.html", "timeline.html", "stats.html", "stats.json"} <= set(first)
    assert any(name.startswith("officials/") for name in first)
    for other in others:
        assert other.keys() == first.keys()
        assert [name for name in first if other[name] != first[name]] == []


@pytest.mark.slow
def test_pages_of_the_seeds_are_byte_identical_whatever_the_hash_seed_and_workers(tmp_path: Path) -> None:
    first, *others = _build_three_ways(CORPUS, tmp_path)
    assert len(first["graph.html"]) > 100_000
    for other in others:
        assert [name for name in first if other.get(name) != first[name]] == []
