"""Bad input never costs good data: a directory of good and bad files, built in one run.

Every good file is built, every bad one is named with the reason, the exit code (3) says files
were skipped, and the outputs are whole.  All files are written here, in a temporary directory
(the 50 MB text too); the articles are invented.
"""

from __future__ import annotations

import codecs
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal

from kg import export
from kg.cli import main
from kg.load import MAX_ARTICLE_CHARS, MAX_FILE_BYTES, load_with_errors
from kg.vocab import OK

ARTICLE = (
    "东城区领导检查防汛工作\n"
    "2023-06-02 09:00:00  来源:东城新闻网\n\n"
    "6月1日，区委书记张三丰带队到青山镇东风村检查防汛工作，看望慰问一线人员。"
    "区委常委、宣传部部长李四海参加检查。\n"
    "张三丰强调，要压实责任。\n"
)
SCRIPTS = "\n".join(
    f'<script>var slot{i} = "<p>脚本{i}里的广告文字不是正文</p>"; document.write(slot{i});</script>' for i in range(300)
)
SCRIPTED_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>东城区领导检查防汛工作</title>
{SCRIPTS}</head><body>{SCRIPTS}
<article><h1>东城区领导检查防汛工作</h1>
<p>6月3日，区委书记张三丰带队到青山镇东风村检查防汛工作，看望慰问一线人员。区委常委、宣传部部长李四海参加检查。</p>
<p>张三丰强调，要压实责任，确保安全度汛。</p></article>{SCRIPTS}</body></html>
"""
SCRIPTS_ONLY_PAGE = f"<html><head><title>东城新闻</title></head><body>{SCRIPTS}</body></html>"
ENGLISH_PAGE = """<html><head><title>City news</title></head><body><article><h1>Mayor visits flood defences</h1>
<p>On June 1 the mayor inspected the flood defences along the river and met the workers on duty.</p>
<p>She said the city would keep the pumps running through the rainy season and thanked the volunteers.</p>
</article></body></html>"""


def article(day: int) -> str:
    return ARTICLE.replace("6月1日", f"6月{day}日")


def damaged_utf8() -> bytes:
    """A good article with two invalid bytes: it is read, with replacement characters."""
    data = article(5).encode()
    cut = data.index("检查".encode())
    return data[:cut] + b"\xff" + data[cut:-12] + b"\xc3" + data[-12:]


# name -> (bytes, None for a good file or the reason expected in the summary)
FILES: dict[str, tuple[bytes, str | None]] = {
    "good_utf8.txt": (article(1).encode(), None),
    "good_gbk.txt": (article(2).encode("gbk"), None),
    "good_utf16_bom.txt": (article(3).encode("utf-16"), None),
    "good_utf16le.txt": (article(4).encode("utf-16-le"), None),
    "good_damaged_utf8.txt": (damaged_utf8(), None),
    "good_scripted.html": (SCRIPTED_PAGE.encode(), None),
    "empty.txt": (b"", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n" + random.Random(0).randbytes(500), "not text (binary data at byte 6)"),
    "tiny_binary.txt": (b"\xdd\x77\x01\x82", "too little Chinese text"),  # reads as 2 characters of UTF-16
    "invalid_utf8.txt": (random.Random(1).randbytes(3000).translate(None, bytes(range(32))),
                         "cannot tell the text encoding"),
    "english.html": (ENGLISH_PAGE.encode(), "no Chinese text"),
    "english.txt": (b"The mayor inspected the flood defences on June 1.\n" * 20, "no Chinese text"),
    "scripts_only.html": (SCRIPTS_ONLY_PAGE.encode(), "no article text found in the HTML"),
    "secret.txt": (article(6).encode(), "cannot read (Permission denied)"),
}


@pytest.fixture()
def bad_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for name, (data, _) in FILES.items():
        (src / name).write_bytes(data)
    # 50 MB of real text: refused from its size alone, without reading it.
    with (src / "huge.txt").open("w", encoding="utf-8") as f:
        for _ in range(50 * 2**20 // len(article(7).encode()) + 1):
            f.write(article(7))
    (src / "long.txt").write_text(article(10) * (MAX_ARTICLE_CHARS // len(article(10)) + 1), encoding="utf-8")
    (src / "sub").mkdir()
    (src / "sub" / "good_nested.txt").write_text(article(8), encoding="utf-8")
    (src / "sub" / "loop").symlink_to(src, target_is_directory=True)
    (src / "sub" / "good_utf8.txt").write_text(article(9), encoding="utf-8")  # same id as ../good_utf8.txt
    (src / "locked").mkdir()
    (src / "locked" / "good_but_hidden.txt").write_text(article(11), encoding="utf-8")
    (src / "self.txt").symlink_to(src / "self.txt")
    os.mkfifo(src / "pipe.txt")

    # We run as root, who may read a file whatever its mode: refuse secret.txt and the directory
    # locked/ as the OS would refuse another user.
    read_bytes = Path.read_bytes

    def refuse_secret(path: Path) -> bytes:
        if path.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    iterdir = Path.iterdir

    def refuse_locked(path: Path):
        if path.name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return iterdir(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_secret)
    monkeypatch.setattr(Path, "iterdir", refuse_locked)
    return src


BAD = {
    **{name: reason for name, (_, reason) in FILES.items() if reason},
    "huge.txt": f"too large for one article (50.0 MB; the limit is {MAX_FILE_BYTES // 2**20} MB)",
    "long.txt": f"characters; the limit is {MAX_ARTICLE_CHARS:,}); split it into articles",
    "self.txt": "cannot read (Too many levels of symbolic links)",
    "pipe.txt": "not a regular file (a named pipe)",
    "sub/loop": "symlink loop",
    "locked": "cannot list the directory (Permission denied)",
    "sub/good_utf8.txt": "same document id 'good_utf8'",
}


def test_bad_input_never_costs_good_data(bad_dir: Path, tmp_path: Path) -> None:
    assert (bad_dir / "huge.txt").stat().st_size >= 50 * 2**20
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(bad_dir), "--out", str(out), "--quiet"])

    assert result.exit_code == 3, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    for name, reason in BAD.items():
        lines = [line for line in skipped if f"{bad_dir / name}:" in line]
        assert len(lines) == 1, (name, result.output)
        [line] = lines
        assert reason in line, line
    assert len(skipped) == len(BAD), skipped
    assert "Traceback" not in result.output

    graph = Graph().parse(out / "graph.ttl")
    built = {str(name) for name in graph.objects(None, OK.sourceFile)}
    good = {name for name, (_, reason) in FILES.items() if reason is None} | {"good_nested.txt"}
    assert built == good
    for name in good:  # each good file gave its facts, not an empty document
        doc = next(graph.subjects(OK.sourceFile, Literal(name)))
        assert len(set(graph.subjects(None, doc))) >= 3, name
    assert "脚本" not in (out / "graph.ttl").read_text(encoding="utf-8")
    written = {p.name for p in out.rglob("*")}
    assert {"graph.html", "graph.jsonld", "graph.trig", "graph.ttl", "index.html"} <= written
    assert not [name for name in written if name.endswith(".tmp")]  # no temporary file left behind
    assert len(Graph().parse(out / "graph.jsonld", format="json-ld")) == len(graph)


def test_tiny_binary_files_are_not_articles(tmp_path: Path) -> None:
    """Random bytes of any small size never load as an article, whatever they decode as."""
    rng = random.Random(5)
    path = tmp_path / "random.txt"
    accepted = []
    for size in [*range(1, 33), 64, 200, 1000]:
        for _ in range(20):
            path.write_bytes(data := rng.randbytes(size))
            if load_with_errors(path)[0]:
                accepted.append(data)
    assert accepted == []


def test_real_utf16_with_bom_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "张三到青山镇调研。".encode("utf-16-le"))
    [source], errors = load_with_errors(path)
    assert (source.raw, source.encoding, errors) == ("张三到青山镇调研。", "utf-16", [])


def test_a_failed_write_leaves_no_half_written_file(bad_dir: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(main, ["build", str(bad_dir / "good_utf8.txt"), "--out", str(out), "--quiet"])
    old_jsonld = (out / "graph.jsonld").read_bytes()
    replace = os.replace

    def disk_full_at_jsonld(src: str, dst: str | Path) -> None:
        if Path(dst).name == "graph.jsonld":
            raise OSError(28, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr(export.os, "replace", disk_full_at_jsonld)
    result = CliRunner().invoke(main, ["build", str(bad_dir), "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    assert f"cannot write the graph to {out}" in result.output and "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert (out / "graph.jsonld").read_bytes() == old_jsonld  # the previous file, whole
    written = {p.name for p in out.rglob("*")}
    assert {"graph.html", "graph.jsonld", "graph.trig", "graph.ttl", "index.html"} <= written
    assert not [name for name in written if name.endswith(".tmp")]  # no temporary file left behind
    assert len(Graph().parse(out / "graph.ttl")) > 0  # the new one, whole
