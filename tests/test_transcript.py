"""Reading call transcripts: speaker prefixes, timestamps, call separation, tables, JSON, inferred agents."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cxtext import InputError, Transcript
from cxtext._asr import clean, compact
from cxtext._transcript import SpeakerNames, parse_text, parse_time
from cxtext._transcript_io import TranscriptOptions, read_transcripts


@pytest.mark.parametrize(
    "line, speaker, role, text, start, end",
    [
        ("客服：您好，请问有什么可以帮您？", "客服", "agent", "您好，请问有什么可以帮您？", None, None),
        ("坐席: 您好", "坐席", "agent", "您好", None, None),
        ("座席：您好", "座席", "agent", "您好", None, None),
        ("客户：我要查话费", "客户", "customer", "我要查话费", None, None),
        ("用户: 我要查话费", "用户", "customer", "我要查话费", None, None),
        ("顾客：退货", "顾客", "customer", "退货", None, None),
        ("Agent: hello", "Agent", "agent", "hello", None, None),
        ("Customer: hi", "Customer", "customer", "hi", None, None),
        ("客户经理：您好", "客户经理", "agent", "您好", None, None),  # a bank's account manager is staff
        ("客服小王：您好", "客服小王", "agent", "您好", None, None),
        ("[00:01:23] 客服：您好", "客服", "agent", "您好", 83.0, None),
        ("00:01:23 客户: 喂", "客户", "customer", "喂", 83.0, None),
        ("[00:00:05-00:00:09.5] 客户：喂", "客户", "customer", "喂", 5.0, 9.5),
        ("【01:02 --> 01:04】客服：好的", "客服", "agent", "好的", 62.0, 64.0),
        ("客服 [00:00:07]：您好", "客服", "agent", "您好", 7.0, None),
        ("客服(00:00:07-00:00:09): 您好", "客服", "agent", "您好", 7.0, 9.0),
        ("客户（张先生）：你好", "客户", "customer", "你好", None, None),
        ("SPEAKER_01: 喂", "SPEAKER_01", "customer", "喂", None, None),
    ],
)
def test_speaker_prefixes_and_timestamps(line, speaker, role, text, start, end):
    call = Transcript.from_text(line + "\n客户：好的" if role == "agent" else "客服：您好\n" + line)
    turn = call.turns[0] if role == "agent" else call.turns[1]
    assert (turn.speaker, turn.role, turn.text, turn.start, turn.end) == (speaker, role, text, start, end)
    assert turn.role_inferred == speaker.startswith("SPEAKER")  # anonymous labels are inferred


def test_unlabelled_line_continues_the_turn_before():
    call = Transcript.from_text("客户：我的卡\n被冻结了\n客服：请您稍等")
    assert [t.text for t in call.turns] == ["我的卡被冻结了", "请您稍等"]
    assert call.turns[0].line == 1 and call.turns[1].line == 3


def test_calls_separated_by_call_id_lines_with_headers():
    text = (
        "通话ID: C001\n坐席工号：1023\n日期：2026-03-01\n客服：您好\n客户：你好\n\n客服：还在吗\n"
        "=== C002 ===\n客服：您好\n客户：查话费\n"
    )
    calls = parse_text(text, name="f")
    assert [c.call_id for c in calls] == ["C001", "C002"]
    assert calls[0].agent_id == "1023" and calls[0].date == "2026-03-01"
    assert len(calls[0].turns) == 3  # with call-id lines, a blank line does not split a call


def test_calls_separated_by_blank_lines_get_numbered_ids():
    calls = parse_text("客服：您好\n客户：查话费\n\n客服：您好\n客户：退货\n", name="day")
    assert [c.call_id for c in calls] == ["day#1", "day#2"]
    assert [c.turns[1].text for c in calls] == ["查话费", "退货"]


def test_double_spaced_single_call_is_not_split():
    calls = parse_text("客服：您好\n\n客户：查话费\n\n客服：好的\n", name="one")
    assert [c.call_id for c in calls] == ["one"]
    assert len(calls[0].turns) == 3


def test_split_none_reads_one_call():
    calls = parse_text("客服：您好\n客户：查话费\n\n客服：您好\n客户：退货\n", name="x", split="none")
    assert len(calls) == 1 and len(calls[0].turns) == 4


def test_no_speaker_label_is_a_clear_error():
    with pytest.raises(InputError, match=r"notes:1: no speaker label found.*--agent-prefix"):
        parse_text("今天天气不错\n我们去吃饭吧\n", name="notes")


def test_custom_prefixes():
    names = SpeakerNames(agent=("小美",), customer=("来电方",))
    call = parse_text("小美：您好\n来电方：我要退订\n", name="c", speakers=names)[0]
    assert [t.role for t in call.turns] == ["agent", "customer"]


@pytest.mark.parametrize(
    "text, agent_label",
    [
        ("A：喂你好\nB：您好，工号1023，很高兴为您服务\nA：我想问一下我的宽带", "B"),
        ("说话人1: 您好 请问有什么可以帮您\n说话人2: 嗯 我我我的卡丢了\n说话人1: 好的 请您稍等", "说话人1"),
        ("Speaker 2: 我要投诉你们\nSpeaker 1: 非常抱歉给您带来不便，我帮您查一下", "Speaker 1"),
        # ASR text with fillers and no punctuation still gives the formula away
        ("甲: 喂 喂\n乙: 嗯 您好 欢迎致电 嗯 这边是 工号 幺零幺零 请问 有什么 可以 帮您\n甲: 那个 我 我想办个停机", "乙"),
    ],
)
def test_anonymous_speakers_get_an_inferred_agent(text, agent_label):
    call = Transcript.from_text(text)
    assert call.roles_inferred
    roles = {t.speaker: t.role for t in call.turns}
    assert roles[agent_label] == "agent"
    assert all(r == "customer" for s, r in roles.items() if s != agent_label)
    assert all(t.role_inferred for t in call.turns)
    assert call.role_evidence.startswith(f"{agent_label}: agent")


def test_no_cue_falls_back_to_first_speaker_and_says_so():
    call = Transcript.from_text("A: 喂\nB: 喂")
    assert call.turns[0].role == "agent"
    assert "check" in call.role_evidence


def test_labelled_agent_makes_anonymous_speakers_customers():
    call = Transcript.from_text("客服：您好\nB：我要查账单")
    assert call.turns[1].role == "customer" and call.turns[1].role_inferred and not call.turns[0].role_inferred


@pytest.mark.parametrize(
    "value, unit, seconds",
    [(83, "s", 83.0), ("83.5", "s", 83.5), ("01:23", "s", 83.0), ("00:01:23.5", "s", 83.5), ("1:00:00", "s", 3600.0),
     (12500, "ms", 12.5), ("12s", "s", 12.0), ("", "s", None), (None, "s", None), (float("nan"), "s", None)],
)
def test_parse_time(value, unit, seconds):
    assert parse_time(value, unit=unit) == seconds


# --------------------------------------------------------------------------------------------------
# Files

TURN_ROWS = [
    ("C1", "A01", "2026-05-01", "坐席", 0, 4, "您好，工号A01，请问有什么可以帮您？"),
    ("C1", "A01", "2026-05-01", "客户", 5, 9, "我要退货"),
    ("C2", "A02", "2026-05-02", "agent", 0, 3, "您好"),
    ("C1", "A01", "2026-05-01", "坐席", 10, 14, "好的，已经为您提交"),
    ("C2", "A02", "2026-05-02", "customer", 4, 6, "查快递"),
]
COLUMNS = ["通话ID", "坐席工号", "日期", "角色", "开始时间", "结束时间", "内容"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".jsonl"])
def test_one_row_per_turn_tables(tmp_path, suffix):
    df = pd.DataFrame(TURN_ROWS, columns=COLUMNS)
    path = tmp_path / f"turns{suffix}"
    if suffix == ".csv":
        path.write_bytes(df.to_csv(index=False).encode("gbk"))  # encodings are detected as in `analyze`
    elif suffix == ".xlsx":
        df.to_excel(path, index=False)
    elif suffix == ".parquet":
        df.to_parquet(path)
    else:
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in df.to_dict("records")), encoding="utf-8")
    calls = list(read_transcripts(path))
    assert [c.call_id for c in calls] == ["C1", "C2"]  # in order of first appearance
    c1 = calls[0]
    assert [t.text for t in c1.turns] == ["您好，工号A01，请问有什么可以帮您？", "我要退货", "好的，已经为您提交"]
    assert [t.role for t in c1.turns] == ["agent", "customer", "agent"]
    assert c1.agent_id == "A01" and c1.date == "2026-05-01"
    assert c1.turns[1].start == 5.0 and c1.turns[1].end == 9.0
    assert [t.role for t in calls[1].turns] == ["agent", "customer"]


def test_table_column_options_and_errors(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"conv": ["X", "X"], "who": ["A", "B"], "words": ["您好，请问有什么可以帮您", "我要销户"],
                  "t0": ["00:00:01", "bad"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"cannot tell which column holds the speaker; pass --speaker"):
        list(read_transcripts(path))
    opts = TranscriptOptions(call_id="conv", speaker="who", text="words", start="t0")
    with pytest.raises(InputError, match=r"t\.csv:3: column 't0': 'bad' is not a time"):
        list(read_transcripts(path, opts))
    with pytest.raises(InputError, match=r"no column 'nope' \(given with --speaker\)"):
        list(read_transcripts(path, TranscriptOptions(speaker="nope")))
    call = next(read_transcripts(path, TranscriptOptions(call_id="conv", speaker="who", text="words")))
    assert call.call_id == "X" and call.roles_inferred and call.turns[0].role == "agent"


def test_json_calls_with_turns_lists(tmp_path):
    data = {"calls": [
        {"call_id": "J1", "agent_id": 7, "turns": [{"speaker": "客服", "text": "您好", "start": "00:00:01"},
                                                  {"speaker": "客户", "text": "你好"}]},
        {"id": "J2", "turns": ["客服：您好", "客户：查余额"]},
    ]}
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    calls = list(read_transcripts(path))
    assert [c.call_id for c in calls] == ["J1", "J2"]
    assert calls[0].agent_id == "7" and calls[0].turns[0].start == 1.0
    assert [t.role for t in calls[1].turns] == ["agent", "customer"] and calls[1].turns[1].text == "查余额"


def test_jsonl_one_call_per_line_and_bad_json(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps({"call_id": "L1", "turns": [{"speaker": "A", "text": "您好请问有什么可以帮您"},
                                                           {"speaker": "B", "text": "我要退订"}]}, ensure_ascii=False)
                    + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"calls\.jsonl:2:2: invalid JSON"):
        list(read_transcripts(path))


def test_folder_of_text_files_one_call_each(tmp_path):
    (tmp_path / "b.txt").write_text("客服：您好\n客户：查话费\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("客服：您好\n客户：退货\n", encoding="gbk")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "c.txt").write_text("no labels here\n", encoding="utf-8")
    calls = list(read_transcripts(tmp_path))
    assert [c.call_id for c in calls] == ["a", "b", "c"]
    assert calls[0].turns[1].text == "退货"
    assert calls[2].turns == () and "c:1: no speaker label found" in calls[2].error  # one bad file, not a failed run


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        list(read_transcripts(tmp_path / "nope.txt"))


# --------------------------------------------------------------------------------------------------
# ASR text


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("嗯那个我就是想问一下啊我的信用卡怎么多扣了一笔年费啊", "我就是想问一下，我的信用卡怎么多扣了一笔年费"),
        ("我我我 不是 很 满意 你们 这个 服务", "我不是很满意你们这个服务"),  # word-level spaces dropped
        ("好的好的谢谢谢谢", "好的谢谢"),
        ("额度不够 额 我想提额", "额度不够，我想提额"),  # 额 alone is a filler, 额度 a word
        ("工号1010幺零幺零", "工号1010幺零幺零"),  # numbers are never stutters
        ("谢谢 看看", "谢谢 看看"),
    ],
)
def test_clean_asr(raw, cleaned):
    m = clean(raw)
    assert m.text == cleaned
    for i, ch in enumerate(m.text):  # every kept character points at itself in the original
        if ch != "，":
            assert raw[m.index[i]] == ch


def test_compact_maps_spans_back():
    raw = "您好 请问 嗯 有什么 可以 帮您"
    m = compact(raw)
    assert m.text == "您好请问有什么可以帮您"
    s, e = m.span(m.text.index("有什么"), m.text.index("帮您") + 2)
    assert raw[s:e] == "有什么 可以 帮您"
