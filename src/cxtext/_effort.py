"""Customer effort stated with a quantity: waiting time, contacts, visits, transfers, forms.

Customers report effort in numbers written the Chinese way (等了一个多小时, 打了三次电话, 跑了好几趟,
转了三次人工, 填五六张表). This module finds such statements in normalised text and turns them into
numbers: minutes for waiting, counts for the rest. It is pure (text in, quantities out) and knows no
lexicon, so the clause rules (a stated wait is a negative convenience opinion) and the signal detector
share one reading of the same words.

How vague numbers are read (``approx`` is true for all of them):

- 几 and 好几 are 3; 十几 is 15, 二十几 25; 几十 is 30, 几百 300.
- a range of two neighbouring numerals takes its midpoint: 两三 2.5, 五六 5.5, 七八 7.5.
- 多 adds half the order of magnitude: 一个多小时 1.5 hours, 十多分钟 15, 二十多天 25, 一百多 150;
  半个多小时 is 45 minutes; 一个半小时 1.5 hours.
- 半天 and 一上午 / 一下午 are 240 minutes (half a working day), 一晚上 480, 大半天 360.

Counts (contacts, visits, transfers, forms) are rounded up to whole numbers (五六次 → 6) and start at
2: one contact or visit is not repeat effort (第一次去, 去过一次). Units: a month is 30 days, a year 365
days; 1小时20分钟 is 80 minutes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Quantity", "EFFORT_KINDS", "find_quantities", "find_waits", "find_counts", "parse_number"]

EFFORT_KINDS = ("wait", "contacts", "visits", "transfers", "forms")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_MINUTES = {
    "秒": 1 / 60, "秒钟": 1 / 60, "分钟": 1.0, "分多钟": 1.0, "刻钟": 15.0, "小时": 60.0, "钟头": 60.0, "钟": 60.0,
    "天": 1440.0, "日": 1440.0, "星期": 10080.0, "礼拜": 10080.0, "周": 10080.0, "月": 43200.0, "年": 525600.0,
}
_SPECIAL = {
    "半天": 240.0, "大半天": 360.0, "一上午": 240.0, "一下午": 240.0, "整个上午": 240.0, "整个下午": 240.0,
    "一早上": 240.0, "一晚上": 480.0, "一整晚": 480.0, "一宿": 480.0, "半宿": 240.0, "一整天": 1440.0,
    "整整一天": 1440.0, "一天一夜": 1440.0,
}

_NUM = r"(?:\d+(?:\.\d+)?|好?[零〇一二两三四五六七八九十百千万几]+|半)"
_DURATION = (
    r"(?:(?P<special>" + "|".join(sorted(map(re.escape, _SPECIAL), key=len, reverse=True)) + r")"
    r"|(?P<num>" + _NUM + r")(?P<ge>个)?(?P<duo>多)?(?P<ban>半)?个?"
    r"(?P<unit>分钟|分多钟|秒钟|秒|刻钟|小时|钟头|个钟|钟|天|日|星期|礼拜|周|月|年)"
    r"(?:零?(?P<minutes>\d{1,2}|[一二三四五六七八九十]{1,3})分(?:钟)?)?)"  # 1小时20分钟
)
_MOD = r"(?:足足|整整|将近|快要|快|差不多|大概|大约|至少|起码|最少|不止|不下|长达|超过|多达|近|有|了|都)"
_SHORT_MOD = r"(?P<short>不到|不超过|没超过|没到|还不到|才|只|就|仅|仅仅)"
_WAIT_VERB = (
    r"(?:排队排了|排队等了|等位等了|等号等了|等了|等待了?|等候了?|干等了?|候了|排了|排队|耗了|拖了|"
    r"延误了?|晚点了?|耽误了|浪费了|花了|晚了|晚送了|晚到了|迟了|延迟了?|超时了?|等)"
)
# 等了一个多小时, 排队排了足足两个小时, 排队不到十分钟
_WAIT = re.compile(_WAIT_VERB + r"(?:" + _SHORT_MOD + r"|" + _MOD + r"){0,2}" + _DURATION)
# 一个小时才上菜, 三个多小时才看上, 一个小时过去了: the duration first, then what finally happened.
_WAIT_AFTER = re.compile(
    _DURATION + r"(?:了|都|已经)?(?:才(?:上|到|来|轮到|排到|等到|接通|有人|叫到|看上|办好|办完|办上|处理|回复|"
    r"解决|送到|送来|拿到|出来|出结果|通知|退|修好|联系|打来|回电)|(?:都|已经)?过去了)"
)
# Cheap gates: most texts state no duration and no count, and skip the patterns altogether.
_ANY_DURATION = re.compile(r"[\d一二两三四五六七八九十几半]个?多?半?个?(?:分|秒|刻钟|小时|钟|天|日|星期|礼拜|周|月|年)"
                           r"|半天|上午|下午|早上|晚上|一宿|半宿|整天")
_ANY_WAIT_VERB = re.compile("等|排|耗|拖|延误|延迟|晚点|耽误|浪费|花了|候|干等|晚|迟|超时")
_AFTER_CUE = re.compile("才|过去")
_ANY_COUNT = re.compile(r"(?:[\d二两三四五六七八九十几]|十一)多?(?:次|遍|回|通|趟|份|张|道|步|页|种|样|个)")
_SHORT_BEFORE = ("才", "只", "就", "仅")
_NOT_BEFORE = ("没", "不用", "无需", "不必", "不需要", "没有")  # 没等几分钟: no wait at all

_COUNT = r"(?P<num>" + _NUM + r")(?P<duo>多)?"
_FILL = r"[^，。！？,.!?；;：:\s\d零〇一二两三四五六七八九十百千万几半好转次遍回趟]{0,4}?"
_CONTACT_VERB = (
    r"(?:打了|打过|拨了|拨打了?|致电|电话|联系了?|联系过|找了|找过|催了|催过|问了|问过|说了|反映了?|"
    r"反馈了?|投诉了?|咨询了?|留言了?|申诉了?|沟通了?|报修了?|打电话|约了)"
)
_VISIT_VERB = r"(?:来回跑了|跑了|跑过|白跑了|往返了?|折腾了|上门了?|(?P<amb>去了|来了|到了|去过|来过))"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("transfers", re.compile(r"(?:被)?转(?:接)?了?我?" + _COUNT + r"(?:次|遍|回|道|手)(?:人工|客服|电话)?")),
    ("transfers", re.compile(r"(?:被)?(?:转|转接|换|推)了?我?给?" + _COUNT
                             + r"个(?:人工|客服|部门|窗口|人|坐席|专员|工号|地方|科室)")),
    ("contacts", re.compile(_CONTACT_VERB + _FILL + _COUNT + r"(?:次|遍|回|通|个电话)")),
    ("contacts", re.compile(_COUNT + r"次(?:打电话|打客服|致电|联系|找客服|催|反映|投诉)")),
    ("contacts", re.compile(r"第" + _COUNT + r"次(?:打|联系|找|致电|投诉|反映|催|反馈|报修)")),
    ("visits", re.compile(_VISIT_VERB + _FILL + _COUNT + r"(?:趟|次|回|个(?:部门|地方|窗口|网点|营业厅|医院|科室|单位))")),
    ("visits", re.compile(r"(?:跑|去|来)" + _COUNT + r"(?:趟|次|回)")),
    ("visits", re.compile(_COUNT + r"趟")),
    ("forms", re.compile(r"(?:填了?|填写了?|交了?|提交了?|补交了?|准备了?|复印了?|签了?|盖了?|开了?|要)" + _FILL + _COUNT
                         + r"(?:张|份|个|页|种|样|道)(?:表|表格|单|单子|申请|申请表|材料|资料|证明|复印件|证件|章|字|手续|文件)")),
    ("forms", re.compile(r"(?:材料|资料|证明|表格|表|文件|复印件)" + _FILL + r"(?:交了?|填了?|提交了?|准备了?|开了?|补了)"
                         + _COUNT + r"(?:张|份|个|页|种|样|次)")),
    ("forms", re.compile(_COUNT + r"(?:道|个|步)(?:手续|流程|步骤|环节|审批|章)")),
)
_MIN_COUNT = 2
# A character or word each kind's patterns need; a text without any of them skips those patterns.
_GATES = {
    "transfers": re.compile("转|换|推"),
    "contacts": re.compile("打|拨|致电|电话|联系|找|催|问|说|反映|反馈|投诉|咨询|留言|申诉|沟通|报修|call|约"),
    "visits": re.compile("趟|跑|去|来|到|往返|折腾|上门"),
    "forms": re.compile("表|单|材料|资料|证明|章|字|手续|流程|步骤|环节|审批|文件|证件|复印件|申请"),
}


@dataclass(frozen=True, slots=True)
class Quantity:
    """One stated quantity of effort, with offsets into the text it was found in.

    ``value`` is in minutes for ``wait`` and a count for the other kinds. ``short`` marks a wait the
    customer calls short (不到十分钟, 只等了五分钟); ``ambiguous`` marks visits that may be loyalty
    rather than effort (来了三次) and count only when the document is not positive.
    """

    kind: str
    term: str
    start: int
    end: int
    value: float
    approx: bool = False
    short: bool = False
    ambiguous: bool = False


def _integer(s: str) -> int | None:
    """Chinese numerals without 几: 三, 十五, 二十, 一百二十, 两千."""
    if not s:
        return None
    total = 0
    current = 0
    digit_before = False
    for ch in s:
        if ch in _DIGITS:
            if digit_before and ch not in "零〇":
                return None  # 三五七: not a number
            current = _DIGITS[ch]
            digit_before = ch not in "零〇"
            continue
        digit_before = False
        if ch in _UNITS:
            unit = _UNITS[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def parse_number(s: str) -> tuple[float, bool] | None:
    """The value of a numeral as customers write it, and whether it is approximate (see module doc)."""
    if not s:
        return None
    if s[0].isdigit():
        try:
            return float(s), False
        except ValueError:
            return None
    if s == "半":
        return 0.5, False
    approx = False
    if s.startswith("好"):
        s, approx = s[1:], True
    if "几" in s:
        if s == "几":
            return 3.0, True
        if s.endswith("几") and s[-2] in _UNITS:  # 十几, 二十几: a units digit of about 5
            base = _integer(s[:-1])
            return (None if base is None else (float(base + 5), True))
        if s.startswith("几") and len(s) >= 2 and s[1] in _UNITS:  # 几十, 几百
            rest = _integer("三" + s[1:])
            return None if rest is None else (float(rest), True)
        return None
    if len(s) == 2 and s[0] in _DIGITS and s[1] in _DIGITS:
        a, b = _DIGITS[s[0]], _DIGITS[s[1]]
        if b == a + 1 or (s[0] == "两" and b == 3) or (s == "一两"):
            return (a + b) / 2, True
        return None
    value = _integer(s)
    return None if value is None else (float(value), approx)


def _more(value: float, ge: bool) -> float:
    """多 after a number: 一个多 → +0.5, 十多 → +5, 一百多 → +50."""
    if value < 1:
        return value + 0.25
    if value < 10 or ge:
        return value + 0.5
    return value + 10 ** math.floor(math.log10(value)) / 2


def _duration(m: re.Match[str]) -> tuple[float, bool] | None:
    special = m.group("special")
    if special:
        return _SPECIAL[special], True
    parsed = parse_number(m.group("num"))
    if parsed is None:
        return None
    value, approx = parsed
    if m.group("duo"):
        value, approx = _more(value, bool(m.group("ge"))), True
    if m.group("ban"):
        value += 0.5
    unit = m.group("unit")
    minutes = value * _MINUTES["小时" if unit == "个钟" else unit]
    extra = m.group("minutes")
    if extra and unit in ("小时", "钟头", "个钟", "钟"):
        parsed_extra = parse_number(extra)
        if parsed_extra is not None:
            minutes += parsed_extra[0]
    return minutes, approx


def _windows(spans: list[tuple[int, int]], before: int, after: int, n: int) -> list[tuple[int, int]]:
    """Merged windows around gate hits, so a pattern runs over a few characters, not the whole text."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        lo, hi = max(0, s - before), min(n, e + after)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def find_waits(text: str) -> list[Quantity]:
    """Waits stated with a duration, in minutes (等了一个多小时 → 90), left to right, not overlapping."""
    if _ANY_DURATION.search(text) is None:
        return []
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str]) -> None:
        s, e = m.span()
        if any(s < te and ts < e for ts, te in taken):
            return
        got = _duration(m)
        if got is None:
            return
        before = text[max(0, s - 3) : s]
        if before.endswith(_NOT_BEFORE):
            return
        short = bool(m.groupdict().get("short")) or before.endswith(_SHORT_BEFORE)
        found.append(Quantity("wait", m.group(0), s, e, got[0], got[1], short))
        taken.append((s, e))

    # 等了…: try the pattern only where a waiting verb starts
    for v in _ANY_WAIT_VERB.finditer(text):
        m = _WAIT.match(text, v.start())
        if m is not None:
            add(m)
    # …才上菜, …过去了: only in a window before each 才 / 过去
    after = [m.span() for m in _AFTER_CUE.finditer(text)]
    for lo, hi in _windows(after, 16, 8, len(text)):
        for m in _WAIT_AFTER.finditer(text, lo, hi):
            add(m)
    found.sort(key=lambda q: q.start)
    return found


