"""The marks figures are drawn with, as plain dicts: a line trace, shaded bands, reference lines and notes on
one subplot of a one-column grid.

Built as plain dicts and set in one layout update: plotly's add_hrect/add_annotation validate every call and
were most of the figure-building time.
"""

from __future__ import annotations

import numpy as np

from .style import Style, axis_refs

__all__ = ["hband", "hline", "line", "note", "vband", "vline"]

REFERENCE_LINE = "#444"  # dashed or dotted lines that mark an event or a criterion


def line(
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
    shape: str | None = None,
    fmt: str = ".3g",
    unit: str = "",
    hover: str | None = None,
) -> dict:
    """A line trace on subplot ``row``; hover text "<hover or name>: <y as fmt><unit>"; ``shape`` "hv" for
    steps (a pump's rate)."""
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
        "line": {"color": color, "width": width, "dash": dash, **({"shape": shape} if shape else {})},
        "hovertemplate": f"{hover or name}: %{{y:{fmt}}}{unit}<extra></extra>",
    }


def _across_width(row: int, kind: str, y0: float, y1: float, **look: object) -> dict:
    """A shape spanning the full width of subplot ``row``, from ``y0`` to ``y1`` in data units."""
    x, y = axis_refs(row)
    return {"type": kind, "xref": f"{x} domain", "yref": y, "x0": 0, "x1": 1, "y0": y0, "y1": y1, **look}


def _across_height(row: int, kind: str, x0: float, x1: float, **look: object) -> dict:
    """A shape spanning the full height of subplot ``row``, from ``x0`` to ``x1`` in data units."""
    x, y = axis_refs(row)
    return {"type": kind, "xref": x, "yref": f"{y} domain", "x0": x0, "x1": x1, "y0": 0, "y1": 1, **look}


def hband(
    row: int, y0: float, y1: float, fill: str, text: str | None = None, *, font: int = 12, text_at: str = "right"
) -> tuple[dict, dict | None]:
    """A shaded horizontal band across subplot ``row`` (a shape dict) and its label (an annotation dict)."""
    shape = _across_width(row, "rect", y0, y1, fillcolor=fill, line={"width": 0}, layer="below")
    label = None
    if text:
        x, y = axis_refs(row)
        label = {
            "xref": f"{x} domain",
            "yref": y,
            "x": 1.0 if text_at == "right" else 0.0,
            "y": y1,
            "xanchor": text_at,
            "yanchor": "top",
            "text": text,
            "showarrow": False,
            "font": {"size": font - 3, "color": "#444"},
        }
    return shape, label


def hline(row: int, y0: float, color: str = REFERENCE_LINE, dash: str = "dot") -> dict:
    """A horizontal line at ``y0`` across subplot ``row`` (a criterion or a reference level)."""
    return _across_width(row, "line", y0, y0, line={"color": color, "width": 1.5, "dash": dash})


def vband(row: int, x0: float, x1: float, fill: str) -> dict:
    """A shaded vertical band from ``x0`` to ``x1`` over the full height of subplot ``row``."""
    return _across_height(row, "rect", x0, x1, fillcolor=fill, line={"width": 0}, layer="below")


def vline(row: int, x0: float, color: str = REFERENCE_LINE, dash: str = "dash", width: float = 1.5) -> dict:
    """A vertical line at ``x0`` over the full height of subplot ``row`` (an event: a stop, a refill visit)."""
    return _across_height(row, "line", x0, x0, line={"color": color, "width": width, "dash": dash})


def note(
    row: int,
    x0: float,
    text: str,
    style: Style,
    *,
    y: float = 1.0,
    xanchor: str = "left",
    color: str = "#333",
    opacity: float = 0.7,
    smaller: int = 2,
    **extra: object,
) -> dict:
    """A short text at ``x0`` hanging from height ``y`` (0-1) of subplot ``row``, on a white background of
    ``opacity``, ``smaller`` points below the figure's type."""
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
        "font": {"size": style.font - smaller, "color": color},
        "bgcolor": f"rgba(255,255,255,{opacity:g})",
        **extra,
    }
