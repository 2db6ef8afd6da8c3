"""SHACL validation: a well-formed graph passes, and each kind of defect is caught and named.

The graphs here are written by hand with invented people and places; the seeds and the
held-out article sets are checked too (zero violations).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import rdflib_dataset, rdflib_graph
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from kg import shacl
from kg import validate as validation
from kg.cli import main
from kg.pipeline import build
from kg.quads import QuadSpool
from kg.terms import from_rdflib
from kg.validate import CYCLE_MESSAGE, Violation, validate, validate_spool
from kg.vocab import OK

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """
@base <https://w3id.org/officials-kg/resource/> .
@prefix ok: <https://w3id.org/officials-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
GOOD = PREFIXES + """
res:doc/d1 a ok:Document ; ok:sourceFile "d1.txt" .
res:evidence/d1/0-30 a ok:Evidence ; ok:text "区委书记张三丰到青山镇检查防汛工作" ; ok:startOffset 0 ; ok:endOffset 30 ;
    prov:wasDerivedFrom res:doc/d1 .
res:person/张三丰 a ok:Official ; rdfs:label "张三丰"@zh-Hans, "張三豐"@zh-Hant ; ok:holdsPost res:post/东城区委/书记 .
res:person/李四海 a ok:Official ; rdfs:label "李四海"@zh-Hans .
res:person/王五 a ok:Person ; rdfs:label "王五"@zh-Hans ; ok:role "记者" .
res:post/东城区委/书记 a ok:Post ; ok:title "书记" ; ok:postIn res:org/东城区委 ; rdfs:label "东城区委书记"@zh-Hans .
res:org/东城区委 a ok:Organization ; rdfs:label "东城区委"@zh-Hans ; ok:jurisdiction res:place/东城区 .
res:place/东城区 a ok:AdministrativeRegion ; rdfs:label "东城区"@zh-Hans .
res:place/青山镇 a ok:AdministrativeRegion ; rdfs:label "青山镇"@zh-Hans ; ok:partOf res:place/东城区 .
res:place/青山镇/东风村 a ok:AdministrativeRegion ; rdfs:label "东风村"@zh-Hans ; ok:partOf res:place/青山镇 .
res:event/d1-e1 a ok:Inspection ; rdfs:label "张三丰检查"@zh-Hans ; ok:leader res:person/张三丰 ;
    ok:participant res:person/李四海 ; ok:place res:place/青山镇 ; ok:date "2023-06-01"^^xsd:date ;
    ok:evidence res:evidence/d1/0-30 ; prov:wasDerivedFrom res:doc/d1 .
res:event/d1-e2 a ok:Meeting ; rdfs:label "李四海会议"@zh-Hans ; ok:leader res:person/李四海 ;
    ok:date "--06-02"^^xsd:gMonthDay ; ok:evidence res:evidence/d1/0-30 ; prov:wasDerivedFrom res:doc/d1 .
"""
RES = "https://w3id.org/officials-kg/resource/"


def resources(text: str) -> str:
    """res:person/张三 → <person/张三>, relative to the base: a Turtle prefixed name cannot hold '/'."""
    return re.sub(r"res:([^\s;,}]+)", r"<\1>", text)


def graph(ttl: str) -> Graph:
    return Graph().parse(data=resources(ttl), format="turtle")


def broken(update: str) -> Graph:
    g = graph(GOOD)
    prologue = PREFIXES.replace("@base", "BASE").replace("@prefix", "PREFIX").replace(" .\n", "\n")
    g.update(prologue + resources(update))
    return g


def test_the_hand_written_graph_is_well_formed() -> None:
    assert validate(graph(GOOD)) == []


