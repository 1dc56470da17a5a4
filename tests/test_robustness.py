"""The catalogue of bad inputs: each gets a correct result or a message that says what to fix.

Every case runs the real command line on a small file written here, and checks the two promises:
rows out == rows in (in order, ids unique), or exit code 2 with a message naming the file and what
is wrong. README.md, section Reliability, lists the same cases.
"""

from __future__ import annotations

import io
import json
import time

import pandas as pd
import pytest

from cxtext._cli import main


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main([*args, "--quiet"] if args and args[0] == "analyze" else list(args), err=err)
    return code, err.getvalue()


def rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def analyze(tmp_path, name: str, data: bytes, *extra: str) -> tuple[int, str, list[dict] | None]:
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out.jsonl"
    code, err = run("analyze", str(src), "-o", str(out), *extra)
    return code, err, rows(out) if out.exists() else None


CSV = "编号,评论\nr1,服务很好\nr2,太贵了\nr3,排队太久\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b""), ("big5", b""), ("utf-16", b"")],
)
def test_encodings_are_detected(tmp_path, encoding, bom):
    text = "編號,評論\nr1,服務很好\nr2,太貴了\nr3,排隊太久\n" if encoding == "big5" else CSV
    col = "評論" if encoding == "big5" else "评论"
    code, err, out = analyze(tmp_path, "in.csv", bom + text.encode(encoding), "--text", col)
    assert code == 0, err
    assert [r["id"] for r in out] == ["1", "2", "3"]
    assert out[1]["sentiment"]["label"] == "neg"


def test_mixed_encodings_give_a_status_per_row_not_silent_loss(tmp_path):
    data = "编号,评论\nr1,服务很好\n".encode() + "r2,太贵了\n".encode("gbk") + "r3,排队太久\n".encode()
    code, err, out = analyze(tmp_path, "in.csv", data, "--id", "编号", "--text", "评论")
    assert [r["id"] for r in out] == ["r1", "r2", "r3"]
    assert [r["status"] for r in out] == ["ok", "undecodable", "ok"]
    assert code == 1 and "undecodable 1" in err
    # the bad bytes are kept, escaped, so the original can be recovered
    assert out[1]["text"].encode("latin-1", "backslashreplace") and "\\x" in out[1]["text"]
    assert "line 3" in out[1]["message"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr(tmp_path, newline):
    code, err, out = analyze(tmp_path, "in.csv", CSV.replace("\n", newline).encode(), "--text", "评论")
    assert code == 0, err
    assert [r["text"] for r in out] == ["服务很好", "太贵了", "排队太久"]


def test_a_stray_nul_byte_is_not_fatal(tmp_path):
    code, err, out = analyze(tmp_path, "in.csv", CSV.replace("太贵了", "太\x00贵了").encode(), "--text", "评论")
    assert code == 0, err
    assert [r["status"] for r in out] == ["ok", "ok", "ok"]
    assert out[1]["text"] == "太\x00贵了"  # kept as read; analysis ignores the control character
    assert out[1]["sentiment"]["label"] == "neg"


def test_binary_file_given_as_csv_is_refused_clearly(tmp_path):
    data = bytes(range(256)) * 40
    code, err, out = analyze(tmp_path, "in.csv", data)
    assert code == 2 and "in.csv" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("data", "needle"), [(b"", "empty"), ("编号,评论\n".encode(), "")])
def test_empty_file_and_header_only(tmp_path, data, needle):
    code, err, out = analyze(tmp_path, "in.csv", data, "--text", "评论")
    if data:
        assert code == 0 and out == []  # a header with no rows: an empty result, not an error
    else:
        assert code == 2 and needle in err


def test_duplicated_and_blank_column_names_get_distinct_names(tmp_path):
    code, err, out = analyze(tmp_path, "in.csv", "评论,评论,\n很好,很差,x\n".encode(), "--text", "评论.1")
    assert code == 0, err
    assert out[0]["text"] == "很差"  # the second 评论 column is 评论.1, the blank one column3
    code, err, out = analyze(tmp_path, "in.csv", "评论,评论,\n很好,很差,x\n".encode(), "--text", "nope")
    assert code == 2 and "评论, 评论.1, column3" in err


def test_missing_text_column_lists_the_columns(tmp_path):
    code, err, _ = analyze(tmp_path, "in.csv", CSV.encode(), "--text", "content")
    assert code == 2 and "'content'" in err and "编号" in err and "评论" in err


def test_quoted_newlines_and_ragged_rows(tmp_path):
    data = '编号,评论\nr1,"第一行\n第二行，服务很好"\nr2,太贵了,多余的一列\nr3\n'.encode()
    code, err, out = analyze(tmp_path, "in.csv", data, "--id", "编号", "--text", "评论")
    if code == 2:  # a ragged row is an error that names its line
        assert "in.csv:" in err and ("3" in err or "4" in err)
    else:
        assert [r["id"] for r in out] == ["r1", "r2", "r3"]
        assert "第二行" in out[0]["text"]


