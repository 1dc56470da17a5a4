"""The QA rule book: agent scorecard rules, timing limits, customer outcome cues and priority weights.

Rules are YAML (the shipped defaults are ``lexicons/qa_rules.yaml``, documented in place). A user file
is laid over the defaults key by key, so changing one threshold or one phrase list does not mean
copying the whole book. Every value is checked when the rules are loaded, and a problem is reported
as ``file:line: field.path: what is wrong; allowed: …`` — the same shape as the gap-model config.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._asr import compact
from ._errors import ConfigError, shown

__all__ = ["PhraseSet", "AgentRule", "TimingRule", "QARules", "load_qa_rules", "default_rules_path"]

CHECKS = ("require", "forbid")
SCOPES = ("opening", "closing", "any", "after_upset")
APPLIES = ("always", "customer_upset", "trigger")
OUTCOME_KINDS = ("resolved", "accepted", "unresolved", "pending", "repeat_contact", "escalation",
                 "escalation_external", "churn")
TIMING_KINDS = {
    "long_silence": {"max_seconds": 10.0},
    "overlap": {"min_overlap_seconds": 1.0, "max_count": 0.0},
    "speech_rate": {"min_chars_per_second": 2.0, "max_chars_per_second": 6.5},
    "hold": {"max_seconds": 60.0},
}
PRIORITY_KEYS = ("escalation_external", "escalation", "churn", "unresolved", "pending", "repeat_contact",
                 "customer_soured", "customer_negative_end")
_NEGATOR_BEFORE = re.compile(r"(?:没有|没|不|未|别|并非|不是)(?:再|要|会|想|能|用|去|是)?$")
_NEGATED_PHRASE = re.compile(r"^(?:没|不|未|别|无)")


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """Literal phrases and regular expressions, matched on :func:`cxtext._asr.compact` text.

    A hit inside a longer ``except`` phrase does not count. With ``negatable`` a hit right after a
    negator (没解决了, 不投诉了) does not count either.
    """

    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()
    negatable: bool = False
    _regex: Any = field(default=None, compare=False, repr=False)
    _except: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def build(cls, phrases: Iterable[str] = (), patterns: Iterable[str] = (), except_: Iterable[str] = (),
              *, negatable: bool = False) -> PhraseSet:
        phrases = tuple(dict.fromkeys(compact(p).text for p in phrases if compact(p).text))
        patterns = tuple(patterns)
        except_ = tuple(compact(p).text for p in except_ if compact(p).text)
        parts = [re.escape(p) for p in sorted(phrases, key=len, reverse=True)] + [f"(?:{p})" for p in patterns]
        regex = re.compile("|".join(parts)) if parts else None
        exc = re.compile("|".join(re.escape(p) for p in sorted(except_, key=len, reverse=True))) if except_ else None
        return cls(phrases, patterns, except_, negatable, regex, exc)

    def __bool__(self) -> bool:
        return self._regex is not None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Hits ``(start, end, matched)`` in compact text, left to right, without overlaps."""
        if self._regex is None:
            return []
        blocked = [(m.start(), m.end()) for m in self._except.finditer(text)] if self._except is not None else []
        out = []
        for m in self._regex.finditer(text):
            s, e = m.start(), m.end()
            if e == s or any(bs <= s < be or bs < e <= be for bs, be in blocked):
                continue
            if self.negatable and _NEGATOR_BEFORE.search(text[max(0, s - 4) : s]) and not _NEGATED_PHRASE.match(m.group(0)):
                continue
            out.append((s, e, m.group(0)))
        return out


@dataclass(frozen=True, slots=True)
class AgentRule:
    """One scorecard rule: where to look in the agent's turns, what must (or must not) be said there."""

    id: str
    name: str
    description: str
    check: str
    scope: str
    window: int
    applies: str
    groups: tuple[tuple[str, PhraseSet], ...]
    trigger: PhraseSet | None
    weight: float
    min_agent_turns: int = 1
    theme: str | None = None


@dataclass(frozen=True, slots=True)
class TimingRule:
    """A limit on the call's timing; only judged when the transcript has timestamps."""

    id: str
    name: str
    description: str
    limits: Mapping[str, float]
    weight: float
    phrases: PhraseSet | None = None