CASES = [
    ("DELETE WHERE { res:person/李四海 rdfs:label ?l }", "person/李四海", "rdfs:label",
     "a person (every official too) needs a Simplified Chinese label"),
    ('DELETE DATA { res:person/张三丰 rdfs:label "张三丰"@zh-Hans }', "person/张三丰", "rdfs:label",
     "needs a Simplified Chinese label"),  # a Traditional label alone is not enough
    ("DELETE WHERE { res:place/东城区 rdfs:label ?l }", "place/东城区", "rdfs:label",
     "a place needs a Simplified Chinese label"),
    ("DELETE WHERE { res:org/东城区委 rdfs:label ?l }", "org/东城区委", "rdfs:label",
     "an organisation needs a label"),
    ("DELETE WHERE { res:post/东城区委/书记 ok:title ?t }", "post/东城区委/书记", "ok:title",
     "a post needs exactly one title"),
    ('INSERT DATA { res:post/东城区委/书记 ok:title "副书记" }', "post/东城区委/书记", "ok:title",
     "a post needs exactly one title"),
    ("DELETE WHERE { res:post/东城区委/书记 ok:postIn ?o }", "post/东城区委/书记", "ok:postIn",
     "a post needs exactly one organisation"),
    ("DELETE WHERE { res:org/东城区委 a ?c }", "post/东城区委/书记", "ok:postIn",
     "a post needs exactly one organisation (ok:postIn an ok:Organization)"),
    ("DELETE WHERE { res:event/d1-e2 a ?c }", "event/d1-e2", None, "an event needs a type"),
    ("DELETE WHERE { res:event/d1-e1 ok:leader ?p }", "event/d1-e1", "ok:leader",
     "an event needs exactly one leader"),
    ("INSERT DATA { res:event/d1-e1 ok:leader res:place/青山镇 }", "event/d1-e1", "ok:leader",
     "an event needs exactly one leader"),
    ("DELETE WHERE { res:event/d1-e1 prov:wasDerivedFrom ?d }", "event/d1-e1", "prov:wasDerivedFrom",
     "an event needs provenance"),
    ("DELETE WHERE { res:event/d1-e2 ok:evidence ?e }", "event/d1-e2", "ok:evidence",
     "an event needs evidence"),
    ("INSERT DATA { res:event/d1-e1 ok:place res:person/王五 }", "event/d1-e1", "ok:place",
     "ok:place must point to an ok:Place"),
    ('DELETE WHERE { res:event/d1-e1 ok:date ?d } ; INSERT DATA { res:event/d1-e1 ok:date "2023-06-01" }',
     "event/d1-e1", "ok:date", "a date must be a valid xsd:date"),
    ('DELETE WHERE { res:event/d1-e1 ok:date ?d } ; INSERT DATA { res:event/d1-e1 ok:date "2023-13-45"^^xsd:date }',
     "event/d1-e1", "ok:date", "a date must be a valid xsd:date"),
    ('DELETE WHERE { res:event/d1-e2 ok:date ?d } ; '
     'INSERT DATA { res:event/d1-e2 ok:date "2023-06-02T09:00:00"^^xsd:dateTime }',
     "event/d1-e2", "ok:date", "a date must be a valid xsd:date"),
    ("DELETE WHERE { res:doc/d1 ok:sourceFile ?f }", "doc/d1", "ok:sourceFile",
     "a document needs exactly one source file name"),
    ("DELETE WHERE { res:evidence/d1/0-30 ok:startOffset ?s } ; "
     "INSERT DATA { res:evidence/d1/0-30 ok:startOffset 31 }",
     "evidence/d1/0-30", "ok:startOffset", "not after its ok:endOffset"),
    ("DELETE WHERE { res:evidence/d1/0-30 ok:text ?t }", "evidence/d1/0-30", "ok:text",
     "evidence needs the text it quotes"),
]


@pytest.mark.parametrize(("update", "focus", "path", "message"), CASES)
def test_each_kind_of_violation_is_caught_and_named(update: str, focus: str, path: str | None, message: str) -> None:
    violations = validate(broken(update))  # a second leader that is a place breaks two constraints
    assert violations
    for violation in violations:
        assert violation.focus == RES + focus
        assert (violation.path, message in violation.message) == (path, True), violation


def test_a_containment_cycle_names_each_place_on_it() -> None:
    violations = validate(broken("INSERT DATA { res:place/东城区 ok:partOf res:place/青山镇/东风村 }"))
    assert {(v.focus, v.value) for v in violations} == {
        ("ok:Place", f"{label} <{RES}place/{key}>")
        for label, key in (("东城区", "东城区"), ("青山镇", "青山镇"), ("东风村", "青山镇/东风村"))
    }
    assert all("containment has a cycle" in v.message for v in violations)


