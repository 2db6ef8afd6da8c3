"""Every shipped question, run on the seeds through both engines (rdflib on graph.ttl, Oxigraph on the
store), must give the same rows, and the rows asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import query, questions
from kg.cli import main
from kg.load import load

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seeds_dir(seeds_build):
    return seeds_build


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    return {"file": query.load_graph(seeds_dir / "graph.ttl"), "store": query.load_graph(seeds_dir / "store"),
            "store_dir": seeds_dir / "store"}


def ask(seeds, name: str, **params: str) -> list[dict[str, str]]:
    """The question's rows as dicts of strings, after checking that every way of running it agrees: rdflib
    on graph.ttl, rdflib on the store (oxrdflib) and `kg query`'s path on the store (Oxigraph's own terms)."""
    question = questions.resolve(name)
    bindings = question.bindings(params)
    answers = []
    for result in (query.run(seeds["file"], question.text, bindings),
                   query.run(seeds["store"], question.text, bindings),
                   query.answer(seeds["store_dir"], question.text, bindings)):
        answers.append([dict(zip(map(str, result.vars), map(query.cell, row), strict=True)) for row in result])
    assert answers[0] == answers[1] == answers[2]
    return answers[0]


def column(rows, name):
    return [r[name] for r in rows]


def test_officials_of_org(seeds):
    rows = ask(seeds, "officials-of-org", org="仓山区委")
    assert {(r["official"], r["title"]) for r in rows} >= {("郑子记", "书记"), ("黄翔", "副书记"), ("余垂霄", "常委")}
    assert len(rows) == 9 and column(rows, "title").count("常委") == 7
    # the full name works as well as the short label
    assert ask(seeds, "officials-of-org", org="中共福建省委员会") == [{"official": "尹力", "title": "书记"}]


def test_officials_in_jurisdiction_follow_part_of_down(seeds):
    rows = ask(seeds, "officials-in-jurisdiction", place="福建省")
    names = set(column(rows, "official"))
    assert {"郭锡文", "梁伟新"} <= names  # 宁德市 (the 宁德 article)
    assert {"赵龙", "尹力"} <= names  # 福建省 itself (the 泉州 article)
    assert {"叶其发", "郭宋玉"} <= names  # 福安市 and 柘荣县, two levels down
    assert {"郑子记", "阮锋"} <= names  # 仓山区, under 福州市
    assert not names & {"曹慧泉", "王宁岗"}  # 株洲 and 商洛 are elsewhere
    assert set(column(rows, "jurisdiction")) == {"福建省", "宁德市", "福安市", "柘荣县", "仓山区"}
    below = ask(seeds, "officials-in-jurisdiction", place="宁德市")
    assert set(column(below, "official")) == names - {"赵龙", "尹力"} - set(
        column(ask(seeds, "officials-in-jurisdiction", place="仓山区"), "official"))


def test_posts_of_person(seeds):
    rows = ask(seeds, "posts-of-person", person="陈文卿")
    assert [(r["title"], r["organisation"], r["jurisdiction"]) for r in rows] == [
        ("常委", "福安市委", "福安市"), ("常务副市长", "福安市政府", "福安市"),
        ("指挥长", "福安市防控指挥部", "福安市")]
    assert set(column(rows, "sources")) == {"004_fc1e19837d751d56.txt"}
    # a Traditional spelling finds the same person
    assert ask(seeds, "posts-of-person", person="趙龍") == ask(seeds, "posts-of-person", person="赵龙") == [
        {"title": "省长", "organisation": "福建省政府", "jurisdiction": "福建省",
         "sources": "002_841993cef88b7c39.txt"}]


def test_visitors_of_a_place_and_what_lies_inside_it(seeds):
    rows = ask(seeds, "visitors-of-place", place="晋江市")
    assert {(r["visitor"], r["role"]) for r in rows} == {("赵龙", "leader"), ("刘建洋", "participant"),
                                                         ("李德金", "participant")}
    assert set(column(rows, "visited")) == {"晋江市", "东山村", "横坂村"}  # villages two levels inside
    assert set(column(rows, "date")) == {"--03-29"}
    village = ask(seeds, "visitors-of-place", place="东山村")
    assert set(column(village, "visitor")) == {"赵龙", "刘建洋", "李德金"}


@pytest.mark.parametrize("first, last, leaders", [
    ("2022-03-01", "2022-04-30", ["赵龙", "夏启宗"]),  # --03-29 has no year: month and day decide
    ("2022-04-10", "2022-04-10", ["夏启宗"]),
    ("2021-04-01", "2021-04-30", []),  # 2022-04-10 is a year later
    ("2021-12-01", "2022-02-10", ["郭锡文", "梁伟新", "叶其发", "叶其发", "郭宋玉"]),  # across new year
    ("2020-06-01", "2022-12-31", ["郭锡文", "梁伟新", "叶其发", "叶其发", "郭宋玉", "赵龙", "夏启宗", "曹慧泉"]),
])
def test_events_in_range(seeds, first, last, leaders):
    rows = ask(seeds, "events-in-range", **{"from": first, "to": last})
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
    graph, question = query.load_graph(ttl), questions.resolve("events-in-range")
    march = question.bindings({"from": "2023-03-01", "to": "2023-03-31"})
    assert [(str(r["day"]), str(r["date"])) for r in query.run(graph, question.text, march)] == [
        ("2023-03-29", "--03-29")]
    a_year_before = question.bindings({"from": "2022-03-01", "to": "2022-03-31"})
    assert list(query.run(graph, question.text, a_year_before)) == []


def test_co_participants(seeds):
    rows = ask(seeds, "co-participants", person="叶其发")
    assert {r["other"]: r["events"] for r in rows} == {"王宫": "1", "阮志勇": "1", "陈文卿": "1", "黄凌": "1",
                                                       "章斌杰": "1"}
    assert set(column(ask(seeds, "co-participants", person="刘建洋"), "other")) == {"赵龙", "李德金"}


def test_places_visited_ranked(seeds):
    rows = ask(seeds, "places-visited", person="李久敏")
    assert rows[0]["visited"] == "毛胡子烧烤封控区" and rows[0]["visits"] == "1"
    many = ask(seeds, "places-visited", person="曹慧泉")
    assert len(many) == 8 and {"金色荷塘小区", "荷叶一村"} <= set(column(many, "visited"))
    assert {r["within"] for r in many if r["visited"] == "荷叶一村"} == {"龙泉街道"}


def test_mentions_point_at_the_source_text(seeds):
    rows = ask(seeds, "mentions-of-person", person="赵龙")
    assert column(rows, "file") == ["002_841993cef88b7c39.txt"]
    raw = load(SEEDS / "002_841993cef88b7c39.txt")[0].raw
    for r in rows:
        assert raw[int(r["start"]):int(r["end"])] == r["text"] and "趙龍" in r["text"]
    files = set(column(ask(seeds, "mentions-of-person", person="陈文卿"), "file"))
    assert files == {"004_fc1e19837d751d56.txt"}


def test_every_shipped_question_is_tested_here():
    source = Path(__file__).read_text(encoding="utf-8")
    assert [name for name in questions.catalogue() if f'ask(seeds, "{name}"' not in source] == []


def test_a_parameter_value_cannot_change_the_query(seeds):
    sneaky = 'x"@zh-Hans) } ?who ?p ?o . } #'
    assert ask(seeds, "posts-of-person", person=sneaky) == []


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


def test_every_question_has_a_title_description_and_examples():
    for q in questions.catalogue().values():
        assert q.title != q.name and q.description and q.parameters
        assert all(p.meaning and p.example for p in q.parameters)
        q.bindings({p.name: p.example for p in q.parameters})  # the examples are valid values


# --- the command line


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_list_shows_every_question_with_its_parameters(seeds_dir):
    result = run("query", str(seeds_dir), "--list")
    assert result.exit_code == 0
    for q in questions.catalogue().values():
        assert f"{q.name} — {q.title}" in result.output and q.usage() in result.output


def test_cli_runs_a_question_on_a_store(seeds_dir):
    result = run("query", str(seeds_dir / "store"), "officials-of-org", "--param", "org=仓山区委", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["official", "title"]
    assert {"type": "literal", "value": "郑子记", "xml:lang": "zh-hans"} in [b["official"] for b in
                                                                          data["results"]["bindings"]]


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
@pytest.mark.parametrize("name, param", [("officials-in-jurisdiction", "place=福建省"),
                                         ("events-in-range", "from=2021-12-01"), ("visitors-of-place", "place=晋江市")])
def test_cli_prints_the_same_from_a_store_as_from_the_file(seeds_dir, name, param, fmt):
    extra = ["-p", "to=2022-12-31"] if name == "events-in-range" else []
    outputs = [run("query", str(seeds_dir / target), name, "-p", param, *extra, "--format", fmt).output
               for target in ("graph.ttl", "store")]
    assert outputs[0].count("\n") > 4
    if fmt == "json":  # Oxigraph writes language tags in lower case (zh-hans), as RDF 1.1 allows
        outputs[0] = outputs[0].replace('"zh-Hans"', '"zh-hans"')
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("target", ["graph.ttl", "store"])
def test_cli_ask_and_construct_on_both_engines(seeds_dir, target):
    ask_result = run("query", str(seeds_dir / target), "ASK { ?o ok:postIn ?org }")
    assert ask_result.exit_code == 0 and ask_result.output == "yes\n"
    construct = run("query", str(seeds_dir / target), "CONSTRUCT { ?p rdfs:label ?n } "
                    'WHERE { ?p ok:holdsPost ?x ; rdfs:label ?n FILTER(?n = "赵龙"@zh-Hans) }')
    assert construct.exit_code == 0, construct.output
    graph = Graph().parse(data=construct.output, format="turtle")
    assert {str(o) for o in graph.objects()} == {"赵龙"}


def test_cli_table_aligns_wide_characters(seeds_dir):
    result = run("query", str(seeds_dir / "graph.ttl"), "officials-in-jurisdiction", "-p", "place=宁德市")
    lines = result.output.splitlines()[2:-1]
    widths = {query._width(line.split("  ")[0].rstrip()) for line in lines}
    starts = {query._width(line[:line.index(line.split()[1])]) for line in lines}
    assert widths == {6} and len(starts) == 1  # every second column starts at the same screen column


def test_cli_user_rq_file_with_a_parameter(seeds_dir, tmp_path):
    rq = tmp_path / "titles.rq"
    rq.write_text("# title: Titles in an organisation\n# param: org — an organisation (东城区委)\n"
                  "SELECT DISTINCT ?title WHERE {\n  ?o rdfs:label ?org . ?post ok:postIn ?o ; ok:title ?title .\n}"
                  " ORDER BY ?title\n", encoding="utf-8")
    result = run("query", str(seeds_dir), str(rq), "-p", "org=宁德市委", "--format", "csv")
    assert result.output.splitlines() == ["title", "书记", "常委", "秘书长"]


@pytest.mark.parametrize("target", ["graph.ttl", "store"])
def test_cli_syntax_errors_name_line_and_column_on_both_engines(seeds_dir, target):
    result = run("query", str(seeds_dir / target), "SELECT ?x WHERE {\n  ?x ?y }")
    assert result.exit_code == 1 and "line 2, column" in result.output and "Traceback" not in result.output


def test_cli_unknown_question_lists_the_known_ones(seeds_dir):
    result = run("query", str(seeds_dir), "officials-of-city")
    assert result.exit_code == 1 and "no shipped question 'officials-of-city'" in result.output
    assert "officials-of-org" in result.output


def test_cli_missing_parameter(seeds_dir):
    result = run("query", str(seeds_dir), "posts-of-person")
    assert result.exit_code == 1 and "needs --param person=…" in result.output


def test_store_graph_is_an_rdflib_graph(seeds):
    assert isinstance(seeds["store"], Graph) and len(seeds["store"]) == len(seeds["file"])


def test_cli_without_a_query_says_what_to_give(seeds_dir):
    result = run("query", str(seeds_dir))
    assert result.exit_code == 2 and "give a question name, a .rq file or SPARQL text" in result.output


def test_cli_parameter_for_a_query_that_declares_none(seeds_dir):
    result = run("query", str(seeds_dir), "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "-p", "org=x")
    assert result.exit_code == 1 and "no parameter org (its parameters: none)" in result.output
    result = run("query", str(seeds_dir), "officials-of-org", "-p", "org")
    assert result.exit_code == 2 and "write NAME=VALUE" in result.output
