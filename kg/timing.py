"""Where a build's time goes: wall and CPU seconds per stage, for ``kg build --timings FILE``.

Stages run in the parent process record themselves here (``with stage("validate"): …``); the
per-article stages, timed in the workers, are added as CPU seconds (``add``). A benchmark reads the
file instead of guessing from outside what the command spent its time on.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_IMPORTED = time.perf_counter()
_wall: dict[str, float] = {}
_cpu: dict[str, float] = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as stage ``name`` (wall and CPU seconds of this process; repeated blocks add up)."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _wall[name] = _wall.get(name, 0.0) + time.perf_counter() - wall
        _cpu[name] = _cpu.get(name, 0.0) + time.process_time() - cpu


def add(name: str, cpu_seconds: float) -> None:
    """CPU seconds spent on stage ``name`` elsewhere (in a worker process)."""
    _cpu[name] = _cpu.get(name, 0.0) + cpu_seconds


def reset() -> None:
    """Forget what was recorded (a process that runs several builds times each on its own)."""
    _wall.clear()
    _cpu.clear()


def recorded() -> dict[str, dict[str, float]]:
    return {"wall": dict(_wall), "cpu": dict(_cpu)}


def write(path: Path, **extra: object) -> None:
    """The stages recorded so far, and ``extra`` figures, as one JSON object."""
    path.write_text(json.dumps({**recorded(), **extra}, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def since_start() -> float:
    """Wall seconds since this process started (Linux: from /proc, so the interpreter's own start-up
    counts; elsewhere since this module was imported)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            started = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime", encoding="ascii") as f:
            return max(0.0, float(f.read().split()[0]) - started)
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED
