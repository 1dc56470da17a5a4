"""Factor detection on the factor development set (``benchmarks/data/factors_dev.jsonl``).

    python benchmarks/factors_dev.py [--misses]

The set holds customer texts from many industries labelled with the six experience factors. It is a
development set: it was written to find the words the factor lexicon lacks, so its figures show progress
on that work and are not a blind test (``benchmarks/aspects.py`` measures on the evaluation sets).
Printed in the format of ``aspects.py``: precision, recall and F1 of detection per factor, and the
polarity accuracy on the mentions that were both labelled and detected. ``--misses`` also lists every
text with a missed or a wrongly found factor.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aspects  # noqa: E402

from cxtext import Analyzer  # noqa: E402

PATH = Path(__file__).resolve().parent / "data" / "factors_dev.jsonl"
FACTORS = ["product", "service", "relationship", "convenience", "brand", "price"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--misses", action="store_true", help="list texts with a missed or a wrongly found factor")
    args = ap.parse_args()
    print("command: python benchmarks/factors_dev.py" + (" --misses" if args.misses else ""))
    recs = [json.loads(line) for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    an = Analyzer().warm_up()
    scores = aspects.Scores()
    for r in recs:
        gold = {k: int(v) for k, v in r["factors"].items()}
        found = {k: v.polarity for k, v in an.analyze(r["text"]).factors.items()}
        scores.add(gold, found)
        if args.misses:
            missed = sorted(gold.keys() - found.keys())
            extra = sorted(found.keys() - gold.keys())
            if missed or extra:
                print(f"{r['id']} [{r['industry']}] missed={','.join(missed) or '-'} extra={','.join(extra) or '-'}  {r['text']}")
    industries = len({r["industry"] for r in recs})
    scores.print(f"Factor development set ({len(recs)} texts, {industries} industries): factors", FACTORS)


if __name__ == "__main__":
    main()
