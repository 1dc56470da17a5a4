"""Effort quantities: Chinese numerals and durations read the way a customer means them."""

from __future__ import annotations

import pytest

from cxtext._effort import find_quantities, find_waits, parse_number


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [("三", 3, False), ("两", 2, False), ("十五", 15, False), ("二十", 20, False), ("一百二十", 120, False),
     ("40", 40, False), ("2.5", 2.5, False), ("半", 0.5, False), ("几", 3, True), ("好几", 3, True),
     ("十几", 15, True), ("二十几", 25, True), ("几十", 30, True), ("两三", 2.5, True), ("五六", 5.5, True),
     ("七八", 7.5, True), ("一两", 1.5, True)],
)
def test_numbers(text, value, approx):
    assert parse_number(text) == (value, approx)


@pytest.mark.parametrize("text", ["", "好", "三五七"])
def test_not_numbers(text):
    assert parse_number(text) is None


WAITS = [
    ("等了一个多小时", 90),
    ("排队两小时", 120),
    ("排队排了足足两个小时", 120),
    ("等了半个小时", 30),
    ("等了半个多小时", 45),
    ("等了一个半小时", 90),
    ("等了十多分钟", 15),
    ("等了二十几分钟", 25),
    ("等了40多分钟", 45),
    ("等了1小时20分钟", 80),
    ("排了一上午的队", 240),
    ("等了半天", 240),
    ("等了五天", 5 * 1440),
    ("等了快一个月", 30 * 1440),
    ("航班延误了五个小时", 300),
    ("一个小时才上了两个菜", 60),
    ("两个多小时才送到", 150),
    ("等了三个钟头", 180),
    ("晚了40分钟", 40),  # lateness is waiting too
    ("外卖晚送了一个小时", 60),
    ("快递延迟了两天", 2 * 1440),
]


@pytest.mark.parametrize(("text", "minutes"), WAITS)
def test_waits_in_minutes(text, minutes):
    waits = find_waits(text)
    assert len(waits) == 1, waits
    assert waits[0].value == pytest.approx(minutes)
    assert text[waits[0].start : waits[0].end] == waits[0].term


@pytest.mark.parametrize(
    "text",
    ["酒店离地铁站就五分钟", "用了五年了质量很好", "2008年入住", "十分满意", "没等几分钟就好了", "三天就到了"],
)
def test_not_waits(text):
    assert find_waits(text) == []


@pytest.mark.parametrize("text", ["排队不到十分钟", "只等了五分钟", "才等了两分钟"])
def test_short_waits_are_marked(text):
    (w,) = find_waits(text)
    assert w.short


QUANTITIES = [
    ("打了三次电话", "contacts", 3),
    ("电话打了十几次都打不通", "contacts", 15),
    ("联系了五次客服", "contacts", 5),
    ("找了班主任五次", "contacts", 5),
    ("催了好几次", "contacts", 3),
    ("打了五六个电话", "contacts", 6),
    ("这是我第五次投诉了", "contacts", 5),
    ("跑了好几趟", "visits", 3),
    ("来回跑了五六趟", "visits", 6),
    ("跑了四个部门", "visits", 4),
    ("还得本人去三次", "visits", 3),
    ("转了三次人工", "transfers", 3),
    ("被转了三个窗口", "transfers", 3),
    ("换了四个客服", "transfers", 4),
    ("填五六张表", "forms", 6),
    ("要盖五个章", "forms", 5),
    ("理赔材料交了七八份", "forms", 8),
    ("要求交十几份材料", "forms", 15),
]


@pytest.mark.parametrize(("text", "kind", "value"), QUANTITIES)
def test_counts(text, kind, value):
    found = [q for q in find_quantities(text) if q.kind == kind]
    assert [q.value for q in found] == [value], find_quantities(text)


@pytest.mark.parametrize("text", ["第一次去郑州", "去过一次", "每半个小时一趟", "原来一次性的刮胡子刀", "点了两个菜"])
def test_single_or_unrelated_counts_are_not_effort(text):
    assert find_quantities(text) == []


def test_loyal_visits_are_marked_ambiguous():
    (q,) = find_quantities("来了三次，每次都很满意")
    assert q.kind == "visits" and q.ambiguous