def test_xlsx_sheet_and_title_row(tmp_path):
    path = tmp_path / "in.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"x": [1]}).to_excel(xw, sheet_name="说明", index=False)
        df = pd.DataFrame([["2026年评论导出", None], ["编号", "评论"], ["a", "很好"], ["b", "很差"]])
        df.to_excel(xw, sheet_name="评论", index=False, header=False)
    out = tmp_path / "out.jsonl"
    code, err = run("analyze", str(path), "-o", str(out), "--sheet", "评论", "--header-row", "2", "--id", "编号")
    assert code == 0, err
    assert [(r["id"], r["sentiment"]["label"]) for r in rows(out)] == [("a", "pos"), ("b", "neg")]
    code, err = run("analyze", str(path), "-o", str(out), "--sheet", "不存在")
    assert code == 2 and "说明" in err and "评论" in err


def test_cells_that_are_numbers_dates_nan_or_blank(tmp_path):
    path = tmp_path / "in.xlsx"
    df = pd.DataFrame({"编号": list("abcde"), "评论": ["服务很好", 12345, pd.Timestamp("2026-01-01"), None, "   "]})
    df.to_excel(path, index=False)
    out = tmp_path / "out.jsonl"
    code, err = run("analyze", str(path), "-o", str(out), "--text", "评论", "--id", "编号")
    assert [r["status"] for r in rows(out)] == ["ok", "not_text", "not_text", "empty", "empty"]
    assert code == 1


@pytest.mark.parametrize("text", ["😀😀👍", "1234567890", "great service, thanks", "服务good，但是price太high"])
def test_odd_but_valid_text(analyzer, text):
    doc = analyzer.analyze(text)
    assert doc.status in ("ok", "no_chinese")
    assert -1 <= doc.score <= 1


def _seconds(analyzer, text: str) -> float:
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        doc = analyzer.analyze(text)
        best = min(best, time.perf_counter() - t)
    assert doc.status in ("ok", "no_chinese") and doc.text == text
    return best


# Units that stress each stage: opinion/aspect attachment (很好, 服务好), waits (排队排了, 等了),
# negators, clause splitting (，), contrast (但是), one long run of a single character.
@pytest.mark.slow
@pytest.mark.parametrize("unit", ["排队排了", "等了", "很好", "服务好", "不", "，", "服务员，", "但是", "哈", "a1"])
def test_time_grows_linearly_with_length_for_adversarial_text(analyzer, unit):
    """8× the text may take at most 20× the time (quadratic work would take 64×; the slack is for a
    machine busy with other work)."""
    small = unit * (5_000 // len(unit))
    big = unit * (40_000 // len(unit))
    t_small, t_big = _seconds(analyzer, small), _seconds(analyzer, big)
    assert t_big < 20 * t_small + 0.05, (t_small, t_big)


@pytest.mark.slow
def test_a_one_megabyte_document_is_analysed(analyzer):
    text = "服务态度很好但是价格太贵了。" * 75_000  # about 1 M characters, 3 MB of UTF-8
    doc = analyzer.analyze(text)
    assert doc.status == "ok" and len(doc.clauses) == 150_000
    assert doc.factors["price"].polarity < 0 < doc.factors["service"].polarity


@pytest.mark.parametrize(
    "hostile",
    ["=HYPERLINK(\"http://x\",\"点我\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "=1+1 服务很差"],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_injection_is_neutralised(tmp_path, hostile, suffix):
    src = tmp_path / "in.csv"
    pd.DataFrame({"评论": [hostile, "服务很好"]}).to_csv(src, index=False)
    out = tmp_path / f"out{suffix}"
    code, err = run("analyze", str(src), "-o", str(out), "--text", "评论")
    assert code in (0, 1), err
    if suffix == ".csv":
        df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, dtype=str)
        cell = df["text"][0]
    else:
        from openpyxl import load_workbook

        ws = load_workbook(out).active
        header = [c.value for c in ws[1]]
        cell = ws.cell(row=2, column=header.index("text") + 1).value
        assert ws.cell(row=2, column=header.index("text") + 1).data_type != "f"
    assert cell == "'" + hostile


def test_interrupted_write_leaves_no_partial_output(tmp_path, monkeypatch):
    from cxtext import _batch

    src = tmp_path / "in.csv"
    src.write_text(CSV, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    calls = {"n": 0}
    real = _batch.Analyzer.analyze if hasattr(_batch, "Analyzer") else None

    def boom(*a, **k):
        raise KeyboardInterrupt

    from cxtext import Analyzer

    monkeypatch.setattr(Analyzer, "analyze", boom)
    monkeypatch.setattr(Analyzer, "analyze_many", lambda self, *a, **k: (boom() for _ in [0]))
    code, err = run("analyze", str(src), "-o", str(out), "--text", "评论")
    assert code == 130
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("out")] == []
    del calls, real
