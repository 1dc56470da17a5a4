"""Speech-recognition text made fit for analysis, with every character traced back to the original.

Transcripts from speech recognition come without punctuation, with fillers (嗯, 啊, 呃, 那个) and
stuttered words (我我我, 好的好的). Two views are built from a turn's text, each with an index map so
that evidence can quote what the transcript actually says:

- :func:`clean` keeps the words and turns pauses into clause breaks: a filler between words becomes
  ``，`` (a speaker filling a pause has ended a clause), stutters collapse to one copy, and spaces
  between single words (word-level ASR output) are dropped while spaces between phrases stay breaks.
  This is what the sentiment analysis reads.
- :func:`compact` drops fillers, spaces and punctuation altogether, so that a service formula such as
  请问有什么可以帮您 is found in ``请问 嗯 有什么 可以 帮您`` too. This is what phrase rules read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Mapped", "clean", "compact", "FILLERS"]

# Interjections that carry no content in service calls. 唉/哎 (sighs) are kept: they carry feeling.
# 额 is a filler only when it stands alone (额度, 限额, 金额 are words a bank call needs).
FILLERS = ("嗯", "啊", "呃", "唔", "噢", "哦", "喔", "欸", "诶")
_FILLER_CLASS = "".join(FILLERS)
# 那个/这个 as hesitation: at the start of the turn or right after another filler or pause.
_FILLER = re.compile(
    rf"[{_FILLER_CLASS}]+"
    rf"|(?:^|(?<=[\s，,。？?！!{_FILLER_CLASS}]))(?:那个|这个|就是说|额)+(?=[\s，,。？?！!{_FILLER_CLASS}]|$)"
    rf"|(?:^|(?<=[\s，,。？?！!{_FILLER_CLASS}]))(?:那个|这个)(?=[我你他她您就是这那{_FILLER_CLASS}])"
)
# Stutters: one character said three times or more (我我我), or a word of 2-4 characters said twice or
# more in a row (好的好的, 没有没有). 谢谢, 看看, 慢慢 are words, not stutters, and stay.
_STUTTER = re.compile(r"(..{1,3}?)\1+|(.)\2{2,}")
_NUMBERISH = re.compile(r"[0-9a-zA-Z零一二三四五六七八九十幺两]")
_PUNCT = re.compile(r"[\s\u3000，,。.？?！!、；;：:~～…—\-\"'“”‘’()（）\[\]【】]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class Mapped:
    """Text derived from an original, with ``index[i]`` the original offset of character ``i``."""

    text: str
    index: tuple[int, ...]
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``(start, end)`` of the derived span ``[start, end)``."""
        if not self.index:
            return 0, 0
        if start >= len(self.index):
            return self.original_length, self.original_length
        s = self.index[start]
        e = self.index[end - 1] + 1 if end > start else s
        return s, e


def _apply(text: str, index: list[int], pattern: re.Pattern[str], repl) -> tuple[str, list[int]]:  # noqa: ANN001
    """Replace every match of ``pattern`` by ``repl(match)``; the replacement maps to the match's start."""
    out: list[str] = []
    out_index: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        out_index.extend(index[pos : m.start()])
        r = repl(m)
        out.append(r)
        # A kept prefix of the match (a stutter's first copy) keeps its own offsets.
        if r and text[m.start() : m.start() + len(r)] == r:
            out_index.extend(index[m.start() : m.start() + len(r)])
        else:
            out_index.extend([index[m.start()]] * len(r))
        pos = m.end()
    out.append(text[pos:])
    out_index.extend(index[pos:])
    return "".join(out), out_index


def _destutter(m: re.Match[str]) -> str:
    unit = m.group(1) or m.group(2)
    # Numbers are never stutters: 工号1010 and 幺零幺零 are said that way on purpose.
    if _NUMBERISH.search(unit) or (m.group(1) and _PUNCT.search(unit)):
        return m.group(0)
    return unit


def _spaces_are_word_breaks(text: str) -> bool:
    """ASR systems that space every word give pieces of one or two characters on average."""
    pieces = [p for p in text.split() if p]
    if len(pieces) < 3:
        return False
    return sum(len(p) for p in pieces) / len(pieces) <= 2.2


def clean(text: str) -> Mapped:
    """The text with fillers turned into clause breaks, stutters collapsed, word-level spaces dropped."""
    index = list(range(len(text)))
    out = text
    if _spaces_are_word_breaks(out):
        out, index = _apply(out, index, re.compile(r"(?<=[\u3400-\u9fff])[ \u3000]+(?=[\u3400-\u9fff])"), lambda m: "")
    out, index = _apply(out, index, _FILLER, lambda m: "，")
    out, index = _apply(out, index, _STUTTER, _destutter)
    # Tidy the breaks the fillers left: no leading break, one break in a row.
    out, index = _apply(out, index, re.compile(r"^[，\s]+|(?<=[，,。？?！!])[，\s]+|[，\s]+(?=[，,。？?！!]|$)"), lambda m: "")
    return Mapped(out, tuple(index), len(text))


def compact(text: str) -> Mapped:
    """The words alone: no fillers, no spaces, no punctuation, stutters collapsed; ASCII lower-cased."""
    index = list(range(len(text)))
    out, index = _apply(text, index, _FILLER, lambda m: " ")
    out, index = _apply(out, index, _PUNCT, lambda m: "")
    out, index = _apply(out, index, _STUTTER, _destutter)
    return Mapped(out.lower(), tuple(index), len(text))


def has_chinese(text: str) -> bool:
    """Whether the text holds any CJK ideograph."""
    return _CJK.search(text) is not None
