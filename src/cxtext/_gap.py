"""The seven-step gap model of customer-experience management, as pure computation.

This module turns per-id scores (one id per experience factor or theme, on a 0–10 scale) into the
seven steps of the gap model described in ``DOMAIN.md``:

1. brand value: the ids customers praise most;
2. actual experience (2a), expectation (2b), satisfaction = 2a − 2b (2c), importance (2d);
3. weight = importance × satisfaction; the most negative weight is the key experience;
4. ideal experience (4a) and gap = actual − ideal (4b);
5. requirements for every id with a negative gap;
6. actions: requirements ranked against strategic priority and feasibility;
7. changes against the previous period's result.

It reads no text and knows nothing about lexicons: the caller passes in numbers (from the aggregation
step or from a YAML file loaded with :func:`load_gap_config`) and, for step 5, complaint phrases and
quotes already mined from text. Everything here is deterministic and side-effect free, so the same
code serves a notebook, the CLI and a worker process, and results pickle.

Missing data stays missing: an ``actual`` of ``None`` (too few mentions to score) gives ``None`` for
satisfaction, weight and gap rather than a made-up number. Numbers are plain floats; only
:meth:`GapResult.to_dict` rounds them, for display.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ._errors import ConfigError, shown

__all__ = [
    "FACTOR_IDS",
    "THEME_IDS",
    "FACTOR_NAMES",
    "THEME_NAMES",
    "ENTRY_KEYS",
    "GapEntry",
    "GapConfig",
    "GapRow",
    "Requirement",
    "Action",
    "GapChange",
    "GapResult",
    "GapReport",
    "GapModel",
    "load_gap_config",
]

# Display names for now; the lexicon catalogue (lexicons/catalog.tsv) holds the same names and callers
# that have loaded it pass them in through ``names=``. Read-only proxies, so no caller can change them
# for every other caller.
FACTOR_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "product": "产品",
        "service": "服务",
        "relationship": "关系",
        "convenience": "便利性",
        "brand": "品牌形象",
        "price": "价格",
    }
)
THEME_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "trust": "信任",
        "convenience": "便利",
        "commitment": "承诺",
        "respect": "尊重",
        "autonomy": "自主",
        "choice": "选择",
        "knowledge": "知识",
        "recognition": "认知",
        "benefit": "有益",
        "identity": "身份",
    }
)
FACTOR_IDS: tuple[str, ...] = tuple(FACTOR_NAMES)
THEME_IDS: tuple[str, ...] = tuple(THEME_NAMES)

_KINDS: Mapping[str, Mapping[str, str]] = MappingProxyType({"factor": FACTOR_NAMES, "theme": THEME_NAMES})

# The keys one id may carry in a gap config, and the range each accepts. ``None`` as an upper bound
# means "the scale" (10 unless the file says otherwise).
ENTRY_KEYS: tuple[str, ...] = ("actual", "expectation", "importance", "ideal", "priority", "capability", "cost")
_SCORE_KEYS = frozenset({"actual", "expectation", "ideal"})
_IMPORTANCE_RANGE = (0.0, 10.0)
_RATING_RANGE = (1.0, 5.0)

# Step 6 fills a missing rating with the middle of its range, so an id nobody rated is neither
# favoured nor penalised against ids that were rated.
_MID_IMPORTANCE = 5.0
_MID_RATING = 3.0

# Two floats that differ by less than this are the same score (ties in steps 1 and 3).
_TIE_TOL = 1e-9


# --------------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GapEntry:
    """What a config file says about one factor or theme; ``None`` means "not given".

    Scores (``actual``, ``expectation``, ``ideal``) are on the config's scale; ``importance`` is
    0–10; ``priority`` (strategic priority), ``capability`` and ``cost`` (feasibility) are 1–5.
    """

    actual: float | None = None
    expectation: float | None = None
    importance: float | None = None
    ideal: float | None = None
    priority: float | None = None
    capability: float | None = None
    cost: float | None = None


@dataclass(frozen=True, slots=True)
class GapConfig:
    """Management's numbers for the gap model, usually read by :func:`load_gap_config`.

    Values given here win over values measured from text, because they are a deliberate choice
    (a survey result, a front-line estimate, a target). The mappings are treated as read-only.
    ``path`` names the file the config came from, so later errors can point at it.
    """

    scale: float = 10.0
    factors: Mapping[str, GapEntry] = field(default_factory=dict)
    themes: Mapping[str, GapEntry] = field(default_factory=dict)
    path: str | None = None

    def entries(self, kind: str) -> Mapping[str, GapEntry]:
        """The entries for ``kind`` ("factor" or "theme")."""
        return self.factors if _check_kind(kind) == "factor" else self.themes


def _allowed_range(key: str, scale: float) -> tuple[float, float]:
    """The closed range a config key accepts, so the loader and :meth:`GapModel.compute` agree."""
    if key in _SCORE_KEYS:
        return (0.0, scale)
    if key == "importance":
        return _IMPORTANCE_RANGE
    return _RATING_RANGE


def _fmt(x: float) -> str:
    """A number as people write it: 7 not 7.0, at most two decimals."""
    return f"{round(x, 2) + 0.0:g}"


def _number_problem(value: object, lo: float | None, hi: float | None) -> str | None:
    """Why ``value`` is not an acceptable number in [lo, hi], or ``None`` when it is.

    ``bool`` is refused although it is an ``int``: ``yes`` in YAML is almost certainly a typo.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = repr(value) if isinstance(value, str) else f"{type(value).__name__} {value!r}"
        return f"{shown} is not a number"
    if not math.isfinite(value):
        return f"{value!r} is not a finite number"
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return f"{value:g} is out of range"
    return None


