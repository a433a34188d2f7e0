"""The model against published values (Model & validation page): one row per calibration target.

Each row shows the published range (thick bar) and value (black tick) and the model's value (dot), all
divided by the target's reference value, on one logarithmic axis: 1 is the published value, and every
target, whatever its unit, can be read on the same scale.  Inside the range: green circle; outside:
vermillion cross (shape and colour, so it reads without colour vision too).  Rows come from
:func:`pkmodels.validation.evaluate`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.style import COLORS, Style, figure

__all__ = ["X_RANGE", "range_text", "validation_figure"]

X_RANGE = (0.02, 50.0)  # model / published; values beyond are drawn at the edge as a triangle
PASS_COLOR, FAIL_COLOR = COLORS["green"], COLORS["vermillion"]
RANGE_FILL = "rgba(0,114,178,0.28)"


def _clip(x: float) -> tuple[float, int]:
    """x on the axis and -1 / 0 / +1 for clipped below / inside / clipped above."""
    if not math.isfinite(x) or x <= X_RANGE[0]:
        return X_RANGE[0], -1
    if x >= X_RANGE[1]:
        return X_RANGE[1], 1
    return x, 0


def _wrap(text: str, width: int = 28) -> str:
    """Break a long label once, at the space nearest its middle (projector labels are large)."""
    if len(text) <= width or " " not in text:
        return text
    mid = len(text) // 2
    cut = min((i for i, c in enumerate(text) if c == " "), key=lambda i: abs(i - mid))
    return text[:cut] + "<br>" + text[cut + 1 :]


def _unit(row: Mapping[str, Any]) -> str:
    return "" if row["unit"] == "ratio" else row["unit"]


def range_text(row: Mapping[str, Any]) -> str:
    lo, hi = row["lo"], row["hi"]
    if lo is None:
        return f"≤ {fmt.number(hi)}" if not row.get("open_hi") else f"< {fmt.number(hi)}"
    if hi is None:
        return f"≥ {fmt.number(lo)}"
    return f"{fmt.number(lo)} to {'<' if row.get('open_hi') else ''}{fmt.number(hi)}"


def validation_figure(
    rows: Sequence[Mapping[str, Any]], style: Style = Style(), *, title: str | None = None
) -> go.Figure:
    """Forest-style chart of the targets in ``rows`` (top to bottom in order, a heading per group)."""
    ticks: list[tuple[float, str]] = []
    y_of: list[float] = []
    y = 0.0
    group = None
    for row in rows:
        if row["group"] != group:
            group = row["group"]
            ticks.append((y, f"<b>{group}</b>"))
            y -= 1.0
        ticks.append((y, _wrap(row["name"]) if style.presentation else row["name"]))
        y_of.append(y)
        y -= 1.0

    bar_x: list[float | None] = []
    bar_y: list[float | None] = []
    bar_text: list[str | None] = []
    pub_x, pub_y = [], []
    points: dict[str, dict[str, list]] = {k: {"x": [], "y": [], "text": [], "symbol": []} for k in ("pass", "fail")}
    labels = []
    for row, yy in zip(rows, y_of, strict=True):
        ref = row["reference"]
        lo = X_RANGE[0] if row["lo"] is None or row["lo"] <= 0 else _clip(row["lo"] / ref)[0]
        hi = X_RANGE[1] if row["hi"] is None else _clip(row["hi"] / ref)[0]
        hover = (
            f"<b>{row['name']}</b><br>Published: {row['published']} ({row['source']})<br>"
            f"Accepted: {range_text(row)} {row['unit']}<br>Model: {fmt.number(row['model'])} {row['unit']}"
        )
        bar_x += [lo, hi, None]
        bar_y += [yy, yy, None]
        bar_text += [hover, hover, None]
        if row.get("value") is not None:
            pub_x.append(row["value"] / ref)
            pub_y.append(yy)
        x, side = _clip(row["model"] / ref if row["model"] is not None else math.nan)
        kind = "pass" if row["passed"] else "fail"
        pts = points[kind]
        pts["x"].append(x)
        pts["y"].append(yy)
        pts["text"].append(hover + f"<br><b>{'inside' if row['passed'] else 'OUTSIDE'} the published range</b>")
        pts["symbol"].append({-1: "triangle-left", 1: "triangle-right"}.get(side, "circle" if kind == "pass" else "x"))
        labels.append(
            {
                "xref": "paper",
                "yref": "y",
                "x": 1.0,
                "y": yy,
                "xanchor": "left",
                "showarrow": False,
                "text": f"{'✓' if row['passed'] else '✗'} {fmt.number(row['model'])} {_unit(row)}".rstrip(),
                "font": {"size": style.font - 1, "color": PASS_COLOR if row["passed"] else FAIL_COLOR},
            }
        )

    size = 16 if style.presentation else 10
    data: list[dict] = [
        {
            "type": "scatter",
            "x": bar_x,
            "y": bar_y,
            "mode": "lines",
            "name": "Published range (accepted)",
            "line": {"color": RANGE_FILL, "width": 18 if style.presentation else 11},
            "text": bar_text,
            "hovertemplate": "%{text}<extra></extra>",
            "connectgaps": False,
        },
        {
            "type": "scatter",
            "x": pub_x,
            "y": pub_y,
            "mode": "markers",
            "name": "Published value",
            "marker": {"symbol": "line-ns", "size": size + 8, "line": {"width": 3, "color": COLORS["black"]}},
            "hoverinfo": "skip",
        },
    ]
    for kind, name, color in (("pass", "Model: inside", PASS_COLOR), ("fail", "Model: outside", FAIL_COLOR)):
        pts = points[kind]
        data.append(
            {
                "type": "scatter",
                "x": pts["x"],
                "y": pts["y"],
                "mode": "markers",
                "name": name,
                "text": pts["text"],
                "hovertemplate": "%{text}<extra></extra>",
                "showlegend": bool(pts["x"]),
                "marker": {
                    "color": color,
                    "size": size,
                    "symbol": pts["symbol"],
                    "line": {"width": 1.5, "color": "white" if kind == "pass" else color},
                },
            }
        )

    n = len(ticks)
    row_px = 46 if style.presentation else 24
    layout = style.base_layout(height=n * row_px + 140, title=title)
    layout["hovermode"] = "closest"
    layout["margin"] = {**layout["margin"], "r": 170 if style.presentation else 110, "b": 60}
    ticks_x = [0.05, 0.2, 1, 5, 20] if style.presentation else [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]
    layout["xaxis"] = style.axis(
        type="log",
        range=[math.log10(X_RANGE[0]), math.log10(X_RANGE[1])],
        title={"text": "Model ÷ published value (log scale; 1 = published)", "font": {"size": style.font}},
        tickvals=ticks_x,
        ticktext=[f"{v:g}" for v in ticks_x],
    )
    layout["yaxis"] = style.axis(
        tickvals=[t[0] for t in ticks],
        ticktext=[t[1] for t in ticks],
        range=[y + 0.5, 0.5],
        showgrid=False,
        zeroline=False,
        tickfont={"size": style.font - (6 if style.presentation else 1)},
    )
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": 1,
            "x1": 1,
            "y0": 0,
            "y1": 1,
            "line": {"color": COLORS["grey"], "width": 1, "dash": "dot"},
            "layer": "below",
        }
    ]
    layout["annotations"] = labels
    return figure(data, layout)
