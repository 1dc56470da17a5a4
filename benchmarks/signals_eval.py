"""Precision and recall of the signals beyond polarity on the hand-labelled set benchmarks/data/signals.jsonl.

    python benchmarks/signals_eval.py             # the table
    python benchmarks/signals_eval.py --errors    # also every false alarm and every miss

What is counted, per document:

- emotions: each gold emotion is a positive; a predicted emotion the gold does not list is a false
  alarm. Reported per emotion and micro-averaged.
- effort quantities (wait minutes, contacts, visits, transfers, forms): a prediction is right when it
  equals the gold value (waits within 10%); a predicted value where the gold has none, or a different
  value, is a false alarm; a gold value not predicted (or predicted wrong) is a miss.
- churn, escalation, staff attitude: document-level yes/no.

The set was written and labelled for this project by the same author as the lexicons, before the
detector was tuned; treat the figures as a development measurement, not a blind test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cxtext import Analyzer  # noqa: E402
from cxtext._signal_types import EMOTIONS  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "signals.jsonl"
QUANTITIES = ("wait_minutes", "contacts", "visits", "transfers", "forms")
FLAGS = ("churn", "escalation", "staff_attitude")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return p, r, f


def same(kind: str, gold: float, pred: float) -> bool:
    if kind == "wait_minutes":
        return abs(gold - pred) <= 0.1 * gold
    return round(gold) == round(pred)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--errors", action="store_true", help="print every false alarm and miss")
    args = ap.parse_args()
    rows = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    an = Analyzer()
    names = ([f"emotion {e}" for e in EMOTIONS] + ["emotion (micro)", "any emotion"]
             + [f"effort {q}" for q in QUANTITIES] + ["effort (micro)"] + list(FLAGS))
    counts: dict[str, list[int]] = {n: [0, 0, 0] for n in names}
    errors: list[str] = []

    def add(name: str, tp: int, fp: int, fn: int) -> None:
        c = counts.setdefault(name, [0, 0, 0])
        c[0] += tp
        c[1] += fp
        c[2] += fn

    for r in rows:
        s = an.analyze(r["text"]).signals_
        pred_emotions = set(s.emotions)
        gold_emotions = set(r["emotions"])
        for e in EMOTIONS:
            g, p = e in gold_emotions, e in pred_emotions
            add(f"emotion {e}", g and p, p and not g, g and not p)
            add("emotion (micro)", g and p, p and not g, g and not p)
            if g != p:
                errors.append(f"{r['id']} emotion {e}: gold {g} predicted {p}  {r['text']}")
        add("any emotion", bool(gold_emotions) and bool(pred_emotions), bool(pred_emotions) and not gold_emotions,
            bool(gold_emotions) and not pred_emotions)
        for q in QUANTITIES:
            g, p = r[q], getattr(s.effort, q)
            ok = g is not None and p is not None and same(q, g, p)
            add(f"effort {q}", ok, p is not None and not ok, g is not None and not ok)
            add("effort (micro)", ok, p is not None and not ok, g is not None and not ok)
            if (g is not None or p is not None) and not ok:
                errors.append(f"{r['id']} {q}: gold {g} predicted {p}  {r['text']}")
        for f in FLAGS:
            g, p = bool(r[f]), bool(getattr(s, f))
            add(f, g and p, p and not g, g and not p)
            if g != p:
                trig = ";".join(t.term for t in getattr(s, f))
                errors.append(f"{r['id']} {f}: gold {g} predicted {p} {trig}  {r['text']}")

    print(f"command: python benchmarks/signals_eval.py   ({len(rows)} texts from {Path(args.data).name})")
    print(f"{'signal':28} {'gold':>5} {'pred':>5} {'prec':>6} {'recall':>6} {'F1':>6}")
    for name, (tp, fp, fn) in counts.items():
        p, rc, f = prf(tp, fp, fn)
        print(f"{name:28} {tp + fn:5d} {tp + fp:5d} {p:6.2f} {rc:6.2f} {f:6.2f}")
    if args.errors:
        print("\nfalse alarms and misses:")
        for e in errors:
            print("  " + e)


if __name__ == "__main__":
    main()
