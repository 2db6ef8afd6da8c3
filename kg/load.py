"""First pipeline stage: files on disk -> ``SourceText`` records.

Every record keeps the decoded original (``raw``) so that the graph can cite
exact character spans, plus the text to analyse and a map from text to raw.
Encodings are detected rather than assumed because Chinese news pages come in
UTF-8, GB18030/GBK, Big5 and UTF-16, often without a reliable declaration.
"""

from __future__ import annotations

import codecs
import datetime
import html
import json
import os
import re
import stat
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from html.entities import html5
from pathlib import Path
from urllib.parse import urlsplit

import charset_normalizer

from kg.model import SourceText

SUFFIXES = frozenset({".txt", ".html", ".htm", ".jsonl"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_ONLY_ARTICLES = "pass only .txt, .html or .jsonl articles"
_JSONL_SHAPE = 'each line needs {"text": ...}'

# Byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls never occur in text, nor inside multi-byte characters of ASCII-compatible
# encodings, so they mark binary data (or UTF-16/32).  SO, SI and ESC are left out of
# the byte test because ISO-2022 encodings use them; decoded text must not keep them.
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x10-\x1a\x1c-\x1f]")
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0e-\x1f]")
_HIGH_BYTES = bytes(range(128, 256))
# Encodings that decode to a subset of gb18030 are decoded as gb18030 itself.
_GB18030_SUBSETS = frozenset({"gbk", "gb2312", "hz"})
_CJK_PREFIXES = ("utf", "gb", "big5", "cp9", "euc", "shift_jis", "iso2022", "hz", "johab")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I)

# Analysing one article takes time that grows faster than its length (measured on the shared
# 2-core machine, jieba's start-up included: 10k characters 1.8 s, 100k 11 s, 200k 73 s), so a
# longer text (a 50 MB dump, a book) is refused with a reason instead of stalling the build.
# The byte limit spares reading such a file at all (a .jsonl feed has none: its records are checked).
MAX_ARTICLE_CHARS = 100_000
MAX_FILE_BYTES = 16 * 2**20
# A .jsonl feed is read whole and all its records are held while they are analysed (about 40 bytes
# a character), so it is bounded too; a line holds one article (JSON may spell a character in 6 bytes).
MAX_JSONL_BYTES = 32 * 2**20
MAX_LINE_BYTES = 2**20
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Code points that text does not contain: controls, private use, surrogates, unassigned.
_NOT_TEXT = frozenset({"Cc", "Co", "Cs", "Cn"})
# Chinese articles write common characters (GB2312, or Big5's frequent set) and Latin for all but
# a few per cent of their letters; bytes that decode by chance (a tiny binary read as UTF-16) do not.
_COMMON_HAN = (("gb2312", 0xB0, 0xF7), ("big5", 0xA4, 0xC6))
_MIN_HAN = 6  # with four, about one random file in 4,000 of 1-64 bytes passed; with six, one in 19,000
_MIN_HAN_SHARE = 0.2  # of the letters: an English page quoting a Chinese name is not an article
_MAX_UNUSUAL_SHARE = 0.2
_MAX_NOT_TEXT_SHARE = 0.02
_FILE_KINDS = ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device"),
               (stat.S_ISBLK, "device"), (stat.S_ISDIR, "directory"))


class LoadError(ValueError):
    """A file or JSONL line that cannot become a ``SourceText`` (or a metadata value that was dropped);
    the message names it and the fix."""


def printable(text: str) -> str:
    """A file name or path as text that any output can hold: bytes that are not UTF-8 (which Python keeps
    as lone surrogates) and characters that text and IRIs must not contain (controls, private use,
    non-characters) are written as escapes (\\xff, \\x01, \\uffff), so the document id and its IRI
    stay valid and the file is still told apart from others."""
    return text if _PRINTABLE.fullmatch(text) else "".join(map(_printable_char, text))


# ASCII without controls, and the ranges of RFC 3987's ucschar (what an IRI may hold beyond ASCII)
_PRINTABLE = re.compile("[\x20-\x7e\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
                        "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd]*")


