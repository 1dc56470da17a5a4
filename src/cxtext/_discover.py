"""Mining a corpus for terms the lexicons miss (``lexicon suggest``) and adding the accepted ones.

New-word discovery without a dictionary, as in the information-entropy method for Chinese new words:
every character string of 2 to 6 characters inside a run of Chinese characters is a candidate, kept when

- it is **frequent** enough (``min_count``, scaled to the corpus size);
- it is **cohesive**: the smallest pointwise mutual information over its split points,
  ``min log p(w) / (p(a) p(b))``, is high (its characters belong together: 掉线, not 了掉);
- it is **free at both ends**: the entropy of the characters seen just left and just right of it is high
  (it combines with many neighbours, so it is a whole word, not part of a longer one);
- it is **specific to the corpus**: far more frequent here than in jieba's general dictionary
  (so 我们 and 因为 fall away and 出餐, 骑手, 携转 stay);
- the lexicons do not already have it, and it is not just lexicon terms side by side (很好吃, 味道好).

The rank is ``log2(count) × min(cohesion, 8) × min(left, right entropy) × specificity weight``.

A proposal for each candidate comes from the analyser's own reading of the corpus: the factor (or
theme, touchpoint) whose terms occur in the same clauses more often than chance (lift over the id's base
rate), mixed with the ids of lexicon terms that end the same way (话费, 年费, 手续费 → price); a candidate
that mostly stands in clauses with an aspect and no opinion word, in documents whose other opinions lean
one way, is proposed as a sentiment word with that sign. Every proposal is a guess for the analyst to
confirm in the ``accept`` column.
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import InputError
from ._lexicon import FILES, load_lexicon
from ._normalize import normalize, normalize_term

if TYPE_CHECKING:
    from ._analyzer import Analyzer
    from ._batch import BatchOptions

__all__ = ["Candidate", "SuggestResult", "AcceptResult", "discover", "suggest", "write_candidates", "accept", "COLUMNS"]

_RUN = re.compile(r"[\u4e00-\u9fff]+")
_MAX_N = 6
# Characters that seldom start or end a content word; a candidate starting or ending with one is a
# fragment of a phrase (了掉, 的菜).
_STOP_EDGE = frozenset("的了是也都很就在我你他她它们和与还又把被让给对这那个吗呢吧啊呀哦嘛么着过而及或但却再才只太挺好不没有")
_STOP_START = _STOP_EDGE | frozenset("说要会能可以得地")
_STOP_END = _STOP_EDGE - frozenset("好有")  # 好 and 有 end real words (友好, 所有) less often than they start them
# Amounts and durations (两个小时, 等了四十分钟, 三十块) are read by rules, not terms.
_NUMERIC = re.compile(r"^(?:等了|等|花了|用了)?[一二两三四五六七八九十百千万半几多]+(?:个)?(?:多)?(?:个)?(?:分钟|小时|钟头|天|周|星期|月|年|块|元|次|份|点)")
_ASPECT_FILE = {"factor": "factors.tsv", "theme": "themes.tsv", "touchpoint": "touchpoints.tsv", "stage": "stages.tsv"}
_KIND_OF_FILE = {v: k for k, v in _ASPECT_FILE.items()}
_ACCEPT_FILES = (*_ASPECT_FILE.values(), "sentiment.tsv")
_MARKS = frozenset({"y", "yes", "x", "1", "true", "ok", "✓", "✔", "√", "是", "要", "对", "接受"})

COLUMNS = ("rank", "accept", "term", "file", "id", "polarity", "score", "count", "docs", "cohesion",
           "left_entropy", "right_entropy", "specificity", "cooccurs", "examples")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate term with its statistics and a proposed lexicon line."""

    term: str
    count: int
    docs: int
    cohesion: float  # min PMI over split points (natural log)
    left_entropy: float
    right_entropy: float
    specificity: float  # log(p_corpus / p_general)
    score: float
    file: str = ""  # proposed lexicon file ("" when nothing could be proposed)
    id: str = ""
    polarity: float | None = None
    cooccurs: str = ""  # the ids that co-occur, strongest first, with their scores
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "file": self.file, "id": self.id, "polarity": self.polarity,
                "score": round(self.score, 3), "count": self.count, "docs": self.docs,
                "cohesion": round(self.cohesion, 2), "left_entropy": round(self.left_entropy, 2),
                "right_entropy": round(self.right_entropy, 2), "specificity": round(self.specificity, 2),
                "cooccurs": self.cooccurs, "examples": list(self.examples)}


