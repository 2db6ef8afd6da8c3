"""Tests for kg.load: encodings, unusable files, directory walking, HTML alignment, JSONL."""

from __future__ import annotations

import codecs
import html
import json
import os
import random
from pathlib import Path

import pytest

from kg.load import MAX_ARTICLE_CHARS, MAX_FILE_BYTES, LoadError, iter_inputs, load, load_with_errors

SIMPLIFIED = (
    "5月6日，某某县委书记张三主持召开县委常委会议，研究部署近期重点工作。"
    "会议强调，要坚持稳中求进，统筹发展和安全。"
    "县长李四出席会议并讲话，要求各乡镇把各项任务落到实处。\n"
)
TRADITIONAL = (
    "某某縣委書記張三主持召開縣委常委會議，研究部署近期重點工作。"
    "會議強調，要堅持穩中求進。縣長李四出席會議並講話。\n"
)


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "utf-8-sig", "utf-8"),
        (SIMPLIFIED, "gbk", "gb18030"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (SIMPLIFIED, "utf-16", "utf-16"),  # with a BOM
        (SIMPLIFIED, "utf-16-le", "utf-16"),  # without
        (SIMPLIFIED, "utf-16-be", "utf-16"),
        (SIMPLIFIED, "utf-32", "utf-32"),
        (TRADITIONAL, "big5", "big5"),
    ],
)
def test_load_detects_encoding(tmp_path: Path, text: str, codec: str, expected: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(codec))
    [source] = load(path)
    assert source.encoding == expected
    assert source.raw == text
    assert source.text == text
    assert source.offsets == tuple(range(len(text) + 1))
    assert (source.source, source.path) == ("article.txt", str(path))


def test_load_keeps_raw_newlines(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("张三到某某县调研。\r\n李四陪同。\r\n".encode())
    [source] = load(path)
    assert source.raw == "张三到某某县调研。\r\n李四陪同。\r\n"


def test_load_replaces_a_few_invalid_utf8_bytes(tmp_path: Path) -> None:
    head, middle, tail = SIMPLIFIED[:10].encode(), SIMPLIFIED[10:20].encode(), SIMPLIFIED[20:].encode()
    path = tmp_path / "damaged.txt"
    path.write_bytes(head + b"\xff" + middle + b"\xc3" + tail)
    [source] = load(path)
    assert source.encoding == "utf-8 (with replacement)"
    assert source.raw.count("\ufffd") == 2
    assert "县长李四出席会议并讲话" in source.raw


def test_load_reads_any_suffix_as_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(SIMPLIFIED, encoding="utf-8")
    [source] = load(path)
    assert source.text == SIMPLIFIED


PNG = b"\x89PNG\r\n\x1a\n" + random.Random(0).randbytes(200)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b" \r\n\t\n", "empty file (only whitespace)"),
        (codecs.BOM_UTF8, "empty file (only whitespace)"),
        (" \n".encode("utf-16"), "empty file (only whitespace)"),
        (PNG, "not text (binary data at byte 6); pass only .txt, .html or .jsonl articles"),
        (SIMPLIFIED.encode()[:12] + b"\x00\x01\x02" + SIMPLIFIED.encode()[12:], "binary data at byte 12"),
    ],
)
def test_load_rejects_non_text(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(LoadError, match="x.txt: ") as error:
        load(path)
    assert message in str(error.value)


def test_load_rejects_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"missing\.txt: cannot read .*check that it exists and is readable"):
        load(tmp_path / "missing.txt")


