"""The embedded store: same answers as the file, one named graph per document, replaced in place."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import put_dataset, query_rows, rdflib_dataset
from rdflib.namespace import RDFS

from kg import query
from kg.cli import main
from kg.pipeline import build
from kg.rdf import doc_iri
from kg.store import RECORDS_FILE, GraphStore, StoreError
from kg.terms import ox_triple

ARTICLE = (
    "东城区领导检查防汛工作\n"
    "2023-06-02 09:00:00  来源:东城新闻网\n\n"
    "6月1日，区委书记张三丰带队到青山镇东风村检查防汛工作，看望慰问一线人员。"
    "区委常委、宣传部部长李四海参加检查。\n"
)
OTHER = (
    "东城区领导调研农业生产\n"
    "2023-07-05 10:00:00  来源:东城新闻网\n\n"
    "7月4日，区委书记张三丰到白水镇调研农业生产。\n"
)
OFFICIALS = 'SELECT ?name WHERE { ?p a ok:Official ; rdfs:label ?name } ORDER BY ?name'


@pytest.fixture()
def corpus(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "b.txt").write_text(OTHER, encoding="utf-8")
    return src


@pytest.fixture()
def built(corpus, tmp_path):
    out, store = tmp_path / "out", tmp_path / "store"
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return out, store


def rows(target, sparql):
    return [tuple(row.values()) for row in query_rows(query.open_database(target), sparql)]


def test_store_answers_as_the_file_does(built):
    out, store = built
    assert rows(store, OFFICIALS) == rows(out / "graph.ttl", OFFICIALS) == [("张三丰",), ("李四海",)]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    # a triple both documents state (张三丰 is an official) is counted once, as in graph.ttl
    assert rows(store, count) == rows(out / "graph.ttl", count)
    with GraphStore.open(store) as s:
        assert len(s) == len(query.load_graph(out / "graph.ttl")) == len(query.load_graph(store))


def test_each_document_is_a_named_graph_with_a_record(built, corpus):
    _, store = built
    per_graph = rows(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    records = json.loads((store / RECORDS_FILE).read_text(encoding="utf-8"))["documents"]
    assert [(r["iri"], str(r["triples"])) for r in records] == per_graph
    assert [r["source"] for r in records] == ["a.txt", "b.txt"]


def test_rebuilding_unchanged_input_rewrites_nothing(built, corpus, tmp_path):
    _, store = built
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(tmp_path / "out"), "--store", str(store)])
    assert "0 files analysed, 2 unchanged; 0 document graphs written, 0 removed; 2 documents" in result.output


def test_replacing_a_document_keeps_what_another_document_says(corpus, tmp_path):
    with GraphStore.create_or_open(tmp_path / "s") as store:
        put_dataset(store, rdflib_dataset(build([corpus], progress=False).quads))
        (corpus / "b.txt").write_text(OTHER.replace("张三丰", "王五星"), encoding="utf-8")
        changed = put_dataset(store, rdflib_dataset(build([corpus / "b.txt"], progress=False).quads))
        assert changed == [str(doc_iri("b"))]
        names = {row["name"] for row in query_rows(store.database, OFFICIALS)}
        assert names == {"张三丰", "李四海", "王五星"}  # 张三丰 is still in a.txt
        store.remove_documents([str(doc_iri("a"))])
        names = {row["name"] for row in query_rows(store.database, OFFICIALS)}
        assert names == {"王五星"}
        assert list(store.records) == [str(doc_iri("b"))]
        assert len(store) == len(store.document_triples(str(doc_iri("b"))))


def test_store_survives_reopening(built):
    _, store = built
    with GraphStore.open(store, read_only=False) as s:
        s.put_triples([(str(doc_iri("c")), [ox_triple(("urn:x", str(RDFS.label), '"赵六"@zh-Hans'))])])
    with GraphStore.open(store) as s:
        assert str(doc_iri("c")) in s.records
        assert ("urn:x", str(RDFS.label), '"赵六"@zh-Hans') in query.triples(s.database)


def test_a_read_only_store_refuses_writes(built):
    _, store = built
    with GraphStore.open(store) as s, pytest.raises(StoreError, match="read-only"):
        s.remove_documents([str(doc_iri("a"))])


def test_a_directory_that_is_not_a_store(tmp_path, corpus):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match=r"not a graph store \(no documents.json\); make one with `kg build"):
        GraphStore.open(tmp_path / "notes")
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(tmp_path / "o"),
                                       "--store", str(tmp_path / "notes")])
    assert result.exit_code == 1 and "exists and is not a graph store" in result.output
    assert (tmp_path / "notes" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_unreadable_records_are_named(built):
    _, store = built
    (store / RECORDS_FILE).write_text("{broken", encoding="utf-8")
    with pytest.raises(StoreError, match="documents.json: unreadable store records"):
        GraphStore.open(store)
