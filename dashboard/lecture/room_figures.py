"""The room's guesses at the reveal of a class poll: a dot plot (one dot per student, stacked where guesses
are close) beside the model's answer, the band within 20 % of it, and the room's median.

Pure functions of the answers (no Streamlit, no database); drawn with the shared look of
:mod:`dashboard.charts.style`.  Guesses that span more than :data:`LOG_SPAN` (largest / smallest, all
positive) are drawn on a log axis, so one guess of 10 000 does not squash the others into one dot.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.style import COLORS, Style, figure, rgba
from pkmodels.scenes import WELL_PREDICTED_PERCENT

__all__ = ["LOG_SPAN", "MAX_BINS", "room_figure", "stack_dots", "use_log_axis"]

LOG_SPAN = 30.0  # largest / smallest guess beyond which the axis is logarithmic
MAX_BINS = 40  # stacking resolution across the axis
ROOM_COLOR = COLORS["orange"]
MODEL_COLOR = COLORS["blue"]
MEDIAN_COLOR = COLORS["vermillion"]


def use_log_axis(values: Sequence[float], truth: float) -> bool:
    """Log axis when every value (and the answer) is positive and they span more than :data:`LOG_SPAN`."""
    xs = [*values, truth]
    if not values or min(xs) <= 0:
        return False
    return max(xs) / min(xs) > LOG_SPAN


def stack_dots(values: Sequence[float], lo: float, hi: float, bins: int = MAX_BINS) -> list[int]:
    """Stack height (1, 2, ...) of each value: values in the same of ``bins`` equal bins over [lo, hi] stack up,
    in the order given (sort the values first for a tidy plot)."""
    width = (hi - lo) / bins if hi > lo else 1.0
    seen: dict[int, int] = {}
    levels = []
    for v in values:
        b = min(max(int((v - lo) / width), 0), bins - 1)
        seen[b] = seen.get(b, 0) + 1
        levels.append(seen[b])
    return levels


def _axis_range(values: Sequence[float], truth: float, log: bool) -> tuple[float, float]:
    """Axis range (in axis units: log10 on a log axis) with the answer's 20 % band and every guess inside."""
    band = abs(truth) * WELL_PREDICTED_PERCENT / 100
    xs = [*values, truth - band, truth + band]
    if log:
        lo, hi = math.log10(min(v for v in xs if v > 0)), math.log10(max(xs))
        pad = max(0.08 * (hi - lo), 0.05)
        return lo - pad, hi + pad
    lo, hi = min(xs), max(xs)
    pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.5
    return lo - pad, hi + pad


def room_figure(values: Sequence[float], truth: float, unit: str, style: Style = Style()) -> go.Figure:
    """Dot plot of the room's guesses (``values``, one per student) against the model's answer ``truth``."""
    xs = sorted(float(v) for v in values if math.isfinite(v))
    log = use_log_axis(xs, truth)
    lo, hi = _axis_range(xs, truth, log)
    key = [math.log10(v) for v in xs] if log else xs
    levels = stack_dots(key, lo, hi)
    top = max(levels, default=0)
    size = (16 if style.presentation else 11) if top <= 12 else (10 if style.presentation else 7)
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": xs,
            "y": levels,
            "name": "The room's guesses",
            "marker": {"size": size, "color": rgba(ROOM_COLOR, 0.85), "line": {"width": 1, "color": "#5c4000"}},
            "hovertemplate": f"%{{x:.3g}} {unit}<extra></extra>",
            "showlegend": False,
        }
    ]
    band = abs(truth) * WELL_PREDICTED_PERCENT / 100
    shapes = [
        {  # the band within 20 % of the model's answer
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": truth - band,
            "x1": truth + band,
            "y0": 0,
            "y1": 1,
            "fillcolor": rgba(COLORS["green"], 0.14),
            "line": {"width": 0},
            "layer": "below",
        },
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": truth,
            "x1": truth,
            "y0": 0,
            "y1": 1,
            "line": {"color": MODEL_COLOR, "width": style.line},
        },
    ]
    font = style.font

    def at(x: float) -> float:  # plotly places annotations on a log axis in log10 units (shapes in data units)
        return math.log10(x) if log else x

    def anchor(x: float) -> str:  # labels near an edge grow inwards, so none is cut off
        f = (at(x) - lo) / (hi - lo) if hi > lo else 0.5
        return "left" if f < 0.3 else "right" if f > 0.7 else "center"

    annotations = [
        {
            "x": at(truth),
            "y": 1.0,
            "xref": "x",
            "yref": "paper",
            "xanchor": anchor(truth),
            "yanchor": "bottom",
            "text": f"<b>Model: {fmt.answer(truth)} {unit}</b>",
            "showarrow": False,
            "font": {"size": font, "color": MODEL_COLOR},
        }
    ]
    if xs:
        med = float(statistics.median(xs))
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": med,
                "x1": med,
                "y0": 0,
                "y1": 0.86,
                "line": {"color": MEDIAN_COLOR, "width": style.line * 0.8, "dash": "dash"},
            }
        )
        annotations.append(
            {
                "x": at(med),
                "y": 0.86,
                "xref": "x",
                "yref": "paper",
                "xanchor": anchor(med),
                "yanchor": "bottom",
                "text": f"Room median: {fmt.answer(med)}",
                "showarrow": False,
                "font": {"size": font - 2, "color": MEDIAN_COLOR},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    else:
        annotations.append(
            {
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
                "text": "No answers from the room",
                "showarrow": False,
                "font": {"size": font, "color": COLORS["grey"]},
            }
        )
    layout = style.base_layout(height=330 if style.presentation else 260)
    layout.update(
        {
            "margin": {"l": 10, "r": 10, "t": 40 if style.presentation else 30, "b": 10},
            "hovermode": "closest",
            "showlegend": False,
            "shapes": shapes,
            "annotations": annotations,
            "xaxis": style.axis(
                type="log" if log else "linear",
                range=[lo, hi],
                title={"text": f"Guess ({unit})" + (", log scale" if log else ""), "font": {"size": font}},
            ),
            "yaxis": style.axis(
                range=[0.2, max(top, 3) + 0.8],
                showticklabels=False,
                showgrid=False,
                title={"text": ""},
                fixedrange=True,
            ),
        }
    )
    return figure(data, layout)
