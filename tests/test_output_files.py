"""The output directory as users expect it: files with the modes the umask gives, and exactly the pages of
the last build (none of an earlier, larger build left behind, no link to a page that was not written)."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from kg.cli import main

INVENTED = Path(__file__).parent / "data" / "invented"


def build(inputs: list[Path], out: Path, *options: str) -> None:
    result = CliRunner().invoke(main, ["build", *map(str, inputs), "--out", str(out), "-q", "--no-validate", *options])
    assert result.exit_code == 0, result.output


def every_file(out: Path) -> dict[str, bytes]:
    """What a user sees in ``out`` (through its links), kg's own dot-directories and the store left out."""
    files = {}
    for folder, directories, names in os.walk(out, followlinks=True):
        if Path(folder) == out:
            directories[:] = [d for d in directories if not d.startswith(".") and d != "store"]
        files |= {str((Path(folder) / name).relative_to(out)): (Path(folder) / name).read_bytes() for name in names}
    return files


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_new_files_and_directories_have_the_modes_the_umask_gives(tmp_path, umask):
    articles = tmp_path / "in"
    articles.mkdir()
    shutil.copy(INVENTED / "qingchuan_01.txt", articles)
    previous = os.umask(umask)
    try:
        build([articles], tmp_path / "out", "--store", str(tmp_path / "out" / "store"))
    finally:
        os.umask(previous)
    generation = (tmp_path / "out" / ".generations" / "current").resolve()
    seen = {}
    for path in [generation, *generation.rglob("*"), tmp_path / "out" / "store" / "documents.json"]:
        seen[str(path.relative_to(tmp_path))] = stat.S_IMODE(path.stat().st_mode)
        assert stat.S_IMODE(path.stat().st_mode) == (0o777 if path.is_dir() else 0o666) & ~umask, path
    assert any(name.endswith("graph.ttl") for name in seen) and any("officials/" in name for name in seen)


def test_a_build_leaves_only_its_own_pages_where_a_larger_build_was(tmp_path):
    every, one = sorted(INVENTED.glob("*.txt")), tmp_path / "one"
    one.mkdir()
    shutil.copy(every[0], one)
    out = tmp_path / "out"
    build(every, out)
    larger = every_file(out)
    build([one], out)
    build([one], tmp_path / "fresh")
    after, fresh = every_file(out), every_file(tmp_path / "fresh")
    pages = [n for n in larger if n.startswith("officials/")]
    assert len(pages) > len([n for n in fresh if n.startswith("officials/")]) > 0
    assert after == fresh  # the same names and bytes as a build into an empty directory
    assert [p.name for p in out.iterdir() if p.is_symlink() and not p.exists()] == []  # no dangling link
    for page in (out / name for name in after if name.endswith(".html")):
        for link in re.findall(r'href="([^"#?:]+)"', page.read_text(encoding="utf-8")):
            assert (page.parent / unquote(link)).exists(), (page.name, link)