@dataclass(frozen=True, slots=True)
class QARules:
    """The loaded, checked rule book (see ``lexicons/qa_rules.yaml`` for every key)."""

    upset_score: float
    upset: PhraseSet
    agent_rules: tuple[AgentRule, ...]
    timing: tuple[TimingRule, ...]
    outcome: Mapping[str, PhraseSet]
    priority: Mapping[str, float]
    levels: Mapping[str, float]
    sources: tuple[str, ...] = ()

    def rule(self, id_: str) -> AgentRule:
        for r in self.agent_rules:
            if r.id == id_:
                return r
        raise KeyError(id_)


def default_rules_path():  # noqa: ANN201 - a Traversable
    """The shipped rule book, inside the installed package."""
    from ._resources import qa_rules_path

    return qa_rules_path()


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------


class _Tree:
    """A YAML document as Python values, with the ``file:line`` of every path for messages."""

    def __init__(self) -> None:
        self.where: dict[tuple[str, ...], str] = {}

    def load(self, text: str, name: str) -> Any:
        import yaml  # only needed here; keeps ``import cxtext`` light

        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{name}:{mark.line + 1}" if mark is not None else name
            raise ConfigError(
                f"{where}: invalid YAML: {exc.problem or exc.context or 'unreadable'}; fix the syntax there "
                "(indentation, a ':' after each key, closing brackets, quotes around patterns with ':' or '#')"
            ) from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{name}: invalid YAML: {exc}") from None
        if root is None:
            return {}
        constructor = yaml.constructor.SafeConstructor()
        return self._value(root, (), name, yaml, constructor)

    def _value(self, node: Any, path: tuple[str, ...], name: str, yaml: Any, constructor: Any) -> Any:
        self.where[path] = f"{name}:{node.start_mark.line + 1}"
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for k, v in node.value:
                key = str(k.value)
                if key in out:
                    raise ConfigError(f"{name}:{k.start_mark.line + 1}: {'.'.join(path + (key,))}: duplicate key; allowed: each key once")
                out[key] = self._value(v, path + (key,), name, yaml, constructor)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._value(v, path + (str(i),), name, yaml, constructor) for i, v in enumerate(node.value)]
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise ConfigError(f"{name}:{node.start_mark.line + 1}: {'.'.join(path) or '(top level)'}: "
                              f"cannot read a value tagged {node.tag}; allowed: plain text, numbers, lists") from None


def _read(path: Any) -> str:
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else str(path)
    try:
        raw = path.read_bytes() if hasattr(path, "read_bytes") else open(path, "rb").read()
    except FileNotFoundError:
        raise ConfigError(f"{name}: rules file not found") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: the file is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8") from None


def _merge(base: dict[str, Any], over: dict[str, Any], where: dict, over_where: dict, path: tuple[str, ...] = ()) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        p = path + (k,)
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v, where, over_where, p)
        else:
            out[k] = v
            for q in [q for q in where if q[: len(p)] == p]:
                del where[q]
        where.update({q: w for q, w in over_where.items() if q[: len(p)] == p})
    return out


def load_qa_rules(path: str | os.PathLike[str] | None = None) -> QARules:
    """The shipped rules, with the file at ``path`` (if any) laid over them.

    Raises:
        ConfigError: a file is not UTF-8 or not YAML, or a value is not allowed; the message starts
            with ``file:line: field.path:``.
    """
    base_tree = _Tree()
    default = default_rules_path()
    data = base_tree.load(_read(default), "qa_rules.yaml (shipped)")
    where = base_tree.where
    sources = ["qa_rules.yaml (shipped)"]
    if path is not None:
        name = os.fspath(path)
        user_tree = _Tree()
        user = user_tree.load(_read(path), name)
        if not isinstance(user, dict):
            raise ConfigError(f"{user_tree.where.get((), name)}: (top level): the rules must be a mapping; "
                              "allowed: the keys customer, agent_rules, timing, outcome, priority")
        if user.get("defaults", True) is False:
            data, where = {}, {}
        data = _merge(data, {k: v for k, v in user.items() if k != "defaults"}, where, user_tree.where)
        sources.append(name)
    return _Builder(where).build(data, tuple(sources))


