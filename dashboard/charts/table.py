"""A chart's text alternative: the curves it draws, read back at a few evenly spaced times, as a table.

Built from the figure itself (what the chart shows, no model math), so every time-course chart gets one the
same way: a screen reader, or a learner who wants the numbers, reads the table instead of the lines.  Pure
(no Streamlit); charts without time courses (bars, boxes, markers only) get none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.series import float_points
from dashboard.format import number

__all__ = ["chart_table", "has_time_course"]

_TAGS = re.compile(r"<[^>]+>")


def _plain(text: Any) -> str:
    """Plotly text without its markup ('<b>CSF</b><br><b>lumbar</b>' -> 'CSF lumbar')."""
    return " ".join(_TAGS.sub(" ", str(text or "")).split())


def _headings(layout: dict) -> dict[str, str]:
    """y-axis reference ('y', 'y2', ...) -> the panel heading written just above that axis's domain."""
    notes = [a for a in layout.get("annotations", []) if a.get("yref") == "paper" and "<b>" in str(a.get("text"))]
    out: dict[str, str] = {}
    for key, axis in layout.items():
        if not key.startswith("yaxis") or not isinstance(axis, dict) or "domain" not in axis:
            continue
        top = float(axis["domain"][1])
        for note in notes:
            if abs(float(note.get("y", -1)) - top) < 1e-6:
                out["y" + key[5:]] = _plain(note["text"]).split(":")[0]  # "Plasma: what the body sees" -> "Plasma"
                break
    return out


def _x_title(layout: dict) -> str:
    titles = [
        _plain((axis.get("title") or {}).get("text"))
        for key, axis in sorted(layout.items())
        if key.startswith("xaxis") and isinstance(axis, dict)
    ]
    return next((t for t in titles if t), "x")


def _time_courses(fig: go.Figure) -> Iterator[tuple[Any, np.ndarray, np.ndarray]]:
    """(trace, x, y) of every line of ``fig`` drawn over a numeric x axis with at least two points."""
    for trace in fig.data:
        if trace.type != "scatter" or "lines" not in str(trace.mode or "lines"):
            continue
        points = float_points(trace.x, trace.y)
        if points is not None and points[0].size >= 2:  # else category or date axes, or a single point
            yield trace, *points


def has_time_course(fig: go.Figure) -> bool:
    """Whether :func:`chart_table` has a table for ``fig`` (without building it)."""
    return next(_time_courses(fig), None) is not None


def chart_table(fig: go.Figure, n_times: int = 9) -> pd.DataFrame | None:
    """The lines of ``fig`` at ``n_times`` evenly spaced x values (each the last drawn point at or before that
    x, so the numbers are the chart's own): one column per line, named by its panel heading and legend name;
    None if the chart draws no lines over a numeric x axis."""
    layout = fig.layout.to_plotly_json()  # small; the traces are read as they are (numpy arrays, not base64)
    headings = _headings(layout)
    lines = []
    for trace, x, y in _time_courses(fig):
        name = _plain(trace.name) or "line"
        panel = headings.get(str(trace.yaxis or "y"), "")
        lines.append((f"{panel}: {name}" if panel else name, x, y))
    if not lines:
        return None
    lo = min(float(np.nanmin(x)) for _, x, _ in lines)
    hi = max(float(np.nanmax(x)) for _, x, _ in lines)
    times = np.linspace(lo, hi, n_times)
    table: dict[str, list[str]] = {_x_title(layout): [number(t) for t in times]}
    for label, x, y in lines:
        order = np.argsort(x, kind="stable")
        xs, ys = x[order], y[order]
        at = np.searchsorted(xs, times, side="right") - 1
        column = [number(float(ys[i])) if i >= 0 else "-" for i in at]
        while label in table:  # two lines with the same name and panel: keep both
            label += " "
        table[label] = column
    return pd.DataFrame(table)
