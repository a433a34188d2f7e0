"""Lecture figures are pure: valid Plotly figures, the scene's colours and legend, arrows on the curves,
spans on the right panels, and no curves before the reveal."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard.charts import ROUTE_COLORS, Style
from dashboard.charts.style import COLORS
from dashboard.lecture.figures import annotation_layout, empty_frame, run_colors, scene_figure
from pkmodels import simulate
from pkmodels.scenes import SCENES, scene


@pytest.fixture(scope="module")
def tables():
    return {s.slug: {r.key: simulate(r.scenario).table for r in s.runs} for s in SCENES}


@pytest.mark.parametrize("presentation", [False, True])
def test_every_scene_figure_is_valid_with_one_legend_entry_per_run(tables, presentation):
    style = Style(presentation)
    for s in SCENES:
        fig = scene_figure(s, tables[s.slug], style)
        go.Figure(fig.to_dict())  # full validation of what we built without it
        legend = [t.name for t in fig.data if t.showlegend]
        assert legend == [r.label for r in s.runs]
        assert len({t.xaxis for t in fig.data}) == len(s.panels)
        assert fig.layout.font.size == style.font
        frame = empty_frame(s, style)
        go.Figure(frame.to_dict())
        assert len(frame.data) == len(s.panels)  # one empty placeholder per panel so every axis is drawn
        assert all(len(t.x) == 0 and len(t.y) == 0 for t in frame.data)  # no answer curves before the reveal


def test_route_scenes_keep_route_colours_and_others_use_their_own():
    s = scene("csf-barrier")
    assert run_colors(s) == {"oral": ROUTE_COLORS["oral"], "intrathecal": ROUTE_COLORS["intrathecal"]}
    fig = scene_figure(s, {r.key: simulate(r.scenario).table for r in s.runs})
    by_name = {t.name: t.line.color for t in fig.data if t.showlegend}
    assert by_name == {"Tablets 60 mg/day": ROUTE_COLORS["oral"], "Pump 400 µg/day": ROUTE_COLORS["intrathecal"]}
    taper = run_colors(scene("taper"))
    assert taper == {"abrupt": COLORS["vermillion"], "taper": COLORS["green"]}


def test_arrows_point_at_the_curve_of_their_run(tables):
    s = scene("kidneys")  # plasma (log axis) and sedation (linear)
    tabs = tables["kidneys"]
    _, notes = annotation_layout(s, tabs, Style())
    arrows = [n for n in notes if n.get("showarrow")]
    assert len(arrows) == 2
    plasma_arrow = next(n for n in arrows if n["yref"] == "y")
    sedation_arrow = next(n for n in arrows if n["yref"] == "y2")
    # the time axis of a 7-day run is in days
    t_h = plasma_arrow["x"] * 24.0
    tab = tabs["renal"]
    i = int(np.argmin(np.abs(tab["time_h"].to_numpy() - t_h)))
    assert plasma_arrow["y"] == pytest.approx(math.log10(tab["plasma_ng_per_ml"].iloc[i]))  # log axis: log10
    j = int(np.argmin(np.abs(tab["time_h"].to_numpy() - sedation_arrow["x"] * 24.0)))
    assert sedation_arrow["y"] == pytest.approx(tab["sedation_index"].iloc[j])
    # the sedation arrow points at a peak (its time is a metric: the highest sedation in its window)
    window = tab[(tab["time_h"] >= 120) & (tab["time_h"] <= 136)]
    assert sedation_arrow["y"] == pytest.approx(window["sedation_index"].max())
    for n in arrows:
        assert n["axref"] == "pixel"
        assert n["ayref"] == "pixel"
        assert n["arrowcolor"] == run_colors(s)["renal"]


def test_metric_timed_arrow_sits_at_the_withdrawal_onset(tables):
    s = scene("pump-stops")
    tab = tables["pump-stops"]["intrathecal"]
    _, notes = annotation_layout(s, tables["pump-stops"], Style())
    arrow = next(n for n in notes if n.get("showarrow"))
    onset = tab["time_h"].to_numpy()[np.argmax(tab["withdrawal_stage"].to_numpy() >= 2)]
    assert arrow["x"] == pytest.approx(onset)  # 72-h run: hours on the axis
    assert arrow["yref"] == "y3"  # withdrawal is the third panel


def test_spans_cover_their_panels_and_run_to_the_end_when_open(tables):
    s = scene("pump-stops")  # "pump stopped" from 8 h to the end, on every panel
    shapes, notes = annotation_layout(s, tables["pump-stops"], Style())
    spans = [sh for sh in shapes if sh["fillcolor"].startswith("rgba(127")]
    assert sorted(sh["yref"] for sh in spans) == ["y domain", "y2 domain", "y3 domain"]
    assert all(sh["x0"] == 8.0 and sh["x1"] == 72.0 for sh in spans)
    assert sum("pump stopped" in n["text"] for n in notes) == 1  # one label, on the first panel
    bolus = scene("screening-bolus")
    shapes, _ = annotation_layout(bolus, tables["screening-bolus"], Style())
    assert [(sh["x0"], sh["x1"], sh["yref"]) for sh in shapes] == [(0.0, 8.0, "y2 domain"), (24.0, 72.0, "y2 domain")]


def test_annotations_on_hidden_panels_are_left_out(tables):
    s = scene("kidneys")
    _, notes = annotation_layout(s, tables["kidneys"], Style(), panels=("plasma",))
    assert [n["text"] for n in notes] == ["accumulates for days"]


def test_empty_frame_spans_the_run_with_the_right_time_unit():
    week = empty_frame(scene("kidneys"))
    assert list(week.layout.xaxis2.range) == [0.0, 7.0]
    assert week.layout.xaxis2.title.text == "Time (days)"
    three_days = empty_frame(scene("csf-barrier"), Style(True))
    assert list(three_days.layout.xaxis2.range) == [0.0, 72.0]
    assert three_days.layout.xaxis2.title.text == "Time (hours)"


def test_presentation_shortens_long_panel_titles(tables):
    s = scene("csf-barrier")
    long_titles = [a.text for a in scene_figure(s, tables[s.slug], Style(False)).layout.annotations]
    short_titles = [a.text for a in scene_figure(s, tables[s.slug], Style(True)).layout.annotations]
    assert any("where it acts" in t for t in long_titles)
    assert not any("where it acts" in t for t in short_titles)
