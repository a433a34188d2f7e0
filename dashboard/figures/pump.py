"""Figures of the Pump & titration page: pure builders from result tables (no Streamlit).

Colours follow the rest of the app: intrathecal blue, oral orange, spinal site blue, supraspinal site
vermillion; a grey line is always a reference (the plan without the error, the continuous rate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pkmodels import columns as col

from .style import COLORS, ROUTE_COLORS, SITE_COLORS, Style, axis_refs, decimate, figure, stage_band_shapes, time_axis

__all__ = [
    "error_figure",
    "flex_figure",
    "missed_refill_figure",
    "screening_figure",
    "switch_figure",
    "titration_figure",
]

IT = ROUTE_COLORS["intrathecal"]
ORAL = ROUTE_COLORS["oral"]
REFERENCE = COLORS["grey"]
WINDOW_FILL = "rgba(0,158,115,0.14)"
DANGER_FILL = "rgba(213,94,0,0.16)"


def _axis_key(kind: str, row: int) -> str:
    return kind if row == 1 else f"{kind}{row}"


def _layout(style: Style, titles: Sequence[str], *, title: str | None = None) -> dict:
    """Base layout and grid, with the legend in its own strip above the first panel's title (large type on a
    projector would otherwise put the two on top of each other)."""
    strip = round(style.font * 1.9)
    height = style.height_per_row * len(titles) + 90 + strip
    layout = {**style.base_layout(height=height, title=title), **style.grid(titles)}
    margin = layout["margin"]
    layout["margin"] = {**margin, "t": margin["t"] + strip}
    plot_h = height - layout["margin"]["t"] - margin["b"]
    layout["legend"] = {**layout["legend"], "y": 1.0 + style.font * 1.45 / plot_h, "x": 0.0, "xanchor": "left"}
    return layout


def _set_axis(layout: dict, kind: str, row: int, **extra: object) -> None:
    key = _axis_key(kind, row)
    layout[key] = {**layout[key], **extra}


def _ytitle(layout: dict, row: int, text: str, style: Style, **extra: object) -> None:
    _set_axis(layout, "yaxis", row, title={"text": text, "font": {"size": style.font - 1}}, **extra)


def _xtitle(layout: dict, n_rows: int, text: str, style: Style, *, dtick: float | None = None) -> None:
    """Title under the bottom time axis; the same tick spacing on every row (matched axes share the range
    only, so the grid lines would differ)."""
    _set_axis(layout, "xaxis", n_rows, title={"text": text, "font": {"size": style.font}})
    if dtick is not None:
        for row in range(1, n_rows + 1):
            _set_axis(layout, "xaxis", row, dtick=dtick)


def _held(x: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A pump-rate step line without its last point (the result table reads 0 at the very end of the run,
    where the programmed infusion stops)."""
    return (x[:-1], rate[:-1]) if len(x) > 1 else (x, rate)


def _line(
    x: np.ndarray,
    y: np.ndarray,
    row: int,
    name: str,
    color: str,
    width: float,
    *,
    dash: str = "solid",
    group: str | None = None,
    legend: bool = True,
    shape: str = "linear",
    unit: str = "",
) -> dict:
    xref, yref = axis_refs(row)
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "xaxis": xref,
        "yaxis": yref,
        "name": name,
        "legendgroup": group or name,
        "showlegend": legend,
        "line": {"color": color, "width": width, "dash": dash, "shape": shape},
        "hovertemplate": f"{name}: %{{y:.3g}}{unit}<extra></extra>",
    }


def _vrect(row: int, x0: float, x1: float, fill: str) -> dict:
    x, y = axis_refs(row)
    return {
        "type": "rect",
        "xref": x,
        "yref": f"{y} domain",
        "x0": x0,
        "x1": x1,
        "y0": 0,
        "y1": 1,
        "fillcolor": fill,
        "line": {"width": 0},
        "layer": "below",
    }


def _vline(row: int, x0: float, color: str = "#444", dash: str = "dash") -> dict:
    x, y = axis_refs(row)
    return {
        "type": "line",
        "xref": x,
        "yref": f"{y} domain",
        "x0": x0,
        "x1": x0,
        "y0": 0,
        "y1": 1,
        "line": {"color": color, "width": 1.5, "dash": dash},
    }


