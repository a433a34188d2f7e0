"""Shared figure style: titles and headings that fit a phone's column, legends out of the titles' way, named
bands listed once, and a template cut to what the pages draw that looks like plotly_white."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.charts.marks import hband
from dashboard.charts.style import (
    HEADING_LINE_CHARS,
    TITLE_LINE_CHARS,
    Style,
    figure,
    heading,
    heading_text,
    wrap_title,
)
from dashboard.links import PAGE_SCRIPTS

from ..helpers import app, charts

WORDS = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=15), min_size=1, max_size=30)


@given(WORDS)
def test_wrapping_keeps_every_word_in_order_and_lines_within_the_width(words):
    text = " ".join(words)
    lines = wrap_title(text).split("<br>")
    assert " ".join(lines).split() == words
    assert all(len(line) <= TITLE_LINE_CHARS for line in lines)  # the words are shorter than a line


def test_a_short_title_stays_one_line_and_a_word_longer_than_a_line_keeps_its_own():
    assert wrap_title("Oral route") == "Oral route"
    assert wrap_title("x" * 50 + " tail", 40) == "x" * 50 + "<br>tail"


def test_heading_lines_are_each_bold():
    text = heading_text("CSF: lumbar (solid), neck (dashed), cranial (dotted): where it acts")
    lines = text.split("<br>")
    assert len(lines) == 2
    assert all(line.startswith("<b>") and line.endswith("</b>") for line in lines)
    assert all(len(line) - 7 <= HEADING_LINE_CHARS for line in lines)
    assert heading("Plasma", Style())["text"] == "<b>Plasma</b>"


def test_a_long_title_grows_the_top_margin_and_the_height_by_its_extra_lines():
    style = Style()
    short = style.base_layout(height=400, title="Oral route")
    long = style.base_layout(height=400, title="Oral 20 mg 3 times a day weaned 25 % steps while the pump is titrated")
    assert long["title"]["text"].count("<br>") == 1
    assert long["margin"]["t"] > short["margin"]["t"]
    assert long["height"] - short["height"] == long["margin"]["t"] - short["margin"]["t"]


def test_the_legend_sits_below_the_plots_in_every_style():
    for style in (Style(), Style(presentation=True)):
        legend = style.base_layout(height=400)["legend"]
        assert (legend["yref"], legend["y"], legend["yanchor"]) == ("container", 0.0, "bottom")


def test_a_band_drawn_on_several_panels_is_listed_once():
    band = {"type": "rect", "showlegend": True, "name": "usual range", "legendgroup": "usual range"}
    layout = {"shapes": [{**band, "yref": "y"}, {**band, "yref": "y2"}, {"type": "line", "yref": "y"}]}
    fig = figure([], layout)
    shown = [s.showlegend for s in fig.layout.shapes]
    assert shown == [True, False, None]
    go.Figure(fig.to_dict())  # and plotly accepts it with validation
    assert layout["shapes"][1]["showlegend"] is True  # the caller's layout is not changed


def _band_figure(curve_y: list[float]) -> dict:
    """One panel with a band 1-2 labelled at the right, and a curve over x 0..9."""
    shape, label = hband(1, 1.0, 2.0, "rgba(0,0,0,0.1)", "drowsy")
    data = [{"type": "scatter", "x": list(range(10)), "y": curve_y, "yaxis": "y", "xaxis": "x"}]
    return figure(data, {"shapes": [shape], "annotations": [label]}).to_dict()["layout"]["annotations"][0]


def test_a_band_label_moves_to_the_end_where_no_curve_runs_inside_the_band():
    rising = [0.2 * i for i in range(10)]  # inside the band (1-2) from x = 5 on: the right end
    note = _band_figure(rising)
    assert (note["x"], note["xanchor"]) == (0.0, "left")
    falling = rising[::-1]  # inside the band at the left end
    note = _band_figure(falling)
    assert (note["x"], note["xanchor"]) == (1.0, "right")


def test_a_band_label_stays_put_when_both_ends_are_alike():
    note = _band_figure([1.5] * 10)  # the curve runs through the band everywhere: nowhere is better
    assert (note["x"], note["xanchor"]) == (1.0, "right")


def test_the_template_is_plotly_white_with_tick_labels_allowed_into_the_margin():
    white = pio.templates["plotly_white"].to_plotly_json()
    template = Style().base_layout(height=100)["template"]
    for kind, defaults in template["data"].items():
        assert defaults == white["data"][kind]
    layout = {k: dict(v) if isinstance(v, dict) else v for k, v in template["layout"].items()}
    for axis in ("xaxis", "yaxis"):
        assert layout[axis].pop("ticklabeloverflow") == "allow"
    assert layout == white["layout"]


@pytest.mark.parametrize("script", sorted(set(PAGE_SCRIPTS.values())))
def test_the_template_has_defaults_for_every_trace_type_a_page_draws(script):
    """A trace type left out of the cut template would be drawn without plotly_white's look."""
    white = pio.templates["plotly_white"].to_plotly_json()["data"]
    for chart in charts(app(script).run()):
        defaults = chart.figure["layout"]["template"]["data"]
        for trace in chart.figure["data"]:
            kind = trace.get("type", "scatter")
            assert kind in defaults or kind not in white, (chart.key, kind)
