"""Text normalisation that remembers where every character came from.

Customer text arrives in traditional characters, with full-width letters, runs of ``！！！``, HTML
fragments and stray control characters. Matching works on a normalised copy; results point back into
the original through :meth:`Normalized.span`, so evidence always quotes what the customer wrote.

Emoji are kept as they are: the sentiment lexicon gives the common ones a weight (👍 +1, 😡 −1.5).

Each step is a pure ``str -> str`` function (``to_halfwidth``, ``to_simplified``) so callers can reuse
them; :func:`normalize` chains them and builds the offset map.
"""

from __future__ import annotations

import html
import re
import threading
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["Normalized", "normalize", "normalize_term", "to_halfwidth", "to_simplified"]

# Full-width ASCII (U+FF01..U+FF5E) to ASCII, the ideographic space to a space, and ASCII letters to
# lower case. Every mapping is one character to one character, so offsets are unchanged.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20
_HALFWIDTH.update({cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})
_HALFWIDTH.update({cp + 0xFEE0: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})
# Full-width punctuation that Chinese text uses as its own stays full-width: ，。！？：；（） are the
# clause markers the splitter knows in both forms, and converting them would only lose information.
for _ch in "，。！？：；（）":
    _HALFWIDTH.pop(ord(_ch), None)

# Spans that are replaced: whitespace runs (one space), repeated punctuation (one mark), HTML tags
# (a space), HTML entities (the character), control characters (removed). Each alternative is a
# simple character class or a bounded repeat, so matching stays linear in the text length.
_TIDY = re.compile(
    r"(?P<ws>[\s\u200b\u200c\u200d\u2060\ufeff]{2,}|[\t\n\r\f\v\u00a0\u200b\u200c\u200d\u2060\ufeff])"
    r"|(?P<punct>([!?。，,~～！？、…·.\-=*#^_])\3+)"
    r"|(?P<tag></?[a-zA-Z][^<>]{0,200}>)"
    r"|(?P<ent>&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});)"
    r"|(?P<ctl>[\x00-\x08\x0e-\x1f\x7f])"
)

_local = threading.local()


def _converter():  # noqa: ANN202 - opencc has no type stubs
    conv = getattr(_local, "opencc", None)
    if conv is None:
        import opencc  # imported on first use: it loads dictionaries

        conv = _local.opencc = opencc.OpenCC("t2s")
    return conv


def to_halfwidth(text: str) -> str:
    """Full-width ASCII letters, digits and symbols to ASCII; ASCII letters to lower case."""
    return text.translate(_HALFWIDTH)


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese with OpenCC, keeping the length of the text.

    OpenCC converts phrase by phrase; in the rare case a phrase changes length, the text is converted
    character by character instead so that offsets stay valid.
    """
    if text.isascii():
        return text
    conv = _converter()
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:
        c = conv.convert(ch)
        chars.append(c if len(c) == 1 else ch)
    return "".join(chars)


def normalize_term(term: str) -> str:
    """Normalise a lexicon term the way document text is normalised, so the two match."""
    return to_simplified(to_halfwidth(term.strip()))


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text with the map back to the original.

    ``_norm_starts[k]``/``_orig_starts[k]`` mark where the k-th copied stretch starts in each text;
    empty when normalisation changed no lengths (the common case), and then offsets are identical.
    """

    original: str
    text: str
    _norm_starts: tuple[int, ...] = ()
    _orig_starts: tuple[int, ...] = ()

    def to_original(self, i: int) -> int:
        """Original offset of normalised character ``i``."""
        if not self._norm_starts:
            return i
        k = bisect_right(self._norm_starts, i) - 1
        if k < 0:
            return i
        return min(self._orig_starts[k] + (i - self._norm_starts[k]), len(self.original))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalised span ``[start, end)``."""
        if not self._norm_starts:
            return start, end
        if end <= start:
            s = self.to_original(start)
            return s, s
        return self.to_original(start), self.to_original(end - 1) + 1


def _tidy(text: str) -> tuple[str, list[int], list[int]]:
    pieces: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    pos = 0  # in the source
    npos = 0  # in the output
    for m in _TIDY.finditer(text):
        s, e = m.span()
        if s > pos:
            norm_starts.append(npos)
            orig_starts.append(pos)
            pieces.append(text[pos:s])
            npos += s - pos
        kind = m.lastgroup
        if kind == "ws" or kind == "tag":
            rep = " "
        elif kind == "punct":
            rep = m.group(3)
        elif kind == "ent":
            rep = html.unescape(m.group(0))
            if len(rep) != 1:
                rep = m.group(0) if rep == m.group(0) else rep[:1]
        else:
            rep = ""
        if rep:
            norm_starts.append(npos)
            orig_starts.append(s)
            pieces.append(rep)
            npos += len(rep)  # an unknown entity is kept verbatim and maps character by character
        pos = e
    if pos < len(text):
        norm_starts.append(npos)
        orig_starts.append(pos)
        pieces.append(text[pos:])
    return "".join(pieces), norm_starts, orig_starts


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching: half-width, lower-case ASCII, simplified, tidied.

    The original is kept in the result; use :meth:`Normalized.span` to map offsets back.
    """
    base = to_simplified(to_halfwidth(text))
    if _TIDY.search(base) is None:
        return Normalized(text, base)
    tidied, norm_starts, orig_starts = _tidy(base)
    return Normalized(text, tidied, tuple(norm_starts), tuple(orig_starts))
