"""The HTML report: a context of plain values from the aggregate and the gap model, rendered by jinja2.

:func:`build_context` gathers everything the template shows (it computes nothing the gap model or
:mod:`cxtext._derive` does not); :func:`render_html` renders it with autoescaping on, so customer text
(quotes, phrases, group names, the file name) is escaped wherever the template prints it. Charts are
inline SVG from :mod:`cxtext._charts`, which escapes its own text. The result is one self-contained
file: no script, no font, image or style is fetched from anywhere.

Templates and interface strings (``report.html.j2``, ``strings.yaml``) come from ``--template-dir``
first, then the shipped ``templates/`` folder, so a user may override one file and keep the rest.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__, _charts
from ._aggregate import ReportAggregate, Slice, Stat
from ._derive import Derived, actual_score
from ._errors import ConfigError, InputError
from ._gap import GapModel, GapReport, GapResult

__all__ = ["ReportOptions", "build_context", "render_html", "write_html", "period_key", "period_slices",
           "period_changes", "history_summary", "LANGS", "PERIODS"]

LANGS = ("zh", "en")
PERIODS = ("auto", "day", "week", "month", "quarter")
_GROUP_LIMIT = 12
_SLICE_MIN = 5  # opinions needed for a score in one group or one period


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the report shows about how it was made."""

    lang: str = "zh"
    title: str | None = None
    input: str = ""
    text_column: str = ""
    period: str = "auto"
    min_mentions: int = 10
    sentiment_method: str = ""
    history: str | None = None


def period_key(day: str, granularity: str) -> str:
    """The period a ``YYYY-MM-DD`` day falls in: ``2026-01-05``, ``2026-W02``, ``2026-01`` or ``2026-Q1``."""
    d = date.fromisoformat(day)
    if granularity == "day":
        return day
    if granularity == "week":
        iso = d.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    if granularity == "month":
        return f"{d.year}-{d.month:02d}"
    if granularity == "quarter":
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    raise ValueError(f"unknown period {granularity!r}; allowed: {', '.join(PERIODS[1:])}")


def _granularity(days: Sequence[str], wanted: str) -> str:
    if wanted != "auto":
        return wanted
    if not days:
        return "month"
    span = (date.fromisoformat(max(days)) - date.fromisoformat(min(days))).days
    if span > 730:
        return "quarter"
    if span > 62:
        return "month"
    if span > 14:
        return "week"
    return "day"


def period_slices(agg: ReportAggregate, wanted: str = "auto") -> tuple[str, dict[str, Slice]]:
    """The aggregate's days rolled up into periods, in time order, and the granularity used."""
    if wanted not in PERIODS:
        raise ConfigError(f"period {wanted!r} is not allowed; allowed: {', '.join(PERIODS)}")
    granularity = _granularity(list(agg.days), wanted)
    out: dict[str, Slice] = {}
    for day in sorted(agg.days):
        out.setdefault(period_key(day, granularity), Slice()).absorb(agg.days[day])
    return granularity, out


def _slice_actuals(sl: Slice, kind: str, ids: Sequence[str], min_n: int) -> tuple[dict[str, float | None], dict[str, int]]:
    actual, n = {}, {}
    for ident in ids:
        stat = sl.aspects[kind].get(ident, Stat())
        actual[ident] = actual_score(stat, min_n)[0]
        n[ident] = stat.n
    return actual, n


def period_changes(
    periods: Mapping[str, Slice],
    derived: Mapping[str, Derived],
    model: GapModel,
    *,
    min_n: int = _SLICE_MIN,
) -> tuple[tuple[str, str] | None, GapReport | None]:
    """Step 7 with ``--time``: the last period against the one before it (both need data).

    Each period's actual comes from its own opinions; expectation and importance are the whole
    file's, so a change is a change in the experience, not in the method.
    """
    keys = [k for k, sl in periods.items() if sl.docs]
    if len(keys) < 2 or not derived:
        return None, None
    before, now = keys[-2], keys[-1]
    parts: dict[str, list[GapResult]] = {}
    for kind, d in derived.items():
        ids = [a.id for a in d.aspects]
        inputs = d.gap_inputs()
        results = []
        for key in (before, now):
            actual, n = _slice_actuals(periods[key], kind, ids, min_n)
            results.append(model.compute(actual=actual, kind=kind, expectation=inputs["expectation"],
                                         importance=inputs["importance"], n=n, names=inputs["names"]))
        parts[kind] = results
    prev = GapReport(factors=parts["factor"][0], themes=parts["theme"][0])
    cur = GapReport(factors=parts["factor"][1], themes=parts["theme"][1])
    return (before, now), cur.compare(prev)


