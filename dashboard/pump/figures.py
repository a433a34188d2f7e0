"""Figures of the Pump & titration page: pure builders from result tables (no Streamlit).

Colours follow the rest of the app: intrathecal blue, oral orange, spinal site blue, supraspinal site
vermillion; a grey line is always a reference (the plan without the error, the continuous rate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.marks import hline, line, note, vband, vline
from dashboard.charts.panels import RELIEF_TOP, SEDATION_TOP, WITHDRAWAL_TOP, stage_band_shapes
from dashboard.charts.series import columns, segments, time_axis
from dashboard.charts.style import COLORS, ROUTE_COLORS, SITE_COLORS, Style, figure, label_time_axes, set_axis, y_title
from pkmodels import columns as col

__all__ = [
    "error_figure",
    "flex_figure",
    "missed_refill_figure",
    "screening_figure",
    "switch_figure",
    "tip_figure",
    "titration_figure",
]

IT = ROUTE_COLORS["intrathecal"]
ORAL = ROUTE_COLORS["oral"]
REFERENCE = COLORS["grey"]
WINDOW_FILL = "rgba(0,158,115,0.14)"
DANGER_FILL = "rgba(213,94,0,0.16)"
NIGHT_FILL = "rgba(0,0,0,0.06)"


def _grid(style: Style, titles: Mapping[str, str], panels: Sequence[str]) -> tuple[list[str], dict]:
    """The panels asked for that this figure has, and their layout (base layout and grid)."""
    shown = [p for p in panels if p in titles]
    height = style.height_per_row * len(shown) + 90
    return shown, {**style.base_layout(height=height), **style.grid([titles[p] for p in shown])}


def _y_axis(layout: dict, row: int, panel: str, style: Style) -> None:
    """The y axis of a rate, concentration or relief panel: its unit, from zero (relief: the Ashworth scale)."""
    if panel == "relief":
        y_title(layout, row, "Ashworth points", style, range=[0, RELIEF_TOP])
    else:
        y_title(layout, row, "µg/day" if panel == "rate" else "ng/mL", style, rangemode="tozero")


def _index_axis(layout: dict, row: int, kind: str, style: Style, label: str = "index") -> tuple[list, list]:
    """The y axis of a sedation or withdrawal panel, and the shapes and labels of its stage bands."""
    y_title(layout, row, label, style, range=[0, SEDATION_TOP if kind == "sedation" else WITHDRAWAL_TOP])
    return stage_band_shapes(kind, row, font=style.font)


def _held(x: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A pump-rate step line without its last point (the result table reads 0 at the very end of the run,
    where the programmed infusion stops)."""
    return (x[:-1], rate[:-1]) if len(x) > 1 else (x, rate)


def _csf(x: np.ndarray, lumbar: np.ndarray, cranial: np.ndarray, row: int, style: Style) -> list[dict]:
    """Lumbar CSF (solid) and cranial CSF (dotted) of one run, in intrathecal blue."""
    return [
        line(x, lumbar, row, "Lumbar CSF", IT, style.line, unit=" ng/mL"),
        line(x, cranial, row, "Cranial CSF", IT, style.line * 0.7, dash="dot", unit=" ng/mL"),
    ]


