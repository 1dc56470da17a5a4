"""Checking a lexicon folder line by line, reporting every problem rather than the first.

The loader (:mod:`cxtext._lexicon`) stops at the first unusable line, which is right when analysing
but slow when editing: ``cxtext lexicon check`` reads the folder tolerantly and reports every finding
as ``file:line: severity: message [code]``. Errors are lines the loader rejects or that can never
work as meant (a term the clause splitter always cuts, a term with opposite sentiment weights);
warnings are lines that work but probably not as the author meant (a duplicate, a term counted under
two factors, a term that jieba splits across its boundary in ordinary context).

A folder that holds every lexicon file is checked on its own; a partial folder (a user's overlay, an
industry pack) is checked as laid over the shipped lexicons, so its ids are checked against the
shipped catalogue and its terms against the shipped entries.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from ._errors import InputError, LexiconError
from ._lexicon import ASPECT_KINDS, FILES, OPTIONAL_FILES, Lexicon, load_lexicon, split_line
from ._normalize import normalize_term
from ._resources import industry_dir, industry_names, lexicon_dir

__all__ = ["Finding", "Entry", "CheckReport", "check_folder", "check_shipped", "read_entries"]

_ASPECT_FILES = {"factors.tsv": "factor", "themes.tsv": "theme", "touchpoints.tsv": "touchpoint", "stages.tsv": "stage"}
_CHOICES = {"contrast.tsv": ("role", ("but", "although")), "expectation.tsv": ("type", ("prior", "compare", "surprise")),
            "attributes.tsv": ("direction", ("1", "-1"))}
_RANGES = {"sentiment.tsv": ("weight", -2.0, 2.0), "degree.tsv": ("multiplier", 0.0, 5.0)}
_REMOVE = "-"
# Characters at which clauses end (see _rules): a term holding one can never be matched whole.
_BREAKS = frozenset("。！？!?\n；;…，,、：:~～ \t\r()（）[]【】「」『』\"'“”‘’《》<>/|")
# Ordinary contexts a term is tried in, to find terms jieba cuts across their boundary.
_CONTEXTS = ("我觉得{}。", "这个{}很", "的{}了", "{}太", "不{}")

ERROR, WARNING = "error", "warning"
# The shipped folder's entries, read once per process when several overlays are checked over it.
_BASE_CACHE: dict[str, tuple[dict[str, set[str]], tuple[Entry, ...]]] = {}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem on one line. ``line`` is 0 when the problem concerns the whole file."""

    path: str
    line: int
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "severity": self.severity, "code": self.code,
                "message": self.message}


