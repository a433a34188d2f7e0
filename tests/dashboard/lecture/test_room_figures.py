"""The room's dot plot (pure): one dot per guess, stacked where close, the model's answer and its 20 % band,
the median, a log axis for guesses across orders of magnitude, valid Plotly (rebuilt with validation)."""

from __future__ import annotations

import math
import statistics

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.charts.style import Style
from dashboard.lecture.room_figures import room_figure, stack_dots, use_log_axis


def validated(fig: go.Figure) -> dict:
    return go.Figure(fig.to_dict()).to_dict()  # raises on an invalid property


@pytest.mark.parametrize("present", [False, True])
def test_one_dot_per_guess_and_the_models_answer(present):
    values = [10, 11, 12, 30, 5]
    fig = validated(room_figure(values, 11.8, "%", Style(presentation=present)))
    dots = fig["data"][0]
    assert sorted(dots["x"]) == sorted(values)
    lines = [s for s in fig["layout"]["shapes"] if s["type"] == "line"]
    assert lines[0]["x0"] == 11.8  # the model's answer
    assert lines[1]["x0"] == statistics.median(values)  # the room's median
    band = next(s for s in fig["layout"]["shapes"] if s["type"] == "rect")
    assert band["x0"] == pytest.approx(11.8 * 0.8)
    assert band["x1"] == pytest.approx(11.8 * 1.2)
    texts = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "Model: 11.8 %" in texts
    assert "Room median: 11" in texts


def test_close_guesses_stack_and_far_ones_do_not():
    assert stack_dots([1.0, 1.0, 1.0, 9.0], 0, 10, bins=10) == [1, 2, 3, 1]
    assert stack_dots([0.0, 10.0], 0, 10, bins=10) == [1, 1]  # the edges fall into the end bins


def test_guesses_across_orders_of_magnitude_get_a_log_axis():
    assert use_log_axis([1, 10, 1000], 100)
    assert not use_log_axis([10, 12, 15], 11)
    assert not use_log_axis([0, 10, 1000], 100)  # a zero guess cannot go on a log axis
    fig = validated(room_figure([1, 10, 1000, 5000], 346, "mg/day"))
    assert fig["layout"]["xaxis"]["type"] == "log"
    model = next(a for a in fig["layout"]["annotations"] if a["text"].startswith("<b>Model"))
    assert model["x"] == pytest.approx(math.log10(346))  # annotations in log10 units on a log axis


def test_no_answers_draws_the_answer_and_says_so():
    fig = validated(room_figure([], 20.0, "h"))
    assert fig["data"][0]["x"] == () or list(fig["data"][0]["x"]) == []
    assert any("No answers" in a["text"] for a in fig["layout"]["annotations"])


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), max_size=60),
    truth=st.floats(min_value=1e-3, max_value=1e4),
)
def test_any_room_draws_every_guess_inside_the_axis(values, truth):
    fig = room_figure(values, truth, "times").to_dict()
    layout = fig["layout"]
    lo, hi = layout["xaxis"]["range"]
    xs = list(fig["data"][0]["x"])
    assert len(xs) == len(values)
    for x in xs:
        pos = math.log10(x) if layout["xaxis"]["type"] == "log" else x
        assert lo <= pos <= hi
    assert max(fig["data"][0]["y"], default=0) <= layout["yaxis"]["range"][1]
