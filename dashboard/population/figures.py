"""Population page figures: percentile bands per route, renal function, paediatric CSF (the dose-equivalence
histogram is in ``equivalence_figure.py``).

Bands are filled polygons (one trace per band, never one line per patient), the median a line; one colour
per route (ROUTE_COLORS) with lighter fills for wider bands.  Pure functions of model output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.marks import hline
from dashboard.charts.panels import LOG_FLOOR, panel_axis
from dashboard.charts.series import decimate, time_axis
from dashboard.charts.style import (
    COLORS,
    ROUTE_COLORS,
    ROUTE_NAMES,
    Style,
    axis_key,
    axis_refs,
    figure,
    heading,
    rgba,
    set_axis,
)
from pkmodels import columns as col
from pkmodels.population import PopulationResult

__all__ = [
    "BAND_ALPHA",
    "POP_PANELS",
    "band_figure",
    "csf_figure",
    "renal_figure",
]

# output -> (title, y-axis label, log axis)
POP_PANELS: dict[str, tuple[str, str, bool]] = {
    "plasma": ("Plasma: what the whole body sees", "ng/mL (log)", True),
    "csf_lumbar": ("Lumbar CSF: where the drug reaches the spinal cord", "ng/mL (log)", True),
    "relief": ("Spasticity relief", "Ashworth points", False),
    "sedation": ("Sedation / CNS depression", "index (0-1)", False),
    "withdrawal": ("Withdrawal severity after an abrupt stop", "index", False),
}
BAND_ALPHA = {90: 0.16, 50: 0.36}  # wider band = lighter fill


def _cell_grid(style: Style, n_rows: int, n_cols: int, row_titles: Sequence[str]) -> dict:
    """Axes of an n_rows x n_cols grid (axis k = (row-1)*n_cols + col); each column shares its time axis,
    each row its y axis; a title above each row."""
    row_gap = 0.10 if style.presentation else 0.08
    col_gap = 0.07 if n_cols > 1 else 0.0
    h = (1.0 - row_gap * (n_rows - 1)) / n_rows
    w = (1.0 - col_gap * (n_cols - 1)) / n_cols
    lay: dict = {"annotations": []}
    for r in range(1, n_rows + 1):
        top = 1.0 - (r - 1) * (h + row_gap)
        for c in range(1, n_cols + 1):
            k = (r - 1) * n_cols + c
            x, y = axis_refs(k)
            bottom_k = (n_rows - 1) * n_cols + c
            left = (c - 1) * (w + col_gap)
            lay[axis_key("xaxis", k)] = style.axis(
                anchor=y,
                domain=[round(left, 6), round(min(1.0, left + w), 6)],
                **({} if r == n_rows else {"matches": axis_refs(bottom_k)[0], "showticklabels": False}),
            )
            lay[axis_key("yaxis", k)] = style.axis(
                anchor=x,
                domain=[max(0.0, round(top - h, 6)), min(1.0, round(top, 6))],
                **({} if c == 1 else {"matches": axis_refs((r - 1) * n_cols + 1)[1]}),
            )
        lay["annotations"].append(heading(row_titles[r - 1], style, y=top))
    return lay


def _legend_entry(name: str, group: str, line: dict) -> dict:
    """A trace that draws nothing: one legend entry, in grey, that toggles its group on every route."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "lines",
        "name": name,
        "legendgroup": group,
        "line": line,
        "hoverinfo": "skip",
    }


def _panel_extras(output: str, k: int, style: Style) -> tuple[dict, list[dict], list[dict]]:
    """y-axis settings, background shapes and their labels for the panel on axis ``k`` (as on Compare)."""
    return panel_axis("csf" if output == "csf_lumbar" else output, k, style, POP_PANELS[output][1])


