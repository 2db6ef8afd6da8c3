"""Tests for kg.normalise: pinyin glosses, mojibake, Traditional input, page furniture, bylines.

Every sentence here is written for the tests, with invented names (张三, 李四 …) and places
(东城区, 青山镇 …).  Most tests also check that each kept character of the Page still points
at the same character of the raw file (``assert_aligned``).
"""

from __future__ import annotations

import dataclasses

import pytest

from kg import normalise as normalise_module
from kg.model import Page, SourceText
from kg.normalise import MASK, mask_mojibake, normalise, parse_byline, strip_glosses, to_simplified

BODY = "5月5日，东城区委书记张三来到青山镇调研防汛工作。\n他强调，要压实责任，确保安全度汛。\n"
BODY_HANT = "5月5日，東城區委書記張三來到青山鎮調研防汛工作。\n他強調，要壓實責任，確保安全度汛。\n"
TEASER = "孙七到西城区检查安全生产\n周八在北塘街道走访企业\n"


def source(text: str, **metadata: str) -> SourceText:
    return SourceText(source="x.txt", path="x.txt", raw=text, encoding="utf-8", text=text,
                      offsets=tuple(range(len(text) + 1)), **metadata)


def assert_aligned(page: Page) -> None:
    """Each kept character maps back to itself in the raw file; masked characters read MASK."""
    assert len(page.text) == len(page.original) == len(page.offsets) - 1
    masked = {i for a, b in page.masked for i in range(a, b)}
    for i, ch in enumerate(page.original):
        if ch == "\n":
            assert page.text[i] == "\n"
        elif i in masked:
            assert ch == page.text[i] == MASK, (i, ch)
        else:
            assert page.source.raw[page.offsets[i]] == ch, (i, ch, page.source.raw[page.offsets[i]])
    assert list(page.offsets) == sorted(page.offsets)
    assert 0 <= page.offsets[-1] <= len(page.source.raw)


def page_of(text: str, **metadata: str) -> Page:
    page = normalise(source(text, **metadata))
    assert_aligned(page)
    return page


def kinds(page: Page) -> list[tuple[str, str]]:
    return [(b.kind, page.text[b.start:b.end]) for b in page.blocks]


def credits(page: Page) -> list[tuple[str, str]]:
    return [(b.name, b.role) for b in page.bylines]


def test_assert_aligned_notices_a_shifted_offset() -> None:
    page = page_of(BODY)
    shifted = dataclasses.replace(page, offsets=(page.offsets[0] + 1, *page.offsets[1:]))
    with pytest.raises(AssertionError):
        assert_aligned(shifted)


def test_offsets_compose_with_the_source_offsets() -> None:
    """An HTML page: the loaded text is not the raw file, and the Page maps through both."""
    title, para = "東城區召開會議", "張三實(shí)現了目標。"
    raw = f"<h1>{title}</h1><p>{para}</p>"
    t0, p0 = raw.index(title), raw.index(para)
    offsets = (*range(t0, t0 + len(title) + 1), *range(p0, p0 + len(para) + 2))
    text = title + "\n" + para + "\n"
    page = normalise(SourceText(source="x.html", path="x.html", raw=raw, encoding="utf-8", text=text,
                                offsets=offsets))
    assert_aligned(page)
    assert page.text == "东城区召开会议\n张三实现了目标。\n"
    start = page.text.index("张三")
    assert page.raw_span(start, start + 2) == (p0, p0 + 2)
    assert page.raw_slice(start, start + 2) == "張三"


# ---------------------------------------------------------------- pinyin glosses

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("實(shí)現(xiàn)目標", "實現目標"),
        ("實（shí）現（xiàn）目標", "實現目標"),  # full-width parentheses
        ("张三来到东城(chéng)区调研", "张三来到东城区调研"),
        ("绿(lǜ)水村", "绿水村"),
        ("會(huì)議(yì)，張三說(shuō)", "會議，張三說"),
        # untoned syllables go too once the text is clearly glossed (three toned glosses)
        ("實(shí)現(xian)發(fā)展(zhǎn)", "實現發展"),
        # spaces next to Chinese punctuation go as well: they split a title chain (市委常委 、副市长)
        ("市委常委 、副市長李立國", "市委常委、副市長李立國"),
        ("張三說 ， 要抓好落實", "張三說，要抓好落實"),
    ],
)
def test_strip_glosses_removes_pinyin(text: str, expected: str) -> None:
    stripped, index = strip_glosses(text)
    assert stripped == expected
    assert len(index) == len(stripped) + 1
    assert index[-1] == len(text)
    assert all(text[index[i]] == ch for i, ch in enumerate(stripped))


