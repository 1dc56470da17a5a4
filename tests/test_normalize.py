from __future__ import annotations

import pytest

from cxtext._normalize import normalize, normalize_term, to_halfwidth, to_simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("這家餐廳的服務態度非常好", "这家餐厅的服务态度非常好"),
        ("ＡＰＰ很好用", "app很好用"),
        ("太差了！！！！", "太差了！"),
        ("真的。。。。无语", "真的。无语"),
        ("房间  很大\t\n干净", "房间 很大 干净"),
        ("好吃&amp;实惠", "好吃&实惠"),
        ("不错<br/>下次再来", "不错 下次再来"),
        ("点赞👍👍", "点赞👍👍"),
        ("abc", "abc"),
        ("", ""),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw",
    ["這家餐廳！！！服務  很好&amp;價格<b>實惠</b>", "ＡＢＣ　ｄｅｆ。。。好", "\x00控制\x07字符", "正常文本"],
)
def test_offsets_map_back_into_the_original(raw):
    n = normalize(raw)
    for start in range(len(n.text)):
        for end in range(start + 1, len(n.text) + 1):
            s, e = n.span(start, end)
            assert 0 <= s <= e <= len(raw)
    # a Chinese character that survived normalisation maps onto its original (converted) self
    for i, ch in enumerate(n.text):
        if "\u4e00" <= ch <= "\u9fff":
            s, e = n.span(i, i + 1)
            assert to_simplified(raw[s:e]) == ch


def test_pure_steps():
    assert to_halfwidth("ＡＢＣ１２３　") == "abc123 "
    assert to_halfwidth("，。！？") == "，。！？"  # Chinese punctuation stays as the clause splitter knows it
    assert to_simplified("後來") == "后来"
    assert normalize_term(" 服務態度 ") == "服务态度"
