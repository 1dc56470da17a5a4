"""`cxtext qa` end to end: inputs, outputs, the report (escaped), exit codes, the shipped examples."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from cxtext._cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "calls"


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(args), err=err)
    return code, err.getvalue()


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


CALLS = """\
通话ID: ok-1
工号: A7
客服：您好，工号007，很高兴为您服务，请问有什么可以帮您？
客户：我想查一下话费余额。
客服：好的，请您报一下机主姓名和服务密码。
客户：张三，123456。
客服：核实通过，您的余额是35元，已经为您发送短信，您看可以吗？
客户：明白了，谢谢。
客服：感谢您的来电，再见。

通话ID: bad-2
工号: A8
客服：喂。
客户：<script>alert("x")</script> 你们乱扣费，我第三次打电话了，我要去工信部投诉！
客服：不归我管，你自己去营业厅。
客户：还是没解决。

通话ID: empty-3
客服：
"""


def test_text_input_all_outputs_and_escaped_report(tmp_path):
    src = tmp_path / "calls.txt"
    src.write_text(CALLS, encoding="utf-8")
    out, turns, report = tmp_path / "calls.jsonl", tmp_path / "turns.jsonl", tmp_path / "qa.html"
    code, err = run("qa", str(src), "-o", str(out), "--turns", str(turns), "--report", str(report))
    recs = read_jsonl(out)
    assert [r["call_id"] for r in recs] == ["ok-1", "bad-2", "empty-3"]  # every call once, in order
    assert [r["status"] for r in recs] == ["ok", "ok", "empty"]
    assert code == 1 and "1 calls could not be scored (empty 1)" in err
    assert recs[0]["agent_id"] == "A7" and recs[0]["priority"]["level"] == "low"
    bad = recs[1]
    assert bad["priority"]["level"] == "high" and bad["outcome"]["escalation"]["level"] == "external"
    assert {v["id"]: v["verdict"] for v in bad["agent"]["rules"]}["forbidden_phrases"] == "fail"
    t = read_jsonl(turns)
    assert len(t) == 7 + 4 + 1 and t[0]["call_id"] == "ok-1" and t[1]["role"] == "customer" and "sentiment" in t[1]
    assert "sentiment" not in t[0]  # agent turns get no customer sentiment
    html = report.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert html.index("bad-2") < html.index("ok-1")  # the flagged call is listed first
    assert '<mark class="bad">不归我管</mark>' in html and '<mark class="sig">工信部</mark>' in html
    assert "http://" not in html and "https://" not in html  # offline: nothing fetched


def test_table_input_flat_output_and_agent_scorecards(tmp_path):
    rows = [
        ("c1", "A1", "2026-01-01", "坐席", "您好，工号101，请问有什么可以帮您？"),
        ("c1", "A1", "2026-01-01", "客户", "我想退货。"),
        ("c1", "A1", "2026-01-01", "坐席", "好的，已经为您提交退货申请，您看可以吗？感谢您的来电，再见。"),
        ("c2", "A1", "2026-02-01", "坐席", "说。"),
        ("c2", "A1", "2026-02-01", "客户", "我要投诉你们，退款一直不到账！"),
        ("c2", "A1", "2026-02-01", "坐席", "你急什么，我也没办法。"),
    ]
    src = tmp_path / "turns.xlsx"
    pd.DataFrame(rows, columns=["会话", "坐席工号", "日期", "身份", "话术"]).to_excel(src, index=False)
    out, report = tmp_path / "calls.csv", tmp_path / "qa.html"
    code, err = run("qa", str(src), "-o", str(out), "--report", str(report), "--call-id", "会话", "--quiet")
    assert code == 0 and err == ""
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert df["call_id"].tolist() == ["c1", "c2"]
    assert df.loc[1, "rule.respectful_language"] == "fail" and df.loc[1, "escalation"] == "internal"
    html = report.read_text(encoding="utf-8")
    assert "<h2>Agents</h2>" in html and "2026-01-01:" in html and "2026-02-01:" in html  # trend per date


def test_json_input_with_timestamps(tmp_path):
    data = [{"call_id": "j1", "turns": [
        {"speaker": "A", "text": "您好，工号3，请问有什么可以帮您", "start": 0, "end": 3},
        {"speaker": "B", "text": "我的卡被冻结了", "start": 4, "end": 8},
        {"speaker": "A", "text": "请您稍等", "start": 6, "end": 7},
        {"speaker": "A", "text": "已经为您解冻了，您看可以吗？感谢您的来电", "start": 100, "end": 104},
    ]}]
    src = tmp_path / "calls.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "calls.jsonl"
    code, _ = run("qa", str(src), "-o", str(out), "-q")
    rec = read_jsonl(out)[0]
    assert code == 0 and rec["roles_inferred"] and rec["role_evidence"].startswith("A: agent")
    timing = {v["id"]: v for v in rec["agent"]["timing"]}
    assert timing["hold"]["verdict"] == "fail" and timing["hold"]["value"] == 93
    assert timing["overlap"]["verdict"] == "fail" and timing["overlap"]["turn"] == 3


def test_bad_rules_file_exit_2_with_line(tmp_path):
    src = tmp_path / "c.txt"
    src.write_text("客服：您好\n客户：你好\n", encoding="utf-8")
    rules = tmp_path / "qa.yaml"
    rules.write_text("priority:\n  churn: lots\n", encoding="utf-8")
    code, err = run("qa", str(src), "-o", str(tmp_path / "o.jsonl"), "--rules", str(rules))
    assert code == 2 and "qa.yaml:2: priority.churn: 'lots' is not a number" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_usage_errors(tmp_path):
    code, err = run("qa", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o.jsonl"))
    assert code == 2 and "file not found" in err
    code, err = run("qa", str(tmp_path / "x.txt"))
    assert code == 2 and "-o/--output are required" in err
    src = tmp_path / "c.txt"
    src.write_text("客服：您好\n", encoding="utf-8")
    code, err = run("qa", str(src), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r.pdf"))
    assert code == 2 and "--report must end in .html" in err


def test_print_rules(capsys):
    code, _ = run("qa", "--print-rules")
    assert code == 0 and "agent_rules:" in capsys.readouterr().out


def test_shipped_examples_flag_the_calls_a_qa_lead_would(tmp_path):
    out = tmp_path / "calls.jsonl"
    code, _ = run("qa", str(EXAMPLES), "-o", str(out), "-q")
    recs = {r["call_id"]: r for r in read_jsonl(out)}
    assert code == 0 and len(recs) == 12
    flagged = {"BK-0415-07", "BK-0421-09", "EC-0501-02", "INS-0603-11", "telecom_broadband_asr"}
    ranked = sorted(recs.values(), key=lambda r: -r["priority"]["points"])
    assert {r["call_id"] for r in ranked[: len(flagged)]} == flagged
    assert all(recs[c]["priority"]["level"] == "high" for c in flagged)
    assert all(r["priority"]["level"] == "low" for c, r in recs.items() if c not in flagged)
    assert recs["telecom_broadband_asr"]["roles_inferred"]
    assert recs["telecom_plan_query_asr"]["agent"]["pass_rate"] == 1.0
    assert recs["INS-0603-11"]["outcome"]["escalation"]["words"] == "律师"
    assert recs["EC-0501-02"]["outcome"]["escalation"]["level"] == "internal"