def test_a_violation_reads_with_label_path_and_message() -> None:
    [violation] = validate(broken("DELETE WHERE { res:event/d1-e1 ok:leader ?p }"))
    assert str(violation) == (f"张三丰检查 <{RES}event/d1-e1> ok:leader: an event needs exactly one leader "
                              "(ok:leader an ok:Person)")


def test_validation_leaves_the_graph_as_it_was() -> None:
    g = broken("DELETE WHERE { res:event/d1-e1 ok:leader ?p }")
    before = set(g)
    validate(g)
    assert set(g) == before


@pytest.mark.slow
def test_seeds_and_held_out_sets_have_no_violations() -> None:
    inputs = [ROOT / "seeds", *sorted((ROOT / "benchmarks").glob("heldout_*")), ROOT / "tests" / "data"]
    result = build(inputs, progress=False)
    assert result.documents >= 50
    assert validate(rdflib_graph(result.quads)) == []
    assert validate(rdflib_dataset(result.quads)) == []


# --- the command line ----------------------------------------------------------------------------

def test_kg_validate_prints_violations_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    broken("DELETE WHERE { res:post/东城区委/书记 ok:postIn ?o }").serialize(path, format="turtle")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"东城区委书记 <{RES}post/东城区委/书记> ok:postIn: a post needs exactly one organisation" in result.output
    assert "Error: 1 violation of" in result.output and "Traceback" not in result.output


def test_kg_validate_passes_a_good_graph(tmp_path: Path) -> None:
    path = tmp_path / "good.ttl"
    graph(GOOD).serialize(path, format="turtle")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0 and "0 violations" in result.output


def test_kg_validate_reports_unreadable_shapes(tmp_path: Path) -> None:
    good, shapes = tmp_path / "good.ttl", tmp_path / "shapes.ttl"
    graph(GOOD).serialize(good, format="turtle")
    shapes.write_text("this is not turtle", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(good), "--shapes", str(shapes)])
    assert result.exit_code == 1 and "shapes.ttl: not readable SHACL shapes" in result.output


STRICT = PREFIXES + """
@prefix sh: <http://www.w3.org/ns/shacl#> .
<#RoleShape> a sh:NodeShape ; sh:targetClass ok:Person ;
    sh:property [ sh:path ok:role ; sh:minCount 1 ; sh:message "every person needs a role (a stricter rule)" ] .
"""
ARTICLE = "6月1日，区委书记张三丰带队到青山镇东风村检查防汛工作。区委常委、宣传部部长李四海参加检查。\n"


def test_kg_build_reports_violations_with_exit_code_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    ok = CliRunner().invoke(main, ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out")])
    assert ok.exit_code == 0 and "valid: 0 violations of shapes.ttl" in ok.output

    strict = tmp_path / "strict.ttl"
    strict.write_text(STRICT, encoding="utf-8")
    monkeypatch.setattr(validation, "SHAPES", strict)
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 4
    assert "the graph violates 2 constraints of strict.ttl" in result.output
    assert f"张三丰 <{RES}person/张三丰> ok:role: every person needs a role" in result.output
    assert (tmp_path / "out" / "graph.ttl").exists()  # written all the same

    skipped = CliRunner().invoke(main, ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o2"),
                                        "--no-validate"])
    assert skipped.exit_code == 0 and "valid:" not in skipped.output


def test_violation_str_without_label() -> None:
    assert str(Violation("ok:Place", None, None, "a cycle", "x")) == "ok:Place: a cycle (value: x)"


def test_shapes_pyshacl_cannot_use_are_a_clear_error(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PREFIXES + """@prefix sh: <http://www.w3.org/ns/shacl#> .
<#Bad> a sh:NodeShape ; sh:targetClass ok:Person ; sh:property [ sh:path ok:role ; sh:minCount "many" ] .
""", encoding="utf-8")
    with pytest.raises(validation.ValidationError, match=r"shapes\.ttl: the shapes cannot be used"):
        validate(graph(GOOD), shapes)


def test_a_graph_in_another_store_is_validated_on_a_copy() -> None:
    g = Graph(store="Oxigraph")
    for triple in broken("DELETE WHERE { res:event/d1-e1 ok:leader ?p }"):
        g.add(triple)
    assert [v.path for v in validate(g)] == ["ok:leader"]


