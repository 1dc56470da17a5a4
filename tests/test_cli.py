"""`cxtext analyze` end to end on small files of every supported format and encoding."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from cxtext._cli import main

ROWS = [
    ("r1", "菜很好吃，价格也不贵", "5"),
    ("r2", "服务员态度太差了，再也不来了", "1"),
    ("r3", "", "3"),
    ("r4", "排队排了一个小时，不过味道还行", "3"),
    ("r5", "請問週末營業嗎？", ""),
]


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(args), err=err)
    return code, err.getvalue()


def write_csv(path, encoding="utf-8", header=("编号", "评论", "评分")):
    df = pd.DataFrame(ROWS, columns=list(header))
    path.write_bytes(df.to_csv(index=False).encode(encoding))
    return path


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_common_encoding(tmp_path, encoding):
    src = write_csv(tmp_path / "in.csv", encoding)
    out = tmp_path / "out.jsonl"
    code, err = run("analyze", str(src), "-o", str(out), "--id", "编号", "--rating", "评分")
    recs = read_jsonl(out)
    assert [r["id"] for r in recs] == ["r1", "r2", "r3", "r4", "r5"]
    assert recs[0]["text"] == ROWS[0][1]
    assert recs[4]["text"] == ROWS[4][1]  # traditional text kept as written
    assert [r["status"] for r in recs] == ["ok", "ok", "empty", "ok", "ok"]
    assert recs[0]["rating"] == "5"
    assert recs[1]["sentiment"]["label"] == "neg"
    assert "price" in recs[0]["factors"]
    assert code == 0 and "4 analysed" in err and "1 empty" in err  # an empty comment is not a failure
    assert "text column: '评论'" in err


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".jsonl"])
def test_every_output_format_has_one_row_per_input_row(tmp_path, suffix):
    src = write_csv(tmp_path / "in.csv")
    out = tmp_path / f"out{suffix}"
    code, _ = run("analyze", str(src), "-o", str(out), "--text", "评论", "--quiet")
    assert code == 0
    if suffix == ".csv":
        df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    elif suffix == ".xlsx":
        df = pd.read_excel(out)
    elif suffix == ".parquet":
        df = pd.read_parquet(out)
    else:
        df = pd.DataFrame(read_jsonl(out))
    assert len(df) == len(ROWS)
    assert [str(x) for x in df["id"]] == ["1", "2", "3", "4", "5"]
    if suffix != ".jsonl":
        assert {"sentiment_label", "sentiment_score", "factor.price", "theme.trust", "status"} <= set(df.columns)
        assert list(df["status"]) == ["ok", "ok", "empty", "ok", "ok"]


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet", ".jsonl", ".tsv", ".txt"])
def test_every_input_format(tmp_path, suffix):
    df = pd.DataFrame(ROWS, columns=["id", "content", "star"])
    src = tmp_path / f"in{suffix}"
    if suffix == ".xlsx":
        df.to_excel(src, index=False)
    elif suffix == ".parquet":
        df.to_parquet(src)
    elif suffix == ".jsonl":
        df.to_json(src, orient="records", lines=True, force_ascii=False)
    elif suffix == ".tsv":
        df.to_csv(src, sep="\t", index=False)
    else:
        src.write_text("\n".join(t for _, t, _ in ROWS if t) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, err = run("analyze", str(src), "-o", str(out))
    recs = read_jsonl(out)
    expected = [t for _, t, _ in ROWS if t] if suffix == ".txt" else [t for _, t, _ in ROWS]
    assert [r["text"] for r in recs] == expected
    assert code in (0, 1), err


def test_missing_text_column_lists_the_columns(tmp_path):
    src = write_csv(tmp_path / "in.csv")
    code, err = run("analyze", str(src), "-o", str(tmp_path / "o.jsonl"), "--text", "review")
    assert code == 2
    assert "no column 'review'" in err and "编号, 评论, 评分" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_unknown_output_format_is_a_usage_error(tmp_path):
    src = write_csv(tmp_path / "in.csv")
    code, err = run("analyze", str(src), "-o", str(tmp_path / "o.docx"))
    assert code == 2 and "use one of .jsonl, .csv, .parquet, .xlsx" in err


def test_missing_input_file(tmp_path):
    code, err = run("analyze", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.jsonl"))
    assert code == 2 and "file not found" in err


def test_all_ok_exits_zero(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("很好\n很差\n", encoding="utf-8")
    code, _ = run("analyze", str(src), "-o", str(tmp_path / "o.csv"), "-q")
    assert code == 0


def test_formula_cells_are_neutralised_in_csv(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('评论\n"=HYPERLINK(""http://x"",""点我"")"\n+cmd\n@SUM(A1)\n', encoding="utf-8")
    out = tmp_path / "o.csv"
    run("analyze", str(src), "-o", str(out), "-q")
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert all(str(t).startswith("'") for t in df["text"])


def test_usage_without_command():
    code, err = run()
    assert code == 2 and "analyze" in err


def test_aspects_lexicon_turns_the_learned_detector_off(tmp_path, capsys):
    from cxtext import Analyzer

    src = write_csv(tmp_path / "in.csv")
    out = tmp_path / "out.jsonl"
    code, _ = run("analyze", str(src), "-o", str(out), "--text", "评论", "--aspects", "lexicon", "--quiet")
    assert code == 0
    lexicon = Analyzer(aspects="lexicon")
    for rec, (_, text, _) in zip(read_jsonl(out), ROWS, strict=True):
        if text:
            doc = lexicon.analyze(text)
            assert (set(rec["factors"]), set(rec["themes"])) == (set(doc.factors), set(doc.themes))
    code, _ = run("analyze", str(src), "-o", str(out), "--aspects", "words")
    assert code == 2 and "invalid choice: 'words'" in capsys.readouterr().err