@dataclass(frozen=True, slots=True)
class SuggestResult:
    candidates: tuple[Candidate, ...]
    documents: int
    characters: int
    considered: int  # strings that reached min_count
    min_count: int
    text_column: str = ""
    text_column_guessed: bool = False


# --------------------------------------------------------------------------------------------------
# Statistics


def _entropy(counter: Counter[str], boundary: int) -> float:
    """Entropy of neighbour characters; each text boundary counts as a neighbour of its own."""
    total = sum(counter.values()) + boundary
    if total == 0:
        return 0.0
    h = -sum(c / total * math.log(c / total) for c in counter.values())
    if boundary:
        h -= boundary * (1 / total) * math.log(1 / total)
    return h


def discover(
    texts: list[str],
    known: set[str],
    general: dict[str, int],
    general_total: int,
    *,
    min_count: int | None = None,
    top: int = 300,
    covered: Any = None,
) -> tuple[list[Candidate], int, int]:
    """Rank the candidate terms of normalised ``texts``; return them, the strings considered, min_count.

    ``known`` holds the lexicon terms (skipped); ``general`` is a word-frequency dictionary of general
    Chinese (jieba's) with its total; ``covered(term) -> bool`` says whether lexicon terms already
    cover a candidate side by side.
    """
    runs = [r for t in texts for r in _RUN.findall(t)]
    n_chars = sum(len(r) for r in runs)
    if min_count is None:
        min_count = max(3, round(n_chars / 40_000))
    grams: Counter[str] = Counter()
    for r in runs:
        L = len(r)
        for n in range(1, _MAX_N + 1):
            for i in range(L - n + 1):
                grams[r[i : i + n]] += 1
    frequent = {g for g, c in grams.items() if c >= min_count and len(g) >= 2}
    left: dict[str, Counter[str]] = defaultdict(Counter)
    right: dict[str, Counter[str]] = defaultdict(Counter)
    lb: Counter[str] = Counter()
    rb: Counter[str] = Counter()
    for r in runs:
        L = len(r)
        for n in range(2, _MAX_N + 1):
            for i in range(L - n + 1):
                g = r[i : i + n]
                if g not in frequent:
                    continue
                if i:
                    left[g][r[i - 1]] += 1
                else:
                    lb[g] += 1
                if i + n < L:
                    right[g][r[i + n]] += 1
                else:
                    rb[g] += 1
    total = max(n_chars, 1)
    out: list[Candidate] = []
    for g in frequent:
        if g in known or g[0] in _STOP_START or g[-1] in _STOP_END or "的" in g:
            continue
        c = grams[g]
        pw = c / total
        cohesion = min(math.log(pw / ((grams[g[:k]] / total) * (grams[g[k:]] / total))) for k in range(1, len(g)))
        if cohesion < 2.0:
            continue
        hl, hr = _entropy(left[g], lb[g]), _entropy(right[g], rb[g])
        if min(hl, hr) < 1.0:
            continue
        spec = math.log(pw / ((general.get(g, 0) + 1) / general_total))
        if spec < 2.0:
            continue
        if _NUMERIC.match(g):
            continue
        if covered is not None and covered(g):
            continue
        weight = min(spec, 8.0) / 8.0
        score = math.log2(c) * min(cohesion, 8.0) * min(hl, hr) * (0.5 + 0.5 * weight)
        out.append(Candidate(g, c, 0, cohesion, hl, hr, spec, score))
    # A string that is only ever part of one longer candidate is that candidate's fragment.
    by_term = {x.term: x for x in out}
    keep = []
    for x in out:
        longer = [y for t, y in by_term.items() if len(t) > len(x.term) and x.term in t and y.count >= 0.8 * x.count]
        if not longer:
            keep.append(x)
    keep.sort(key=lambda x: (-x.score, x.term))
    return keep[: top * 2], len(frequent), min_count


# --------------------------------------------------------------------------------------------------
# Proposals from co-occurrence


@dataclass(slots=True)
class _Votes:
    clauses: int = 0
    docs: set[int] = field(default_factory=set)
    ids: Counter[tuple[str, str]] = field(default_factory=Counter)
    doc_ids: Counter[tuple[str, str]] = field(default_factory=Counter)
    with_opinion: int = 0
    with_aspect: int = 0
    doc_scores: list[float] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