class _Builder:
    def __init__(self, where: dict[tuple[str, ...], str]) -> None:
        self.where = where

    def fail(self, path: tuple[str, ...], problem: str, allowed: str) -> ConfigError:
        p = path
        while p and p not in self.where:
            p = p[:-1]
        loc = self.where.get(p, "qa rules")
        return ConfigError(f"{loc}: {'.'.join(path) or '(top level)'}: {problem}; allowed: {allowed}")

    def mapping(self, value: Any, path: tuple[str, ...], keys: Iterable[str]) -> dict[str, Any]:
        keys = tuple(keys)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"{_show(value)} is not a mapping", "a mapping with the keys " + ", ".join(keys))
        for k in value:
            if keys and k not in keys:
                raise self.fail(path + (k,), "unknown key", ", ".join(keys))
        return value

    def number(self, value: Any, path: tuple[str, ...], lo: float, hi: float | None = None) -> float:
        allowed = f"a number from {lo:g}" + (f" to {hi:g}" if hi is not None else " up")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(path, f"{_show(value)} is not a number", allowed)
        if value < lo or (hi is not None and value > hi):
            raise self.fail(path, f"{value:g} is out of range", allowed)
        return float(value)

    def text(self, value: Any, path: tuple[str, ...]) -> str:
        if value is None:
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise self.fail(path, f"{_show(value)} is not text", "plain text")
        return str(value)

    def choice(self, value: Any, path: tuple[str, ...], allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(path, f"{_show(value)} is not allowed", ", ".join(allowed))
        return value

    def strings(self, value: Any, path: tuple[str, ...]) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(path, f"{_show(value)} is not a list", "a list of phrases, e.g. [您好, 你好]")
        out = []
        for i, v in enumerate(value):
            if isinstance(v, bool) or not isinstance(v, (str, int, float)) or not str(v).strip():
                raise self.fail(path + (str(i),), f"{_show(v)} is not a phrase", "non-empty text")
            out.append(str(v))
        return tuple(out)

    def phrase_set(self, value: Any, path: tuple[str, ...], *, negatable: bool = False, extra: tuple[str, ...] = ()) -> PhraseSet:
        m = self.mapping(value, path, ("phrases", "patterns", "except", "name") + extra)
        patterns = self.strings(m.get("patterns"), path + ("patterns",))
        for i, pat in enumerate(patterns):
            try:
                re.compile(pat)
            except re.error as exc:
                raise self.fail(path + ("patterns", str(i)), f"{pat!r} is not a regular expression ({exc})",
                                "a Python regular expression; quote it in YAML") from None
        return PhraseSet.build(self.strings(m.get("phrases"), path + ("phrases",)), patterns,
                               self.strings(m.get("except"), path + ("except",)), negatable=negatable)

    # ----------------------------------------------------------------------------------------------

    def build(self, data: Any, sources: tuple[str, ...]) -> QARules:
        top = self.mapping(data, (), ("version", "customer", "agent_rules", "timing", "outcome", "priority"))
        if "version" in top and top["version"] != 1:
            raise self.fail(("version",), f"{_show(top['version'])} is not a known version", "1")
        cust = self.mapping(top.get("customer"), ("customer",), ("upset_score", "upset_phrases"))
        upset_score = self.number(cust.get("upset_score", -0.5), ("customer", "upset_score"), -1.0, 1.0)
        upset = PhraseSet.build(self.strings(cust.get("upset_phrases"), ("customer", "upset_phrases")))
        rules_in = self.mapping(top.get("agent_rules"), ("agent_rules",), ())
        agent_rules = tuple(r for rid, v in rules_in.items() if (r := self.agent_rule(rid, v)) is not None)
        timing_in = self.mapping(top.get("timing"), ("timing",), tuple(TIMING_KINDS))
        timing = tuple(t for kind, v in timing_in.items() if (t := self.timing_rule(kind, v)) is not None)
        outcome_in = self.mapping(top.get("outcome"), ("outcome",), OUTCOME_KINDS)
        outcome = {k: self.phrase_set(outcome_in.get(k), ("outcome", k), negatable=k != "unresolved") for k in OUTCOME_KINDS}
        prio_in = self.mapping(top.get("priority"), ("priority",), PRIORITY_KEYS + ("levels",))
        priority = {k: self.number(prio_in.get(k, 0), ("priority", k), 0, 100) for k in PRIORITY_KEYS}
        lv = self.mapping(prio_in.get("levels"), ("priority", "levels"), ("high", "medium"))
        levels = {"high": self.number(lv.get("high", 50), ("priority", "levels", "high"), 0, 100),
                  "medium": self.number(lv.get("medium", 25), ("priority", "levels", "medium"), 0, 100)}
        if levels["medium"] > levels["high"]:
            raise self.fail(("priority", "levels", "medium"), "is above high", "a number at most priority.levels.high")
        return QARules(upset_score, upset, agent_rules, timing, outcome, priority, levels, sources)

    def agent_rule(self, rid: str, value: Any) -> AgentRule | None:
        path = ("agent_rules", rid)
        keys = ("name", "description", "check", "scope", "window", "applies", "trigger", "phrases", "patterns",
                "except", "all_of", "weight", "min_agent_turns", "theme", "enabled")
        m = self.mapping(value, path, keys)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", rid):
            raise self.fail(path, f"rule id {rid!r} is not allowed", "lower-case letters, digits and _ (e.g. greeting)")
        if m.get("enabled", True) is False:
            return None
        check = self.choice(m.get("check", "require"), path + ("check",), CHECKS)
        scope = self.choice(m.get("scope", "any"), path + ("scope",), SCOPES)
        applies = self.choice(m.get("applies", "customer_upset" if scope == "after_upset" else "always"),
                              path + ("applies",), APPLIES)
        if scope == "after_upset" and applies != "customer_upset":
            raise self.fail(path + ("applies",), f"{applies!r} does not fit scope after_upset", "customer_upset")
        trigger = None
        if applies == "trigger":
            if "trigger" not in m:
                raise self.fail(path + ("trigger",), "missing", "a mapping with phrases (and patterns) that make the rule apply")
            trigger = self.phrase_set(m["trigger"], path + ("trigger",), negatable=True)
        groups: list[tuple[str, PhraseSet]] = []
        if "all_of" in m:
            if check != "require":
                raise self.fail(path + ("all_of",), "only require rules have all_of", "phrases/patterns for a forbid rule")
            if not isinstance(m["all_of"], list) or not m["all_of"]:
                raise self.fail(path + ("all_of",), f"{_show(m['all_of'])} is not a list of groups", "a list of {name, phrases, patterns}")
            for i, g in enumerate(m["all_of"]):
                gp = path + ("all_of", str(i))
                ps = self.phrase_set(g, gp)
                if not ps:
                    raise self.fail(gp, "the group has no phrases or patterns", "phrases: [...] and/or patterns: [...]")
                groups.append((self.text(g.get("name"), gp + ("name",)) or f"group {i + 1}", ps))
        own = {k: m[k] for k in ("phrases", "patterns", "except") if k in m}
        if own:
            ps = self.phrase_set(own, path)
            if ps:
                groups.append((self.text(m.get("name"), path + ("name",)) or rid, ps))
        if not groups:
            raise self.fail(path + ("phrases",), "the rule has no phrases", "phrases: [...], patterns: [...] or all_of: [...]")
        return AgentRule(
            id=rid,
            name=self.text(m.get("name"), path + ("name",)) or rid,
            description=self.text(m.get("description"), path + ("description",)),
            check=check,
            scope=scope,
            window=int(self.number(m.get("window", 2), path + ("window",), 1, 50)),
            applies=applies,
            groups=tuple(groups),
            trigger=trigger,
            weight=self.number(m.get("weight", 5), path + ("weight",), 0, 100),
            min_agent_turns=int(self.number(m.get("min_agent_turns", 1), path + ("min_agent_turns",), 1, 50)),
            theme=self.text(m.get("theme"), path + ("theme",)) or None,
        )

    def timing_rule(self, kind: str, value: Any) -> TimingRule | None:
        path = ("timing", kind)
        limits_default = TIMING_KINDS[kind]
        keys = ("name", "description", "weight", "enabled") + tuple(limits_default) + (("phrases", "patterns") if kind == "hold" else ())
        m = self.mapping(value, path, keys)
        if m.get("enabled", True) is False:
            return None
        limits = {k: self.number(m.get(k, d), path + (k,), 0, None) for k, d in limits_default.items()}
        if kind == "speech_rate" and limits["min_chars_per_second"] > limits["max_chars_per_second"]:
            raise self.fail(path + ("min_chars_per_second",), "is above max_chars_per_second", "a number at most max_chars_per_second")
        phrases = None
        if kind == "hold":
            phrases = self.phrase_set({k: m[k] for k in ("phrases", "patterns") if k in m}, path)
            if not phrases:
                raise self.fail(path + ("phrases",), "no hold phrases", "phrases the agent says when putting the caller on hold, e.g. [请稍等]")
        return TimingRule(kind, self.text(m.get("name"), path + ("name",)) or kind,
                          self.text(m.get("description"), path + ("description",)), limits,
                          self.number(m.get("weight", 5), path + ("weight",), 0, 100), phrases)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    return shown(value)
