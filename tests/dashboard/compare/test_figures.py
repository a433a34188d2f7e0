"""The Compare figure is pure: a valid Plotly figure, one colour per route, one row per panel."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard.charts import ROUTE_COLORS, Style
from dashboard.compare.figures import compare_figure
from dashboard.compare.scenarios import compare_scenarios
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
    colours = {t.name.split(" cranial")[0].split(" neck")[0]: t.line.color for t in fig.data}
    assert colours == {"Oral": ROUTE_COLORS["oral"], "Intrathecal": ROUTE_COLORS["intrathecal"]}
    assert len({t.xaxis for t in fig.data}) == 5  # one row per panel, linked time axis
    assert fig.layout.font.size == (22 if presentation else 13)
