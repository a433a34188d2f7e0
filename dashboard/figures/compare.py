"""Linked time courses of the two routes on one time axis (Compare routes page, lecture scenes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pkmodels import columns as col
from pkmodels.thresholds import OVERDOSE_PLASMA_NG_PER_ML, USUAL_PLASMA_RANGE_NG_PER_ML

from .style import (
    COLORS,
    ROUTE_COLORS,
    ROUTE_NAMES,
    Style,
    axis_refs,
    decimate,
    figure,
    hband,
    label_time_axes,
    stage_band_shapes,
    time_axis,
)

__all__ = ["LOG_FLOOR", "LOG_RANGE", "PANELS", "compare_figure", "panel_axis"]

# panel -> (title, y label, log axis, result-table columns)
PANELS: dict[str, tuple[str, str, bool, tuple[str, ...]]] = {
    "plasma": ("Plasma: what the whole body sees", "ng/mL (log)", True, (col.PLASMA,)),
    "csf": (
        "Spinal (solid) and cranial (dotted) CSF: where it acts",
        "ng/mL (log)",
        True,
        (col.CSF_LUMBAR, col.CSF_CRANIAL),
    ),
    "relief": ("Spasticity relief", "Ashworth points", False, (col.RELIEF,)),
    "sedation": ("Sedation / CNS depression", "index (0-1)", False, (col.SEDATION,)),
    "withdrawal": ("Withdrawal severity", "index", False, (col.WITHDRAWAL,)),
}
LOG_FLOOR = 0.05  # ng/mL drawn at the bottom of log axes (zero cannot be drawn on a log scale)
LOG_RANGE = [-1.3, 4.0]  # log10 axis range: 0.05 .. 10 000 ng/mL


def panel_axis(panel: str, row: int, style: Style, y_label: str | None = None) -> tuple[dict, list[dict], list[dict]]:
    """y-axis settings, background bands and their labels for a panel showing ``panel`` (one of PANELS) on
    subplot ``row``: log ranges for concentrations, the usual and overdose plasma ranges, stage bands for
    sedation and withdrawal.  Every figure that draws these quantities uses it, so they look the same."""
    _, default_label, log, _cols = PANELS[panel]
    axis: dict = {
        "title": {"text": y_label or default_label, "font": {"size": style.font - 1}},
        "type": "log" if log else "linear",
    }
    shapes: list[dict] = []
    labels: list[dict] = []
    if log:
        axis["range"] = LOG_RANGE
    if panel == "plasma":
        for y0, y1, fill, text in (
            (*USUAL_PLASMA_RANGE_NG_PER_ML, "rgba(0,158,115,0.13)", "usual range 80-400"),
            (OVERDOSE_PLASMA_NG_PER_ML, 1e5, "rgba(213,94,0,0.13)", "overdose range"),
        ):
            shape, label = hband(row, y0, y1, fill, text, font=style.font, text_at="left")
            shapes.append(shape)
            labels.append({**label, "y": float(np.log10(y0)), "yanchor": "bottom"})  # log axis: log10 units
    elif panel == "relief":
        axis["range"] = [0, 4.2]
    elif panel in ("sedation", "withdrawal"):
        shapes, labels = stage_band_shapes(panel, row, font=style.font)
        axis["range"] = [0, 1.0 if panel == "sedation" else 1.2]
    return axis, shapes, labels


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
            xref, yref = axis_refs(row)
            for k, (column, y) in enumerate(zip(cols, ys, strict=True)):
                cranial = column == col.CSF_CRANIAL
                data.append(
                    {
                        "type": "scatter",
                        "x": x,
                        "y": y,
                        "mode": "lines",
                        "xaxis": xref,
                        "yaxis": yref,
                        "name": name + (" cranial CSF" if cranial else ""),
                        "legendgroup": route,
                        "showlegend": row == 1 and k == 0,
                        "line": {
                            "color": color,
                            "width": style.line * (0.7 if cranial else 1.0),
                            "dash": "dot" if cranial else "solid",
                        },
                        "hovertemplate": f"{name}{' cranial' if cranial else ''}: %{{y:.3g}}<extra></extra>",
                    }
                )
    shapes: list[dict] = []
    for row, panel in enumerate(panels, start=1):
        axis, s, labels = panel_axis(panel, row, style)
        key = "yaxis" if row == 1 else f"yaxis{row}"
        layout[key] = {**layout[key], **axis}
        shapes += s
        layout["annotations"] += labels
    label_time_axes(layout, len(panels), x_label, style)
    layout["shapes"] = shapes
    return figure(data, layout)
