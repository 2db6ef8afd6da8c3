"""All outputs or none: `kg build` killed (SIGKILL, in a subprocess) at many points of writing its
outputs leaves the output directory showing one whole build, the previous or the new one, and the
next build cleans up what the killed one left.

The subprocess runs `kg build` with the file-system calls that change the directory (rename,
replace, link, unlink, mkdir, rmtree …) counted; a first run lists them, then a run per chosen call
kills itself with SIGKILL just before it.  The articles are invented.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FIRST = "2023年4月{day}日\n\n{day}日，临溪县委书记{name}带队到白沙镇检查春耕工作，县委常委{other}参加检查。\n"
PEOPLE = [("上官文澜", "闻人思远"), ("东方启明", "皇甫若水")]
DRIVER = r"""
import os, shutil, signal, sys
kill_at = int(sys.argv[1])
count = 0

def counted(module, name):
    original = getattr(module, name)
    def call(*args, **kwargs):
        global count
        count += 1
        if kill_at == 0:
            print(f"CALL {count} {name} {' '.join(map(str, args[:2]))}", file=sys.stderr, flush=True)
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)
    setattr(module, name, call)

for name in ("replace", "rename", "symlink", "link", "unlink", "mkdir", "rmdir"):
    counted(os, name)
counted(shutil, "rmtree")
import kg.outputs
counted(kg.outputs, "_exchange")
from kg.cli import main
main(sys.argv[2:])
"""
DIRECTORY_CALLS = re.compile(r"CALL (\d+) (\w+) (.*)")


def articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for day, (name, other) in enumerate(PEOPLE[:count], 1):
        (folder / f"linxi_{day}.txt").write_text(FIRST.format(day=day, name=name, other=other), encoding="utf-8")
    return folder


def build(inputs: Path, out: Path, kill_at: int = -1) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DRIVER, str(kill_at), "build", str(inputs), "--out", str(out),
                           "--quiet", "--no-validate"], cwd=ROOT, capture_output=True, text=True, timeout=300)


def shown(out: Path) -> dict[str, bytes | str]:
    """What a reader of ``out`` sees through the output names: path → bytes (an official's page → its
    name only, since the pages are not yet byte-identical between builds)."""
    seen: dict[str, bytes | str] = {}
    for top in sorted(out.iterdir()):
        if top.name in (".generations", "notes.txt") or not top.exists():
            continue
        for path in ([top] if top.is_file() else sorted(top.rglob("*"))):
            name = str(path.relative_to(out))
            seen[name] = "page" if name.startswith("officials/") else path.read_bytes()
    return seen


def leftovers(out: Path) -> list[str]:
    generations = out / ".generations"
    extra = [p.name for p in generations.iterdir()
             if p.name not in ("current", "lock", os.readlink(generations / "current"))]
    return extra + [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".generations"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[Path, Path, dict, dict]:
    """The inputs of the previous and of the new build, and what each shows when built whole."""
    base = tmp_path_factory.mktemp("kill")
    old, new = articles(base / "old", 1), articles(base / "new", 2)
    shows = []
    for folder in (old, new):
        out = base / f"reference-{folder.name}"
        assert build(folder, out).returncode == 0
        shows.append(shown(out))
    assert shows[0] != shows[1] and shows[0].keys() != shows[1].keys()  # the new build has a second official
    return old, new, shows[0], shows[1]


def kill_points(log: str, out: Path) -> dict[str, int]:
    """The calls to kill before, by what they do: writing the files, switching, cleaning up."""
    calls = [(int(m[1]), m[2], m[3]) for m in map(DIRECTORY_CALLS.fullmatch, log.splitlines()) if m]
    generation = re.compile(re.escape(str(out / ".generations")) + r"/g-\d+")
    points = {}
    writes = [n for n, name, args in calls if name == "replace" and generation.search(args)]
    points["the new generation's first file"] = writes[0]
    points["half of the files written"] = writes[len(writes) // 2]
    points["the last file of the generation"] = writes[-1]
    for n, name, args in calls:
        if name == "replace" and args.endswith("/.generations/current"):
            points["the switch"] = n
            points["just after the switch"] = n + 1
        if name == "rmtree":
            points["removing the previous generation"] = n
    unlinks = [n for n, name, args in calls if name in ("unlink", "rmdir") and n > points["the switch"]]
    if unlinks:
        points["in the middle of removing it"] = unlinks[len(unlinks) // 2]
    # taking an older kg's plain files in: a file linked into a generation, a file and a directory
    # replaced by links
    adopting = [(n, name) for n, name, args in calls if name in ("link", "_exchange") or "/g-0" in args]
    for n, name in adopting[:1] + [a for a in adopting if a[1] == "_exchange"]:
        points[f"taking the old files in ({name})"] = n
    plain_to_link = [n for n, name, args in calls if name == "replace" and n < points["the switch"]
                     and "/.generations/link-" in args.split()[0] and "/.generations/" not in args.split()[1]]
    if adopting and plain_to_link:
        points["a plain file replaced by its link"] = plain_to_link[0]
    return {what: n for n, what in {n: what for what, n in points.items()}.items()}  # one name per call


@pytest.mark.parametrize("start", ["a previous build", "an older kg's plain files"])
def test_a_killed_build_leaves_one_whole_generation(inputs, tmp_path: Path, start: str) -> None:
    old, new, old_shows, new_shows = inputs

    template = tmp_path / "template"
    assert build(old, template).returncode == 0
    if start == "an older kg's plain files":  # as kg wrote them before generations: files and a directory
        subprocess.run(["cp", "-rL", str(template), str(tmp_path / "plain")], check=True)
        subprocess.run(["rm", "-rf", str(template)], check=True)
        subprocess.run(["rm", "-rf", str(tmp_path / "plain" / ".generations")], check=True)
        (tmp_path / "plain" / ".graph.ttl.ab12cd34.tmp").write_text("left by a killed build")
        (tmp_path / "plain").rename(template)
    (template / "notes.txt").write_text("the user's own file")

    def fresh_out(tag: str) -> Path:
        subprocess.run(["cp", "-a", str(template), str(tmp_path / tag)], check=True)
        return tmp_path / tag

    probe = fresh_out("probe")
    listed = build(new, probe, kill_at=0)
    assert listed.returncode == 0, listed.stderr
    points = kill_points(listed.stderr, probe)
    assert len(points) >= (10 if start == "an older kg's plain files" else 6), points
    for number, (what, kill_at) in enumerate(points.items()):
        out = fresh_out(f"killed-{number}")
        killed = build(new, out, kill_at=kill_at)
        assert killed.returncode == -9, (what, killed.stderr[-2000:])
        assert shown(out) in (old_shows, new_shows), f"killed before {what}: a mixed directory"
        # the next build finishes the job and leaves nothing behind
        again = build(new, out)
        assert again.returncode == 0, again.stderr
        assert shown(out) == new_shows and leftovers(out) == [], what
        assert (out / "notes.txt").read_text() == "the user's own file"
