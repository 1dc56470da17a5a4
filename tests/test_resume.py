"""``--resume``: an interrupted run continues where it stopped, without losing or repeating a row."""

from __future__ import annotations

import io
import json

import pytest

from cxtext import InputError
from cxtext._batch import BatchOptions
from cxtext._checkpoint import Checkpoint, checkpoint_path, part_path
from cxtext._cli import main
from cxtext._run import run_file
from test_workers import make_csv

OPTS = BatchOptions(text="评论", id="编号", rating="评分", chunksize=40)


class Stop(KeyboardInterrupt):
    pass


def interrupt_after(chunks):
    """A progress hook that interrupts the run after ``chunks`` chunks were written."""
    seen = []

    def hook(n, read=None):
        seen.append(n)
        if len(seen) >= chunks:
            raise Stop

    return hook


def run(*args):
    err = io.StringIO()
    return main(list(args), err=err), err.getvalue()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_resume_after_interruption_gives_the_uninterrupted_output(tmp_path, rules_analyzer, suffix):
    src = make_csv(tmp_path / "in.csv", 230)
    whole = tmp_path / f"whole{suffix}"
    run_file(rules_analyzer, src, whole, OPTS)
    out = tmp_path / f"out{suffix}"
    with pytest.raises(Stop):
        run_file(rules_analyzer, src, out, OPTS, progress=interrupt_after(3))
    assert not out.exists()  # nothing under the output's name until the run is complete
    ckpt = Checkpoint.load(checkpoint_path(out))
    assert ckpt is not None and ckpt.rows == 120
    # Bytes written after the last checkpoint (a chunk cut off by a kill) must not survive.
    with open(part_path(out), "ab") as fh:
        fh.write(b'{"id": "half a row')
    summary = run_file(rules_analyzer, src, out, OPTS, resume=True)
    assert summary.resumed == 120 and summary.rows == 230
    assert out.read_bytes() == whole.read_bytes()
    assert not part_path(out).exists() and not checkpoint_path(out).exists()


def test_resume_counts_cover_the_whole_file(tmp_path, rules_analyzer):
    src = make_csv(tmp_path / "in.csv", 150)
    whole = run_file(rules_analyzer, src, tmp_path / "whole.jsonl", OPTS)
    with pytest.raises(Stop):
        run_file(rules_analyzer, src, tmp_path / "out.jsonl", OPTS, progress=interrupt_after(1))
    again = run_file(rules_analyzer, src, tmp_path / "out.jsonl", OPTS, resume=True)
    assert again.statuses == whole.statuses and again.labels == whole.labels
    ids = [json.loads(x)["id"] for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(set(ids)) == 150  # repeated ids after the resume point still get #2, #3


def test_resume_refuses_a_changed_input_or_other_options(tmp_path, rules_analyzer):
    src = make_csv(tmp_path / "in.csv", 100)
    out = tmp_path / "out.jsonl"
    with pytest.raises(Stop):
        run_file(rules_analyzer, src, out, OPTS, progress=interrupt_after(1))
    other = BatchOptions(text="评论", chunksize=40)
    with pytest.raises(InputError, match="other options"):
        run_file(rules_analyzer, src, out, other, resume=True)
    make_csv(src, 101)
    with pytest.raises(InputError, match="input file changed"):
        run_file(rules_analyzer, src, out, OPTS, resume=True)
    # Starting again without --resume discards the old checkpoint.
    summary = run_file(rules_analyzer, src, out, OPTS)
    assert summary.resumed == 0 and summary.rows == 101
    assert not checkpoint_path(out).exists()


def test_resume_without_a_checkpoint_starts_from_the_beginning(tmp_path, rules_analyzer):
    src = make_csv(tmp_path / "in.csv", 50)
    summary = run_file(rules_analyzer, src, tmp_path / "out.jsonl", OPTS, resume=True)
    assert summary.resumed == 0 and summary.rows == 50


def test_bad_input_leaves_nothing_to_resume(tmp_path, rules_analyzer):
    src = tmp_path / "in.csv"
    good = "".join(f"R{i},很好\n" for i in range(100))
    src.write_text("编号,评论\n" + good + "R100,好,多出来的,字段\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputError):
        run_file(rules_analyzer, src, out, BatchOptions(text="评论", chunksize=40))
    assert not out.exists() and not part_path(out).exists() and not checkpoint_path(out).exists()


def test_cli_resume(tmp_path, rules_analyzer, monkeypatch):
    src = make_csv(tmp_path / "in.csv", 130)
    out = tmp_path / "out.csv"
    args = ["analyze", str(src), "-o", str(out), "--text", "评论", "--id", "编号", "--sentiment", "rules", "--workers", "1",
            "--chunk-size", "40"]
    whole = tmp_path / "whole.csv"
    assert run(*args[:3], str(whole), *args[4:], "--quiet")[0] in (0, 1)
    calls = []

    def stop(self, n, read=None):
        calls.append(n)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("cxtext._cli._Progress.__call__", stop)
    code, err = run(*args)
    assert code == 130
    assert "rows are done" in err and "--resume" in err and not out.exists()
    monkeypatch.undo()
    code, err = run(*args, "--resume")
    assert code == 0 and "resumed after row" in err
    assert out.read_bytes() == whole.read_bytes()


def test_cli_resume_needs_an_appendable_output(tmp_path):
    src = make_csv(tmp_path / "in.csv", 5)
    code, err = run("analyze", str(src), "-o", str(tmp_path / "out.parquet"), "--resume")
    assert code == 2 and "--resume works with .jsonl and .csv" in err


def test_a_killed_worker_leaves_a_resumable_run(tmp_path, rules_analyzer):
    import multiprocessing
    import os
    import signal
    from concurrent.futures import BrokenExecutor

    src = make_csv(tmp_path / "in.csv", 400)
    whole = tmp_path / "whole.jsonl"
    run_file(rules_analyzer, src, whole, OPTS)
    out = tmp_path / "out.jsonl"

    def kill_a_worker(n, read=None):
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)
            break

    with pytest.raises(BrokenExecutor):
        run_file(rules_analyzer, src, out, OPTS, workers=2, start_method="spawn", progress=kill_a_worker)
    assert Checkpoint.load(checkpoint_path(out)).rows >= 40
    run_file(rules_analyzer, src, out, OPTS, resume=True)
    assert out.read_bytes() == whole.read_bytes()


def test_two_runs_cannot_write_the_same_output(tmp_path):
    from cxtext._checkpoint import PartFile

    first = PartFile(tmp_path / ".out.jsonl.part")
    first.write(b"row\n")
    first.sync()
    with pytest.raises(InputError, match="another cxtext run is writing this output"):
        PartFile(tmp_path / ".out.jsonl.part")
    assert (tmp_path / ".out.jsonl.part").read_bytes() == b"row\n"  # the running one's rows are intact
    first.close()
    PartFile(tmp_path / ".out.jsonl.part").close()  # free again once the first run ends