def _relief(x: np.ndarray, relief: np.ndarray, row: int, style: Style) -> dict:
    return line(x, relief, row, "Relief", IT, style.line, legend=False, unit=" points")


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
    panels, layout = _grid(style, titles, panels)
    x_all = tab[col.TIME].to_numpy()
    x, (lum, cran, rel) = columns(tab, x_all, (col.CSF_LUMBAR, col.CSF_CRANIAL, col.RELIEF), max_points)
    data, shapes, notes = [], [], []
    for row, panel in enumerate(panels, start=1):
        shapes.append(vband(row, *window_h, WINDOW_FILL))
        if panel == "csf":
            data += _csf(x, lum, cran, row, style)
        else:
            data.append(_relief(x, rel, row, style))
            shapes.append(hline(row, threshold))
        _y_axis(layout, row, panel, style)
        if row == 1:
            middle = (window_h[0] + window_h[1]) / 2
            notes.append(note(row, middle, f"observe {window_h[0]:g}-{window_h[1]:g} h", style, xanchor="center"))
    set_axis(layout, "xaxis", len(panels), range=[0, float(x_all[-1])])
    label_time_axes(layout, len(panels), "Hours after the bolus", style, dtick=4)
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
    panels, layout = _grid(style, titles, panels)
    x_all, x_label = time_axis(tab[col.TIME].to_numpy())
    x, (rate, lum, cran, rel) = columns(
        tab, x_all, (col.IT_RATE, col.CSF_LUMBAR, col.CSF_CRANIAL, col.RELIEF), max_points
    )
    data = []
    for row, panel in enumerate(panels, start=1):
        if panel == "rate":
            data.append(
                line(*_held(x, rate), row, "Pump rate", IT, style.line, shape="hv", legend=False, unit=" µg/day")
            )
        elif panel == "csf":
            data += _csf(x, lum, cran, row, style)
        else:
            data.append(_relief(x, rel, row, style))
        _y_axis(layout, row, panel, style)
    label_time_axes(layout, len(panels), x_label, style)
    return figure(data, layout)


# -------------------------------------------------------------------------------------- missed refill


