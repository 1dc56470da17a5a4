"""Train the shipped aspect detector on the project's hand-labelled training texts.

    python benchmarks/train_aspects.py -o src/cxtext/models/aspects.json.gz

Trains on every file of benchmarks/data named in TRAINING that is present: texts written for the
project and labelled by hand with factors and/or themes (see benchmarks/data/README.md). The
evaluation sets (cx_sentences.jsonl and the others) are never read here. Prints what it used and
the cross-validated micro-F1 of the lexicons alone and of lexicons plus detector.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets  # noqa: E402

from cxtext import Analyzer  # noqa: E402
from cxtext._train import save_model  # noqa: E402
from cxtext._train_aspects import fit_aspects  # noqa: E402

TRAINING = ("factors_dev.jsonl", "themes_dev.jsonl", "aspects_train_1.jsonl", "aspects_train_2.jsonl")
EVALUATION = ("cx_sentences.jsonl", "unseen_domains.jsonl", "neutral.jsonl")


def training_records() -> tuple[list[dict], list[str]]:
    records: list[dict] = []
    used = []
    for name in TRAINING:
        assert name not in EVALUATION
        path = datasets.OWN / name
        if not path.is_file():
            continue
        recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        records += recs
        used.append(f"benchmarks/data/{name} ({len(recs)}, project-written)")
    return records, used


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("-C", type=float, default=3.0, help="inverse regularisation strength")
    args = ap.parse_args()
    t = time.perf_counter()
    records, used = training_records()
    if not records:
        raise SystemExit("no training texts found in benchmarks/data")
    model = fit_aspects(Analyzer(aspects="lexicon"), records, C=args.C, trained_on=used)
    save_model(model, args.output)
    print(f"trained on {', '.join(used)}")
    for kind, cv in model["cross_validated"].items():
        print(f"{kind}: {model['n_train'][kind]} texts; 5-fold micro-F1 lexicon {cv['lexicon_f1']:.3f} -> "
              f"lexicon + detector {cv['combined_f1']:.3f} at threshold {model['thresholds'][kind]}")
    print(f"{len(model['tokens'])} tokens, {time.perf_counter() - t:.1f} s -> {args.output}")


if __name__ == "__main__":
    main()
