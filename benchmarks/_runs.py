"""Shared helpers of the scale benchmarks: a corpus of real reviews, CSV files of any size, timed CLI runs.

Each CLI run is a separate process tree started with this checkout's ``src`` on ``PYTHONPATH``; its
wall time is measured from start to exit and its peak memory as the largest sum of the resident set
sizes of the process and all its children, sampled every 0.1 s.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets  # noqa: E402

ROOT = datasets.ROOT


def corpus() -> tuple[list[str], str]:
    """Every real review of the development data (hotel + waimai), shuffled; else the bundled examples."""
    hotel, waimai = datasets.hotel(), datasets.waimai()
    if hotel and waimai:
        texts = hotel[0] + waimai[0]
        random.Random(13).shuffle(texts)
        return texts, f"{len(texts):,} real reviews (ChnSentiCorp hotel + waimai_10k), shuffled, cycled"
    with open(ROOT / "examples" / "reviews.csv", encoding="utf-8") as fh:
        texts = [r["评论"] for r in csv.DictReader(fh) if r["评论"].strip()]
    return texts, f"{len(texts)} bundled example reviews, cycled (../shared/data not found)"


def write_csv(path: Path, rows: int, texts: list[str]) -> Path:
    """A CSV of ``rows`` reviews with an id, a rating and a date column, as a review dump has."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["评论编号", "评分", "日期", "评论"])
        for i in range(rows):
            w.writerow([f"R{i:07d}", i % 5 + 1, f"2026-01-{i % 28 + 1:02d}", texts[i % len(texts)]])
    return path


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT / "src") + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.update(extra)
    return e


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cxtext", *args]


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover - Windows
        return "load average: unknown"
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def cpu_seconds() -> float:
    """User + system CPU time of every finished child process tree so far (POSIX)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return float("nan")
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed(cmd: list[str], *, environ: dict[str, str] | None = None, sample: bool = False) -> tuple[float, float, int]:
    """Run ``cmd``; return (wall seconds, peak RSS of the process tree in MB, exit code)."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=environ or env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if sample:
        import psutil  # installed with cxtext[dask] and cxtext[test]

        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, total)
            except psutil.Error:
                pass
            time.sleep(0.1)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode("utf-8", "replace"))
    return wall, peak / 1e6, proc.returncode
