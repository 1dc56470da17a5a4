"""Worker processes, chunked reading and ordered output: the same bytes however many workers run."""

from __future__ import annotations

import csv
import io
import json
from collections import deque

import pytest

from cxtext._batch import BatchOptions, analyze_file
from cxtext._cli import _Progress
from cxtext._io import read_chunks
from cxtext._run import run_file
from cxtext._workers import Chunk, ChunkResult, InProcess, analyze_chunk, ordered

TEXTS = [
    "菜很好吃，价格也不贵",
    "服务员态度太差了，再也不来了",
    "",
    "排队排了一个小时，不过味道还行",
    "請問週末營業嗎？",
    "=HYPERLINK(\"x\") 客服爱答不理",
    "12345",
    "送货很快，安装师傅很专业，就是预约等了五天。",
]


def make_csv(path, n, *, dup_ids=True):
    """``n`` rows cycling through TEXTS, with repeated ids (made unique by the run) and a rating."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["编号", "评论", "评分"])
        for i in range(n):
            id_ = f"R{i % 37}" if dup_ids else f"R{i}"
            w.writerow([id_, TEXTS[i % len(TEXTS)] + ("" if i % 5 else f" 第{i}条"), str(i % 5 + 1)])
    return path


OPTS = BatchOptions(text="评论", id="编号", rating="评分", chunksize=40)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet", ".xlsx"])
def test_one_worker_writes_what_analyze_file_writes(tmp_path, rules_analyzer, suffix):
    src = make_csv(tmp_path / "in.csv", 130)
    analyze_file(rules_analyzer, src, tmp_path / f"a{suffix}", OPTS)
    summary = run_file(rules_analyzer, src, tmp_path / f"b{suffix}", OPTS, workers=1)
    if suffix == ".xlsx":  # zip timestamps differ between two saves; compare the cells
        import pandas as pd

        pd.testing.assert_frame_equal(pd.read_excel(tmp_path / "a.xlsx"), pd.read_excel(tmp_path / "b.xlsx"))
    else:
        assert (tmp_path / f"a{suffix}").read_bytes() == (tmp_path / f"b{suffix}").read_bytes()
    assert summary.rows == 130 and summary.workers == 1
    assert summary.statuses["empty"] == sum(1 for i in range(130) if i % 8 == 2 and i % 5)
    assert not list(tmp_path.glob(".*"))  # no part file or checkpoint left behind


def test_spawned_workers_give_identical_output(tmp_path, rules_analyzer):
    src = make_csv(tmp_path / "in.csv", 400)
    one = run_file(rules_analyzer, src, tmp_path / "one.jsonl", OPTS, workers=1)
    two = run_file(rules_analyzer, src, tmp_path / "two.jsonl", OPTS, workers=2, start_method="spawn")
    assert two.workers == 2
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert one.statuses == two.statuses and one.labels == two.labels
    ids = [json.loads(line)["id"] for line in (tmp_path / "two.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(ids) == 400 and len(set(ids)) == 400
    assert ids[:2] == ["R0", "R1"] and ids[37] == "R0#2"


def test_a_single_chunk_runs_in_process(tmp_path, rules_analyzer):
    src = make_csv(tmp_path / "in.csv", 10)
    summary = run_file(rules_analyzer, src, tmp_path / "out.jsonl", OPTS, workers=4)
    assert summary.workers == 1 and summary.rows == 10


def test_chunk_serialisation_matches_the_documents(rules_analyzer):
    chunk = Chunk(texts=["价格便宜服务差", None], ids=["a", "b"], lines=[2, 3], extras={"rating": ["5", None]},
                  kind=".jsonl")
    res = analyze_chunk(rules_analyzer, chunk)
    recs = [json.loads(x) for x in res.data.decode("utf-8").splitlines()]
    assert [r["id"] for r in recs] == ["a", "b"] and recs[0]["rating"] == "5"
    assert recs[0]["factors"]["price"]["polarity"] > 0 > recs[0]["factors"]["service"]["polarity"]
    assert res.statuses == {"ok": 1, "empty": 1} and res.rows == 2


def test_undecodable_text_is_reported_not_analysed(rules_analyzer):
    chunk = Chunk(texts=["好\udcb3吃"], ids=["1"], lines=[7], extras={}, kind=".csv", columns=("id", "text", "status", "message"))
    res = analyze_chunk(rules_analyzer, chunk)
    row = next(csv.reader(io.StringIO(res.data.decode("utf-8"))))
    assert row[:3] == ["1", "好\\xb3吃", "undecodable"]  # the bad byte kept, escaped
    assert row[3].startswith("line 7: bytes that are not valid in the file's encoding")


class _OutOfOrder:
    """Futures that finish in reverse order; records how many are in flight."""

    def __init__(self):
        self.in_flight = 0
        self.most = 0
        self.done: deque = deque()

    def submit(self, chunk):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        ex = self

        class F:
            def result(self_inner):
                ex.in_flight -= 1
                return ChunkResult(chunk.ids[0].encode(), [], 1)

        return F()


def test_ordered_keeps_input_order_and_bounds_the_work_in_flight():
    ex = _OutOfOrder()
    items = ((Chunk([""], [str(i)], [i], {}, ".jsonl"), i) for i in range(50))
    got = [(r.data.decode(), tag) for r, tag in ordered(ex, items, window=3)]
    assert got == [(str(i), i) for i in range(50)]
    assert ex.most == 3


def test_in_process_executor_runs_at_submit(rules_analyzer):
    fut = InProcess(rules_analyzer).submit(Chunk(["很好"], ["1"], [2], {}, ".jsonl"))
    assert fut.result().rows == 1


@pytest.mark.parametrize("suffix", [".csv", ".txt", ".jsonl"])
def test_chunks_say_how_much_of_the_file_is_read(tmp_path, suffix):
    path = tmp_path / f"in{suffix}"
    rows = [f"第{i}条评论，服务很好" for i in range(300)]
    if suffix == ".csv":
        path.write_text("评论\n" + "\n".join(rows) + "\n", encoding="utf-8")
    elif suffix == ".txt":
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    else:
        path.write_text("".join(json.dumps({"评论": r}, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    shares = [df.attrs.get("read") for df in read_chunks(path, chunksize=50)]
    assert shares[-1] == 1.0
    assert all(s is not None and 0 < s <= 1 for s in shares)
    assert shares == sorted(shares)


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_shows_rate_share_and_eta(monkeypatch):
    clock = iter([0.0, 1.0, 2.0, 3.0])
    monkeypatch.setattr("cxtext._cli.time.monotonic", lambda: next(clock))
    out = _Tty()
    p = _Progress(out, quiet=False)  # t=0
    p(100, 0.10)  # t=1: the first report sets the baseline
    p(100, 0.30)  # t=2: 0.2 of the file per second -> 0.7 left -> 3.5 s
    assert "200 rows, 100 rows/s, 30% read, ETA 0:00:03" in out.getvalue()


def test_id_set_is_an_exact_set():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cxtext._idset import IdSet

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.text(max_size=6), max_size=300), st.lists(st.text(max_size=6), max_size=50))
    def check(items, probes):
        ids = IdSet(items)
        assert len(ids) == len(set(items))
        for p in items + probes:
            assert (p in ids) == (p in set(items))

    check()
    big = IdSet(f"R{i}" for i in range(5000))  # past several table doublings
    assert len(big) == 5000 and "R4999" in big and "R5000" not in big and "\udcb3" not in big
    big.add("\udcb3")
    assert "\udcb3" in big