def _printable_char(char: str) -> str:
    code = ord(char)
    if _PRINTABLE.fullmatch(char):
        return char
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def iter_inputs(paths: Iterable[str | Path], on_skip: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Expand files and directories into article files, each once, in a deterministic order.

    Directories are walked recursively in name order and yield entries with article
    suffixes, including ones that are not regular files (a FIFO, a broken symlink), so
    that loading names them with the reason; files given explicitly are yielded whatever
    their suffix.  Symlinks are followed and real paths remembered, so a file reached
    twice is read once, and a directory symlink that points back to a directory that
    contains it (a loop) is not followed, nor is a directory that cannot be listed: ``on_skip``
    is told "path: reason" (without it, an unlistable directory raises ``LoadError``).
    """
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, seen, on_skip)
        elif _first_visit(path, seen):
            yield path


def _walk(directory: Path, seen: set[str], on_skip: Callable[[str], None] | None) -> Iterator[Path]:
    if not _first_visit(directory, seen):
        return
    try:
        entries = sorted(directory.iterdir(), key=lambda entry: entry.name)
    except OSError as error:
        problem = printable(f"{directory}: cannot list the directory ({error.strerror}); check its permissions")
        if on_skip is None:
            raise LoadError(problem) from error
        on_skip(problem)  # the other directories are still read
        return
    for entry in entries:
        if entry.is_dir():
            if on_skip and entry.is_symlink() and _is_loop(directory, entry):
                on_skip(printable(f"{entry}: symlink loop (it points to {os.path.realpath(entry)}, which contains "
                                  "it); not followed, the files in it are read once"))
                continue
            yield from _walk(entry, seen, on_skip)
        elif entry.suffix.lower() in SUFFIXES and _first_visit(entry, seen):
            yield entry


def _first_visit(path: Path, seen: set[str]) -> bool:
    # os.path.realpath, unlike Path.resolve in 3.11, does not raise on a symlink loop.
    real = os.path.realpath(path)
    if real in seen:
        return False
    seen.add(real)
    return True


def _is_loop(directory: Path, link: Path) -> bool:
    """Whether a directory symlink points at ``directory`` or one of its ancestors."""
    inside, target = os.path.realpath(directory), os.path.realpath(link)
    return inside == target or inside.startswith(target.rstrip(os.sep) + os.sep)


def load(path: str | Path) -> list[SourceText]:
    """Load one file (a .jsonl gives several records).

    Bad JSONL lines are skipped as long as one line loads; use ``load_with_errors``
    to see them.  Raises ``LoadError`` when nothing can be loaded.
    """
    records, errors = load_with_errors(path)
    if not records and errors:
        raise errors[0]
    return records


def load_with_errors(path: str | Path) -> tuple[list[SourceText], list[LoadError]]:
    """Load one file and return its records with the problems found, without raising them.

    One bad line in a feed should not cost the other articles, so problems are
    collected (a whole-file problem is the only error, with no records); a bad metadata
    value is a problem too, but its record is kept without it.  Names and messages are
    ``printable`` whatever bytes the file name holds.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        data = _read(path, MAX_JSONL_BYTES if suffix == ".jsonl" else MAX_FILE_BYTES)
        if suffix == ".jsonl":
            records, errors = _load_jsonl(path, data)
        elif suffix in _HTML_SUFFIXES:
            records, errors = _load_html(path, data)
        else:
            raw, encoding = _decode(data, str(path))
            _check_article(raw, str(path), encoding)
            records, errors = [_plain(path.name, path, raw, encoding)], []
    except LoadError as error:
        records, errors = [], [error]
    return records, [LoadError(printable(str(error))) for error in errors]


def _read(path: Path, limit: int) -> bytes:
    """The file's bytes; only a regular file is opened (opening a named pipe would wait forever)."""
    try:
        info = path.stat()
        kind = next((name for is_kind, name in _FILE_KINDS if is_kind(info.st_mode)), None)
        if kind is not None:
            raise LoadError(f"{path}: not a regular file (a {kind}); {_ONLY_ARTICLES}")
        if info.st_size > limit and path.suffix.lower() == ".jsonl":
            raise LoadError(
                f"{path}: too large for one feed ({info.st_size / 2**20:.1f} MB; the limit is {limit // 2**20} MB); "
                f"split it into files of whole lines, e.g. `split -C {limit // 2**20 - 1}m --additional-suffix=.jsonl "
                f"{path.name} part-`"
            )
        if info.st_size > limit:
            raise LoadError(
                f"{path}: too large for one article ({info.st_size / 2**20:.1f} MB; the limit is "
                f"{limit // 2**20} MB); split it into articles, e.g. a .jsonl file with one article per line"
            )
        return path.read_bytes()
    except OSError as error:
        raise LoadError(
            f"{path}: cannot read ({error.strerror or error}); check that it exists and is readable"
        ) from error


def _plain(source: str, path: Path, raw: str, encoding: str, **metadata: str | None) -> SourceText:
    return SourceText(
        source=printable(source),
        path=printable(str(path)),
        raw=raw,
        encoding=encoding,
        text=raw,
        offsets=_identity(len(raw)),
        **metadata,
    )


def _check_article(text: str, where: str, encoding: str) -> None:
    """Refuse text that cannot be a Chinese article, with the reason.

    Catches what decoding lets through: a huge file, bytes that decoded as text by
    chance (a tiny binary file reads as a few "characters" of UTF-16), and pages in
    another language, which would otherwise count as empty articles.
    """
    if len(text) > MAX_ARTICLE_CHARS:
        raise LoadError(
            f"{where}: too long for one article ({len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}); "
            "split it into articles, e.g. a .jsonl file with one article per line"
        )
    counts = Counter(text)
    visible = sum(n for char, n in counts.items() if not char.isspace())
    not_text = sum(n for char, n in counts.items() if unicodedata.category(char) in _NOT_TEXT and not char.isspace())
    if not_text > visible * _MAX_NOT_TEXT_SHARE:
        raise LoadError(
            f"{where}: not text ({not_text} of its {visible} characters are control, private-use or unassigned "
            f"code points: binary data?); {_ONLY_ARTICLES}"
        )
    han = sum(n for char, n in counts.items() if _HAN.match(char))
    letters = sum(n for char, n in counts.items() if char.isalpha())
    if_chinese = f"kg reads Chinese-language articles; if it is Chinese, re-save it as UTF-8 (read as {encoding})"
    if not han:
        raise LoadError(f"{where}: no Chinese text; {if_chinese}")
    if han < _MIN_HAN or han < letters * _MIN_HAN_SHARE:
        raise LoadError(
            f"{where}: too little Chinese text ({han} Chinese characters among {letters} letters); {if_chinese}"
        )
    unusual = sum(n for char, n in counts.items() if char.isalpha() and not _usual_letter(char))
    if unusual > letters * _MAX_UNUSUAL_SHARE:
        raise LoadError(
            f"{where}: not Chinese text ({unusual} of its {letters} letters are neither common Chinese characters "
            f"nor Latin: binary data, or a wrong encoding); re-save it as UTF-8 (read as {encoding})"
        )


@cache
def _usual_letter(char: str) -> bool:
    """Letters of Chinese articles: common Chinese characters, Latin (pinyin, English) and its full-width forms."""
    if char < "\u0250" or "\uff21" <= char <= "\uff5a":
        return True
    for codec, first, last in _COMMON_HAN:
        try:
            lead = char.encode(codec)[0]
        except UnicodeEncodeError:
            continue
        if first <= lead <= last:
            return True
    return False


def _identity(length: int) -> tuple[int, ...]:
    """Offsets for text that is its own raw.

    The model wants a tuple; it costs about 36 bytes per character (a pointer and
    an int object), i.e. 3.6 MB for an article of ``MAX_ARTICLE_CHARS``.
    """
    return tuple(range(length + 1))


# --- encodings ---------------------------------------------------------------------------------------


def _decode(data: bytes, where: str, declared: str | None = None) -> tuple[str, str]:
    """Decode a file's bytes; return the text and the normalised encoding name.

    Order: byte-order mark, strict UTF-8, the declared charset (HTML), UTF-8 with
    a few bad bytes replaced, then charset-normalizer's guess, preferring gb18030
    over a guess that cannot encode Chinese.  ``declared`` is a codec name.
    """
    if not data:
        raise LoadError(f"{where}: empty file; pass an article with some text")
    bom, bom_codec = next(((bom, codec) for bom, codec in _BOMS if data.startswith(bom)), (b"", None))
    skip = len(bom)
    body = data[skip:]
    if bom_codec:
        decoded = _decode_as(body, bom_codec)
    elif control := _CONTROL_BYTE.search(body):
        decoded = _decode_wide(body)
        if decoded is None:
            raise LoadError(f"{where}: not text (binary data at byte {control.start()}); {_ONLY_ARTICLES}")
    else:
        decoded = _decode_narrow(body, declared)
        if decoded is None:
            raise LoadError(
                f"{where}: cannot tell the text encoding (not UTF-8, UTF-16 or a Chinese encoding); "
                "re-save it as UTF-8"
            )
    text, codec, label = decoded
    if control := _CONTROL_CHAR.search(text):
        byte = skip + len(text[: control.start()].encode(codec, "replace"))
        raise LoadError(f"{where}: not text (binary data at byte {byte}); {_ONLY_ARTICLES}")
    if not text.strip():
        raise LoadError(f"{where}: empty file (only whitespace); pass an article with some text")
    return text, label


def _decode_as(body: bytes, codec: str) -> tuple[str, str, str]:
    """Decode with a known codec, replacing bad bytes rather than giving up on the article."""
    try:
        return body.decode(codec), codec, _label(codec)
    except UnicodeDecodeError:
        return body.decode(codec, "replace"), codec, f"{_label(codec)} (with replacement)"


def _decode_wide(body: bytes) -> tuple[str, str, str] | None:
    """Control bytes without a BOM: UTF-16/32 if charset-normalizer says so, else binary."""
    best = charset_normalizer.from_bytes(body).best()
    codec = _codec(best.encoding) if best else None
    if codec is None or not codec.startswith(("utf-16", "utf-32")):
        return None
    try:
        return body.decode(codec), codec, _label(codec)
    except UnicodeDecodeError:
        return None


def _decode_narrow(body: bytes, declared: str | None) -> tuple[str, str, str] | None:
    """Decode an ASCII-compatible file; None when no encoding fits."""
    if (text := _strict(body, "utf-8")) is not None:
        return text, "utf-8", "utf-8"
    if declared and (text := _strict(body, declared)) is not None:
        return text, declared, _label(declared)
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = len(text) - len(body.translate(None, _HIGH_BYTES)) - bad  # valid non-ASCII characters
    if bad * 10 <= good:
        return text, "utf-8", "utf-8 (with replacement)"
    best = charset_normalizer.from_bytes(body).best()
    guess = _codec(best.encoding) if best else None
    if (guess is None or not guess.startswith(_CJK_PREFIXES)) and (
        text := _strict(body, "gb18030")
    ) is not None:
        return text, "gb18030", "gb18030"
    return _decode_as(body, guess) if guess else None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        return None


def _codec(name: str) -> str | None:
    """Python's canonical codec name, with GBK and GB2312 widened to gb18030."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if codec in _GB18030_SUBSETS else codec


def _label(codec: str) -> str:
    """The encoding name reported to users: byte order is a detail of UTF-16/32."""
    return codec[:6] if codec.startswith(("utf-16", "utf-32")) else codec


def _declared_charset(data: bytes) -> str | None:
    """The <meta charset> of an HTML page; a UTF-16/32 declaration in ASCII bytes is a lie."""
    match = _META_CHARSET.search(data, 0, 8192)
    codec = _codec(match.group(1).decode("ascii")) if match else None
    return None if codec is None or codec.startswith(("utf-16", "utf-32")) else codec


# --- JSONL -------------------------------------------------------------------------------------------


def _load_jsonl(path: Path, data: bytes) -> tuple[list[SourceText], list[LoadError]]:
    lines, encoding, set_aside = _jsonl_lines(path, data)
    records: list[SourceText] = []
    errors: list[tuple[int, LoadError]] = list(set_aside)
    for lineno, line in lines:
        if not line.strip():
            continue
        try:
            record, problems = _jsonl_record(path, lineno, line, encoding)
        except LoadError as error:
            errors.append((lineno, error))
            continue
        records.append(record)
        errors.extend((lineno, problem) for problem in problems)
    errors.sort(key=lambda numbered: numbered[0])
    return records, [error for _, error in errors]


def _jsonl_lines(path: Path, data: bytes) -> tuple[list[tuple[int, str]], str, list[tuple[int, LoadError]]]:
    """A feed's lines as text, numbered from 1, its encoding, and the lines that cannot be read.

    In an ASCII-compatible encoding a line is a run of bytes up to b"\\n", so a line that is too long
    or holds binary data is set aside before the file is decoded and costs that line only; UTF-16
    and UTF-32 (each "\\n" is several bytes there) are decoded whole.
    """
    if not data:
        raise LoadError(f"{path}: empty file; pass a feed with one JSON object per line")
    wide = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)) or (
        _CONTROL_BYTE.search(data) is not None and _decode_wide(data) is not None)
    errors: list[tuple[int, LoadError]] = []
    if not wide:
        kept = []
        for lineno, line in enumerate(data.split(b"\n"), 1):
            if len(line) > MAX_LINE_BYTES:
                errors.append((lineno, LoadError(
                    f"{path} line {lineno}: too long ({len(line) / 2**20:.1f} MB; a line may have "
                    f"{MAX_LINE_BYTES // 2**20} MB, one article of at most {MAX_ARTICLE_CHARS:,} characters); "
                    "split the article")))
            elif control := _CONTROL_BYTE.search(line):
                errors.append((lineno, LoadError(f"{path} line {lineno}: not text (binary data at byte "
                                                 f"{control.start()} of the line); {_JSONL_SHAPE}")))
            else:
                kept.append(line)
                continue
            kept.append(b"")  # the line's number stays
        data = b"\n".join(kept)
        if not data.strip():
            if errors:
                return [], "", errors
            raise LoadError(f"{path}: empty file (only whitespace); pass a feed with one JSON object per line")
    text, encoding = _decode(data, str(path))
    return list(enumerate(text.split("\n"), 1)), encoding, errors


def _jsonl_record(path: Path, lineno: int, line: str, encoding: str) -> tuple[SourceText, list[LoadError]]:
    """One line's article, and the problems of its metadata (each bad value is dropped, not the article)."""
    where = f"{path} line {lineno}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise LoadError(
            f"{where}: not valid JSON ({error.msg} at column {error.colno}); {_JSONL_SHAPE}"
        ) from error
    except (ValueError, RecursionError) as error:  # a number too long to convert, nesting too deep
        raise LoadError(f"{where}: not valid JSON ({str(error)[:80]}); {_JSONL_SHAPE}") from error
    if not isinstance(record, dict):
        raise LoadError(f"{where}: not a JSON object; {_JSONL_SHAPE}")
    if "text" not in record:
        raise LoadError(f"{where}: no 'text' field; {_JSONL_SHAPE}")
    text = record["text"]
    if not isinstance(text, str) or not text.strip():
        raise LoadError(f"{where}: 'text' is empty or not a string; give the article text as a JSON string")
    if bad := _BAD_CHAR.search(text):
        raise LoadError(f"{where}: 'text' holds {_char_name(bad.group())} at character {bad.start()}: binary data?; "
                        "give the article text as a JSON string")
    _check_article(text, where, encoding)
    metadata, problems = _metadata(where, {key: record.get(key) for key in _METADATA})
    return _plain(f"{path.name}#{lineno}", path, text, encoding, **metadata), problems


