"""Build benchmark: throughput and memory of ``kg build`` per stage, for corpus sizes × worker counts.

Generates the corpora with benchmarks/corpus.py (cached between runs), then builds each
configuration in its own subprocess, so every configuration starts cold and its memory peak is its
own, and prints the configurations side by side: seconds, characters per second and documents per
second per stage, and the peak memory of each phase. Stages:

  init        loading dictionaries, lexicons and converters (once; forked workers share them)
  load … rdf  per-article stages, CPU time summed over workers (chars/s is the speed of one worker)
  spool       CPU time of the parent taking the workers' triples into the sorted spool
  analyse     the whole streaming phase, wall clock (workers analyse, the parent spools triples)
  export      graph.ttl, graph.jsonld and graph.trig from the spool, wall clock
  total       init + analyse + export, wall clock: the end-to-end speed

With --repeat N each configuration runs N times and the fastest run is shown (other jobs on a
shared machine only ever make a run slower). Memory: "parent" is the peak resident set of the
building process in that phase; "all" is the peak proportional set size (PSS: shared pages counted
once) of the parent and its workers together.
The HTML view is not part of the benchmark (see benchmarks/README.md).

Example: python benchmarks/build.py --sizes 1000 10000 --workers 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("init", "load", "normalise", "extract", "resolve", "rdf", "spool", "analyse", "export", "total")
PHASES = ("init", "analyse", "export")
FORMATS = ("turtle", "json-ld", "trig")


# ---------------------------------------------------------------- memory

def _status_kb(pid: int | str, field: str, name: str) -> int:
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


class MemorySampler(threading.Thread):
    """Samples this process's RSS and the PSS of it and its children every ``interval`` seconds (Linux /proc),
    keeping the peak of each phase."""

    def __init__(self, interval: float = 0.1):
        super().__init__(daemon=True)
        self.interval = interval
        self.phase = "init"
        self.parent: dict[str, int] = {}
        self.all: dict[str, int] = {}
        self._stop = threading.Event()

    def sample(self) -> None:
        pid = os.getpid()
        rss = _status_kb("self", "VmRSS:", "status")
        pss = _status_kb(pid, "Pss:", "smaps_rollup") + sum(_status_kb(c, "Pss:", "smaps_rollup")
                                                            for c in _children(pid))
        self.parent[self.phase] = max(self.parent.get(self.phase, 0), rss)
        self.all[self.phase] = max(self.all.get(self.phase, 0), pss or rss)

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def enter(self, phase: str) -> None:
        self.sample()
        self.phase = phase
        self.sample()

    def stop(self) -> None:
        self.sample()
        self._stop.set()


# ---------------------------------------------------------------- one configuration (in a subprocess)

def run_once(corpus: Path, workers: int, out: Path) -> dict:
    """Build ``corpus`` with ``workers`` and write the RDF formats; return the measurements."""
    sys.path.insert(0, str(ROOT))
    memory = MemorySampler()
    memory.start()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    from kg.export import export_all
    from kg.pipeline import build, warm_up

    warm_up()
    seconds = {"init": time.perf_counter() - started}
    memory.enter("analyse")
    clock = time.perf_counter()
    result = build([corpus], progress=False, workers=workers)
    seconds["analyse"] = time.perf_counter() - clock
    seconds.update(result.stage_seconds)
    memory.enter("export")
    clock = time.perf_counter()
    export_all(result.quads, out, formats=FORMATS, workers=workers)
    seconds["export"] = time.perf_counter() - clock
    seconds["total"] = time.perf_counter() - started
    memory.stop()
    counts = result.counts()
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return {"workers": workers, "documents": result.documents, "characters": result.characters,
            "skipped": len(result.skipped), "seconds": seconds, "counts": counts,
            "spilled": result.quads.spilled, "load_average": [load, os.getloadavg()[0]],
            "cpu_seconds": sum(u.ru_utime + u.ru_stime for u in usage),
            "rss_mb": {k: v / 1024 for k, v in memory.parent.items()},
            "pss_mb": {k: v / 1024 for k, v in memory.all.items()}}


# ---------------------------------------------------------------- driver

def corpus_dir(cache: Path, size: int, seed: int) -> Path:
    """The corpus of ``size`` articles, generated once into ``cache``."""
    from corpus import write_corpus  # benchmarks/corpus.py, beside this file

    directory = cache / f"corpus-{size}-seed{seed}"
    if not directory.is_dir() or sum(1 for _ in directory.glob("*.txt")) != size:
        print(f"generating {size} articles into {directory} …", file=sys.stderr)
        write_corpus(directory, size, seed)
    return directory


def measure(corpus: Path, workers: int, out: Path) -> dict:
    command = [sys.executable, __file__, "--run", str(corpus), "--workers", str(workers), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark run failed: {' '.join(command)}\n{done.stderr}")
    return json.loads(done.stdout)


def _number(value: float) -> str:
    if value >= 100_000:
        return f"{value / 1000:,.0f}k"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def table(runs: list[tuple[str, dict]]) -> str:
    """Markdown tables, one column per configuration."""
    head = "| stage | " + " | ".join(name for name, _ in runs) + " |"
    rule = "|---|" + "---:|" * len(runs)
    lines = []
    for title, cell in (
        ("seconds", lambda r, s: _number(r["seconds"][s])),
        ("characters per second", lambda r, s: _number(r["characters"] / r["seconds"][s]) if s != "init" else ""),
        ("documents per second", lambda r, s: _number(r["documents"] / r["seconds"][s]) if s != "init" else ""),
    ):
        lines += [f"\n{title}\n", head, rule]
        lines += [f"| {s} | " + " | ".join(cell(r, s) for _, r in runs) + " |" for s in STAGES]
    lines += ["\npeak memory, MB (parent RSS / parent and workers PSS)\n", head.replace("stage", "phase"), rule]
    lines += [f"| {p} | " + " | ".join(f"{r['rss_mb'].get(p, 0):,.0f} / {r['pss_mb'].get(p, 0):,.0f}"
                                       for _, r in runs) + " |" for p in PHASES]
    lines += ["\nratios\n", "| | " + " | ".join(name for name, _ in runs) + " |", rule]
    base = {r["documents"]: r for _, r in runs if r["workers"] == 1}
    lines.append("| speed-up over 1 worker (total) | " + " | ".join(
        f"{base[r['documents']]['seconds']['total'] / r['seconds']['total']:.2f}×" if r["documents"] in base else ""
        for _, r in runs) + " |")
    lines.append("| documents / characters | " + " | ".join(
        f"{r['documents']:,} / {r['characters']:,}" for _, r in runs) + " |")
    lines.append("| CPU seconds, all processes | " + " | ".join(f"{r['cpu_seconds']:.1f}" for _, r in runs) + " |")
    lines.append("| characters per CPU second | " + " | ".join(
        _number(r["characters"] / r["cpu_seconds"]) for _, r in runs) + " |")
    lines.append("| machine load before / after | " + " | ".join(
        f"{r['load_average'][0]:.1f} / {r['load_average'][1]:.1f}" for _, r in runs) + " |")
    lines.append("| triples in graph.ttl | " + " | ".join(f"{r['counts']['triples']:,}" for _, r in runs) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Example: python benchmarks/build.py --sizes 1000 10000 --workers 1 2")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (articles)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/kg-benchmark"),
                        help="where corpora and outputs go (default /tmp/kg-benchmark)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per configuration, the fastest kept (the machine may be shared)")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)  # one configuration, in a subprocess
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run_once(args.run, args.workers[0], args.out)))
        return
    sys.path.insert(0, str(Path(__file__).parent))
    runs = []
    for size in args.sizes:
        corpus = corpus_dir(args.cache, size, args.seed)
        tries: dict[int, list[dict]] = {w: [] for w in args.workers}
        for attempt in range(args.repeat):  # interleaved, so that a busy spell of the machine hits all alike
            for workers in args.workers:
                print(f"running {size:,} docs × {workers} workers ({attempt + 1}/{args.repeat}) …", file=sys.stderr)
                tries[workers].append(measure(corpus, workers, args.cache / f"out-{size}-w{workers}"))
        for workers in args.workers:
            name = f"{size:,} docs × {workers} worker{'s' if workers > 1 else ''}"
            runs.append((name, min(tries[workers], key=lambda r: r["seconds"]["total"])))
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps(dict(runs), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
