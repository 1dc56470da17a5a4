"""The :class:`Analyzer` pipeline: normalise → segment → split clauses → match → score → aggregate."""

from __future__ import annotations

import bisect
import dataclasses
import math
import os
import re
import threading
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ._errors import ConfigError
from ._lexicon import Lexicon, load_lexicon
from ._normalize import Normalized, normalize
from ._replies import reply_start
from ._rules import ClauseResult, TermIndex, analyse_tokens, attach, squash
from ._segment import Segmenter
from ._signals import SignalDetector
from ._types import NEUTRAL_BAND, AspectScore, Clause, Document, Match, Status, mean_opinion

if TYPE_CHECKING:
    import pandas as pd

    from ._aspect_model import AspectModel
    from ._sentiment import SentimentModel

__all__ = ["Analyzer", "SENTIMENT_METHODS", "ASPECT_METHODS"]

SENTIMENT_METHODS = ("auto", "rules", "model", "snownlp")
ASPECT_METHODS = ("auto", "lexicon")
_DOC_SCALE = 1.5  # how many ordinary opinion words make a strongly polarised document
# A text of digits, punctuation and spaces only: a time, a count, an order number, dots. It has no
# word to hold an opinion, so the model is not asked (it leaned negative on such fragments).
_NO_WORDS = re.compile(r"[\d\s!-/:-@\[-`{-~。，、；：？！…—·“”‘’（）《》【】「」『』〈〉～]*")


