"""Check that the working tree's analysis gives exactly the results of a reference revision.

    python benchmarks/identical.py                 # against main, 4,000 real reviews + benchmarks/data
    python benchmarks/identical.py --ref HEAD~3 --n 1000

The reference revision's ``src/`` is exported with ``git archive`` into a temporary directory and run
in a child process; both sides analyse the same texts with the default ``Analyzer()`` and write
``Document.to_dict()`` as JSON lines, which are compared exactly (floats included). Speed work must
leave this at "identical"; it prints the first differences otherwise and exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets  # noqa: E402

ROOT = datasets.ROOT


def texts(n: int) -> list[str]:
    """Real reviews (when ../shared/data is there) plus every text of the project's own sets."""
    out: list[str] = []
    hotel, waimai = datasets.hotel(), datasets.waimai()
    if hotel and waimai:
        out += datasets.sample(hotel, n // 2)[0] + datasets.sample(waimai, n - n // 2)[0]
    for path in sorted(datasets.OWN.glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            out += [json.loads(line)["text"] for line in fh if line.strip()]
    # odd inputs: empty, punctuation only, very long, mixed scripts
    out += ["", "   ", "。。。", "？", "a", "好" * 500, "服务很好，但是价格太贵了！" * 40, "Wi-Fi 3.5 元/小时，不贵"]
    return out


def dump(items: list[str], out: str) -> None:
    """Analyse ``items`` with whichever cxtext is importable and write one JSON line per document."""
    from cxtext import Analyzer

    an = Analyzer()
    with open(out, "w", encoding="utf-8") as fh:
        for i, t in enumerate(items):
            d = an.analyze(t, id=str(i))
            fh.write(json.dumps(d.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")


def export(ref: str, dest: Path) -> Path:
    """``src/`` of ``ref`` (with the lexicons and templates its package links to) unpacked under ``dest``."""
    dest.mkdir(parents=True)
    tar = dest / "src.tar"
    with open(tar, "wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src", "lexicons", "templates"], stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(dest, filter="data")
    return dest / "src"


def run(src: Path, items: Path, out: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(src))
    subprocess.run([sys.executable, __file__, "--dump", str(items), str(out)], env=env, check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default="main", help="git revision to compare against (default: main)")
    ap.add_argument("--n", type=int, default=4000, help="real reviews to include (default: 4000)")
    ap.add_argument("--dump", nargs=2, metavar=("TEXTS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dump:
        with open(args.dump[0], encoding="utf-8") as fh:
            dump(json.load(fh), args.dump[1])
        return 0
    items = texts(args.n)
    print(f"command: python benchmarks/identical.py --ref {args.ref} --n {args.n}")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "texts.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        run(export(args.ref, d / "ref"), d / "texts.json", d / "old.jsonl")
        run(ROOT / "src", d / "texts.json", d / "new.jsonl")
        old = (d / "old.jsonl").read_text(encoding="utf-8").splitlines()
        new = (d / "new.jsonl").read_text(encoding="utf-8").splitlines()
    diff = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    print(f"{len(items)} texts; {len(diff)} differ from {args.ref}")
    for i in diff[:5]:
        print(f"--- {i}: {items[i][:60]!r}\n  old: {old[i][:400]}\n  new: {new[i][:400]}")
    if not diff:
        print("identical")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
