"""Word segmentation with a private jieba tokenizer.

jieba's module-level tokenizer is shared by every caller in the process, so one caller's added words
change everyone's segmentation. cxtext owns a :class:`jieba.Tokenizer` instance per lexicon instead,
adds every lexicon term to it (so 爱答不理 and 隐形收费 stay whole), and rebuilds it after unpickling
(a tokenizer holds a lock and cannot be pickled).

Segmentation runs without jieba's HMM: unknown words then come out as single characters, which keeps
lexicon matching exact (the HMM happily glues 很脏 into one unknown "word") and is faster.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
from collections.abc import Iterable
from typing import Any

__all__ = ["Segmenter"]

# jieba's single-character English/digit class (jieba.re_eng): a run of them is glued into one word.
_ENG = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class Segmenter:
    """Splits normalised text into ``(token, start, end)`` triples.

    The tokenizer is built on first use; ``terms`` are added to it with a frequency just high enough
    for jieba to keep each one whole (jieba's own ``suggest_freq`` rule).
    """

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self.terms = tuple(sorted(set(terms)))
        self._lock = threading.Lock()
        self._tokenizer: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"terms": self.terms}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["terms"])  # type: ignore[misc]

    def _build(self) -> Any:
        import jieba

        from . import _cache

        # jieba attaches a DEBUG stream handler to its logger at import and reports dictionary
        # loading through it; a library must not print, so only warnings get through.
        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        # The finished frequency table is cached (see _cache): reloading it takes a fraction of the
        # seconds that building it takes.
        key = self._cache_key(jieba, tk)
        cached = _cache.load("tokenizer", key) if key else None
        if cached is not None:
            tk.FREQ, tk.total = cached
            tk.initialized = True
            return tk
        tk.initialize()
        freq, total = tk.FREQ, tk.total
        for term in self.terms:
            if len(term) < 2 or freq.get(term):
                continue
            # The smallest frequency at which the term beats its best split (jieba's suggest_freq).
            p = 1.0
            for seg in tk.cut(term, HMM=False):
                p *= freq.get(seg, 1) / total
            tk.add_word(term, max(int(p * total) + 1, 3))
            total = tk.total
        if key:
            _cache.store("tokenizer", key, (tk.FREQ, tk.total))
        return tk

    def _cache_key(self, jieba: Any, tk: Any) -> str | None:
        """What the table is built from: versions, jieba's dictionary bytes, the terms."""
        from . import __version__, _cache

        if _cache.cache_dir() is None:
            return None
        try:
            with tk.get_dict_file() as fh:
                dictionary = fh.read()
        except OSError:  # pragma: no cover - jieba's own load would fail the same way
            return None
        return _cache.cache_key(f"cxtext {__version__}", f"jieba {jieba.__version__}", dictionary,
                                "\n".join(self.terms))

    @property
    def tokenizer(self) -> Any:
        tk = self._tokenizer
        if tk is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._build()
                tk = self._tokenizer
        return tk

    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        """``(token, start, end)`` for every token of ``text``; the tokens cover the text exactly."""
        out: list[tuple[str, int, int]] = []
        pos = 0
        for tok in self.words(text):
            end = pos + len(tok)
            out.append((tok, pos, end))
            pos = end
        return out

    def words(self, text: str) -> list[str]:
        """The words of ``text``, exactly as ``tokenizer.cut(text, HMM=False)`` gives them.

        jieba's cut builds a dictionary DAG, then a route dictionary of tuples through ``max`` over
        a generator, per block; this does the same dynamic programme in one backward pass with plain
        lists, about twice as fast. The arithmetic is jieba's, term for term (``log(freq) - log(total)
        + best``, ties to the longer word), so the routes are the same to the last bit — segmentation
        is what every result rests on.
        """
        tk = self.tokenizer
        han, skip = _patterns()
        freq = tk.FREQ
        logtotal = math.log(tk.total)
        log = math.log
        out: list[str] = []
        for blk in han.split(text):
            if not blk:
                continue
            if not han.match(blk):
                for x in skip.split(blk):
                    if skip.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
                continue
            n = len(blk)
            prob = [0.0] * (n + 1)
            nxt = [0] * (n + 1)
            for k in range(n - 1, -1, -1):
                best = None
                bx = k
                i = k
                f = freq.get(blk[k])
                while f is not None:  # jieba's FREQ holds every prefix of a word, with frequency 0
                    if f:
                        p = log(f) - logtotal + prob[i + 1]
                        if best is None or p >= best:
                            best, bx = p, i
                    i += 1
                    if i == n:
                        break
                    f = freq.get(blk[k : i + 1])
                if best is None:  # no word starts here: the character alone (jieba's "or 1")
                    best = log(freq.get(blk[k]) or 1) - logtotal + prob[k + 1]
                prob[k] = best
                nxt[k] = bx + 1
            x = 0
            buf = ""
            while x < n:
                y = nxt[x]
                if y - x == 1 and blk[x] in _ENG:
                    buf += blk[x]
                else:
                    if buf:
                        out.append(buf)
                        buf = ""
                    out.append(blk[x:y])
                x = y
            if buf:
                out.append(buf)
        return out


@functools.cache
def _patterns() -> tuple[Any, Any]:
    """jieba's own block patterns, so :meth:`Segmenter.words` splits text exactly where jieba does."""
    import jieba

    return jieba.re_han_default, jieba.re_skip_default
