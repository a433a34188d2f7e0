"""Lecture scenes: the Compare-routes time courses of a scene's runs, with the scene's arrows and shaded
spans; before the reveal, the empty frame (axes and panel titles only, no curves).

Pure functions of a :class:`~pkmodels.scenes.Scene` and its result tables (run key -> table); no Streamlit.
Annotations are resolved here: an arrow's time (a number or a time-valued metric) becomes a point on its
run's curve in its panel, a span becomes a shaded rectangle over one panel or all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.marks import note, vband
from dashboard.charts.panels import LOG_FLOOR, PANELS
from dashboard.charts.series import time_axis
from dashboard.charts.style import (
    COLORS,
    PROJECTOR_LINE_CHARS,
    ROUTE_COLORS,
    Style,
    axis_refs,
    figure,
    heading_text,
)
from dashboard.compare.figures import compare_figure
from pkmodels.scenes import Annotation, Scene, annotation_time_h, value_at

__all__ = ["annotation_layout", "empty_frame", "run_colors", "scene_figure"]

SPAN_FILL = "rgba(127,127,127,0.13)"
# Panel titles of compare_figure that are too long for a projector's type, and their short forms.
SHORT_TITLES = {
    heading_text(PANELS[panel][0], PROJECTOR_LINE_CHARS): heading_text(short, PROJECTOR_LINE_CHARS)
    for panel, short in (
        ("csf", "CSF: lumbar, neck (dashed), cranial (dotted)"),
        ("plasma", "Plasma (the whole body)"),
        ("sedation", "Sedation (brain)"),
        ("cervical", "CSF at the neck (C5)"),
    )
}


def run_colors(scene: Scene) -> dict[str, str]:
    """Colour of each run (key -> hex): its own colour name if the scene gives one, else its route's."""
    return {r.key: COLORS.get(r.color or "", ROUTE_COLORS.get(r.route, COLORS["grey"])) for r in scene.runs}


def _panels(scene: Scene, panels: Sequence[str] | None) -> list[str]:
    wanted = scene.panels if panels is None else panels
    return [p for p in wanted if p in PANELS]


def _duration_h(scene: Scene) -> float:
    return max(r.scenario.duration_h for r in scene.runs)


def _x_scale(scene: Scene) -> tuple[float, str]:
    """Hours -> axis units (1 for hours, 1/24 for days) and the axis title, as compare_figure chooses."""
    x, label = time_axis(np.array([0.0, _duration_h(scene)]))
    return (x[-1] / _duration_h(scene) if _duration_h(scene) > 0 else 1.0), label


def _arrow(
    a: Annotation, scene: Scene, tables: Mapping[str, pd.DataFrame], row: int, scale: float, color: str, style: Style
) -> dict | None:
    t = annotation_time_h(a, scene, tables)
    if t is None or a.run not in tables:
        return None
    y = value_at(tables[a.run], a.panel, t)
    if PANELS[a.panel][2]:  # log axis: plotly places annotations in log10 units
        y = math.log10(max(y, LOG_FLOOR))
    left = a.side == "left" if a.side else t / _duration_h(scene) > 0.5  # text towards the middle by default
    xref, yref = axis_refs(row)
    push = 1.5 if style.presentation else 1.0
    return {
        "x": t * scale,
        "y": y,
        "xref": xref,
        "yref": yref,
        "text": a.text,
        "showarrow": True,
        "arrowhead": 2,
        "arrowsize": 1.2,
        "arrowwidth": 3 if style.presentation else 2,
        "arrowcolor": color,
        # the text sits above (or below) the point, to the side the scene asks for
        "axref": "pixel",
        "ayref": "pixel",
        "ax": round((-60 if left else 60) * push),
        "ay": round((45 if a.below else -45) * push * a.lift),
        "xanchor": "right" if left else "left",
        "font": {"size": style.font - 2, "color": "#1a1a1a"},
        "bgcolor": "rgba(255,255,255,0.9)",
        "bordercolor": color,
        "borderwidth": 2,
        "borderpad": 3,
    }


def _span(a: Annotation, rows: list[int], scale: float, end_h: float, style: Style) -> tuple[list[dict], dict]:
    x0 = (a.t0_h or 0.0) * scale
    x1 = (end_h if a.t1_h is None else a.t1_h) * scale
    label = note(rows[0], x0, f"<i>{a.text}</i>", style, opacity=0.75, smaller=3, xshift=4)
    return [vband(row, x0, x1, SPAN_FILL) for row in rows], label