def _range_text(lo: float, hi: float) -> str:
    return f"a number from {_fmt(lo)} to {_fmt(hi)}"


def load_gap_config(
    path: str | os.PathLike[str],
    *,
    factor_ids: Iterable[str] | None = None,
    theme_ids: Iterable[str] | None = None,
) -> GapConfig:
    """Read a gap-model config from a YAML file and check every value.

    The file is a mapping with optional keys ``scale`` (the scale of the scores in the file, default
    10), ``factors`` and ``themes``; each of the last two maps an id to a mapping of the keys in
    :data:`ENTRY_KEYS`. ``factor_ids``/``theme_ids`` replace the built-in six factor and ten theme ids
    when the lexicon catalogue defines others.

    The file is composed into YAML nodes first (with the safe loader) instead of loaded straight to
    Python objects, so every problem is reported with its line, as
    ``file:line: field.path: what is wrong; allowed: what would be accepted``.

    Raises:
        ConfigError: the file is not UTF-8, not valid YAML, or a value is not allowed.
        OSError: the file cannot be read.
    """
    import yaml  # only needed here; keeps ``import cxtext`` light

    name = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{name}: the file is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        detail = exc.problem or exc.context or "unreadable"
        started = exc.context_mark
        if exc.context and started is not None and mark is not None and started.line != mark.line:
            detail += f" ({exc.context} started at line {started.line + 1})"
        raise ConfigError(
            f"{where}: invalid YAML: {detail}; fix the syntax there "
            "(indentation, a ':' after each key, closing brackets)"
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: invalid YAML: {exc}") from exc

    parser = _ConfigParser(
        name,
        yaml,
        {
            "factor": tuple(FACTOR_IDS if factor_ids is None else factor_ids),
            "theme": tuple(THEME_IDS if theme_ids is None else theme_ids),
        },
    )
    return parser.parse(root)


class _ConfigParser:
    """Walks a composed YAML node tree into a :class:`GapConfig`, failing with file:line messages."""

    _TOP_KEYS = ("scale", "factors", "themes")

    def __init__(self, name: str, yaml: Any, ids: Mapping[str, tuple[str, ...]]) -> None:
        self.name = name
        self.yaml = yaml
        self.ids = ids
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: Any, field_path: str, problem: str, allowed: str) -> ConfigError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ConfigError(f"{self.name}:{line}: {field_path}: {problem}; allowed: {allowed}")

    def mapping(self, node: Any, field_path: str, allowed: str) -> list[tuple[str, Any, Any]]:
        """The (key, key node, value node) triples of a mapping node, refusing duplicates."""
        if not isinstance(node, self.yaml.MappingNode):
            shown = self.describe(node, field_path, allowed)
            raise self.fail(node, field_path, f"{shown} is not a mapping", allowed)
        seen: dict[str, int] = {}
        items = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, self.yaml.ScalarNode):
                raise self.fail(key_node, field_path, "a key must be a plain word", allowed)
            key = str(key_node.value)
            here = key_node.start_mark.line + 1
            if key in seen:
                raise self.fail(
                    key_node, _join(field_path, key), f"duplicate key (first at line {seen[key]})", "each key once"
                )
            seen[key] = here
            items.append((key, key_node, value_node))
        return items

    def scalar(self, node: Any, field_path: str, allowed: str) -> Any:
        """The Python value of a scalar node; an unsupported tag (``!!python/...``) is an error here."""
        try:
            return self.constructor.construct_object(node, deep=True)
        except self.yaml.YAMLError as exc:
            raise self.fail(node, field_path, f"cannot read a value tagged {node.tag}", allowed) from exc

    def describe(self, node: Any, field_path: str, allowed: str) -> str:
        if isinstance(node, self.yaml.SequenceNode):
            return "a list"
        if isinstance(node, self.yaml.MappingNode):
            return "a mapping"
        value = self.scalar(node, field_path, allowed)
        return "an empty value" if value is None else shown(value)

    def is_null(self, node: Any) -> bool:
        return isinstance(node, self.yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"

    def number(self, node: Any, field_path: str, lo: float | None, hi: float | None, allowed: str) -> float:
        if not isinstance(node, self.yaml.ScalarNode):
            shown = self.describe(node, field_path, allowed)
            raise self.fail(node, field_path, f"{shown} is not a number", allowed)
        value = self.scalar(node, field_path, allowed)
        problem = _number_problem(value, lo, hi)
        if problem is not None:
            raise self.fail(node, field_path, problem, allowed)
        return float(value)

    def parse(self, root: Any) -> GapConfig:
        top_allowed = "a mapping with the keys " + ", ".join(self._TOP_KEYS)
        if root is None:
            raise ConfigError(f"{self.name}:1: (top level): the file is empty; allowed: {top_allowed}")
        items = self.mapping(root, "(top level)", top_allowed)
        scale = 10.0
        kinds: dict[str, Any] = {}
        for key, key_node, value_node in items:
            if key not in self._TOP_KEYS:
                raise self.fail(key_node, key, "unknown key", ", ".join(self._TOP_KEYS))
            if key == "scale":
                scale = self.number(value_node, "scale", 0.0, None, "a number greater than 0")
                if scale <= 0:
                    problem = f"{value_node.value} is out of range"
                    raise self.fail(value_node, "scale", problem, "a number greater than 0")
            else:
                kinds[key] = value_node
        factors = self.entries(kinds.get("factors"), "factor", scale)
        themes = self.entries(kinds.get("themes"), "theme", scale)
        return GapConfig(scale=scale, factors=factors, themes=themes, path=self.name)

    def entries(self, node: Any, kind: str, scale: float) -> dict[str, GapEntry]:
        section = f"{kind}s"
        ids = self.ids[kind]
        if node is None or self.is_null(node):
            return {}
        example = f"{ids[0]}: {{actual: 7}}" if ids else "id: {actual: 7}"
        items = self.mapping(node, section, f"a mapping from {kind} id to its scores, e.g. {example}")
        result: dict[str, GapEntry] = {}
        for ident, key_node, value_node in items:
            id_path = _join(section, ident)
            if ident not in ids:
                raise self.fail(key_node, id_path, f"unknown {kind} id", ", ".join(ids))
            result[ident] = self.entry(value_node, id_path, scale)
        return result

    def entry(self, node: Any, id_path: str, scale: float) -> GapEntry:
        if self.is_null(node):
            return GapEntry()
        items = self.mapping(node, id_path, "a mapping of " + ", ".join(ENTRY_KEYS))
        values: dict[str, float | None] = {}
        for key, key_node, value_node in items:
            key_path = _join(id_path, key)
            if key not in ENTRY_KEYS:
                raise self.fail(key_node, key_path, "unknown key", ", ".join(ENTRY_KEYS))
            lo, hi = _allowed_range(key, scale)
            allowed = _range_text(lo, hi) + " (or leave it out)"
            values[key] = None if self.is_null(value_node) else self.number(value_node, key_path, lo, hi, allowed)
        return GapEntry(**values)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


def _out(x: float | None) -> float | None:
    """A number for JSON: two decimals, and never ``-0.0`` (0 × −2 would otherwise print as -0.0)."""
    return None if x is None else round(x, 2) + 0.0


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


@dataclass(frozen=True, slots=True)
class GapRow:
    """Steps 2–4 for one factor or theme.

    Any step whose inputs are missing is ``None``: satisfaction, weight and gap are never invented
    for an id without enough mentions. The ``*_source`` fields say where each input came from so a
    report can show which numbers were measured, configured, estimated or assumed:

    - ``actual_source``: "config" | "measured" | "missing"
    - ``expectation_source``: "config" | "estimate" | "met" (not given, so taken as equal to actual)
    - ``importance_source``: "config" | "estimate" | "missing"
    - ``ideal_source``: "config" | "key" (raised to the key ideal) | "actual" | "missing"

    ``actual_ci`` is the confidence interval of a measured actual score when the caller gave one.
    """

    id: str
    name: str
    actual: float | None
    expectation: float | None
    satisfaction: float | None
    importance: float | None
    weight: float | None
    ideal: float | None
    gap: float | None
    n: int | None = None
    actual_source: str = "missing"
    expectation_source: str = "met"
    importance_source: str = "missing"
    ideal_source: str = "missing"
    actual_ci: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The row as the report's JSON shows it (numbers rounded to 2 decimals)."""
        return {
            "id": self.id,
            "name": self.name,
            "actual": _out(self.actual),
            "expectation": _out(self.expectation),
            "satisfaction": _out(self.satisfaction),
            "importance": _out(self.importance),
            "weight": _out(self.weight),
            "ideal": _out(self.ideal),
            "gap": _out(self.gap),
            "n": self.n,
        }


@dataclass(frozen=True, slots=True)
class Requirement:
    """Step 5: what customers ask for on one id whose gap is negative.

    ``complaints`` (short phrases such as 排队) and ``quotes`` (whole sentences) are mined from text
    by the caller; this step only attaches them to the gap and words a short statement.
    """

    kind: str
    id: str
    name: str
    actual: float | None
    ideal: float | None
    gap: float
    complaints: tuple[str, ...]
    quotes: tuple[str, ...]
    statement: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "actual": _out(self.actual),
            "ideal": _out(self.ideal),
            "gap": _out(self.gap),
            "complaints": list(self.complaints),
            "quotes": list(self.quotes),
            "statement": self.statement,
        }


