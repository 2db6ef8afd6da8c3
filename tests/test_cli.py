"""The kg command as a user meets it: summaries, exit codes, errors that name the file and the fix."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main

ARTICLE = (
    "东城区领导检查防汛工作\n"
    "2023-06-02 09:00:00  来源:东城新闻网\n\n"
    "6月1日，区委书记张三丰带队到青山镇东风村检查防汛工作，看望慰问一线人员。"
    "区委常委、宣传部部长李四海参加检查。\n"
    "张三丰强调，要压实责任。\n"
)


@pytest.fixture()
def corpus(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "b.txt").write_bytes(ARTICLE.replace("6月1日", "6月2日").encode("gb18030"))
    return src


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_build_writes_outputs_and_prints_summary(corpus, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(corpus), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "2 documents" in result.output and "officials" in result.output and "triples" in result.output
    for name in ("graph.ttl", "graph.jsonld", "graph.trig", "graph.html"):
        assert (out / name).stat().st_size > 0


def test_build_names_a_bad_file_and_still_builds_the_rest(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out)])
    assert result.exit_code == 3
    assert "empty.txt" in result.output
    assert "2 documents" in result.output
    assert (out / "graph.ttl").exists()


def test_build_missing_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["build", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "no such file or directory" in result.output and "nope" in result.output


@pytest.fixture()
def graph_dir(corpus, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(corpus), "--out", str(out), "--quiet").exit_code == 0
    return out


QUERY = ('SELECT ?name WHERE { ?p a ok:Official ; rdfs:label ?name FILTER(langMatches(lang(?name), "zh-Hans")) } '
         'ORDER BY ?name')


def test_query_table_lists_officials(graph_dir):
    result = run("query", str(graph_dir), QUERY)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].strip() == "name"
    assert "张三丰" in result.output and "李四海" in result.output
    assert "(2 rows)" in result.output


@pytest.mark.parametrize("fmt, check", [
    ("csv", lambda out: out.splitlines()[0] == "name" and "张三丰" in out),
    ("tsv", lambda out: out.splitlines()[0] == "?name" and '"张三丰"@zh-hans' in out),
    ("json", lambda out: json.loads(out)["head"]["vars"] == ["name"]),
])
def test_query_formats(graph_dir, fmt, check):
    result = run("query", str(graph_dir / "graph.ttl"), QUERY, "--format", fmt)
    assert result.exit_code == 0 and check(result.output)


def test_a_lang_comparison_in_capitals_gets_a_hint(graph_dir):
    result = CliRunner().invoke(main, ["query", str(graph_dir), QUERY.replace('langMatches(lang(?name), "zh-Hans")',
                                                                            'lang(?name) = "zh-Hans"')])
    assert result.exit_code == 0 and "(0 rows)" in result.output
    assert 'note: lang() gives language tags in lower case ("zh-hans")' in result.output
    assert 'write langMatches(lang(?x), "zh-Hans")' in result.output
    assert "note:" not in run("query", str(graph_dir), QUERY).output


def test_query_from_rq_file(graph_dir, tmp_path):
    rq = tmp_path / "officials.rq"
    rq.write_text(QUERY, encoding="utf-8")
    result = run("query", str(graph_dir), str(rq), "--format", "csv")
    assert result.output.splitlines()[1:] == ["张三丰", "李四海"]


def test_query_syntax_error_reports_line_and_column(graph_dir):
    result = CliRunner().invoke(main, ["query", str(graph_dir), "SELECT ?x WHERE {\n  ?x ?y }"])
    assert result.exit_code == 1
    assert "line 2" in result.output and "column" in result.output
    assert "Traceback" not in result.output


def test_query_on_missing_graph_says_how_to_build(tmp_path):
    result = CliRunner().invoke(main, ["query", str(tmp_path), QUERY])
    assert result.exit_code == 1 and "kg build" in result.output


def test_eval_reports_bad_gold_file(graph_dir, tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--gold", str(gold), str(graph_dir)])
    assert result.exit_code == 1 and "gold.json" in result.output


@pytest.mark.parametrize("command", ["build", "query", "eval", "validate", "serve", "push", "view", "stats"])
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: kg " + command in result.output


def test_query_a_trig_file_sees_every_named_graph(graph_dir):
    result = run("query", str(graph_dir / "graph.trig"), QUERY, "--format", "csv")
    assert result.output.splitlines()[1:] == ["张三丰", "李四海"]


def test_build_without_articles_says_what_it_looked_for(tmp_path):
    (tmp_path / "notes.md").write_text("# 说明", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert ".txt, .html, .htm or .jsonl" in result.output and not (tmp_path / "out").exists()
