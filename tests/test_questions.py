"""Every shipped question on the hand-written fixture graph (tests/data/fixture/graph.trig: invented names,
no extraction), with the rows it must give, run on every kind of target: the graph file, the output
directory and the store give the same rows, byte for byte (test_sparql_parity.py runs harder queries)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import query_rows
from rdflib import Graph

from kg import query, questions
from kg.cli import main

TARGETS = ("graph.ttl", ".", "store")  # a graph file, the output directory (its graph.trig), the store


@pytest.fixture(scope="module")
def databases(fixture_build):
    return {target: query.open_database(fixture_build / target) for target in TARGETS}


def ask(databases, name: str, **params: str) -> list[dict[str, str]]:
    """The question's rows as {variable: value}, after checking that every target gives the same answer."""
    question = questions.resolve(name)
    bindings = question.bindings(params)
    answers = {target: query.execute(db, question.text, "json", bindings=bindings).text
               for target, db in databases.items()}
    assert len(set(answers.values())) == 1, answers
    return query_rows(databases["store"], question.text, bindings)


def column(rows, name):
    return [r.get(name, "") for r in rows]


def test_officials_of_org_by_label_or_full_name(databases):
    rows = ask(databases, "officials-of-org", org="青川县委")
    assert [(r["official"], r["title"]) for r in rows] == [("欧阳明远", "书记"), ("司马清和", "副书记"),
                                                            ("上官文澜", "常委")]  # by title, as written
    assert ask(databases, "officials-of-org", org="中共青川县委员会") == rows
    assert ask(databases, "officials-of-org", org="青川县人民政府") == [{"official": "司马清和", "title": "县长"}]


def test_officials_in_jurisdiction_follow_part_of_down(databases):
    rows = ask(databases, "officials-in-jurisdiction", place="四川省")
    assert [(r["official"], r["title"], r["organisation"], r["jurisdiction"]) for r in rows] == [
        ("诸葛秋实", "书记", "广元市委", "广元市"), ("欧阳明远", "书记", "青川县委", "青川县"),
        ("司马清和", "副书记", "青川县委", "青川县"), ("上官文澜", "常委", "青川县委", "青川县"),
        ("司马清和", "县长", "青川县政府", "青川县")]
    assert ask(databases, "officials-in-jurisdiction", place="青川县") == rows[1:]  # the city's party secretary not
    assert column(ask(databases, "officials-in-jurisdiction", place="云岭省"), "official") == ["令狐青松"]


def test_posts_of_person_with_sources_and_a_traditional_name(databases):
    rows = ask(databases, "posts-of-person", person="司马清和")
    assert [(r["title"], r["organisation"], r["jurisdiction"], r["sources"]) for r in rows] == [
        ("副书记", "青川县委", "青川县", "qc_01.txt"), ("县长", "青川县政府", "青川县", "qc_01.txt")]
    both = ask(databases, "posts-of-person", person="欧阳明远")
    assert len(both) == 1 and sorted(both[0]["sources"].split()) == ["qc_01.txt", "qc_02.txt"]
    # a Traditional spelling finds the person; an organisation with no jurisdiction leaves it empty
    assert ask(databases, "posts-of-person", person="慕容秋實") == [
        {"title": "部长", "organisation": "青川县委宣传部", "sources": "qc_03.txt"}]


def test_visitors_of_a_place_and_what_lies_inside_it(databases):
    rows = ask(databases, "visitors-of-place", place="石泉镇")
    assert {(r["visitor"], r["role"], r["visited"], r["date"]) for r in rows} == {
        ("欧阳明远", "leader", "石泉镇", "2023-05-08"), ("欧阳明远", "leader", "杏花村", "2023-05-08"),
        ("司马清和", "participant", "石泉镇", "2023-05-08"), ("司马清和", "participant", "杏花村", "2023-05-08"),
        ("上官文澜", "participant", "石泉镇", "2023-05-08"), ("上官文澜", "participant", "杏花村", "2023-05-08"),
        ("诸葛秋实", "leader", "石泉镇", "2023-06-01"), ("欧阳明远", "participant", "石泉镇", "2023-06-01"),
        ("司马清和", "participant", "石泉镇", "2023-06-01"),
        ("慕容秋实", "leader", "杏花村", "--12-30"), ("上官文澜", "participant", "杏花村", "--12-30")}
    assert column(rows, "visitor") == sorted(column(rows, "visitor"))  # ORDER BY ?visitor
    village = ask(databases, "visitors-of-place", place="杏花村")
    assert set(column(village, "visitor")) == {"欧阳明远", "司马清和", "上官文澜", "慕容秋实"}


