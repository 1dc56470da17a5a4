"""Single-core speed of full analysis against bare jieba segmentation and the peers, in one run.

    python benchmarks/speed.py            # 2,000 real reviews (hotel + takeaway) when ../shared/data is there
    python benchmarks/speed.py --n 500    # fewer texts

Without ../shared/data it uses the bundled example reviews. Every method sees the same texts in the
same process; the figure that matters is cxtext's documents/second as a share of bare
``jieba.Tokenizer().lcut`` (HMM on, jieba's default).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets  # noqa: E402


def corpus(n: int) -> tuple[list[str], str]:
    hotel, waimai = datasets.hotel(), datasets.waimai()
    if hotel and waimai:
        texts = datasets.sample(hotel, n // 2)[0] + datasets.sample(waimai, n - n // 2)[0]
        return texts, f"{n} reviews: {n // 2} ChnSentiCorp hotel + {n - n // 2} waimai_10k (seed 13)"
    path = datasets.ROOT / "examples" / "reviews.csv"
    with open(path, encoding="utf-8") as fh:
        texts = [r["评论"] for r in csv.DictReader(fh) if r["评论"].strip()]
    return (texts * (n // len(texts) + 1))[:n], f"{n} texts from examples/reviews.csv (repeated)"


def rate(fn, texts: list[str], repeat: int = 1) -> float:  # noqa: ANN001
    best = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        for x in texts:
            fn(x)
        best = max(best, len(texts) / (time.perf_counter() - t))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--peers", action="store_true", help="also time snownlp and cnsenti (slow)")
    args = ap.parse_args()
    texts, what = corpus(args.n)
    chars = sum(map(len, texts))
    print(f"command: python benchmarks/speed.py --n {args.n}{' --peers' if args.peers else ''}")
    load = "load average {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, one process; {load}")
    print(f"corpus: {what}, {chars / len(texts):.0f} characters on average")

    import jieba

    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.lcut(texts[0])
    from cxtext import Analyzer

    rows = []
    jieba_rate = rate(tk.lcut, texts, 3)
    rows.append(("bare jieba.Tokenizer().lcut", jieba_rate))
    for method in ("auto", "rules"):
        an = Analyzer(sentiment=method).warm_up()
        name = f"cxtext Analyzer().analyze ({an.method_})"
        rows.append((name, rate(an.analyze, texts, 3)))
    if args.peers:
        try:
            from snownlp import SnowNLP

            rows.append(("snownlp SnowNLP(t).sentiments", rate(lambda t: SnowNLP(t).sentiments, texts[:300])))
        except ImportError:
            print("snownlp not installed: skipped")
        try:
            import cnsenti

            s = cnsenti.Sentiment()
            rows.append(("cnsenti sentiment_count", rate(s.sentiment_count, texts[:300])))
        except ImportError:
            print("cnsenti not installed: skipped")
    print(f"\n{'method':45} {'docs/s':>9} {'vs jieba':>9}")
    for name, r in rows:
        print(f"{name:45} {r:9.0f} {r / jieba_rate:9.2f}")


if __name__ == "__main__":
    main()
