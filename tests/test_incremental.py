"""Incremental builds into a store: only new or changed files are analysed again, and the result
equals a build from scratch over the same files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export import export_all
from kg.incremental import build_into_store
from kg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "data" / "articles"
OUTPUTS = ("graph.ttl", "graph.jsonld", "graph.trig")
LOCAL = ("青岩县新闻网 2024年4月2日\n\n4月1日，青岩县县长潘友德带队到石门乡检查森林防火工作。"
         "潘友德要求，要压紧压实责任。\n")
NEW_ARTICLE = "白沙日报 2024年5月8日\n\n5月7日，白沙县委书记黎秋实到东岭镇调研春耕生产。\n"


def kg(*args: str) -> None:
    result = CliRunner().invoke(main, ["build", *args, "--quiet", "--no-validate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def outputs(directory: Path) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in OUTPUTS}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in [*sorted((ROOT / "seeds").glob("*.txt"))[:3], *sorted(ARTICLES.iterdir())]:
        shutil.copy(path, corpus / path.name)
    (corpus / "local.txt").write_text(LOCAL, encoding="utf-8")
    return corpus


def test_a_second_build_analyses_only_changed_files_and_equals_a_build_from_scratch(corpus: Path,
                                                                                      tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    kg(str(corpus), "--out", str(tmp_path / "first"), "--store", str(store_dir))
    files = sorted(corpus.iterdir())
    changed, deleted = corpus / "local.txt", files[0]
    changed.write_text(LOCAL.replace("潘友德", "钟立川"), encoding="utf-8")
    deleted.unlink()
    (corpus / "new_article.txt").write_text(NEW_ARTICLE, encoding="utf-8")

    with GraphStore.create_or_open(store_dir) as store:
        before = dict(store.records)
        result, update = build_into_store([corpus], store, prune=True, progress=False)
        assert (update.analysed, update.unchanged) == (2, len(files) - 2)  # the changed and the new file
        deleted_docs = [iri for iri, r in before.items() if r.source == deleted.name]
        assert deleted_docs and set(deleted_docs) <= set(update.removed)
        assert {store.records[iri].source for iri in update.written} == {"local.txt", "new_article.txt"}
        export_all(result.quads, tmp_path / "again", formats=("turtle", "json-ld", "trig"))
        incremental_triples = len(store)

    kg(str(corpus), "--out", str(tmp_path / "scratch"), "--store", str(tmp_path / "scratch-store"))
    assert outputs(tmp_path / "again") == outputs(tmp_path / "scratch")
    with GraphStore.open(tmp_path / "scratch-store") as scratch:
        assert len(scratch) == incremental_triples
        with GraphStore.open(store_dir) as store:
            assert store.records == scratch.records  # same documents, same content digests
    text = (tmp_path / "again" / "graph.ttl").read_text(encoding="utf-8")
    assert "钟立川" in text and "黎秋实" in text and "潘友德" not in text


def test_the_cli_rebuild_says_what_it_skipped_and_writes_the_same_files(corpus: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    kg(str(corpus), "--out", str(tmp_path / "one"), "--store", str(store_dir))
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(tmp_path / "two"), "--store",
                                       str(store_dir), "--no-validate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    n = len(list(corpus.iterdir()))
    assert f"0 files analysed, {n} unchanged; 0 document graphs written, 0 removed" in result.output
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


def test_without_prune_documents_of_deleted_files_stay(corpus: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    kg(str(corpus), "--out", str(tmp_path / "one"), "--store", str(store_dir))
    gone = sorted(corpus.glob("*.txt"))[0]
    gone.unlink()
    kg(str(corpus), "--out", str(tmp_path / "two"), "--store", str(store_dir))
    with GraphStore.open(store_dir) as store:
        assert any(r.source == gone.name for r in store.records.values())
    kg(str(corpus), "--out", str(tmp_path / "three"), "--store", str(store_dir), "--prune")
    with GraphStore.open(store_dir) as store:
        assert not any(r.source == gone.name for r in store.records.values())
    assert gone.name not in (tmp_path / "three" / "graph.ttl").read_text(encoding="utf-8")


def test_a_file_that_now_gives_fewer_documents_loses_the_others(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    feed = corpus / "feed.jsonl"
    shutil.copy(ARTICLES / "feed.jsonl", feed)
    store_dir = tmp_path / "store"
    kg(str(corpus), "--out", str(tmp_path / "one"), "--store", str(store_dir))
    lines = feed.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) >= 2
    feed.write_text(lines[0], encoding="utf-8")
    kg(str(corpus), "--out", str(tmp_path / "two"), "--store", str(store_dir))
    kg(str(corpus), "--out", str(tmp_path / "scratch"))
    assert outputs(tmp_path / "two") == outputs(tmp_path / "scratch")


def test_prune_needs_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(ARTICLES), "--out", str(tmp_path), "--prune"])
    assert result.exit_code == 1 and "needs --store" in result.output