def _heads(lexicon: Any) -> dict[str, Counter[tuple[str, str]]]:
    """Aspect ids by the last one and two characters of lexicon terms (费 → price, 员 → service)."""
    heads: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for term, entries in lexicon.aspects.items():
        for kind, id_, pol in entries:
            if kind in ("factor", "theme") and pol is None and len(term) >= 2:
                heads[term[-1:]][(kind, id_)] += 1
                if len(term) >= 3:
                    heads[term[-2:]][(kind, id_)] += 1
    return heads


def _propose(analyzer: Analyzer, texts: list[str], cands: list[Candidate], top: int) -> list[Candidate]:
    from ._rules import squash

    wanted = {c.term: _Votes() for c in cands}
    clause_total = 0
    id_clauses: Counter[tuple[str, str]] = Counter()
    id_docs: Counter[tuple[str, str]] = Counter()
    all_scores: list[float] = []
    for d, text in enumerate(texts):
        norm, tokens, results, rule_raw, opinions = analyzer.prepare(text)
        doc_score = squash(rule_raw / 1.5) if opinions else 0.0
        all_scores.append(doc_score)
        doc_ids = {(k, i) for cl in results for h in cl.hits for k, i, _ in h.info.aspects}
        id_docs.update(doc_ids)
        in_doc: set[str] = set()
        for cl in results:
            clause_total += 1
            s = norm.text[cl.start : cl.end]
            ids_here = {(k, i) for h in cl.hits for k, i, _ in h.info.aspects}
            id_clauses.update(ids_here)
            found = {s[i : i + n] for n in range(2, _MAX_N + 1) for i in range(len(s) - n + 1)} & wanted.keys()
            for term in found:
                v = wanted[term]
                v.clauses += 1
                v.docs.add(d)
                if term not in in_doc:
                    in_doc.add(term)
                    v.doc_ids.update(doc_ids)
                pos = s.find(term)
                span = (cl.start + pos, cl.start + pos + len(term))
                others = [h for h in cl.hits if h.end <= span[0] or h.start >= span[1]]
                ids = {(k, i) for h in others for k, i, _ in h.info.aspects}
                v.ids.update(ids)
                v.with_aspect += bool(ids)
                v.with_opinion += any(h.info.weight is not None for h in others)
                v.doc_scores.append(doc_score)
                if len(v.examples) < 3:
                    ex = text.strip().replace("\n", " ")
                    if len(ex) > 80:
                        i = max(0, norm.span(*span)[0] - 30)
                        ex = ("…" if i else "") + ex[i : i + 80] + "…"
                    if ex not in v.examples:
                        v.examples.append(ex)
    mean_doc = sum(all_scores) / max(len(all_scores), 1)
    heads = _heads(analyzer.lexicon_)
    out = []
    for c in cands:
        v = wanted[c.term]
        if v.clauses == 0:
            continue
        scores: dict[tuple[str, str], float] = {}
        for key, n in v.ids.items():
            if key[0] not in ("factor", "theme"):
                continue
            p = n / v.clauses
            lift = p / (id_clauses[key] / clause_total)
            if lift > 1.0 and n >= 2:
                scores[key] = p * math.log2(lift)
        for key, n in v.doc_ids.items():
            # The same document, beyond the clause: weaker evidence, counted at half weight.
            if key[0] in ("factor", "theme") and n >= 2:
                p = n / len(v.docs)
                lift = p / (id_docs[key] / len(texts))
                if lift > 1.0:
                    scores[key] = scores.get(key, 0.0) + 0.5 * p * math.log2(lift)
        head = heads.get(c.term[-2:]) if len(c.term) >= 3 and sum(heads.get(c.term[-2:], Counter()).values()) >= 3 else None
        if head is None and sum(heads.get(c.term[-1:], Counter()).values()) >= 5:
            head = heads[c.term[-1:]]
        if head:
            n_head = sum(head.values())
            for key, n in head.items():
                scores[key] = scores.get(key, 0.0) + 0.5 * n / n_head
        assoc = sum(v.doc_scores) / len(v.doc_scores) - mean_doc
        opinion_share = v.with_opinion / v.clauses
        aspect_share = v.with_aspect / v.clauses
        file = id_ = ""
        polarity: float | None = None
        if aspect_share >= 0.5 and opinion_share < 0.35 and abs(assoc) >= 0.3:
            file, id_ = "sentiment.tsv", ""
            polarity = math.copysign(1.0 if abs(assoc) >= 0.45 else 0.5, assoc)
        else:
            factor = max((k for k in scores if k[0] == "factor"), key=lambda k: scores[k], default=None)
            theme = max((k for k in scores if k[0] == "theme"), key=lambda k: scores[k], default=None)
            best = factor if factor is not None else theme
            if best is not None:
                file, id_ = _ASPECT_FILE[best[0]], best[1]
                if abs(assoc) >= 0.45 and opinion_share < 0.3:
                    polarity = math.copysign(1.0, assoc)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:4]
        cooc = "; ".join(f"{k}:{i} {s:.2f}" for (k, i), s in ranked)
        cooc += f"{'; ' if cooc else ''}opinion lean {assoc:+.2f}"
        out.append(Candidate(c.term, c.count, len(v.docs), c.cohesion, c.left_entropy, c.right_entropy, c.specificity,
                             c.score, file, id_, polarity, cooc, tuple(v.examples)))
    return out[:top]