@pytest.mark.parametrize(
    "text",
    [
        "张三(AV)走访",
        "会议(2022)召开",
        "第(一)部分",
        "暂行办法(试行)",
        "实(shi)现发展",  # untoned and alone: may be an abbreviation, not a gloss
        "版本2(shí)",  # not after a Chinese character
        "青山镇(qingshanzhen)",  # longer than a syllable
        "东城区(Dōng)",  # capitalised: a romanised name, not a gloss
    ],
)
def test_strip_glosses_keeps_other_parentheses(text: str) -> None:
    assert strip_glosses(text) == (text, list(range(len(text) + 1)))


def test_normalise_removes_glosses_and_keeps_offsets() -> None:
    raw = "東城區委書記張三實(shí)現(xiàn)了目標(biāo)，青山鎮(zhèn)代表李四參(cān)加。\n"
    page = page_of(raw)
    assert page.text == "东城区委书记张三实现了目标，青山镇代表李四参加。\n"
    assert page.original == "東城區委書記張三實現了目標，青山鎮代表李四參加。\n"
    assert page.raw_slice(page.text.index("李四"), page.text.index("李四") + 2) == "李四"
    start = page.text.index("实现")
    assert page.raw_slice(start, start + 2) == "實(shí)現"  # the span keeps the gloss between


def test_normalise_keeps_parentheses_that_are_not_glosses() -> None:
    page = page_of("东城区(2022)工作报告(试行)由张三起草，李四审定。\n")
    assert page.text == "东城区(2022)工作报告(试行)由张三起草，李四审定。\n"


# ---------------------------------------------------------------- mojibake

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a broken pinyin gloss: the "(" was eaten and the character before it is garbled
        ("某某日?qǐng)?bào)记者张三报道", "某某" + MASK * 12 + "记者张三报道"),
        # "?" followed by rare characters: the run and the character before it
        ("张三来到?鍦嗗湀鍒?青山镇", "张三来" + MASK * 7 + "青山镇"),
        # "?" followed by katakana
        ("李四说?アイウ王五来到", "李四" + MASK * 5 + "王五来到"),
        ("张三说\ufffd李四来到", "张三" + MASK * 2 + "李四来到"),
        ("\ufffd\ufffd李四来到", MASK * 2 + "李四来到"),
    ],
)
def test_mask_mojibake_masks_garbled_runs(text: str, expected: str) -> None:
    masked, spans = mask_mojibake(text)
    assert masked == expected
    assert len(masked) == len(text)
    assert spans == [(expected.index(MASK), expected.rindex(MASK) + 1)]


@pytest.mark.parametrize(
    "text",
    [
        "情况如何?张三走进青山镇",
        "物资够用吗?排水泵站怎样运转?李四逐一询问",
        "情況如何?張三走進青山鎮",  # Traditional characters are not rare
        "张三问:为什么?李四答",
        "What?张三笑了",
        "你是谁?张燚说",  # one rare character in a name is not mojibake
        "张三?李四?王五",
    ],
)
def test_mask_mojibake_keeps_question_marks(text: str) -> None:
    assert mask_mojibake(text) == (text, [])


def test_mask_mojibake_stops_at_line_ends() -> None:
    masked, spans = mask_mojibake("张三来到?鍦嗗\n李四陪同")
    assert masked == "张三来" + MASK * 4 + "\n李四陪同"
    assert spans == [(3, 7)]


def test_normalise_masks_mojibake_in_page() -> None:
    raw = "某某网5月6日讯(某某日?qǐng)?bào)记者 张三) 东城区委书记李四来到青山镇调研。\n王五陪同?アイウ。\n"
    page = page_of(raw)
    assert len(page.masked) == 2
    for a, b in page.masked:
        assert page.text[a:b] == MASK * (b - a)
        assert page.original[a:b] == MASK * (b - a)
    assert "qǐng" not in page.text and "ア" not in page.text
    assert "东城区委书记李四来到青山镇调研。" in page.text
    assert credits(page) == [("张三", "记者")]


