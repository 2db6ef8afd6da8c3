"""The encoding stage of `kg build` (a document's facts → triples → Turtle, TriG and JSON-LD text, in the
worker), timed for two source trees side by side: the one checked out and an earlier one.

    git archive COMMIT | tar -x -C /tmp/kg-before
    python benchmarks/encode.py --corpus /tmp/corpus400 --before /tmp/kg-before [--rounds 5]

The articles are analysed once (normalise, extract, resolve: the same code in both trees) and their
facts pickled; then each round runs both trees, in turn, each in a fresh process that times
``encode(doc_iri, triples_of(facts))`` over every document (processor time, after one warm-up pass).
Medians over the rounds are printed with the load average, and whether both trees wrote the same
Turtle and TriG blocks (the JSON-LD nodes differ by design when the context changed).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ANALYSE = """
import pickle, sys
from pathlib import Path
from kg.load import iter_inputs, load_with_errors
from kg.pipeline import facts_of
facts = [facts_of(s) for p in iter_inputs([Path(sys.argv[1])]) for s in load_with_errors(p)[0]]
pickle.dump(facts, open(sys.argv[2], "wb"))
"""

TIME = """
import hashlib, pickle, sys, time
from kg.quads import encode
from kg.rdf import doc_iri, triples_of
facts = pickle.load(open(sys.argv[1], "rb"))
def once():
    return [encode(str(doc_iri(f.doc_id)), triples_of(f)) for f in facts]
once()
best = []
for _ in range(int(sys.argv[2])):
    started = time.process_time()
    graphs = once()
    best.append(time.process_time() - started)
digest = hashlib.sha256("".join(r[2] for g in graphs for r in g.records).encode()
                        + "".join(g.trig for g in graphs).encode()).hexdigest()
print(min(best), sum(g.triples for g in graphs), digest)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="articles to analyse (a directory)")
    parser.add_argument("--before", type=Path, required=True, help="an earlier source tree (git archive … | tar -x)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=3, help="timed passes in each process (the fastest counts)")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    with tempfile.TemporaryDirectory() as tmp:
        facts = Path(tmp) / "facts.pickle"
        subprocess.run([sys.executable, "-c", ANALYSE, str(args.corpus), str(facts)], check=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        documents = len(pickle.loads(facts.read_bytes()))
        seconds: dict[str, list[float]] = {name: [] for name in trees}
        digests: dict[str, str] = {}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                done = subprocess.run([sys.executable, "-c", TIME, str(facts), str(args.passes)], check=True, cwd=tree,
                                      capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
                best, triples, digest = done.stdout.split()
                seconds[name].append(float(best))
                digests[name] = digest
    load = os.getloadavg()
    print(f"{documents} documents, {triples} triples; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for name, values in seconds.items():
        median = statistics.median(values)
        print(f"{name:7} encode: median {median:.3f} s, fastest {min(values):.3f} s ({median / documents * 1e6:.0f} µs "
              f"a document; rounds {', '.join(f'{v:.3f}' for v in values)})")
    ratio = statistics.median(seconds["after"]) / statistics.median(seconds["before"])
    print(f"after / before: {ratio:.2f} (medians), {min(seconds['after']) / min(seconds['before']):.2f} (fastest)")
    print(f"Turtle and TriG blocks identical: {'yes' if digests['before'] == digests['after'] else 'no'} "
          f"({hashlib.sha256(digests['after'].encode()).hexdigest()[:8]})")


if __name__ == "__main__":
    main()