def find_quantities(text: str) -> list[Quantity]:
    """Every stated effort quantity in ``text``: waits, then contacts, visits, transfers and forms."""
    found = find_waits(text)
    return sorted(found + find_counts(text, [(q.start, q.end) for q in found]), key=lambda q: q.start)


def find_counts(text: str, taken: list[tuple[int, int]] | None = None) -> list[Quantity]:
    """Contacts, visits, transfers and forms stated with a number of 2 or more; ``taken`` spans are skipped."""
    spans = [m.span() for m in _ANY_COUNT.finditer(text)]
    if not spans:
        return []
    found: list[Quantity] = []
    taken = list(taken or ())
    windows = _windows(spans, 14, 12, len(text))
    for kind, pattern in _PATTERNS:
        if _GATES[kind].search(text) is None:
            continue
        for m in (m for lo, hi in windows for m in pattern.finditer(text, lo, hi)):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            parsed = parse_number(m.group("num"))
            if parsed is None:
                continue
            value, approx = parsed
            if m.group("duo"):
                value, approx = _more(value, False), True
            if value < _MIN_COUNT or value > 1000:
                continue  # one contact or visit is not repeat effort (第一次去, 去过一次)
            ambiguous = bool(m.groupdict().get("amb")) and not m.group(0).endswith("趟")
            found.append(Quantity(kind, m.group(0), s, e, float(math.ceil(value - 1e-9)), approx, False, ambiguous))
            taken.append((s, e))
    return found