def _read_texts(path: str | os.PathLike[str], options: BatchOptions) -> tuple[list[str], str, bool]:
    from ._io import pick_text_column, read_chunks

    texts: list[str] = []
    col = options.text
    guessed = False
    for chunk in read_chunks(path, encoding=options.encoding, sheet=options.sheet, header_row=options.header_row):
        columns = [str(c) for c in chunk.columns if c != "__line__"]
        if col is None:
            col, guessed = pick_text_column(columns, chunk), True
        if col not in columns:
            raise InputError(f"{path}: no column {col!r} (given with --text); the columns are: {', '.join(columns)}")
        texts += [v for v in chunk[col].tolist() if isinstance(v, str) and v.strip()]
    return texts, col or "", guessed


def suggest(
    analyzer: Analyzer,
    path: str | os.PathLike[str],
    options: BatchOptions,
    *,
    top: int = 300,
    min_count: int | None = None,
) -> SuggestResult:
    """Read ``path`` and return its ranked candidate terms with proposals."""
    texts, col, guessed = _read_texts(path, options)
    if not texts:
        raise InputError(f"{path}: no text to mine in column {col!r}")
    return _suggest_texts(analyzer, texts, top=top, min_count=min_count, text_column=col, guessed=guessed)


def _suggest_texts(analyzer: Analyzer, texts: list[str], *, top: int = 300, min_count: int | None = None,
                   text_column: str = "", guessed: bool = False) -> SuggestResult:
    from ._rules import _match

    norm = [normalize(t).text for t in texts]
    tk = analyzer._segmenter.tokenizer
    index = analyzer._index
    known = set(index.terms)

    def covered(term: str) -> bool:
        tokens = analyzer._segmenter.tokens(term)
        hits = _match(tokens, 0, len(tokens), index)
        return sum(h.end - h.start for h in hits) >= len(term) - 1 and len(hits) >= 1

    cands, considered, mc = discover(norm, known, tk.FREQ, tk.total, min_count=min_count, top=top, covered=covered)
    proposed = _propose(analyzer, texts, cands, top)
    proposed.sort(key=lambda x: (-x.score, x.term))
    return SuggestResult(tuple(proposed), len(texts), sum(len(t) for t in norm), considered, mc, text_column, guessed)


def write_candidates(cands: tuple[Candidate, ...] | list[Candidate], path: str | os.PathLike[str]) -> None:
    """CSV (UTF-8 with BOM, opens in Excel) or XLSX, one candidate per row, ``accept`` left empty."""
    rows = []
    for n, c in enumerate(cands, start=1):
        d = c.to_dict()
        rows.append([n, "", c.term, c.file, c.id, "" if c.polarity is None else f"{c.polarity:g}", d["score"], c.count,
                     c.docs, d["cohesion"], d["left_entropy"], d["right_entropy"], d["specificity"], c.cooccurs,
                     " | ".join(c.examples)])
    p = Path(path)
    tmp = p.with_name(p.name + ".part")
    if p.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "candidates"
        ws.append(list(COLUMNS))
        for r in rows:
            ws.append(r)
        wb.save(tmp)
    elif p.suffix.lower() == ".csv":
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(rows)
    else:
        raise InputError(f"{p}: write the candidates to a .csv or .xlsx file")
    os.replace(tmp, p)


# --------------------------------------------------------------------------------------------------
# Accepting


@dataclass(frozen=True, slots=True)
class AcceptResult:
    lines: tuple[str, ...]  # "file:line: term<TAB>id<TAB>polarity" as written
    marked: int
    skipped: tuple[str, ...] = ()


