"""Single-core speed of full analysis against bare jieba segmentation and the peers, in one run.

    python benchmarks/speed.py            # 2,000 real reviews (hotel + takeaway) when ../shared/data is there
    python benchmarks/speed.py --n 500    # fewer texts
    python benchmarks/speed.py --ref main # also time main's code, interleaved, in the same process

Without ../shared/data it uses the bundled example reviews. Every method sees the same texts in the
same process; the figure that matters is cxtext's documents/second as a share of bare
``jieba.Tokenizer().lcut`` (HMM on, jieba's default). The methods are timed in turn, round after
round, and each keeps its best round, so a burst of load on a shared machine hits them alike.

``--ref REV`` loads the analyser code of git revision ``REV`` as a second package (``cxtext_ref``)
into the same process and times it in the same rounds: code speed before and after a change, on the
same texts, lexicons and model (the reference reads the current package's data files).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
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


def best_rates(fns: list, texts: list[str], repeat: int) -> list[float]:  # noqa: ANN001
    """Docs/s of each function, best of ``repeat`` rounds; one round times every function once, in turn."""
    best = [0.0] * len(fns)
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            best[k] = max(best[k], rate(fn, texts))
    return best


def load_ref(rev: str, dest: str):  # noqa: ANN201
    """The ``cxtext`` package of git revision ``rev``, imported as ``cxtext_ref``."""
    tar = Path(dest) / "ref.tar"
    with open(tar, "wb") as fh:
        subprocess.run(["git", "-C", str(datasets.ROOT), "archive", rev, "src", "lexicons", "templates"],
                       stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(dest, filter="data")
    (Path(dest) / "src" / "cxtext").rename(Path(dest) / "src" / "cxtext_ref")
    sys.path.insert(0, str(Path(dest) / "src"))
    import cxtext_ref

    return cxtext_ref


def interleaved_rates(fns: list, texts: list[str], repeat: int) -> list[float]:  # noqa: ANN001
    """Docs/s of each function, every function timed on the same text one after the other.

    A shared machine's load drifts over the seconds a whole pass takes, and whole passes then
    compare unlike conditions; timing each text with every function in turn puts them all under
    the same load, so the ratios are steadier (the absolute rates are not).
    """
    spent = [0] * len(fns)
    clock = time.perf_counter_ns
    for _ in range(repeat):
        for x in texts:
            for k, fn in enumerate(fns):
                t = clock()
                fn(x)
                spent[k] += clock() - t
    return [repeat * len(texts) / (ns / 1e9) for ns in spent]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--peers", action="store_true", help="also time snownlp and cnsenti (slow)")
    ap.add_argument("--ref", metavar="REV", help="also time the analyser code of this git revision")
    ap.add_argument("--repeat", type=int, default=3, help="rounds; each method keeps its best (default 3)")
    ap.add_argument("--interleave", action="store_true",
                    help="time every method on each text in turn (steadier ratios on a loaded machine)")
    args = ap.parse_args()
    texts, what = corpus(args.n)
    chars = sum(map(len, texts))
    extra = (" --peers" if args.peers else "") + (f" --ref {args.ref}" if args.ref else "") + (" --interleave" if args.interleave else "")
    print(f"command: python benchmarks/speed.py --n {args.n}{extra}")
    load = "load average {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, one process; {load}")
    print(f"corpus: {what}, {chars / len(texts):.0f} characters on average")

    import jieba

    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.lcut(texts[0])
    from cxtext import Analyzer

    names = ["bare jieba.Tokenizer().lcut"]
    fns = [tk.lcut]
    analyzers = [("cxtext", Analyzer)]
    tmp = None
    if args.ref:
        tmp = tempfile.TemporaryDirectory()
        analyzers.append((f"cxtext {args.ref}", load_ref(args.ref, tmp.name).Analyzer))
    for method in ("auto", "rules"):
        for label, cls in analyzers:
            an = cls(sentiment=method).warm_up()
            names.append(f"{label} Analyzer().analyze ({an.method_})")
            fns.append(an.analyze)
    # the default without the learned aspect detector (the reference revision may predate it)
    names.append("cxtext Analyzer(aspects='lexicon').analyze")
    fns.append(Analyzer(aspects="lexicon").warm_up().analyze)
    rates = (interleaved_rates if args.interleave else best_rates)(fns, texts, args.repeat)
    jieba_rate = rates[0]
    rows = list(zip(names, rates, strict=True))
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
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