# ---------------------------------------------------------------- Traditional and Simplified

def test_normalise_converts_traditional_and_keeps_the_original() -> None:
    raw = "東城區召開防汛工作會議\n" + BODY_HANT
    page = page_of(raw)
    assert page.script == "zh-Hant"
    assert page.text == "东城区召开防汛工作会议\n" + BODY
    assert page.original == raw
    assert len(page.text) == len(page.original)
    assert page.title == "东城区召开防汛工作会议"


@pytest.mark.parametrize(
    ("raw", "script"),
    [
        (BODY, "zh-Hans"),
        (BODY_HANT, "zh-Hant"),
        ("东城区委書記张三来到青山镇调研。\n", "zh-Hans"),  # one stray Traditional character
    ],
)
def test_normalise_detects_script(raw: str, script: str) -> None:
    page = page_of(raw)
    assert page.script == script
    if script == "zh-Hans":
        assert page.original == raw


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("東城區委書記張三", "东城区委书记张三"),
        ("頭髮與乾燥", "头发与干燥"),
        ("「張三」說：會議結束。\n李四說：好。", "「张三」说：会议结束。\n李四说：好。"),
        ("东城区委书记张三", "东城区委书记张三"),
    ],
)
def test_to_simplified_converts_and_keeps_length(text: str, expected: str) -> None:
    assert to_simplified(text) == expected


def test_to_simplified_keeps_length_when_a_phrase_would_shrink(monkeypatch: pytest.MonkeyPatch) -> None:
    class Shrinking:
        """A converter that maps the phrase 東城 to one character, as phrase tables may."""

        def convert(self, text: str) -> str:
            return text.replace("東城", "东").replace("區", "区").replace("張", "张").replace("長", "长")

    monkeypatch.setattr(normalise_module, "_t2s", Shrinking)
    # only the line that would shrink falls back to one character at a time
    assert to_simplified("東城區的張三\n區長張三") == "東城区的张三\n区长张三"


# ---------------------------------------------------------------- page furniture

@pytest.mark.parametrize(
    "spam",
    [
        "免费看精品_在线观看一区二区",
        "成人日韩AV中文字幕",
        "亚洲综合 中文字幕 精品",
        "精品免费看！在线观看",
    ],
)
def test_spam_title_lines_are_dropped(spam: str) -> None:
    page = page_of(spam + "\n东城区召开防汛工作会议\n" + BODY)
    assert page.text == "东城区召开防汛工作会议\n" + BODY
    assert page.title == "东城区召开防汛工作会议"


@pytest.mark.parametrize(
    "line",
    [
        "东城区成人教育中心推出一批精品课程，张三到场指导。",  # two spam words in a sentence
        "青山镇精品民宿走红",  # one spam word in a heading
    ],
)
def test_ordinary_lines_with_spam_words_are_kept(line: str) -> None:
    page = page_of(BODY + line + "\n")
    assert line in page.text


def test_breadcrumb_gives_publisher_and_is_not_body() -> None:
    page = page_of("您所在的位置:某某新闻网 >> 资讯 >> 正文\n东城区召开防汛工作会议\n" + BODY)
    assert page.publisher == "某某新闻网"
    assert "资讯" not in page.text and "您所在的位置" not in page.text
    assert page.title == "东城区召开防汛工作会议"


def test_header_meta_line_gives_published_and_publisher() -> None:
    page = page_of("东城区召开防汛工作会议\n2023-05-06 10:20:30  来源:某某日报  【字号 大 中 小】\n" + BODY)
    assert page.published == "2023-05-06T10:20:30"
    assert page.publisher == "某某日报"
    assert page.text == "东城区召开防汛工作会议\n" + BODY
    assert [k for k, _ in kinds(page)] == ["title", "paragraph", "paragraph"]


