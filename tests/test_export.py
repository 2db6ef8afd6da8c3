"""Writers are atomic: a failure never leaves a half-written or truncated output file."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from kg import export
from kg.model import SourceText
from kg.pipeline import facts_of
from kg.quads import QuadSpool
from kg.rdf import add_facts, new_dataset, union

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


def test_jsonld_is_compact_with_ok_context(tmp_path):
    ds = new_dataset()
    text = TEXT
    add_facts(ds, facts_of(SourceText("t.txt", "t.txt", text, "utf-8", text, tuple(range(len(text) + 1)))))
    g = union(ds)
    export.write_jsonld(QuadSpool.from_dataset(ds), tmp_path / "graph.jsonld")
    data = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    assert data["@context"]["ok"] == "https://w3id.org/officials-kg/ontology#"
    assert "张三丰" in (tmp_path / "graph.jsonld").read_text(encoding="utf-8")  # not \\u-escaped
    assert len(Graph().parse(tmp_path / "graph.jsonld", format="json-ld")) == len(g)
