"""Fast start: each command imports only what it uses (measured in a fresh interpreter), and
`kg build --timings` says where a build's time went."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.choices import QUERY_FORMATS
from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("networkx", "rdflib", "pyvis", "IPython", "pyshacl", "numpy", "igraph", "jieba", "pyoxigraph")
ARTICLE = "6月1日，区委书记张三丰带队到青山镇东风村检查防汛工作。区委常委、宣传部部长李四海参加检查。\n"


def imported_by(*args: str) -> set[str]:
    """The heavy top-level packages a fresh `kg ARGS` process has imported when it ends."""
    code = ("import sys\nfrom kg.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print('imported:' + ','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("imported:"))
    return set(filter(None, line.removeprefix("imported:").split(",")))


def test_help_imports_nothing_heavy() -> None:
    assert imported_by("--help") == set()


def test_build_imports_neither_pyvis_ipython_nor_pyshacl(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    used = imported_by("build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "-q")
    assert {"networkx", "igraph"} <= used  # pages
    assert not used & {"pyvis", "IPython", "pyshacl", "jieba"}  # jieba's word list is read as data
    assert (tmp_path / "out" / "graph.html").exists()


def test_pages_figures_and_validation_do_not_import_numpy(tmp_path: Path) -> None:
    """igraph.Graph imports numpy (0.15 s) whenever it is made; the pages use igraph's C GraphBase."""
    code = ("import sys\nfrom pathlib import Path\nfrom rdflib import Graph\nfrom kg.view import write_site\n"
            "from kg.validate import validate\n"
            f"g = Graph().parse({str(ROOT / 'tests' / 'data' / 'view' / 'small.ttl')!r})\n"
            f"write_site(g, Path({str(tmp_path)!r}))\nvalidate(g)\n"
            "print('imported:' + ','.join(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'pyvis', "
            "'IPython', 'pyshacl'})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "imported:"
    assert (tmp_path / "graph.html").exists() and (tmp_path / "stats.json").exists()


def test_query_imports_no_graph_or_page_libraries() -> None:
    used = imported_by("query", str(ROOT / "tests" / "data" / "view" / "small.ttl"), "ASK { ?s ?p ?o }")
    assert not used & {"networkx", "pyvis", "IPython", "pyshacl", "numpy", "igraph", "jieba"}


def test_the_query_format_choices_are_the_formats_kg_query_has() -> None:
    from kg import query

    assert sorted(QUERY_FORMATS) == sorted([*query.SOLUTION_FORMATS, *query.GRAPH_FORMATS])


def test_build_writes_its_stage_timings(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    timings = tmp_path / "timings.json"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"),
                                       "--timings", str(timings)])
    assert result.exit_code == 0, result.output
    recorded = json.loads(timings.read_text(encoding="utf-8"))
    assert recorded["documents"] == 1 and recorded["characters"] == len(ARTICLE) and recorded["workers"] == 1
    for stage in ("read", "normalise", "tag", "extract", "resolve", "encode"):
        assert recorded["cpu"][stage] > 0, stage
    for stage in ("analyse", "write", "network", "stats", "pages", "validate"):
        assert recorded["wall"][stage] > 0, stage
    assert recorded["seconds"] >= recorded["wall"]["analyse"]
    last = result.output.strip().splitlines()[-1]  # the summary comes last: the whole command's time
    assert last.startswith("1 documents, ") and last.endswith(" s")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_build_that_violates_the_shapes_says_so_with_any_number_of_workers(tmp_path: Path, workers: str,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """With two workers the check runs in a child process while the pages are written; same report."""
    from kg import validate

    strict = tmp_path / "strict.ttl"
    strict.write_text("""@prefix ok: <https://w3id.org/officials-kg/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
<#RoleShape> a sh:NodeShape ; sh:targetClass ok:Person ;
    sh:property [ sh:path ok:role ; sh:minCount 1 ; sh:message "every person needs a role" ] .
""", encoding="utf-8")
    monkeypatch.setattr(validate, "SHAPES", strict)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(ARTICLE.replace("张三丰", "张三丰" if name == "a.txt" else "王五岳"),
                                     encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out",
                                       str(tmp_path / "out"), "--workers", workers])
    assert result.exit_code == 4, result.output
    assert "the graph violates 3 constraints of strict.ttl" in result.output
