"""jieba's tables from the cache file are jieba's own, and a broken cache file is rebuilt."""

from __future__ import annotations

import marshal

import jieba
import pytest

from kg import dictionary


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    dictionary._tables.cache_clear()
    yield tmp_path
    dictionary._tables.cache_clear()


def test_tables_are_jiebas_and_are_cached(fresh_cache):
    from jieba import posseg

    freq, total, tags = dictionary._tables()
    assert tags == posseg.dt.word_tag_tab and freq == jieba.dt.FREQ and total == jieba.dt.total
    path = dictionary.cache_file()
    assert path.parent.parent == fresh_cache and marshal.loads(path.read_bytes())[1] == total
    assert dictionary.freq("调研") > 0 and dictionary.tags()["调研"] == "vn" and dictionary.freq("青山镇东风村") == 0


def test_a_broken_cache_file_is_rebuilt(fresh_cache):
    path = dictionary.cache_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not marshal data")
    assert dictionary.freq("调研") > 0
    assert marshal.loads(path.read_bytes())[1] == jieba.dt.total


def test_segmentation_is_jiebas():
    for text in ("便民服务中心", "青山镇东风村党群服务中心", "第一人民医院"):
        assert dictionary.segment(text) == jieba.lcut(text, HMM=False)
