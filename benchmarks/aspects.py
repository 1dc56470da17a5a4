"""Aspect-level accuracy: factor and theme detection, and the polarity given to what was detected.

    python benchmarks/aspects.py                    # the default analyser
    python benchmarks/aspects.py --aspects lexicon  # lexicon terms only, without the learned detector

Three sets, each printed with precision, recall and F1 of detection per factor (and theme), and the
polarity accuracy on the mentions that were both labelled and detected:

1. Meituan ASAP restaurant reviews (``../shared/data/asap``, 200 reviews, 18 aspects labelled
   1 / 0 / −1, −2 = not mentioned), mapped to factors as the accuracy issue prescribes:
   location_*, service_parking_convenience, service_wait_time → convenience; service_waiters_attitude,
   service_serving_speed → service; price_* → price; dish_*, environment_* → product. A factor's gold
   polarity is the sign of the mean of its mentioned aspects' labels.
2. The aspect-term sentences of ``../shared/data/chinese_absa`` (phone, camera, car, notebook): the
   polarity of the clause that holds the term, against the term's label; and how often the term's
   clause holds a detected factor.
3. The project's own hand-labelled CX sentences (``benchmarks/data/cx_sentences.jsonl``, 350 sentences
   from 13 industries, six factors and ten themes with polarity).

An aspect's polarity comes from the lexicon rules (negation, degree, contrast) of the clauses that
mention it; an aspect mentioned without an opinion of its own, or found by the learned detector,
takes the document's score. The detector is trained on other project-written texts
(benchmarks/train_aspects.py), never on these sets. Sets 1 and 2 are skipped when ``../shared/data``
is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets  # noqa: E402

from cxtext import Analyzer  # noqa: E402

ASAP_TO_FACTOR = {
    "location_traffic": "convenience",
    "location_distance_from_business_district": "convenience",
    "location_easy_to_find": "convenience",
    "service_parking_convenience": "convenience",
    "service_wait_time": "convenience",
    "service_waiters_attitude": "service",
    "service_serving_speed": "service",
    "price_level": "price",
    "price_cost_effective": "price",
    "price_discount": "price",
    "environment_decoration": "product",
    "environment_noise": "product",
    "environment_space": "product",
    "environment_cleaness": "product",
    "dish_portion": "product",
    "dish_taste": "product",
    "dish_look": "product",
    "dish_recommendation": "product",
}
NEUTRAL = 0.1  # |polarity| below this counts as neutral


def sign(x: float) -> int:
    return 0 if abs(x) < NEUTRAL else (1 if x > 0 else -1)


class Scores:
    """Detection counts and polarity agreement per id."""

    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()
        self.pol_ok: Counter[str] = Counter()
        self.pol_n: Counter[str] = Counter()
        self.polar_ok: Counter[str] = Counter()  # gold polar (±1): is our sign the same?
        self.polar_n: Counter[str] = Counter()

    def add(self, gold: dict[str, int], found: dict[str, float]) -> None:
        for k in gold.keys() | found.keys():
            if k in gold and k in found:
                self.tp[k] += 1
                self.pol_n[k] += 1
                self.pol_ok[k] += sign(found[k]) == gold[k]
                if gold[k] != 0:
                    self.polar_n[k] += 1
                    self.polar_ok[k] += sign(found[k]) == gold[k]
            elif k in gold:
                self.fn[k] += 1
            else:
                self.fp[k] += 1

    def print(self, title: str, ids: list[str]) -> None:
        print(f"\n{title}")
        print(f"{'id':14} {'gold':>5} {'prec':>6} {'recall':>6} {'F1':>6} {'polarity':>9} {'polar-only':>10}")
        rows = [*ids, "ALL (micro)"]
        for k in rows:
            if k == "ALL (micro)":
                tp, fp, fn = (sum(c[i] for i in ids) for c in (self.tp, self.fp, self.fn))
                po, pn = sum(self.pol_ok[i] for i in ids), sum(self.pol_n[i] for i in ids)
                qo, qn = sum(self.polar_ok[i] for i in ids), sum(self.polar_n[i] for i in ids)
            else:
                tp, fp, fn = self.tp[k], self.fp[k], self.fn[k]
                po, pn, qo, qn = self.pol_ok[k], self.pol_n[k], self.polar_ok[k], self.polar_n[k]
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            pol = f"{po / pn:.2f} ({pn})" if pn else "—"
            polar = f"{qo / qn:.2f} ({qn})" if qn else "—"
            print(f"{k:14} {tp + fn:5d} {p:6.2f} {r:6.2f} {f:6.2f} {pol:>9} {polar:>10}")


def asap(an: Analyzer) -> None:
    folder = datasets.SHARED / "asap"
    if not folder.is_dir():
        print(f"\n{folder} not present: ASAP skipped")
        return
    scores = Scores()
    n = 0
    for name in ("train_sample.csv", "dev_sample.csv"):
        with open(folder / name, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                labels: dict[str, list[int]] = {}
                for aspect, factor in ASAP_TO_FACTOR.items():
                    v = int(float(row[aspect]))
                    if v != -2:
                        labels.setdefault(factor, []).append(v)
                gold = {f: sign(sum(v) / len(v)) for f, v in labels.items()}
                doc = an.analyze(row["reviewbody"])
                found = {f: s.polarity for f, s in doc.factors.items() if f in {"convenience", "service", "price", "product"}}
                scores.add(gold, found)
                n += 1
    scores.print(f"ASAP restaurant reviews ({n}), aspects mapped to factors", ["product", "service", "convenience", "price"])


def absa(an: Analyzer) -> None:
    folder = datasets.SHARED / "chinese_absa"
    if not folder.is_dir():
        print(f"\n{folder} not present: aspect-term sets skipped")
        return
    print("\nAspect-term sentences (chinese_absa): polarity of the clause holding the term")
    print(f"{'domain':10} {'terms':>6} {'clause polar':>12} {'sign right':>10} {'factor found':>12}")
    for path in sorted(folder.glob("*.train.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        n = polar = right = with_factor = 0
        for i in range(0, len(lines) - 2, 3):
            sent, term, pol = lines[i], lines[i + 1].replace(" ", ""), lines[i + 2].strip()
            if pol not in ("Positive", "Negative"):
                continue
            left, _, right_part = sent.partition("$T$")
            left = left.replace(" ", "")
            text = left + term + right_part.replace(" ", "")
            start = len(left)
            doc = an.analyze(text)
            clause = next((c for c in doc.clauses if c.start <= start < c.end), None)
            n += 1
            if clause is None:
                continue
            s = sign(clause.sentiment)
            if s:
                polar += 1
                right += s == (1 if pol == "Positive" else -1)
            with_factor += any(m.kind == "factor" for m in clause.matches)
        print(f"{path.name.split('.')[0]:10} {n:6d} {polar / n:12.2f} {right / max(polar, 1):10.2f} {with_factor / n:12.2f}")
    print("  clause polar: share of terms whose clause got a polarity; sign right: of those, share with the label's sign;"
          "\n  factor found: share of terms whose clause holds a detected factor")


def own(an: Analyzer) -> None:
    path = datasets.OWN / "cx_sentences.jsonl"
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    fs, ts = Scores(), Scores()
    for r in recs:
        doc = an.analyze(r["text"])
        fs.add({k: int(v) for k, v in r["factors"].items()}, {k: v.polarity for k, v in doc.factors.items()})
        ts.add({k: int(v) for k, v in r["themes"].items()}, {k: v.polarity for k, v in doc.themes.items()})
    factor_ids = ["product", "service", "relationship", "convenience", "brand", "price"]
    theme_ids = ["trust", "convenience", "commitment", "respect", "autonomy", "choice", "knowledge", "recognition", "benefit", "identity"]
    fs.print(f"Project's CX sentences ({len(recs)}, 13 industries): factors", factor_ids)
    ts.print(f"Project's CX sentences ({len(recs)}, 13 industries): themes", theme_ids)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aspects", default="auto", choices=["auto", "lexicon"],
                    help="auto: lexicons plus the learned detector (the default analyser); lexicon: lexicons only")
    args = ap.parse_args()
    print("command: python benchmarks/aspects.py" + (" --aspects lexicon" if args.aspects == "lexicon" else ""))
    t = time.perf_counter()
    an = Analyzer(aspects=args.aspects).warm_up()
    asap(an)
    absa(an)
    own(an)
    print(f"\n({time.perf_counter() - t:.0f} s)")


if __name__ == "__main__":
    main()
