"""Which rule-engine opinion words fire on the opinion-free training texts (benchmarks/data/neutral_train.jsonl).

    python benchmarks/neutral_train_check.py          # summary: texts flagged, labels, words that fired
    python benchmarks/neutral_train_check.py --list   # and every flagged text with what fired in it

Every text in the file holds no opinion, so each opinion word the lexicon rules find there is a false
fire of a lexicon entry (麻烦 in a polite request, 好 in 好的 or 装好, sb inside ISBN), and so is every
emotion or churn/escalation/staff-attitude trigger. The figures show where the lexicons mistake
opinion-free text for opinion; they are not an accuracy figure for the shipped model.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from cxtext import Analyzer

DATA = Path(__file__).resolve().parent / "data" / "neutral_train.jsonl"
_SIGNALS = ("churn", "escalation", "staff_attitude")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", action="store_true", help="print every flagged text")
    ap.add_argument("--data", default=str(DATA), help="JSON Lines file with a 'text' field (default: %(default)s)")
    args = ap.parse_args()
    rows = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    an = Analyzer(sentiment="rules")
    labels: Counter[str] = Counter()
    words: Counter[str] = Counter()
    flagged_by_kind: Counter[str] = Counter()
    kinds: Counter[str] = Counter(r.get("kind", "") for r in rows)
    flagged = []
    for r in rows:
        text = r["text"]
        doc = an.analyze(text)
        labels[doc.label] += 1
        _, _, clauses, _, _ = an.prepare(text)
        fired = [h.term for c in clauses for h in c.hits if h.info.weight is not None]
        fired += [f"<{e}>" for c in doc.clauses for e, _ in c.emotions]
        sig = doc.signals_
        fired += [f"<{k}:{t.term}>" for k in _SIGNALS for t in getattr(sig, k)]
        if fired or doc.label != "neu":
            flagged.append((r, doc, fired))
            flagged_by_kind[r.get("kind", "")] += 1
            words.update(set(fired))
    print(f"command: python benchmarks/neutral_train_check.py   ({len(rows)} texts, sentiment='rules')")
    print(f"texts with an opinion word, emotion or trigger: {len(flagged)}")
    print("document labels: " + ", ".join(f"{k} {labels[k]}" for k in ("neu", "pos", "neg")))
    print("flagged per kind: " + ", ".join(f"{k} {flagged_by_kind[k]}/{n}" for k, n in sorted(kinds.items())))
    print("\nwhat fired (texts):")
    for w, n in words.most_common():
        print(f"  {n:4d}  {w}")
    if args.list:
        print("\nflagged texts:")
        for r, doc, fired in flagged:
            print(f"  {doc.label} {doc.score:+.2f}  {' '.join(fired) or '-'}  | {r['text']}")


if __name__ == "__main__":
    main()
