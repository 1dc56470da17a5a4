"""List every churn, escalation and staff-attitude trigger found in real reviews, for checking by hand.

    python benchmarks/signals_triggers.py            # 600 hotel + 600 takeaway reviews (seed 7) from ../shared/data
    python benchmarks/signals_triggers.py --n 300    # 300 of each

The development data has no labels for these signals, so precision is judged by reading each line (the
trigger and the words around it); recall cannot be measured this way. Without ../shared/data it says so
and exits.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets  # noqa: E402

from cxtext import Analyzer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=600, help="reviews from each of the two sets (default: 600)")
    args = ap.parse_args()
    hotel, waimai = datasets.hotel(), datasets.waimai()
    if not hotel or not waimai:
        print("development data (../shared/data) not present: nothing to check")
        return
    rnd = random.Random(7)
    texts = rnd.sample(hotel[0], args.n) + rnd.sample(waimai[0], args.n)
    an = Analyzer()
    found: dict[str, list[str]] = {"churn": [], "escalation": [], "staff_attitude": []}
    for t in texts:
        s = an.analyze(t).signals_
        for kind, lines in found.items():
            for trig in getattr(s, kind)[:1]:
                lines.append(f"{trig.term}\t{t[max(0, trig.start - 25) : trig.end + 15]}".replace("\n", " "))
    print(f"command: python benchmarks/signals_triggers.py --n {args.n}   ({len(texts)} reviews)")
    for kind, lines in found.items():
        print(f"\n== {kind}: {len(lines)} documents")
        for line in lines:
            print("  " + line)


if __name__ == "__main__":
    main()
