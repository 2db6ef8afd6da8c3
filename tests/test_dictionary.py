"""kg.dictionary: jieba's word list read into one table, cached, rebuilt when the cache is broken."""

from __future__ import annotations

import marshal

import pytest

from kg import dictionary


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    dictionary._table.cache_clear()
    yield tmp_path
    dictionary._table.cache_clear()


def test_frequencies_and_tags_are_jiebas_and_are_cached(fresh_cache):
    import jieba
    from jieba import posseg

    jieba.initialize()
    for word in ("调研", "开封", "同济大学", "委员会", "书记"):
        assert dictionary.freq(word) == jieba.dt.FREQ[word]
        assert dictionary.tag(word) == posseg.dt.word_tag_tab[word]
    assert dictionary.freq("青山镇东风村") == 0 and dictionary.tag("青山镇东风村", "none") == "none"
    path = dictionary.cache_file()
    assert path.parent.parent == fresh_cache and marshal.loads(path.read_bytes())[0]["调研"] > 0


def test_a_broken_cache_file_is_rebuilt(fresh_cache):
    path = dictionary.cache_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not marshal data")
    assert dictionary.freq("调研") > 0
    assert dictionary._valid(marshal.loads(path.read_bytes()))


def test_jieba_is_not_imported_to_read_the_word_list(fresh_cache):
    import subprocess
    import sys

    code = "import sys; from kg import dictionary; dictionary.freq('调研'); print('jieba' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


@pytest.mark.parametrize("text", ["便民服务中心", "第一人民医院", "青山镇东风村党群服务中心", "甲乙丙"])
def test_segmentation_takes_the_longest_dictionary_word_first(text):
    words = dictionary.segment(text)
    assert "".join(words) == text
    at = 0
    for word in words:
        assert dictionary.freq(word) > 0 or len(word) == 1
        longer = [text[at:at + n] for n in range(len(word) + 1, len(text) - at + 1)]
        assert not any(dictionary.freq(w) > 0 for w in longer), (word, longer)
        at += len(word)
