"""Withdrawal figures are pure: valid Plotly figures, site and route colours, time counted from the end."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard.charts.style import ROUTE_COLORS, SITE_COLORS, STAGE_FILL, Style
from dashboard.withdrawal.figures import end_axis, severity_pair_figure, timeline_figure
from dashboard.withdrawal.scenarios import abrupt_vs_taper, withdrawal_plan
from pkmodels import simulate

VALUES = {
    "route": "intrathecal",
    "oral_mg": 20.0,
    "oral_per_day": 3,
    "it_ug": 400.0,
    "days_on": 30,
    "ending": "abrupt",
    "taper_pct": 50.0,
    "taper_every": 1,
    "restart_h": 0,
    "oral_cover": 0.0,
    "conc": 500.0,
    "volume": 20.0,
}


@pytest.fixture(scope="module")
def it_run():
    plan = withdrawal_plan(VALUES)
    return simulate(plan.scenario).table, plan.end_h


@pytest.fixture(scope="module")
def oral_run():
    plan = withdrawal_plan({**VALUES, "route": "oral"})
    return simulate(plan.scenario).table, plan.end_h


@pytest.mark.parametrize("presentation", [False, True])
def test_timeline_is_valid_with_one_row_per_panel(it_run, presentation):
    table, end_h = it_run
    fig = timeline_figure(table, end_h, Style(presentation), markers=[(end_h, "stop")])
    go.Figure(fig.to_dict())  # full plotly validation of what we built without it
    assert {t.yaxis for t in fig.data} == {"y", "y2", "y3", "y4"}
    assert fig.layout.font.size == (22 if presentation else 13)
    names = [t.name for t in fig.data if t.showlegend]
    assert len(names) == len(set(names))  # each legend entry once, although sites appear in two rows


def test_timeline_colours_sites_and_route(it_run, oral_run):
    for (table, end_h), route in ((it_run, "intrathecal"), (oral_run, "oral")):
        fig = timeline_figure(table, end_h, route=route)
        by_name = {}
        for t in fig.data:
            by_name.setdefault(t.name, set()).add(t.line.color)
        assert by_name["Spinal cord"] == {SITE_COLORS["spinal"]}
        assert by_name["Brain (supraspinal)"] == {SITE_COLORS["supraspinal"]}
        assert by_name["Lumbar CSF"] == {ROUTE_COLORS[route]}
        assert by_name["Plasma"] == {ROUTE_COLORS[route]}


def test_timeline_counts_time_from_the_end_and_marks_it(it_run):
    table, end_h = it_run
    fig = timeline_figure(table, end_h, markers=[(end_h, "stop"), (end_h + 6.0, "pump restarts")])
    x = np.asarray(fig.data[0].x, dtype=float)
    assert x[0] == pytest.approx(-24.0)  # the run starts one day before the stop; hours for a 11-day run
    assert fig.layout.xaxis4.title.text.startswith("Hours")
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert sorted({s.x0 for s in lines}) == [0.0, 6.0]
    assert len(lines) == 2 * 4  # each marker crosses every row
    texts = [a.text for a in fig.layout.annotations]
    assert "stop" in texts
    assert "pump restarts" in texts


def test_severity_row_has_the_stage_bands(it_run):
    table, end_h = it_run
    fig = timeline_figure(table, end_h, panels=("severity",))
    fills = [s.fillcolor for s in fig.layout.shapes if s.type == "rect"]
    assert fills == list(STAGE_FILL[1:])
    assert {a.text for a in fig.layout.annotations} >= {"mild", "moderate", "severe", "life-threatening"}
    peak = float(table["withdrawal_index"].max())
    assert fig.layout.yaxis.range[1] >= max(1.2, peak)


def test_end_axis_switches_to_days_for_long_runs():
    x, label, _ = end_axis(np.array([0.0, 24.0, 48.0]), 24.0)
    assert label.startswith("Hours")
    assert x.tolist() == [-24.0, 0.0, 24.0]
    x, label, _ = end_axis(np.arange(0.0, 24.0 * 30 + 1, 24.0), 24.0)
    assert label.startswith("Days")
    assert x[0] == pytest.approx(-1.0)
    assert x[-1] == pytest.approx(29.0)


@pytest.mark.parametrize("presentation", [False, True])
def test_abrupt_vs_taper_figure(presentation):
    pair = abrupt_vs_taper(VALUES)
    runs = {name: (simulate(p.scenario).table, p.end_h, f"{name} row") for name, p in pair.items()}
    fig = severity_pair_figure(runs, Style(presentation), markers={"taper": [(pair["taper"].last_dose_h, "last")]})
    go.Figure(fig.to_dict())
    assert {t.yaxis for t in fig.data} == {"y", "y2"}
    texts = [a.text for a in fig.layout.annotations]
    assert "<b>abrupt row</b>" in texts
    assert "<b>taper row</b>" in texts
    assert "last" in texts
    # both rows on one shared scale, so the taper's small hump is seen against the abrupt peak
    assert fig.layout.yaxis.range == fig.layout.yaxis2.range
