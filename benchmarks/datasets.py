"""Loaders for the labelled development data in ../shared/data (absent on users' machines).

Each loader returns ``(texts, labels)`` with labels 1 = positive, 0 = negative, or ``None`` when the
data is not there, so scripts can say what they skipped instead of failing.
"""

from __future__ import annotations

import csv
import json
import os
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CXTEXT_SHARED_DATA", ROOT.parent / "shared" / "data"))
OWN = ROOT / "benchmarks" / "data"

Dataset = tuple[list[str], list[int]]


def _csv_label_review(path: Path) -> Dataset | None:
    if not path.is_file():
        return None
    texts, labels = [], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("review") or "").strip()
            if not text:  # ChnSentiCorp has one labelled row without text
                continue
            texts.append(text)
            labels.append(int(row["label"]))
    return texts, labels


def hotel() -> Dataset | None:
    """ChnSentiCorp hotel reviews (7,765 with text)."""
    return _csv_label_review(SHARED / "ChnSentiCorp_htl_all" / "ChnSentiCorp_htl_all.csv")


def waimai() -> Dataset | None:
    """waimai_10k food-delivery reviews (11,987)."""
    return _csv_label_review(SHARED / "waimai_10k" / "waimai_10k.csv")


def absa_sentences(domain: str | None = None) -> Dataset | None:
    """Aspect-term sentences of phone, camera, car and notebook reviews, labelled by the aspect's polarity.

    A sentence that appears with aspects of both polarities is left out: it has no single label.
    """
    folder = SHARED / "chinese_absa"
    if not folder.is_dir():
        return None
    seen: dict[str, set[int]] = {}
    order: list[str] = []
    for path in sorted(folder.glob("*.train.txt")):
        if domain and not path.name.startswith(domain):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i in range(0, len(lines) - 2, 3):
            sent, term, pol = lines[i], lines[i + 1], lines[i + 2].strip()
            text = sent.replace("$T$", term).replace(" ", "")
            if pol not in ("Positive", "Negative"):
                continue
            if text not in seen:
                seen[text] = set()
                order.append(text)
            seen[text].add(1 if pol == "Positive" else 0)
    texts = [t for t in order if len(seen[t]) == 1]
    return texts, [next(iter(seen[t])) for t in texts]


def asap_stars() -> Dataset | None:
    """ASAP restaurant reviews with a star rating: 4–5 positive, 1–2 negative, 3 left out."""
    folder = SHARED / "asap"
    if not folder.is_dir():
        return None
    texts, labels = [], []
    for name in ("train_sample.csv", "dev_sample.csv"):
        with open(folder / name, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                star = float(row["star"])
                if star == 3:
                    continue
                texts.append(row["reviewbody"])
                labels.append(1 if star >= 4 else 0)
    return texts, labels


def own_unseen() -> tuple[list[str], list[str], list[str]] | None:
    """The project's own hand-labelled reviews from domains absent from ../shared: texts, labels, domains."""
    path = OWN / "unseen_domains.jsonl"
    if not path.is_file():
        return None
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in recs], [r["label"] for r in recs], [r["domain"] for r in recs]


def own_cx_sentences() -> tuple[list[str], list[str]] | None:
    """The project's own hand-labelled sentences across industries: texts and pos/neg/neu labels."""
    path = OWN / "cx_sentences.jsonl"
    if not path.is_file():
        return None
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in recs], [r["sentiment"] for r in recs]


def own_neutral() -> list[str] | None:
    path = OWN / "neutral.jsonl"
    if not path.is_file():
        return None
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


DOMAINS = {"hotel": hotel, "waimai": waimai, "absa": absa_sentences, "asap": asap_stars}


def sample(data: Dataset, n: int, seed: int = 13) -> Dataset:
    """A fixed random sample of ``n`` rows (all of them when there are fewer)."""
    idx = list(range(len(data[0])))
    random.Random(seed).shuffle(idx)
    idx = sorted(idx[:n])
    return [data[0][i] for i in idx], [data[1][i] for i in idx]