def missed_refill_figure(
    tab: pd.DataFrame,
    empty_at_h: float,
    style: Style = Style(),
    *,
    panels: Sequence[str] = ("csf", "relief", "withdrawal"),
    max_points: int = 1200,
    refilled_after_h: float | None = None,
) -> go.Figure:
    """What follows when the reservoir runs dry: CSF falls, relief fades, withdrawal climbs its stages (and,
    with ``refilled_after_h``, what the refill that many hours later undoes)."""
    titles = {
        "csf": "Lumbar CSF",
        "relief": "Spasticity relief",
        "withdrawal": "Withdrawal severity (spinal blue, supraspinal vermillion)",
    }
    panels, layout = _grid(style, titles, panels)
    x_all = tab[col.TIME].to_numpy() - empty_at_h
    sites = (col.WITHDRAWAL_SITE["spinal"], col.WITHDRAWAL_SITE["supraspinal"])
    x, (lum, rel, w_sp, w_sup) = columns(tab, x_all, (col.CSF_LUMBAR, col.RELIEF, *sites), max_points)
    data, shapes, notes = [], [], []
    for row, panel in enumerate(panels, start=1):
        shapes.append(vline(row, 0.0))
        if panel == "csf":
            data.append(line(x, lum, row, "Lumbar CSF", IT, style.line, legend=False, unit=" ng/mL"))
            _y_axis(layout, row, panel, style)
        elif panel == "relief":
            data.append(_relief(x, rel, row, style))
            _y_axis(layout, row, panel, style)
        else:
            s, labels = _index_axis(layout, row, "withdrawal", style)
            shapes += s
            notes += labels
            data.append(line(x, w_sp, row, "Spinal withdrawal", SITE_COLORS["spinal"], style.line))
            data.append(
                line(x, w_sup, row, "Supraspinal withdrawal", SITE_COLORS["supraspinal"], style.line, dash="dash")
            )
        if refilled_after_h:
            shapes.append(vline(row, float(refilled_after_h)))
        if row == len(panels):  # the bottom panel has room at its top right of the event
            notes.append(note(row, 0.0, " reservoir empty", style, y=0.97))
            if refilled_after_h:
                notes.append(note(row, float(refilled_after_h), " refilled", style, y=0.97))
    set_axis(layout, "xaxis", len(panels), range=[float(x_all[0]), float(x_all[-1])])
    label_time_axes(layout, len(panels), "Hours after the reservoir ran dry", style, dtick=24)
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
    units = {"rate": " µg/day", "csf": " ng/mL", "relief": " points"}
    panels, layout = _grid(style, titles, panels)
    data, shapes = [], []
    end = 0.0
    for name, tab in runs.items():
        flex = name == "flex"
        color = IT if flex or len(runs) == 1 else REFERENCE
        label = "Flex (day/night)" if flex else "Continuous"
        x_all = tab[col.TIME].to_numpy()
        end = max(end, float(x_all[-1]))
        x, ys = columns(tab, x_all, (col.IT_RATE, col.CSF_LUMBAR, col.RELIEF), max_points)
        series = {"rate": _held(x, ys[0]), "csf": (x, ys[1]), "relief": (x, ys[2])}
        for row, panel in enumerate(panels, start=1):
            width = style.line * (1.0 if flex else 0.8)
            step = "hv" if panel == "rate" else None
            data.append(line(*series[panel], row, label, color, width, legend=row == 1, shape=step, unit=units[panel]))
    nights = [
        (max(d * 24.0 + night[0] - 24.0, 0.0), min(d * 24.0 + night[1], end))
        for d in range(int(np.ceil(end / 24.0)) + 1)
    ]
    for row, panel in enumerate(panels, start=1):
        shapes += [vband(row, a, b, NIGHT_FILL) for a, b in nights if b > a]
        _y_axis(layout, row, panel, style)
    x_label = f"Hours (from midnight; shaded: night {night[0]:02.0f}:00-{night[1]:02.0f}:00)"
    label_time_axes(layout, len(panels), x_label, style, dtick=6)
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
    panels, layout = _grid(style, titles, panels)
    data, shapes, notes = [], [], []
    span = (0.0, 0.0)
    for name, tab in runs.items():
        error = name == "error"
        color = IT if error else REFERENCE
        label = "Ten-fold error" if error else "Intended rate"
        width = style.line * (1.0 if error else 0.8)
        x_all = tab[col.TIME].to_numpy() - error_at_h
        span = (min(span[0], float(x_all[0])), max(span[1], float(x_all[-1])))
        x, (lum, cran, sed, rel) = columns(
            tab, x_all, (col.CSF_LUMBAR, col.CSF_CRANIAL, col.SEDATION, col.RELIEF), max_points
        )
        for row, panel in enumerate(panels, start=1):
            if panel == "csf":
                data.append(line(x, lum, row, label, color, width, group=label, unit=" ng/mL lumbar"))
                cranial = f"{label}, cranial"
                data.append(
                    line(
                        x,
                        cran,
                        row,
                        cranial,
                        color,
                        width * 0.7,
                        dash="dot",
                        group=label,
                        legend=False,
                        unit=" ng/mL cranial",
                    )
                )
            elif panel == "sedation":
                data.append(line(x, sed, row, label, color, width, group=label, legend=False))
                if error:
                    flagged = segments(x_all, tab[col.RESPIRATORY_WARNING].to_numpy())
                    shapes += [vband(row, a, b, DANGER_FILL) for a, b in flagged]
            else:
                data.append(line(x, rel, row, label, color, width, group=label, legend=False, unit=" points"))
    for row, panel in enumerate(panels, start=1):
        shapes.append(vline(row, 0.0))
        if panel == "sedation":
            s, labels = _index_axis(layout, row, "sedation", style, "index (0-1)")
            shapes = s + shapes  # the stage bands under the warning's shading
            notes += labels
        else:
            _y_axis(layout, row, panel, style)
        if row == 1:
            notes.append(note(row, 0.0, " pump reprogrammed" if "error" in runs else " refill visit", style, y=0.6))
    set_axis(layout, "xaxis", len(panels), range=[float(span[0]), float(span[1])])
    label_time_axes(layout, len(panels), "Hours after the refill visit", style, dtick=12)
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
    panels, layout = _grid(style, titles, panels)
    data, shapes, notes = [], [], []
    x_label = "Time"
    # panel -> (column, colour, unit) of the single-line panels; withdrawal draws both sites
    single = {
        "plasma": (col.PLASMA, ORAL, " ng/mL"),
        "csf": (col.CSF_LUMBAR, IT, " ng/mL"),
        "sedation": (col.SEDATION, COLORS["purple"], ""),
    }
    sites = {site: (col.WITHDRAWAL_SITE[site], SITE_COLORS[site], "") for site in ("spinal", "supraspinal")}
    lines = {**single, **sites}
    for name, tab in runs.items():
        weaned = name == "weaned"
        label = "Oral weaned" if weaned else "Oral stopped at once"
        kw = {"dash": "solid" if weaned else "dash", "group": label}
        width = style.line * (1.0 if weaned else 0.8)
        x_all, x_label = time_axis(tab[col.TIME].to_numpy())
        x, ys = columns(tab, x_all, [c for c, _, _ in lines.values()], max_points)
        y_of = dict(zip(lines, ys, strict=True))
        for row, panel in enumerate(panels, start=1):
            for key in (panel,) if panel in single else tuple(sites):
                _, colour, unit = lines[key]
                trace = label if key in single else f"{label}, {key}"
                data.append(line(x, y_of[key], row, trace, colour, width, legend=row == 1, unit=unit, **kw))
    for row, panel in enumerate(panels, start=1):
        if panel in ("plasma", "csf"):
            _y_axis(layout, row, panel, style)
        else:
            s, labels = _index_axis(layout, row, panel, style)
            shapes += s
            notes += labels
    label_time_axes(layout, len(panels), x_label, style)
    layout["shapes"] = shapes
    layout["annotations"] += notes
    return figure(data, layout)