def test_load_rejects_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(SIMPLIFIED, encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user (root) who can read any file")
        with pytest.raises(LoadError, match=r"secret\.txt: cannot read \(Permission denied\)"):
            load(path)
    finally:
        path.chmod(0o644)


def test_load_with_errors_returns_file_problem_instead_of_raising(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(b"")
    records, errors = load_with_errors(path)
    assert records == []
    assert [str(error) for error in errors] == [f"{path}: empty file; pass an article with some text"]


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SIMPLIFIED, encoding="utf-8")
    return path


def test_iter_inputs_sorts_and_filters_by_suffix(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.htm", "a/y/x.jsonl", "a.txt", "c.html", "d.png", "e.md", "F.TXT"]:
        _touch(tmp_path / "in" / name)
    explicit = _touch(tmp_path / "extra.md")
    found = list(iter_inputs([tmp_path / "in", str(explicit)]))
    names = [path.relative_to(tmp_path).as_posix() for path in found]
    assert names == [
        "in/F.TXT",
        "in/a/y/x.jsonl",
        "in/a/z.htm",
        "in/a.txt",
        "in/b.txt",
        "in/c.html",
        "extra.md",
    ]


def test_iter_inputs_survives_symlink_loop(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _touch(root / "a.txt")
    _touch(root / "sub" / "b.txt")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "sub" / "same.txt").symlink_to(root / "a.txt")  # read once, as a.txt
    (root / "self.txt").symlink_to(root / "self.txt")  # a file symlink loop: yielded, so loading names it
    skipped: list[str] = []
    found = list(iter_inputs([root, root / "sub", root / "a.txt"], on_skip=skipped.append))
    assert found == [root / "a.txt", root / "self.txt", root / "sub" / "b.txt"]
    assert skipped == [f"{root / 'sub' / 'loop'}: symlink loop (it points to {os.path.realpath(root)}, "
                       "which contains it); not followed, the files in it are read once"]
    [error] = load_with_errors(root / "self.txt")[1]
    assert "self.txt: cannot read (Too many levels of symbolic links)" in str(error)


def test_iter_inputs_yields_non_regular_files_for_loading_to_name(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    assert list(iter_inputs([tmp_path])) == [tmp_path / "broken.txt", tmp_path / "pipe.txt"]
    with pytest.raises(LoadError, match=r"pipe\.txt: not a regular file \(a named pipe\)"):
        load(tmp_path / "pipe.txt")  # refused without opening it (opening would wait for a writer)
    with pytest.raises(LoadError, match=r"broken\.txt: cannot read \(No such file or directory\)"):
        load(tmp_path / "broken.txt")


HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>某某县召开县委常委会议 - 某某日报</title>
<meta property="og:site_name" content="某某日报">
<meta name="date" content="2023-05-06">
<link rel="canonical" href="https://news.example.com/2023/0506/a.html">
<style>p {{ color: black; }}</style>
</head>
<body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news">导航栏目甲</a></li><li>导航栏目乙</li></ul></nav>
<script>var banner = "<p>脚本里的文字不是正文</p>";</script>
<!-- 广告位注释不是正文 -->
<article>
<h1>某某县召开县委常委会议</h1>
<p>5月6日，某某县委书记张三主持召开县委常委会议，研究部署近期重点工作。
会议强调，要坚持稳中求进&amp;开拓创新，统筹发展和安全。</p>
<p>县长李四出席会议并讲话。他指出，要把&#x4E2D;心工作落到实处，确保各项任务按期完成，推动全县经济社会高质量发展。</p>
<p>副县长王五通报了&lt;某某县重点项目清单&gt;的推进情况，并对下一阶段工作作出具体安排&#12290;</p>
</article>
<footer><p>版权所有 某某日报社 联系电话：0000-1234567 地址：某某县人民路1号</p></footer>
</body></html>
"""


@pytest.mark.parametrize(
    ("codec", "charset", "expected"), [("utf-8", "utf-8", "utf-8"), ("gbk", "gbk", "gb18030")]
)
def test_load_html_extracts_main_text_aligned_to_source(
    tmp_path: Path, codec: str, charset: str, expected: str
) -> None:
    page = HTML_PAGE.format(charset=charset)
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(codec))
    [source] = load(path)

    assert source.raw == page
    assert source.encoding == expected
    assert (source.source, source.path) == ("page.html", str(path))
    assert source.title == "某某县召开县委常委会议"
    assert source.date == "2023-05-06"
    assert source.url == "https://news.example.com/2023/0506/a.html"
    assert source.publisher == "某某日报"

    text = source.text
    assert "县长李四出席会议并讲话。他指出，要把中心工作落到实处" in text
    assert "稳中求进&开拓创新" in text
    assert "通报了<某某县重点项目清单>的推进情况" in text
    for boilerplate in ["脚本", "导航栏目", "广告位", "color", "版权所有"]:
        assert boilerplate not in text
    assert all(line.strip() for line in text.split("\n"))

    offsets = source.offsets
    assert len(offsets) == len(text) + 1
    assert list(offsets) == sorted(offsets)
    aligned = 0
    for i, char in enumerate(text):
        at = source.raw[offsets[i]]
        if at == char:
            aligned += 1
        elif at == "&":  # a decoded entity maps to its '&'
            end = source.raw.index(";", offsets[i]) + 1
            assert html.unescape(source.raw[offsets[i] : end]) == char
            aligned += 1
        else:  # unaligned: only whitespace (paragraph breaks, a collapsed source newline)
            assert char.isspace(), (i, char)
    assert aligned >= len(text) - 5
    start = text.index("张三")
    assert source.raw[offsets[start] : offsets[start + 1] + 1] == "张三"
    assert source.raw[: offsets[-1]].endswith("安排&#12290;")


def test_load_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title>空</title></head><body><script>var a;</script></body></html>")
    with pytest.raises(LoadError, match=r"blank\.html: no article text found"):
        load(path)


def test_load_jsonl_records_with_metadata_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "text": "张三到某某县调研。",
                "title": "张三调研",
                "date": "2023-05-06",
                "url": "https://news.example.com/1",
                "source": "某某日报",
            },
            ensure_ascii=False,
        ),
        json.dumps({"title": "没有正文"}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps({"text": "李四主持会议。\r\n会议强调安全。"}, ensure_ascii=False),
        "[1, 2]",
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    records, errors = load_with_errors(path)
    assert [record.source for record in records] == ["feed.jsonl#1", "feed.jsonl#5"]
    first, second = records
    assert (first.title, first.date, first.url, first.publisher) == (
        "张三调研",
        "2023-05-06",
        "https://news.example.com/1",
        "某某日报",
    )
    assert first.raw == first.text == "张三到某某县调研。"
    assert first.offsets == tuple(range(len(first.raw) + 1))
    assert (first.path, first.encoding) == (str(path), "utf-8")
    assert second.raw == "李四主持会议。\r\n会议强调安全。"
    assert (second.title, second.publisher) == (None, None)
    assert [str(error) for error in errors] == [
        f"{path} line 2: no 'text' field; each line needs {{\"text\": ...}}",
        f"{path} line 4: not valid JSON (Expecting property name enclosed in double quotes at column 2); "
        'each line needs {"text": ...}',
        f'{path} line 6: not a JSON object; each line needs {{"text": ...}}',
    ]
    assert load(path) == records


def test_load_jsonl_raises_first_error_when_no_line_loads(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"title": "甲"}\n{"text": 3}\n', encoding="utf-8")
    with pytest.raises(LoadError, match=r"feed\.jsonl line 1: no 'text' field"):
        load(path)


def test_load_reports_permission_error_for_any_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    secret = _touch(tmp_path / "secret.txt")
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(LoadError, match=r"secret\.txt: cannot read \(Permission denied\)"):
        load(secret)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("The mayor inspected the flood defences on June 1.\n" * 5, "no Chinese text; kg reads Chinese-language"),
        ("The mayor of 东城区 met 张三 on June 1 to talk about flood defences along the river.\n",
         "too little Chinese text (5 Chinese characters among 61 letters)"),
        ("张三到青山镇调研防汛工作。한국어 기사입니다\n", "not Chinese text (8 of its 20 letters are neither common"),
        ("张三到青山镇调研防汛工作。\ue000\ue001\n", "not text (2 of its 15 characters are control, private-use"),
    ],
)
def test_load_refuses_what_is_not_a_chinese_article(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match="x.txt: ") as error:
        load(path)
    assert message in str(error.value)


def test_load_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: NUL bytes, which would read as "not text"
    with pytest.raises(LoadError, match=r"huge\.txt: too large for one article \(16\.0 MB; the limit is 16 MB\)"):
        load(path)


def test_load_refuses_a_jsonl_record_too_long_for_one_article(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    long = "张三到青山镇调研。" * (MAX_ARTICLE_CHARS // 9 + 1)
    path.write_text(json.dumps({"text": long}, ensure_ascii=False) + "\n" + json.dumps({"text": SIMPLIFIED}) + "\n",
                    encoding="utf-8")
    records, errors = load_with_errors(path)
    assert [record.source for record in records] == ["feed.jsonl#2"]
    assert [str(error) for error in errors] == [
        f"{path} line 1: too long for one article ({len(long):,} characters; the limit is {MAX_ARTICLE_CHARS:,}); "
        "split it into articles, e.g. a .jsonl file with one article per line"
    ]
