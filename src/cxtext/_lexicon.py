"""Loading and validating lexicon folders.

A lexicon folder is a set of tab-separated UTF-8 files (see ``lexicons/README.md``). The shipped folder
comes first; a user's folder, and industry packs, are laid over it: their lines add terms, replace the
entry of a term the base already has, or remove it (``-`` as the value).

Every line is checked. A problem that makes the line unusable raises :class:`LexiconError` whose message
starts with ``file:line:`` and says what is allowed; a problem the loader can repair (spaces instead of a
tab, a duplicated term) is kept in :attr:`Lexicon.warnings`, also as ``file:line: …``.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from ._errors import LexiconError
from ._normalize import normalize_term
from ._resources import industry_dir, lexicon_dir
from ._signal_types import EMOTIONS

__all__ = ["Lexicon", "CatalogEntry", "load_lexicon", "ASPECT_KINDS", "FILES", "EMOTIONS", "SIGNAL_TYPES"]

ASPECT_KINDS = ("factor", "theme", "touchpoint", "stage")
# Trigger types of lexicons/signals.tsv; "none" (in both files) marks a phrase that blocks a shorter one.
SIGNAL_TYPES = ("churn", "escalation", "staff", "effort", "person")
_NONE = "none"

# file name -> (required columns, optional columns)
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "catalog.tsv": (("kind", "id", "name"), ("name_en", "description")),
    "factors.tsv": (("term", "id"), ("polarity",)),
    "themes.tsv": (("term", "id"), ("polarity",)),
    "touchpoints.tsv": (("term", "id"), ()),
    "stages.tsv": (("term", "id"), ()),
    "sentiment.tsv": (("term", "weight"), ()),
    "negators.tsv": (("term",), ()),
    "degree.tsv": (("term", "multiplier"), ()),
    "contrast.tsv": (("term", "role"), ()),
    "expectation.tsv": (("term", "type"), ()),
    "emotions.tsv": (("term", "emotion"), ("intensity",)),
    "signals.tsv": (("term", "type"), ()),
    "attributes.tsv": (("term", "direction"), ()),
}
# Files a complete (base) folder may lack: they came later, and older folders stay loadable.
OPTIONAL_FILES = frozenset({"attributes.tsv"})
_DIRECTIONS = ("1", "-1")
_ASPECT_FILES = {"factors.tsv": "factor", "themes.tsv": "theme", "touchpoints.tsv": "touchpoint", "stages.tsv": "stage"}
_ROLES = ("but", "although")
_EXPECTATION_TYPES = ("prior", "compare", "surprise")
_WEIGHT_RANGE = (-2.0, 2.0)
_MULTIPLIER_RANGE = (0.0, 5.0)
_INTENSITY_RANGE = (1.0, 3.0)
_DEFAULT_INTENSITY = 2.0
_REMOVE = "-"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    kind: str
    id: str
    name: str
    name_en: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the analyser looks up, after validation and merging. Immutable and picklable.

    ``aspects`` maps a normalised term to its ``(kind, id, polarity)`` entries (a term may name a factor
    and a theme at once); ``polarity`` is ``None`` for a term that carries no opinion by itself.
    """

    catalog: dict[str, dict[str, CatalogEntry]]
    aspects: dict[str, tuple[tuple[str, str, float | None], ...]]
    sentiment: dict[str, float]
    negators: frozenset[str]
    degree: dict[str, float]
    contrast: dict[str, str]
    expectation: dict[str, str]
    # term -> ((emotion, intensity 1..3), ...); an empty tuple blocks shorter matches (emotion "none")
    emotions: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    # term -> (type, ...) of SIGNAL_TYPES; an empty tuple blocks shorter matches (type "none")
    signals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # term -> +1 when more of it is better (容量, 续航), -1 when more of it is worse (噪音, 发热量)
    attributes: dict[str, int] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    fingerprint: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def ids(self, kind: str) -> tuple[str, ...]:
        """The ids of one kind (``factor``, ``theme``, ``touchpoint``, ``stage``) in catalogue order."""
        return tuple(self.catalog.get(kind, {}))

    def name(self, kind: str, id: str) -> str:
        """The display name (Chinese) of an id."""
        entry = self.catalog.get(kind, {}).get(id)
        return entry.name if entry else id

    def terms(self) -> set[str]:
        """Every term the segmenter must keep whole."""
        out = set(self.aspects) | set(self.sentiment) | self.negators | set(self.degree)
        out |= set(self.contrast) | set(self.expectation) | set(self.attributes)
        return out

    def terms_of(self, kind: str, id: str) -> list[str]:
        """The terms that name one id, for ``lexicon show`` and reports."""
        return [t for t, entries in self.aspects.items() if any(k == kind and i == id for k, i, _ in entries)]