# Levels labelled on the spine axis (cm below the foramen magnum, from pkmodels.neuraxis.LEVEL_CM).
SPINE_TICKS = ("C1", "C5", "T1", "T6", "T10", "T12", "L3", "L5")


def tip_figure(
    profiles: Mapping[str, pd.DataFrame],
    level_cm: Mapping[str, float],
    tips: Mapping[str, str],
    sites: Mapping[str, float],
    style: Style = Style(),
) -> go.Figure:
    """The steady CSF concentration along the spinal canal, head at the top (``profiles``: label -> rows of
    ``x_cm``, ``segment_csf_ng_per_ml``; ``tips``: label -> catheter level; ``sites``: cord site name -> cm).  Each
    of the model's segments is drawn as the well-mixed compartment it is (a step per segment); the first profile
    in blue, the others as grey references; each tip is marked with an arrow."""
    height = 560 if style.presentation else 460
    layout = {**style.base_layout(height=height), "hovermode": "y unified"}
    layout["xaxis"] = style.axis(type="log", title={"text": "CSF concentration (ng/mL, log)"}, tickangle=0, nticks=6)
    layout["yaxis"] = style.axis(
        autorange="reversed",
        title={"text": "Along the spinal canal"},
        tickvals=[level_cm[lv] for lv in SPINE_TICKS],
        ticktext=list(SPINE_TICKS),
        zeroline=False,
    )
    data, annotations, shapes = [], [], []
    for k, (label, prof) in enumerate(profiles.items()):
        color = IT if k == 0 else REFERENCE
        data.append({
            "type": "scatter", "x": prof["segment_csf_ng_per_ml"], "y": prof["x_cm"], "mode": "lines", "name": label,
            "line": {"color": color, "width": style.line * (1.0 if k == 0 else 0.7),
                     "dash": "solid" if k == 0 else "dash"},
            "hovertemplate": f"{label}: %{{x:.3g}} ng/mL<extra></extra>",
        })  # fmt: skip
        y_tip = level_cm[tips[label]]
        x_tip = float(np.interp(y_tip, prof["x_cm"], prof["segment_csf_ng_per_ml"]))
        annotations.append({
            "x": np.log10(x_tip), "y": y_tip, "xref": "x", "yref": "y", "text": f"tip {tips[label]}", "showarrow": True,
            "arrowhead": 2, "ax": 40 if k == 0 else -40, "ay": 0, "font": {"size": style.font - 1, "color": color},
        })  # fmt: skip
    for name, y in sites.items():
        shapes.append({
            "type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y,
            "line": {"color": SITE_COLORS["spinal"], "width": 1.5, "dash": "dot"},
        })  # fmt: skip
        annotations.append({
            "x": 0.01, "y": y, "xref": "x domain", "yref": "y", "text": name, "showarrow": False, "xanchor": "left",
            "yanchor": "bottom", "font": {"size": style.font - 2, "color": SITE_COLORS["spinal"]},
        })  # fmt: skip
    layout["annotations"] = annotations
    layout["shapes"] = shapes
    return figure(data, layout)
