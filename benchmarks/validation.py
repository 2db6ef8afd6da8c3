"""What SHACL validation costs next to the build, measured side by side in one run.

    python benchmarks/validation.py seeds/
    python benchmarks/validation.py seeds/ benchmarks/heldout_* tests/data/heldout --copies 5

``--copies N`` builds N copies of every input file (under distinct names, so distinct documents)
to measure a larger graph.  Prints documents, triples, build and validation seconds and their ratio.
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
from kg.validate import validate  # noqa: E402


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
        validate(build(files[:1], progress=False).graph)  # warm up: imports, dictionaries, shapes
        started = time.perf_counter()
        result = build([tmp], progress=False)
        built = time.perf_counter()
        violations = validate(result.graph)
        validated = time.perf_counter()
    build_s, validate_s = built - started, validated - built
    print(f"{result.documents} documents, {len(result.graph)} triples: build {build_s:.2f} s, "
          f"validate {validate_s:.2f} s ({validate_s / build_s:.0%} of the build), {len(violations)} violations")


if __name__ == "__main__":
    main()