@dataclass(frozen=True, slots=True)
class Action:
    """Step 6: one requirement scored against strategy; see :meth:`GapModel.compute` for the formula.

    ``assumed`` names the ratings that were missing and took the middle of their range.
    """

    rank: int
    kind: str
    id: str
    name: str
    statement: str
    gap: float
    importance: float
    priority: float
    capability: float
    cost: float
    need: float
    feasibility: float
    score: float
    assumed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "statement": self.statement,
            "gap": _out(self.gap),
            "importance": _out(self.importance),
            "priority": _out(self.priority),
            "capability": _out(self.capability),
            "cost": _out(self.cost),
            "need": _out(self.need),
            "feasibility": _out(self.feasibility),
            "score": _out(self.score),
            "assumed": list(self.assumed),
        }


@dataclass(frozen=True, slots=True)
class GapChange:
    """Step 7: how one id moved since the previous period.

    Deltas are "now − before" and ``None`` when either side is missing. ``improved`` is whether the
    actual score rose: the measured outcome, which an unchanged or moved expectation cannot mask.
    """

    kind: str
    id: str
    name: str
    previous_actual: float | None
    actual: float | None
    actual_delta: float | None
    satisfaction_delta: float | None
    gap_delta: float | None
    was_key: bool
    is_key: bool
    improved: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "previous_actual": _out(self.previous_actual),
            "actual": _out(self.actual),
            "actual_delta": _out(self.actual_delta),
            "satisfaction_delta": _out(self.satisfaction_delta),
            "gap_delta": _out(self.gap_delta),
            "was_key": self.was_key,
            "is_key": self.is_key,
            "improved": self.improved,
        }


