"""Streaming aggregates of analysis results: what the gap model and the report need, in bounded memory.

A :class:`ReportAggregate` takes one analysis record at a time (the JSON shape of ``cxtext analyze``,
i.e. :func:`cxtext._schema.record`) and keeps only counts, sums and a bounded sample of quotes, so a
file of any size can be summarised without holding its documents. Two aggregates of different
chunks combine with :meth:`ReportAggregate.merge`, which is associative and commutative (up to
floating-point rounding of sums): chunk results from worker processes or a Dask reduce give the same
summary as one pass over the whole file.

Nothing here computes a score for display; :mod:`cxtext._derive` turns the aggregate into the
numbers of the gap model.
"""

from __future__ import annotations

import copy
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

__all__ = ["Stat", "Moments", "Slice", "ReportAggregate", "parse_day", "parse_rating", "ASPECT_KINDS"]

ASPECT_KINDS = ("factor", "theme")
PLACE_KINDS = ("touchpoint", "stage")

# A clause polarity at or beyond this counts as an opinion for phrase and quote mining.
_OPINION = 0.1
_SENTENCE_END = "。！？!?；;\n"
_QUOTE_MAX = 90  # characters; a longer sentence is cut to its clause
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)")


class Stat:
    """Count, sum and sum of squares of a stream of numbers: mean and confidence interval, mergeable."""

    __slots__ = ("n", "s", "ss")

    def __init__(self, n: int = 0, s: float = 0.0, ss: float = 0.0) -> None:
        self.n, self.s, self.ss = n, s, ss

    def add(self, x: float) -> None:
        self.n += 1
        self.s += x
        self.ss += x * x

    def absorb(self, other: Stat) -> None:
        self.n += other.n
        self.s += other.s
        self.ss += other.ss

    @property
    def mean(self) -> float | None:
        return self.s / self.n if self.n else None

    def sd(self) -> float | None:
        """The sample standard deviation (``None`` below two values)."""
        if self.n < 2:
            return None
        var = (self.ss - self.s * self.s / self.n) / (self.n - 1)
        return math.sqrt(max(var, 0.0))

    def ci(self, z: float = 1.96) -> tuple[float, float] | None:
        """Normal-approximation interval of the mean: mean ± z·sd/√n."""
        sd = self.sd()
        if sd is None or self.mean is None:
            return None
        half = z * sd / math.sqrt(self.n)
        return (self.mean - half, self.mean + half)

    def __getstate__(self) -> tuple[int, float, float]:
        return (self.n, self.s, self.ss)

    def __setstate__(self, state: tuple[int, float, float]) -> None:
        self.n, self.s, self.ss = state

    def __repr__(self) -> str:
        return f"Stat(n={self.n}, s={self.s!r}, ss={self.ss!r})"


class Moments:
    """Sufficient statistics (the Gram matrix of ``[1, x..., y]``) for least squares on a stream.

    Every least-squares fit (plain, ridge, non-negative) depends on the data only through this
    matrix, so it can be accumulated chunk by chunk and merged by addition. Rows are buffered and
    folded in with one matrix product per block to keep the per-row cost low.
    """

    _BLOCK = 512

    def __init__(self, k: int) -> None:
        self.k = k
        self._gram: Any = None
        self._rows: list[list[float]] = []

    def add(self, x: Sequence[float], y: float) -> None:
        self._rows.append([1.0, *x, y])
        if len(self._rows) >= self._BLOCK:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        import numpy as np

        block = np.asarray(self._rows, dtype=float)
        self._rows = []
        g = block.T @ block
        self._gram = g if self._gram is None else self._gram + g

    def absorb(self, other: Moments) -> None:
        if other.k != self.k:
            raise ValueError(f"cannot merge moments of {other.k} variables into {self.k}")
        other._flush()
        self._flush()
        if other._gram is not None:
            self._gram = other._gram.copy() if self._gram is None else self._gram + other._gram

    def gram(self) -> Any:
        """The (k+2)×(k+2) Gram matrix, or ``None`` when nothing was added."""
        self._flush()
        return None if self._gram is None else self._gram.copy()

    @property
    def n(self) -> int:
        self._flush()
        return 0 if self._gram is None else int(round(self._gram[0, 0]))

    def __getstate__(self) -> dict[str, Any]:
        self._flush()
        return {"k": self.k, "gram": self._gram}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.k, self._gram, self._rows = state["k"], state["gram"], []


