"""Industry packs and the lexicon commands: check, suggest, accept, show; and training a model."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
from pathlib import Path

import pytest

from cxtext import Analyzer, InputError, load_lexicon
from cxtext._cli import main
from cxtext._lexcheck import check_folder, check_shipped
from cxtext._resources import industry_names

PACKS = ("retail", "ecommerce", "catering", "hotel", "banking", "insurance", "telecom", "automotive",
         "healthcare", "education", "public")


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    d = tmp_path / "lex"
    d.mkdir(exist_ok=True)
    for name, body in files.items():
        (d / name).write_text(body, encoding="utf-8")
    return d


# ---- industry packs ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def all_packs():
    # One analyser with every pack (one tokenizer to build): each sample uses its own pack's terms only.
    return Analyzer(industry=list(PACKS), sentiment="rules")


def test_every_required_pack_is_shipped():
    assert set(PACKS) <= set(industry_names())


def test_shipped_lexicons_and_packs_have_no_errors():
    reports = check_shipped(segmentation=False)
    assert len(reports) == 1 + len(industry_names())
    errors = [str(f) for r in reports for f in r.errors]
    assert errors == []
    for r in reports[1:]:
        assert r.entries >= 90, f"{r.folders[0]} is too small to be a pack"


@pytest.mark.parametrize(
    ("industry", "text", "kind", "id", "sign"),
    [
        ("banking", "挂失之后补卡又跑了三趟", "factor", "service", 0),
        ("banking", "小额账户管理费乱扣", "factor", "price", -1),
        ("telecom", "通话老是掉话，有杂音", "factor", "product", -1),
        ("catering", "锅底齁咸，小料也少", "factor", "product", -1),
        ("hotel", "淋浴水压太小，吹风机也坏了", "factor", "product", -1),
        ("automotive", "怠速抖动，变速箱顿挫", "factor", "product", -1),
        ("insurance", "理赔员说要反复补材料", "factor", "convenience", -1),
        ("healthcare", "一号难求，还过度检查", "factor", "price", -1),
        ("education", "频繁换老师，退费难", "factor", "price", -1),
        ("public", "周末不办公，午休不办公", "factor", "convenience", -1),
        ("ecommerce", "客服已读不回，迟迟不发货", "factor", "convenience", -1),
        ("retail", "临期食品还在卖", "factor", "product", -1),
    ],
)
def test_pack_terms_are_detected(rules_analyzer, all_packs, industry, text, kind, id, sign):
    doc = all_packs.analyze(text)
    found = doc.factors if kind == "factor" else doc.themes
    assert id in found, (industry, text, doc.to_dict())
    if sign:
        assert found[id].polarity * sign > 0
    base = rules_analyzer.analyze(text)
    assert base.to_dict() != doc.to_dict(), "the pack must change the analysis of its own sample"


def test_unknown_industry_lists_the_packs():
    with pytest.raises(InputError, match="shipped packs: .*banking"):
        Analyzer(industry="bankingg")


# ---- check ------------------------------------------------------------------------------------------


def test_check_reports_every_broken_line(tmp_path, capsys):
    d = _folder(tmp_path, {
        "factors.tsv": "term\tid\tpolarity\n信号\tproduct\n网速\tproduce\n掉线\tproduct\tterrible\n"
                       "价格\tservice\n看，不懂\tproduct\n",
        "sentiment.tsv": "term\tweight\n好吃\t-1\n掉线\t-1\n掉线\t-1.5\n",
        "degree.tsv": "term\tmultiplier\n好吃\t2\n",
    })
    report = check_folder(d, segmentation=False)
    got = {(Path(f.path).name, f.line, f.code) for f in report.findings}
    assert ("factors.tsv", 3, "unknown-id") in got
    assert ("factors.tsv", 4, "number") in got
    assert ("factors.tsv", 6, "unmatchable") in got
    assert ("sentiment.tsv", 4, "duplicate") in got
    assert any(c == "two-ids" and n == "factors.tsv" and line == 5 for n, line, c in got)
    assert any(c == "conflicting-weights" for _, _, c in got)  # 好吃 -1 against the shipped +1.2
    assert any(c == "two-roles" for _, _, c in got)  # 好吃 both an opinion and a degree adverb
    assert ("factors.tsv", 2, "no-effect") in got  # 信号 is shipped as product already
    assert main(["lexicon", "check", str(d), "--no-segmentation"], err=io.StringIO()) == 1
    out = capsys.readouterr().out
    assert f"{d / 'factors.tsv'}:3: error: unknown factor id 'produce'" in out
    assert "allowed: brand, convenience, price, product, relationship, service" in out


def test_check_header_and_encoding_errors_point_at_the_line(tmp_path):
    d = _folder(tmp_path, {"themes.tsv": "# comment\nword\tid\n"})
    (d / "sentiment.tsv").write_bytes("term\tweight\n好\t1\n".encode() + "坏\t-1\n".encode("gbk"))
    report = check_folder(d, segmentation=False)
    got = {(Path(f.path).name, f.line, f.code) for f in report.errors}
    assert got == {("themes.tsv", 2, "header"), ("sentiment.tsv", 3, "encoding")}


def test_a_clean_overlay_passes_and_jieba_splits_are_warned(tmp_path):
    d = _folder(tmp_path, {"factors.tsv": "term\tid\tpolarity\n蹭网卡\tproduct\t\n难找\tconvenience\t-1\n"})
    report = check_folder(d)
    assert report.errors == ()
    assert any(f.code == "split-in-context" and "难找" in f.message and f.line == 3 for f in report.warnings)
    assert main(["lexicon", "check", str(d)], err=io.StringIO()) == 0


def test_check_of_a_missing_folder_is_a_usage_error(tmp_path):
    err = io.StringIO()
    assert main(["lexicon", "check", str(tmp_path / "nope")], err=err) == 2
    assert "not found" in err.getvalue()


# ---- suggest and accept -----------------------------------------------------------------------------

NEW_TERMS = {"星链卡": "product", "携转费": "price", "装维小哥": "service"}


def _corpus(n: int = 400) -> list[str]:
    rnd = random.Random(7)
    lead = ["这次", "上个月", "我家", "朋友说", "今天", "办了", "听说", "昨天", "刚刚", "感觉"]
    opinion = {"星链卡": ["信号很好", "网速很快", "很稳定", "太慢了", "经常断", "用着不错"],
               "携转费": ["太贵了", "不合理", "收了五十", "很坑", "乱收", "比别家贵"],
               "装维小哥": ["态度很好", "很专业", "来得很快", "很耐心", "迟到了", "服务热情"]}
    tail = ["。", "！", "，还行。", "，下次再说。", "，客服说会处理。", "，真的。"]
    texts = []
    for _ in range(n):
        term = rnd.choice(list(NEW_TERMS))
        link = rnd.choice(["的", "", "这个", "用的", "办的", "说"])
        texts.append(rnd.choice(lead) + link + term + rnd.choice(opinion[term]) + rnd.choice(tail))
    return texts


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "tickets.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["编号", "内容"])
        for i, t in enumerate(_corpus(), start=1):
            w.writerow([i, t])
    return path


@pytest.fixture(scope="module")
def candidates_file(corpus_file):
    out = corpus_file.with_name("candidates.csv")
    assert main(["lexicon", "suggest", str(corpus_file), "-o", str(out), "-q"], err=io.StringIO()) == 0
    return out


def test_suggest_finds_the_new_terms_with_proposals(candidates_file):
    out = candidates_file
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert rows and list(rows[0])[:6] == ["rank", "accept", "term", "file", "id", "polarity"]
    terms = [r["term"] for r in rows]
    for term in NEW_TERMS:
        assert term in terms[:10], (term, terms[:10])
    by_term = {r["term"]: r for r in rows}
    assert by_term["携转费"]["id"] == "price"  # 费: like 手续费 and 年费
    assert by_term["装维小哥"]["examples"]
    assert all(not r["accept"] for r in rows)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))


def test_accept_adds_marked_rows_and_detection_improves(tmp_path, candidates_file, rules_analyzer):
    cands = tmp_path / "candidates.csv"
    rows = list(csv.DictReader(open(candidates_file, encoding="utf-8-sig")))
    for r in rows:
        if r["term"] in NEW_TERMS:
            r["accept"] = "y"
            r["file"], r["id"] = "factors.tsv", NEW_TERMS[r["term"]]
    with open(cands, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    into = tmp_path / "mine"
    err = io.StringIO()
    assert main(["lexicon", "accept", str(cands), "--into", str(into)], err=err) == 0
    lex = load_lexicon(into)
    for term, id_ in NEW_TERMS.items():
        assert ("factor", id_, None) in lex.aspects[term]
    # accepting again adds nothing twice
    main(["lexicon", "accept", str(cands), "--into", str(into)], err=io.StringIO())
    body = (into / "factors.tsv").read_text(encoding="utf-8")
    assert body.count("星链卡\t") == 1
    held_out = "我妈的星链卡网速太慢了"
    before = rules_analyzer.analyze(held_out)
    after = Analyzer(lexicons=into, sentiment="rules").analyze(held_out)
    assert "星链卡" not in [m.term for m in before.factors["product"].evidence]
    assert "星链卡" in [m.term for m in after.factors["product"].evidence]
    assert after.factors["product"].mentions == before.factors["product"].mentions + 1


def test_accept_rejects_bad_rows_with_their_line_and_writes_nothing(tmp_path):
    cands = tmp_path / "c.csv"
    cands.write_text("rank,accept,term,file,id,polarity\n1,y,星链卡,factors.tsv,produkt,\n2,,携转费,factors.tsv,price,\n"
                     "3,x,掉线王,sentiment.tsv,,\n4,y,好东西,recipes.tsv,product,\n", encoding="utf-8")
    into = tmp_path / "mine"
    with pytest.raises(InputError) as exc:
        from cxtext._discover import accept

        accept(cands, into)
    msg = str(exc.value)
    assert f"{cands}:2: factor id 'produkt'" in msg
    assert f"{cands}:4: a sentiment.tsv line needs its weight" in msg
    assert f"{cands}:5: file 'recipes.tsv' is not allowed" in msg
    assert not into.exists() or not any(into.iterdir())


# ---- show -------------------------------------------------------------------------------------------


def test_show_says_where_a_term_is_and_how_a_sentence_is_read(capsys, rules_analyzer):
    assert main(["lexicon", "show", "挂失", "--industry", "banking", "--sentence", "挂失很麻烦"], err=io.StringIO()) == 0
    out = capsys.readouterr().out
    assert "industries" in out and "banking" in out and "factors.tsv:" in out and "factor service" in out
    assert "clause 1: '挂失很麻烦'" in out and "document:" in out
    from cxtext._show import show

    text, found = show("星链卡", analyzer=rules_analyzer)
    assert not found and "no lexicon line defines it" in text and "jieba: " in text


# ---- train ------------------------------------------------------------------------------------------


def _labelled(path: Path) -> None:
    pos = ["星链卡信号满格，网速飞快", "装维小哥很专业，一次就装好", "宽带稳定，客服耐心", "套餐实惠，网速稳定",
           "营业厅办理很快，服务热情"]
    neg = ["星链卡总是断网，网速慢", "装维小哥迟到两小时，态度差", "宽带经常掉线，客服推诿", "套餐乱扣费，很坑",
           "营业厅排队太久，服务冷漠"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["内容", "标签"])
        for i in range(4):
            for t in pos:
                w.writerow([t + "！" * i, "正面"])
            for t in neg:
                w.writerow([t + "。" * i, "负面"])
        w.writerow(["一般般吧", "中性"])


def test_train_cross_validates_saves_a_stamped_model_and_analyze_uses_it(tmp_path):
    pytest.importorskip("sklearn")
    data = tmp_path / "labelled.csv"
    _labelled(data)
    model = tmp_path / "model.json.gz"
    err = io.StringIO()
    assert main(["train", str(data), "--label", "标签", "-o", str(model), "-C", "1"], err=err) == 0
    log = err.getvalue()
    assert "40 labelled texts (20 positive, 20 negative)" in log and "skipped 1 neutral" in log
    assert "5-fold cross-validation: accuracy" in log and "macro-F1" in log
    saved = json.loads(gzip.decompress(model.read_bytes()))
    import cxtext

    assert saved["cxtext_version"] == cxtext.__version__
    assert saved["cross_validation"]["folds"] == 5 and 0.0 <= saved["cross_validation"]["accuracy"] <= 1.0
    assert saved["neutral"]["source"].startswith("shipped model")  # questions stay neutral with a user's model
    out = tmp_path / "out.jsonl"
    assert main(["analyze", str(data), "--text", "内容", "--model", str(model), "-o", str(out), "-q"], err=io.StringIO()) == 0
    labels = [json.loads(line)["sentiment"]["label"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert labels[0] == "pos" and labels[5] == "neg"


def test_train_bad_label_names_the_line(tmp_path):
    data = tmp_path / "labelled.csv"
    data.write_text("text,label\n很好,1\n很差,maybe\n", encoding="utf-8")
    err = io.StringIO()
    assert main(["train", str(data), "--label", "label", "-o", str(tmp_path / "m.json.gz")], err=err) == 2
    assert f"{data}:3: column 'label': label 'maybe' is not allowed" in err.getvalue()


def test_missing_model_fails_before_writing(tmp_path):
    data = tmp_path / "in.txt"
    data.write_text("很好\n", encoding="utf-8")
    err = io.StringIO()
    assert main(["analyze", str(data), "--model", str(tmp_path / "nope.json.gz"), "-o", str(tmp_path / "o.jsonl")], err=err) == 2
    assert "model file not found" in err.getvalue()
    assert not (tmp_path / "o.jsonl").exists()