@dataclass(frozen=True, slots=True)
class GapResult:
    """All seven steps for one kind of id ("factor" or "theme").

    ``changes`` is empty until :meth:`compare` is called with the previous period's result.
    ``brand_value_source`` is "praise" when step 1 used positive-mention shares, "actual" when it
    fell back to the highest actual scores.
    """

    kind: str
    rows: tuple[GapRow, ...]
    key_experience: tuple[str, ...]
    brand_value: tuple[str, ...]
    requirements: tuple[Requirement, ...] = ()
    actions: tuple[Action, ...] = ()
    changes: tuple[GapChange, ...] = ()
    brand_value_source: str = "actual"

    def row(self, ident: str) -> GapRow:
        """The row for ``ident``; ``KeyError`` naming the ids present when there is none."""
        for r in self.rows:
            if r.id == ident:
                return r
        raise KeyError(f"no {self.kind} row {ident!r}; rows: {', '.join(r.id for r in self.rows) or '(none)'}")

    @property
    def key_improved(self) -> bool | None:
        """Whether every previous key experience improved; ``None`` before :meth:`compare` or without data."""
        verdicts = [c.improved for c in self.changes if c.was_key]
        if not verdicts or any(v is None for v in verdicts):
            return None
        return all(verdicts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape the report and CLI write; the rows go under "factors" or "themes"."""
        rows = [r.to_dict() for r in self.rows]
        return {
            "factors": rows if self.kind == "factor" else [],
            "themes": rows if self.kind == "theme" else [],
            "key_experience": list(self.key_experience),
            "brand_value": list(self.brand_value),
            "requirements": [r.to_dict() for r in self.requirements],
            "actions": [a.to_dict() for a in self.actions],
            "changes": [c.to_dict() for c in self.changes],
        }

    def compare(self, previous: GapResult | Mapping[str, Any]) -> GapResult:
        """Step 7: a copy of this result with ``changes`` against ``previous``.

        ``previous`` is last period's :class:`GapResult` or its :meth:`to_dict` output (for example
        read back from last period's JSON report, or a :meth:`GapReport.to_dict`); a dict carries
        the rounded display values, so its deltas are exact to 2 decimals. Ids present in only one
        of the two periods get a change with ``None`` deltas.
        """
        prev_rows, prev_key = _previous(previous, self.kind)
        prev_by_id = {r["id"]: r for r in prev_rows}
        now_by_id = {r.id: r for r in self.rows}
        order = [r.id for r in self.rows] + [i for i in prev_by_id if i not in now_by_id]
        changes = []
        for ident in order:
            now = now_by_id.get(ident)
            before = prev_by_id.get(ident, {})
            now_actual = now.actual if now else None
            before_actual = before.get("actual")
            delta = _sub(now_actual, before_actual)
            changes.append(
                GapChange(
                    kind=self.kind,
                    id=ident,
                    name=now.name if now else str(before.get("name", ident)),
                    previous_actual=before_actual,
                    actual=now_actual,
                    actual_delta=delta,
                    satisfaction_delta=_sub(now.satisfaction if now else None, before.get("satisfaction")),
                    gap_delta=_sub(now.gap if now else None, before.get("gap")),
                    was_key=ident in prev_key,
                    is_key=ident in self.key_experience,
                    improved=None if delta is None else delta > 0,
                )
            )
        return dataclasses.replace(self, changes=tuple(changes))


def _previous(previous: GapResult | Mapping[str, Any], kind: str) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """Rows (as dicts of floats) and key experience of last period's result, checked."""
    if isinstance(previous, GapResult):
        if previous.kind != kind:
            raise ValueError(f"cannot compare a {kind} result with a previous {previous.kind} result")
        rows = [
            {"id": r.id, "name": r.name, "actual": r.actual, "satisfaction": r.satisfaction, "gap": r.gap,
             "weight": r.weight}
            for r in previous.rows
        ]
        return rows, previous.key_experience
    if not isinstance(previous, Mapping):
        raise TypeError(f"previous must be a GapResult or its to_dict() output, not {type(previous).__name__}")
    section = f"{kind}s"
    raw = previous.get(section) or []
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)):
        raise ValueError(f"previous result: {section}: expected a list of rows, got {type(raw).__name__}")
    rows = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise ValueError(f"previous result: {section}[{i}]: expected a mapping with a string 'id'")
        row: dict[str, Any] = {"id": item["id"], "name": item.get("name", item["id"])}
        for key in ("actual", "satisfaction", "gap", "weight"):
            value = item.get(key)
            if value is not None and _number_problem(value, None, None) is not None:
                raise ValueError(
                    f"previous result: {section}[{i}].{key}: {_number_problem(value, None, None)}; "
                    "allowed: a number or null"
                )
            row[key] = None if value is None else float(value)
        rows.append(row)
    # The top-level key_experience belongs to the factors when there are factor rows (see GapReport),
    # else to the themes. Themes in a combined report recompute theirs from the theme weights, which
    # is the definition of step 3.
    if not rows:
        key: tuple[str, ...] = ()
    elif kind == "theme" and previous.get("factors"):
        key = _most_negative({r["id"]: r["weight"] for r in rows})
    else:
        key = tuple(str(k) for k in previous.get("key_experience") or ())
    return rows, key