# JSON Lines field → SourceText field
_METADATA = {"title": "title", "date": "date", "url": "url", "source": "publisher"}
# Characters that a JSON string may spell (\u0000, \ud800) but text and RDF literals cannot hold
_BAD_CHAR = re.compile(r"[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:\d{2})?)?")


def _metadata(where: str, values: dict[str, object]) -> tuple[dict[str, str | None], list[LoadError]]:
    """Metadata fields as ``SourceText`` takes them; a value that is not a string, holds control
    characters, or is not a date (``date``) or a URI (``url``) is reported and dropped, so that
    the graph never holds an invalid literal."""
    kept: dict[str, str | None] = {}
    problems = []
    for key, value in values.items():
        if value is None or value == "":
            kept[_METADATA[key]] = None
            continue
        reason = None
        if not isinstance(value, str):
            reason = f"is {type(value).__name__} {json.dumps(value, ensure_ascii=False)[:40]}, not a string"
        elif bad := _BAD_CHAR.search(value):
            reason = f"holds {_char_name(bad.group())}"
        elif key == "date" and (value := _iso_date(value)) is None:
            reason = f"is not a date ({values[key]!r}); write YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS"
        elif key == "url" and not _is_uri(value):
            reason = f"is not a URL ({value[:60]!r}); write an absolute URL without spaces"
        if reason:
            problems.append(LoadError(f"{where}: '{key}' {reason}; dropped, the article is read without it"))
            value = None
        kept[_METADATA[key]] = value.strip() or None if isinstance(value, str) else None
    return kept, problems


