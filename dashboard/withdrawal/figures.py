"""Withdrawal & tapering figures: one run's timelines around the end of therapy, and abrupt vs taper.

The time axis counts from the end of the therapy (0 = the stop, the first taper step, the failure or the
empty reservoir): hours for runs up to 12 days, days beyond.  Pure functions of result tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.marks import line, note, vline
from dashboard.charts.panels import ADAPTATION_TOP, LOG_FLOOR, LOG_RANGE, RELIEF_TOP, WITHDRAWAL_TOP, stage_band_shapes
from dashboard.charts.series import decimate
from dashboard.charts.style import (
    COLORS,
    ROUTE_COLORS,
    SITE_COLORS,
    Style,
    figure,
    label_time_axes,
    set_axis,
)
from pkmodels import columns as col

__all__ = ["PANELS", "end_axis", "severity_pair_figure", "timeline_figure"]

# panel -> (title, y label)
PANELS: dict[str, tuple[str, str]] = {
    "conc": ("Concentrations: lumbar CSF (solid) and plasma (dotted)", "ng/mL (log)"),
    "adaptation": ("Receptor adaptation by site (builds over days, reverses over days)", "0-1"),
    "severity": ("Withdrawal severity by site (stage bands: teaching assumption)", "index"),
    "relief": ("Spasticity relief (falling = spasticity returns)", "Ashworth points"),
}
SITES = ("spinal", "supraspinal")
SITE_NAMES = {"spinal": "Spinal cord", "supraspinal": "Brain (supraspinal)"}

HOURS_UP_TO_H = 24.0 * 12  # runs up to 12 days are drawn in hours
MARKER_COLOR = "#444444"


def end_axis(times_h: np.ndarray, end_h: float, origin: str = "the end of therapy") -> tuple[np.ndarray, str, float]:
    """x values counted from the end of therapy, their axis title ("Hours from <origin>") and a tick spacing."""
    rel = np.asarray(times_h, dtype=float) - end_h
    span = float(rel[-1] - rel[0]) if rel.size else 0.0
    if span <= HOURS_UP_TO_H:
        return rel, f"Hours from {origin}", 24.0 if span > 48 else 6.0
    days = rel / 24.0
    return days, f"Days from {origin}", 7.0 if span > 24.0 * 40 else (2.0 if span > 24 * 10 else 1.0)


def _panel_traces(
    panel: str,
    tab: pd.DataFrame,
    x_all: np.ndarray,
    row: int,
    style: Style,
    route: str,
    max_points: int,
    legend_sites: bool,
) -> list[dict]:
    color = ROUTE_COLORS.get(route, COLORS["grey"])
    w = style.line
    if panel == "conc":
        cols = [col.CSF_LUMBAR, col.PLASMA]
        x, (csf, plasma) = decimate(
            x_all, [np.maximum(tab[c].to_numpy(dtype=float), LOG_FLOOR) for c in cols], max_points
        )
        return [line(x, csf, row, "Lumbar CSF", color, w), line(x, plasma, row, "Plasma", color, w * 0.7, dash="dot")]
    if panel == "relief":
        x, (y,) = decimate(x_all, [tab[col.RELIEF].to_numpy(dtype=float)], max_points)
        return [line(x, y, row, "Relief", color, w, fmt=".2f")]
    if panel == "adaptation":
        x, ys = decimate(x_all, [tab[col.ADAPTATION[s]].to_numpy(dtype=float) for s in SITES], max_points)
        return [
            line(x, y, row, SITE_NAMES[s], SITE_COLORS[s], w, legend=legend_sites, group=s, fmt=".2f")
            for s, y in zip(SITES, ys, strict=True)
        ]
    # severity: each site and the overall index (the higher of the two)
    cols = [col.WITHDRAWAL_SITE["spinal"], col.WITHDRAWAL_SITE["supraspinal"], col.WITHDRAWAL]
    x, (*by_site, total) = decimate(x_all, [tab[c].to_numpy(dtype=float) for c in cols], max_points)
    return [
        *(
            line(x, y, row, SITE_NAMES[s], SITE_COLORS[s], w, legend=legend_sites, group=s, fmt=".2f")
            for s, y in zip(SITES, by_site, strict=True)
        ),
        line(
            x,
            total,
            row,
            "Overall",
            COLORS["black"],
            max(w * 0.45, 1.0),
            dash="dash",
            legend=legend_sites,
            group="overall",
            fmt=".2f",
        ),
    ]


def _severity_range(tabs: Sequence[pd.DataFrame]) -> list[float]:
    """y range of the severity index: the stage bands, or higher when a run goes above them."""
    top = max((float(tab[col.WITHDRAWAL].max()) for tab in tabs if len(tab)), default=0.0)
    return [0, max(WITHDRAWAL_TOP, top * 1.05)]


def _axis(panel: str, tab: pd.DataFrame, style: Style) -> dict:
    axis: dict = {"title": {"text": PANELS[panel][1], "font": {"size": style.font - 1}}}
    if panel == "conc":
        axis.update(type="log", range=list(LOG_RANGE), dtick=1)  # decades only, as panels.panel_axis
    elif panel == "relief":
        axis.update(range=[0, RELIEF_TOP])
    elif panel == "adaptation":
        axis.update(range=[0, ADAPTATION_TOP])
    else:
        axis.update(range=_severity_range([tab]))
    return axis


def _label(row: int, x: float, text: str, style: Style, y: float) -> dict:
    """The text of an event marker, hanging from height ``y`` of subplot ``row``."""
    return note(row, x, text, style, y=y, color=MARKER_COLOR, opacity=0.75)


def _markers(markers: Sequence[tuple[float, str]], rows: int, style: Style) -> tuple[list[dict], list[dict]]:
    """Vertical dashed lines across every row at the given x values, labelled above the first row."""
    shapes = [vline(row, x, MARKER_COLOR) for x, _ in markers for row in range(1, rows + 1)]
    labels = [_label(1, x, text, style, 1.0 - 0.13 * (k % 3)) for k, (x, text) in enumerate(markers)]
    return shapes, labels


def _grid_layout(titles: Sequence[str], style: Style, height: int, title: str | None) -> dict:
    layout = {**style.base_layout(height=height, title=title), **style.grid(titles)}
    layout["margin"] = {**layout["margin"], "r": 20}
    return layout


def timeline_figure(
    table: pd.DataFrame,
    end_h: float,
    style: Style = Style(),
    panels: Sequence[str] = ("conc", "adaptation", "severity", "relief"),
    *,
    route: str = "intrathecal",
    markers: Sequence[tuple[float, str]] = (),
    title: str | None = None,
    height: int | None = None,
    origin: str = "the end of therapy",
    max_points: int = 1500,
) -> go.Figure:
    """One row per panel on one time axis counted from ``end_h`` (called ``origin`` in the axis title);
    ``markers``: (run hours, label) vertical lines."""
    panels = [p for p in panels if p in PANELS]
    layout = _grid_layout(
        [PANELS[p][0] for p in panels], style, height or style.height_per_row * len(panels) + 110, title
    )
    x_all, x_label, dtick = end_axis(table[col.TIME].to_numpy(), end_h, origin)
    scale = 1.0 if x_label.startswith("Hours") else 1.0 / 24.0
    data: list[dict] = []
    legend_done: set[str] = set()
    for row, panel in enumerate(panels, start=1):
        traces = _panel_traces(panel, table, x_all, row, style, route, max_points, True)
        for tr in traces:  # one legend entry per name (the sites appear in two rows)
            tr["showlegend"] = tr["name"] not in legend_done
            legend_done.add(tr["name"])
        data += traces
        set_axis(layout, "yaxis", row, **_axis(panel, table, style))
    shapes: list[dict] = []
    for row, panel in enumerate(panels, start=1):
        if panel == "severity":
            s, labels = stage_band_shapes("withdrawal", row, font=style.font)
            shapes += s
            layout["annotations"] += labels
    m_shapes, m_labels = _markers([((t - end_h) * scale, text) for t, text in markers], len(panels), style)
    shapes += m_shapes
    layout["annotations"] += m_labels
    label_time_axes(layout, len(panels), x_label, style, dtick)
    layout["shapes"] = shapes
    return figure(data, layout)


def severity_pair_figure(
    runs: Mapping[str, tuple[pd.DataFrame, float, str]],
    style: Style = Style(),
    *,
    markers: Mapping[str, Sequence[tuple[float, str]]] | None = None,
    height: int | None = None,
    origin: str = "the end of therapy",
    max_points: int = 1200,
) -> go.Figure:
    """Withdrawal severity by site, one row per run (``runs``: name -> (table, end_h, row title)), on one
    shared time axis counted from each run's end (the runs should share their end time and duration)."""
    names = list(runs)
    layout = _grid_layout(
        [runs[n][2] for n in names], style, height or (style.height_per_row + 40) * len(names) + 110, None
    )
    data: list[dict] = []
    shapes: list[dict] = []
    x_label, dtick = "Time", 1.0
    y_range = _severity_range([tab for tab, _, _ in runs.values()])
    for row, name in enumerate(names, start=1):
        tab, end_h, _ = runs[name]
        x_all, x_label, dtick = end_axis(tab[col.TIME].to_numpy(), end_h, origin)
        data += _panel_traces("severity", tab, x_all, row, style, "intrathecal", max_points, row == 1)
        set_axis(layout, "yaxis", row, title={"text": "index", "font": {"size": style.font - 1}}, range=y_range)
        s, labels = stage_band_shapes("withdrawal", row, font=style.font)
        shapes += s
        layout["annotations"] += labels
        scale = 1.0 if x_label.startswith("Hours") else 1.0 / 24.0
        for t, text in (markers or {}).get(name, ()):
            shapes.append(vline(row, (t - end_h) * scale, MARKER_COLOR))
            layout["annotations"].append(_label(row, (t - end_h) * scale, text, style, 0.6))
    label_time_axes(layout, len(names), x_label, style, dtick)
    layout["shapes"] = shapes
    return figure(data, layout)
