"""jieba's word list: how often each word was seen and its part of speech, loaded quickly.

The rules ask the word list two things, a word's frequency (is 华侨 a common word?) and its part of
speech (is 开封 a verb?), and cut a short name into dictionary words. They need nothing else of jieba:
its segmenter, prefix dictionary and posseg tables cost ~1.3 s to build at every start, ~0.6 s from
jieba's own cache. So jieba's dict.txt is read here into one table, word → frequency and tag packed in
one integer, and kept as a marshal file in the user's cache directory, keyed by the dictionary file's
size and time: it loads in ~0.25 s, and jieba itself is never imported.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import tempfile
from functools import cache
from pathlib import Path

_TAG_BITS = 6  # parts of speech a word can have: jieba's dictionary uses 55 (2**6 = 64)
_LONGEST_WORD = 8  # characters: segmentation looks no further for a dictionary word

Table = tuple[dict[str, int], tuple[str, ...]]  # word → frequency << _TAG_BITS | tag code, tag names


class DictionaryError(RuntimeError):
    """jieba's word list could not be found or read."""


def dictionary_file() -> Path:
    """jieba's dict.txt, found without importing jieba (whose import costs more than the table)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise DictionaryError("the word list comes from the 'jieba' package: pip install jieba")
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    if not path.exists():
        raise DictionaryError(f"{path}: missing from the installed jieba package; reinstall it")
    return path


def cache_file() -> Path:
    source = dictionary_file()
    stat = source.stat()
    directory = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "officials-kg"
    return directory / f"words-{stat.st_size}-{int(stat.st_mtime)}.marshal"


def _read(source: Path) -> Table:
    """The table of dict.txt (``word frequency tag`` a line)."""
    words: dict[str, int] = {}
    names: dict[str, int] = {}
    with source.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            code = names.setdefault(parts[2] if len(parts) > 2 else "x", len(names))
            words[parts[0]] = int(parts[1]) << _TAG_BITS | code
    if len(names) > 1 << _TAG_BITS:
        raise DictionaryError(f"{source}: {len(names)} parts of speech, more than {1 << _TAG_BITS}")
    return words, tuple(names)


def _valid(table: object) -> bool:
    return isinstance(table, tuple) and len(table) == 2 and isinstance(table[0], dict) and \
        isinstance(table[1], tuple)


@cache
def _table() -> Table:
    path = cache_file()
    try:
        table = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        table = None
    if not _valid(table):
        table = _read(dictionary_file())
        _store(table, path)
    return table


def _store(table: Table, path: Path) -> None:
    """Write the cache beside its place, then rename: a reader never sees half a file. A cache that
    cannot be written makes the next start slower and changes nothing else."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".words-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            marshal.dump(table, f)
        os.replace(tmp, path)
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def freq(word: str) -> int:
    """How often jieba's dictionary saw ``word`` (0 for words it does not hold)."""
    packed = _table()[0].get(word)
    return packed >> _TAG_BITS if packed else 0


def tag(word: str, default: str = "x") -> str:
    """jieba's part of speech of a dictionary word (n, v, ns, nr …), or ``default``."""
    words, names = _table()
    packed = words.get(word)
    return names[packed & ((1 << _TAG_BITS) - 1)] if packed is not None else default


def segment(text: str) -> list[str]:
    """``text`` cut into dictionary words, longest first from the left; a character no word starts
    with stands alone (enough to tell whether a short name is made of common words)."""
    words = _table()[0]
    out, i = [], 0
    while i < len(text):
        size = next((n for n in range(min(_LONGEST_WORD, len(text) - i), 1, -1) if text[i:i + n] in words), 1)
        out.append(text[i:i + size])
        i += size
    return out
