"""Start-up: ``import cxtext``, and the first analysed document measured from process start.

    python benchmarks/startup.py

Each figure is the median of ``--repeat`` fresh processes. "cold" runs with an empty cache folder
(the tokenizer is built from jieba's dictionary and the lexicons), "warm" with the cache the cold run
left (the tokenizer is loaded). Targets: import under 0.3 s; first document within 2 s (warm).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _runs

IMPORT = "import time; t = time.perf_counter(); import cxtext; print(time.perf_counter() - t)"
FIRST = ("from cxtext import Analyzer; "
         "print(Analyzer().analyze('价格不贵，服务员很热情，就是排队太久了').label)")


def wall(cmd: list[str], environ: dict[str, str]) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run(cmd, env=environ, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, out.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"command: python benchmarks/startup.py --repeat {args.repeat}")
    print(f"machine: {_runs.machine()}; before: {_runs.load()}")
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="cxtext-start-") as tmp:
        env = _runs.env(CXTEXT_CACHE_DIR=str(Path(tmp) / "cache"))
        inside = statistics.median(float(wall([py, "-c", IMPORT], env)[1]) for _ in range(args.repeat))
        bare = statistics.median(wall([py, "-c", "pass"], env)[0] for _ in range(args.repeat))
        whole = statistics.median(wall([py, "-c", "import cxtext"], env)[0] for _ in range(args.repeat))
        cold = []
        warm = []
        for i in range(args.repeat):
            env_i = _runs.env(CXTEXT_CACHE_DIR=str(Path(tmp) / f"cache{i}"))
            cold.append(wall([py, "-c", FIRST], env_i)[0])
            warm.append(wall([py, "-c", FIRST], env_i)[0])
        src = Path(tmp) / "one.csv"
        src.write_text("评论\n价格不贵，服务员很热情，就是排队太久了\n", encoding="utf-8")
        cli = statistics.median(
            wall(_runs.cli("analyze", str(src), "-o", str(Path(tmp) / "one.jsonl"), "-q"),
                 _runs.env(CXTEXT_CACHE_DIR=str(Path(tmp) / "cache0")))[0]
            for _ in range(args.repeat)
        )
    print(f"\n{'what':60} {'seconds':>8}")
    print(f"{'import cxtext (inside the process)':60} {inside:8.3f}")
    print(f"{'python -c pass (interpreter alone)':60} {bare:8.3f}")
    print(f"{'python -c import-cxtext (whole process)':60} {whole:8.3f}")
    print(f"{'first document, cold cache (process start to exit)':60} {statistics.median(cold):8.3f}")
    print(f"{'first document, warm cache (process start to exit)':60} {statistics.median(warm):8.3f}")
    print(f"{'cxtext analyze of a one-row CSV, warm cache (start to exit)':60} {cli:8.3f}")
    print(f"\nafter: {_runs.load()}")


if __name__ == "__main__":
    main()
