"""``cxtext lexicon show TERM``: why a document scored as it did, one term at a time.

It lists every lexicon line that defines the term (shipped folder, industry packs, the user's folders,
in the order they are laid over each other), what the merged lexicon makes of it (a compound term
inherits the aspects inside it), how jieba segments it, and the rule analysis of a sample sentence
clause by clause: which words matched, which were negated or intensified, and where each opinion went.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ._analyzer import Analyzer
from ._lexcheck import read_entries
from ._normalize import normalize_term
from ._resources import industry_dir, lexicon_dir
from ._rules import squash

__all__ = ["show"]


def _sample(term: str, info: object | None) -> str:
    if info is None:
        return f"{term}很好"
    if getattr(info, "negator", False) or getattr(info, "degree", None) is not None:
        return f"服务{term}好"
    if getattr(info, "contrast", None) is not None:
        return f"价格便宜，{term}服务很差"
    if getattr(info, "expectation", None) is not None:
        return f"{term}很好吃"
    if getattr(info, "aspects", ()) and getattr(info, "weight", None) is None:
        return f"{term}很好，就是有点贵"
    return f"这次的服务{term}"


def show(
    term: str,
    *,
    sentence: str | None = None,
    lexicons: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    industry: str | Iterable[str] | None = None,
    analyzer: Analyzer | None = None,
) -> tuple[str, bool]:
    """The report as text, and whether any lexicon defines the term.

    ``analyzer`` reuses an analyser already built (its lexicons and packs are the ones shown).
    """
    an = analyzer or Analyzer(lexicons=lexicons, industry=industry)
    if analyzer is not None:
        lexicons, industry = analyzer.lexicons, analyzer.industry
    t = normalize_term(term)
    lines: list[str] = [f"term: {term}" + (f" (normalised: {t})" if t != term else "")]
    folders = [lexicon_dir()]
    folders += [industry_dir(n) for n in ([industry] if isinstance(industry, str) else list(industry or ()))]
    folders += [Path(f) for f in ([lexicons] if isinstance(lexicons, (str, os.PathLike)) else list(lexicons or ()))]
    catalog: dict[str, set[str]] = {}
    defined = []
    for folder in folders:
        for e in read_entries(folder, catalog, []):
            if e.term == t:
                defined.append(e)
    lines.append("")
    lines.append("defined in:")
    if defined:
        lines += [f"  {e.path}:{e.line}: {e.describe()}" for e in defined]
    else:
        lines.append("  no lexicon line defines it")
    info = an._index.terms.get(t)
    lines.append("")
    lines.append("in the merged lexicon:")
    if info is None:
        lines.append("  not a term: the analyser does not see it as a unit")
    else:
        if info.aspects:
            own = an.lexicon_.aspects.get(t)
            how = "" if own else " (inherited from the terms inside it)"
            lines.append("  aspects: " + ", ".join(f"{k} {i} ({an.lexicon_.name(k, i)})"
                                                   + ("" if p is None else f" {p:+g}") for k, i, p in info.aspects) + how)
        if info.weight is not None:
            lines.append(f"  opinion weight: {info.weight:+g}")
        for label, value in (("negator", info.negator or None), ("degree multiplier", info.degree),
                             ("contrast role", info.contrast), ("expectation cue", info.expectation)):
            if value is not None:
                lines.append(f"  {label}: {value if value is not True else 'yes'}")
    tokens = an._segmenter.tokens(t)
    lines.append(f"  jieba: {' | '.join(tok for tok, _, _ in tokens)}")
    text = sentence or _sample(t, info)
    norm, toks, results, _, _ = an.prepare(text)
    doc = an.analyze(text)
    lines.append("")
    lines.append(f"sample: {text}")
    lines.append(f"  tokens: {' | '.join(tok for tok, _, _ in toks)}")
    for n, c in enumerate(results, start=1):
        clause = norm.text[c.start : c.end]
        lines.append(f"  clause {n}: {clause!r} weight {c.weight:g}, opinion {squash(c.score) if c.opinions else 0.0:+.2f}"
                     + (f", expectation {c.expectation}" if c.expectation else ""))
        for h in c.hits:
            parts = []
            if h.info.aspects:
                parts.append("aspect " + ", ".join(f"{k}:{i}" for k, i, _ in h.info.aspects))
            if h.info.weight is not None:
                parts.append(f"opinion {h.info.weight:+g} -> {h.weight:+.2f} after modifiers")
            if h.info.negator:
                parts.append("negator")
            if h.info.degree is not None:
                parts.append(f"degree x{h.info.degree:g}")
            if h.info.contrast:
                parts.append(f"contrast {h.info.contrast}")
            for kind, (total, cnt) in h.attached.items():
                parts.append(f"takes {cnt} opinion(s) {squash(total):+.2f} as {kind}")
            lines.append(f"    {h.term}: {'; '.join(parts) or 'matched'}")
    lines.append(f"  document: {doc.label} {doc.score:+.2f} ({an.method_}; aspects {an.aspects_})")
    for name, group in (("factors", doc.factors), ("themes", doc.themes)):
        if group:
            lines.append(f"  {name}: " + ", ".join(f"{k} {v.polarity:+.2f}" for k, v in group.items()))
    for name, found in (("touchpoints", doc.touchpoints), ("stages", doc.stages)):
        if found:
            lines.append(f"  {name}: " + ", ".join(f"{m.id} ({m.term})" for m in found))
    return "\n".join(lines) + "\n", bool(defined) or info is not None
