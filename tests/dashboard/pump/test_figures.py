"""Pump page figures: valid Plotly (rebuilt with validation), route and site colours, the marks they promise."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard.charts.style import COLORS, ROUTE_COLORS, SITE_COLORS, Style
from dashboard.pump.figures import (
    error_figure,
    flex_figure,
    missed_refill_figure,
    screening_figure,
    switch_figure,
    titration_figure,
)
from dashboard.pump.scenarios import (
    EMPTY_AT_H,
    ERROR_AT_H,
    error_scenarios,
    flex_scenarios,
    missed_refill_scenario,
    screening_scenario,
    switch_scenarios,
    titration_scenario,
)
from pkmodels import simulate

BLUE, GREY = ROUTE_COLORS["intrathecal"], COLORS["grey"]


@pytest.fixture(scope="module")
def tabs():
    def run(sc):
        return simulate(sc).table

    return {
        "screen": run(screening_scenario(50)),
        "titr": run(titration_scenario(100.0, 400.0, 20.0)),
        "refill": run(missed_refill_scenario(2000, 400.0)),
        "flex": {k: run(s) for k, s in flex_scenarios(400.0).items()},
        "error": {k: run(s) for k, s in error_scenarios(400.0).items()},
        "switch": {k: run(s) for k, s in switch_scenarios(20.0, 25.0, 100.0, 400.0, 20.0).items()},
    }


def build_all(tabs, style):
    return {
        "screen": screening_figure(tabs["screen"], style),
        "titr": titration_figure(tabs["titr"], style),
        "refill": missed_refill_figure(tabs["refill"], EMPTY_AT_H, style),
        "flex": flex_figure(tabs["flex"], style),
        "error": error_figure(tabs["error"], ERROR_AT_H, style),
        "switch": switch_figure(tabs["switch"], style),
    }


@pytest.mark.parametrize("presentation", [False, True])
def test_every_figure_is_valid_plotly(tabs, presentation):
    for name, fig in build_all(tabs, Style(presentation)).items():
        go.Figure(fig.to_dict())  # full validation of what was built without it
        assert fig.layout.font.size == (22 if presentation else 13), name
        assert len(fig.data) > 0, name


def shapes(fig, kind):
    return [s for s in fig.layout.shapes if s.type == kind]


def test_screening_shades_the_observation_window_and_marks_the_criterion(tabs):
    fig = screening_figure(tabs["screen"], Style(), window_h=(4.0, 8.0), threshold=1.0)
    rects = shapes(fig, "rect")
    assert {(r.x0, r.x1) for r in rects} == {(4.0, 8.0)}
    assert len(rects) == 2  # one per panel
    assert [line.y0 for line in shapes(fig, "line")] == [1.0]
    assert {t.line.color for t in fig.data} == {BLUE}
    one = screening_figure(tabs["screen"], Style(), panels=("relief",))
    assert len(one.data) == 1


def test_titration_rate_is_a_step_line_without_the_end_of_run_zero(tabs):
    fig = titration_figure(tabs["titr"], Style())
    rate = next(t for t in fig.data if t.name == "Pump rate")
    assert rate.line.shape == "hv"
    assert np.asarray(rate.y)[0] == pytest.approx(100.0)
    assert np.asarray(rate.y)[-1] == pytest.approx(400.0)
    assert np.asarray(rate.y).min() > 0


def test_missed_refill_has_the_empty_time_at_zero_and_withdrawal_stages(tabs):
    fig = missed_refill_figure(tabs["refill"], EMPTY_AT_H, Style())
    assert all(line.x0 == 0.0 for line in shapes(fig, "line"))
    assert np.asarray(fig.data[0].x)[0] == pytest.approx(-EMPTY_AT_H)
    stage_labels = {a.text for a in fig.layout.annotations}
    assert {"mild", "moderate", "severe", "life-threatening"} <= stage_labels
    colours = {t.name: t.line.color for t in fig.data}
    assert colours["Spinal withdrawal"] == SITE_COLORS["spinal"]
    assert colours["Supraspinal withdrawal"] == SITE_COLORS["supraspinal"]


def test_flex_compares_grey_continuous_with_blue_flex(tabs):
    both = flex_figure(tabs["flex"], Style())
    colours = {t.name: t.line.color for t in both.data}
    assert colours == {"Continuous": GREY, "Flex (day/night)": BLUE}
    nights = shapes(both, "rect")
    assert nights
    assert all(r.x1 - r.x0 <= 9.0 + 1e-9 for r in nights)  # 22:00-07:00 at most
    alone = flex_figure({"continuous": tabs["flex"]["continuous"]}, Style())
    assert {t.line.color for t in alone.data} == {BLUE}


def test_error_figure_shades_the_respiratory_warning_only_when_the_model_flags_it(tabs):
    fig = error_figure(tabs["error"], ERROR_AT_H, Style())
    colours = {t.name: t.line.color for t in fig.data if t.showlegend}
    assert colours == {"Intended rate": GREY, "Ten-fold error": BLUE}
    danger = [r for r in shapes(fig, "rect") if r.yref.endswith("domain")]
    assert bool(danger) == bool(tabs["error"]["error"]["respiratory_warning"].any())
    assert {"drowsy", "marked", "stupor", "coma risk"} <= {a.text for a in fig.layout.annotations}


def test_error_figure_with_a_flagged_run_draws_the_warning():
    tab = simulate(error_scenarios(1000.0)["error"]).table
    assert tab["respiratory_warning"].any()  # 10 000 ug/day reaches the model's warning level
    fig = error_figure({"error": tab}, ERROR_AT_H, Style())
    danger = [r for r in shapes(fig, "rect") if r.yref.endswith("domain")]
    assert danger
    assert all(r.x0 > 0 for r in danger)  # only after the error


def test_switch_uses_route_colours_and_dashes_the_abrupt_stop(tabs):
    fig = switch_figure(tabs["switch"], Style())
    plasma = [t for t in fig.data if t.yaxis == "y"]
    assert {t.line.color for t in plasma} == {ROUTE_COLORS["oral"]}
    assert {t.line.dash for t in plasma} == {"solid", "dash"}
    csf = [t for t in fig.data if t.yaxis == "y2"]
    assert {t.line.color for t in csf} == {BLUE}
    withdrawal = [t for t in fig.data if t.yaxis == "y4"]
    assert {t.line.color for t in withdrawal} == set(SITE_COLORS.values())
