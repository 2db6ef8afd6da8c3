"""Property-based tests of normalisation: it never crashes, and offsets always point back.

Hypothesis writes the inputs: any Unicode string, and strings built from the pieces that
make normalisation work hard (Traditional characters, pinyin glosses, mojibake marks,
furniture words, bylines, dates, bullets, Windows line ends).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.model import Page, SourceText
from kg.normalise import MASK, normalise, strip_glosses, to_simplified

PIECES = [
    "张三", "李四", "東城區", "书记", "書記", "調研", "检查", "区委", "青山镇", "會議", "实(shí)", "現（xiàn）",
    "(zhàn)", "(AV)", "?", "\ufffd", "?qǐng)", "斬?cái)", "〓", "。", "，", "！", "、", "：", "(", ")", "（", "）",
    "\n", "\r\n", "\u3000", " ", "□", "●", "·", "来源：东城新闻网", "记者 王五", "编辑：赵六", "责任编辑", "上一篇：",
    "【相关阅读】", "首页 > 新闻", "2023年5月6日", "5月6日电", "2023-05-06 09:00:00", "06-01", "分享到", "版权所有",
    "a", "Z", "1", "\t", "&amp;", "𠀀", "\u200b", "\ufeff",
]
news_like = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
any_text = st.text(max_size=200)


def source(text: str) -> SourceText:
    return SourceText(source="x.txt", path="x.txt", raw=text, encoding="utf-8", text=text,
                      offsets=tuple(range(len(text) + 1)))


def assert_points_back(page: Page) -> None:
    """Every kept character maps to the same character of the raw text (masked ones read MASK)."""
    raw = page.source.raw
    assert len(page.text) == len(page.original) == len(page.offsets) - 1
    masked = {i for a, b in page.masked for i in range(a, b)}
    for i, char in enumerate(page.original):
        if char == "\n":
            assert page.text[i] == "\n"
        elif i in masked:
            assert char == page.text[i] == MASK
        else:
            assert raw[page.offsets[i]] == char, (i, char)
    assert list(page.offsets) == sorted(page.offsets)
    assert 0 <= page.offsets[-1] <= len(raw)
    for block in page.blocks:
        start, end = page.raw_span(block.start, block.end)
        assert 0 <= start <= end <= len(raw)


# KG_HYPOTHESIS_EXAMPLES=5000 for a longer search than the suite's.
FAST = settings(max_examples=int(os.environ.get("KG_HYPOTHESIS_EXAMPLES", "200")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(any_text)
def test_normalise_never_crashes_and_points_back_on_any_string(text: str) -> None:
    assert_points_back(normalise(source(text)))


@FAST
@given(news_like)
def test_normalise_points_back_on_news_like_text(text: str) -> None:
    assert_points_back(normalise(source(text)))


@FAST
@given(st.one_of(any_text, news_like))
def test_strip_glosses_keeps_an_index_into_the_original(text: str) -> None:
    stripped, index = strip_glosses(text)
    assert len(index) == len(stripped) + 1 and index[-1] == len(text)
    assert all(text[index[i]] == char for i, char in enumerate(stripped))


@FAST
@given(st.one_of(any_text, news_like))
def test_to_simplified_keeps_the_length(text: str) -> None:
    assert len(to_simplified(text)) == len(text)
