"""Theme detection on the theme development set.

    python benchmarks/themes_dev.py [--misses]

``benchmarks/data/themes_dev.jsonl`` holds customer texts from 20+ industries labelled with the ten
experience themes of ``shared/DOMAIN.md`` (1 / −1 / 0). It is a development set: it was written to find
missing and wrong entries in ``lexicons/themes.tsv``, so its figures are not a blind test (use
``benchmarks/aspects.py`` for that). Printed in the same table as the own-set section of ``aspects.py``:
precision, recall and F1 of detection per theme, and the polarity agreement on labelled and detected
themes. ``--misses`` also lists each text with a missed or wrongly found theme.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import aspects  # noqa: E402

from cxtext import Analyzer  # noqa: E402

THEMES = ["trust", "convenience", "commitment", "respect", "autonomy", "choice", "knowledge", "recognition", "benefit", "identity"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--misses", action="store_true", help="list texts with a missed or wrongly found theme")
    args = ap.parse_args()
    print("command: python benchmarks/themes_dev.py" + (" --misses" if args.misses else ""))
    path = HERE / "data" / "themes_dev.jsonl"
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    an = Analyzer().warm_up()
    scores = aspects.Scores()
    industries = set()
    for r in recs:
        industries.add(r["industry"])
        doc = an.analyze(r["text"])
        gold = {k: int(v) for k, v in r["themes"].items()}
        found = {k: v.polarity for k, v in doc.themes.items()}
        scores.add(gold, found)
        if args.misses:
            missed = sorted(gold.keys() - found.keys())
            extra = sorted(found.keys() - gold.keys())
            if missed or extra:
                terms = {k: sorted({m.term for m in v.evidence}) for k, v in doc.themes.items()}
                print(f"{r['id']} {r['text']}\n    missed {missed} extra {extra} found {terms}")
    scores.print(f"Theme development set ({len(recs)} texts, {len(industries)} industries): themes", THEMES)


if __name__ == "__main__":
    main()