@pytest.mark.parametrize(
    ("meta", "published"),
    [
        ("发布时间：2023年5月6日 08:05", "2023-05-06T08:05:00"),
        ("2023/05/06 来源：某某日报", "2023-05-06"),
        ("2023.5.6", "2023-05-06"),
    ],
)
def test_header_date_formats(meta: str, published: str) -> None:
    page = page_of("东城区召开防汛工作会议\n" + meta + "\n" + BODY)
    assert page.published == published
    assert meta not in page.text


def test_dateline_gives_month_day_publisher_and_reporter() -> None:
    page = page_of("东城区召开防汛工作会议\n某某网5月6日讯(记者 张三) 5日，东城区委书记李四来到青山镇调研。\n")
    assert page.published == "--05-06"
    assert page.publisher == "某某网"
    assert credits(page) == [("张三", "记者")]
    [byline] = page.bylines
    assert page.text[byline.start:byline.end] == "张三"
    assert page.raw_slice(byline.start, byline.end) == "张三"
    assert "李四来到青山镇调研" in page.text


def test_full_date_wins_over_dateline() -> None:
    page = page_of("2023-05-06 10:20:30 来源:某某日报\n某某网5月6日讯(记者 张三) 东城区委书记李四来到青山镇调研。\n")
    assert page.published == "2023-05-06T10:20:30"
    assert page.publisher == "某某日报"


def test_source_metadata_wins() -> None:
    page = page_of("东城区召开会议\n2023-05-06 来源:某某日报\n" + BODY,
                   title="官方标题", date="2024-01-02", publisher="某某电视台")
    assert (page.title, page.published, page.publisher) == ("官方标题", "2024-01-02", "某某电视台")
    assert [k for k, _ in kinds(page)] == ["heading", "paragraph", "paragraph"]


@pytest.mark.parametrize(
    "marker",
    [
        "相关新闻",
        "猜你喜欢",
        "上一篇：孙七到西城区检查安全生产",
        "分享到：",
        "© 2023 某某新闻网 版权所有",
        "某某新闻网 版权所有 未经授权不得转载",
        "备案号：某ICP备12345678号",
        "【相关阅读】",
        "上一篇：孙七到西城区检查安全生产工作并主持召开全区安全生产工作推进会议暨第二季度形势分析会",
    ],
)
def test_everything_after_a_cut_line_is_dropped(marker: str) -> None:
    page = page_of("东城区召开防汛工作会议\n" + BODY + marker + "\n" + TEASER + "记者 郑十\n")
    assert page.text == "东城区召开防汛工作会议\n" + BODY
    assert "孙七" not in page.text and "周八" not in page.text
    assert page.bylines == []


def test_cut_words_before_the_body_do_not_cut() -> None:
    page = page_of("分享到：\n东城区召开防汛工作会议\n" + BODY)
    assert page.text == "东城区召开防汛工作会议\n" + BODY


@pytest.mark.parametrize(
    "line",
    [
        "已有12个村完成改造。",
        "关键词是落实，张三说。",
        "青山镇已完成备案号登记的企业有5家，李四逐一走访。",
    ],
)
def test_body_sentences_that_start_like_furniture_are_kept(line: str) -> None:
    page = page_of(BODY + line + "\n王五陪同调研。\n")
    assert page.text == BODY + line + "\n王五陪同调研。\n"


@pytest.mark.parametrize("line", ["【字号 大 中 小】", "打印本页 关闭窗口", "[摘要] 东城区召开防汛工作会议"])
def test_furniture_lines_are_dropped(line: str) -> None:
    page = page_of("东城区召开防汛工作会议\n" + line + "\n" + BODY)
    assert page.text == "东城区召开防汛工作会议\n" + BODY


def test_body_sentence_with_a_furniture_word_is_kept() -> None:
    line = "张三走访青山镇老字号企业，详细了解经营情况。"
    page = page_of(BODY + line + "\n")
    assert line in page.text


def test_repeated_lines_become_captions() -> None:
    caption = "张三在青山镇检查防汛物资"
    page = page_of("东城区召开防汛工作会议\n" + BODY + caption + "\n李四到绿水村走访。\n" + caption
                   + "\n(资料图)\n王五陪同。\n")
    assert kinds(page) == [
        ("title", "东城区召开防汛工作会议"),
        ("paragraph", "5月5日，东城区委书记张三来到青山镇调研防汛工作。"),
        ("paragraph", "他强调，要压实责任，确保安全度汛。"),
        ("caption", caption),
        ("paragraph", "李四到绿水村走访。"),
        ("caption", caption),
        ("caption", "(资料图)"),
        ("paragraph", "王五陪同。"),
    ]