# --------------------------------------------------------------------------------------------------
# Reading files


def _read_lines(path: Traversable, label: str) -> list[str]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LexiconError(
            f"{label}:{line}: the file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 (in Excel: 'Unicode Text' or 'CSV UTF-8')"
        ) from None
    return text.splitlines()


def split_line(raw: str, required: int) -> tuple[list[str] | None, bool]:
    """The cells of one lexicon line (``None`` for a blank or comment line), and whether they were
    separated by spaces instead of a tab (accepted with a warning when the file needs several columns)."""
    line = raw.rstrip("\r\n")
    if not line.strip() or line.lstrip().startswith("#"):
        return None, False
    if "\t" in line:
        return [c.strip() for c in line.split("\t")], False
    cells = line.split()
    return cells, len(cells) > 1 and required > 1


def _rows(path: Traversable, label: str, name: str, warnings: list[str]) -> Iterable[tuple[int, list[str]]]:
    """Yield ``(line_number, columns)`` for the data lines of one file, after checking its header."""
    required, optional = FILES[name]
    allowed = required + optional
    header_seen = False
    columns: tuple[str, ...] = allowed
    for lineno, raw in enumerate(_read_lines(path, label), start=1):
        cells, spaced = split_line(raw, len(required))
        if cells is None:
            continue
        line = raw.rstrip("\r\n")
        if spaced:
            warnings.append(f"{label}:{lineno}: columns are separated by spaces, not a tab; read as {cells!r}")
        if not header_seen:
            header_seen = True
            names = tuple(c.lower() for c in cells if c)
            if names[: len(required)] != required or any(n not in allowed for n in names):
                raise LexiconError(
                    f"{label}:{lineno}: expected the header line {chr(9).join(required + optional)!r} "
                    f"(columns {', '.join(required)} required, {', '.join(optional) or 'none'} optional), "
                    f"found {line!r}"
                )
            columns = names
            continue
        while cells and cells[-1] == "" and len(cells) > len(required):
            cells.pop()
        if len(cells) < len(required) or any(not cells[i] for i in range(len(required))):
            raise LexiconError(
                f"{label}:{lineno}: expected {len(required)} column(s) ({', '.join(required)}) separated by a tab, "
                f"found {line!r}"
            )
        if len(cells) > len(columns):
            raise LexiconError(
                f"{label}:{lineno}: {len(cells)} columns, but the header names {len(columns)} "
                f"({', '.join(columns)}); a term may not contain a tab"
            )
        cells += [""] * (len(columns) - len(cells))
        yield lineno, cells


def _number(value: str, label: str, lineno: int, what: str, lo: float, hi: float, *, blank: bool) -> float | None:
    if value == "" and blank:
        return None
    try:
        num = float(value)
    except ValueError:
        num = math.nan
    if not math.isfinite(num) or not lo <= num <= hi:
        raise LexiconError(
            f"{label}:{lineno}: {what} {value!r} is not allowed; allowed: a number from {lo:g} to {hi:g}"
            + (" or blank" if blank else "")
        )
    return num


# --------------------------------------------------------------------------------------------------
# Merging


