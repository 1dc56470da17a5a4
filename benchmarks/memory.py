"""Peak memory of ``cxtext analyze`` on generated CSVs of 100,000 and 1,000,000 real reviews.

    python benchmarks/memory.py                         # 100k and 1M rows, every core, CSV output
    python benchmarks/memory.py --rows 100000 300000 --format jsonl

Peak RSS is the largest sum, sampled every 0.1 s, of the resident memory of the CLI process and all
its worker processes. Targets: under 1 GB at 1M rows, and less than 20% growth from 100k to 1M rows
(the CLI streams input and output in chunks, so memory should not depend on the file's length).
The generated files and outputs live in a temporary folder and are removed afterwards.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import _runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--format", choices=["csv", "jsonl", "parquet"], default="csv")
    ap.add_argument("--workers", type=int, default=None, help="default: every core")
    ap.add_argument("--tmp", default=None, help="folder for the generated files (default: the system's temp folder)")
    args = ap.parse_args()
    texts, what = _runs.corpus()
    w = [] if args.workers is None else ["--workers", str(args.workers)]
    print(f"command: python benchmarks/memory.py --rows {' '.join(map(str, args.rows))} --format {args.format}"
          + (f" --workers {args.workers}" if args.workers else ""))
    print(f"machine: {_runs.machine()}")
    print(f"input: rows of {what}; output .{args.format}")
    results = []
    with tempfile.TemporaryDirectory(prefix="cxtext-mem-", dir=args.tmp) as tmp:
        for rows in args.rows:
            src = _runs.write_csv(Path(tmp) / f"reviews{rows}.csv", rows, texts)
            out = Path(tmp) / f"out{rows}.{args.format}"
            before = _runs.load()
            wall, peak, code = _runs.timed(
                _runs.cli("analyze", str(src), "-o", str(out), "-q", "--text", "评论", "--id", "评论编号",
                          "--rating", "评分", "--time", "日期", *w),
                sample=True,
            )
            if code not in (0, 1):
                raise SystemExit(f"cxtext analyze failed with exit code {code}")
            size = src.stat().st_size / 1e6
            results.append((rows, peak, wall))
            print(f"{rows:>10,} rows ({size:,.0f} MB CSV): peak RSS {peak:,.0f} MB, {wall:,.0f} s, "
                  f"{rows / wall:,.0f} rows/s; before: {before}; after: {_runs.load()}", flush=True)
            src.unlink()
            out.unlink()
    if len(results) > 1:
        (r0, p0, _), (r1, p1, _) = results[0], results[-1]
        print(f"\npeak RSS growth from {r0:,} to {r1:,} rows: {100 * (p1 - p0) / p0:+.1f}%")


if __name__ == "__main__":
    main()
