"""Industry packs and lexicon suggestions, measured on public labelled data.

    python benchmarks/industry_packs.py            # every measurement (a few minutes on one core)
    python benchmarks/industry_packs.py --n 1000   # smaller samples of hotel and waimai reviews
    python benchmarks/industry_packs.py --top 100  # how many suggested terms the simulated analyst accepts

Part 1, packs: for each pack with public data, the same rows with and without the pack.
- catering: ASAP restaurant reviews (200, 18 aspect categories mapped to factors: location, queue and
  parking → convenience; waiters and serving speed → service; price → price; ambience and dishes →
  product): factor detection precision/recall over (review, factor) pairs and polarity agreement;
  waimai food-delivery reviews: document sentiment and the share of reviews with a factor found.
- hotel: ChnSentiCorp hotel reviews: document sentiment and factor coverage (no aspect labels).
- automotive (car), ecommerce and retail (phone, camera, notebook): aspect-term sentences: the share of
  gold aspect terms on which a factor is found, and the polarity of those found against the gold label.
Sentiment is shown for the lexicon rules (the method the packs change directly) and the default
model. The shipped model was trained on these data sets, so its figures here are in-sample.

Part 2, suggest/accept for a new industry: ``lexicon suggest`` mines unlabelled text, a simulated analyst
accepts the top proposals exactly as proposed (no edits, so a lower bound on what an analyst gets), and
detection is measured on held-out text before and after: mined on waimai, tested on ASAP (a different
source); mined on the first half of each aspect-term domain, tested on the second half.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets  # noqa: E402

from cxtext import Analyzer  # noqa: E402

ASAP_FACTORS = {
    "location_traffic": "convenience", "location_distance_from_business_district": "convenience",
    "location_easy_to_find": "convenience", "service_wait_time": "convenience",
    "service_waiters_attitude": "service", "service_parking_convenience": "convenience",
    "service_serving_speed": "service", "price_level": "price", "price_cost_effective": "price",
    "price_discount": "price", "environment_decoration": "product", "environment_noise": "product",
    "environment_space": "product", "environment_cleaness": "product", "dish_portion": "product",
    "dish_taste": "product", "dish_look": "product", "dish_recommendation": "product",
}


def asap() -> list[tuple[str, dict[str, int]]] | None:
    """ASAP reviews with the gold sign per factor (+1, 0 neutral, -1) for the factors mentioned."""
    folder = datasets.SHARED / "asap"
    if not folder.is_dir():
        return None
    out = []
    for name in ("train_sample.csv", "dev_sample.csv"):
        with open(folder / name, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                sums: dict[str, list[int]] = {}
                for col, factor in ASAP_FACTORS.items():
                    v = int(float(row[col]))
                    if v != -2:
                        sums.setdefault(factor, []).append(v)
                gold = {f: (1 if sum(v) > 0 else -1 if sum(v) < 0 else 0) for f, v in sums.items()}
                out.append((row["reviewbody"], gold))
    return out


def absa_terms(domain: str) -> list[tuple[str, list[tuple[int, int, int]]]] | None:
    """Aspect-term sentences: text and gold (start, end, polarity ±1) per aspect term, in file order."""
    path = datasets.SHARED / "chinese_absa" / f"{domain}.train.txt"
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    by_text: dict[str, list[tuple[int, int, int]]] = {}
    for i in range(0, len(lines) - 2, 3):
        sent, term, pol = lines[i].replace(" ", ""), lines[i + 1].replace(" ", ""), lines[i + 2].strip()
        if "$T$" not in sent or pol not in ("Positive", "Negative"):
            continue
        start = sent.index("$T$")
        text = sent.replace("$T$", term)
        by_text.setdefault(text, []).append((start, start + len(term), 1 if pol == "Positive" else -1))
    return list(by_text.items())


# ------------------------------------------------------------------------------------------------------
# Measures


def sentiment(an: Analyzer, texts: Sequence[str], labels: Sequence[int]) -> tuple[float, float]:
    """Accuracy (neutral counts as wrong) and the share of texts with at least one factor."""
    right = cov = 0
    for t, y in zip(texts, labels, strict=True):
        d = an.analyze(t)
        right += d.label == ("pos" if y else "neg")
        cov += bool(d.factors)
    return right / len(texts), cov / len(texts)


def asap_detection(an: Analyzer, rows: list[tuple[str, dict[str, int]]]) -> tuple[float, float, float, int]:
    """Precision, recall over (review, factor) pairs; polarity sign agreement where both have one."""
    tp = fp = fn = agree = both = 0
    for text, gold in rows:
        d = an.analyze(text)
        pred = {f: s.polarity for f, s in d.factors.items()}
        tp += len(pred.keys() & gold.keys())
        fp += len(pred.keys() - gold.keys())
        fn += len(gold.keys() - pred.keys())
        for f in pred.keys() & gold.keys():
            if gold[f] and abs(pred[f]) > 0.05:
                both += 1
                agree += (pred[f] > 0) == (gold[f] > 0)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), agree / max(both, 1), both


def term_detection(an: Analyzer, rows: list[tuple[str, list[tuple[int, int, int]]]]) -> tuple[float, float, int]:
    """Share of gold aspect terms on which a factor is found; polarity agreement where found with one."""
    found = total = agree = both = 0
    for text, golds in rows:
        d = an.analyze(text)
        matches = [m for s in d.factors.values() for m in s.evidence]
        # evidence keeps at most 5 per factor; the clauses hold every match
        matches = [m for c in d.clauses for m in c.matches if m.kind == "factor"] or matches
        for s, e, pol in golds:
            total += 1
            hit = [m for m in matches if m.start < e and m.end > s]
            if hit:
                found += 1
                p = max(hit, key=lambda m: abs(m.polarity)).polarity
                if abs(p) > 0.05:
                    both += 1
                    agree += (p > 0) == (pol > 0)
    return found / max(total, 1), agree / max(both, 1), both


# ------------------------------------------------------------------------------------------------------


def build(**kw) -> Analyzer:  # noqa: ANN003
    return Analyzer(**kw).warm_up()


def part1(n: int) -> None:
    print("\n# Part 1: industry packs, the same rows with and without the pack")
    base_rules, base_model = build(sentiment="rules"), build()
    hotel = datasets.hotel()
    waimai = datasets.waimai()
    asap_rows = asap()
    if asap_rows is not None or waimai is not None:
        rules, model = build(sentiment="rules", industry="catering"), build(industry="catering")
        if asap_rows is not None:
            print(f"\n## catering: ASAP restaurant reviews ({len(asap_rows)}), factor detection")
            print(f"{'lexicons':22} {'precision':>9} {'recall':>7} {'polarity agrees':>16}")
            for name, an in (("shipped", base_rules), ("shipped + catering", rules)):
                p, r, a, k = asap_detection(an, asap_rows)
                print(f"{name:22} {p:9.3f} {r:7.3f} {a:9.3f} (n={k})")
        if waimai is not None:
            texts, labels = datasets.sample(waimai, n)
            print(f"\n## catering: waimai reviews (sample of {len(texts)}, seed 13)")
            _sentiment_table(texts, labels, [("shipped", base_rules, base_model), ("shipped + catering", rules, model)])
    if hotel is not None:
        texts, labels = datasets.sample(hotel, n)
        rules, model = build(sentiment="rules", industry="hotel"), build(industry="hotel")
        print(f"\n## hotel: ChnSentiCorp hotel reviews (sample of {len(texts)}, seed 13)")
        _sentiment_table(texts, labels, [("shipped", base_rules, base_model), ("shipped + hotel", rules, model)])
    for pack, domains in (("automotive", ("car",)), ("ecommerce", ("phone", "camera", "notebook")),
                          ("retail", ("phone", "camera", "notebook"))):
        rows = [r for d in domains for r in (absa_terms(d) or [])]
        if not rows:
            continue
        rules = build(sentiment="rules", industry=pack)
        print(f"\n## {pack}: aspect-term sentences ({'+'.join(domains)}, {len(rows)} sentences, "
              f"{sum(len(g) for _, g in rows)} aspect terms)")
        print(f"{'lexicons':26} {'terms found':>11} {'polarity agrees':>16}")
        for name, an in (("shipped", base_rules), (f"shipped + {pack}", rules)):
            f, a, k = term_detection(an, rows)
            print(f"{name:26} {f:11.3f} {a:9.3f} (n={k})")
        texts, labels = datasets.absa_sentences(domains[0]) if len(domains) == 1 else datasets.absa_sentences()
        if len(domains) > 1:
            keep = [i for i, t in enumerate(texts) if t in {r[0] for r in rows}]
            texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
        model = build(industry=pack)
        _sentiment_table(texts, labels, [("shipped", base_rules, base_model), (f"shipped + {pack}", rules, model)])


def _sentiment_table(texts: Sequence[str], labels: Sequence[int], rows: list[tuple[str, Analyzer, Analyzer]]) -> None:
    print(f"{'lexicons':26} {'rules acc':>9} {'model acc':>9} {'texts with a factor':>20}")
    for name, rules, model in rows:
        acc_r, cov = sentiment(rules, texts, labels)
        acc_m, _ = sentiment(model, texts, labels)
        print(f"{name:26} {acc_r:9.3f} {acc_m:9.3f} {cov:20.3f}")


def _mine_and_accept(train: list[str], top: int, folder: Path) -> tuple[int, int]:
    """Run suggest on ``train``; accept the top proposals that name a file (as proposed)."""
    from cxtext._discover import _suggest_texts, accept, write_candidates

    res = _suggest_texts(build(sentiment="rules"), train, top=top)
    cands = folder / "candidates.csv"
    write_candidates(res.candidates, cands)
    with open(cands, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["accept"] = "y" if r["file"] and (r["id"] or r["file"] == "sentiment.tsv") else ""
    with open(cands, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    added = accept(cands, folder / "lex")
    return len(rows), len(added.lines)


def part2(top: int) -> None:
    print(f"\n# Part 2: suggest/accept for a new industry (top {top} proposals accepted unedited), held-out text")
    base = build(sentiment="rules")
    waimai = datasets.waimai()
    asap_rows = asap()
    if waimai is not None and asap_rows is not None:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            n_c, n_a = _mine_and_accept(waimai[0], top, Path(tmp))
            after = build(sentiment="rules", lexicons=Path(tmp) / "lex")
            print(f"\n## mined on waimai ({len(waimai[0])} texts, {time.perf_counter() - t:.0f} s): {n_c} candidates, "
                  f"{n_a} lines accepted; tested on ASAP ({len(asap_rows)} reviews)")
            print(f"{'lexicons':30} {'precision':>9} {'recall':>7} {'polarity agrees':>16}")
            for name, an in (("shipped", base), ("shipped + accepted", after)):
                p, r, a, k = asap_detection(an, asap_rows)
                print(f"{name:30} {p:9.3f} {r:7.3f} {a:9.3f} (n={k})")
    for domain in ("car", "phone", "camera", "notebook"):
        rows = absa_terms(domain)
        if not rows:
            continue
        half = len(rows) // 2
        train, test = [r[0] for r in rows[:half]], rows[half:]
        with tempfile.TemporaryDirectory() as tmp:
            n_c, n_a = _mine_and_accept(train, top, Path(tmp))
            after = build(sentiment="rules", lexicons=Path(tmp) / "lex")
            f0, a0, k0 = term_detection(base, test)
            f1, a1, k1 = term_detection(after, test)
        print(f"\n## {domain}: mined on the first {half} sentences ({n_c} candidates, {n_a} lines accepted); "
              f"tested on the other {len(test)}")
        print(f"  aspect terms found: {f0:.3f} -> {f1:.3f}; polarity agrees {a0:.3f} (n={k0}) -> {a1:.3f} (n={k1})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="rows sampled from hotel and waimai (default 2000)")
    ap.add_argument("--top", type=int, default=150, help="suggested terms the simulated analyst accepts (default 150)")
    ap.add_argument("--part", type=int, choices=(1, 2), help="run only part 1 or part 2")
    args = ap.parse_args()
    print(f"command: python benchmarks/industry_packs.py --n {args.n} --top {args.top}"
          + (f" --part {args.part}" if args.part else ""))
    if not datasets.SHARED.is_dir():
        print(f"skipped: {datasets.SHARED} not present")
        return
    if args.part in (None, 1):
        part1(args.n)
    if args.part in (None, 2):
        part2(args.top)


if __name__ == "__main__":
    main()