class _Builder:
    def __init__(self) -> None:
        self.catalog: dict[str, dict[str, CatalogEntry]] = {k: {} for k in ASPECT_KINDS}
        self.aspects: dict[str, dict[tuple[str, str], float | None]] = {}
        self.sentiment: dict[str, float] = {}
        self.negators: set[str] = set()
        self.degree: dict[str, float] = {}
        self.contrast: dict[str, str] = {}
        self.expectation: dict[str, str] = {}
        self.emotions: dict[str, dict[str, float]] = {}
        self.signals: dict[str, dict[str, None]] = {}
        self.attributes: dict[str, int] = {}
        self.warnings: list[str] = []
        self.sources: list[str] = []
        self.digest = hashlib.sha256()

    def add_folder(self, folder: Traversable, *, base: bool) -> None:
        self.sources.append(str(folder))
        names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        missing = [n for n in FILES if n not in names and n not in OPTIONAL_FILES]
        if base and missing:
            raise LexiconError(f"{folder}: lexicon folder is missing {', '.join(missing)}")
        if not base and not (names & set(FILES)):
            raise LexiconError(
                f"{folder}: no lexicon files found; a lexicon folder holds any of {', '.join(FILES)}"
            )
        # The catalogue first: other files are checked against it.
        for name in FILES:
            if name in names:
                path = folder / name
                self.digest.update(name.encode() + b"\0" + path.read_bytes())
                getattr(self, "_" + name.split(".")[0])(path, f"{folder}{os.sep}{name}", name)

    def _catalog(self, path: Traversable, label: str, name: str) -> None:
        for lineno, cells in _rows(path, label, name, self.warnings):
            kind, id_, disp, *rest = cells
            if kind not in ASPECT_KINDS:
                raise LexiconError(f"{label}:{lineno}: kind {kind!r} is not allowed; allowed: {', '.join(ASPECT_KINDS)}")
            if not id_.replace("_", "").isascii() or not id_.replace("_", "").isalnum():
                raise LexiconError(f"{label}:{lineno}: id {id_!r} must be ASCII letters, digits and '_'")
            self.catalog[kind][id_] = CatalogEntry(kind, id_, disp, *(rest + ["", ""])[:2])

    def _aspect_file(self, path: Traversable, label: str, name: str) -> None:
        kind = _ASPECT_FILES[name]
        known = self.catalog[kind]
        seen: dict[tuple[str, str], int] = {}
        for lineno, cells in _rows(path, label, name, self.warnings):
            term, id_ = normalize_term(cells[0]), cells[1]
            if id_ == _REMOVE:
                self.aspects.pop(term, None)
                continue
            if id_ not in known:
                raise LexiconError(
                    f"{label}:{lineno}: unknown {kind} id {id_!r} for term {cells[0]!r}; "
                    f"allowed: {', '.join(known) or '(none defined in catalog.tsv)'}"
                )
            pol = None
            if len(cells) > 2:
                pol = _number(cells[2], label, lineno, "polarity", *_WEIGHT_RANGE, blank=True)
            key = (kind, id_)
            if (term, key) in seen:
                self.warnings.append(f"{label}:{lineno}: duplicate term {term!r} for {id_!r} (first at line {seen[term, key]}); the later line wins")
            seen[term, key] = lineno
            self.aspects.setdefault(term, {})[key] = pol

    _factors = _themes = _touchpoints = _stages = _aspect_file

    def _simple(self, path: Traversable, label: str, name: str, target: dict[str, Any], parse) -> None:  # noqa: ANN001
        seen: dict[str, int] = {}
        for lineno, cells in _rows(path, label, name, self.warnings):
            term = normalize_term(cells[0])
            if term in seen:
                self.warnings.append(f"{label}:{lineno}: duplicate term {term!r} (first at line {seen[term]}); the later line wins")
            seen[term] = lineno
            if cells[1] == _REMOVE:
                target.pop(term, None)
                continue
            target[term] = parse(cells[1], label, lineno)

    def _sentiment(self, path: Traversable, label: str, name: str) -> None:
        def parse(v: str, lb: str, ln: int) -> float:
            w = _number(v, lb, ln, "weight", *_WEIGHT_RANGE, blank=False)
            assert w is not None
            return w

        self._simple(path, label, name, self.sentiment, parse)

    def _degree(self, path: Traversable, label: str, name: str) -> None:
        self._simple(path, label, name, self.degree,
                     lambda v, lb, ln: _number(v, lb, ln, "multiplier", *_MULTIPLIER_RANGE, blank=False))

    def _choice(self, allowed: tuple[str, ...], what: str):  # noqa: ANN202
        def parse(v: str, lb: str, ln: int) -> str:
            if v not in allowed:
                raise LexiconError(f"{lb}:{ln}: {what} {v!r} is not allowed; allowed: {', '.join(allowed)}")
            return v

        return parse

    def _attributes(self, path: Traversable, label: str, name: str) -> None:
        choice = self._choice(_DIRECTIONS, "direction")
        self._simple(path, label, name, self.attributes, lambda v, lb, ln: int(choice(v, lb, ln)))

    def _contrast(self, path: Traversable, label: str, name: str) -> None:
        self._simple(path, label, name, self.contrast, self._choice(_ROLES, "role"))

    def _expectation(self, path: Traversable, label: str, name: str) -> None:
        self._simple(path, label, name, self.expectation, self._choice(_EXPECTATION_TYPES, "type"))

    def _tagged(self, path: Traversable, label: str, name: str, target: dict[str, dict[str, Any]],
                allowed: tuple[str, ...], what: str, value) -> None:  # noqa: ANN001
        """Files whose term may carry several tags (an emotion, a trigger type) or ``none``."""
        seen: dict[tuple[str, str], int] = {}
        for lineno, cells in _rows(path, label, name, self.warnings):
            term, tag = normalize_term(cells[0]), cells[1]
            if tag == _REMOVE:
                target.pop(term, None)
                continue
            if tag != _NONE and tag not in allowed:
                raise LexiconError(f"{label}:{lineno}: {what} {tag!r} is not allowed; allowed: {', '.join(allowed)}, {_NONE}")
            if (term, tag) in seen:
                self.warnings.append(f"{label}:{lineno}: duplicate term {term!r} for {tag!r} (first at line {seen[term, tag]}); the later line wins")
            seen[term, tag] = lineno
            entry = target.setdefault(term, {})
            if tag == _NONE:
                entry.clear()  # a blocker: the phrase is known and expresses nothing
            else:
                entry[tag] = value(cells, label, lineno)

    def _emotions(self, path: Traversable, label: str, name: str) -> None:
        def intensity(cells: list[str], lb: str, ln: int) -> float:
            v = _number(cells[2] if len(cells) > 2 else "", lb, ln, "intensity", *_INTENSITY_RANGE, blank=True)
            return _DEFAULT_INTENSITY if v is None else v

        self._tagged(path, label, name, self.emotions, EMOTIONS, "emotion", intensity)

    def _signals(self, path: Traversable, label: str, name: str) -> None:
        self._tagged(path, label, name, self.signals, SIGNAL_TYPES, "type", lambda *_: None)

    def _negators(self, path: Traversable, label: str, name: str) -> None:
        for lineno, cells in _rows(path, label, name, self.warnings):
            term = normalize_term(cells[0])
            if term.startswith(_REMOVE) and len(term) > 1:  # "-不" removes 不
                self.negators.discard(term[1:])
            else:
                self.negators.add(term)

    def build(self) -> Lexicon:
        aspects = {t: tuple((k, i, p) for (k, i), p in entries.items()) for t, entries in self.aspects.items() if entries}
        return Lexicon(
            catalog=self.catalog,
            aspects=aspects,
            sentiment=self.sentiment,
            negators=frozenset(self.negators),
            degree=self.degree,
            contrast=self.contrast,
            expectation=self.expectation,
            emotions={t: tuple(e.items()) for t, e in self.emotions.items()},
            signals={t: tuple(e) for t, e in self.signals.items()},
            attributes=self.attributes,
            sources=tuple(self.sources),
            fingerprint=self.digest.hexdigest()[:16],
            warnings=tuple(self.warnings),
        )


def load_lexicon(
    extra: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    *,
    industry: str | Iterable[str] | None = None,
    base: str | os.PathLike[str] | None = None,
) -> Lexicon:
    """Load the shipped lexicons, then industry packs, then the caller's folder(s), in that order.

    ``base`` replaces the shipped folder altogether (it must hold every file).
    """
    builder = _Builder()
    builder.add_folder(lexicon_dir(base), base=True)
    for name in [industry] if isinstance(industry, str) else list(industry or ()):
        builder.add_folder(industry_dir(name), base=False)
    folders = [extra] if isinstance(extra, (str, os.PathLike)) else list(extra or ())
    for folder in folders:
        path = Path(folder)
        if not path.is_dir():
            raise LexiconError(f"{path}: lexicon folder not found")
        builder.add_folder(path, base=False)
    return builder.build()