@dataclass(frozen=True, slots=True)
class Entry:
    """One usable data line of a lexicon file, with where it stands."""

    path: str
    line: int
    file: str  # the file name, e.g. factors.tsv
    term: str  # normalised
    raw: str  # as written
    value: str  # id, weight, multiplier, role or type ("" for negators); "-" for a removal
    polarity: float | None = None  # aspect polarity or sentiment weight

    @property
    def kind(self) -> str | None:
        return _ASPECT_FILES.get(self.file)

    def describe(self) -> str:
        """The entry in words, for ``lexicon show``."""
        if self.value == _REMOVE or (self.file == "negators.tsv" and self.raw.startswith(_REMOVE) and len(self.raw) > 1):
            return f"removes {self.term!r} from {self.file}"
        if self.kind:
            pol = "no polarity of its own" if self.polarity is None else f"polarity {self.polarity:+g}"
            return f"{self.kind} {self.value}, {pol}"
        return {
            "sentiment.tsv": f"sentiment weight {self.value}",
            "negators.tsv": "negator",
            "degree.tsv": f"degree multiplier {self.value}",
            "contrast.tsv": f"contrast role {self.value}",
            "expectation.tsv": f"expectation cue ({self.value})",
        }.get(self.file, self.value)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``check_folder`` found, in file and line order."""

    folders: tuple[str, ...]
    findings: tuple[Finding, ...]
    entries: int = 0

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)

    def to_dict(self) -> dict[str, Any]:
        return {"folders": list(self.folders), "entries": self.entries, "errors": len(self.errors),
                "warnings": len(self.warnings), "findings": [f.to_dict() for f in self.findings]}


# --------------------------------------------------------------------------------------------------
# Tolerant reading


def _lines(path: Traversable, label: str, out: list[Finding]) -> list[str] | None:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        out.append(Finding(label, line, ERROR, "encoding",
                           f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8 "
                           "(in Excel: 'Unicode Text' or 'CSV UTF-8')"))
        return None


def _number(value: str, lo: float, hi: float) -> float | None:
    try:
        num = float(value)
    except ValueError:
        return None
    return num if lo <= num <= hi else None


def read_entries(
    folder: Traversable,
    catalog: dict[str, set[str]],
    findings: list[Finding],
) -> list[Entry]:
    """Every usable line of the folder's files; each unusable line becomes an error finding.

    ``catalog`` maps kind to the known ids and is extended by the folder's own ``catalog.tsv``.
    """
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    entries: list[Entry] = []
    for extra in sorted(n for n in names if n.endswith(".tsv") and n not in FILES):
        findings.append(Finding(f"{folder}{os.sep}{extra}", 0, WARNING, "unknown-file",
                                f"not a lexicon file, ignored; lexicon files are {', '.join(FILES)}"))
    for name in FILES:  # catalog.tsv first: the other files are checked against it
        if name not in names:
            continue
        label = f"{folder}{os.sep}{name}"
        lines = _lines(folder / name, label, findings)
        if lines is None:
            continue
        entries += _read_file(lines, label, name, catalog, findings)
    return entries


def _read_file(lines: list[str], label: str, name: str, catalog: dict[str, set[str]], out: list[Finding]) -> list[Entry]:
    required, optional = FILES[name]
    allowed = required + optional
    columns: tuple[str, ...] | None = None
    entries: list[Entry] = []
    for lineno, raw in enumerate(lines, start=1):
        cells, spaced = split_line(raw, len(required))
        if cells is None:
            continue
        line = raw.rstrip("\r\n")
        if spaced:
            out.append(Finding(label, lineno, WARNING, "spaces",
                               f"columns are separated by spaces, not a tab; read as {cells!r}"))
        if columns is None:
            names = tuple(c.lower() for c in cells if c)
            if names[: len(required)] != required or any(n not in allowed for n in names):
                out.append(Finding(label, lineno, ERROR, "header",
                                   f"expected the header line {chr(9).join(allowed)!r} (columns {', '.join(required)} "
                                   f"required, {', '.join(optional) or 'none'} optional), found {line!r}; "
                                   "the rest of the file is not checked"))
                return entries
            columns = names
            continue
        while cells and cells[-1] == "" and len(cells) > len(required):
            cells.pop()
        if len(cells) < len(required) or any(not cells[i] for i in range(len(required))):
            out.append(Finding(label, lineno, ERROR, "columns",
                               f"expected {len(required)} column(s) ({', '.join(required)}) separated by a tab, found {line!r}"))
            continue
        if len(cells) > len(columns):
            out.append(Finding(label, lineno, ERROR, "columns",
                               f"{len(cells)} columns, but the header names {len(columns)} ({', '.join(columns)}); "
                               "a term may not contain a tab"))
            continue
        cells += [""] * (len(columns) - len(cells))
        entry = _entry(cells, label, lineno, name, catalog, out)
        if entry is not None:
            entries.append(entry)
    return entries


def _entry(cells: list[str], label: str, lineno: int, name: str, catalog: dict[str, set[str]],
           out: list[Finding]) -> Entry | None:
    def bad(code: str, message: str) -> None:
        out.append(Finding(label, lineno, ERROR, code, message))

    if name == "catalog.tsv":
        kind, id_ = cells[0], cells[1]
        if kind not in ASPECT_KINDS:
            bad("kind", f"kind {kind!r} is not allowed; allowed: {', '.join(ASPECT_KINDS)}")
            return None
        if not id_.replace("_", "").isascii() or not id_.replace("_", "").isalnum():
            bad("id", f"id {id_!r} must be ASCII letters, digits and '_'")
            return None
        catalog.setdefault(kind, set()).add(id_)
        return None
    raw = cells[0]
    term = normalize_term(raw)
    value = cells[1] if len(cells) > 1 else ""
    if name == "negators.tsv" and term.startswith(_REMOVE) and len(term) > 1:
        return Entry(label, lineno, name, term[1:], raw, _REMOVE)
    if not term:
        bad("term", "the term is empty")
        return None
    polarity: float | None = None
    kind = _ASPECT_FILES.get(name)
    if value == _REMOVE and name != "negators.tsv":
        return Entry(label, lineno, name, term, raw, _REMOVE)
    if kind is not None:
        known = catalog.get(kind, set())
        if value not in known:
            bad("unknown-id", f"unknown {kind} id {value!r} for term {raw!r}; allowed: {', '.join(sorted(known)) or '(none)'}")
            return None
        if len(cells) > 2 and cells[2] != "":
            polarity = _number(cells[2], -2.0, 2.0)
            if polarity is None:
                bad("number", f"polarity {cells[2]!r} is not allowed; allowed: a number from -2 to 2 or blank")
                return None
    elif name in _RANGES:
        what, lo, hi = _RANGES[name]
        num = _number(value, lo, hi)
        if num is None:
            bad("number", f"{what} {value!r} is not allowed; allowed: a number from {lo:g} to {hi:g}")
            return None
        if name == "sentiment.tsv":
            polarity = num
    elif name in _CHOICES:
        what, choices = _CHOICES[name]
        if value not in choices:
            bad("choice", f"{what} {value!r} is not allowed; allowed: {', '.join(choices)}")
            return None
    broken = sorted({c for c in term if c in _BREAKS})
    if broken:
        bad("unmatchable", f"term {raw!r} holds {' '.join(repr(c) for c in broken)}, where clauses are split; "
                           "it can never be matched whole. Write it without punctuation or spaces")
        return None
    return Entry(label, lineno, name, term, raw, value, polarity)


# --------------------------------------------------------------------------------------------------
# Checks across lines


def _is_complete(folder: Traversable) -> bool:
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    return all(n in names for n in FILES if n not in OPTIONAL_FILES)


def check_folder(
    folder: str | os.PathLike[str] | Traversable | None = None,
    *,
    over: Iterable[Traversable] = (),
    segmentation: bool = True,
) -> CheckReport:
    """Check one lexicon folder; ``None`` checks the shipped folder.

    A folder without every lexicon file is checked as laid over the shipped folder (and over the
    folders in ``over``, e.g. an industry pack under a user's folder).
    """
    if folder is None:
        target: Traversable = lexicon_dir()
    elif isinstance(folder, (str, os.PathLike)):
        target = Path(folder)
        if not target.is_dir():
            raise InputError(f"{target}: lexicon folder not found")
    else:
        target = folder
    findings: list[Finding] = []
    complete = _is_complete(target)
    base_folders: list[Traversable] = [] if complete else [lexicon_dir(), *over]
    if not complete and not any(p.name in FILES for p in target.iterdir()):
        findings.append(Finding(str(target), 0, ERROR, "empty",
                                f"no lexicon files found; a lexicon folder holds any of {', '.join(FILES)}"))
        return CheckReport((str(target),), tuple(findings))
    catalog: dict[str, set[str]] = {}
    below: list[Entry] = []
    for n, b in enumerate(base_folders):
        if n == 0:  # the shipped folder: read once per process
            if str(b) not in _BASE_CACHE:
                cat: dict[str, set[str]] = {}
                _BASE_CACHE[str(b)] = (cat, tuple(read_entries(b, cat, [])))
            cat, ents = _BASE_CACHE[str(b)]
            catalog.update({k: set(v) for k, v in cat.items()})
            below += ents
        else:
            below += read_entries(b, catalog, [])
    own = read_entries(target, catalog, findings)
    _cross_checks(own, below, findings)
    if not any(f.severity == ERROR for f in findings):
        # The loader must agree: anything it still rejects is an error too.
        try:
            if complete:
                lexicon = load_lexicon(base=Path(str(target)))
            else:
                lexicon = load_lexicon([Path(str(b)) for b in base_folders[1:]] + [Path(str(target))])
        except LexiconError as exc:
            findings.append(Finding(str(target), 0, ERROR, "load", str(exc)))
        else:
            if segmentation:
                _segmentation_checks(own, lexicon, findings)
    findings.sort(key=lambda f: (f.path, f.line, f.code))
    return CheckReport((str(target),), tuple(findings), len(own))


def check_shipped(*, segmentation: bool = True) -> list[CheckReport]:
    """The shipped folder and every shipped industry pack (each laid over the shipped folder)."""
    reports = [check_folder(None, segmentation=segmentation)]
    for name in industry_names():
        reports.append(check_folder(industry_dir(name), segmentation=segmentation))
    return reports


def _cross_checks(own: list[Entry], below: list[Entry], out: list[Finding]) -> None:
    # The state of the lexicon below the folder, by file and term.
    state: dict[tuple[str, str], dict[str, Entry]] = {}
    for e in below:
        _apply(state, e)
    first: dict[tuple[str, str, str], Entry] = {}
    for e in own:
        key = (e.file, e.term, e.value if e.kind else "")
        if e.value == _REMOVE:
            if not state.get((e.file, e.term)):
                out.append(Finding(e.path, e.line, WARNING, "removes-nothing",
                                   f"removes {e.raw!r}, which no lexicon below this folder has in {e.file}"))
            _apply(state, e)
            continue
        if key in first:
            prev = first[key]
            same = prev.polarity == e.polarity if (e.kind or e.file == "sentiment.tsv") else prev.value == e.value
            if same:
                out.append(Finding(e.path, e.line, WARNING, "duplicate",
                                   f"duplicate term {e.raw!r} (first at line {prev.line}); remove one of the two"))
            else:
                out.append(Finding(e.path, e.line, WARNING, "duplicate",
                                   f"term {e.raw!r} again with a different value {e.value!r}"
                                   f"{'' if e.polarity is None else f' ({e.polarity:+g})'} (first at line {prev.line}); "
                                   "the later line wins"))
        else:
            old = state.get((e.file, e.term), {}).get(e.value if e.kind else "")
            if old is not None and old.polarity == e.polarity and (e.kind or old.value == e.value):
                out.append(Finding(e.path, e.line, WARNING, "no-effect",
                                   f"{e.raw!r} is already in {old.path}:{old.line} with the same value; this line has no effect"))
        first[key] = e
        _apply(state, e)
    own_lines = {(e.path, e.line) for e in own}
    _conflicts(state, own_lines, out)


def _apply(state: dict[tuple[str, str], dict[str, Entry]], e: Entry) -> None:
    slot = state.setdefault((e.file, e.term), {})
    if e.value == _REMOVE:
        slot.clear()
    elif e.kind:
        slot[e.value] = e
    else:
        slot.clear()
        slot[""] = e


def _conflicts(state: dict[tuple[str, str], dict[str, Entry]], own_lines: set[tuple[str, int]], out: list[Finding]) -> None:
    """Findings about the merged lexicon, reported on a line of the checked folder only."""
    by_term: dict[str, list[Entry]] = {}
    for (_, term), slot in state.items():
        by_term.setdefault(term, []).extend(slot.values())
    for term, entries in by_term.items():
        mine = [e for e in entries if (e.path, e.line) in own_lines]
        if not mine:
            continue
        at = max(mine, key=lambda e: (e.path, e.line))

        def where(es: list[Entry]) -> str:
            return ", ".join(f"{e.path}:{e.line}" for e in es)

        # Two ids of the same kind: the term's opinions count under both.
        for kind in ("factor", "theme"):
            same = [e for e in entries if e.kind == kind]
            if len(same) > 1:
                ids = ", ".join(sorted(e.value for e in same))
                out.append(Finding(at.path, at.line, WARNING, "two-ids",
                                   f"{term!r} names {len(same)} {kind}s ({ids}) at {where(same)}; its opinions count under each. "
                                   "Keep the one the customer means most often"))
        # Opposite sentiment: a sentiment weight, a factor polarity and a theme polarity must agree in sign.
        signed = [e for e in entries if e.polarity not in (None, 0.0) and (e.kind in ("factor", "theme") or e.file == "sentiment.tsv")]
        if any(e.polarity > 0 for e in signed) and any(e.polarity < 0 for e in signed):  # type: ignore[operator]
            detail = "; ".join(f"{e.path}:{e.line} {e.polarity:+g}" for e in signed)
            out.append(Finding(at.path, at.line, ERROR, "conflicting-weights",
                               f"{term!r} has sentiment weights of opposite sign ({detail}); they cancel out. Give it one sign"))
        roles = {e.file for e in entries} & {"negators.tsv", "degree.tsv", "sentiment.tsv"}
        if len(roles) > 1:
            out.append(Finding(at.path, at.line, ERROR, "two-roles",
                               f"{term!r} is in {' and '.join(sorted(roles))} ({where([e for e in entries if e.file in roles])}); "
                               "a word is a negator, a degree adverb or an opinion word, not two of them"))


def _segmentation_checks(own: list[Entry], lexicon: Lexicon, out: list[Finding]) -> None:
    """Terms that the analyser's tokenizer and matcher (built exactly as the analyser builds them) miss."""
    from ._rules import TermIndex, _match
    from ._segment import Segmenter

    index = TermIndex(lexicon)
    segmenter = Segmenter(index.terms)
    seen: set[str] = set()
    for e in own:
        if e.value == _REMOVE or e.term in seen or len(e.term) < 2 or e.term not in index.terms:
            continue
        seen.add(e.term)
        tokens = segmenter.tokens(e.term)
        if not any(h.start == 0 and h.end == len(e.term) for h in _match(tokens, 0, len(tokens), index)):
            cut = " | ".join(t for t, _, _ in tokens)
            out.append(Finding(e.path, e.line, ERROR, "split",
                               f"jieba cuts {e.raw!r} into {len(tokens)} pieces ({cut}) that the matcher cannot join, "
                               "so it is never found. Shorten it or split it into terms"))
            continue
        for ctx in _CONTEXTS:
            text = ctx.format(e.term)
            start = ctx.index("{}")
            end = start + len(e.term)
            tokens = segmenter.tokens(text)
            hits = _match(tokens, 0, len(tokens), index)
            if not any(h.start <= start and h.end >= end for h in hits):
                cut = " | ".join(t for t, _, _ in tokens)
                out.append(Finding(e.path, e.line, WARNING, "split-in-context",
                                   f"in {text!r} jieba cuts across {e.raw!r} ({cut}), so the term is missed there; "
                                   "add the longer word as a term too if customers write it"))
                break
