"""Word segmentation with a private jieba tokenizer.

jieba's module-level tokenizer is shared by every caller in the process, so one caller's added words
change everyone's segmentation. cxtext owns a :class:`jieba.Tokenizer` instance per lexicon instead,
adds every lexicon term to it (so 爱答不理 and 隐形收费 stay whole), and rebuilds it after unpickling
(a tokenizer holds a lock and cannot be pickled).

Segmentation runs without jieba's HMM: unknown words then come out as single characters, which keeps
lexicon matching exact (the HMM happily glues 很脏 into one unknown "word") and is faster.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

__all__ = ["Segmenter"]


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
        out = []
        pos = 0
        for tok in self.tokenizer.cut(text, HMM=False):
            end = pos + len(tok)
            out.append((tok, pos, end))
            pos = end
        return out
