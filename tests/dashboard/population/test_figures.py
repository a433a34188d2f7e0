"""Population figures are pure: valid Plotly figures, filled bands (never one line per patient), route colours."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard.charts import ROUTE_COLORS, Style
from dashboard.charts.style import rgba
from dashboard.population.equivalence_figure import equivalence_figure
from dashboard.population.figures import (
    BAND_ALPHA,
    band_figure,
    csf_figure,
    renal_figure,
)
from dashboard.population.scenarios import population_scenarios, stop_scenario
from pkmodels import ITContinuous, Patient, Scenario, default_params, simulate
from pkmodels.covariates import CKD_STAGES
from pkmodels.equivalence import population_equivalence
from pkmodels.population import sample_params, simulate_population
from pkmodels.renal import renal_comparison, terminal_half_life_h

VALUES = {
    "n": 50,
    "seed": 3,
    "route": "both",
    "oral_mg": 20.0,
    "it_ug": 400.0,
    "days": 2,
    "ckd": "normal",
    "age": 40,
    "weight": 70.0,
    "eq_ug": 100.0,
}
OUTPUTS = ("plasma", "csf_lumbar", "relief", "sedation")


@pytest.fixture(scope="module")
def populations():
    return {route: simulate_population(sc, 50, 3, 60.0) for route, sc in population_scenarios(VALUES).items()}


def _full(fig: go.Figure) -> go.Figure:
    go.Figure(fig.to_dict())  # full plotly validation of what we built without it
    return fig  # inspected as built (validated copies hold arrays as base64 blobs)


def _real(fig: go.Figure) -> list:
    """Traces with data (not the legend-only entries)."""
    return [t for t in fig.data if not (len(t.x) == 1 and t.x[0] is None)]


def test_rgba():
    assert rgba("#E69F00", 0.2) == "rgba(230,159,0,0.2)"
    assert rgba("0072B2", 1) == "rgba(0,114,178,1)"


@pytest.mark.parametrize("presentation", [False, True])
def test_band_figure_is_valid_with_one_column_per_route(populations, presentation):
    fig = _full(band_figure(populations, Style(presentation), OUTPUTS))
    cells = {(t.xaxis, t.yaxis) for t in _real(fig)}
    assert len(cells) == len(OUTPUTS) * 2  # 4 rows x 2 routes
    assert fig.layout.font.size == (22 if presentation else 13)
    headings = [a.text for a in fig.layout.annotations if "Oral" in a.text or "Intrathecal" in a.text]
    assert len(headings) == 2


def test_bands_are_filled_polygons_in_route_colours(populations):
    fig = band_figure(populations, Style(), OUTPUTS, (90, 50))
    real = _real(fig)
    fills = [t for t in real if t.fill == "toself"]
    lines = [t for t in real if t.fill != "toself"]
    assert len(fills) == 2 * len(OUTPUTS) * 2
    assert len(lines) == len(OUTPUTS) * 2
    for t in fills:
        route = "oral" if t.name.startswith("Oral") else "intrathecal"
        lv = 90 if "90 %" in t.name else 50
        assert t.fillcolor == rgba(ROUTE_COLORS[route], BAND_ALPHA[lv])
    assert {t.line.color for t in lines} == {ROUTE_COLORS["oral"], ROUTE_COLORS["intrathecal"]}
    assert BAND_ALPHA[90] < BAND_ALPHA[50]  # the wider band is the lighter one


def test_trace_count_does_not_grow_with_patients(populations):
    sc = population_scenarios(VALUES)["oral"]
    more = simulate_population(sc, 120, 3, 60.0)
    few = band_figure({"oral": populations["oral"]}, Style(), OUTPUTS)
    many = band_figure({"oral": more}, Style(), OUTPUTS)
    assert len(few.data) == len(many.data) == len(OUTPUTS) * 3  # two bands and a median per panel


def test_band_edges_are_the_percentiles(populations):
    res = populations["intrathecal"]
    fig = band_figure({"intrathecal": res}, Style(), ("relief",), (90,))
    band, median = fig.data
    n = res.times_h.size
    np.testing.assert_allclose(band.y[:n], res.bands["relief"][95], rtol=1e-6)
    np.testing.assert_allclose(band.y[n:], res.bands["relief"][5][::-1], rtol=1e-6)
    np.testing.assert_allclose(median.y, res.bands["relief"][50], rtol=1e-6)
    np.testing.assert_allclose(band.x[:n], res.times_h, rtol=1e-6)  # two days: the axis stays in hours


def test_plain_labels_and_log_floor(populations):
    fig = band_figure({"intrathecal": populations["intrathecal"]}, Style(), ("plasma",), (90, 50))
    names = [t.name for t in fig.data]
    assert "Intrathecal: 90 % of 50 simulated patients" in names
    assert "Intrathecal: 50 % of 50 simulated patients" in names
    assert "Intrathecal: median" in names
    assert min(float(np.min(t.y)) for t in fig.data) >= 0.05  # zero cannot be drawn on a log axis
    assert fig.layout.yaxis.type == "log"


def test_two_routes_share_one_grey_legend(populations):
    fig = _full(band_figure(populations, Style(), OUTPUTS, (90, 50)))
    shown = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in shown] == ["90 % of 50 simulated patients", "50 % of 50 simulated patients", "median"]
    groups = {t.legendgroup for t in fig.data}
    assert groups == {"lv90", "lv50", "median"}  # one click toggles that band on both routes


def test_band_choice_and_withdrawal_after_stop(populations):
    only90 = band_figure(populations, Style(), ("relief",), (90,))
    assert not any("50 %" in (t.name or "") for t in only90.data)
    sc = population_scenarios(VALUES)["intrathecal"]
    stop = simulate_population(stop_scenario(sc), 50, 3, 60.0)
    fig = _full(band_figure({"intrathecal": stop}, Style(), ("withdrawal",), x_title="Days after the abrupt stop"))
    assert fig.layout.xaxis.title.text == "Days after the abrupt stop"
    assert fig.layout.yaxis.range == (0, 1.2)
    assert len(fig.layout.shapes) == 4  # withdrawal stage bands: mild .. life-threatening


@pytest.mark.parametrize("presentation", [False, True])
def test_renal_figure(presentation):
    renal = renal_comparison(10.0, 8.0, 7.0)
    lives = {
        s: terminal_half_life_h(
            sample_params(
                default_params(), Patient(crcl_ml_per_min=c.crcl_ml_per_min if s != "normal" else None), 50, 1
            )
        )
        for s, c in CKD_STAGES.items()
    }
    fig = _full(renal_figure(renal, lives, Style(presentation), n=50))
    boxes = [t for t in fig.data if t.type == "box"]
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(boxes) == 4
    assert len(bars) == 2
    np.testing.assert_allclose(bars[0].y, renal["auc_ss_24h_ng_h_per_ml"])
    np.testing.assert_allclose(boxes[-1].y, lives["severe"])
    assert any("50 simulated patients" in a.text for a in fig.layout.annotations)


def test_csf_figure():
    tabs = {
        label: simulate(
            Scenario(duration_h=24.0, output_step_min=30.0, intrathecal=(ITContinuous(300.0),), patient=p)
        ).table
        for label, p in (("this patient", Patient(14.0, 3.0)), ("adult 70 kg", Patient()))
    }
    fig = _full(csf_figure(tabs, Style(), title="Lumbar CSF"))
    assert [t.name for t in fig.data] == ["this patient", "adult 70 kg"]
    assert fig.data[0].line.color == ROUTE_COLORS["intrathecal"]


def test_equivalence_figure_counts_every_matched_patient():
    pe = population_equivalence(Scenario(), 50.0, 60, 17)
    eq = pe.per_patient
    fig = _full(equivalence_figure(eq.oral_mg_per_day, eq.reachable, Style(), typical_ceiling_mg_per_day=95.0))
    ok, not_ok = fig.data
    finite = np.isfinite(eq.oral_mg_per_day)
    assert len(ok.x) == int(np.sum(finite & eq.reachable))
    assert len(not_ok.x) == int(np.sum(finite & ~eq.reachable))
    assert len(ok.x) + len(not_ok.x) == int(np.sum(finite))
    np.testing.assert_allclose(10 ** np.sort(ok.x), np.sort(eq.oral_mg_per_day[finite & eq.reachable]))
    assert len(fig.layout.shapes) == 2  # highest studied dose and the typical patient's ceiling


def test_equivalence_figure_without_any_match():
    fig = _full(equivalence_figure(np.array([np.nan, np.nan]), np.array([False, False]), Style()))
    assert all(len(t.x) == 0 for t in fig.data)