def _hline(row: int, y0: float, color: str = "#444", dash: str = "dot") -> dict:
    x, y = axis_refs(row)
    return {
        "type": "line",
        "xref": f"{x} domain",
        "yref": y,
        "x0": 0,
        "x1": 1,
        "y0": y0,
        "y1": y0,
        "line": {"color": color, "width": 1.5, "dash": dash},
    }


def _note(row: int, x0: float, text: str, style: Style, *, y: float = 1.0, xanchor: str = "left") -> dict:
    x, yref = axis_refs(row)
    return {
        "xref": x,
        "yref": f"{yref} domain",
        "x": x0,
        "y": y,
        "xanchor": xanchor,
        "yanchor": "top",
        "text": text,
        "showarrow": False,
        "font": {"size": style.font - 2, "color": "#333"},
        "bgcolor": "rgba(255,255,255,0.7)",
    }


def _columns(tab: pd.DataFrame, x: np.ndarray, cols: Sequence[str], max_points: int) -> tuple[np.ndarray, list]:
    return decimate(x, [tab[c].to_numpy(dtype=float) for c in cols], max_points)


def _segments(x: np.ndarray, flag: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) of each run of True in ``flag`` (for shading)."""
    flag = np.asarray(flag, dtype=bool)
    if not flag.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flag.astype(np.int8), [0]])))
    return [(float(x[a]), float(x[min(b, len(x) - 1)])) for a, b in zip(edges[::2], edges[1::2], strict=True)]


# ------------------------------------------------------------------------------------------ screening


def screening_figure(
    tab: pd.DataFrame,
    style: Style = Style(),
    *,
    window_h: tuple[float, float] = (4.0, 8.0),
    threshold: float = 1.0,
    panels: Sequence[str] = ("csf", "relief"),
    max_points: int = 800,
) -> go.Figure:
    """Lumbar (and cranial) CSF and spasticity relief over 24 h after a bolus; the observation window shaded."""
    titles = {
        "csf": "CSF after the bolus: lumbar (solid), cranial (dotted)",
        "relief": "Spasticity relief (dashed line: the model's 'positive' criterion)",
    }
    panels = [p for p in panels if p in titles]
    layout = _layout(style, [titles[p] for p in panels])
    x_all = tab[col.TIME].to_numpy()
    x, (lum, cran, rel) = _columns(tab, x_all, (col.CSF_LUMBAR, col.CSF_CRANIAL, col.RELIEF), max_points)
    data, shapes, notes = [], [], []
    for row, panel in enumerate(panels, start=1):
        shapes.append(_vrect(row, *window_h, WINDOW_FILL))
        if panel == "csf":
            data.append(_line(x, lum, row, "Lumbar CSF", IT, style.line, unit=" ng/mL"))
            data.append(_line(x, cran, row, "Cranial CSF", IT, style.line * 0.7, dash="dot", unit=" ng/mL"))
            _ytitle(layout, row, "ng/mL", style, rangemode="tozero")
        else:
            data.append(_line(x, rel, row, "Relief", IT, style.line, legend=False, unit=" points"))
            shapes.append(_hline(row, threshold))
            _ytitle(layout, row, "Ashworth points", style, range=[0, 4.2])
        if row == 1:
            notes.append(
                _note(
                    row,
                    (window_h[0] + window_h[1]) / 2,
                    f"observe {window_h[0]:g}-{window_h[1]:g} h",
                    style,
                    xanchor="center",
                )
            )
    _set_axis(layout, "xaxis", len(panels), range=[0, float(x_all[-1])])
    _xtitle(layout, len(panels), "Hours after the bolus", style, dtick=4)
    layout["shapes"] = shapes
    layout["annotations"] += notes
    return figure(data, layout)


# ------------------------------------------------------------------------------------------ titration


def titration_figure(
    tab: pd.DataFrame,
    style: Style = Style(),
    *,
    panels: Sequence[str] = ("rate", "csf", "relief"),
    max_points: int = 1200,
) -> go.Figure:
    """Daily pump-rate steps, the CSF they give and the relief, over the titration."""
    titles = {
        "rate": "Programmed pump rate (a step each day after the first 24 h)",
        "csf": "CSF: lumbar (solid), cranial (dotted)",
        "relief": "Spasticity relief",
    }
    panels = [p for p in panels if p in titles]
    layout = _layout(style, [titles[p] for p in panels])
    x_all, x_label = time_axis(tab[col.TIME].to_numpy())
    x, (rate, lum, cran, rel) = _columns(
        tab,
        x_all,
        (col.IT_RATE, col.CSF_LUMBAR, col.CSF_CRANIAL, col.RELIEF),
        max_points,
    )
    data = []
    for row, panel in enumerate(panels, start=1):
        if panel == "rate":
            data.append(
                _line(*_held(x, rate), row, "Pump rate", IT, style.line, shape="hv", legend=False, unit=" µg/day")
            )
            _ytitle(layout, row, "µg/day", style, rangemode="tozero")
        elif panel == "csf":
            data.append(_line(x, lum, row, "Lumbar CSF", IT, style.line, unit=" ng/mL"))
            data.append(_line(x, cran, row, "Cranial CSF", IT, style.line * 0.7, dash="dot", unit=" ng/mL"))
            _ytitle(layout, row, "ng/mL", style, rangemode="tozero")
        else:
            data.append(_line(x, rel, row, "Relief", IT, style.line, legend=False, unit=" points"))
            _ytitle(layout, row, "Ashworth points", style, range=[0, 4.2])
    _xtitle(layout, len(panels), x_label, style)
    return figure(data, layout)


# -------------------------------------------------------------------------------------- missed refill


def missed_refill_figure(
    tab: pd.DataFrame,
    empty_at_h: float,
    style: Style = Style(),
    *,
    panels: Sequence[str] = ("csf", "relief", "withdrawal"),
    max_points: int = 1200,
) -> go.Figure:
    """What follows when the reservoir runs dry: CSF falls, relief fades, withdrawal climbs its stages."""
    titles = {
        "csf": "Lumbar CSF",
        "relief": "Spasticity relief",
        "withdrawal": "Withdrawal severity (spinal blue, supraspinal vermillion)",
    }
    panels = [p for p in panels if p in titles]
    layout = _layout(style, [titles[p] for p in panels])
    x_all = tab[col.TIME].to_numpy() - empty_at_h
    x, (lum, rel, w_sp, w_sup) = _columns(
        tab,
        x_all,
        (
            col.CSF_LUMBAR,
            col.RELIEF,
            col.WITHDRAWAL_SITE["spinal"],
            col.WITHDRAWAL_SITE["supraspinal"],
        ),
        max_points,
    )
    data, shapes, notes = [], [], []
    for row, panel in enumerate(panels, start=1):
        shapes.append(_vline(row, 0.0))
        if panel == "csf":
            data.append(_line(x, lum, row, "Lumbar CSF", IT, style.line, legend=False, unit=" ng/mL"))
            _ytitle(layout, row, "ng/mL", style, rangemode="tozero")
        elif panel == "relief":
            data.append(_line(x, rel, row, "Relief", IT, style.line, legend=False, unit=" points"))
            _ytitle(layout, row, "Ashworth points", style, range=[0, 4.2])
        else:
            s, labels = stage_band_shapes("withdrawal", row, font=style.font)
            shapes += s
            notes += labels
            data.append(_line(x, w_sp, row, "Spinal withdrawal", SITE_COLORS["spinal"], style.line))
            data.append(
                _line(x, w_sup, row, "Supraspinal withdrawal", SITE_COLORS["supraspinal"], style.line, dash="dash")
            )
            _ytitle(layout, row, "index", style, range=[0, 1.2])
        if row == len(panels):  # the bottom panel has room at its top right of the event
            notes.append(_note(row, 0.0, " reservoir empty", style, y=0.97))
    _set_axis(layout, "xaxis", len(panels), range=[float(x_all[0]), float(x_all[-1])])
    _xtitle(layout, len(panels), "Hours after the reservoir ran dry", style, dtick=24)
    layout["shapes"] = shapes
    layout["annotations"] += notes
    return figure(data, layout)


# ----------------------------------------------------------------------------------------------- flex


def flex_figure(
    runs: Mapping[str, pd.DataFrame],
    style: Style = Style(),
    *,
    panels: Sequence[str] = ("rate", "csf", "relief"),
    max_points: int = 1200,
    night: tuple[float, float] = (22.0, 7.0),
) -> go.Figure:
    """Continuous (grey when compared, blue alone) and flex (blue) schedules of the same daily dose; nights
    (``night`` = (from, to) o'clock) shaded."""
    titles = {"rate": "Pump rate", "csf": "Lumbar CSF", "relief": "Spasticity relief"}
    units = {"rate": ("µg/day", " µg/day"), "csf": ("ng/mL", " ng/mL"), "relief": ("Ashworth points", " points")}
    panels = [p for p in panels if p in titles]
    layout = _layout(style, [titles[p] for p in panels])
    data, shapes = [], []
    end = 0.0
    for name, tab in runs.items():
        flex = name == "flex"
        color = IT if flex or len(runs) == 1 else REFERENCE
        label = "Flex (day/night)" if flex else "Continuous"
        x_all = tab[col.TIME].to_numpy()
        end = max(end, float(x_all[-1]))
        x, ys = _columns(tab, x_all, (col.IT_RATE, col.CSF_LUMBAR, col.RELIEF), max_points)
        series = {"rate": _held(x, ys[0]), "csf": (x, ys[1]), "relief": (x, ys[2])}
        for row, panel in enumerate(panels, start=1):
            data.append(
                _line(
                    *series[panel],
                    row,
                    label,
                    color,
                    style.line * (1.0 if flex else 0.8),
                    group=label,
                    legend=row == 1,
                    shape="hv" if panel == "rate" else "linear",
                    unit=units[panel][1],
                )
            )
    nights = [
        (max(d * 24.0 + night[0] - 24.0, 0.0), min(d * 24.0 + night[1], end))
        for d in range(int(np.ceil(end / 24.0)) + 1)
    ]
    for row, panel in enumerate(panels, start=1):
        shapes += [_vrect(row, a, b, "rgba(0,0,0,0.06)") for a, b in nights if b > a]
        extra = {"range": [0, 4.2]} if panel == "relief" else {"rangemode": "tozero"}
        _ytitle(layout, row, units[panel][0], style, **extra)
    _xtitle(
        layout,
        len(panels),
        f"Hours (from midnight; shaded: night {night[0]:02.0f}:00-{night[1]:02.0f}:00)",
        style,
        dtick=6,
    )
    layout["shapes"] = shapes
    return figure(data, layout)


# ------------------------------------------------------------------------------------------------ error


def error_figure(
    runs: Mapping[str, pd.DataFrame],
    error_at_h: float,
    style: Style = Style(),
    *,
    panels: Sequence[str] = ("csf", "sedation", "relief"),
    max_points: int = 1200,
) -> go.Figure:
    """The intended rate (grey) and the ten-fold error (blue): CSF, sedation with its stages, relief."""
    titles = {
        "csf": "CSF: lumbar (solid), cranial (dotted)",
        "sedation": "Sedation / CNS depression (shaded red: respiratory warning)",
        "relief": "Spasticity relief",
    }
    panels = [p for p in panels if p in titles]
    layout = _layout(style, [titles[p] for p in panels])
    data, shapes, notes = [], [], []
    span = (0.0, 0.0)
    for name, tab in runs.items():
        error = name == "error"
        color = IT if error else REFERENCE
        label = "Ten-fold error" if error else "Intended rate"
        width = style.line * (1.0 if error else 0.8)
        x_all = tab[col.TIME].to_numpy() - error_at_h
        span = (min(span[0], float(x_all[0])), max(span[1], float(x_all[-1])))
        x, (lum, cran, sed, rel) = _columns(
            tab,
            x_all,
            (col.CSF_LUMBAR, col.CSF_CRANIAL, col.SEDATION, col.RELIEF),
            max_points,
        )
        for row, panel in enumerate(panels, start=1):
            if panel == "csf":
                data.append(_line(x, lum, row, label, color, width, group=label, unit=" ng/mL lumbar"))
                data.append(
                    _line(
                        x,
                        cran,
                        row,
                        f"{label}, cranial",
                        color,
                        width * 0.7,
                        dash="dot",
                        group=label,
                        legend=False,
                        unit=" ng/mL cranial",
                    )
                )
            elif panel == "sedation":
                data.append(_line(x, sed, row, label, color, width, group=label, legend=False))
                if error:
                    shapes += [
                        _vrect(row, a, b, DANGER_FILL)
                        for a, b in _segments(x_all, tab[col.RESPIRATORY_WARNING].to_numpy())
                    ]
            else:
                data.append(_line(x, rel, row, label, color, width, group=label, legend=False, unit=" points"))
    for row, panel in enumerate(panels, start=1):
        shapes.append(_vline(row, 0.0))
        if panel == "csf":
            _ytitle(layout, row, "ng/mL", style, rangemode="tozero")
        elif panel == "sedation":
            s, labels = stage_band_shapes("sedation", row, font=style.font)
            shapes = s + shapes
            notes += labels
            _ytitle(layout, row, "index (0-1)", style, range=[0, 1.0])
        else:
            _ytitle(layout, row, "Ashworth points", style, range=[0, 4.2])
        if row == 1:
            notes.append(_note(row, 0.0, " pump reprogrammed" if "error" in runs else " refill visit", style, y=0.6))
    _set_axis(layout, "xaxis", len(panels), range=[float(span[0]), float(span[1])])
    _xtitle(layout, len(panels), "Hours after the refill visit", style, dtick=12)
    layout["shapes"] = shapes
    layout["annotations"] += notes
    return figure(data, layout)


# ----------------------------------------------------------------------------------------------- switch


def switch_figure(
    runs: Mapping[str, pd.DataFrame],
    style: Style = Style(),
    *,
    panels: Sequence[str] = ("plasma", "csf", "sedation", "withdrawal"),
    max_points: int = 1200,
) -> go.Figure:
    """Oral-to-intrathecal switch: weaned (solid) vs oral stopped at once (dashed)."""
    titles = {
        "plasma": "Plasma (mostly the oral drug)",
        "csf": "Lumbar CSF (mostly the pump)",
        "sedation": "Sedation / CNS depression",
        "withdrawal": "Withdrawal severity: spinal (blue), supraspinal (vermillion)",
    }
    panels = [p for p in panels if p in titles]
    layout = _layout(style, [titles[p] for p in panels])
    data, shapes, notes = [], [], []
    x_label = "Time"
    for name, tab in runs.items():
        weaned = name == "weaned"
        dash = "solid" if weaned else "dash"
        label = "Oral weaned" if weaned else "Oral stopped at once"
        width = style.line * (1.0 if weaned else 0.8)
        x_all, x_label = time_axis(tab[col.TIME].to_numpy())
        x, (pl, lum, sed, w_sp, w_sup) = _columns(
            tab,
            x_all,
            (
                col.PLASMA,
                col.CSF_LUMBAR,
                col.SEDATION,
                col.WITHDRAWAL_SITE["spinal"],
                col.WITHDRAWAL_SITE["supraspinal"],
            ),
            max_points,
        )
        for row, panel in enumerate(panels, start=1):
            first = row == 1
            if panel == "plasma":
                data.append(_line(x, pl, row, label, ORAL, width, dash=dash, group=label, legend=first, unit=" ng/mL"))
            elif panel == "csf":
                data.append(_line(x, lum, row, label, IT, width, dash=dash, group=label, legend=first, unit=" ng/mL"))
            elif panel == "sedation":
                data.append(_line(x, sed, row, label, COLORS["purple"], width, dash=dash, group=label, legend=first))
            else:
                data.append(
                    _line(
                        x,
                        w_sp,
                        row,
                        f"{label}, spinal",
                        SITE_COLORS["spinal"],
                        width,
                        dash=dash,
                        group=label,
                        legend=first,
                    )
                )
                data.append(
                    _line(
                        x,
                        w_sup,
                        row,
                        f"{label}, supraspinal",
                        SITE_COLORS["supraspinal"],
                        width,
                        dash=dash,
                        group=label,
                        legend=first,
                    )
                )
    for row, panel in enumerate(panels, start=1):
        if panel in ("plasma", "csf"):
            _ytitle(layout, row, "ng/mL", style, rangemode="tozero")
        else:
            s, labels = stage_band_shapes(panel, row, font=style.font)
            shapes += s
            notes += labels
            _ytitle(layout, row, "index", style, range=[0, 1.0 if panel == "sedation" else 1.2])
    _xtitle(layout, len(panels), x_label, style)
    layout["shapes"] = shapes
    layout["annotations"] += notes
    return figure(data, layout)