@pytest.mark.parametrize("first, last, leaders", [
    ("2023-03-01", "2023-05-31", ["司马清和", "欧阳明远"]),  # --03-29 takes its article's year, 2023
    ("2023-06-01", "2023-06-01", ["诸葛秋实"]),
    ("2022-12-01", "2023-01-31", ["慕容秋实", "令狐青松"]),  # --12-30 has no year at all: month and day decide
    ("2021-01-01", "2021-12-31", ["慕容秋实"]),
    ("2020-01-01", "2024-12-31", ["慕容秋实", "令狐青松", "司马清和", "欧阳明远", "诸葛秋实"]),
    ("2024-01-01", "2024-02-01", []),
])
def test_events_in_range(databases, first, last, leaders):
    rows = ask(databases, "events-in-range", **{"from": first, "to": last})
    assert column(rows, "leader") == leaders


def test_events_in_range_take_the_year_of_publication(tmp_path):
    ttl = tmp_path / "g.ttl"
    ttl.write_text("""
        @prefix ok: <https://w3id.org/officials-kg/ontology#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:d> ok:sourceFile "a.txt" ; ok:published "2023-05-02T08:00:00"^^xsd:dateTime .
        <urn:e> rdfs:label "王五星检查"@zh-Hans ; ok:leader <urn:p> ; ok:date "--03-29"^^xsd:gMonthDay ;
            prov:wasDerivedFrom <urn:d> .
        <urn:p> rdfs:label "王五星"@zh-Hans .
        """, encoding="utf-8")
    database, question = query.open_database(ttl), questions.resolve("events-in-range")
    march = question.bindings({"from": "2023-03-01", "to": "2023-03-31"})
    assert [(r["day"], r["date"]) for r in query_rows(database, question.text, march)] == [("2023-03-29", "--03-29")]
    a_year_before = question.bindings({"from": "2022-03-01", "to": "2022-03-31"})
    assert query_rows(database, question.text, a_year_before) == []


def test_co_participants(databases):
    rows = ask(databases, "co-participants", person="欧阳明远")
    assert [(r["other"], r["events"]) for r in rows] == [("司马清和", "2"), ("上官文澜", "1"), ("令狐青松", "1"),
                                                         ("诸葛秋实", "1")]
    assert [(r["other"], r["events"]) for r in ask(databases, "co-participants", person="上官文澜")] == [
        ("司马清和", "2"), ("慕容秋实", "1"), ("欧阳明远", "1")]


def test_places_visited_ranked(databases):
    rows = ask(databases, "places-visited", person="欧阳明远")
    assert [(r["visited"], r["within"], r["visits"]) for r in rows] == [
        ("石泉镇", "青川县", "2"), ("杏花村", "石泉镇", "1"), ("金沙市", "云岭省", "1"),
        ("青川县人民医院", "青川县", "1")]


def test_mentions_point_at_the_evidence(databases):
    rows = ask(databases, "mentions-of-person", person="司马清和")
    assert [(r["file"], r["start"], r["end"]) for r in rows] == [
        ("qc_01.txt", "20", "62"), ("qc_01.txt", "40", "52"), ("qc_01.txt", "70", "95"), ("qc_02.txt", "0", "48")]
    assert rows[2]["text"].endswith('\n会议强调："抓实"')  # escapes come back as written
    hant = ask(databases, "mentions-of-person", person="慕容秋實")
    assert {(r["file"], r["start"], r["end"]) for r in hant} == {("qc_03.txt", "0", "9"), ("qc_03.txt", "0", "30")}


def test_every_shipped_question_is_tested_here():
    source = Path(__file__).read_text(encoding="utf-8")
    assert [name for name in questions.catalogue() if f'ask(databases, "{name}"' not in source] == []


def test_a_parameter_value_cannot_change_the_query(databases):
    sneaky = 'x"@zh-Hans) } ?who ?p ?o . } #'
    assert ask(databases, "posts-of-person", person=sneaky) == []


@pytest.mark.parametrize("params, message", [
    ({}, "officials-of-org needs --param org=… (org: the organisation's label or full name, e.g. 东城区委)"),
    ({"org": "x", "place": "y"}, "officials-of-org: no parameter place (its parameters: org)"),
    ({"org": "  "}, "parameter org is empty"),
])
def test_parameter_errors_say_what_is_expected(params, message):
    with pytest.raises(questions.QuestionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        questions.resolve("officials-of-org").bindings(params)


def test_a_bad_date_is_named():
    with pytest.raises(questions.QuestionError, match="from='2023-13-01': not a date; write YYYY-MM-DD"):
        questions.resolve("events-in-range").bindings({"from": "2023-13-01", "to": "2023-12-31"})


def test_parameters_become_terms_not_text():
    bindings = questions.resolve("events-in-range").bindings({"from": "2023-01-01", "to": "2023-12-31"})
    assert bindings["from"] == '"2023-01-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert questions.resolve("posts-of-person").bindings({"person": ' 歐陽"明遠 '}) == {
        "person": '"欧阳\\"明远"@zh-Hans'}


