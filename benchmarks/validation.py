"""What SHACL validation costs next to the build, measured side by side in one run: the compiled shapes
on the build's spool (what `kg build` runs), on an rdflib graph (what `kg validate` runs), and pySHACL.

    python benchmarks/validation.py seeds/
    python benchmarks/validation.py seeds/ benchmarks/heldout_* tests/data/heldout --copies 5

``--copies N`` builds N copies of every input file (under distinct names, so distinct documents)
to measure a larger graph.  Prints documents, triples, build and validation seconds and their ratio,
for each way of validating, and whether they found the same violations.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.load import iter_inputs  # noqa: E402
from kg.pipeline import build  # noqa: E402
from kg.quads import QuadSpool  # noqa: E402
from kg.validate import validate, validate_pyshacl, validate_spool  # noqa: E402


def rdflib_graph(spool: QuadSpool):
    """The build's union graph as rdflib objects, as `kg validate graph.ttl` reads it."""
    from rdflib import Graph, URIRef

    from kg.terms import to_rdflib

    graph = Graph()
    graph.addN((URIRef(s), URIRef(p), to_rdflib(o), graph) for s, p, o in spool.union())
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--copies", type=int, default=1, help="build this many copies of every file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = list(iter_inputs(args.inputs))
        for copy in range(args.copies):
            for n, path in enumerate(files):
                shutil.copy(path, Path(tmp) / f"{copy:03d}_{n:04d}_{path.name}")
        warm = build(files[:1], progress=False)  # warm up: imports, dictionaries, shapes
        validate(rdflib_graph(warm.quads)), validate_pyshacl(rdflib_graph(warm.quads)), validate_spool(warm.quads)
        started = time.perf_counter()
        result = build([tmp], progress=False)
        build_s = time.perf_counter() - started
        graph = rdflib_graph(result.quads)
        print(f"{result.documents} documents, {len(graph)} triples: build {build_s:.2f} s")
        found = []
        for name, check in (("compiled shapes on the spool (kg build)", lambda: validate_spool(result.quads)),
                            ("compiled shapes on an rdflib graph (kg validate)", lambda: validate(graph)),
                            ("pySHACL on an rdflib graph (before)", lambda: validate_pyshacl(graph))):
            started = time.perf_counter()
            found.append(check())
            seconds = time.perf_counter() - started
            print(f"  {name}: {seconds:.2f} s ({seconds / build_s:.0%} of the build), {len(found[-1])} violations")
    print("  the same violations each way" if all(f == found[0] for f in found) else "  DIFFERENT violations")


if __name__ == "__main__":
    main()
