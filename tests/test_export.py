"""Writers are atomic (a failure never leaves a half-written file) and write what rdflib writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import add_facts, new_dataset, spool_of, union
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld
from rdflib import Dataset, Graph, Literal

from kg import export, jsonld
from kg.load import iter_inputs, load_with_errors
from kg.model import SourceText
from kg.pipeline import facts_of
from kg.quads import QuadSpool
from kg.terms import from_rdflib, to_rdflib
from kg.turtle import properties, subject_block
from kg.vocab import OK

TEXT = "6月1日，区委书记张三丰带队到青山镇东风村检查防汛工作。\n"


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "graph.ttl"
    export.write_atomic(target, "旧")
    export.write_atomic(target, "新内容")
    assert target.read_text(encoding="utf-8") == "新内容"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "graph.ttl"
    export.write_atomic(target, "完整的旧图")

    def broken_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(export.os, "replace", broken_replace)
    with pytest.raises(OSError):
        export.write_atomic(target, "新")
    assert target.read_text(encoding="utf-8") == "完整的旧图"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_jsonld_uses_the_published_context_with_plain_names(tmp_path):
    ds = new_dataset()
    text = TEXT
    add_facts(ds, facts_of(SourceText("t.txt", "t.txt", text, "utf-8", text, tuple(range(len(text) + 1)))))
    export.export_all(spool_of(ds), tmp_path, formats=("json-ld", "context"))
    data = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    assert data["@context"] == jsonld.context() == json.loads((tmp_path / "context.jsonld").read_text())["@context"]
    assert (tmp_path / "context.jsonld").read_bytes() == (ROOT / "ontology" / "context.jsonld").read_bytes()
    official = next(n for n in data["@graph"] if n["@type"] == ["Official"])
    assert official["label"] == {"zh-Hans": ["张三丰"]}  # not \u-escaped, in a language map
    post = next(n for n in data["@graph"] if n["@id"] == official["holdsPost"][0])
    assert post["title"] == "书记" and post["postIn"].startswith("res:org/")
    assert len(Graph().parse(tmp_path / "graph.jsonld", format="json-ld")) == len(union(ds))


def test_the_context_names_every_term_of_the_ontology():
    ontology = Graph().parse(ROOT / "ontology" / "officials.ttl")
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(str(OK))}
    named = {iri for iri in declared if jsonld.compact_iri(iri).removeprefix("ok:") in jsonld.context()}
    assert declared - named == set()


# ---------------------------------------------------------------- the same as rdflib, one subject at a time

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "data" / "articles"
TRADITIONAL = ("2023-03-02 10:00:00 來源:東城日報\n\n"
               "3月1日，岳麓區委書記張三豐帶隊到青山鎮東風村檢查春耕工作，看望慰問村民。\n")


def rdflib_dataset(sources: list[SourceText]):
    ds = new_dataset()
    for source in sources:
        add_facts(ds, facts_of(source))
    return ds


def sources_for_comparison() -> list[SourceText]:
    invented = [SourceText(name, name, text, "utf-8", text, tuple(range(len(text) + 1)))
                for name, text in (("t.txt", TEXT), ("hant.txt", TRADITIONAL))]
    return invented + [s for path in iter_inputs([ARTICLES]) for s in load_with_errors(path)[0]]


def subject_blocks(text: str) -> tuple[str, list[str]]:
    """The prefix lines and the subject blocks (each ends before the blank line) of a Turtle file."""
    head, _, body = text.partition("\n\n")
    return head, sorted(block for block in body.split("\n\n") if block.strip())


def named_graphs(text: str) -> tuple[str, dict[str, list[str]]]:
    head, _, body = text.partition("\n\n")
    graphs = {m.group(1): sorted(m.group(2).split("\n\n"))
              for m in re.finditer(r"^(<[^>]+>) \{\n(.*?)\n\}\n", body, re.S | re.M)}
    return head, graphs


def canonical(value):
    """JSON with every list in one order (the order of several values is not part of JSON-LD's meaning)."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Our writers and rdflib's on the same articles (with a spool that spilled to disk)."""
    out = tmp_path_factory.mktemp("out")
    ds = rdflib_dataset(sources_for_comparison())
    spool = QuadSpool(budget=50)
    for g in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if len(g):
            spool.add(str(g.identifier), [(str(s), str(p), from_rdflib(o)) for s, p, o in g])
    assert spool.spilled
    export.export_all(spool, out, formats=("turtle", "json-ld", "trig"))
    return ds, union(ds), out


def test_turtle_subjects_are_written_as_rdflib_writes_them(written):
    _, g, out = written
    ours = (out / "graph.ttl").read_text(encoding="utf-8")
    assert subject_blocks(ours) == subject_blocks(g.serialize(format="turtle"))


def test_trig_graphs_are_written_as_rdflib_writes_them(written):
    ds, _, out = written
    mine = named_graphs((out / "graph.trig").read_text(encoding="utf-8"))
    assert mine == named_graphs(ds.serialize(format="trig"))
    assert len(mine[1]) == len(sources_for_comparison())


def test_jsonld_expands_to_exactly_the_turtle_triples(written):
    """pyld and Oxigraph, two JSON-LD processors, read graph.jsonld as the very triples of graph.ttl."""
    _, g, out = written
    data = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    expanded = Dataset()
    expanded.parse(data=pyld.to_rdf(data, {"format": "application/n-quads"}), format="nquads")
    assert {(s, p, o) for s, p, o, _ in expanded.quads()} == set(Graph().parse(out / "graph.ttl")) == set(g)
    by_oxigraph = {str(q.triple) for q in ox.parse(path=str(out / "graph.jsonld"), format=ox.RdfFormat.JSON_LD)}
    assert by_oxigraph == {str(q.triple) for q in ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)}
    assert [n["@id"] for n in data["@graph"]] == sorted(n["@id"] for n in data["@graph"])


def test_a_key_always_holds_one_shape(written):
    """@set terms always hold a list, the others one value; @type is always a list of class names."""
    _, _, out = written
    data = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    context = data["@context"]
    shapes: dict[str, set[str]] = {}
    for node in data["@graph"]:
        assert isinstance(node["@type"], list) and all(":" not in t for t in node["@type"])
        for key, value in node.items():
            shapes.setdefault(key, set()).add(type(value).__name__)
            definition = context.get(key)
            if isinstance(definition, dict) and "@set" in str(definition.get("@container")):
                assert isinstance(value, list | dict), (key, value)
    assert all(len(kinds) == 1 for kinds in shapes.values()), shapes
    assert {"holdsPost", "label", "postIn", "participant", "leader", "title"} <= set(shapes)


def test_turtle_subjects_come_in_iri_order(written):
    _, _, out = written
    subjects = [line.split(" ", 1)[0][1:-1] for line in (out / "graph.ttl").read_text(encoding="utf-8").split("\n")
                if line.startswith("<")]
    assert subjects == sorted(subjects) and len(subjects) == len(set(subjects))


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1), st.sampled_from([None, "zh-Hans"]))
def test_literals_are_spelled_as_rdflib_spells_them(text, lang):
    literal = Literal(text, lang=lang)
    term = from_rdflib(literal)
    assert to_rdflib(term) == literal  # N-Triples spelling and back
    block = subject_block("https://w3id.org/officials-kg/resource/x", properties([(str(OK.text), term)]), 0)
    expected = literal._literal_n3(use_plain=True)
    assert block == f"\n<https://w3id.org/officials-kg/resource/x> ok:text {expected} .\n"


def test_failed_streaming_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "graph.ttl"
    export.write_atomic(target, "完整的旧图")
    with pytest.raises(RuntimeError), export.open_atomic(target) as f:
        f.write("半个")
        raise RuntimeError("the writer broke off")
    assert target.read_text(encoding="utf-8") == "完整的旧图"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_a_build_too_large_to_draw_gets_a_page_saying_how_to_draw_parts(tmp_path, monkeypatch):
    """Above VIEW_TRIPLE_LIMIT the whole graph is not loaded into memory for the pages."""
    from kg.pipeline import build

    result = build([Path(__file__).resolve().parents[1] / "tests" / "data" / "articles"], progress=False)
    monkeypatch.setattr(export, "VIEW_TRIPLE_LIMIT", 100)
    monkeypatch.setattr(Graph, "__init__", lambda self, *a, **k: pytest.fail("the whole graph was loaded"))
    written = export.export_all(result.quads, tmp_path)
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert f"{result.quads.union_size():,}" in page and "kg view" in page and "--focus" in page
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == page
    assert tmp_path / "graph.ttl" in written and not (tmp_path / "officials").exists()


def test_the_pages_are_drawn_from_the_spool_without_an_rdflib_graph(tmp_path, monkeypatch):
    """Under VIEW_TRIPLE_LIMIT the pages come from one pass over the sorted triples: no second graph."""
    from kg.pipeline import build

    result = build([Path(__file__).resolve().parents[1] / "tests" / "data" / "articles"], progress=False)
    monkeypatch.setattr(Graph, "__init__", lambda self, *a, **k: pytest.fail("an rdflib graph was built"))
    written = export.export_all(result.quads, tmp_path, formats=("html",))
    assert tmp_path / "graph.html" in written and any(p.parent.name == "officials" for p in written)
    assert "graph.ttl" in (tmp_path / "index.html").read_text(encoding="utf-8")  # links the files the build writes