def test_every_question_has_a_title_description_and_examples():
    for q in questions.catalogue().values():
        assert q.title != q.name and q.description and q.parameters
        assert all(p.meaning and p.example for p in q.parameters)
        q.bindings({p.name: p.example for p in q.parameters})  # the examples are valid values


# --- the command line


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_list_shows_every_question_with_its_parameters(fixture_build):
    result = run("query", str(fixture_build), "--list")
    assert result.exit_code == 0
    for q in questions.catalogue().values():
        assert f"{q.name} — {q.title}" in result.output and q.usage() in result.output


def test_cli_runs_a_question_on_a_store(fixture_build):
    result = run("query", str(fixture_build / "store"), "officials-of-org", "--param", "org=青川县委",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["official", "title"]
    assert data["results"]["bindings"][0]["official"] == {"type": "literal", "value": "欧阳明远", "xml:lang": "zh-hans"}


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
@pytest.mark.parametrize("name, params", [("officials-in-jurisdiction", ["-p", "place=四川省"]),
                                          ("events-in-range", ["-p", "from=2020-01-01", "-p", "to=2024-12-31"]),
                                          ("visitors-of-place", ["-p", "place=石泉镇"])])
def test_cli_prints_the_same_from_every_target(fixture_build, name, params, fmt):
    outputs = {run("query", str(fixture_build / target), name, *params, "--format", fmt).output
               for target in (*TARGETS, "graph.trig", "graph.jsonld")}
    assert len(outputs) == 1 and "欧阳明远" in outputs.pop()


@pytest.mark.parametrize("target", TARGETS)
def test_cli_ask_and_construct_on_every_target(fixture_build, target):
    ask_result = run("query", str(fixture_build / target), "ASK { ?o ok:postIn ?org }")
    assert ask_result.exit_code == 0 and ask_result.output == "yes\n"
    construct = run("query", str(fixture_build / target), "CONSTRUCT { ?p rdfs:label ?n } "
                    'WHERE { ?p ok:holdsPost ?x ; rdfs:label ?n FILTER(?n = "欧阳明远"@zh-Hans) }')
    assert construct.exit_code == 0, construct.output
    graph = Graph().parse(data=construct.output, format="turtle")
    assert {str(o) for o in graph.objects()} == {"欧阳明远"}


def test_cli_table_aligns_wide_characters(fixture_build):
    result = run("query", str(fixture_build / "graph.ttl"), "officials-in-jurisdiction", "-p", "place=青川县")
    lines = result.output.splitlines()[2:-1]
    widths = {query._width(line.split("  ")[0].rstrip()) for line in lines}
    starts = {query._width(line[:line.index(line.split()[1])]) for line in lines}
    assert widths == {8} and len(starts) == 1  # every second column starts at the same screen column


def test_cli_user_rq_file_with_a_parameter(fixture_build, tmp_path):
    rq = tmp_path / "titles.rq"
    rq.write_text("# title: Titles in an organisation\n# param: org — an organisation (东城区委)\n"
                  "SELECT DISTINCT ?title WHERE {\n  ?o rdfs:label ?org . ?post ok:postIn ?o ; ok:title ?title .\n}"
                  " ORDER BY ?title\n", encoding="utf-8")
    result = run("query", str(fixture_build), str(rq), "-p", "org=青川县委", "--format", "csv")
    assert result.output.splitlines() == ["title", "书记", "副书记", "常委"]


@pytest.mark.parametrize("target", TARGETS)
def test_cli_syntax_errors_name_line_and_column_on_every_target(fixture_build, target):
    result = run("query", str(fixture_build / target), "SELECT ?x WHERE {\n  ?x ?y }")
    assert result.exit_code == 1 and "line 2, column" in result.output and "Traceback" not in result.output


def test_cli_unknown_question_lists_the_known_ones(fixture_build):
    result = run("query", str(fixture_build), "officials-of-city")
    assert result.exit_code == 1 and "no shipped question 'officials-of-city'" in result.output
    assert "officials-of-org" in result.output


def test_cli_missing_parameter(fixture_build):
    result = run("query", str(fixture_build), "posts-of-person")
    assert result.exit_code == 1 and "needs --param person=…" in result.output


def test_a_store_is_an_rdflib_graph_for_python_users(fixture_build):
    from_store, from_file = query.load_graph(fixture_build / "store"), query.load_graph(fixture_build)
    assert isinstance(from_store, Graph) and len(from_store) == len(from_file) > 250


def test_cli_without_a_query_says_what_to_give(fixture_build):
    result = run("query", str(fixture_build))
    assert result.exit_code == 2 and "give a question name, a .rq file or SPARQL text" in result.output


def test_cli_parameter_for_a_query_that_declares_none(fixture_build):
    result = run("query", str(fixture_build), "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "-p", "org=x")
    assert result.exit_code == 1 and "no parameter org (its parameters: none)" in result.output
    result = run("query", str(fixture_build), "officials-of-org", "-p", "org")
    assert result.exit_code == 2 and "write NAME=VALUE" in result.output