def band_figure(
    results: Mapping[str, PopulationResult],
    style: Style = Style(),
    outputs: Sequence[str] = ("plasma", "csf_lumbar", "relief", "sedation"),
    levels: Sequence[int] = (90, 50),
    *,
    headings: Mapping[str, str] | None = None,
    x_title: str | None = None,
    max_points: int = 600,
) -> go.Figure:
    """Median line and filled percentile bands, one row per output and one column per route.

    ``results``: route -> population result; ``levels``: bands to draw (90 = 5th-95th percentile,
    50 = 25th-75th); ``headings``: column headings (default: the route names).
    """
    outputs = [o for o in outputs if o in POP_PANELS]
    levels = [lv for lv in (90, 50) if lv in levels]  # wide band first, the narrow one drawn over it
    routes = list(results)
    n_rows, n_cols = len(outputs), max(1, len(routes))
    heading_px = style.font * 2 + 6
    layout = {
        **style.base_layout(height=style.height_per_row * n_rows + 150 + heading_px),
        **_cell_grid(style, n_rows, n_cols, [POP_PANELS[o][0] for o in outputs]),
    }
    layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + heading_px}
    data: list[dict] = []
    shapes: list[dict] = []
    x_label = "Time"
    # With several routes the legend explains the bands once, in grey (the column headings name the routes);
    # each entry toggles that band on every route.
    shared_legend = len(routes) > 1
    if shared_legend:
        first = results[routes[0]]
        for lv in levels:
            band = {"color": rgba(COLORS["grey"], BAND_ALPHA[lv] + 0.2), "width": 10}
            data.append(_legend_entry(first.label(lv), f"lv{lv}", band))
        data.append(_legend_entry("median", "median", {"color": COLORS["grey"], "width": style.line}))
    for c, route in enumerate(routes, start=1):
        res = results[route]
        colour = ROUTE_COLORS.get(route, COLORS["grey"])
        name = ROUTE_NAMES.get(route, route)
        x_all, x_label = time_axis(res.times_h)
        left, right = layout[axis_key("xaxis", c)]["domain"]
        layout["annotations"].append(
            {
                "text": f"<b>{(headings or {}).get(route, name)}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": (left + right) / 2,
                "y": 1.0,
                "xanchor": "center",
                "yanchor": "bottom",
                "yshift": heading_px,
                "showarrow": False,
                "font": {"size": style.font + 2, "color": colour},
            }
        )
        for r, out in enumerate(outputs, start=1):
            k = (r - 1) * n_cols + c
            xref, yref = axis_refs(k)
            log = POP_PANELS[out][2]
            qs = [res.bands[out][q] for q in (5, 25, 50, 75, 95)]
            x, qs = decimate(x_all, [np.maximum(q, LOG_FLOOR) if log else q for q in qs], max_points)
            # float32 halves the chart payload; the bands themselves are float32 time courses
            x = x.astype(np.float32)
            p5, p25, p50, p75, p95 = (q.astype(np.float32) for q in qs)
            edges = {90: (p5, p95), 50: (p25, p75)}
            for lv in levels:
                lo, hi = edges[lv]
                data.append(
                    {
                        "type": "scatter",
                        "x": np.concatenate([x, x[::-1]]),
                        "y": np.concatenate([hi, lo[::-1]]),
                        "mode": "lines",
                        "fill": "toself",
                        "fillcolor": rgba(colour, BAND_ALPHA[lv]),
                        "line": {"width": 0, "color": rgba(colour, BAND_ALPHA[lv])},
                        "hoverinfo": "skip",
                        "xaxis": xref,
                        "yaxis": yref,
                        "name": f"{name}: {res.label(lv)}",
                        "legendgroup": f"lv{lv}" if shared_legend else f"{route}-{lv}",
                        "showlegend": r == 1 and not shared_legend,
                    }
                )
            data.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": p50,
                    "mode": "lines",
                    "xaxis": xref,
                    "yaxis": yref,
                    "name": f"{name}: median",
                    "legendgroup": "median" if shared_legend else f"{route}-median",
                    "showlegend": r == 1 and not shared_legend,
                    "line": {"color": colour, "width": style.line},
                    "customdata": np.column_stack([p5, p25, p75, p95]),
                    "hovertemplate": f"{name} median %{{y:.3g}} (50 %: %{{customdata[1]:.3g}}-%{{customdata[2]:.3g}}; "
                    f"90 %: %{{customdata[0]:.3g}}-%{{customdata[3]:.3g}})<extra></extra>",
                }
            )
            axis, s, labels = _panel_extras(out, k, style)
            if c > 1:
                axis["title"] = {"text": ""}
                labels = []
            set_axis(layout, "yaxis", k, **axis)
            shapes += s
            layout["annotations"] += labels
        bottom = (n_rows - 1) * n_cols + c
        set_axis(layout, "xaxis", bottom, title={"text": x_title or x_label, "font": {"size": style.font}})
    layout["shapes"] = shapes
    return figure(data, layout)


