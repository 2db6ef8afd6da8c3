"""The installed package carries what it reads: the ontology's copies equal their source, every data file
is in the wheel's package data, and kg works from a copy of the package far from the checkout.
(`.ci/run` also installs the built wheel into a fresh virtualenv and runs the commands elsewhere.)"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kg import packaged

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "ontology").iterdir())


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_the_packaged_copy_equals_its_source(source):
    copy = ROOT / "kg" / "ontology" / source.name
    assert copy.is_file(), f"kg/ontology/{source.name} is missing: cp ontology/{source.name} kg/ontology/"
    assert copy.read_bytes() == source.read_bytes(), f"cp ontology/{source.name} kg/ontology/ (the copy is stale)"


def test_the_package_reads_its_own_copies():
    assert packaged.ONTOLOGY == (ROOT / "kg" / "ontology" / "officials.ttl")
    assert packaged.SHAPES.read_bytes() == (ROOT / "ontology" / "shapes.ttl").read_bytes()


def test_every_data_file_of_the_package_is_in_the_wheel():
    """Each file under kg/ that is not Python matches a package-data pattern of pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    missing = []
    for path in (ROOT / "kg").rglob("*"):
        if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(ROOT)
        owners = [(package, patterns) for package, patterns in config.items()
                  if relative.parent.parts[:len(package.split("."))] == tuple(package.split("."))]
        if not any(fnmatch.fnmatch(str(relative.relative_to(*package.split("."))), pattern)
                   for package, patterns in owners for pattern in patterns):
            missing.append(str(relative))
    assert missing == [], "add these to [tool.setuptools.package-data] in pyproject.toml"


def test_kg_works_from_a_copy_of_the_package_far_from_the_checkout(tmp_path):
    """No path is found relative to the checkout: validation and scoring use the packaged ontology."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "kg", site / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    work = tmp_path / "work"
    work.mkdir()
    data = ROOT / "tests" / "data" / "eval"
    env = {**os.environ, "PYTHONPATH": str(site)}

    def kg(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "kg", *args], cwd=work, env=env, capture_output=True, text=True)
        assert done.returncode in (0, 1), done.stderr
        return done.stdout + done.stderr

    assert f"violations of {site / 'kg' / 'ontology' / 'shapes.ttl'}" in kg("validate", str(data / "graph.ttl"))
    scores = kg("eval", "--gold", str(data / "gold.json"), str(data / "graph.ttl"))
    assert "visits             P=0.67 R=0.67" in scores  # events are found through the ontology's subclasses