def annotation_layout(
    scene: Scene, tables: Mapping[str, pd.DataFrame], style: Style = Style(), panels: Sequence[str] | None = None
) -> tuple[list[dict], list[dict]]:
    """Shapes and annotations (plain dicts) for the scene's arrows and spans on the shown ``panels``.

    Annotations on panels that are not shown, and arrows whose time does not exist in the results (e.g. no
    withdrawal onset), are left out."""
    shown = _panels(scene, panels)
    scale, _ = _x_scale(scene)
    colors = run_colors(scene)
    shapes: list[dict] = []
    notes: list[dict] = []
    for a in scene.annotations:
        if a.kind == "arrow":
            if a.panel not in shown:
                continue
            note = _arrow(a, scene, tables, shown.index(a.panel) + 1, scale, colors.get(a.run or "", "#444"), style)
            if note is not None:
                notes.append(note)
        else:
            rows = (
                list(range(1, len(shown) + 1))
                if a.panel == "all"
                else [shown.index(a.panel) + 1]
                if a.panel in shown
                else []
            )
            if rows:
                s, label = _span(a, rows, scale, _duration_h(scene), style)
                shapes += s
                notes.append(label)
    return shapes, notes


def _restyle(
    fig: go.Figure,
    scene: Scene,
    style: Style,
    extra_shapes: list[dict],
    extra_notes: list[dict],
    x_range: list[float] | None = None,
    x_title: str | None = None,
) -> go.Figure:
    d = fig.to_dict()
    colors = {r.label: run_colors(scene)[r.key] for r in scene.runs}
    data = []
    for trace in d["data"]:
        color = colors.get(trace.get("legendgroup"))
        if color is not None:
            trace = {**trace, "line": {**trace.get("line", {}), "color": color}}
        data.append(trace)
    layout = d["layout"]
    layout["shapes"] = [*layout.get("shapes", []), *extra_shapes]
    layout["annotations"] = [*layout.get("annotations", []), *extra_notes]
    if style.presentation:  # shorter panel titles, so they fit a projector's large type
        for note in layout["annotations"]:
            note["text"] = SHORT_TITLES.get(note.get("text", ""), note.get("text"))
    xaxes = sorted(k for k in layout if k.startswith("xaxis"))
    if x_range is not None:
        for key in xaxes:
            layout[key] = {**layout[key], "range": x_range}
    if x_title is not None and xaxes:  # compare_figure names the time axis only when it has data
        last = max(xaxes, key=lambda k: int(k[5:] or 1))
        layout[last] = {**layout[last], "title": {"text": x_title, "font": {"size": style.font}}}
    return figure(data, layout)


def scene_figure(
    scene: Scene, tables: Mapping[str, pd.DataFrame], style: Style = Style(), panels: Sequence[str] | None = None
) -> go.Figure:
    """The scene's runs on the Compare-routes panels (legend = run labels, colours per run) with its
    annotations.  ``tables``: run key -> result table."""
    shown = _panels(scene, panels)
    runs = {r.label: tables[r.key] for r in scene.runs if r.key in tables}
    fig = compare_figure(runs, style, shown, max_points=800)
    shapes, notes = annotation_layout(scene, tables, style, shown)
    return _restyle(fig, scene, style, shapes, notes)


def empty_frame(scene: Scene, style: Style = Style(), panels: Sequence[str] | None = None) -> go.Figure:
    """The scene's panels with axes, titles and bands but no curves: what the room sees before the reveal."""
    shown = _panels(scene, panels)
    scale, label = _x_scale(scene)
    fig = compare_figure({}, style, shown)
    # One empty trace per panel: plotly.js draws only the subplots that something is plotted on.
    blanks = [
        {
            "type": "scatter",
            "x": [],
            "y": [],
            "xaxis": axis_refs(row)[0],
            "yaxis": axis_refs(row)[1],
            "mode": "lines",
            "showlegend": False,
            "hoverinfo": "skip",
        }
        for row in range(1, len(shown) + 1)
    ]
    fig = figure(blanks, fig.to_dict()["layout"])
    hint = {
        "text": "Predict first: the curves appear on reveal",
        "xref": "x domain",
        "yref": "y domain",
        "x": 0.5,
        "y": 0.3,
        "showarrow": False,
        "font": {"size": style.font + 2, "color": "#666"},
        "bgcolor": "rgba(255,255,255,0.85)",
    }
    return _restyle(fig, scene, style, [], [hint], x_range=[0.0, float(_duration_h(scene) * scale)], x_title=label)
