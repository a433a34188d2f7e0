"""Figure builders are pure: valid Plotly figures, one colour per route, peaks kept when thinned."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard.builders import compare_scenarios
from dashboard.charts.series import decimate
from dashboard.figures import ROUTE_COLORS, Style, compare_figure
from pkmodels import simulate

DEFAULTS = {
    "oral_mg": 20.0,
    "oral_per_day": 3,
    "days": 3,
    "it_ug": 400.0,
    "it_mode": "continuous",
    "weight": 70.0,
    "crcl": 100.0,
    "ashworth": 4.0,
    "comed": "none",
    "comed_x": 1.0,
}


@pytest.fixture(scope="module")
def tables():
    return {route: simulate(sc).table for route, sc in compare_scenarios(DEFAULTS).items()}


@pytest.mark.parametrize("presentation", [False, True])
def test_compare_figure_is_valid_and_uses_route_colours(tables, presentation):
    fig = compare_figure(tables, Style(presentation), ("plasma", "csf", "relief", "sedation", "withdrawal"))
    go.Figure(fig.to_dict())  # full plotly validation of what we built without it
    colours = {t.name.split(" cranial")[0]: t.line.color for t in fig.data}
    assert colours == {"Oral": ROUTE_COLORS["oral"], "Intrathecal": ROUTE_COLORS["intrathecal"]}
    assert len({t.xaxis for t in fig.data}) == 5  # one row per panel, linked time axis
    assert fig.layout.font.size == (22 if presentation else 13)


def test_decimate_keeps_every_extreme():
    rng = np.random.default_rng(0)
    t = np.arange(20000.0)
    ys = [rng.normal(size=t.size).cumsum(), np.sin(t / 50.0)]
    tt, kept = decimate(t, ys, 800)
    assert len(tt) <= 800 + 2
    for y, k in zip(ys, kept, strict=True):
        assert k.max() == y.max()
        assert k.min() == y.min()
    assert np.all(np.diff(tt) > 0)
