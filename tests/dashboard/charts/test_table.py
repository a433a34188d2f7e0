"""A chart's numbers as a table: read back from the figure at evenly spaced times."""

from __future__ import annotations

from dashboard.charts.style import Style, figure
from dashboard.charts.table import chart_table
from dashboard.compare.figures import compare_figure
from dashboard.compare.scenarios import compare_scenarios
from dashboard.compare.settings import SCHEMA
from pkmodels import columns as col
from pkmodels import simulate


def two_panel_figure() -> object:
    style = Style()
    layout = {**style.base_layout(height=400), **style.grid(["Plasma", "Relief"])}
    layout["xaxis2"] = {**layout["xaxis2"], "title": {"text": "Time (hours)"}}
    data = [
        {"type": "scatter", "mode": "lines", "x": [0, 1, 2, 3, 4], "y": [0, 10, 20, 30, 40], "name": "Oral",
         "xaxis": "x", "yaxis": "y"},
        {"type": "scatter", "mode": "lines", "x": [0, 2, 4], "y": [1.0, 2.0, 3.0], "name": "Oral",
         "xaxis": "x2", "yaxis": "y2"},
        {"type": "bar", "x": ["a", "b"], "y": [1, 2], "name": "bars"},
    ]  # fmt: skip
    return figure(data, layout)


def test_columns_are_named_by_panel_and_line_and_values_are_drawn_points():
    table = chart_table(two_panel_figure(), n_times=5)
    assert list(table.columns) == ["Time (hours)", "Plasma: Oral", "Relief: Oral"]
    assert table["Time (hours)"].tolist() == ["0", "1", "2", "3", "4"]
    assert table["Plasma: Oral"].tolist() == ["0", "10", "20", "30", "40"]
    # the last drawn point at or before each time (a step, as drawn between points; no interpolation)
    assert table["Relief: Oral"].tolist() == ["1", "1", "2", "2", "3"]


def test_charts_without_lines_have_no_table():
    fig = figure([{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], Style().base_layout(height=300))
    assert chart_table(fig) is None
    assert chart_table(figure([], {"title": {"text": "empty"}})) is None


def test_the_compare_chart_table_reads_its_curves():
    """On the real Compare figure: a column per route and panel, and values within the drawn curve's range."""
    runs = {route: simulate(sc).table for route, sc in compare_scenarios(SCHEMA.defaults()).items()}
    table = chart_table(compare_figure(runs, Style(), ("plasma", "relief")))
    assert table.columns[0] == "Time (days)"
    for route, name in (("oral", "Oral"), ("intrathecal", "Intrathecal")):
        column = next(c for c in table.columns if c.startswith("Plasma") and c.endswith(": " + name))
        values = [float(v.replace(",", "")) for v in table[column]]
        plasma = runs[route][col.PLASMA]
        assert min(values) >= plasma.min() * 0.999 - 1e-9
        assert max(values) <= plasma.max() * 1.001 + 1e-9
