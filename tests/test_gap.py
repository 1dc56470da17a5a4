"""Tests for the seven-step gap model (cxtext._gap).

The worked example of DOMAIN.md is the reference case: every cell of its table is checked against
the shipped examples/gap_worked_example.yaml.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import pickle
from pathlib import Path

import pytest

from cxtext._errors import ConfigError
from cxtext._gap import (
    ENTRY_KEYS,
    FACTOR_IDS,
    FACTOR_NAMES,
    THEME_IDS,
    THEME_NAMES,
    GapConfig,
    GapEntry,
    GapModel,
    GapReport,
    GapResult,
    GapRow,
    load_gap_config,
)

ROOT = Path(__file__).resolve().parents[1]
WORKED_EXAMPLE = ROOT / "examples" / "gap_worked_example.yaml"

ROW_KEYS = ["id", "name", "actual", "expectation", "satisfaction", "importance", "weight", "ideal", "gap", "n"]
TOP_KEYS = ["factors", "themes", "key_experience", "brand_value", "requirements", "actions", "changes"]


def write(tmp_path: Path, text: str, name: str = "gap.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def worked() -> GapResult:
    return GapModel().compute(config=load_gap_config(WORKED_EXAMPLE))


# --------------------------------------------------------------------------------------------------
# The worked example: every cell of the DOMAIN.md table
# --------------------------------------------------------------------------------------------------

# factor, 2a actual, 2b expectation, 2c satisfaction, 2d importance, 3 weight, 4a ideal, 4b gap
DOMAIN_TABLE = [
    ("price", 7, 7, 0, None, None, 7, 0),
    ("brand", 7, 7, 0, None, None, 7, 0),
    ("service", 6, 6, 0, None, None, 6, 0),
    ("product", 6, 7, -1, None, None, 6, 0),
    ("convenience", 5, 7, -2, 9, -18, 10, -5),
    ("relationship", 4, 4, 0, None, None, 4, 0),
]


@pytest.mark.parametrize("ident,actual,expectation,satisfaction,importance,weight,ideal,gap", DOMAIN_TABLE)
def test_worked_example_every_cell(
    worked, ident, actual, expectation, satisfaction, importance, weight, ideal, gap
):
    row = worked.row(ident)
    assert row.actual == actual
    assert row.expectation == expectation
    assert row.satisfaction == satisfaction
    assert row.importance == importance
    assert row.weight == weight
    assert row.ideal == ideal
    assert row.gap == gap
    # The JSON shows the same numbers.
    shown = row.to_dict()
    cells = ("actual", "expectation", "satisfaction", "importance", "weight", "ideal", "gap")
    assert [shown[k] for k in cells] == [actual, expectation, satisfaction, importance, weight, ideal, gap]


def test_worked_example_key_experience_and_sources(worked):
    assert worked.key_experience == ("convenience",)
    assert worked.kind == "factor"
    assert {r.id for r in worked.rows} == set(FACTOR_IDS)
    # service and relationship have no expectation in the source: taken as met.
    assert worked.row("service").expectation_source == "met"
    assert worked.row("relationship").expectation_source == "met"
    assert worked.row("product").expectation_source == "config"
    assert worked.row("convenience").ideal_source == "key"
    assert worked.row("price").ideal_source == "actual"
    assert all(r.actual_source == "config" for r in worked.rows)
    # Step 1 without praise data: the highest actual (price and brand, both 7).
    assert set(worked.brand_value) == {"price", "brand"}
    assert worked.brand_value_source == "actual"
    # Step 5 and 6: the only negative gap.
    assert [r.id for r in worked.requirements] == ["convenience"]
    assert worked.requirements[0].statement.startswith("提升便利性")
    assert [a.id for a in worked.actions] == ["convenience"]
    assert worked.changes == ()


def test_worked_example_config_values():
    config = load_gap_config(WORKED_EXAMPLE)
    assert config.scale == 10
    assert config.themes == {}
    assert config.path == str(WORKED_EXAMPLE)
    assert config.factors["convenience"] == GapEntry(
        actual=5, expectation=7, importance=9, priority=5, capability=4
    )
    assert config.factors["service"] == GapEntry(actual=6)


# --------------------------------------------------------------------------------------------------
# Steps 2-4 arithmetic
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual,expectation,importance,satisfaction,weight,exp_source",
    [
        (5, 7, 9, -2, -18, "estimate"),
        (8, 6, 5, 2, 10, "estimate"),
        (7.5, 7.5, 3, 0, 0, "estimate"),
        (6, None, 9, 0, 0, "met"),
        (6, 7, None, -1, None, "estimate"),
        (0, 10, 10, -10, -100, "estimate"),
        (2.5, 4, 2, -1.5, -3, "estimate"),
    ],
)
def test_arithmetic(actual, expectation, importance, satisfaction, weight, exp_source):
    result = GapModel().compute(
        {"price": actual},
        expectation={"price": expectation},
        importance={"price": importance},
    )
    row = result.row("price")
    assert row.actual == actual
    assert row.expectation == (actual if expectation is None else expectation)
    assert row.expectation_source == exp_source
    assert row.satisfaction == satisfaction
    assert row.weight == weight
    if weight is not None and weight < 0:
        assert result.key_experience == ("price",)
        assert (row.ideal, row.gap) == (10, actual - 10)
    else:
        assert result.key_experience == ()
        assert (row.ideal, row.gap) == (actual, 0)


@pytest.mark.parametrize(
    "weights_in,key",
    [
        # id: (actual, expectation, importance)
        ({"price": (5, 7, 9), "service": (4, 6, 9)}, ("service", "price")),  # exact tie, both kept
        ({"price": (5, 7, 9), "service": (4, 6, 8)}, ("price",)),
        ({"price": (7.0, 7.1, 3), "service": (7.0, 7.3, 1)}, ("service", "price")),  # float noise is a tie
        ({"price": (7, 6, 9), "service": (6, 6, 9)}, ()),  # no negative weight
        ({"price": (5, 7, None), "service": (4, 8, None)}, ()),  # no importance, no weight
    ],
)
def test_key_experience(weights_in, key):
    result = GapModel().compute(
        {i: v[0] for i, v in weights_in.items()},
        expectation={i: v[1] for i, v in weights_in.items()},
        importance={i: v[2] for i, v in weights_in.items()},
    )
    assert result.key_experience == key  # in id order (FACTOR_IDS: service before price)
    for row in result.rows:
        if row.id in key:
            assert row.ideal == 10 and row.ideal_source == "key"
        else:
            assert row.ideal == row.actual and row.gap == 0
    assert [r.id for r in result.requirements] == sorted(key, key=lambda i: result.row(i).gap)


def test_no_negative_weight_means_no_key_no_requirements():
    result = GapModel().compute(
        {"price": 7, "service": 8}, expectation={"price": 6, "service": 8}, importance={"price": 9, "service": 9}
    )
    assert result.key_experience == ()
    assert result.requirements == ()
    assert result.actions == ()
    assert all(r.gap == 0 for r in result.rows)


def test_key_ideal_parameter():
    result = GapModel(key_ideal=9).compute(
        {"convenience": 5}, expectation={"convenience": 7}, importance={"convenience": 9}
    )
    row = result.row("convenience")
    assert (row.ideal, row.gap) == (9, -4)


def test_importance_missing_gives_no_weight():
    row = GapModel().compute({"price": 5}, expectation={"price": 7}).row("price")
    assert row.importance is None and row.importance_source == "missing"
    assert row.weight is None
    assert row.satisfaction == -2


# --------------------------------------------------------------------------------------------------
# Missing data
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_none_actual_propagates(missing):
    result = GapModel().compute(
        {"relationship": missing, "price": 5},
        expectation={"relationship": 7, "price": 7},
        importance={"relationship": 9, "price": 1},
        n={"relationship": 2, "price": 40},
    )
    row = result.row("relationship")
    assert row.actual is None and row.actual_source == "missing"
    assert row.expectation == 7
    assert row.satisfaction is None
    assert row.weight is None
    assert row.ideal is None and row.ideal_source == "missing"
    assert row.gap is None
    assert row.n == 2
    assert result.key_experience == ("price",)
    assert result.row("price").n == 40
    assert result.to_dict()["factors"][0] == {
        "id": "relationship", "name": "关系", "actual": None, "expectation": 7.0, "satisfaction": None,
        "importance": 9.0, "weight": None, "ideal": None, "gap": None, "n": 2,
    }


def test_none_actual_without_expectation_stays_none():
    row = GapModel().compute({"brand": None}, n={"brand": 0}).row("brand")
    assert (row.actual, row.expectation, row.satisfaction, row.gap) == (None, None, None, None)
    assert row.expectation_source == "met"
    assert row.n == 0


def test_ci_and_n_carried_ci_dropped_when_config_replaces_actual():
    config = GapConfig(factors={"price": GapEntry(actual=6)})
    result = GapModel().compute(
        {"price": 7.2, "service": 6.1},
        ci={"price": (6.8, 7.6), "service": (5.0, 7.0)},
        n={"price": 120, "service": 15},
        config=config,
    )
    assert result.row("service").actual_ci == (5.0, 7.0)
    assert result.row("service").actual_source == "measured"
    assert result.row("price").actual == 6 and result.row("price").actual_source == "config"
    assert result.row("price").actual_ci is None
    assert result.row("price").n == 120


def test_config_wins_over_estimates():
    config = GapConfig(factors={"price": GapEntry(expectation=8, importance=4)})
    result = GapModel().compute({"price": 6}, expectation={"price": 5}, importance={"price": 9}, config=config)
    row = result.row("price")
    assert (row.expectation, row.expectation_source) == (8, "config")
    assert (row.importance, row.importance_source) == (4, "config")
    assert row.weight == -8


# --------------------------------------------------------------------------------------------------
# Step 4a override, steps 1, 5, 6
# --------------------------------------------------------------------------------------------------


def test_ideal_override_from_config(tmp_path):
    path = write(
        tmp_path,
        "factors:\n"
        "  price: {actual: 7, ideal: 9}\n"
        "  convenience: {actual: 5, expectation: 7, importance: 9, ideal: 8}\n",
    )
    result = GapModel().compute(config=load_gap_config(path))
    price = result.row("price")
    assert (price.ideal, price.gap, price.ideal_source) == (9, -2, "config")
    conv = result.row("convenience")  # the key experience, but the config's ideal wins over key_ideal
    assert result.key_experience == ("convenience",)
    assert (conv.ideal, conv.gap, conv.ideal_source) == (8, -3, "config")
    assert [r.id for r in result.requirements] == ["convenience", "price"]  # largest gap first


@pytest.mark.parametrize(
    "praise,top,expected,source",
    [
        ({"service": 0.5, "price": 0.3, "brand": 0.2}, 1, ("service",), "praise"),
        ({"service": 0.5, "price": 0.3, "brand": 0.2}, 2, ("service", "price"), "praise"),
        ({"service": 0.4, "price": 0.4, "brand": 0.2}, 1, ("service", "price"), "praise"),
        ({"service": 0.0, "price": None}, 1, (), "praise"),
        (None, 1, ("brand",), "actual"),
        (None, 2, ("brand", "service", "price"), "actual"),
    ],
)
def test_brand_value(praise, top, expected, source):
    actual = {"service": 6, "price": 6, "brand": 8, "product": 3}
    result = GapModel(brand_value_top=top).compute(actual, praise=praise)
    assert result.brand_value == expected
    assert result.brand_value_source == source


def test_requirements_from_complaints_and_quotes():
    result = GapModel(max_phrases=2).compute(
        {"convenience": 5},
        expectation={"convenience": 7},
        importance={"convenience": 9},
        complaints={"convenience": ["排队", "门店少", "排队", " ", "营业时间短"]},
        quotes={"convenience": ["每次都要排很久的队", "附近只有一家店"]},
    )
    (req,) = result.requirements
    assert req.complaints == ("排队", "门店少", "营业时间短")
    assert req.quotes == ("每次都要排很久的队", "附近只有一家店")
    assert req.statement == "提升便利性（5→10）：解决排队、门店少"
    assert req.gap == -5
    no_phrases = GapModel().compute(
        {"convenience": 5}, expectation={"convenience": 7}, importance={"convenience": 9}
    )
    assert no_phrases.requirements[0].statement == "提升便利性（5→10）"


def test_actions_ranking_and_formula(tmp_path):
    path = write(
        tmp_path,
        "factors:\n"
        "  price:       {actual: 6, ideal: 8, importance: 5, priority: 2, capability: 5, cost: 1}\n"
        "  service:     {actual: 6, ideal: 9, importance: 8, priority: 5, capability: 2, cost: 5}\n"
        "  convenience: {actual: 5, expectation: 7, importance: 9, priority: 5, capability: 4}\n"
        "  brand:       {actual: 6, ideal: 7}\n",
    )
    result = GapModel().compute(config=load_gap_config(path))
    by_id = {a.id: a for a in result.actions}
    # score = |gap| × importance × priority × ((capability + 6 − cost) / 2) / 25
    expected = {
        "convenience": 5 * 9 * 5 * ((4 + 3) / 2) / 25,  # cost missing -> 3
        "service": 3 * 8 * 5 * ((2 + 1) / 2) / 25,
        "price": 2 * 5 * 2 * ((5 + 5) / 2) / 25,
        "brand": 1 * 5 * 3 * ((3 + 3) / 2) / 25,  # importance 5, priority/capability/cost 3 assumed
    }
    for ident, score in expected.items():
        assert math.isclose(by_id[ident].score, score)
    assert [a.id for a in result.actions] == sorted(expected, key=lambda i: -expected[i])
    assert [a.rank for a in result.actions] == [1, 2, 3, 4]
    assert by_id["convenience"].assumed == ("cost",)
    assert by_id["brand"].assumed == ("importance", "priority", "capability", "cost")
    assert by_id["price"].assumed == ()
    assert by_id["convenience"].need == 45 and by_id["convenience"].feasibility == 3.5
    assert by_id["convenience"].statement == "提升便利性（5→10）"


def test_actions_tie_breaks_by_need_then_id_order():
    config = GapConfig(
        factors={
            "price": GapEntry(actual=5, ideal=7, importance=4, priority=5, capability=5, cost=1),  # need 8, fit 1
            # need 16, fit 0.6
            "product": GapEntry(actual=5, ideal=9, importance=4, priority=5, capability=3, cost=3),
            "service": GapEntry(actual=5, ideal=7, importance=4, priority=5, capability=5, cost=1),
        }
    )
    result = GapModel().compute(config=config)
    scores = {a.id: a.score for a in result.actions}
    assert math.isclose(scores["product"], 9.6) and scores["price"] == scores["service"] == 8
    assert [a.id for a in result.actions] == ["product", "service", "price"]


# --------------------------------------------------------------------------------------------------
# Step 7: compare
# --------------------------------------------------------------------------------------------------


def period(actual_convenience: float | None, *, extra: dict | None = None) -> GapResult:
    actual = {"convenience": actual_convenience, "price": 7, **(extra or {})}
    return GapModel().compute(
        actual, expectation={"convenience": 7, "price": 7}, importance={"convenience": 9, "price": 5}
    )


@pytest.mark.parametrize("as_dict", [False, True])
def test_compare_changes(as_dict):
    before = period(5, extra={"product": 6})
    after = period(6.5, extra={"service": 6})
    previous = json.loads(json.dumps(before.to_dict())) if as_dict else before
    result = after.compare(previous)
    changes = {c.id: c for c in result.changes}
    assert list(changes) == ["service", "convenience", "price", "product"]
    conv = changes["convenience"]
    assert (conv.previous_actual, conv.actual, conv.actual_delta) == (5, 6.5, 1.5)
    assert conv.satisfaction_delta == 1.5  # -0.5 - -2
    assert conv.gap_delta == 1.5  # -3.5 - -5
    assert conv.was_key and conv.is_key and conv.improved
    assert result.key_improved is True
    assert changes["price"].actual_delta == 0 and changes["price"].improved is False
    assert changes["service"].previous_actual is None and changes["service"].actual_delta is None
    assert changes["product"].actual is None and changes["product"].improved is None
    assert changes["product"].name == "产品"
    # compare returns a copy; the original is untouched.
    assert after.changes == ()
    assert result.rows == after.rows


def test_compare_key_not_improved():
    result = period(4).compare(period(5))
    assert result.key_improved is False
    assert period(5).key_improved is None


def test_compare_rejects_bad_previous():
    with pytest.raises(ValueError, match=r"factors\[0\]\.actual"):
        period(5).compare({"factors": [{"id": "price", "actual": "high"}]})
    with pytest.raises(ValueError, match="theme"):
        period(5).compare(GapModel().compute({"trust": 5}, kind="theme"))
    with pytest.raises(TypeError):
        period(5).compare([1, 2])


# --------------------------------------------------------------------------------------------------
# to_dict, themes, GapReport
# --------------------------------------------------------------------------------------------------


def test_to_dict_shape_and_json(worked):
    data = worked.to_dict()
    assert list(data) == TOP_KEYS
    assert data["themes"] == []
    assert data["key_experience"] == ["convenience"]
    assert all(list(row) == ROW_KEYS for row in data["factors"])
    compared = worked.compare(worked).to_dict()
    text = json.dumps(compared, ensure_ascii=False)
    assert json.loads(text) == compared
    assert compared["changes"][0]["actual_delta"] == 0.0


def test_to_dict_rounds_for_display_only():
    result = GapModel().compute({"price": 1 / 3}, expectation={"price": 0.0}, importance={"price": 0})
    row = result.row("price")
    assert row.actual == 1 / 3
    shown = result.to_dict()["factors"][0]
    assert shown["actual"] == 0.33
    assert shown["weight"] == 0.0 and math.copysign(1, shown["weight"]) == 1  # never -0.0


def theme_result(*, respect: float) -> GapResult:
    return GapModel().compute(
        {"respect": respect, "trust": 7}, kind="theme", expectation={"respect": 7}, importance={"respect": 8}
    )


def test_themes_kind():
    result = GapModel().compute(
        {"respect": 4, "trust": 7}, kind="theme", expectation={"respect": 7}, importance={"respect": 8}
    )
    assert result.kind == "theme"
    assert result.row("respect").name == "尊重"
    assert result.key_experience == ("respect",)
    data = result.to_dict()
    assert data["factors"] == [] and [r["id"] for r in data["themes"]] == ["trust", "respect"]
    assert data["requirements"][0]["kind"] == "theme"


def test_theme_config_section(tmp_path):
    path = write(tmp_path, "factors: {}\nthemes:\n  convenience: {actual: 4, expectation: 8, importance: 6}\n")
    config = load_gap_config(path)
    assert GapModel().compute(config=config).rows == ()
    result = GapModel().compute(config=config, kind="theme")
    assert result.row("convenience").name == "便利"
    assert result.row("convenience").weight == -24


def test_gap_report_combines_factors_and_themes(worked):
    themes = theme_result(respect=4)
    report = GapReport(factors=worked, themes=themes)
    data = report.to_dict()
    assert list(data) == TOP_KEYS
    assert [r["id"] for r in data["themes"]] == ["trust", "respect"]
    assert len(data["factors"]) == 6
    assert data["key_experience"] == ["convenience"]  # the factors'
    kinds_ids = [(r["kind"], r["id"]) for r in data["requirements"]]
    assert kinds_ids == [("factor", "convenience"), ("theme", "respect")]
    json.dumps(data)

    later_themes = theme_result(respect=6)
    later = GapReport(factors=worked, themes=later_themes).compare(json.loads(json.dumps(data)))
    respect = {c.id: c for c in later.themes.changes}["respect"]
    assert respect.was_key and respect.improved  # theme key recovered from theme weights
    assert not {c.id: c for c in later.themes.changes}["trust"].was_key
    assert later.factors.key_improved is False  # unchanged convenience
    assert GapReport(factors=worked).compare(GapReport(factors=worked)).factors.changes
    with pytest.raises(ValueError):
        GapReport(factors=themes)


def test_names_argument_sets_names_and_ids():
    names = {"price": "价钱", "queue": "排队"}
    result = GapModel().compute(
        {"queue": 3, "price": 6}, expectation={"queue": 6}, importance={"queue": 9}, names=names
    )
    assert [(r.id, r.name) for r in result.rows] == [("price", "价钱"), ("queue", "排队")]
    with pytest.raises(ValueError, match="allowed: price, queue"):
        GapModel().compute({"service": 3}, names=names)


# --------------------------------------------------------------------------------------------------
# Bad arguments
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"actual": {"price": 11}}, r"actual\['price'\]: 11 is out of range"),
        ({"actual": {"price": "7"}}, r"'7' is not a number"),
        ({"actual": {"pricing": 7}}, r"unknown id 'pricing'; allowed: product, service"),
        ({"importance": {"price": -1}}, r"importance\['price'\]"),
        ({"n": {"price": 2.5}}, r"n\['price'\]"),
        ({"ci": {"price": (8, 6)}}, r"ci\['price'\]"),
        ({"complaints": {"price": "太贵"}}, r"complaints\['price'\]: expected a list of strings"),
        ({"kind": "aspect"}, r"kind must be 'factor' or 'theme'"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GapModel().compute(**kwargs)


@pytest.mark.parametrize(
    "params",
    [{"key_ideal": 11}, {"scale": 0}, {"brand_value_top": 0}, {"max_phrases": -1}],
)
def test_bad_model_parameters(params):
    model = GapModel(**params)  # __init__ only stores
    assert all(getattr(model, k) == v for k, v in params.items())
    with pytest.raises(ValueError):
        model.compute({"price": 5})


def test_bad_programmatic_config_names_field():
    config = GapConfig(factors={"price": GapEntry(priority=9)}, path="mine.yaml")
    expected = r"mine\.yaml: factors\.price\.priority: 9 is out of range; allowed: a number from 1 to 5"
    with pytest.raises(ConfigError, match=expected):
        GapModel().compute(config=config)
    with pytest.raises(ConfigError, match="unknown factor id"):
        GapModel().compute(config=GapConfig(factors={"pricing": GapEntry()}))


def test_config_on_another_scale_is_converted(tmp_path):
    path = write(
        tmp_path, "scale: 5\nfactors:\n  price: {actual: 2.5, expectation: 3.5, importance: 9, ideal: 4}\n"
    )
    row = GapModel().compute(config=load_gap_config(path)).row("price")
    assert (row.actual, row.expectation, row.ideal) == (5, 7, 8)
    assert row.importance == 9  # importance is always 0-10


# --------------------------------------------------------------------------------------------------
# Config file errors
# --------------------------------------------------------------------------------------------------

GOOD_HEAD = "# gap config\nscale: 10\nfactors:\n  price:        {actual: 7, expectation: 7}\n"


@pytest.mark.parametrize(
    "text,line,fragments",
    [
        pytest.param(
            GOOD_HEAD + "  brand:        {actual: 7, expectation: 7}\n  service:      {actual: 6}\n"
            "  convenience:  {actual: 5, expectation: 7, importance: high}\n",
            7,
            ["factors.convenience.importance: 'high' is not a number; allowed: a number from 0 to 10"],
            id="bad-number",
        ),
        pytest.param(
            GOOD_HEAD + "  brand:\n    actual: 12\n",
            6,
            ["factors.brand.actual: 12 is out of range; allowed: a number from 0 to 10"],
            id="out-of-range",
        ),
        pytest.param(
            GOOD_HEAD + "  brand: {actual: yes}\n",
            5,
            ["factors.brand.actual: bool True is not a number"],
            id="bool",
        ),
        pytest.param(
            GOOD_HEAD + "  convenience: {priority: 6}\n",
            5,
            ["factors.convenience.priority: 6 is out of range; allowed: a number from 1 to 5"],
            id="priority-range",
        ),
        pytest.param(
            GOOD_HEAD + "  servise: {actual: 6}\n",
            5,
            ["factors.servise: unknown factor id; allowed: " + ", ".join(FACTOR_IDS)],
            id="unknown-factor-id",
        ),
        pytest.param(
            "themes:\n  trust: {actual: 6}\n  loyalty: {actual: 6}\n",
            3,
            ["themes.loyalty: unknown theme id; allowed: " + ", ".join(THEME_IDS)],
            id="unknown-theme-id",
        ),
        pytest.param(
            GOOD_HEAD + "  brand: {actual: 7, expectaton: 7}\n",
            5,
            ["factors.brand.expectaton: unknown key; allowed: " + ", ".join(ENTRY_KEYS)],
            id="unknown-key",
        ),
        pytest.param(
            "scale: 10\nweights: {}\n",
            2,
            ["weights: unknown key; allowed: scale, factors, themes"],
            id="unknown-top-key",
        ),
        pytest.param(
            "- price\n- brand\n",
            1,
            ["(top level): a list is not a mapping; allowed: a mapping with the keys scale, factors, themes"],
            id="top-not-mapping",
        ),
        pytest.param(
            "scale: 10\nfactors:\n  - price\n",
            3,
            ["factors: a list is not a mapping; allowed: a mapping from factor id"],
            id="factors-not-mapping",
        ),
        pytest.param(
            GOOD_HEAD + "  brand: 7\n",
            5,
            ["factors.brand: 7 is not a mapping; allowed: a mapping of actual, expectation"],
            id="entry-not-mapping",
        ),
        pytest.param(
            GOOD_HEAD + "  brand: {actual: 7\n  service: {actual: 6}\n",
            6,
            ["invalid YAML"],
            id="yaml-syntax",
        ),
        pytest.param(
            "scale: 10\nfactors:\n  price: {actual: 7}\n  brand: {actual: 7}\n  price: {actual: 6}\n",
            5,
            ["factors.price: duplicate key (first at line 3)"],
            id="duplicate-key",
        ),
        pytest.param("scale: 0\n", 1, ["scale: 0 is out of range; allowed: a number greater than 0"], id="scale"),
        pytest.param("# nothing here\n", 1, ["the file is empty"], id="empty"),
    ],
)
def test_config_errors(tmp_path, text, line, fragments):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_gap_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    for fragment in fragments:
        assert fragment in message, message
    assert isinstance(info.value, ValueError)


def test_config_not_utf8(tmp_path):
    path = tmp_path / "gap.yaml"
    path.write_bytes("factors:\n  price: {actual: 7}  # 价格\n".encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_gap_config(path)


def test_config_nulls_and_custom_ids(tmp_path):
    path = write(tmp_path, "factors:\n  price:\n  brand: {actual: 7, importance: null}\nthemes:\n")
    config = load_gap_config(path)
    assert config.factors == {"price": GapEntry(), "brand": GapEntry(actual=7)}
    assert config.themes == {}
    custom = write(tmp_path, "factors:\n  queue: {actual: 3}\n", name="custom.yaml")
    assert load_gap_config(custom, factor_ids=["queue"]).factors["queue"].actual == 3


# --------------------------------------------------------------------------------------------------
# Objects and module hygiene
# --------------------------------------------------------------------------------------------------


def test_results_frozen_and_picklable(worked):
    compared = worked.compare(worked)
    report = GapReport(factors=compared)
    for obj in (compared, compared.rows[0], compared.requirements[0], compared.actions[0], compared.changes[0],
                report, load_gap_config(WORKED_EXAMPLE)):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert not hasattr(obj, "__dict__")  # slotted
    with pytest.raises(dataclasses.FrozenInstanceError):
        compared.key_experience = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        compared.rows[0].actual = 1.0  # type: ignore[misc]
    assert isinstance(compared.rows[0], GapRow)


def test_names_match_catalogue():
    assert FACTOR_IDS == ("product", "service", "relationship", "convenience", "brand", "price")
    assert len(THEME_IDS) == 10
    assert FACTOR_NAMES["convenience"] == "便利性" and THEME_NAMES["convenience"] == "便利"
    with pytest.raises(TypeError):
        FACTOR_NAMES["price"] = "x"  # type: ignore[index]
    catalogue = ROOT / "lexicons" / "catalog.tsv"
    if catalogue.exists():
        rows = [line.split("\t") for line in catalogue.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")]
        shipped = {(r[0], r[1]): r[2] for r in rows[1:] if r[0] in ("factor", "theme")}
        ours = {("factor", k): v for k, v in FACTOR_NAMES.items()}
        ours |= {("theme", k): v for k, v in THEME_NAMES.items()}
        assert shipped == ours


def test_module_imports_no_heavy_packages_at_top_level():
    source = (ROOT / "src" / "cxtext" / "_gap.py").read_text(encoding="utf-8")
    top_level = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            top_level |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            top_level.add(node.module.split(".")[0])
    assert not top_level & {"yaml", "pandas", "jinja2", "dask", "jieba"}


def test_a_file_that_is_not_a_config_is_named_without_flooding_the_screen(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("编号,评论\n" + "".join(f"r{i},服务很好，价格也不贵\n" for i in range(500)), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_gap_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}:1:") and "is not a mapping" in message and "characters)" in message
    assert len(message) < 300
