"""Gap-model inputs derived from text: pure functions over a :class:`ReportAggregate`.

Every number here is computed from the aggregate alone (counts, sums, Gram matrices), so it is the
same whether the aggregate came from one pass over a file or from merged per-chunk aggregates. The
methods, documented in the README and in the report's methods section:

- **2a actual** per id on 0–10: ``5·(1 + mean polarity)`` over the documents that voice an opinion
  on the id (document-level aspect polarity, in [−1, 1]; an id named without an opinion of its own
  takes the document's score, see ``Analyzer._aggregate``), with a 95% normal-approximation interval
  and ``n``, the number of those documents. Fewer than ``min_mentions`` gives no score ("too few").
- **2b expectation**: estimated from expectation language (see
  :meth:`ReportAggregate._expectation`); the mean over the id's own statements when there are at
  least ``min_expectations``, else the mean over all ids' statements (pooled), else none (then the
  gap model takes the expectation as met).
- **2d importance**: key-driver analysis. The rating (or, without ratings, document sentiment) is
  regressed on the ids' document polarities (0 when not mentioned), standardised, with
  non-negative coefficients (scikit-learn ``LinearRegression(positive=True)``); importance is
  ``10 · coefficient / largest coefficient``. The fit uses the aggregate's Gram matrix through an
  exactly equivalent compressed data set, so it streams. When the data are too thin (fewer rows
  than ``max(50, 10·(ids+1))``, R² below 0.05, or scikit-learn missing) importance falls back to
  mention share, ``10 · mentions / most mentions``. Without a rating column, and given a
  :class:`~cxtext._signal_summary.SignalSummary`, a customer outcome comes first: churn, else
  escalation (:meth:`~cxtext._signal_summary.SignalSummary.outcome_importance`: the share of the
  documents negative on the id that also show the outcome, scaled to 10), used when at least
  ``MIN_OUTCOME_DOCS`` documents show the outcome and some id gets a value above 0.
- **1 brand value**: share of positive mentions per id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._aggregate import ReportAggregate, Stat
from ._gap import FACTOR_NAMES, THEME_NAMES, GapConfig, GapModel, GapReport, GapResult

__all__ = ["AspectSummary", "Importance", "Derived", "derive", "key_drivers", "gap_from_aggregate", "actual_score", "term_signs"]

MIN_MENTIONS = 10
MIN_EXPECTATIONS = 5
MIN_R2 = 0.05
MIN_OUTCOME_DOCS = 10  # documents showing churn (or escalation) before it can stand in for a rating
IMPORTANCE_OUTCOMES = ("churn", "escalation")
_DEFAULT_NAMES = {"factor": FACTOR_NAMES, "theme": THEME_NAMES}


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(x + 0.0, nd)


def actual_score(stat: Stat, min_mentions: int = MIN_MENTIONS) -> tuple[float | None, tuple[float, float] | None]:
    """2a on 0–10 from a :class:`Stat` of document polarities, with its 95% interval.

    ``(None, None)`` below ``min_mentions`` opinions: too few to show as a number.
    """
    if stat.n < max(min_mentions, 1) or stat.mean is None:
        return None, None
    score = 5.0 * (1.0 + stat.mean)
    ci = stat.ci()
    interval = None if ci is None else (max(0.0, 5.0 * (1.0 + ci[0])), min(10.0, 5.0 * (1.0 + ci[1])))
    return score, interval


@dataclass(frozen=True, slots=True)
class AspectSummary:
    """What the text says about one factor or theme.

    ``mentions`` counts documents naming the id; ``n`` those voicing an opinion on it (the basis of
    ``actual``). ``expectation_basis`` is "own" (the id's own expectation statements), "pooled" (all
    ids' statements) or "none".
    """

    kind: str
    id: str
    name: str
    mentions: int
    n: int
    positive: int
    negative: int
    actual: float | None
    ci: tuple[float, float] | None
    expectation: float | None
    expectation_n: int
    expectation_basis: str
    importance: float | None
    praise: float | None
    positive_phrases: tuple[tuple[str, int], ...] = ()
    negative_phrases: tuple[tuple[str, int], ...] = ()
    positive_quotes: tuple[str, ...] = ()
    negative_quotes: tuple[str, ...] = ()

    @property
    def too_few(self) -> bool:
        return self.actual is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "mentions": self.mentions,
            "n": self.n,
            "positive": self.positive,
            "negative": self.negative,
            "actual": _r(self.actual),
            "ci": None if self.ci is None else [_r(self.ci[0]), _r(self.ci[1])],
            "too_few": self.too_few,
            "expectation": _r(self.expectation),
            "expectation_n": self.expectation_n,
            "expectation_basis": self.expectation_basis,
            "importance": _r(self.importance),
            "praise": _r(self.praise, 4),
            "positive_phrases": [list(t) for t in self.positive_phrases],
            "negative_phrases": [list(t) for t in self.negative_phrases],
            "positive_quotes": list(self.positive_quotes),
            "negative_quotes": list(self.negative_quotes),
        }


@dataclass(frozen=True, slots=True)
class Importance:
    """How 2d importance was derived: ``method`` "regression", "outcome" or "mention_share".

    For an outcome, ``target`` is the outcome ("churn" or "escalation") and ``n`` the documents that
    show it.

    For a regression, ``target`` ("rating" or "sentiment"), ``r2`` and ``n`` (rows) describe the
    fit and ``coefficients`` holds the standardised coefficients; ``reason`` says why a fallback
    was used.
    """

    kind: str
    method: str
    values: Mapping[str, float | None]
    target: str | None = None
    r2: float | None = None
    n: int = 0
    coefficients: Mapping[str, float] = field(default_factory=dict)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "method": self.method,
            "target": self.target,
            "r2": _r(self.r2, 3),
            "n": self.n,
            "coefficients": {k: _r(v, 3) for k, v in self.coefficients.items()},
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Derived:
    """All text-derived inputs of the gap model for one kind ("factor" or "theme")."""

    kind: str
    aspects: tuple[AspectSummary, ...]
    importance: Importance
    pooled_expectation: float | None
    expectation_statements: int
    min_mentions: int

    def aspect(self, ident: str) -> AspectSummary:
        for a in self.aspects:
            if a.id == ident:
                return a
        raise KeyError(f"no {self.kind} {ident!r}")

    def gap_inputs(self, *, max_quotes: int = 5) -> dict[str, Any]:
        """Keyword arguments for :meth:`GapModel.compute`."""
        with_praise = any(a.praise for a in self.aspects)
        return {
            "kind": self.kind,
            "actual": {a.id: a.actual for a in self.aspects},
            "expectation": {a.id: a.expectation for a in self.aspects},
            "importance": {a.id: a.importance for a in self.aspects},
            "n": {a.id: a.n for a in self.aspects},
            "ci": {a.id: a.ci for a in self.aspects},
            "praise": {a.id: a.praise for a in self.aspects} if with_praise else None,
            "complaints": {a.id: [t for t, _ in a.negative_phrases] for a in self.aspects},
            "quotes": {a.id: list(a.negative_quotes[:max_quotes]) for a in self.aspects},
            "names": {a.id: a.name for a in self.aspects},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "aspects": [a.to_dict() for a in self.aspects],
            "importance": self.importance.to_dict(),
            "pooled_expectation": _r(self.pooled_expectation),
            "expectation_statements": self.expectation_statements,
            "min_mentions": self.min_mentions,
        }


def key_drivers(
    gram: Any,
    ids: Sequence[str],
    eligible: set[str],
    *,
    kind: str = "factor",
    target: str = "sentiment",
    min_r2: float = MIN_R2,
) -> Importance | str:
    """Standardised non-negative least squares from a Gram matrix of ``[1, x..., y]``.

    Returns the :class:`Importance`, or a string saying why no regression was possible. The fit
    runs scikit-learn on a compressed data set ``Z`` with ``Zᵀ Z`` equal to the correlation
    matrix of ``[x..., y]``: every least-squares objective depends on the data only through that
    matrix, so the coefficients are those of the full data.
    """
    import numpy as np

    k = len(ids)
    if gram is None or gram.shape != (k + 2, k + 2):
        return "no data"
    n = float(gram[0, 0])
    min_rows = max(50, 10 * (len(eligible) + 1))
    if n < min_rows:
        return f"{int(n)} rows, fewer than the {min_rows} a regression on {len(eligible)} variables needs"
    mean = gram[0] / n
    scatter = gram[1:, 1:] - n * np.outer(mean[1:], mean[1:])
    cols = [j for j, ident in enumerate(ids) if ident in eligible and scatter[j, j] > 1e-9 * n]
    if not cols:
        return "no id with enough opinions to regress on"
    if scatter[k, k] <= 1e-9 * n:
        return f"the {target} does not vary"
    try:
        from sklearn.linear_model import LinearRegression
    except ImportError:
        return "scikit-learn is not installed (pip install 'cxtext[report]')"
    sub = scatter[np.ix_(cols + [k], cols + [k])]
    d = np.sqrt(np.diag(sub))
    corr = sub / np.outer(d, d)
    w, v = np.linalg.eigh(corr)
    z = (v * np.sqrt(np.clip(w, 0.0, None))).T  # zᵀz == corr
    model = LinearRegression(fit_intercept=False, positive=True).fit(z[:, :-1], z[:, -1])
    beta = np.asarray(model.coef_, dtype=float)
    cxx, cxy = corr[:-1, :-1], corr[:-1, -1]
    r2 = float(2.0 * beta @ cxy - beta @ cxx @ beta)
    if r2 < min_r2 or beta.max() <= 0:
        return f"the regression explains too little (R² = {r2:.3f} < {min_r2})"
    top = float(beta.max())
    coefficients = {ids[j]: float(b) for j, b in zip(cols, beta, strict=True)}
    values: dict[str, float | None] = {i: None for i in ids}
    for ident, b in coefficients.items():
        values[ident] = 10.0 * b / top
    return Importance(kind=kind, method="regression", values=values, target=target, r2=r2, n=int(round(n)),
                      coefficients=coefficients)


def outcome_importance(signals: Any, kind: str, ids: Sequence[str], *,
                       min_documents: int = MIN_OUTCOME_DOCS) -> Importance | str:
    """2d from a customer outcome (churn, else escalation) instead of a rating, or why not."""
    reasons = []
    for outcome in IMPORTANCE_OUTCOMES:
        happened = signals.outcome_docs.get(outcome, 0)
        if happened < min_documents:
            reasons.append(f"{happened} documents with {outcome}, fewer than {min_documents}")
            continue
        found = signals.outcome_importance(outcome, kind + "s")
        if not any(v for v in found.values()):
            reasons.append(f"{outcome}: no {kind} negative often enough to relate to it")
            continue
        values: dict[str, float | None] = {i: found.get(i) for i in ids}
        return Importance(kind=kind, method="outcome", values=values, target=outcome, n=happened,
                          reason="no rating column")
    return "; ".join(reasons)


def _importance(agg: ReportAggregate, kind: str, ids: Sequence[str], eligible: set[str],
                signals: Any = None) -> Importance:
    reasons = []
    for target in ("rating", "sentiment"):
        moments = agg.moments.get((kind, target))
        if moments is None:
            if target == "rating":
                reasons.append("no rating column")
                if signals is not None:
                    outcome = outcome_importance(signals, kind, ids)
                    if isinstance(outcome, Importance):
                        return outcome
                    reasons.append(outcome)
            continue
        from ._aggregate import _widen

        gram = _widen(moments, len(ids)).gram()
        found = key_drivers(gram, ids, eligible, kind=kind, target=target)
        if isinstance(found, Importance):
            if reasons:
                found = dataclasses.replace(found, reason=f"rating: {reasons[0]}")
            return found
        reasons.append(found)
    most = max((agg.mentioned[kind].get(i, 0) for i in ids), default=0)
    values = {i: (10.0 * agg.mentioned[kind][i] / most if most and agg.mentioned[kind].get(i) else None) for i in ids}
    return Importance(kind=kind, method="mention_share", values=values, n=agg.overall.docs,
                      reason="; ".join(reasons) or "no data")


def derive(
    agg: ReportAggregate,
    kind: str = "factor",
    *,
    names: Mapping[str, str] | None = None,
    min_mentions: int = MIN_MENTIONS,
    min_expectations: int = MIN_EXPECTATIONS,
    max_quotes: int = 5,
    term_signs: Mapping[str, int] | None = None,
    signals: Any = None,
) -> Derived:
    """The text-derived gap-model inputs for ``kind`` (the methods are in the module docstring).

    ``term_signs`` (from :func:`term_signs`) gives the polarity terms carry by themselves: opinion
    phrases (态度差, 排队) are listed before terms that only name the aspect (店员, 价格), so a
    requirement quotes what customers complain about rather than what they name. ``signals`` (a
    :class:`~cxtext._signal_summary.SignalSummary` of the same documents) lets churn or escalation
    stand in for a missing rating in 2d.
    """
    if kind not in ("factor", "theme"):
        raise ValueError(f"kind must be 'factor' or 'theme', not {kind!r}")
    names = dict(_DEFAULT_NAMES[kind] if names is None else names)
    ids = [i for i in agg.ids[kind]]
    for i in names:
        if i not in ids:
            ids.append(i)
    stats = agg.overall.aspects[kind]
    eligible = {i for i in ids if stats.get(i, Stat()).n >= max(min_mentions, 1)}
    importance = _importance(agg, kind, ids, eligible, signals)

    pooled = Stat()
    for stat in agg.expectation[kind].values():
        pooled.absorb(stat)
    pooled_mean = pooled.mean if pooled.n >= min_expectations else None
    praised = sum(agg.positive[kind].values())

    aspects = []
    for ident in ids:
        stat = stats.get(ident, Stat())
        actual, ci = actual_score(stat, min_mentions)
        own = agg.expectation[kind].get(ident, Stat())
        if own.n >= min_expectations and own.mean is not None:
            expectation, basis = own.mean, "own"
        elif pooled_mean is not None and actual is not None:
            expectation, basis = pooled_mean, "pooled"
        else:
            expectation, basis = None, "none"
        aspects.append(
            AspectSummary(
                kind=kind,
                id=ident,
                name=names.get(ident, ident),
                mentions=agg.mentioned[kind].get(ident, 0),
                n=stat.n,
                positive=agg.positive[kind].get(ident, 0),
                negative=agg.negative[kind].get(ident, 0),
                actual=actual,
                ci=ci,
                expectation=expectation,
                expectation_n=own.n,
                expectation_basis=basis,
                importance=importance.values.get(ident),
                praise=agg.positive[kind].get(ident, 0) / praised if praised else None,
                positive_phrases=_phrases(agg, kind, "pos", ident, term_signs or {}),
                negative_phrases=_phrases(agg, kind, "neg", ident, term_signs or {}),
                positive_quotes=tuple(agg.quotes_for(kind, "pos", ident)[:max_quotes]),
                negative_quotes=tuple(agg.quotes_for(kind, "neg", ident)[:max_quotes]),
            )
        )
    return Derived(
        kind=kind,
        aspects=tuple(aspects),
        importance=importance,
        pooled_expectation=pooled_mean,
        expectation_statements=pooled.n,
        min_mentions=min_mentions,
    )


def _phrases(agg: ReportAggregate, kind: str, sign: str, ident: str, signs: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """Opinion terms first, then terms that only name the aspect; a term whose own polarity is the
    opposite of this list's (热情 among complaints: it was negated, 一点也不热情) is left out, since
    the bare term would say the reverse of what customers said (their quotes show it)."""
    want = 1 if sign == "pos" else -1
    found = [(t, c) for t, c in agg.phrases_for(kind, sign, ident, limit=100) if signs.get(t, want) == want]
    ranked = sorted(found, key=lambda t: (t[0] not in signs, -t[1], t[0]))
    return tuple(ranked[:8])


def term_signs(lexicon: Any) -> dict[str, int]:
    """The sign (1 or −1) of every lexicon term that carries an opinion by itself.

    Aspect terms with a polarity (排队 −, 实惠 +) and sentiment words; terms that only name an
    aspect (店员, 价格) are absent.
    """
    out: dict[str, int] = {}
    for term, weight in lexicon.sentiment.items():
        if weight:
            out[term] = 1 if weight > 0 else -1
    for term, entries in lexicon.aspects.items():
        pols = [e[2] for e in entries if e[2]]
        if pols:
            out[term] = 1 if sum(pols) > 0 else -1
    return out


def gap_from_aggregate(
    agg: ReportAggregate | None,
    *,
    config: GapConfig | None = None,
    model: GapModel | None = None,
    names: Mapping[str, Mapping[str, str]] | None = None,
    min_mentions: int = MIN_MENTIONS,
    term_signs: Mapping[str, int] | None = None,
    signals: Any = None,
) -> tuple[GapReport, dict[str, Derived]]:
    """Steps 1–6 for factors and themes: config values where given, text-derived values elsewhere.

    ``agg`` may be ``None`` to run on the config alone. Returns the :class:`GapReport` and the
    :class:`Derived` inputs per kind (empty without an aggregate). ``signals``: see :func:`derive`.
    """
    model = model or GapModel()
    derived: dict[str, Derived] = {}
    parts: dict[str, GapResult] = {}
    for kind in ("factor", "theme"):
        kind_names = None if names is None else names.get(kind)
        if agg is not None:
            d = derive(agg, kind, names=kind_names, min_mentions=min_mentions, term_signs=term_signs,
                       signals=signals)
            derived[kind] = d
            parts[kind] = model.compute(config=config, **d.gap_inputs())
        else:
            parts[kind] = model.compute(config=config, kind=kind, names=kind_names)
    return GapReport(factors=parts["factor"], themes=parts["theme"]), derived