@dataclass(frozen=True, slots=True)
class GapReport:
    """Factor and theme results side by side, in the one JSON shape the report uses.

    In :meth:`to_dict` the top-level ``key_experience`` and ``brand_value`` are the factors' (the
    model's primary level), or the themes' when there are no factor rows; the theme key experience
    stays on ``report.themes`` and follows from the theme rows' weights. Requirements, actions and
    changes of both kinds are listed together, each tagged with its ``kind``.
    """

    factors: GapResult | None = None
    themes: GapResult | None = None

    def __post_init__(self) -> None:
        for name, part in (("factor", self.factors), ("theme", self.themes)):
            if part is not None and part.kind != name:
                raise ValueError(f"GapReport.{name}s must be a {name} result, got a {part.kind} result")

    def _primary(self) -> GapResult | None:
        if self.factors is not None and self.factors.rows:
            return self.factors
        return self.themes if self.themes is not None else self.factors

    def to_dict(self) -> dict[str, Any]:
        parts = [p for p in (self.factors, self.themes) if p is not None]
        primary = self._primary()
        return {
            "factors": [r.to_dict() for r in self.factors.rows] if self.factors is not None else [],
            "themes": [r.to_dict() for r in self.themes.rows] if self.themes is not None else [],
            "key_experience": list(primary.key_experience) if primary is not None else [],
            "brand_value": list(primary.brand_value) if primary is not None else [],
            "requirements": [r.to_dict() for p in parts for r in p.requirements],
            "actions": [a.to_dict() for p in parts for a in p.actions],
            "changes": [c.to_dict() for p in parts for c in p.changes],
        }

    def compare(self, previous: GapReport | Mapping[str, Any]) -> GapReport:
        """Step 7 for both kinds; ``previous`` is last period's report or its :meth:`to_dict`."""

        def prev(kind: str) -> GapResult | Mapping[str, Any]:
            if isinstance(previous, GapReport):
                part = previous.factors if kind == "factor" else previous.themes
                return part if part is not None else {}
            return previous

        return GapReport(
            factors=self.factors.compare(prev("factor")) if self.factors is not None else None,
            themes=self.themes.compare(prev("theme")) if self.themes is not None else None,
        )


# --------------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'factor' or 'theme', not {kind!r}")
    return kind


def _most_negative(weights: Mapping[str, float | None]) -> tuple[str, ...]:
    """Step 3: the id(s) with the most negative weight, ties all kept; none if no weight is negative."""
    present = {k: w for k, w in weights.items() if w is not None}
    if not present:
        return ()
    lowest = min(present.values())
    if lowest >= 0:
        return ()
    return tuple(k for k, w in present.items() if math.isclose(w, lowest, rel_tol=0.0, abs_tol=_TIE_TOL))


def _top(values: Mapping[str, float | None], count: int) -> tuple[str, ...]:
    """The ``count`` highest positive values, highest first; ties at the cut are all kept."""
    present = sorted(((v, k) for k, v in values.items() if v is not None and v > 0), key=lambda t: -t[0])
    if not present or count < 1:
        return ()
    cut = present[min(count, len(present)) - 1][0]
    return tuple(k for v, k in present if v >= cut - _TIE_TOL)