def test_kg_build_with_unusable_shapes_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("not turtle", encoding="utf-8")
    monkeypatch.setattr(validation, "SHAPES", shapes)
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "shapes.ttl: not readable SHACL shapes" in result.output and "--no-validate" in result.output


def test_a_build_is_validated_in_chunks_of_documents_with_cycles_found_across_them() -> None:
    """validate_spool checks a few documents at a time; a cycle made by two documents is still found."""
    place = f"{RES}place/"
    doc = f"{RES}doc/"
    spool = QuadSpool()
    for name, (a, b) in {"d1": ("甲村", "乙镇"), "d2": ("乙镇", "甲村"), "d3": ("丙村", "乙镇")}.items():
        spool.add(doc + name, [
            (place + a, str(RDF.type), f"<{OK.AdministrativeRegion}>"),
            (place + a, str(RDFS.label), f'"{a}"@zh-Hans'),
            (place + a, str(OK.partOf), f"<{place + b}>"),
            (place + b, str(RDF.type), f"<{OK.AdministrativeRegion}>"),
            (place + b, str(RDFS.label), f'"{b}"@zh-Hans'),
        ])
    violations = validate_spool(spool, documents_per_chunk=1)
    assert {v.value for v in violations if v.message == CYCLE_MESSAGE} == {f"甲村 <{place}甲村>", f"乙镇 <{place}乙镇>"}
    assert all(v.message == CYCLE_MESSAGE for v in violations)  # each document is otherwise well-formed


# --- the compiled shapes report what pySHACL reports ----------------------------------------------

BREAKAGES = [case[0] for case in CASES] + [
    "INSERT DATA { res:place/东城区 ok:partOf res:place/青山镇/东风村 }",  # a cycle
    'INSERT DATA { res:person/王五 rdfs:label "王五五"@zh-Hans, "Wang"@en ; ok:holdsPost res:org/东城区委 }',
    "DELETE WHERE { res:event/d1-e1 ?p ?o } ; DELETE WHERE { res:place/青山镇 a ?c }",
    'INSERT DATA { res:evidence/d1/0-30 ok:startOffset "7" ; ok:endOffset 3 }',
    'INSERT DATA { res:doc/d2 a ok:Document . res:event/d1-e2 ok:date "--13-02"^^xsd:gMonthDay }',
]


@pytest.mark.parametrize("update", BREAKAGES)
def test_compiled_shapes_report_the_same_violations_as_pyshacl(update: str) -> None:
    g = broken(update)
    assert validate(g) == validation.validate_pyshacl(g)


def test_a_build_spool_reports_the_same_violations_as_pyshacl_on_its_graph() -> None:
    """Streamed over a build's sorted triples, with defects spread over two documents."""
    g = broken("DELETE WHERE { res:event/d1-e1 ok:leader ?p } ; "
               "INSERT DATA { res:place/东城区 ok:partOf res:place/青山镇 . res:event/d1-e2 ok:place res:person/王五 }")
    spool = QuadSpool()
    triples = sorted((str(s), str(p), from_rdflib(o)) for s, p, o in g)
    half = len(triples) // 2
    spool.add(RES + "doc/a", triples[:half])
    spool.add(RES + "doc/b", triples[half - 10:])
    expected = validation.validate_pyshacl(g)
    assert len(expected) == 4 and validate_spool(spool) == expected


def test_shapes_with_a_feature_the_compiler_lacks_go_to_pyshacl(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PREFIXES + """@prefix sh: <http://www.w3.org/ns/shacl#> .
<#Names> a sh:NodeShape ; sh:targetClass ok:Person ;
    sh:property [ sh:path rdfs:label ; sh:minLength 4 ; sh:message "a label of four characters or more" ] .
""", encoding="utf-8")
    with pytest.raises(shacl.UnsupportedError, match="minLength"):
        shacl.load(shapes, validation.ONTOLOGY)
    violations = validate(graph(GOOD), shapes)
    assert {v.label for v in violations} == {"张三丰", "李四海", "王五"}
    assert all(v.message == "a label of four characters or more" for v in violations)
