"""Property-based checks of Analyzer.analyze on arbitrary Unicode."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxtext._normalize import normalize_term

# Mostly Chinese text with the punctuation, modifiers and oddities real reviews have.
PIECES = st.sampled_from(
    ["服务", "态度", "很", "不", "没有", "但是", "虽然", "价格", "贵", "便宜", "排队", "爱答不理", "！！！", "，", "。",
     "？", " ", "\n", "ＡＰＰ", "app", "&amp;", "<br>", "😡", "👍", "服務", "一点也不", "本以为", "12", "\x00", "\u200b"]
)
TEXT = st.one_of(st.text(max_size=80), st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=30).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_analyze_never_raises_and_stays_in_bounds(analyzer, text):
    doc = analyzer.analyze(text)
    assert doc.text == text
    assert -1.0 <= doc.score <= 1.0
    assert doc.label in ("pos", "neg", "neu")
    for agg in list(doc.factors.values()) + list(doc.themes.values()):
        assert -1.0 <= agg.polarity <= 1.0
        assert agg.mentions >= len(agg.evidence) >= 1
        for m in agg.evidence:
            assert 0 <= m.start < m.end <= len(text)
            assert normalize_term(text[m.start : m.end]) == m.term
            assert -1.0 <= m.polarity <= 1.0
    for c in doc.clauses:
        assert 0 <= c.start <= c.end <= len(text)
        assert -1.0 <= c.sentiment <= 1.0
    assert analyzer.analyze(text) == doc  # deterministic