class Analyzer:
    """Analyse Chinese customer text for sentiment, experience factors and themes.

    Parameters are stored as given; the lexicons are loaded (and validated) here so that a broken
    lexicon fails at once, while jieba and the sentiment model load on first use. One instance is safe
    to share between threads and can be pickled to worker processes.

    ``sentiment`` chooses the document-sentiment method: ``"rules"`` (lexicon rules only),
    ``"model"`` (the shipped linear model over tokens plus the rule score), ``"snownlp"`` (snownlp's
    Bayes classifier; slow, opt-in) or ``"auto"`` (the default: the best measured method available).

    ``aspects`` chooses how factors and themes are found: ``"lexicon"`` (lexicon terms only) or
    ``"auto"`` (the default: lexicon terms, plus the shipped learned detector for ids that customers
    name in their own words; see :mod:`cxtext._aspect_model`). ``aspect_model`` is a detector file of
    one's own (benchmarks/train_aspects.py).
    """

    def __init__(
        self,
        *,
        lexicons: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
        industry: str | Iterable[str] | None = None,
        sentiment: str = "auto",
        model: str | os.PathLike[str] | None = None,
        max_evidence: int = 5,
        aspects: str = "auto",
        aspect_model: str | os.PathLike[str] | None = None,
    ) -> None:
        if sentiment not in SENTIMENT_METHODS:
            raise ConfigError(f"sentiment={sentiment!r} is not a method; allowed: {', '.join(SENTIMENT_METHODS)}")
        if aspects not in ASPECT_METHODS:
            raise ConfigError(f"aspects={aspects!r} is not a method; allowed: {', '.join(ASPECT_METHODS)}")
        self.lexicons = lexicons
        self.industry = industry
        self.sentiment = sentiment
        self.model = model
        self.max_evidence = max_evidence
        self.aspects = aspects
        self.aspect_model = aspect_model
        self.lexicon_: Lexicon = load_lexicon(lexicons, industry=industry)
        self._setup()

    def _setup(self) -> None:
        self._index = TermIndex(self.lexicon_)
        self._segmenter = Segmenter(self._index.terms)
        self._factor_ids = self.lexicon_.ids("factor")
        self._theme_ids = self.lexicon_.ids("theme")
        self._detector = SignalDetector(self.lexicon_, self.max_evidence)
        self._model_lock = threading.Lock()
        self._model: SentimentModel | None = None
        self._method: str | None = None
        self._aspect_detector: AspectModel | None | bool = False  # False: not loaded yet

    def __getstate__(self) -> dict[str, Any]:
        return {
            "lexicons": self.lexicons,
            "industry": self.industry,
            "sentiment": self.sentiment,
            "model": self.model,
            "max_evidence": self.max_evidence,
            "aspects": self.aspects,
            "aspect_model": self.aspect_model,
            "lexicon_": self.lexicon_,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    def __repr__(self) -> str:
        return (f"Analyzer(sentiment={self.sentiment!r}, aspects={self.aspects!r}, lexicons={self.lexicons!r}, "
                f"industry={self.industry!r})")

    # ----------------------------------------------------------------------------------------------

    @property
    def method_(self) -> str:
        """The sentiment method in use after resolving ``"auto"`` (resolved once, on first use)."""
        if self._method is None:
            from ._sentiment import default_method

            self._method = self.sentiment if self.sentiment != "auto" else default_method(self.model)
        return self._method

    @property
    def aspects_(self) -> str:
        """The aspect method in use: ``"auto"`` (lexicon terms plus a learned detector) or
        ``"lexicon"``, which is also what ``"auto"`` comes to when no detector file is installed; a
        missing shipped file shows here rather than passing unnoticed."""
        if self.aspects == "lexicon":
            return "lexicon"
        if self.aspect_model is not None:
            return "auto"
        from ._aspect_model import shipped_aspect_model

        return "auto" if shipped_aspect_model() is not None else "lexicon"

    def _sentiment_model(self) -> SentimentModel | None:
        if self._model is None:
            method = self.method_
            if method == "rules":
                return None
            with self._model_lock:
                if self._model is None:
                    from ._sentiment import load_backend

                    self._model = load_backend(method, self.model)
        return self._model

    def _detector_model(self) -> AspectModel | None:
        detector = self._aspect_detector
        if detector is False:
            with self._model_lock:
                if self._aspect_detector is False:
                    from ._aspect_model import AspectModel, shipped_aspect_model

                    path = self.aspect_model if self.aspect_model is not None else shipped_aspect_model()
                    self._aspect_detector = None if self.aspects == "lexicon" or path is None else AspectModel.load(path)
            detector = self._aspect_detector
        return detector  # type: ignore[return-value]

    def warm_up(self) -> Analyzer:
        """Build the tokenizer and load the models now rather than on the first document."""
        self._segmenter.tokenizer  # noqa: B018
        self._sentiment_model()
        self._detector_model()
        return self

    # ----------------------------------------------------------------------------------------------

    def analyze(self, text: Any, *, id: str | None = None) -> Document:
        """Analyse one text. Never raises for odd input: non-text values come back with a status."""
        status = _status_of(text)
        if status is not Status.OK:
            return _empty(id, text, status)
        assert isinstance(text, str)
        try:
            return self._analyze(text, id)
        except RecursionError:  # pragma: no cover - defensive: keep the row, say why
            return _empty(id, text, Status.ERROR, "text too deeply nested to analyse")

    def analyze_many(self, texts: Iterable[Any], *, ids: Iterable[Any] | None = None) -> Iterator[Document]:
        """Analyse texts lazily, one :class:`Document` per input in the same order."""
        if ids is None:
            for text in texts:
                yield self.analyze(text)
        else:
            for text, id_ in zip(texts, ids, strict=True):
                yield self.analyze(text, id=None if id_ is None else str(id_))

    def analyze_frame(self, df: pd.DataFrame, text: str, *, id: str | None = None) -> pd.DataFrame:
        """Analyse a DataFrame column; returns the input columns plus the flat result columns.

        The result has one row per input row in the same order and index. Columns: ``status``,
        ``sentiment_label``, ``sentiment_score``, ``factor.<id>`` and ``theme.<id>`` (polarity, NaN when
        not mentioned), ``touchpoints``, ``stages`` (ids joined with ``;``), then the signal columns
        (``emotion``, ``emotion.<id>``, ``effort.*``, ``churn``, ``escalation``, ``staff_attitude``, ``levels``).
        """
        import pandas as pd

        from ._schema import flat_columns, flatten

        if text not in df.columns:
            raise ConfigError(f"column {text!r} not in the DataFrame; columns: {', '.join(map(str, df.columns))}")
        ids = df[id].astype(str) if id is not None else None
        docs = self.analyze_many(df[text].tolist(), ids=None if ids is None else ids.tolist())
        rows = [flatten(d, self._factor_ids, self._theme_ids) for d in docs]
        cols = flat_columns(self._factor_ids, self._theme_ids)
        res = pd.DataFrame.from_records(rows, columns=cols, index=df.index)
        overlap = [c for c in cols if c in df.columns]
        return pd.concat([df.drop(columns=overlap), res], axis=1)

    # ----------------------------------------------------------------------------------------------

    def prepare(self, text: str) -> tuple[Normalized, list[tuple[str, int, int]], list[ClauseResult], float, int]:
        """Normalise, segment and score with the rules: what the sentiment model and training share.

        Returns the normalised text, its tokens, the clause results, the rule score and the number
        of opinion words. A business's reply exported after the review (宾馆反馈…：, 商家回复：) is cut
        from the normalised text: it is not the customer's voice (see :mod:`cxtext._replies`).
        """
        norm = normalize(text)
        cut = reply_start(norm.text)
        if cut is not None:  # a business's reply after the review is not the customer's voice
            norm = dataclasses.replace(norm, text=norm.text[:cut])
        tokens = self._segmenter.tokens(norm.text)
        results = analyse_tokens(tokens, self._index)
        rule_raw = sum(c.score * c.weight for c in results)
        opinions = sum(c.opinions for c in results)
        return norm, tokens, results, rule_raw, opinions

    def _analyze(self, text: str, id: str | None) -> Document:
        norm, tokens, results, rule_raw, opinions = self.prepare(text)
        if not tokens:
            return _empty(id, text, Status.EMPTY)
        model = self._sentiment_model()
        if model is None:
            score = squash(rule_raw / _DOC_SCALE) if opinions else 0.0
        elif not opinions and _NO_WORDS.fullmatch(norm.text):
            score = 0.0  # digits and punctuation only (17:45, 1, 。。。): nothing to hold an opinion
        else:
            score = model.score(norm.text, tokens, results, opinions)
        label = "neu" if abs(score) < NEUTRAL_BAND else "pos" if score > 0 else "neg"

        found = self._detector.scan(norm, results)
        document = 0.0 if label == "neu" else score
        clauses, factors, themes, touchpoints, stages = self._collect(results, norm, found.clause_emotions, document)
        detector = self._detector_model()
        if detector is not None:
            factors, themes = self._add_detected(detector, factors, themes, tokens, norm, document)
        signals = self._detector.finish(found, norm, results, clauses, label)
        return Document(
            id=id,
            text=text,
            status=Status.OK,
            label=label,
            score=score,
            factors=factors,
            themes=themes,
            touchpoints=touchpoints,
            stages=stages,
            clauses=clauses,
            signals=signals,
        )

    def _collect(self, results: list[ClauseResult], norm: Normalized, emotions: list | None = None,  # noqa: ANN202
                 document: float = 0.0):
        # Pass 1: attach opinions to aspects. "菜，很好吃": an opinion clause with no aspect of its own
        # speaks of the aspects of the clause before it when that clause had no opinion.
        pending: list[int] = []  # clauses with aspects and no opinion, waiting for one
        prev_sentence = -1
        orphans: list[int] = []  # clauses whose opinions found no aspect
        waiting: list[int] = []  # clauses with aspects and no opinion that nothing resolved
        for i, c in enumerate(results):
            if c.sentence != prev_sentence:
                waiting += pending
                pending, prev_sentence = [], c.sentence
            has_aspect = attach(c.hits, "factor") | attach(c.hits, "theme")
            if c.opinions and not has_aspect and pending:
                for p in pending:
                    _attach_clause(results[p], c)
                pending = []
            elif not c.opinions and any(h.info.aspects for h in c.hits):
                pending.append(i)
            elif c.opinions or has_aspect:
                waiting += pending
                pending = []
                if c.opinions and not has_aspect:
                    orphans.append(i)
            # (a clause with neither opinion nor aspect, 说了不需要还一直推销, leaves pending aspects
            # waiting: 店员非要我办卡，说了不需要还一直推销，烦死了 is about the clerk)
        waiting += pending
        # Pass 1b: an opinion that found no aspect speaks of the nearest aspect clause of its sentence
        # still without an opinion, before or after it (太坑了，标签上写的特价…). Prior-expectation
        # clauses are left alone: their aspects carry no polarity.
        for i in waiting:
            c = results[i]
            if c.expectation == "prior":
                continue
            k = bisect.bisect_left(orphans, i)  # orphans are in ascending order
            near = [j for j in orphans[max(0, k - 1) : k + 1] if results[j].sentence == c.sentence]
            if near:
                _attach_clause(c, results[min(near, key=lambda j: (abs(j - i), j < i))])
        # Pass 2: build the results with offsets mapped back to the original text.
        clauses: list[Clause] = []
        by_kind: dict[str, dict[str, list[Match]]] = {"factor": {}, "theme": {}, "touchpoint": {}, "stage": {}}
        for ci, c in enumerate(results):
            clause_pol = squash(c.score) if c.opinions else 0.0
            taken = {k for h in c.hits for k in h.attached}
            # 本以为很好吃: a clause stating an expectation says nothing about the experience itself,
            # so its aspects are mentions without polarity (the clause keeps its expectation type).
            prior = c.expectation == "prior"
            matches: list[Match] = []
            for h in c.hits:
                if not h.info.aspects:
                    continue
                s, e = norm.span(h.start, h.end)
                for kind, id_, _ in h.info.aspects:
                    # Touchpoints and stages share the opinion attached to the factor or theme term
                    # they coincide with; a term with no opinion attached shares the clause's opinion
                    # only when no other aspect in the clause took an opinion for itself.
                    got = h.attached.get(kind) or h.attached.get("factor") or h.attached.get("theme")
                    if prior and h.info.expectation is None:
                        pol = 0.0  # (a cue such as 说好的 keeps its own polarity: the promise was broken)
                    elif got is not None:
                        pol = squash(got[0])
                    else:
                        pol = 0.0 if (kind in taken or (kind not in ("factor", "theme") and taken)) else clause_pol
                    m = Match(kind, id_, h.term, s, e, pol)
                    matches.append(m)
                    by_kind[kind].setdefault(id_, []).append(m)
            s, e = norm.span(c.start, c.end)
            clauses.append(Clause(s, e, clause_pol, c.weight, tuple(matches), c.expectation,
                                  emotions[ci] if emotions else ()))
        factors = self._aggregate(by_kind["factor"], self._factor_ids, document)
        themes = self._aggregate(by_kind["theme"], self._theme_ids, document)
        touch = tuple(_first_per_id(by_kind["touchpoint"], self.lexicon_.ids("touchpoint")))
        stages = tuple(_first_per_id(by_kind["stage"], self.lexicon_.ids("stage")))
        return tuple(clauses), factors, themes, touch, stages

    def _aggregate(self, found: dict[str, list[Match]], order: tuple[str, ...], document: float) -> dict[str, AspectScore]:
        """One :class:`AspectScore` per mentioned id: the mean opinion of its mentions.

        An id whose mentions carry no opinion of their own, or opinions that cancel out or are too
        weak to call (|mean| below :data:`NEUTRAL_BAND`), takes the document's score (``document``;
        0 for a neutral document): 号称米其林推荐，菜品和服务都配不上这个名头 and
        医院停车场永远满的 name their aspects in a complaint without an opinion word beside them, and
        the complaint is about them. Measured on the project's CX sentences this takes factor
        polarity from 0.65 to 0.89 and, on ASAP, polar factors from 0.83 to 0.91
        (benchmarks/aspects.py). The evidence keeps each mention's own polarity.
        """
        out = {}
        for id_ in order:
            ms = found.get(id_)
            if not ms:
                continue
            pol = mean_opinion([m.polarity for m in ms])
            if abs(pol) < NEUTRAL_BAND:
                pol = document
            evidence = sorted(ms, key=lambda m: -abs(m.polarity))[: self.max_evidence]
            evidence.sort(key=lambda m: m.start)
            out[id_] = AspectScore(id_, pol, len(ms), tuple(evidence))
        return out

    def _add_detected(self, detector: AspectModel, factors: dict[str, AspectScore], themes: dict[str, AspectScore],
                      tokens: list[tuple[str, int, int]], norm: Normalized, document: float,
                      ) -> tuple[dict[str, AspectScore], dict[str, AspectScore]]:
        """The factors and themes plus the ids the learned detector is sure of, in catalogue order.

        An added id's evidence is the token that weighs most for it (first occurrence), with no
        polarity of its own; its polarity is the document's (see :meth:`_aggregate`).
        """
        added = detector.detect(dict.fromkeys([t for t, _, _ in tokens]), {"factor": factors, "theme": themes},
                                {"factor": self._factor_ids, "theme": self._theme_ids})
        if not added:
            return factors, themes
        out = {"factor": dict(factors), "theme": dict(themes)}
        for kind, id_, term in added:
            s, e = norm.span(*next((s, e) for t, s, e in tokens if t == term))
            out[kind][id_] = AspectScore(id_, document, 1, (Match(kind, id_, term, s, e, 0.0),))
        return ({i: out["factor"][i] for i in self._factor_ids if i in out["factor"]},
                {i: out["theme"][i] for i in self._theme_ids if i in out["theme"]})


def _attach_clause(target: ClauseResult, source: ClauseResult) -> None:
    """Give the factor and theme terms of ``target`` the opinion of clause ``source``."""
    for h in target.hits:
        for kind in ("factor", "theme"):
            if any(k == kind for k, _, _ in h.info.aspects):
                h.attached[kind] = (source.score, source.opinions)


def _first_per_id(found: dict[str, list[Match]], order: tuple[str, ...]) -> list[Match]:
    return [found[i][0] for i in order if i in found]


def _status_of(value: Any) -> str:
    if value is None:
        return Status.EMPTY
    if isinstance(value, str):
        return Status.OK if value.strip() else Status.EMPTY
    if isinstance(value, float) and math.isnan(value):
        return Status.EMPTY
    if isinstance(value, (int, float, datetime, date)) or type(value).__name__ in {"Timestamp", "NaTType"}:
        return Status.NOT_TEXT if type(value).__name__ != "NaTType" else Status.EMPTY
    return Status.NOT_TEXT


_MESSAGES = {
    Status.EMPTY: "the text is empty",
    Status.NOT_TEXT: "the value is not text",
}


def _empty(id: str | None, value: Any, status: str, message: str = "") -> Document:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if isinstance(value, float) and math.isnan(value):
        text = ""
    return Document(id=id, text=text, status=status, label="neu", score=0.0, message=message or _MESSAGES.get(status, ""))