def test_title_repeated_as_image_caption_is_still_the_title() -> None:
    title = "东城区领导走访慰问环卫工人"
    page = page_of(title + "\n" + BODY + title + "\n李四到绿水村走访。\n" + title + "\n")
    assert page.title == title
    assert [k for k, _ in kinds(page)] == ["title", "paragraph", "paragraph", "caption", "paragraph", "caption"]


def test_short_lines_become_headings_and_the_first_is_the_title() -> None:
    page = page_of("今日关注!东城区召开防汛工作会议\n压实责任 确保安全度汛\n" + BODY
                   + "一、抓好隐患排查\n李四到绿水村检查。\n")
    assert page.title == "东城区召开防汛工作会议"
    assert [k for k, _ in kinds(page)] == ["title", "heading", "paragraph", "paragraph", "heading", "paragraph"]


def test_leading_bullets_are_not_text() -> None:
    raw = "  \u3000□ 张三到青山镇调研。\n"
    page = page_of(raw)
    assert page.text == "张三到青山镇调研。\n"
    assert page.offsets[0] == raw.index("张")


def test_windows_line_ends() -> None:
    raw = ("东城区召开防汛工作会议\r\n\r\n" + BODY.replace("\n", "\r\n") + "记者 郑十\r\n相关新闻\r\n"
           + TEASER.replace("\n", "\r\n"))
    page = page_of(raw)
    assert page.text == "东城区召开防汛工作会议\n" + BODY + "记者 郑十\n"
    assert page.title == "东城区召开防汛工作会议"
    assert [k for k, _ in kinds(page)] == ["title", "paragraph", "paragraph", "byline"]
    assert credits(page) == [("郑十", "记者")]


def test_blocks_slice_the_raw_lines() -> None:
    raw = "东城区召开防汛工作会议\n\n" + BODY + "责任编辑：郑十"
    page = page_of(raw)
    for block in page.blocks:
        assert page.raw_slice(block.start, block.end) in raw.split("\n")
    assert page.offsets[-1] == len(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "\n\n",
        "  \u3000\n",
        "您所在的位置:某某新闻网 >> 资讯 >> 正文\n2023-05-06 10:20:30 来源:某某日报\n",
        "免费看精品_在线观看一区二区\n【字号 大 中 小】\n",
    ],
)
def test_empty_body_does_not_crash(raw: str) -> None:
    page = page_of(raw)
    assert page.text == ""
    assert page.blocks == [] and page.bylines == []
    assert page.offsets == (0,)


# ---------------------------------------------------------------- bylines

@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("记者丨张三编辑丨李四审核丨王五 赵六",
         [("张三", "记者"), ("李四", "编辑"), ("王五", "审核"), ("赵六", "审核")]),
        ("实习记者 张三 记者 李四 通讯员 王五 赵六",
         [("张三", "实习记者"), ("李四", "记者"), ("王五", "通讯员"), ("赵六", "通讯员")]),
        ("来源:某某日报记者 张三 文 李四 图", [("张三", "记者"), ("李四", "摄影")]),
        ("孙七 周八 /文", [("孙七", "作者"), ("周八", "作者")]),
        ("(市委报道组 吴九)", [("吴九", "市委报道组")]),
        ("责任编辑:郑十", [("郑十", "责任编辑")]),
        ("本报记者 张三 摄影 李四", [("张三", "记者"), ("李四", "摄影")]),
        ("编辑：欧阳春", [("欧阳春", "编辑")]),
        ("记者 张三 通讯员 李四、王五", [("张三", "记者"), ("李四", "通讯员"), ("王五", "通讯员")]),
        ("张三 摄", [("张三", "摄影")]),
        ("文/张三 图/李四", [("张三", "作者"), ("李四", "摄影")]),
        ("图：李四", [("李四", "摄影")]),
    ],
)
def test_parse_byline_credits(line: str, expected: list[tuple[str, str]]) -> None:
    found, _ = parse_byline(line)
    assert [(name, role) for name, role, _, _ in found] == expected