class Slice:
    """The few numbers kept per group and per day: volume, sentiment mix, rating, actual per id."""

    __slots__ = ("docs", "labels", "sentiment", "rating", "aspects")

    def __init__(self) -> None:
        self.docs = 0
        self.labels: Counter[str] = Counter()
        self.sentiment = Stat()
        self.rating = Stat()
        self.aspects: dict[str, dict[str, Stat]] = {k: {} for k in ASPECT_KINDS}

    def absorb(self, other: Slice) -> None:
        self.docs += other.docs
        self.labels.update(other.labels)
        self.sentiment.absorb(other.sentiment)
        self.rating.absorb(other.rating)
        for kind in ASPECT_KINDS:
            mine = self.aspects[kind]
            for ident, stat in other.aspects[kind].items():
                mine.setdefault(ident, Stat()).absorb(stat)

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.docs, self.labels, self.sentiment, self.rating, self.aspects)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.docs, self.labels, self.sentiment, self.rating, self.aspects = state


def parse_day(value: Any) -> str | None:
    """The calendar day (``YYYY-MM-DD``) a time cell names, or ``None`` when it names none.

    Accepts ISO dates and date-times, 2026/1/5, 2026.01.05, 2026年1月5日, 20260105, a month alone
    (2026-01, taken as its first day) and date/datetime objects.
    """
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    if not text:
        return None
    m = _COMPACT_DATE.match(text) or _DATE.search(text)
    if m is None:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    day = int(m.group(3)) if m.group(3) else 1
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_rating(value: Any) -> float | None:
    """A rating cell as a number (``4``, ``4.5``, ``4星``), or ``None`` when it holds none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    m = _NUMBER.match(str(value))
    if m is None:
        return None
    x = float(m.group(1))
    return x if math.isfinite(x) else None


def _quote(text: str, start: int, end: int) -> str:
    """The sentence around a clause, or the clause itself when the sentence is too long to quote."""
    lo = start
    while lo > 0 and text[lo - 1] not in _SENTENCE_END:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in _SENTENCE_END:
        hi += 1
    if hi < len(text):
        hi += 1  # keep the customer's own full stop
    sentence = text[lo:hi].strip()
    if len(sentence) > _QUOTE_MAX:
        sentence = text[start:end].strip()
        if len(sentence) > _QUOTE_MAX:
            sentence = sentence[: _QUOTE_MAX - 1] + "…"
    return sentence


def _quote_key(strength: float, quote: str) -> tuple[float, float, str]:
    """Ranks quotes: strong opinion first, then a readable length (12–60 characters), then text.

    A total order (the text breaks ties), so keeping the top few is the same whatever order chunks
    arrive in.
    """
    n = len(quote)
    fit = 0.0 if 12 <= n <= 60 else -min(abs(n - 12), abs(n - 60)) / 60.0
    return (round(strength, 4), round(fit, 4), quote)


def _keep_top(found: list[tuple[tuple[float, float, str], str]], limit: int) -> list[tuple[tuple[float, float, str], str]]:
    best: dict[str, tuple[tuple[float, float, str], str]] = {}
    for key, quote in found:
        if quote not in best or key > best[quote][0]:
            best[quote] = (key, quote)
    return sorted(best.values(), key=lambda t: t[0], reverse=True)[:limit]


class ReportAggregate:
    """Everything the gap model and the report read from analysis results, in bounded memory.

    ``add`` takes one analysis record; ``merge`` combines two aggregates. Memory grows with the
    number of ids, groups and days, never with the number of documents: quotes are a bounded sample
    (``max_quotes`` per id and polarity, strongest opinion first) and phrases are lexicon terms.

    ``factor_ids``/``theme_ids`` and friends fix the display order; ids met in records that are not
    listed are appended in the order first seen.
    """

    def __init__(
        self,
        *,
        factor_ids: Sequence[str] = (),
        theme_ids: Sequence[str] = (),
        touchpoint_ids: Sequence[str] = (),
        stage_ids: Sequence[str] = (),
        max_quotes: int = 5,
    ) -> None:
        self.ids: dict[str, list[str]] = {
            "factor": list(factor_ids),
            "theme": list(theme_ids),
            "touchpoint": list(touchpoint_ids),
            "stage": list(stage_ids),
        }
        self.max_quotes = max_quotes
        self.rows = 0
        self.statuses: Counter[str] = Counter()
        self.ratings_unreadable = 0
        self.times_unreadable = 0
        self.groups_missing = 0
        self.overall = Slice()
        self.groups: dict[str, Slice] = {}
        self.days: dict[str, Slice] = {}
        # per aspect kind and id
        self.mentioned: dict[str, Counter[str]] = {k: Counter() for k in ASPECT_KINDS}
        self.positive: dict[str, Counter[str]] = {k: Counter() for k in ASPECT_KINDS}
        self.negative: dict[str, Counter[str]] = {k: Counter() for k in ASPECT_KINDS}
        self.expectation: dict[str, dict[str, Stat]] = {k: {} for k in ASPECT_KINDS}
        self.terms: dict[str, dict[str, dict[str, Counter[str]]]] = {
            k: {"pos": {}, "neg": {}} for k in ASPECT_KINDS
        }
        self.quotes: dict[str, dict[str, dict[str, list[tuple[tuple[float, float, str], str]]]]] = {
            k: {"pos": {}, "neg": {}} for k in ASPECT_KINDS
        }
        # key-driver moments: regress document sentiment (all rows) or rating (rated rows)
        self.moments: dict[tuple[str, str], Moments] = {}
        # touchpoints and stages: mentions, and the sentiment of the clause they sit in
        self.places: dict[str, dict[str, list[int]]] = {k: {} for k in PLACE_KINDS}
        self.expectation_statements = 0

    # -- building -------------------------------------------------------------------------------------

    def _order(self, kind: str, ident: str) -> None:
        order = self.ids[kind]
        if ident not in order:
            order.append(ident)

    def add(self, rec: Mapping[str, Any]) -> None:
        """Take one analysis record (the JSON shape of ``cxtext analyze``)."""
        self.rows += 1
        status = str(rec.get("status", "ok"))
        self.statuses[status] += 1
        if status != "ok":
            return
        sentiment = rec.get("sentiment") or {}
        label = str(sentiment.get("label", "neu"))
        score = float(sentiment.get("score", 0.0))
        rating = None
        if rec.get("rating") not in (None, ""):
            rating = parse_rating(rec.get("rating"))
            if rating is None:
                self.ratings_unreadable += 1
        slices = [self.overall]
        if "time" in rec and rec.get("time") not in (None, ""):
            day = parse_day(rec.get("time"))
            if day is None:
                self.times_unreadable += 1
            else:
                slices.append(self.days.setdefault(day, Slice()))
        elif "time" in rec:
            self.times_unreadable += 1
        if "group" in rec:
            group = rec.get("group")
            name = "" if group is None else str(group).strip()
            if name:
                slices.append(self.groups.setdefault(name, Slice()))
            else:
                self.groups_missing += 1

        polarities: dict[str, dict[str, float]] = {}
        for kind in ASPECT_KINDS:
            found = rec.get(f"{kind}s") or {}
            pols = {}
            for ident, info in found.items():
                self._order(kind, ident)
                pol = float(info.get("polarity", 0.0))
                pols[ident] = pol
                self.mentioned[kind][ident] += 1
                if pol > 0:
                    self.positive[kind][ident] += 1
                elif pol < 0:
                    self.negative[kind][ident] += 1
                seen_terms: set[tuple[str, str]] = set()
                for ev in info.get("evidence") or ():
                    p = float(ev.get("polarity", 0.0))
                    if abs(p) < _OPINION:
                        continue
                    sign = "pos" if p > 0 else "neg"
                    term = str(ev.get("term", ""))
                    if term and (sign, term) not in seen_terms:
                        seen_terms.add((sign, term))
                        self.terms[kind][sign].setdefault(ident, Counter())[term] += 1
            polarities[kind] = pols

        for sl in slices:
            sl.docs += 1
            sl.labels[label] += 1
            sl.sentiment.add(score)
            if rating is not None:
                sl.rating.add(rating)
            for kind in ASPECT_KINDS:
                for ident, pol in polarities[kind].items():
                    if pol != 0:
                        sl.aspects[kind].setdefault(ident, Stat()).add(pol)

        for kind in ASPECT_KINDS:
            x = [polarities[kind].get(i, 0.0) for i in self.ids[kind]]
            self._moments(kind, "sentiment", x).add(x, score)
            if rating is not None:
                self._moments(kind, "rating", x).add(x, rating)

        text = str(rec.get("text", ""))
        clauses = rec.get("clauses") or ()
        self._mine_clauses(text, clauses, polarities)
        self._places(rec, clauses)

    def _moments(self, kind: str, target: str, x: Sequence[float]) -> Moments:
        """The moments of ``kind``; widened when a record brought an id not seen before."""
        key = (kind, target)
        m = self.moments.get(key)
        if m is None:
            m = self.moments[key] = Moments(len(x))
        elif m.k != len(x):
            m = self.moments[key] = _widen(m, len(x))
        return m

    def _mine_clauses(self, text: str, clauses: Sequence[Mapping[str, Any]], polarities: Mapping[str, Mapping[str, float]]) -> None:
        for i, clause in enumerate(clauses):
            start, end = int(clause.get("start", 0)), int(clause.get("end", 0))
            for kind in ASPECT_KINDS:
                for ident, p in (clause.get(f"{kind}s") or {}).items():
                    p = float(p)
                    if abs(p) < _OPINION:
                        continue
                    sign = "pos" if p > 0 else "neg"
                    quote = _quote(text, start, end)
                    bucket = self.quotes[kind][sign].setdefault(ident, [])
                    bucket.append((_quote_key(abs(p), quote), quote))
                    if len(bucket) > 4 * self.max_quotes:
                        bucket[:] = _keep_top(bucket, self.max_quotes)
            cue = clause.get("expectation")
            if cue:
                self.expectation_statements += 1
                self._expectation(cue, i, clauses, polarities)

    def _expectation(self, cue: str, i: int, clauses: Sequence[Mapping[str, Any]], polarities: Mapping[str, Mapping[str, float]]) -> None:
        """One expectation statement → an expectation estimate (0–10) for the ids it concerns.

        The ids are those of the statement's own clause, else of the clause it points to (the next
        one for 本以为…, the one before for 比预期/没想到…). The outcome is the document's polarity
        ``p`` for the id, on 0–10 as ``5·(1+p)``:

        - ``prior`` (本以为, 说好的, 期待): the customer hoped for a good experience. With a
          positive opinion of its own ``q`` (本以为很好吃) the expectation is ``5·(1+q)``; otherwise
          (本以为人少; 说好的…, whose cue carries the broken promise's negative polarity) it is
          taken as good as strongly as the outcome is felt, ``5·(1+|p|)``.
        - ``compare``/``surprise`` (比预期快, 没想到这么好): the outcome beat (or missed) the
          expectation by the clause's own polarity ``c``: expectation ``= outcome − 5·c``.

        Scores are clipped to 0–10.
        """
        clause = clauses[i]
        own = {k: dict(clause.get(f"{k}s") or {}) for k in ASPECT_KINDS}
        order = (i + 1, i - 1) if cue == "prior" else (i - 1, i + 1)
        if not any(own.values()):
            for j in order:
                if 0 <= j < len(clauses):
                    near = {k: dict(clauses[j].get(f"{k}s") or {}) for k in ASPECT_KINDS}
                    if any(near.values()):
                        own = near
                        break
        c = float(clause.get("sentiment", 0.0))
        for kind in ASPECT_KINDS:
            for ident in own[kind]:
                p = polarities[kind].get(ident, 0.0)
                if cue == "prior":
                    if c > 0.0:
                        e = 5.0 * (1.0 + c)
                    elif p != 0.0:
                        e = 5.0 * (1.0 + abs(p))
                    else:
                        continue
                else:
                    if p == 0.0 or c == 0.0:
                        continue
                    e = 5.0 * (1.0 + p) - 5.0 * c
                e = min(10.0, max(0.0, e))
                self.expectation[kind].setdefault(ident, Stat()).add(e)

    def _places(self, rec: Mapping[str, Any], clauses: Sequence[Mapping[str, Any]]) -> None:
        for kind in PLACE_KINDS:
            seen: set[str] = set()
            for m in rec.get(f"{kind}s") or ():
                ident = str(m.get("id"))
                if ident in seen:
                    continue
                seen.add(ident)
                self._order(kind, ident)
                start = int(m.get("start", 0))
                pol = 0.0
                for clause in clauses:
                    if int(clause.get("start", 0)) <= start < int(clause.get("end", 0)):
                        pol = float(clause.get("sentiment", 0.0))
                        break
                counts = self.places[kind].setdefault(ident, [0, 0, 0])
                counts[0] += 1
                if pol >= _OPINION:
                    counts[1] += 1
                elif pol <= -_OPINION:
                    counts[2] += 1

    def add_all(self, records: Iterable[Mapping[str, Any]]) -> ReportAggregate:
        for rec in records:
            self.add(rec)
        return self

    # -- merging ---------------------------------------------------------------------------------------

    def merge(self, other: ReportAggregate) -> ReportAggregate:
        """A new aggregate of both inputs' records (neither input changes).

        Associative and commutative: counts and sums add, quote samples keep the overall top few
        by a total order, and ids keep this aggregate's order with the other's new ids appended.
        """
        out = copy.deepcopy(self)
        out._absorb(other)
        return out

    def _absorb(self, other: ReportAggregate) -> None:
        for kind, ids in other.ids.items():
            for ident in ids:
                self._order(kind, ident)
        self.rows += other.rows
        self.statuses.update(other.statuses)
        self.ratings_unreadable += other.ratings_unreadable
        self.times_unreadable += other.times_unreadable
        self.groups_missing += other.groups_missing
        self.expectation_statements += other.expectation_statements
        self.overall.absorb(other.overall)
        for mine, theirs in ((self.groups, other.groups), (self.days, other.days)):
            for key, sl in theirs.items():
                mine.setdefault(key, Slice()).absorb(sl)
        for kind in ASPECT_KINDS:
            self.mentioned[kind].update(other.mentioned[kind])
            self.positive[kind].update(other.positive[kind])
            self.negative[kind].update(other.negative[kind])
            for ident, stat in other.expectation[kind].items():
                self.expectation[kind].setdefault(ident, Stat()).absorb(stat)
            for sign in ("pos", "neg"):
                for ident, counter in other.terms[kind][sign].items():
                    self.terms[kind][sign].setdefault(ident, Counter()).update(counter)
                for ident, found in other.quotes[kind][sign].items():
                    mine = self.quotes[kind][sign].setdefault(ident, [])
                    mine[:] = _keep_top(mine + list(found), self.max_quotes)
        for key, theirs in other.moments.items():
            kind = key[0]
            k = len(self.ids[kind])
            mine = self.moments.get(key)
            mine = Moments(k) if mine is None else _widen(mine, k)
            self.moments[key] = mine
            mine.absorb(_widen(theirs, k, order=(other.ids[kind], self.ids[kind])))
        for kind in PLACE_KINDS:
            for ident, counts in other.places[kind].items():
                mine_counts = self.places[kind].setdefault(ident, [0, 0, 0])
                for j in range(3):
                    mine_counts[j] += counts[j]

    @classmethod
    def merge_all(cls, parts: Iterable[ReportAggregate]) -> ReportAggregate:
        """Combine any number of aggregates (e.g. one per chunk)."""
        parts = list(parts)
        if not parts:
            return cls()
        out = copy.deepcopy(parts[0])
        for part in parts[1:]:
            out._absorb(part)
        return out

    # -- reading ---------------------------------------------------------------------------------------

    def quotes_for(self, kind: str, sign: str, ident: str) -> list[str]:
        """The sampled quotes, strongest first."""
        return [q for _, q in _keep_top(self.quotes[kind][sign].get(ident, []), self.max_quotes)]

    def phrases_for(self, kind: str, sign: str, ident: str, limit: int = 8) -> list[tuple[str, int]]:
        """The most frequent opinion terms (documents per term), most frequent first, ties by term."""
        counter = self.terms[kind][sign].get(ident, Counter())
        return sorted(counter.items(), key=lambda t: (-t[1], t[0]))[:limit]


def _widen(m: Moments, k: int, order: tuple[Sequence[str], Sequence[str]] | None = None) -> Moments:
    """The moments re-expressed over ``k`` variables (new ids had value 0 in every earlier row).

    With ``order=(source_ids, target_ids)`` the variables are also moved to the target's positions.
    """
    same = order is None or list(order[0])[: m.k] == list(order[1])[: m.k]
    if m.k == k and same:
        out = Moments(k)
        out.absorb(m)
        return out
    import numpy as np

    g = m.gram()
    out = Moments(k)
    if g is None:
        return out
    src_ids = list(order[0]) if order else [str(i) for i in range(m.k)]
    dst_ids = list(order[1]) if order else src_ids + [f"_{i}" for i in range(k - m.k)]
    # positions in the target's [1, x..., y] layout of each source position
    pos = [0] + [1 + dst_ids.index(i) for i in src_ids[: m.k]] + [k + 1]
    big = np.zeros((k + 2, k + 2))
    big[np.ix_(pos, pos)] = g
    out._gram = big
    return out