def history_summary(gap: GapReport, agg: ReportAggregate | None) -> dict[str, Any]:
    """What the history keeps of a run: the gap table (the shape ``GapReport.compare`` reads) and volume."""
    out = gap.to_dict()
    out = {k: out[k] for k in ("factors", "themes", "key_experience", "brand_value")}
    if agg is not None:
        out["rows"] = agg.rows
        out["analysed"] = agg.statuses.get("ok", 0)
        out["sentiment"] = dict(agg.overall.labels)
        out["period"] = [min(agg.days), max(agg.days)] if agg.days else None
    return out


# --------------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _heat(value: float | None) -> str:
    """A background colour for a 0–10 score: red (low) through yellow to green (high)."""
    if value is None:
        return "#f7fafc"
    v = max(0.0, min(value, 10.0)) / 10.0
    hue = int(round(120 * v))  # 0 red .. 120 green
    return f"hsl({hue}, 65%, 85%)"


def _steps(result: GapResult | None, derived: Derived | None, t: Mapping[str, str]) -> list[dict[str, Any]]:
    if result is None:
        return []
    out = []
    for row in result.rows:
        aspect = None
        if derived is not None:
            try:
                aspect = derived.aspect(row.id)
            except KeyError:
                aspect = None
        notes = []
        if row.actual_source == "config":
            notes.append(t["src_config_actual"])
        if row.expectation_source == "estimate" and aspect is not None:
            notes.append(t["src_expect_own"] if aspect.expectation_basis == "own" else t["src_expect_pooled"])
        elif row.expectation_source == "met" and row.actual is not None:
            notes.append(t["src_expect_met"])
        elif row.expectation_source == "config":
            notes.append(t["src_config_expect"])
        if row.importance_source == "config":
            notes.append(t["src_config_importance"])
        if row.ideal_source == "key":
            notes.append(t["src_ideal_key"])
        out.append({
            "id": row.id,
            "name": row.name,
            "actual": row.actual,
            "ci": row.actual_ci,
            "expectation": row.expectation,
            "satisfaction": row.satisfaction,
            "importance": row.importance,
            "weight": row.weight,
            "ideal": row.ideal,
            "gap": row.gap,
            "n": row.n,
            "mentions": aspect.mentions if aspect is not None else None,
            "too_few": row.actual is None and aspect is not None,
            "key": row.id in result.key_experience,
            "brand": row.id in result.brand_value,
            "notes": notes,
        })
    return out


def _aspect_cards(derived: Derived | None, result: GapResult | None) -> list[dict[str, Any]]:
    if derived is None:
        return []
    key = set(result.key_experience) if result is not None else set()
    cards = []
    for a in derived.aspects:
        if not a.mentions:
            continue
        cards.append({
            "id": a.id, "name": a.name, "actual": a.actual, "n": a.n, "mentions": a.mentions,
            "positive": a.positive, "negative": a.negative, "key": a.id in key,
            "pos_phrases": list(a.positive_phrases[:6]), "neg_phrases": list(a.negative_phrases[:6]),
            "pos_quotes": list(a.positive_quotes[:3]), "neg_quotes": list(a.negative_quotes[:3]),
        })
    return cards


