"""kg's own Turtle/TriG/JSON-LD writers against pyoxigraph's, on the same documents, in one process.

    python benchmarks/writers.py OUT/graph.trig

What is timed (processor time, the fastest of --repeat passes):

* the worker's share, per document: kg's ``quads.encode`` (sorted triples → each subject's Turtle block,
  TriG block and JSON-LD node), against pyoxigraph serialising the document's triples to Turtle, TriG and
  JSON-LD (the terms made from kg's strings first, as a worker would have to);
* writing the three files of the whole graph: kg's streaming writers from the spool (subjects several
  documents describe written again from all their triples), against pyoxigraph dumping the same quads
  from an in-memory store.

It also reports what pyoxigraph's output would change: language tags in lower case (the contract writes
``@zh-Hans``) and whether its JSON-LD is compacted with kg's context.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import export  # noqa: E402
from kg.quads import QuadSpool, encode  # noqa: E402
from kg.terms import from_ox, ox_triple  # noqa: E402
from kg.vocab import PREFIXES  # noqa: E402


def fastest(action, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        action()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trig", type=Path, help="a build's graph.trig (one named graph per document)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    documents: dict[str, list[tuple[str, str, str]]] = {}
    for quad in ox.parse(path=str(args.trig), format=ox.RdfFormat.TRIG):
        documents.setdefault(quad.graph_name.value, []).append(
            (quad.subject.value, quad.predicate.value, from_ox(quad.object)))
    triples = sum(len(t) for t in documents.values())
    print(f"{args.trig}: {len(documents)} documents, {triples} triples; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def kg_encode():
        return [encode(name, t) for name, t in documents.items()]

    def ox_encode():
        for name, t in documents.items():
            graph = ox.NamedNode(name)
            ox_triples = [ox_triple(x) for x in sorted(set(t))]
            ox.serialize(ox_triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            ox.serialize([ox.Quad(x.subject, x.predicate, x.object, graph) for x in ox_triples],
                         format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
            ox.serialize(ox_triples, format=ox.RdfFormat.JSON_LD, prefixes=PREFIXES)

    per_document = {"kg (kg.turtle, kg.jsonld)": fastest(kg_encode, args.repeat),
                    "pyoxigraph (terms made, then serialised)": fastest(ox_encode, args.repeat)}
    spool = QuadSpool()
    for encoded in kg_encode():
        spool.add_encoded(encoded)
    store = ox.Store()
    store.bulk_extend(ox.Quad(*ox_triple(x), ox.NamedNode(name)) for name, t in documents.items() for x in t)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def kg_files():
            export.write_turtle(spool, out / "graph.ttl")
            export.write_trig(spool, out / "graph.trig")
            export.write_jsonld(spool, out / "graph.jsonld")

        def ox_files():
            store.dump(str(out / "ox.ttl"), ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
            with (out / "ox.trig").open("wb") as f:
                ox.serialize((q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)), f,
                             ox.RdfFormat.TRIG, prefixes=PREFIXES)
            store.dump(str(out / "ox.jsonld"), ox.RdfFormat.JSON_LD, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)

        whole = {"kg (streamed from the spool)": fastest(kg_files, args.repeat),
                 "pyoxigraph (dumped from a store)": fastest(ox_files, args.repeat)}
        ox_text = (out / "ox.ttl").read_text(encoding="utf-8")
        kg_text = (out / "graph.ttl").read_text(encoding="utf-8")
        ox_json = (out / "ox.jsonld").read_text(encoding="utf-8")
    print("encode, every document (worker side):")
    for name, seconds in per_document.items():
        print(f"  {name:44} {seconds:6.2f} s  ({seconds / len(documents) * 1e3:.2f} ms a document)")
    print("write graph.ttl, graph.trig and graph.jsonld of the whole graph:")
    for name, seconds in whole.items():
        print(f"  {name:44} {seconds:6.2f} s")
    print(f"language tags: kg writes @zh-Hans {kg_text.count('@zh-Hans')} times; pyoxigraph @zh-Hans "
          f"{ox_text.count('@zh-Hans')}, @zh-hans {ox_text.count('@zh-hans')} times")
    compacted = "yes" if '"holdsPost"' in ox_json else "no"
    print(f"pyoxigraph's JSON-LD keys compacted with kg's context (holdsPost …): {compacted}")


if __name__ == "__main__":
    main()
