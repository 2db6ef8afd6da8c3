"""Bad input never costs good data: a directory of good and bad files, built in one run.

Every good file is built, every bad one is named with the reason, the exit code (3) says files
were skipped, and the outputs are whole.  All files are written here, in a temporary directory
(the 50 MB text too); the articles are invented.
"""

from __future__ import annotations

import codecs
import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal

from kg import export
from kg.cli import main
from kg.load import MAX_ARTICLE_CHARS, MAX_FILE_BYTES, MAX_LINE_BYTES, load_with_errors
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
    names = ("graph.ttl", "graph.jsonld", "graph.trig", "graph.html", "index.html")
    old = {name: (out / name).read_bytes() for name in names}
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
    assert {name: (out / name).read_bytes() for name in names} == old  # the previous build, whole
    written = {p.name for p in out.rglob("*")}
    assert not [name for name in written if name.endswith(".tmp")]  # no temporary file left behind
    # nor a half-written generation
    assert sorted(p.name for p in (out / ".generations").iterdir()) == ["current", "g-1", "lock"]


# --- file names, feed lines and metadata: each bad item costs itself only


def _build(inputs: list[Path], out: Path, *options: str):
    return CliRunner().invoke(main, ["build", *map(str, inputs), "--out", str(out), "--quiet", "--no-validate",
                                     *options])


def _documents(out: Path) -> dict[str, Graph]:
    """sourceFile → the document's named graph, read from graph.trig by a strict parser (Oxigraph
    refuses an invalid IRI) and by rdflib."""
    import pyoxigraph as ox
    from rdflib import Dataset

    quads = list(ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG))
    assert quads
    Graph().parse(out / "graph.ttl")
    dataset = Dataset().parse(out / "graph.trig", format="trig")
    files = {}
    for graph in dataset.graphs():
        for name in graph.objects(None, OK.sourceFile):
            files[str(name)] = graph
    return files


# names a Linux file system accepts; each is escaped where it is not valid text or IRI material
ODD_NAMES = {
    b"\xff\xfe\xb0\xa1-gbk-bytes.txt": "\\xff\\xfe\\xb0\\xa1-gbk-bytes.txt",
    b"ctl\x01\x1b-name.txt": "ctl\\x01\\x1b-name.txt",
    b"new\nline.txt": "new\\x0aline.txt",
    "非字符\ufffe与私用\ue000.txt".encode(): "非字符\\ufffe与私用\\ue000.txt",
    "空格 #井号% <尖括号>.txt".encode(): "空格 #井号% <尖括号>.txt",
}


def test_any_file_name_the_os_allows_is_built_with_a_valid_iri(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for day, name in enumerate(ODD_NAMES, 1):
        with open(os.path.join(os.fsencode(src), name), "wb") as f:
            f.write(article(day).encode())
    out = tmp_path / "out"
    result = _build([src], out)
    assert result.exit_code == 0, result.output
    assert set(_documents(out)) == set(ODD_NAMES.values())
    # the store remembers the files under the same names (files.json is UTF-8): a second build reads none again
    for _ in range(2):
        result = _build([src], out, "--store", str(tmp_path / "store"))
        assert result.exit_code == 0, result.output
    assert set(_documents(out)) == set(ODD_NAMES.values())
    assert json.loads((tmp_path / "store" / "files.json").read_text(encoding="utf-8"))


def test_a_bad_file_name_is_shown_escaped_in_the_message(tmp_path: Path) -> None:
    path = os.path.join(os.fsencode(tmp_path), b"\xffempty.txt")
    open(path, "wb").close()
    records, [error] = load_with_errors(os.fsdecode(path))
    assert records == [] and str(error) == f"{tmp_path}/\\xffempty.txt: empty file; pass an article with some text"


def _record(day: int, **fields) -> bytes:
    return json.dumps({"text": article(day), **fields}).encode()  # non-ASCII as \u escapes, as many feeds write


def test_a_bad_feed_line_costs_that_line_only(tmp_path: Path) -> None:
    lines = [
        _record(1, title="第一篇", date="2023-06-01"),                       # 1 good
        b'{"text": "' + article(2).replace("\n", "").encode() + b'\x00\x01\x02"}',  # 2 control bytes in the line
        _record(3, date="2020-13-45", url="https://example.org/3"),          # 3 good, its date dropped
        b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",               # 4 nesting too deep
        b'{"text": "' + b"\xe5\xbc" + b'"}',                                 # 5 bad UTF-8, replaced: too short
        _record(6, title=123, source=["a"], date="2023/6/6"),                # 6 good, title and source dropped
        b'{"text": "\\u0000' + json.dumps(article(7))[1:-1].encode() + b'"}',  # 7 NUL spelled in JSON
        _record(8, title="\ud800"),                                          # 8 good, a lone surrogate dropped
        b'{"text": "' + "长".encode() * (MAX_LINE_BYTES // 3 + 1) + b'"}',   # 9 over the line limit
        b'{"n": ' + b"9" * 5000 + b', "text": "x"}',                         # 10 a number too long to convert
        _record(11, date="2023-06-11T09:30:00+08:00"),                       # 11 good
    ]
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    feed.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out"
    result = _build([feed.parent], out)
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    expected = {
        2: "not text (binary data at byte",
        3: "'date' is not a date ('2020-13-45'); write YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS; dropped, the article "
           "is read without it",
        4: "not valid JSON (maximum recursion depth",
        5: "too little Chinese text",
        6: "'title' is int 123, not a string; dropped",
        7: "'text' holds a control (U+0000) at character 0",
        8: "'title' holds a lone surrogate (U+D800); dropped",
        9: f"too long (1.0 MB; a line may have {MAX_LINE_BYTES // 2**20} MB",
        10: "not valid JSON (Exceeds the limit",
    }
    expected[6.5] = "'source' is list [\"a\"], not a string; dropped"  # line 6 has two bad values
    for lineno, reason in expected.items():
        [line] = [line for line in skipped if f"{feed} line {int(lineno)}:" in line and reason in line]
    assert len(skipped) == len(expected)
    documents = _documents(out)
    assert set(documents) == {f"feed.jsonl#{n}" for n in (1, 3, 6, 8, 11)}
    published = {name: [str(o) for o in g.objects(None, OK.published)] for name, g in documents.items()}
    assert published["feed.jsonl#1"] == ["2023-06-01"] and published["feed.jsonl#6"] == ["2023-06-06"]
    assert published["feed.jsonl#11"] == ["2023-06-11T09:30:00+08:00"]
    assert "2020-13-45" not in (out / "graph.trig").read_text(encoding="utf-8")
    for graph in documents.values():  # no literal in the graph is ill-typed
        assert not [o for o in graph.objects() if isinstance(o, Literal) and o.ill_typed], graph.identifier


def test_an_oversize_feed_is_refused_with_how_to_split_it(tmp_path: Path) -> None:
    from kg.load import MAX_JSONL_BYTES

    feed = tmp_path / "big.jsonl"
    with feed.open("wb") as f:
        f.write(_record(1) + b"\n")
        f.truncate(MAX_JSONL_BYTES + 1)  # sparse: the size is what is checked, the file is not read
    records, [error] = load_with_errors(feed)
    assert records == [] and "too large for one feed (32.0 MB; the limit is 32 MB)" in str(error)
    assert "split -C 31m --additional-suffix=.jsonl big.jsonl part-" in str(error)