def _iso_date(value: str) -> str | None:
    """2023-06-02, 2023/6/2, 2023年6月2日 (with a time) → ISO 8601; None if it is not a real date."""
    m = _DATE.fullmatch(value.strip())
    if m is None:
        return None
    year, month, day, hour, minute, second, zone = m.groups()
    try:
        date = datetime.date(int(year), int(month), int(day)).isoformat()
        if hour is None:
            return date
        time = datetime.time(int(hour), int(minute), int(second or 0)).isoformat()
    except ValueError:
        return None
    return f"{date}T{time}{zone or ''}"


def _is_uri(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path)) and not re.search(r"[\s<>\"{}|\\^`]", value)


def _char_name(char: str) -> str:
    code = ord(char)
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a non-character" if code >= 0xFFFE else "a control"
    return f"{kind} (U+{code:04X})"


# --- HTML --------------------------------------------------------------------------------------------

_MARKUP = re.compile(
    r"""<!--.*?(?:-->|\Z)                                # comment; an unterminated one runs to the end
      | <[!?][^>]*>?                                     # doctype, CDATA, processing instruction
      | <(/?)([A-Za-z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>  # tag, quoted attributes may hold '>'
    """,
    re.S | re.X,
)
# Elements whose content is never article text (and may contain '<' that is not a tag).
_HIDDEN = {
    name: re.compile(rf"</{name}\s*>", re.I)
    for name in ("script", "style", "title", "template", "noscript", "textarea")
}
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9A-Fa-f]+;?|[A-Za-z][A-Za-z0-9]*;?)")
# Characters trafilatura may drop or collapse; the loose alignment ignores them on both sides.
_IGNORABLE = re.compile(r"[\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def _load_html(path: Path, data: bytes) -> tuple[list[SourceText], list[LoadError]]:
    # Imported here: trafilatura is slow to import and only HTML needs it.
    import trafilatura

    raw, encoding = _decode(data, str(path), _declared_charset(data))
    document = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    text = document.text if document is not None else None
    if not text or not text.strip():
        raise LoadError(
            f"{path}: no article text found in the HTML; pass the article page itself, or its text as .txt"
        )
    _check_article(text, str(path), encoding)
    metadata, problems = _metadata(str(path), {"title": document.title, "date": document.date, "url": document.url,
                                               "source": document.sitename})
    return [SourceText(
        source=printable(path.name),
        path=printable(str(path)),
        raw=raw,
        encoding=encoding,
        text=text,
        offsets=_align(text, _VisibleText(raw)),
        **metadata,
    )], problems


class _VisibleText:
    """The text a browser would show for an HTML source, with each character's raw index.

    Tags, comments and script/style contents are skipped; a character decoded from
    an entity maps to the entity's '&', and ``entity_ends`` keeps where it ends.
    """

    def __init__(self, raw: str) -> None:
        self._raw = raw
        self._parts: list[str] = []
        self.starts = array("q")
        self.entity_ends: dict[int, int] = {}
        text_from = pos = 0
        while (lt := raw.find("<", pos)) >= 0:
            tag = _MARKUP.match(raw, lt)
            if tag is None:  # a bare '<' is text
                pos = lt + 1
                continue
            self._add_text(text_from, lt)
            pos = tag.end()
            name = (tag.group(2) or "").lower()
            if name in _HIDDEN and not tag.group(1) and not tag.group().endswith("/>"):
                close = _HIDDEN[name].search(raw, pos)
                pos = close.end() if close else len(raw)
            text_from = pos
        self._add_text(text_from, len(raw))
        self.text = "".join(self._parts)
        self._compact: tuple[str, array[int]] | None = None

    def _add_text(self, start: int, end: int) -> None:
        cursor = start
        for entity in _ENTITY.finditer(self._raw, start, end):
            decoded = _decode_entity(entity.group())
            if decoded is None:
                continue
            value, consumed = decoded
            self._parts.append(self._raw[cursor : entity.start()])
            self.starts.extend(range(cursor, entity.start()))
            self._parts.append(value)
            self.starts.extend([entity.start()] * len(value))
            cursor = entity.start() + consumed
            self.entity_ends[entity.start()] = cursor
        self._parts.append(self._raw[cursor:end])
        self.starts.extend(range(cursor, end))

    def compact(self) -> tuple[str, array[int]]:
        """The text without ignorable characters, and each kept character's index in ``text``."""
        if self._compact is None:
            kept = array("q", (i for i, char in enumerate(self.text) if not _IGNORABLE.match(char)))
            self._compact = "".join(self.text[i] for i in kept), kept
        return self._compact


def _decode_entity(entity: str) -> tuple[str, int] | None:
    """An entity's characters and how many raw characters it consumes; None if not an entity."""
    if entity[1] == "#":
        return html.unescape(entity), len(entity)
    name = entity[1:]
    if name in html5:
        return html5[name], len(entity)
    # Legacy entities are recognised without ';', even when letters follow (&copy2024).
    for length in range(len(name) - 1, 1, -1):
        if name[:length] in html5:
            return html5[name[:length]], length + 1
    return None


def _align(text: str, visible: _VisibleText) -> tuple[int, ...]:
    """Map each character of the extracted text to the raw index of the same character.

    Lines are found in order in the visible text, exactly or else ignoring whitespace
    and trafilatura's list/table markers; a character that cannot be aligned takes
    the raw index of the nearest aligned character before it (after it at the start).
    """
    offsets = array("q", [-1]) * len(text)
    cursor = line_start = 0
    for line in text.split("\n"):
        hit = visible.text.find(line, cursor) if line.strip() else -1
        if hit >= 0:
            offsets[line_start : line_start + len(line)] = visible.starts[hit : hit + len(line)]
            cursor = hit + len(line)
        elif line.strip():
            cursor = _align_loose(line, line_start, visible, offsets, cursor)
        line_start += len(line) + 1
    aligned = [i for i in range(len(text)) if offsets[i] >= 0]
    if not aligned:
        return (0,) * (len(text) + 1)
    previous = offsets[aligned[0]]
    for i, offset in enumerate(offsets):
        if offset < 0:
            offsets[i] = previous
        else:
            previous = offset
    last = offsets[aligned[-1]]
    return (*offsets, visible.entity_ends.get(last, last + 1))


def _align_loose(line: str, line_start: int, visible: _VisibleText, offsets: array[int], cursor: int) -> int:
    """Align a line ignoring whitespace and markers; return the new cursor (unchanged if not found)."""
    table_row = line.startswith("|")
    first = 2 if line.startswith("- ") else 0  # list item marker
    keep = [
        j
        for j in range(first, len(line))
        if not _IGNORABLE.match(line[j]) and not (table_row and line[j] == "|")
    ]
    if not keep:
        return cursor
    compact, kept = visible.compact()
    hit = compact.find("".join(line[j] for j in keep), bisect_left(kept, cursor))
    if hit < 0:
        return cursor
    for k, j in enumerate(keep):
        offsets[line_start + j] = visible.starts[kept[hit + k]]
    return kept[hit + len(keep) - 1] + 1
