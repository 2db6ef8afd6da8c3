"""The README's examples do what it says: the plain-`json` reading of graph.jsonld runs (no RDF library)
and prints every post of every official, as SPARQL finds them."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

from conftest import query_rows

from kg import query

README = Path(__file__).resolve().parents[1] / "README.md"
POSTS = """SELECT ?official ?title ?org WHERE {
  ?p a ok:Official ; rdfs:label ?official ; ok:holdsPost ?post . ?post ok:title ?title ; ok:postIn/rdfs:label ?org
  FILTER(langMatches(lang(?official), "zh-Hans") && langMatches(lang(?org), "zh-Hans")) }"""


def example(name: str) -> str:
    """The code block after ``<!-- example: NAME … -->`` in the README."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- example: {re.escape(name)}\b.*?-->\s*```\w*\n(.*?)```", text, re.S)
    assert found, f"README.md has no example {name!r}"
    return found.group(1)


def test_the_plain_json_example_reads_officials_and_posts(fixture_build, tmp_path):
    (tmp_path / "output").symlink_to(fixture_build)
    code = example("json-ld")
    assert "rdflib" not in code and "pyld" not in code and "oxigraph" not in code
    printed = io.StringIO()
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    finally:
        os.chdir(here)
    lines = sorted(printed.getvalue().splitlines())
    expected = sorted(f"{r['official']} {r['title']} {r['org']}"
                      for r in query_rows(query.open_database(fixture_build), POSTS))
    assert lines == expected and "欧阳明远 书记 青川县委" in lines and len(lines) == 7
