"""The validation chart: a valid Plotly figure, one model marker per target, pass/fail visible by colour and
shape, values beyond the axis drawn at its edge, group headings."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard.charts import Style
from dashboard.charts.style import COLORS
from dashboard.model.figures import X_RANGE, range_text, validation_figure


def row(name, group, model, lo, hi, *, value=None, reference=None, passed=True, open_hi=False, unit="ng/mL"):
    if reference is None:
        reference = value if value is not None else (lo if lo else hi)
    return {
        "name": name,
        "group": group,
        "model": model,
        "lo": lo,
        "hi": hi,
        "value": value,
        "open_hi": open_hi,
        "reference": reference,
        "passed": passed,
        "unit": unit,
        "published": "pub",
        "source": "SwissFI",
    }


ROWS = [
    row("Cmax 10 mg", "Oral", 182.0, 153.0, 207.0, value=180.0),
    row("Tmax", "Oral", 0.95, 0.5, 1.5, reference=0.866, unit="h"),
    row("Plasma on ITB", "CSF", 4.2, None, 5.0),
    row("Dose ratio", "Ratio", 1e5, 100.0, None, unit="ratio"),  # 1000 x reference: beyond the axis
    row("Missed", "Ratio", 50.0, 100.0, None, passed=False, unit="ratio"),
    row("Tiny", "Ratio", 1e-6, 0.0, 0.15, open_hi=True, unit="index"),  # far below the axis
]


def by_name(fig):
    return {t.name: t for t in fig.data}


@pytest.mark.parametrize("presentation", [False, True])
def test_figure_is_valid_plotly(presentation):
    fig = validation_figure(ROWS, Style(presentation))
    go.Figure(fig.to_dict())  # full validation of what was built without it
    assert fig.layout.font.size == (22 if presentation else 13)
    assert fig.layout.xaxis.type == "log"


def test_one_model_marker_per_target_with_pass_and_fail_apart():
    traces = by_name(validation_figure(ROWS))
    passed, failed = traces["Model: inside"], traces["Model: outside"]
    assert len(passed.x) == 5
    assert len(failed.x) == 1
    assert passed.marker.color == COLORS["green"]
    assert failed.marker.color == COLORS["vermillion"]
    assert "x" in failed.marker.symbol  # shape differs too, not only colour
    assert failed.x[0] == pytest.approx(0.5)  # 50 / 100


def test_values_are_relative_to_the_reference_and_clipped_at_the_edges():
    passed = by_name(validation_figure(ROWS))["Model: inside"]
    assert passed.x[0] == pytest.approx(182.0 / 180.0)
    assert passed.x[1] == pytest.approx(0.95 / 0.866)
    assert passed.x[3] == X_RANGE[1]
    assert passed.marker.symbol[3] == "triangle-right"
    assert passed.x[4] == X_RANGE[0]
    assert passed.marker.symbol[4] == "triangle-left"


def test_published_ranges_and_values():
    traces = by_name(validation_figure(ROWS))
    bars = traces["Published range (accepted)"]
    segments = [(bars.x[i], bars.x[i + 1]) for i in range(0, len(bars.x), 3)]
    assert segments[0] == pytest.approx((153.0 / 180.0, 207.0 / 180.0))
    assert segments[2] == (X_RANGE[0], 1.0)  # no lower bound: from the left edge
    assert segments[3] == (1.0, X_RANGE[1])  # no upper bound: to the right edge
    assert list(traces["Published value"].x) == [1.0]


def test_group_headings_and_labels():
    fig = validation_figure(ROWS)
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks[0] == "<b>Oral</b>"
    assert [t for t in ticks if t.startswith("<b>")] == ["<b>Oral</b>", "<b>CSF</b>", "<b>Ratio</b>"]
    labels = [a.text for a in fig.layout.annotations]
    assert labels[0] == "✓ 182 ng/mL"
    assert labels[3] == "✓ 100,000"
    assert labels[4].startswith("✗")


def test_presentation_wraps_long_labels():
    long = [row("A rather long target name that needs two lines", "G", 1.0, 0.5, 2.0)]
    assert "<br>" in validation_figure(long, Style(True)).layout.yaxis.ticktext[1]
    assert "<br>" not in validation_figure(long, Style(False)).layout.yaxis.ticktext[1]


def test_range_text():
    assert range_text(ROWS[0]) == "153 to 207"
    assert range_text(ROWS[2]) == "≤ 5"
    assert range_text(ROWS[3]) == "≥ 100"
    assert range_text(ROWS[5]) == "0 to <0.15"
