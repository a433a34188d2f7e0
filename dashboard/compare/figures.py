"""Linked time courses of the two routes on one time axis (Compare routes page, lecture scenes, opened files)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.marks import line
from dashboard.charts.panels import LOG_FLOOR, PANELS, panel_axis
from dashboard.charts.series import decimate, time_axis
from dashboard.charts.style import COLORS, ROUTE_COLORS, ROUTE_NAMES, Style, figure, label_time_axes, set_axis
from pkmodels import columns as col

__all__ = ["compare_figure"]

# Second and third lines of a panel: (legend suffix, dash, width factor); the first line of a panel is solid.
LINE_STYLES = {col.CSF_CERVICAL: (" neck CSF", "dash", 0.85), col.CSF_CRANIAL: (" cranial CSF", "dot", 0.7)}


def compare_figure(
    runs: Mapping[str, pd.DataFrame],
    style: Style = Style(),
    panels: Sequence[str] = ("plasma", "csf", "relief", "sedation"),
    *,
    title: str | None = None,
    max_points: int = 800,
) -> go.Figure:
    """One row per panel, shared time axis, one colour per route (``runs``: route -> result table)."""
    panels = [p for p in panels if p in PANELS]
    layout = {
        **style.base_layout(height=style.height_per_row * len(panels) + 90, title=title),
        **style.grid([PANELS[p][0] for p in panels]),
    }
    data: list[dict] = []
    x_label = "Time"
    for route, tab in runs.items():
        color = ROUTE_COLORS.get(route, COLORS["grey"])
        name = ROUTE_NAMES.get(route, route)
        x_all, x_label = time_axis(tab[col.TIME].to_numpy())
        for row, panel in enumerate(panels, start=1):
            _, _, log, cols = PANELS[panel]
            ys = [tab[c].to_numpy(dtype=float) for c in cols]
            x, ys = decimate(x_all, [np.maximum(y, LOG_FLOOR) if log else y for y in ys], max_points)
            for k, (column, y) in enumerate(zip(cols, ys, strict=True)):
                suffix, dash, width = LINE_STYLES.get(column, ("", "solid", 1.0)) if k else ("", "solid", 1.0)
                data.append(
                    line(
                        x,
                        y,
                        row,
                        name + suffix,
                        color,
                        style.line * width,
                        dash=dash,
                        group=route,
                        legend=row == 1 and k == 0,
                        hover=name + suffix,
                    )
                )
    shapes: list[dict] = []
    for row, panel in enumerate(panels, start=1):
        axis, s, labels = panel_axis(panel, row, style)
        set_axis(layout, "yaxis", row, **axis)
        shapes += s
        layout["annotations"] += labels
    label_time_axes(layout, len(panels), x_label, style)
    layout["shapes"] = shapes
    return figure(data, layout)