def _places(agg: ReportAggregate, kind: str, names: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = []
    for ident in agg.ids[kind]:
        counts = agg.places[kind].get(ident)
        if not counts or not counts[0]:
            continue
        total, pos, neg = counts
        rows.append({"id": ident, "name": names.get(ident, ident), "mentions": total,
                     "pos": _pct(pos, total), "neg": _pct(neg, total), "net": _pct(pos - neg, total)})
    rows.sort(key=lambda r: -r["mentions"])
    return rows


def _slice_row(name: str, sl: Slice, ids: Sequence[str]) -> dict[str, Any]:
    actual, n = _slice_actuals(sl, "factor", ids, _SLICE_MIN)
    return {
        "name": name,
        "docs": sl.docs,
        "pos": _pct(sl.labels.get("pos", 0), sl.docs),
        "neg": _pct(sl.labels.get("neg", 0), sl.docs),
        "rating": sl.rating.mean,
        "cells": [{"value": actual[i], "n": n[i], "color": _heat(actual[i])} for i in ids],
    }


def _ranked_actions(actions: Sequence[Mapping[str, Any]], t: Mapping[str, str]) -> list[dict[str, Any]]:
    """Factor and theme actions in one list, ranked by score (then need), numbered afresh."""
    ordered = sorted(actions, key=lambda a: (-(a["score"] or 0), -(a["need"] or 0), a["kind"] != "factor"))
    return [dict(a, rank=i, kind_name=t["kind_" + a["kind"]]) for i, a in enumerate(ordered, start=1)]


def _shade(share: float | None) -> str:
    """A background for a 0–1 share: white (none) to deep blue (all)."""
    if not share:
        return "#ffffff"
    return f"rgba(49, 130, 206, {0.08 + 0.72 * min(share, 1.0):.2f})"


def _emotion_rows(view: Mapping[str, Any], order: Sequence[str], names: Mapping[str, str],
                  emotions: Sequence[str], emotion_names: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per factor or theme that documents mention: each emotion's share of those documents."""
    ids = [i for i in order if i in view] + [i for i in view if i not in order]
    rows = []
    for ident in ids:
        v = view[ident]
        if not v["documents"]:
            continue
        cells = []
        for e in emotions:
            cell = v["emotions"].get(e)
            share = cell["share"] if cell else None
            cells.append({"share": None if share is None else 100.0 * share, "documents": cell["documents"] if cell else 0,
                          "intensity": cell["mean_intensity"] if cell else None, "color": _shade(share)})
        rows.append({"id": ident, "name": names.get(ident, ident), "documents": v["documents"], "cells": cells,
                     "dominant": emotion_names.get(v["dominant"], v["dominant"]) if v["dominant"] else None})
    return rows


def _distinct(quotes: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Quotes with repeated texts left out (copied reviews and templates say nothing twice)."""
    seen: set[str] = set()
    out = []
    for q in quotes:
        if q["text"] not in seen:
            seen.add(q["text"])
            out.append(q)
    return out


def _signals_context(signals: Any, agg: ReportAggregate | None, names: Mapping[str, Mapping[str, str]],
                     t: Mapping[str, str]) -> dict[str, Any]:
    """The emotion view, the effort section and the churn/escalation/staff-attitude counts."""
    from ._signal_summary import RISKS
    from ._signal_types import EMOTIONS

    if signals is None or not signals.documents:
        return {}
    emotion_names = {e: t.get(f"emo_{e}", e) for e in EMOTIONS}
    overall = signals.emotions()
    order = {"factor": agg.ids["factor"] if agg is not None else [], "theme": agg.ids["theme"] if agg is not None else []}
    emotions = {
        "names": [emotion_names[e] for e in EMOTIONS],
        "overall": [{"id": e, "positive": e in ("joy", "trust"), "name": emotion_names[e], "documents": overall[e]["documents"], "share": 100.0 * overall[e]["share"],
                     "intensity": overall[e]["mean_intensity"], "quotes": _distinct(overall[e]["quotes"])[:2]}
                    for e in EMOTIONS if e in overall],
        "factors": _emotion_rows(signals.emotion_view("factors"), order["factor"], names.get("factor", {}), EMOTIONS, emotion_names),
        "themes": _emotion_rows(signals.emotion_view("themes"), order["theme"], names.get("theme", {}), EMOTIONS, emotion_names),
    }
    effort = signals.effort()
    effort["quotes"] = _distinct(effort["quotes"])
    effort["repeat_contact_pct"] = None if effort["repeat_contact_share"] is None else 100.0 * effort["repeat_contact_share"]
    effort["high_effort_pct"] = None if effort["high_effort_share"] is None else 100.0 * effort["high_effort_share"]
    risks = []
    factor_names = names.get("factor", {})
    for r, v in signals.risks().items():
        if r not in RISKS:
            continue
        risks.append({"id": r, "name": t.get(f"risk_{r}", r), "documents": v["documents"],
                      "pct": None if v["share"] is None else 100.0 * v["share"], "triggers": v["triggers"][:8],
                      "quotes": _distinct(v["quotes"]),
                      "factors": [(factor_names.get(i, i), n) for i, n in list(v["negative_factors"].items())[:4]]})
    return {"documents": signals.documents, "emotions": emotions, "effort": effort, "risks": risks}


def build_context(
    *,
    gap: GapReport,
    derived: Mapping[str, Derived],
    agg: ReportAggregate | None,
    strings: Mapping[str, str],
    options: ReportOptions,
    names: Mapping[str, Mapping[str, str]],
    changes: GapReport | None = None,
    changes_basis: Mapping[str, Any] | None = None,
    periods: Mapping[str, Slice] | None = None,
    granularity: str | None = None,
    signals: Any = None,
) -> dict[str, Any]:
    """Everything the template shows, as plain values (numbers unformatted, text unescaped).

    ``signals``: a :class:`~cxtext._signal_summary.SignalSummary` of the same documents, for the
    emotion view, the effort section and the churn/escalation counts (left out when ``None``).
    """
    t = strings
    fd, td = derived.get("factor"), derived.get("theme")
    factors, themes = gap.factors, gap.themes
    steps = _steps(factors, fd, t)
    theme_steps = _steps(themes, td, t)
    too_few = t["too_few"]

    def note(row: Mapping[str, Any]) -> str:
        if row.get("mentions") is None:
            return t["no_data"]
        return too_few.format(n=row.get("n") or 0)

    charts: dict[str, str] = {"dots": "", "quadrant": "", "themes": ""}
    if any(r["actual"] is not None for r in steps):
        charts["dots"] = _charts.dots(
            [dict(r, note=note(r)) for r in steps],
            {"actual": t["legend_actual"], "expectation": t["legend_expectation"], "ideal": t["legend_ideal"],
             "title": t["chart_dots"]},
        )
        charts["quadrant"] = _charts.quadrant(
            [r for r in steps],
            {"x": t["axis_satisfaction"], "y": t["axis_importance"], "fix": t["q_fix"], "keep": t["q_keep"],
             "watch": t["q_watch"], "ok": t["q_ok"], "title": t["chart_quadrant"]},
        )
    if any(r["actual"] is not None or r["mentions"] for r in theme_steps):
        charts["themes"] = _charts.bars(
            [{"name": r["name"], "value": r["actual"], "ci": r["ci"], "n": r["n"], "key": r["key"], "note": note(r)}
             for r in theme_steps],
            {"title": t["chart_themes"]},
        )

    overview: dict[str, Any] = {}
    trend: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    places: dict[str, list[dict[str, Any]]] = {"touchpoints": [], "stages": []}
    if agg is not None:
        labels = agg.overall.labels
        analysed = agg.statuses.get("ok", 0)
        overview = {
            "rows": agg.rows,
            "analysed": analysed,
            "skipped": [(t.get(f"status_{k}", k), v) for k, v in sorted(agg.statuses.items()) if k != "ok"],
            "pos": labels.get("pos", 0), "neu": labels.get("neu", 0), "neg": labels.get("neg", 0),
            "pos_pct": _pct(labels.get("pos", 0), analysed), "neg_pct": _pct(labels.get("neg", 0), analysed),
            "neu_pct": _pct(labels.get("neu", 0), analysed),
            "rating": agg.overall.rating.mean, "rated": agg.overall.rating.n,
            "ratings_unreadable": agg.ratings_unreadable, "times_unreadable": agg.times_unreadable,
            "groups_missing": agg.groups_missing,
            "first": min(agg.days) if agg.days else None, "last": max(agg.days) if agg.days else None,
            "group_count": len(agg.groups),
            "expectation_statements": agg.expectation_statements,
            "mix": _charts.mix(labels.get("pos", 0), labels.get("neu", 0), labels.get("neg", 0),
                               {"pos": t["pos"], "neu": t["neu"], "neg": t["neg"], "title": t["sentiment_mix"]}),
        }
        factor_ids = [r["id"] for r in steps]
        factor_names = [r["name"] for r in steps]
        if periods:
            rows = [_slice_row(k, sl, factor_ids) for k, sl in periods.items()]
            series = {}
            for j, name in enumerate(factor_names):
                values = [r["cells"][j]["value"] for r in rows]
                if any(v is not None for v in values):
                    series[name] = values
            trend = {"granularity": t.get(f"period_{granularity}", granularity), "rows": rows,
                     "svg": _charts.lines(list(periods), series, {"title": t["chart_trend"]}) if series and len(rows) > 1 else ""}
        if agg.groups:
            ranked = sorted(agg.groups.items(), key=lambda kv: (-kv[1].docs, kv[0]))
            groups = {"factors": factor_names, "rows": [_slice_row(k, sl, factor_ids) for k, sl in ranked[:_GROUP_LIMIT]],
                      "hidden": max(0, len(ranked) - _GROUP_LIMIT)}
        places = {"touchpoints": _places(agg, "touchpoint", names.get("touchpoint", {})),
                  "stages": _places(agg, "stage", names.get("stage", {}))}

    change_rows = []
    if changes is not None:
        for part in (changes.factors, changes.themes):
            if part is None:
                continue
            for c in part.changes:
                if c.previous_actual is None and c.actual is None:
                    continue
                change_rows.append({"kind": t["kind_" + c.kind], "name": c.name, "before": c.previous_actual,
                                    "now": c.actual, "delta": c.actual_delta, "gap_delta": c.gap_delta,
                                    "was_key": c.was_key, "is_key": c.is_key, "improved": c.improved})

    def names_of(result: GapResult | None, ids: Sequence[str]) -> list[str]:
        if result is None:
            return []
        by = {r.id: r.name for r in result.rows}
        return [by.get(i, i) for i in ids]

    method = options.sentiment_method
    methods = {"min_mentions": options.min_mentions, "sentiment": t.get(f"method_{method}", method) if method else ""}
    for kind, d in derived.items():
        imp = d.importance
        methods[kind] = {
            "importance_method": imp.method, "target": imp.target, "r2": imp.r2, "n": imp.n, "reason": imp.reason,
            "pooled_expectation": d.pooled_expectation, "expectation_statements": d.expectation_statements,
        }
    report = gap.to_dict()
    return {
        "t": t,
        "lang": options.lang,
        "meta": {
            "title": options.title or t["title"],
            "input": options.input,
            "text_column": options.text_column,
            "generated": datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M"),
            "version": __version__,
            "history": options.history,
        },
        "overview": overview,
        "steps": steps,
        "theme_steps": theme_steps,
        "factor_names": [r["name"] for r in steps] if trend else [],
        "key": names_of(factors, factors.key_experience if factors else ()),
        "theme_key": names_of(themes, themes.key_experience if themes else ()),
        "brand_value": names_of(factors, factors.brand_value if factors else ()),
        "charts": charts,
        "factor_cards": _aspect_cards(fd, factors),
        "theme_cards": _aspect_cards(td, themes),
        "places": places,
        "trend": trend,
        "groups": groups,
        "requirements": report["requirements"],
        "actions": _ranked_actions(report["actions"], t),
        "changes": change_rows,
        "changes_basis": dict(changes_basis or {}),
        "methods": methods,
        "has_text": agg is not None,
        "signals": _signals_context(signals, agg, names, t),
    }


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------


def _dirs(template_dir: str | os.PathLike[str] | None) -> list[str]:
    from ._resources import template_dir as shipped_dir

    dirs = []
    if template_dir is not None:
        path = Path(template_dir)
        if not path.is_dir():
            raise InputError(f"--template-dir {path}: not a folder")
        dirs.append(str(path))
    dirs.append(str(shipped_dir()))
    return dirs


def load_strings(lang: str, template_dir: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The interface texts for ``lang``: the shipped ``strings.yaml``, overlaid by the user's."""
    import yaml

    if lang not in LANGS:
        raise ConfigError(f"--lang {lang!r} is not available; allowed: {', '.join(LANGS)}")
    merged: dict[str, str] = {}
    for folder in reversed(_dirs(template_dir)):
        path = Path(folder) / "strings.yaml"
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the interface strings ({exc})") from None
        section = data.get(lang) if isinstance(data, dict) else None
        if section is not None and not isinstance(section, dict):
            raise ConfigError(f"{path}: '{lang}' must map names to texts")
        merged.update({str(k): str(v) for k, v in (section or {}).items()})
    if not merged:
        raise InputError("the report's interface strings (strings.yaml) were not found; reinstall cxtext")
    return merged


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}"


def _signed(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}"
    return "0" if text in ("+0", "-0", "+0.0", "-0.0", "+0.00", "-0.00") else text


def _percent(value: Any) -> str:
    return "—" if value is None else f"{value:.0f}%"


def render_html(context: Mapping[str, Any], template_dir: str | os.PathLike[str] | None = None,
                template: str = "report.html.j2") -> str:
    """Render the report; autoescaping is on for every template, whatever its extension."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(d, encoding="utf-8") for d in _dirs(template_dir)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _fmt
    env.filters["signed"] = _signed
    env.filters["pct"] = _percent
    ctx = dict(context)
    ctx["charts"] = {k: Markup(v) for k, v in context.get("charts", {}).items()}  # SVG built and escaped in _charts
    if context.get("overview"):
        ctx["overview"] = dict(context["overview"], mix=Markup(context["overview"]["mix"]))
    if context.get("trend", {}).get("svg"):
        ctx["trend"] = dict(context["trend"], svg=Markup(context["trend"]["svg"]))
    try:
        return env.get_template(template).render(**ctx)
    except jinja2.TemplateNotFound as exc:
        raise InputError(f"report template {exc.name!r} not found in {', '.join(_dirs(template_dir))}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"report template {template!r}: {exc.message}") from None


def write_html(path: str | os.PathLike[str], html: str) -> None:
    """Write through a temporary file and rename, so an interrupted run leaves no half report."""
    target = Path(path)
    if not target.parent.exists():
        raise InputError(f"{target}: the folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # an ordinary file to share, not mkstemp's private 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
