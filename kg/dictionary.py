"""jieba's word list (frequencies and part-of-speech tags) and its segmenter, loaded quickly.

jieba builds its prefix dictionary from dict.txt (caching it as a marshal file), and importing
jieba.posseg reads dict.txt again for the tags: together ~1.3 s of CPU at every start, before any
article is read. The three tables are kept here in one marshal file in the user's cache directory,
keyed by jieba's version and the dictionary file's size and time, which loads in ~0.5 s; jieba's
tokenizer is then handed the prefix dictionary, so its segmentation is exactly as before.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from functools import cache
from pathlib import Path

import jieba

jieba.setLogLevel(60)

Tables = tuple[dict[str, int], int, dict[str, str]]  # word → frequency (with prefixes), total, word → tag


def cache_file() -> Path:
    dictionary = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    stat = dictionary.stat()
    directory = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "officials-kg"
    return directory / f"jieba-{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}.marshal"


def _from_jieba() -> Tables:
    from jieba import posseg  # reads dict.txt for the tags when imported

    jieba.initialize()
    return jieba.dt.FREQ, jieba.dt.total, posseg.dt.word_tag_tab


def _valid(tables: object) -> bool:
    return isinstance(tables, tuple) and len(tables) == 3 and isinstance(tables[0], dict) and \
        isinstance(tables[1], int) and isinstance(tables[2], dict)


@cache
def _tables() -> Tables:
    path = cache_file()
    try:
        tables = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        tables = None
    if not _valid(tables):
        tables = _from_jieba()
        try:  # beside the target, then renamed: a reader never sees half a file
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                marshal.dump(tables, f)
            os.replace(tmp, path)
        except OSError:
            pass  # no cache: the next start is slower, nothing else changes
    tokenizer = jieba.dt
    if not tokenizer.initialized:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = tables[0], tables[1], True
    return tables


def freq(word: str) -> int:
    """How often jieba's dictionary saw ``word`` (0 for unknown words and mere prefixes)."""
    return _tables()[0].get(word, 0) or 0


def tags() -> dict[str, str]:
    """jieba's part-of-speech tag of each dictionary word (n, v, ns, nr …)."""
    return _tables()[2]


def segment(text: str) -> list[str]:
    """jieba's dictionary segmentation of ``text`` (no HMM guesses for unknown words)."""
    _tables()
    return jieba.lcut(text, HMM=False)
