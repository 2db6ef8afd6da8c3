"""The quad spool: sorted, deduplicated, the same in memory and spilled to disk, in any arrival order."""

from __future__ import annotations

import json

import pytest
from conftest import add_facts, new_dataset, rdflib_dataset, rdflib_graph, union
from conftest import spool_of as spool_of_dataset
from rdflib.compare import isomorphic

from kg.model import SourceText
from kg.pipeline import facts_of
from kg.quads import QuadSpool, encode
from kg.rdf import doc_iri, triples_of

EX = "https://w3id.org/officials-kg/resource/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PLACE = "<https://w3id.org/officials-kg/ontology#AdministrativeRegion>"

ARTICLES = {  # invented: two articles that share a county and its party committee
    "a.txt": "5月3日，岳麓区委书记张三丰带队到青山镇东风村检查春耕工作。区委副书记李四海陪同。\n",
    "b.txt": "5月4日，岳麓区委书记张三丰来到白沙镇调研乡村振兴工作，看望慰问困难群众。\n",
    "c.txt": "6月1日，副区长王五一深入绿水乡红旗村督导防汛工作。\n",
}


def source(name: str, text: str) -> SourceText:
    return SourceText(name, name, text, "utf-8", text, tuple(range(len(text) + 1)))


def spool_of(names: list[str], budget: int = 200_000) -> QuadSpool:
    spool = QuadSpool(budget=budget)
    for name in names:
        facts = facts_of(source(name, ARTICLES[name]))
        spool.add(str(doc_iri(facts.doc_id)), triples_of(facts))
    return spool


def outputs(spool: QuadSpool) -> tuple[list[str], list[str], list[str]]:
    return list(spool.texts("turtle")), list(spool.texts("jsonld")), list(spool.graph_blocks())


def test_union_is_sorted_and_distinct():
    spool = QuadSpool()
    spool.add(EX + "doc/b", [(EX + "x", LABEL, '"乙"@zh-Hans'), (EX + "x", TYPE, PLACE)])
    spool.add(EX + "doc/a", [(EX + "x", TYPE, PLACE), (EX + "w", LABEL, '"甲"'), (EX + "w", LABEL, '"甲"')])
    assert list(spool.union()) == [(EX + "w", LABEL, '"甲"'), (EX + "x", TYPE, PLACE),  # …1999…#type < …2000…#label
                                   (EX + "x", LABEL, '"乙"@zh-Hans')]
    assert spool.union_size() == 3


def test_a_subject_two_documents_describe_is_written_from_both():
    spool = QuadSpool()
    spool.add(EX + "doc/a", [(EX + "x", TYPE, PLACE)])
    spool.add(EX + "doc/b", [(EX + "x", LABEL, '"乙"@zh-Hans')])
    (block,) = spool.texts("turtle")
    assert block == f'\n<{EX}x> a ok:AdministrativeRegion ;\n    rdfs:label "乙"@zh-Hans .\n'
    (node,) = spool.texts("jsonld")
    assert json.loads(node) == {"@id": "res:x", "@type": ["AdministrativeRegion"], "label": {"zh-Hans": ["乙"]}}


@pytest.mark.parametrize("budget", [1, 7, 50])
def test_spilled_runs_give_the_same_output_as_memory(budget):
    names = sorted(ARTICLES)
    in_memory, spilled = spool_of(names), spool_of(names, budget=budget)
    assert spilled.spilled and not in_memory.spilled
    assert outputs(spilled) == outputs(in_memory)
    assert spilled.union_size() == in_memory.union_size()
    spilled.close()


def test_arrival_order_does_not_matter():
    assert outputs(spool_of(["c.txt", "a.txt", "b.txt"], budget=5)) == outputs(spool_of(["a.txt", "b.txt", "c.txt"]))


def test_rdflib_views_hold_exactly_the_triples_added():
    ds = new_dataset()
    for name, text in ARTICLES.items():
        add_facts(ds, facts_of(source(name, text)))
    spool = spool_of(sorted(ARTICLES), budget=10)
    assert isomorphic(rdflib_graph(spool), union(ds))
    assert {(str(s), str(p), str(o), str(g)) for s, p, o, g in rdflib_dataset(spool).quads()} == \
        {(str(s), str(p), str(o), str(g)) for s, p, o, g in ds.quads()}
    assert spool_of_dataset(ds).union_size() == len(union(ds))


def test_encoded_graph_names_its_vocabulary_and_counts_distinct_triples():
    encoded = encode(EX + "doc/a", [(EX + "x", TYPE, PLACE), (EX + "x", TYPE, PLACE),
                                    (EX + "x", "https://w3id.org/officials-kg/ontology#date",
                                     '"2023-05-03"^^<http://www.w3.org/2001/XMLSchema#date>')])
    assert encoded.triples == 2
    assert encoded.vocabulary == {TYPE, PLACE[1:-1], "https://w3id.org/officials-kg/ontology#date",
                                  "http://www.w3.org/2001/XMLSchema#date"}
    assert encoded.trig.startswith(f"\n<{EX}doc/a> {{\n    <{EX}x> a ok:AdministrativeRegion ;")


def test_close_removes_the_runs(tmp_path):
    spool = QuadSpool(budget=1, directory=tmp_path)
    spool.add(EX + "doc/a", [(EX + "x", TYPE, PLACE)])
    assert any(tmp_path.iterdir())
    spool.close()
    assert not any(tmp_path.iterdir())