def _marked(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and str(value).strip().lower() in _MARKS


def _rows(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    from ._io import read_chunks

    for chunk in read_chunks(path):
        cols = [str(c) for c in chunk.columns if c != "__line__"]
        missing = [c for c in ("accept", "term", "file", "id", "polarity") if c not in cols]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}; expected the columns written by "
                             "'cxtext lexicon suggest' (accept, term, file, id, polarity, …)")
        for rec in chunk.to_dict("records"):
            yield int(rec["__line__"]), rec


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def accept(candidates: str | os.PathLike[str], into: str | os.PathLike[str], *, take_all: bool = False) -> AcceptResult:
    """Append the marked candidate rows to the lexicon files in ``into``; all rows are checked first."""
    folder = Path(into)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file; --into needs a lexicon folder")
    catalog = load_lexicon(folder if folder.is_dir() and any(folder.glob("*.tsv")) else None).catalog
    errors: list[str] = []
    planned: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    marked = 0
    skipped: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for line, rec in _rows(candidates):
        if not take_all and not _marked(rec.get("accept")):
            continue
        marked += 1
        where = f"{candidates}:{line}"
        term = normalize_term(_cell(rec.get("term")))
        file = _cell(rec.get("file"))
        file = file if file.endswith(".tsv") or not file else file + ".tsv"
        id_ = _cell(rec.get("id"))
        pol = _cell(rec.get("polarity"))
        if not term or any(ch in term for ch in "\t\r\n"):
            errors.append(f"{where}: the term is empty or holds a tab or line break")
            continue
        if file not in _ACCEPT_FILES:
            errors.append(f"{where}: file {file!r} is not allowed; allowed: {', '.join(_ACCEPT_FILES)}")
            continue
        if pol:
            try:
                num = float(pol)
            except ValueError:
                num = math.nan
            if not -2.0 <= num <= 2.0:
                errors.append(f"{where}: polarity {pol!r} is not allowed; allowed: a number from -2 to 2"
                              + ("" if file == "sentiment.tsv" else " or blank"))
                continue
            pol = f"{num:g}"
        if file == "sentiment.tsv":
            if not pol:
                errors.append(f"{where}: a sentiment.tsv line needs its weight in the polarity column (-2 to 2)")
                continue
            row = (term, pol, "")
        else:
            kind = _KIND_OF_FILE[file]
            known = catalog.get(kind, {})
            if id_ not in known:
                errors.append(f"{where}: {kind} id {id_!r} is not allowed for {file}; allowed: {', '.join(known)}")
                continue
            if kind in ("touchpoint", "stage"):
                pol = ""
            row = (term, id_, pol)
        key = (file, row[0], row[1])
        if key in seen:
            skipped.append(f"{where}: {term!r} for {row[1]} is marked twice; added once")
            continue
        seen.add(key)
        planned[file].append(row)
    if errors:
        raise InputError(f"{len(errors)} marked row(s) cannot be added; nothing was written:\n" + "\n".join(errors))
    folder.mkdir(parents=True, exist_ok=True)
    backup: dict[Path, bytes | None] = {}
    written: list[str] = []
    try:
        for file, rows in planned.items():
            path = folder / file
            backup[path] = path.read_bytes() if path.exists() else None
            existing = _existing(path, file)
            required, optional = FILES[file]
            header = "\t".join(required + (optional if file in ("factors.tsv", "themes.tsv") else ()))
            old = backup[path].decode("utf-8-sig") if backup[path] is not None else ""
            lines = old.splitlines()
            if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in lines):
                lines = [f"# {file}: terms added with 'cxtext lexicon accept'", header]
            lines.append(f"# added {date.today().isoformat()} from {Path(candidates).name}")
            for term, value, pol in rows:
                if (term, value) in existing or (file == "sentiment.tsv" and term in {t for t, _ in existing}):
                    skipped.append(f"{path}: {term!r} is already there; not added again")
                    continue
                cells = [term, value] + ([pol] if file in ("factors.tsv", "themes.tsv") else [])
                lines.append("\t".join(cells))
                written.append(f"{path}:{len(lines)}: {chr(9).join(cells)}")
            tmp = path.with_name(path.name + ".part")
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            os.replace(tmp, path)
        load_lexicon(folder)  # the folder must still load; otherwise undo
    except Exception:
        for path, data in backup.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        raise
    return AcceptResult(tuple(written), marked, tuple(skipped))


def _existing(path: Path, file: str) -> set[tuple[str, str]]:
    if not path.exists():
        return set()
    out = set()
    for ln in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
        if ln.strip() and not ln.startswith("#") and "\t" in ln:
            cells = ln.split("\t")
            out.add((normalize_term(cells[0]), cells[1].strip()))
    return out
