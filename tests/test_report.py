"""``cxtext gap`` and ``cxtext report``: outputs, step 7 history, escaping of hostile text, browser check."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from cxtext._cli import main
from cxtext._errors import InputError
from cxtext._history import last_run, runs, save_run

ROOT = Path(__file__).resolve().parents[1]
WORKED = ROOT / "examples" / "gap_worked_example.yaml"

HOSTILE = [
    "<script>alert('xss')</script>排队太久了，服务很差",
    '<img src=x onerror="alert(1)">态度差，爱答不理',
    "{{ 7*7 }} 价格便宜，{% raw %}服务很好",
    "javascript:alert(document.cookie) 送货很快，很方便",
    "</textarea></style><svg onload=alert(1)>质量很好",
]
# what a browser would run or fetch if the text were not escaped
DANGER = re.compile(r"<script|<img|<svg onload|onerror=\"|href=\"javascript:|src=\"http|<link|<iframe", re.I)

BASE = [
    ("价格便宜，服务员很热情", 5), ("排队太久了，等了一个小时", 1), ("态度差，爱答不理", 1),
    ("送货很快，师傅很专业", 5), ("隐形收费，太坑了", 1), ("质量很好，性价比高", 4),
    ("本以为很快，结果排队排了半天", 2), ("比预期快很多，很方便", 5), ("会员积分清零也不通知，寒心", 2),
    ("店员很专业，讲解清楚", 5), ("APP老闪退，下单很麻烦", 2), ("价格太贵了，不值", 2),
]


def write_csv(path: Path, texts_ratings, *, group_name="一店") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["编号", "门店", "日期", "评分", "评论"])
        for i, (text, rating) in enumerate(texts_ratings):
            month = 1 + i % 3
            group = group_name if i % 2 == 0 else "二店"
            w.writerow([f"R{i:03d}", group, f"2026-{month:02d}-{1 + i % 27:02d}", rating, text])
    return path


def run(*argv):
    err = io.StringIO()
    code = main([str(a) for a in argv], err=err)
    return code, err.getvalue()


@pytest.fixture(scope="module")
def reviews(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reviews")
    rows = BASE * 4 + [(t, 1) for t in HOSTILE] + [("", 3)]
    return write_csv(folder / "reviews.csv", rows, group_name="<b onmouseover=alert(1)>店")


@pytest.fixture(scope="module")
def report(reviews, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "report.html"
    code, err = run("report", reviews, "--id", "编号", "--time", "日期", "--rating", "评分", "--group", "门店",
                    "-o", out, "--min-mentions", "3")
    assert code == 0, err  # one empty row: reported, not a failure
    assert "1 empty" in err
    return out


# --------------------------------------------------------------------------------------------------
# cxtext gap
# --------------------------------------------------------------------------------------------------


def test_gap_cli_reproduces_the_worked_example(tmp_path):
    out = tmp_path / "gap.json"
    code, err = run("gap", WORKED, "-o", out, "--report", tmp_path / "gap.html")
    assert code == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data)[:7] == ["factors", "themes", "key_experience", "brand_value", "requirements", "actions", "changes"]
    rows = {r["id"]: r for r in data["factors"]}
    table = {  # DOMAIN.md: actual, expectation, satisfaction, importance, weight, ideal, gap
        "price": (7, 7, 0, None, None, 7, 0), "brand": (7, 7, 0, None, None, 7, 0),
        "service": (6, 6, 0, None, None, 6, 0), "product": (6, 7, -1, None, None, 6, 0),
        "convenience": (5, 7, -2, 9, -18, 10, -5), "relationship": (4, 4, 0, None, None, 4, 0),
    }
    for ident, cells in table.items():
        r = rows[ident]
        got = (r["actual"], r["expectation"], r["satisfaction"], r["importance"], r["weight"], r["ideal"], r["gap"])
        assert got == cells, ident
    assert data["key_experience"] == ["convenience"]
    assert data["requirements"][0]["id"] == "convenience" and data["actions"][0]["rank"] == 1
    page = (tmp_path / "gap.html").read_text(encoding="utf-8")
    assert "便利性" in page and "-18.0" in page and 'id="key-experience">便利性<' in page


def test_gap_cli_derives_what_the_config_leaves_out(tmp_path, reviews):
    results = tmp_path / "results.jsonl"
    code, err = run("analyze", reviews, "--rating", "评分", "--time", "日期", "--group", "门店", "-o", results, "-q")
    assert code == 0, err
    cfg = tmp_path / "gap.yaml"
    cfg.write_text("factors:\n  convenience: {expectation: 8, importance: 9}\n", encoding="utf-8")
    out = tmp_path / "gap.json"
    code, err = run("gap", cfg, "-o", out, "--results", results, "--min-mentions", "3")
    assert code == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    conv = next(r for r in data["factors"] if r["id"] == "convenience")
    assert conv["expectation"] == 8 and conv["importance"] == 9
    assert conv["actual"] is not None and conv["n"] >= 3  # measured from the text
    assert data["methods"]["factor"]["importance"]["method"] in ("regression", "mention_share")


@pytest.mark.parametrize(
    "config, fragments",
    [
        ("factors:\n  convenience: {actual: 11}\n", ["gap.yaml:2", "factors.convenience.actual", "0 to 10"]),
        ("factors:\n  speed: {actual: 5}\n", ["gap.yaml:2", "unknown factor id", "convenience"]),
        ("factors: [\n", ["gap.yaml", "invalid YAML"]),
    ],
)
def test_gap_cli_bad_config_names_line_and_field(tmp_path, config, fragments):
    cfg = tmp_path / "gap.yaml"
    cfg.write_text(config, encoding="utf-8")
    code, err = run("gap", cfg, "-o", tmp_path / "gap.json")
    assert code == 2
    for f in fragments:
        assert f in err
    assert "Traceback" not in err and not (tmp_path / "gap.json").exists()


def test_gap_cli_bad_results_name_the_line(tmp_path):
    bad = tmp_path / "results.jsonl"
    bad.write_text('{"status": "ok", "factors": {}, "clauses": []}\n{"status": oops}\n', encoding="utf-8")
    code, err = run("gap", WORKED, "-o", tmp_path / "gap.json", "--results", bad)
    assert code == 2 and "results.jsonl:2" in err and "invalid JSON" in err
    code, err = run("gap", WORKED, "-o", tmp_path / "gap.json", "--results", tmp_path / "results.csv")
    assert code == 2 and ".jsonl" in err
    code, err = run("gap", WORKED, "-o", tmp_path / "gap.txt")
    assert code == 2 and ".json" in err


# --------------------------------------------------------------------------------------------------
# cxtext report
# --------------------------------------------------------------------------------------------------


def test_report_contents(report):
    page = report.read_text(encoding="utf-8")
    for heading in ("概览与数据质量", "七步差距模型", "体验对比图", "十大体验主题", "时间趋势", "分组对比",
                    "客户原话", "接触点与客户旅程阶段", "改进要求与行动计划", "与上期对比", "方法说明"):
        assert heading in page, heading
    rows = len(BASE) * 4 + len(HOSTILE) + 1
    assert f'id="rows-read">{rows}<' in page and f'id="rows-analysed">{rows - 1}<' in page
    assert "空文本" in page  # the skipped row, and why
    assert "<svg" in page and "关键体验" in page
    assert "R²" in page  # the methods section reports the fit


def test_report_keeps_hostile_text_inert(report):
    page = report.read_text(encoding="utf-8")
    assert DANGER.search(page) is None, DANGER.search(page)
    assert "<script" not in page.lower()
    # the words are there, as text
    assert "&lt;script&gt;" in page or "&lt;script&gt;alert" in page or "排队太久了，服务很差" in page
    assert "&lt;b onmouseover=alert(1)&gt;店" in page  # a hostile group name, escaped
    assert "{{ 7*7 }}" in page or "{{ 7*7 }}" in html.unescape(page)  # template syntax in text is not evaluated
    assert ">49<" not in page
    assert 'href="javascript' not in page.lower()
    # no reference to any other host
    assert re.search(r"(src|href)=\"(https?:)?//", page) is None


def test_report_history_compares_with_previous_run(reviews, tmp_path):
    out, hist = tmp_path / "r.html", tmp_path / "h.sqlite"
    code, err = run("report", reviews, "--rating", "评分", "-o", out, "--history", hist, "-q", "--min-mentions", "3")
    assert code == 0, err
    assert "暂无可对比的上期数据" in out.read_text(encoding="utf-8")
    code, err = run("report", reviews, "--rating", "评分", "-o", out, "--history", hist, "-q", "--min-mentions", "3")
    page = out.read_text(encoding="utf-8")
    assert "与上一次运行" in page and "reviews.csv" in page
    found = runs(hist)
    assert len(found) == 2 and found[-1].summary["rows"] == len(BASE) * 4 + len(HOSTILE) + 1
    assert found[-1].summary["factors"] and "key_experience" in found[-1].summary


def test_report_period_over_period_with_time(report):
    page = report.read_text(encoding="utf-8")
    assert "最近一期（2026-03）与上一期（2026-02）相比" in page


def test_report_english_and_template_dir(reviews, tmp_path):
    out = tmp_path / "en.html"
    code, err = run("report", reviews, "--rating", "评分", "-o", out, "--lang", "en", "--no-history", "-q")
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert "The seven-step gap model" in page and 'lang="en"' in page and "History is off" in page
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "strings.yaml").write_text("zh:\n  title: 鑫达门店体验月报\n", encoding="utf-8")
    out2 = tmp_path / "zh.html"
    code, err = run("report", reviews, "-o", out2, "--template-dir", mine, "--no-history", "-q")
    page = out2.read_text(encoding="utf-8")
    assert "鑫达门店体验月报" in page and "七步差距模型" in page  # the rest comes from the shipped strings
    (mine / "report.html.j2").write_text("{{ meta.title }}|{{ overview.rows }}|{{ steps[0].name }}", encoding="utf-8")
    code, err = run("report", reviews, "-o", out2, "--template-dir", mine, "--no-history", "-q")
    assert out2.read_text(encoding="utf-8").startswith("鑫达门店体验月报|")


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["-o", "{tmp}/r.pdf"], ".html"),
        (["-o", "{tmp}/nowhere/r.html"], "does not exist"),
        (["-o", "{tmp}/r.html", "--group", "分店"], "no column '分店'"),
        (["-o", "{tmp}/r.html", "--template-dir", "{tmp}/missing"], "not a folder"),
        (["-o", "{tmp}/r.html", "--config", "{tmp}/none.yaml"], "config file not found"),
    ],
)
def test_report_usage_errors(reviews, tmp_path, argv, fragment):
    code, err = run("report", reviews, *[a.format(tmp=tmp_path) for a in argv])
    assert code == 2 and fragment in err and "Traceback" not in err


def test_history_file_errors(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(InputError, match="not a cxtext history"):
        last_run(junk)
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE runs (x INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="not a cxtext history"):
        save_run(other, {}, input="a", rows=0)
    assert last_run(tmp_path / "absent.sqlite") is None
    saved = save_run(tmp_path / "h.sqlite", {"factors": [{"id": "price", "actual": 6.5}]}, input="a.csv", rows=3)
    assert last_run(tmp_path / "h.sqlite") == saved


# --------------------------------------------------------------------------------------------------
# In a real browser
# --------------------------------------------------------------------------------------------------

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]
CHROMIUM = Path("/usr/bin/chromium")


def test_report_in_headless_chromium(report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    page_url = report.resolve().as_uri()
    console, requests, dialogs = [], [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: console.append((m.type, m.text)))
            page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_url)
            page.wait_for_load_state("load")
            body = page.inner_text("body")
            key = page.inner_text("#key-experience") if page.query_selector("#key-experience") else ""
            page.hover("text=店")  # the hostile group name's onmouseover must not exist
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert [c for c in console if c[0] in ("error", "pageerror")] == []
    assert dialogs == []  # no alert() ran
    assert requests == [page_url]
    rows = len(BASE) * 4 + len(HOSTILE) + 1
    assert str(rows) in body and "七步差距模型" in body and "<script>alert('xss')</script>" in body
    assert key  # the key experience is named
    assert shot.stat().st_size > 50_000


# --------------------------------------------------------------------------------------------------
# Emotions, effort, churn and escalation; the run options (workers, Dask)
# --------------------------------------------------------------------------------------------------

# hostile rows come first: the signal quotes are the first ones in input order
SIGNAL_ROWS = [
    "排队等了一个多小时，再也不来了", "打了三次电话都没人管，我要投诉到12315", "服务员态度差，爱答不理，很生气",
    "价格便宜，服务很热情，很开心", "转了三次人工，填了五六张表，太麻烦", "送货太慢，等了两个小时，失望",
]
HOSTILE_SIGNALS = [
    "<script>alert('churn')</script>再也不来了，态度恶劣",
    '<img src=x onerror="alert(2)">等了两个小时，我要投诉到12315',
    "</style><svg onload=alert(3)>转了三次人工，太麻烦了，很生气",
]


@pytest.fixture(scope="module")
def signal_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("signals") / "complaints.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["编号", "评论"])
        for i, text in enumerate(HOSTILE_SIGNALS + SIGNAL_ROWS * 10):
            w.writerow([f"C{i:03d}", text])
    return path


def _section(page: str, ident: str) -> str:
    start = page.index(f'<section id="{ident}">')
    return page[start:page.index("</section>", start)]


def test_report_signal_sections(signal_file, tmp_path, analyzer):
    out = tmp_path / "r.html"
    code, err = run("report", signal_file, "--text", "评论", "-o", out, "--no-history", "-q", "--min-mentions", "3",
                    "--workers", "1")
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    part = _section(page, "signals")
    for heading in ("情绪、客户费力度与流失风险", "各因素与主题的情绪", "客户费力度", "流失、升级与服务态度投诉"):
        assert heading in part, heading
    # the counts are the SignalSummary's, shown as such
    from cxtext._signal_summary import summarize_signals

    expected = summarize_signals(analyzer.analyze(t) for t in HOSTILE_SIGNALS + SIGNAL_ROWS * 10)
    for risk in ("churn", "escalation", "staff_attitude"):
        assert f'id="risk-{risk}">{expected.risk_docs[risk]}<' in part
    assert expected.risk_docs["churn"] >= 10 and expected.risk_docs["escalation"] >= 10
    effort = expected.effort()
    assert f'id="effort-median-wait">{effort["median_wait_minutes"]:.1f}<' in part
    assert f'id="effort-repeat">{effort["repeat_contacts"]}<' in part
    assert "愤怒" in part and "失望" in part and "再也不来了" in part
    # no rating column and enough churn: the methods section says churn was the outcome
    methods = _section(page, "methods")
    assert "因素重要性以流失信号" in methods


def test_report_signal_quotes_keep_hostile_text_inert(signal_file, tmp_path):
    out = tmp_path / "r.html"
    code, err = run("report", signal_file, "--text", "评论", "-o", out, "--no-history", "-q", "--lang", "en")
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    part = _section(page, "signals")
    assert "Customer effort" in part and "Churn (won&#39;t come back" in part
    assert DANGER.search(page) is None, DANGER.search(page)
    assert "&lt;script&gt;alert(&#39;churn&#39;)&lt;/script&gt;再也不来了" in part  # a churn quote, as text
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in part  # an escalation quote, as text
    assert "&lt;/style&gt;&lt;svg onload=alert(3)&gt;" in part  # an effort quote, as text


def _without_timestamp(path: Path) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def one_worker(signal_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("w1") / "r.html"
    code, err = run("report", signal_file, "--text", "评论", "--id", "编号", "-o", out, "--no-history", "-q",
                    "--min-mentions", "3", "--workers", "1", "--chunk-size", "7")
    assert code == 0, err
    return _without_timestamp(out)


def test_report_same_with_two_spawned_workers(signal_file, one_worker, tmp_path):
    out = tmp_path / "r.html"
    code, err = run("report", signal_file, "--text", "评论", "--id", "编号", "-o", out, "--no-history", "-q",
                    "--min-mentions", "3", "--workers", "2", "--chunk-size", "7")
    assert code == 0, err
    assert _without_timestamp(out) == one_worker
    # and the same as one chunk read whole
    whole = tmp_path / "whole.html"
    code, err = run("report", signal_file, "--text", "评论", "--id", "编号", "-o", whole, "--no-history", "-q",
                    "--min-mentions", "3", "--workers", "1")
    assert code == 0, err
    assert _without_timestamp(whole) == one_worker


@pytest.mark.dask
def test_report_same_on_a_dask_local_cluster(signal_file, one_worker, tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "r.html"
    code, err = run("report", signal_file, "--text", "评论", "--id", "编号", "-o", out, "--no-history", "-q",
                    "--min-mentions", "3", "--workers", "2", "--chunk-size", "7", "--engine", "dask")
    assert code == 0, err
    assert _without_timestamp(out) == one_worker
