"""`kg query` on graph files, timed as whole processes for two source trees side by side: the one checked out
(files loaded into an in-memory Oxigraph store) and an earlier one (files parsed by rdflib, queried by
rdflib's engine).

    git archive COMMIT | tar -x -C /tmp/kg-before
    python benchmarks/query_files.py --before /tmp/kg-before GRAPH.ttl [GRAPH.ttl …] [--repeat 3]

For each graph, a count of every triple and the shipped questions, with parameters chosen from the graph
itself (the province with the most officials, the official in the most events, every date), run with
`--format csv`; the two trees take turns, and each run is a fresh `python -m kg query` process (start-up,
parsing and printing included).  Prints the median wall time of each tree, the ratio, the rows, whether the
two trees printed the same rows (as sets: the CSV layouts differ), and the load average.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROVINCE = """SELECT ?place (COUNT(DISTINCT ?who) AS ?n) WHERE {
  ?region ok:level "省" ; rdfs:label ?place FILTER(langMatches(lang(?place), "zh-Hans"))
  ?governed ok:partOf* ?region . ?o ok:jurisdiction ?governed . ?post ok:postIn ?o . ?who ok:holdsPost ?post }
GROUP BY ?place ORDER BY DESC(?n) ?place LIMIT 1"""
BUSIEST = """SELECT ?name (COUNT(?e) AS ?n) WHERE {
  ?e ok:leader|ok:participant ?who . ?who a ok:Official ; rdfs:label ?name FILTER(langMatches(lang(?name), "zh-Hans")) }
GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT 1"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def cases(graph: Path) -> list[tuple[str, list[str]]]:
    """(label, kg query arguments) for a graph; the parameters are read from the graph with this tree."""
    from kg import query

    database = query.open_database(graph)

    def first(sparql: str) -> str:
        rows = list(csv.reader(io.StringIO(query.execute(database, sparql, "csv").text)))
        return rows[1][0]

    province, person = first(PROVINCE), first(BUSIEST)
    return [("count triples", [COUNT]),
            ("officials-in-jurisdiction (busiest province)", ["officials-in-jurisdiction", "-p", f"place={province}"]),
            ("events-in-range (all)", ["events-in-range", "-p", "from=1990-01-01", "-p", "to=2030-12-31"]),
            ("co-participants (busiest official)", ["co-participants", "-p", f"person={person}"]),
            ("posts-of-person (busiest official)", ["posts-of-person", "-p", f"person={person}"])]


def run(tree: Path, graph: Path, arguments: list[str]) -> tuple[float, set[tuple[str, ...]]]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kg", "query", str(graph), *arguments, "--format", "csv"],
                          capture_output=True, text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{tree}: kg query {' '.join(arguments)} failed:\n{done.stderr}")
    rows = list(csv.reader(io.StringIO(done.stdout.replace("\r\n", "\n"))))
    return seconds, {tuple(row) for row in rows[1:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graphs", nargs="+", type=Path, help="graph files (.ttl)")
    parser.add_argument("--before", type=Path, required=True, help="an earlier source tree (git archive … | tar -x)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tree for each query")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'graph':24} {'query':44} {'before':>8} {'after':>8} {'ratio':>6} {'rows':>6}  same")
    for graph in args.graphs:
        for label, arguments in cases(graph):
            times: dict[str, list[float]] = {name: [] for name in trees}
            answers = {}
            for _ in range(args.repeat):
                for name, tree in trees.items():
                    seconds, answers[name] = run(tree, graph.resolve(), arguments)
                    times[name].append(seconds)
            before, after = (statistics.median(times[name]) for name in trees)
            same = "yes" if answers["before"] == answers["after"] else "NO"
            print(f"{graph.parent.name + '/' + graph.name:24} {label:44} {before:7.2f}s {after:7.2f}s "
                  f"{before / after:5.1f}x {len(answers['after']):6}  {same}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
