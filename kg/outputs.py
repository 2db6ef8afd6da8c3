"""The output directory of `kg build`: a build's files appear all at once, or not at all.

A build writes its files into a fresh generation directory, ``DIR/.generations/g-N``, and then
switches one symbolic link, ``DIR/.generations/current``, to it with a single rename.  The names
users open (``DIR/graph.ttl``, ``DIR/index.html``, ``DIR/officials`` …) are symbolic links through
that one link (``DIR/graph.ttl → .generations/current/graph.ttl``), so they all change together:
a reader, or a kill at any moment, finds either the whole previous build or the whole new one.
The previous generation is removed after the switch; what a killed build left behind (a
half-written generation, a link not yet switched, an older kg's ``.NAME.*.tmp`` files) is removed
by the next build.  A lock keeps two builds from writing into one directory at the same time.
Anything else in ``DIR`` (a ``--store``, your own files) is left alone.

Outputs that an older kg wrote as plain files are first taken into a generation of their own
(hard links, no copying), so even the first switch is atomic.  (A directory, ``officials/``, is
swapped for its link in one step where Linux's renameat2 is available; elsewhere it is missing for an
instant, once.)
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

GENERATIONS = ".generations"
CURRENT = "current"
_GENERATION = re.compile(r"g-(\d+)")
_OLD_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # what export.open_atomic names a file being written


class OutputError(OSError):
    """The output directory cannot take a build (another build holds it, no symbolic links …)."""


@contextlib.contextmanager
def new_generation(out_dir: Path) -> Iterator[Path]:
    """A fresh, empty directory for a build's files; switched in when the block ends without an error,
    removed if it ends with one."""
    generations = out_dir / GENERATIONS
    try:
        generations.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(f"{out_dir}: not a directory; --out needs a directory") from exc
    with _locked(generations / "lock"):
        _clean(out_dir)
        numbers = [int(m[1]) for p in generations.iterdir() if (m := _GENERATION.fullmatch(p.name))]
        fresh = generations / f"g-{max(numbers, default=0) + 1}"
        fresh.mkdir()
        try:
            yield fresh
            _switch(out_dir, fresh)
        except BaseException:
            if _current(generations) != fresh:
                shutil.rmtree(fresh, ignore_errors=True)
            raise
        _clean(out_dir)  # the previous generation


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (released by the system if the process dies)."""
    with open(path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputError(f"{path.parent.parent}: another kg build is writing here; wait until it has "
                              "finished, or build into another --out directory") from exc
        yield


def _current(generations: Path) -> Path | None:
    """The generation the output names show now (None before the first)."""
    link = generations / CURRENT
    return generations / os.readlink(link) if link.is_symlink() else None


def _clean(out_dir: Path) -> None:
    """Remove what killed builds left: generations not in use, links and files half made."""
    generations = out_dir / GENERATIONS
    current = _current(generations)
    for entry in generations.iterdir():
        if entry.name in (CURRENT, "lock") or entry == current:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    for entry in out_dir.iterdir():
        if _OLD_TEMPORARY.fullmatch(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)


def _switch(out_dir: Path, fresh: Path) -> None:
    """Show ``fresh`` under the output names with one rename; drop names it no longer has."""
    generations = fresh.parent
    names = sorted(entry.name for entry in fresh.iterdir())
    _adopt(out_dir, names)
    for name in names:  # a name new in this build points at nothing until the switch
        _link(out_dir / name, f"{GENERATIONS}/{CURRENT}/{name}")
    _link(generations / CURRENT, fresh.name)  # the switch
    _sync(generations)
    for entry in out_dir.iterdir():
        if _is_ours(entry) and entry.name not in names:
            entry.unlink()


def _adopt(out_dir: Path, names: list[str]) -> None:
    """Turn plain output files (an older kg's, or a first build's) into links, showing the same content."""
    generations = out_dir / GENERATIONS
    plain = [name for name in names if (out_dir / name).exists() or (out_dir / name).is_symlink()]
    plain = [name for name in plain if not _is_ours(out_dir / name)]
    if not plain:
        return
    current = _current(generations)
    if current is None:
        current = generations / "g-0"
        current.mkdir()
        _link(generations / CURRENT, current.name)
    for name in plain:
        entry, kept = out_dir / name, current / name
        if entry.is_dir() and not entry.is_symlink():
            if not kept.exists():
                shutil.copytree(entry, kept, copy_function=os.link, symlinks=True)
            _swap_in_link(entry, f"{GENERATIONS}/{CURRENT}/{name}", generations / f"adopted-{name}")
            continue
        if not kept.exists() and not entry.is_symlink():
            os.link(entry, kept)
        _link(entry, f"{GENERATIONS}/{CURRENT}/{name}")


def _is_ours(entry: Path) -> bool:
    return entry.is_symlink() and os.readlink(entry).startswith(f"{GENERATIONS}/{CURRENT}/")


def _link(path: Path, target: str) -> None:
    """Make ``path`` a symbolic link to ``target``, replacing what is there in one rename (the link is
    made among the generations, so a kill leaves nothing in the output directory itself)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    temporary = path.parent / GENERATIONS / f"link-{path.name}" if path.parent.name != GENERATIONS else \
        path.parent / f"link-{path.name}"
    temporary.unlink(missing_ok=True)
    try:
        os.symlink(target, temporary)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot make a symbolic link here ({exc.strerror}); kg build needs a "
                          "file system with symbolic links for --out") from exc
    os.replace(temporary, path)


def _swap_in_link(directory: Path, target: str, away: Path) -> None:
    """Replace a real directory by a symbolic link to ``target``; the directory goes to ``away``
    (removed by the clean-up)."""
    os.symlink(target, away)  # made among the generations, then swapped with the directory
    if not _exchange(away, directory):
        away.unlink()
        directory.rename(away)
        _link(directory, target)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where it is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0


def _sync(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a power cut, not only a kill, keeps one generation)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
