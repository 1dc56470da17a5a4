"""Throughput of ``cxtext analyze`` with 1 and with 2 worker processes, through the CLI, in one run.

    python benchmarks/workers.py                # 20,000 rows
    python benchmarks/workers.py --rows 50000 --workers 1 2 4

Each setting runs ``--repeat`` times (alternating) and the best wall time counts; the outputs of all
settings must be byte-identical. Rows/second include start-up (spawning workers, loading the cached
tokenizer), reading the CSV and writing JSONL: what a user waits for.
"""

from __future__ import annotations

import argparse
import filecmp
import tempfile
from pathlib import Path

import _runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    texts, what = _runs.corpus()
    print(f"command: python benchmarks/workers.py --rows {args.rows} --workers {' '.join(map(str, args.workers))} --repeat {args.repeat}")
    print(f"machine: {_runs.machine()}; before: {_runs.load()}")
    print(f"input: {args.rows:,} rows of {what}")
    with tempfile.TemporaryDirectory(prefix="cxtext-bench-") as tmp:
        src = _runs.write_csv(Path(tmp) / "reviews.csv", args.rows, texts)
        _runs.timed(_runs.cli("analyze", str(src), "-o", str(Path(tmp) / "warm.jsonl"), "--workers", "1", "-q",
                              "--chunk-size", "50", "--text", "评论"))  # fills the tokenizer cache
        best: dict[int, float] = {}
        cpu: dict[int, float] = {}
        for _ in range(args.repeat):
            for w in args.workers:
                out = Path(tmp) / f"out{w}.jsonl"
                cpu0 = _runs.cpu_seconds()
                wall, _, code = _runs.timed(_runs.cli("analyze", str(src), "-o", str(out), "--workers", str(w), "-q",
                                                      "--text", "评论", "--id", "评论编号", "--rating", "评分"))
                if code not in (0, 1):
                    raise SystemExit(f"cxtext analyze failed with exit code {code}")
                best[w] = min(best.get(w, wall), wall)
                cpu[w] = min(cpu.get(w, float("inf")), _runs.cpu_seconds() - cpu0)
        same = all(filecmp.cmp(Path(tmp) / f"out{args.workers[0]}.jsonl", Path(tmp) / f"out{w}.jsonl", shallow=False)
                   for w in args.workers)
    base = args.rows / best[args.workers[0]]
    print(f"\n{'workers':>8} {'seconds':>9} {'rows/s':>9} {'speed-up':>9} {'CPU s':>9}")
    for w in args.workers:
        r = args.rows / best[w]
        print(f"{w:>8} {best[w]:9.1f} {r:9.0f} {r / base:9.2f} {cpu[w]:9.1f}")
    print("(CPU s: user + system time of the whole process tree, the least of the repeats; on a busy machine"
          " the wall-clock speed-up shows the cores left free by other work, CPU s the work itself)")
    print(f"\noutputs identical: {same}; after: {_runs.load()}")


if __name__ == "__main__":
    main()
