"""Document sentiment on the complaint development set (benchmarks/data/complaints_dev.jsonl).

    python benchmarks/complaints_dev.py             # accuracy, macro-F1, confusion matrix, per industry
    python benchmarks/complaints_dev.py --errors    # also list the texts each analyser gets wrong

The set is a development set: it was written to find complaint and praise-for-resolution phrases for
``lexicons/sentiment.tsv``, so figures on it are not a blind test. It holds complaint tickets, hotline
notes, app feedback and follow-ups from 25 industries (about 60% neg, 20% pos, 20% neu).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import LABELS, metrics  # noqa: E402

from cxtext import Analyzer  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "complaints_dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(DATA), help="JSON Lines with text, label (and industry)")
    ap.add_argument("--errors", action="store_true", help="list the misclassified texts")
    args = ap.parse_args()
    rows = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    gold = [r["label"] for r in rows]
    industries = [r.get("industry", "-") for r in rows]
    analysers = {"default": Analyzer().warm_up(), "rules": Analyzer(sentiment="rules").warm_up()}
    print(f"{args.data}: {len(rows)} texts, gold {dict(Counter(gold))}, "
          f"{len(set(industries))} industries; default method {analysers['default'].method_}")
    preds = {name: [an.analyze(t).label for t in texts] for name, an in analysers.items()}
    print(f"\n{'analyser':10} {'accuracy':>8} {'macro-F1':>8}")
    for name, pred in preds.items():
        acc, f1, _ = metrics(gold, pred)
        print(f"{name:10} {acc:8.3f} {f1:8.3f}")
    for name, pred in preds.items():
        _, _, cm = metrics(gold, pred)
        print(f"\nconfusion {name} (rows gold, columns predicted)")
        print("      " + "".join(f"{p:>6}" for p in LABELS))
        for g in LABELS:
            print(f"{g:6}" + "".join(f"{cm[(g, p)]:6d}" for p in LABELS))
    print(f"\n{'industry':20} {'n':>3} " + " ".join(f"{n:>8}" for n in preds))
    for ind in sorted(set(industries)):
        idx = [i for i, d in enumerate(industries) if d == ind]
        accs = [sum(gold[i] == pred[i] for i in idx) / len(idx) for pred in preds.values()]
        print(f"{ind:20} {len(idx):3} " + " ".join(f"{a:8.2f}" for a in accs))
    if args.errors:
        for name, pred in preds.items():
            wrong = [i for i in range(len(rows)) if gold[i] != pred[i]]
            print(f"\n## {name}: {len(wrong)} wrong")
            for i in wrong:
                print(f"{rows[i].get('id', i)}\t{gold[i]}->{pred[i]}\t{texts[i]}")


if __name__ == "__main__":
    main()