class GapModel:
    """The seven-step gap model; ``compute`` runs steps 1–6, :meth:`GapResult.compare` step 7.

    Parameters (stored as given, checked when used):
        key_ideal: the ideal score of the key experience(s) (step 4a), where the firm chooses to
            exceed expectations; at most ``scale``.
        scale: the top of the score scale; actual, expectation and ideal lie in 0..scale. A config
            written on another scale is converted to this one.
        brand_value_top: how many of the most-praised ids count as brand value (ties kept).
        max_phrases: how many complaint phrases a requirement statement quotes.
    """

    def __init__(
        self,
        *,
        key_ideal: float = 10.0,
        scale: float = 10.0,
        brand_value_top: int = 1,
        max_phrases: int = 3,
    ) -> None:
        self.key_ideal = key_ideal
        self.scale = scale
        self.brand_value_top = brand_value_top
        self.max_phrases = max_phrases

    def __repr__(self) -> str:
        return (
            f"GapModel(key_ideal={self.key_ideal!r}, scale={self.scale!r}, "
            f"brand_value_top={self.brand_value_top!r}, max_phrases={self.max_phrases!r})"
        )

    def _check_params(self) -> None:
        if _number_problem(self.scale, 0.0, None) or self.scale <= 0:
            raise ValueError(f"GapModel scale must be a number greater than 0, not {self.scale!r}")
        problem = _number_problem(self.key_ideal, 0.0, self.scale)
        if problem:
            raise ValueError(f"GapModel key_ideal: {problem}; allowed: {_range_text(0.0, self.scale)}")
        counts = (("brand_value_top", self.brand_value_top, 1), ("max_phrases", self.max_phrases, 0))
        for label, value, least in counts:
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"GapModel {label} must be an int of at least {least}, not {value!r}")

    def compute(
        self,
        actual: Mapping[str, float | None] | None = None,
        *,
        kind: str = "factor",
        config: GapConfig | None = None,
        expectation: Mapping[str, float | None] | None = None,
        importance: Mapping[str, float | None] | None = None,
        n: Mapping[str, int | None] | None = None,
        ci: Mapping[str, tuple[float, float] | None] | None = None,
        praise: Mapping[str, float | None] | None = None,
        complaints: Mapping[str, Sequence[str]] | None = None,
        quotes: Mapping[str, Sequence[str]] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> GapResult:
        """Run steps 1–6 for the factors (``kind="factor"``) or the themes (``kind="theme"``).

        Inputs are mappings from id to value; every one is optional:

        - ``actual`` (2a), ``expectation`` (2b), ``importance`` (2d): measured or estimated scores;
          ``None`` or NaN means "not enough data". A value for the same id in ``config`` wins, since
          it was set deliberately. A missing expectation is taken as met (equal to actual).
        - ``n``: the number of mentions behind each actual; ``ci``: its (low, high) interval. Both are
          carried to the rows; the interval is dropped where ``config`` replaces the measured actual.
        - ``praise``: positive-mention share per id for step 1; without it, brand value falls back to
          the ids with the highest actual.
        - ``complaints``/``quotes``: phrases and sentences mined from text for step 5.
        - ``names``: display names; its keys are the ids allowed (default: the built-in six factors
          or ten themes, whose names match ``lexicons/catalog.tsv``).

        Rows are made for every id that appears in any input, in the order of ``names``.

        Step 6 ranks one action per requirement (ids with a negative gap)::

            need        = |gap| × importance                  (importance 0–10)
            feasibility = (capability + (6 − cost)) / 2       (1–5; high capability, low cost)
            score       = need × priority × feasibility / 25  (priority 1–5)

        so an action is worth doing when customers feel the gap strongly *and* it fits what the firm
        wants (priority) and can do (capability, cost); the divisor 25 keeps ``score`` on the scale
        of ``need``, equal to it when priority and feasibility are both 5. A missing importance
        counts as 5 and a missing priority, capability or cost as 3, the middle of its range, and is
        listed in ``Action.assumed``. Ties rank by larger need, then by id order.

        Raises:
            ValueError: a parameter, id or value passed in is not allowed.
            ConfigError: a value in ``config`` is not allowed (it names the config's file).
        """
        self._check_params()
        kind = _check_kind(kind)
        universe = dict(_KINDS[kind] if names is None else names)
        entries = self._config_entries(config, kind, universe)

        inputs = {
            "actual": self._scores(actual, "actual", universe, 0.0, self.scale),
            "expectation": self._scores(expectation, "expectation", universe, 0.0, self.scale),
            "importance": self._scores(importance, "importance", universe, *_IMPORTANCE_RANGE),
        }
        counts = self._counts(n, universe)
        intervals = self._intervals(ci, universe)
        shares = self._scores(praise, "praise", universe, 0.0, None)
        phrases = self._phrases(complaints, "complaints", universe)
        sentences = self._phrases(quotes, "quotes", universe)

        present = set(entries) | set(counts) | set(intervals) | set(shares)
        for values in inputs.values():
            present |= set(values)
        rows = tuple(
            self._row(ident, universe[ident], entries.get(ident, GapEntry()), inputs, counts, intervals)
            for ident in universe
            if ident in present
        )

        # Step 3 needs every weight before step 4a can raise the key experience's ideal.
        key = _most_negative({r.id: r.weight for r in rows})
        rows = tuple(self._ideal(r, entries.get(r.id, GapEntry()), key) for r in rows)

        if shares:
            in_order = {i: shares[i] for i in universe if i in shares}
            brand, brand_source = _top(in_order, self.brand_value_top), "praise"
        else:
            brand, brand_source = _top({r.id: r.actual for r in rows}, self.brand_value_top), "actual"

        requirements = self._requirements(kind, rows, phrases, sentences)
        actions = self._actions(kind, requirements, rows, entries)
        return GapResult(
            kind=kind,
            rows=rows,
            key_experience=key,
            brand_value=brand,
            requirements=requirements,
            actions=actions,
            brand_value_source=brand_source,
        )

    # -- steps ----------------------------------------------------------------------------------------

    def _row(
        self,
        ident: str,
        name: str,
        entry: GapEntry,
        inputs: Mapping[str, Mapping[str, float | None]],
        counts: Mapping[str, int | None],
        intervals: Mapping[str, tuple[float, float] | None],
    ) -> GapRow:
        """Steps 2a–2d and 3 for one id; the ideal and gap follow once the key experience is known."""
        actual, actual_source = _pick(entry.actual, inputs["actual"].get(ident), "measured")
        expectation, expectation_source = _pick(entry.expectation, inputs["expectation"].get(ident), "estimate")
        if expectation_source == "missing":
            expectation, expectation_source = actual, "met"
        importance, importance_source = _pick(entry.importance, inputs["importance"].get(ident), "estimate")
        satisfaction = _sub(actual, expectation)
        weight = None if importance is None or satisfaction is None else importance * satisfaction
        return GapRow(
            id=ident,
            name=name,
            actual=actual,
            expectation=expectation,
            satisfaction=satisfaction,
            importance=importance,
            weight=weight,
            ideal=None,
            gap=None,
            n=counts.get(ident),
            actual_source=actual_source,
            expectation_source=expectation_source,
            importance_source=importance_source,
            actual_ci=intervals.get(ident) if actual_source == "measured" else None,
        )

    def _ideal(self, row: GapRow, entry: GapEntry, key: tuple[str, ...]) -> GapRow:
        """Steps 4a and 4b: the ideal is the actual, except where raised (key) or set (config)."""
        if entry.ideal is not None:
            ideal, source = entry.ideal, "config"
        elif row.id in key:
            ideal, source = float(self.key_ideal), "key"
        elif row.actual is not None:
            ideal, source = row.actual, "actual"
        else:
            ideal, source = None, "missing"
        return dataclasses.replace(row, ideal=ideal, gap=_sub(row.actual, ideal), ideal_source=source)

    def _requirements(
        self,
        kind: str,
        rows: Sequence[GapRow],
        phrases: Mapping[str, tuple[str, ...]],
        sentences: Mapping[str, tuple[str, ...]],
    ) -> tuple[Requirement, ...]:
        """Step 5: one requirement per negative gap, largest gap first."""
        found = []
        for position, row in enumerate(rows):
            if row.gap is None or row.gap >= 0:
                continue
            said = phrases.get(row.id, ())
            statement = f"提升{row.name}（{_fmt(row.actual)}→{_fmt(row.ideal)}）"  # type: ignore[arg-type]
            if said and self.max_phrases:
                statement += "：解决" + "、".join(said[: self.max_phrases])
            requirement = Requirement(
                kind=kind,
                id=row.id,
                name=row.name,
                actual=row.actual,
                ideal=row.ideal,
                gap=row.gap,
                complaints=said,
                quotes=sentences.get(row.id, ()),
                statement=statement,
            )
            found.append((row.gap, position, requirement))
        return tuple(r for _, _, r in sorted(found, key=lambda t: (t[0], t[1])))

    def _actions(
        self,
        kind: str,
        requirements: Sequence[Requirement],
        rows: Sequence[GapRow],
        entries: Mapping[str, GapEntry],
    ) -> tuple[Action, ...]:
        """Step 6: score each requirement against strategy; the formula is in :meth:`compute`."""
        position = {r.id: i for i, r in enumerate(rows)}
        importance = {r.id: r.importance for r in rows}
        scored = []
        for req in requirements:
            entry = entries.get(req.id, GapEntry())
            assumed = []

            def rating(value: float | None, label: str, middle: float) -> float:
                if value is None:
                    assumed.append(label)
                    return middle
                return value

            imp = rating(importance[req.id], "importance", _MID_IMPORTANCE)
            priority = rating(entry.priority, "priority", _MID_RATING)
            capability = rating(entry.capability, "capability", _MID_RATING)
            cost = rating(entry.cost, "cost", _MID_RATING)
            need = abs(req.gap) * imp
            feasibility = (capability + (6.0 - cost)) / 2.0
            score = need * priority * feasibility / 25.0
            scored.append((req, imp, priority, capability, cost, need, feasibility, score, tuple(assumed)))
        scored.sort(key=lambda t: (-t[7], -t[5], position[t[0].id]))
        return tuple(
            Action(
                rank=rank,
                kind=kind,
                id=req.id,
                name=req.name,
                statement=req.statement,
                gap=req.gap,
                importance=imp,
                priority=priority,
                capability=capability,
                cost=cost,
                need=need,
                feasibility=feasibility,
                score=score,
                assumed=assumed,
            )
            for rank, (req, imp, priority, capability, cost, need, feasibility, score, assumed) in enumerate(
                scored, start=1
            )
        )

    # -- input checking -------------------------------------------------------------------------------

    def _config_entries(
        self, config: GapConfig | None, kind: str, universe: Mapping[str, str]
    ) -> dict[str, GapEntry]:
        """The config's entries for ``kind``, checked and converted to the model's scale."""
        if config is None:
            return {}
        where = f"{config.path}: " if config.path else ""
        problem = _number_problem(config.scale, 0.0, None)
        if problem or config.scale <= 0:
            problem = problem or f"{_fmt(config.scale)} is out of range"
            raise ConfigError(f"{where}scale: {problem}; allowed: a number greater than 0")
        factor = self.scale / config.scale
        result = {}
        for ident, entry in config.entries(kind).items():
            if ident not in universe:
                raise ConfigError(f"{where}{kind}s.{ident}: unknown {kind} id; allowed: {', '.join(universe)}")
            if not isinstance(entry, GapEntry):
                raise ConfigError(f"{where}{kind}s.{ident}: expected a GapEntry, got {type(entry).__name__}")
            values = {}
            for key in ENTRY_KEYS:
                value = getattr(entry, key)
                if value is not None:
                    lo, hi = _allowed_range(key, config.scale)
                    problem = _number_problem(value, lo, hi)
                    if problem:
                        allowed = _range_text(lo, hi)
                        raise ConfigError(f"{where}{kind}s.{ident}.{key}: {problem}; allowed: {allowed}")
                    value = float(value)
                    if key in _SCORE_KEYS and factor != 1:
                        value *= factor
                values[key] = value
            result[ident] = GapEntry(**values)
        return result

    @staticmethod
    def _ids(values: Mapping[str, Any], label: str, universe: Mapping[str, str]) -> None:
        if not isinstance(values, Mapping):
            raise ValueError(f"{label} must be a mapping from id to value, not {type(values).__name__}")
        for ident in values:
            if ident not in universe:
                raise ValueError(f"{label}: unknown id {ident!r}; allowed: {', '.join(universe)}")

    def _scores(
        self,
        values: Mapping[str, float | None] | None,
        label: str,
        universe: Mapping[str, str],
        lo: float,
        hi: float | None,
    ) -> dict[str, float | None]:
        """Checked floats; ``None`` and NaN (pandas' missing value) both mean "no data"."""
        if values is None:
            return {}
        self._ids(values, label, universe)
        result: dict[str, float | None] = {}
        for ident, value in values.items():
            if value is None or (isinstance(value, float) and math.isnan(value)):
                result[ident] = None
                continue
            problem = _number_problem(value, lo, hi)
            if problem:
                allowed = f"a number of at least {_fmt(lo)}" if hi is None else _range_text(lo, hi)
                raise ValueError(f"{label}[{ident!r}]: {problem}; allowed: {allowed} or None")
            result[ident] = float(value)
        return result

    def _counts(
        self, values: Mapping[str, int | None] | None, universe: Mapping[str, str]
    ) -> dict[str, int | None]:
        if values is None:
            return {}
        self._ids(values, "n", universe)
        for ident, value in values.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"n[{ident!r}]: {value!r} is not a count; allowed: an int of at least 0 or None")
        return dict(values)

    def _intervals(
        self, values: Mapping[str, tuple[float, float] | None] | None, universe: Mapping[str, str]
    ) -> dict[str, tuple[float, float] | None]:
        if values is None:
            return {}
        self._ids(values, "ci", universe)
        result: dict[str, tuple[float, float] | None] = {}
        for ident, value in values.items():
            if value is None:
                result[ident] = None
                continue
            ok = isinstance(value, Sequence) and len(value) == 2
            ok = ok and all(_number_problem(v, None, None) is None for v in value) and value[0] <= value[1]
            if not ok:
                raise ValueError(
                    f"ci[{ident!r}]: {value!r} is not an interval; allowed: (low, high) with low <= high, or None"
                )
            result[ident] = (float(value[0]), float(value[1]))
        return result

    def _phrases(
        self, values: Mapping[str, Sequence[str]] | None, label: str, universe: Mapping[str, str]
    ) -> dict[str, tuple[str, ...]]:
        """Phrases per id, de-duplicated in order (the caller's ranking is kept)."""
        if values is None:
            return {}
        self._ids(values, label, universe)
        result = {}
        for ident, items in values.items():
            listed = tuple(items) if isinstance(items, Iterable) and not isinstance(items, str) else None
            if listed is None or not all(isinstance(s, str) for s in listed):
                raise ValueError(f"{label}[{ident!r}]: expected a list of strings, got {items!r}")
            result[ident] = tuple(dict.fromkeys(s.strip() for s in listed if s.strip()))
        return result


def _pick(configured: float | None, given: float | None, given_source: str) -> tuple[float | None, str]:
    """A configured value wins over a measured or estimated one; report which was used."""
    if configured is not None:
        return configured, "config"
    if given is not None:
        return given, given_source
    return None, "missing"