def renal_figure(
    renal: pd.DataFrame,
    half_lives: Mapping[str, np.ndarray],
    style: Style = Style(),
    *,
    stage_labels: Mapping[str, str] | None = None,
    n: int | None = None,
) -> go.Figure:
    """Top: steady-state exposure of one typical patient per kidney stage, at the full and the reduced dose
    (``renal``: :func:`pkmodels.population.renal_comparison`).  Below: terminal half-life across the simulated
    patients per stage (boxes) with the typical patient (diamond).  One panel per row, so each keeps the
    full width (side by side, the two headings ran into each other in a phone's column)."""
    names = stage_labels or {}
    x = [names.get(s, s) for s in renal["stage"]]
    orange = ROUTE_COLORS["oral"]
    gap = 0.16  # room for the lower panel's heading and the upper one's stage labels
    lower_top = (1.0 - gap) / 2
    layout = style.base_layout(height=2 * style.height_per_row + 110)
    layout.update(
        {
            "xaxis": style.axis(domain=[0.0, 1.0], anchor="y"),
            "yaxis": style.axis(
                anchor="x",
                domain=[1.0 - lower_top, 1.0],
                title={"text": "AUC over 24 h (ng·h/mL)", "font": {"size": style.font - 1}},
                rangemode="tozero",
            ),
            "xaxis2": style.axis(domain=[0.0, 1.0], anchor="y2"),
            "yaxis2": style.axis(
                anchor="x2",
                domain=[0.0, lower_top],
                title={"text": "half-life (h)", "font": {"size": style.font - 1}},
                rangemode="tozero",
            ),
            "barmode": "group",
            "hovermode": "closest",
            "annotations": [
                heading("One typical patient: exposure at steady state", style),
                heading(f"Half-life across {n or ''} simulated patients".replace("  ", " "), style, y=lower_top),
            ],
        }
    )
    layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + style.font}
    normal_auc = float(renal["auc_ss_24h_ng_h_per_ml"].iloc[0])
    layout["shapes"] = [hline(1, normal_auc, COLORS["grey"])]
    data: list[dict] = [
        {
            "type": "bar",
            "x": x,
            "y": renal["auc_ss_24h_ng_h_per_ml"].to_numpy(),
            "name": "same dose",
            "marker": {"color": orange},
            "xaxis": "x",
            "yaxis": "y",
            "legendgroup": "auc",
            "hovertemplate": "%{x}: AUC %{y:.0f} ng·h/mL at the same dose<extra></extra>",
        },
        {
            "type": "bar",
            "x": x,
            "y": renal["auc_ss_24h_reduced_dose_ng_h_per_ml"].to_numpy(),
            "name": "suggested reduced dose",
            "marker": {"color": rgba(orange, 0.4), "line": {"color": orange, "width": 1}},
            "xaxis": "x",
            "yaxis": "y",
            "legendgroup": "auc",
            "hovertemplate": "%{x}: AUC %{y:.0f} ng·h/mL at the reduced dose<extra></extra>",
        },
    ]
    for stage, label in zip(renal["stage"], x, strict=True):
        values = np.asarray(half_lives.get(stage, []), dtype=float)
        data.append(
            {
                "type": "box",
                "y": values,
                "x": [label] * values.size,
                "name": label,
                "xaxis": "x2",
                "yaxis": "y2",
                "boxpoints": False,
                "marker": {"color": orange},
                "line": {"color": orange},
                "fillcolor": rgba(orange, 0.25),
                "showlegend": False,
                "hovertemplate": f"{label}: %{{y:.1f}} h<extra></extra>",
            }
        )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": x,
            "y": renal["half_life_h"].to_numpy(),
            "xaxis": "x2",
            "yaxis": "y2",
            "name": "typical patient",
            "marker": {"symbol": "diamond", "size": style.font, "color": COLORS["black"]},
            "hovertemplate": "%{x}: typical patient %{y:.1f} h<extra></extra>",
        }
    )
    return figure(data, layout)


def csf_figure(tables: Mapping[str, pd.DataFrame], style: Style = Style(), *, title: str | None = None) -> go.Figure:
    """Lumbar CSF over time for the same intrathecal dose in two patients (first: this patient, blue;
    second: the reference adult, grey dashed)."""
    layout = style.base_layout(height=(400 if style.presentation else 300), title=title)
    layout.update(
        {
            "xaxis": style.axis(title={"text": "Time (hours)", "font": {"size": style.font}}),
            "yaxis": style.axis(
                title={"text": "lumbar CSF (ng/mL)", "font": {"size": style.font - 1}}, rangemode="tozero"
            ),
        }
    )
    data = []
    for i, (label, tab) in enumerate(tables.items()):
        colour = ROUTE_COLORS["intrathecal"] if i == 0 else COLORS["grey"]
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": tab[col.TIME].to_numpy(),
                "y": tab[col.CSF_LUMBAR].to_numpy(),
                "name": label,
                "line": {"color": colour, "width": style.line, "dash": "solid" if i == 0 else "dash"},
                "hovertemplate": f"{label}: %{{y:.0f}} ng/mL<extra></extra>",
            }
        )
    return figure(data, layout)
