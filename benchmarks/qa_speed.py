"""How fast `cxtext qa` scores calls: the shipped example calls, repeated, through QAAnalyzer.score.

    python benchmarks/qa_speed.py [--repeat 20]

Prints calls/s and turns/s after a warm-up (jieba and the sentiment model are loaded first, as a
long run would amortise them). Run on demand; not part of the test suite.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cxtext import QAAnalyzer
from cxtext._transcript_io import read_transcripts

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "calls"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="how many times to score the example calls")
    args = ap.parse_args()
    calls = list(read_transcripts(EXAMPLES))
    qa = QAAnalyzer()
    qa.analyzer_.warm_up()
    for c in calls:  # warm-up pass
        qa.score(c)
    turns = sum(len(c.turns) for c in calls) * args.repeat
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for c in calls:
            qa.score(c)
    dt = time.perf_counter() - t0
    n = len(calls) * args.repeat
    print(f"{n} calls, {turns} turns in {dt:.2f} s: {n / dt:.1f} calls/s, {turns / dt:.0f} turns/s")


if __name__ == "__main__":
    main()