def test_parse_byline_offsets() -> None:
    line = "实习记者 张三 记者 李四"
    found, unexplained = parse_byline(line, 100)
    assert unexplained == 0
    for name, _, start, end in found:
        assert line[start - 100:end - 100] == name


@pytest.mark.parametrize(
    "line",
    [
        "记者了解到，张三书记来到青山镇。",
        "张三对记者说，李四很好。",
        "审核通过后，张三将上岗。",
        "编辑部主任张三说，李四很好。",
    ],
)
def test_body_sentence_mentioning_a_role_is_not_a_byline(line: str) -> None:
    page = page_of(BODY + line + "\n")
    assert kinds(page)[-1] == ("paragraph", line)
    assert page.bylines == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("记者丨张三编辑丨李四审核丨王五 赵六",
         [("张三", "记者"), ("李四", "编辑"), ("王五", "审核"), ("赵六", "审核")]),
        ("□ 实习记者 张三 记者 李四 通讯员 王五 赵六",
         [("张三", "实习记者"), ("李四", "记者"), ("王五", "通讯员"), ("赵六", "通讯员")]),
        ("孙七 周八 /文", [("孙七", "作者"), ("周八", "作者")]),
        ("(市委报道组 吴九)", [("吴九", "市委报道组")]),
        ("责任编辑:郑十", [("郑十", "责任编辑")]),
    ],
)
def test_byline_lines_become_byline_blocks(line: str, expected: list[tuple[str, str]]) -> None:
    page = page_of("东城区召开防汛工作会议\n" + BODY + line + "\n")
    assert kinds(page)[-1][0] == "byline"
    assert credits(page) == expected
    for byline in page.bylines:
        assert page.text[byline.start:byline.end] == byline.name
        assert page.raw_slice(byline.start, byline.end) == byline.original
    assert "张三来到青山镇" in page.text


def test_traditional_byline_keeps_the_original_spelling() -> None:
    page = page_of(BODY_HANT + "記者 張三 通訊員 趙六\n責任編輯：鄭十\n")
    assert [(b.name, b.original, b.role) for b in page.bylines] == [
        ("张三", "張三", "记者"), ("赵六", "趙六", "通讯员"), ("郑十", "鄭十", "责任编辑")]


def test_trailing_source_byline_gives_publisher() -> None:
    page = page_of("东城区召开防汛工作会议\n" + BODY + "来源:某某日报记者 张三 文 李四 图\n")
    assert page.publisher == "某某日报"
    assert credits(page) == [("张三", "记者"), ("李四", "摄影")]


def test_parenthesised_credit_in_the_first_paragraph() -> None:
    page = page_of("东城区召开防汛工作会议\n(记者 张三 通讯员 李四) 5日，东城区委书记王五来到青山镇调研。\n")
    assert credits(page) == [("张三", "记者"), ("李四", "通讯员")]
    assert kinds(page)[-1][0] == "paragraph"


def test_breadcrumb_home_link_is_not_the_publisher():
    text = "首页 > 东城新闻网 > 正文\n东城区召开会议\n张三主持会议。\n"
    page = normalise(SourceText("x.txt", "x.txt", text, "utf-8", text, tuple(range(len(text) + 1))))
    assert page.publisher == "东城新闻网"


def test_header_line_opening_with_an_outlet_names_the_publisher():
    text = "青州日报 2023年09月21日 第01版\n\n东城区召开会议\n\n张三主持会议。\n"
    page = normalise(SourceText("x.txt", "x.txt", text, "utf-8", text, tuple(range(len(text) + 1))))
    assert page.publisher == "青州日报"
    assert page.published == "2023-09-21"


def test_a_header_date_that_is_no_real_date_gives_no_publication_date(page_of) -> None:
    page = page_of("2020-13-45 09:00:00 来源：青山日报\n\n县长张三丰到青山镇检查工作。\n")
    assert page.published is None
    real = page_of("2020-12-25 09:00:00 来源：青山日报\n\n县长张三丰到青山镇检查工作。\n")
    assert real.published == "2020-12-25T09:00:00"
