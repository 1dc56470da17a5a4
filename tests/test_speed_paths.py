"""The fast paths give exactly what the straightforward code they replace gives."""

from __future__ import annotations

import pytest

from cxtext import Analyzer

TEXTS = [
    "",
    "服务态度很好，但是价格太贵了！",
    "排队排了一个多小时才吃上，服务员还爱答不理的，气死我了",
    "Wi-Fi 3.5 元/小时，不贵；iPhone15 的屏幕 OK",
    "房间干净 卫生间有点小\r\n早餐一般\t前台小姐姐热情",
    "😀好吃！！！下次还来～～ 外卖小哥送得快",
    "ＡＢＣ全角字母和１２３数字，C++ 和 C# 也行 50% off",
    "本以为很好吃，结果一般般，不是很满意。说好的赠品也没有",
    "隐形收费太坑了,打了10086客服电话三次都没解决.",
    "a", "。。。", "好" * 200,
]


@pytest.fixture(scope="module")
def segmenter():
    return Analyzer()._segmenter


@pytest.mark.parametrize("text", TEXTS)
def test_words_are_jiebas_cut(segmenter, text):
    assert segmenter.words(text) == list(segmenter.tokenizer.cut(text, HMM=False))


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_cover_the_text(segmenter, text):
    tokens = segmenter.tokens(text)
    assert "".join(t for t, _, _ in tokens) == text
    assert all(text[s:e] == t for t, s, e in tokens)


def test_model_score_is_the_feature_dictionary_score():
    from cxtext._sentiment import features

    an = Analyzer(sentiment="model")
    model = an._sentiment_model()
    for text in TEXTS[1:]:
        norm, tokens, results, _, opinions = an.prepare(text)
        fast = model.score(norm.text, tokens, results, opinions)
        assert fast == model.score_features(features(norm.text, tokens, results), opinions)
