"""Shared look of every figure: colour-blind-safe colours, one per route everywhere, projector scaling.

Pure functions of data (no Streamlit), so figures are unit-tested directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from pkmodels.pd import SEDATION_STAGES, SEDATION_THRESHOLDS, WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS

__all__ = [
    "COLORS",
    "ROUTE_COLORS",
    "Style",
    "axis_refs",
    "decimate",
    "figure",
    "hband",
    "stage_band_shapes",
    "stage_bands",
    "time_axis",
]

# Okabe-Ito palette (colour-blind safe).  Oral is always orange, intrathecal always blue.
COLORS = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
    "black": "#000000",
}
ROUTE_COLORS = {"oral": COLORS["orange"], "intrathecal": COLORS["blue"], "both": COLORS["purple"]}
ROUTE_NAMES = {"oral": "Oral", "intrathecal": "Intrathecal", "both": "Oral + intrathecal"}
SITE_COLORS = {"spinal": COLORS["blue"], "supraspinal": COLORS["vermillion"]}
DASH = {"oral": "solid", "intrathecal": "solid", "both": "dash"}

# Backgrounds for stage bands: white to deep red, light enough to read traces over them.
STAGE_FILL = (
    "rgba(0,0,0,0)",
    "rgba(240,228,66,0.18)",
    "rgba(230,159,0,0.20)",
    "rgba(213,94,0,0.22)",
    "rgba(150,0,0,0.22)",
)

# Resolved once: without validation plotly does not turn a template name into its settings.
TEMPLATE = pio.templates["plotly_white"].to_plotly_json()


@dataclass(frozen=True)
class Style:
    """Sizes for a laptop (default) or a projector (``presentation=True``: large type, thick lines)."""

    presentation: bool = False

    @property
    def font(self) -> int:
        return 22 if self.presentation else 13

    @property
    def line(self) -> float:
        return 4.5 if self.presentation else 2.2

    @property
    def height_per_row(self) -> int:
        return 300 if self.presentation else 210

    def base_layout(self, *, height: int, title: str | None = None) -> dict:
        """Layout keys shared by every figure (plain dict; see :func:`figure`)."""
        return {
            "template": TEMPLATE,
            "height": height,
            "font": {"size": self.font, "family": "Source Sans Pro, Arial, sans-serif"},
            "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": self.font + 3}} if title else None,
            "margin": {"l": 10, "r": 10, "t": (70 if title else 40) + (20 if self.presentation else 0), "b": 10},
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.0,
                "xanchor": "right",
                "x": 1.0,
                "font": {"size": self.font},
                "bgcolor": "rgba(255,255,255,0.8)",
            },
            "hovermode": "x unified",
            "uirevision": "keep",  # keep zoom and legend choices across reruns
        }

    def axis(self, **extra: object) -> dict:
        return {
            "showgrid": True,
            "gridcolor": "#e5e5e5",
            "zeroline": False,
            "automargin": True,
            "title": {"font": {"size": self.font}},
            "tickfont": {"size": self.font - 1},
            **extra,
        }

    def grid(self, titles: Sequence[str], *, gap: float | None = None) -> dict:
        """Axes of a one-column grid of subplots sharing the time axis, with a title above each panel."""
        n = len(titles)
        gap = (0.10 if self.presentation else 0.08) if gap is None else gap
        h = (1.0 - gap * (n - 1)) / n
        lay: dict = {"annotations": []}
        for r in range(1, n + 1):
            top = 1.0 - (r - 1) * (h + gap)
            x, y = axis_refs(r)
            lay["xaxis" if r == 1 else f"xaxis{r}"] = self.axis(
                anchor=y,
                domain=[0.0, 1.0],
                **({} if r == n else {"matches": f"x{n}" if n > 1 else "x", "showticklabels": False}),
            )
            lay["yaxis" if r == 1 else f"yaxis{r}"] = self.axis(
                anchor=x, domain=[max(0.0, round(top - h, 6)), min(1.0, round(top, 6))]
            )
            lay["annotations"].append(
                {
                    "text": f"<b>{titles[r - 1]}</b>",
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.0,
                    "y": top,
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": self.font},
                }
            )
        return lay


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts, without plotly's per-property validation.

    Validation made figure building the slowest step of a rerun (40-250 ms); the unit tests rebuild every
    figure with validation (``go.Figure(fig.to_dict())``), so invalid properties are still caught.
    """
    return go.Figure(data=data, layout=layout, _validate=False)


def label_time_axes(layout: dict, n_rows: int, x_label: str, style: Style, dtick: float | None = None) -> None:
    """Title the bottom time axis of a one-column grid (and give every row the same ``dtick``, if set)."""
    for row in range(1, n_rows + 1):
        key = "xaxis" if row == 1 else f"xaxis{row}"
        if dtick is not None:
            layout[key] = {**layout[key], "dtick": dtick}
        if row == n_rows:
            layout[key] = {**layout[key], "title": {"text": x_label, "font": {"size": style.font}}}


def time_axis(times_h: np.ndarray) -> tuple[np.ndarray, str]:
    """Hours for runs up to 3 days, days beyond."""
    times_h = np.asarray(times_h, dtype=float)
    if times_h.size and times_h[-1] - times_h[0] > 72.0:
        return times_h / 24.0, "Time (days)"
    return times_h, "Time (hours)"


def decimate(times: np.ndarray, series: Sequence[np.ndarray], max_points: int = 1500) -> tuple[np.ndarray, list]:
    """Fewer points for drawing, keeping every peak and trough.

    Each bucket of consecutive points keeps the indices of the minimum and maximum of every series, so an
    oral dose spike or a withdrawal peak never disappears from a chart.  Returns the kept times and series.
    """
    n = len(times)
    if n <= max_points:
        return np.asarray(times), [np.asarray(s) for s in series]
    n_buckets = max(1, max_points // (2 * max(1, len(series))))
    size = -(-n // n_buckets)  # ceil
    pad = n_buckets * size - n
    offsets = np.arange(n_buckets)[:, None] * size
    keep = [np.array([0, n - 1])]
    for s in series:
        s = np.asarray(s, dtype=float)
        blocks = np.pad(s, (0, pad), mode="edge").reshape(n_buckets, size)
        keep += [offsets[:, 0] + blocks.argmin(axis=1), offsets[:, 0] + blocks.argmax(axis=1)]
    idx = np.unique(np.minimum(np.concatenate(keep), n - 1))
    return np.asarray(times)[idx], [np.asarray(s)[idx] for s in series]


def stage_bands(kind: str) -> list[tuple[float, float, str, str]]:
    """(low, high, name, fill) of each stage above 'none' on the sedation or withdrawal index."""
    names, thresholds = (
        (SEDATION_STAGES, SEDATION_THRESHOLDS) if kind == "sedation" else (WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS)
    )
    tops = [*thresholds[1:], 1.0 if kind == "sedation" else 1.2]
    return [(lo, hi, names[i + 1], STAGE_FILL[i + 1]) for i, (lo, hi) in enumerate(zip(thresholds, tops, strict=True))]


def axis_refs(row: int) -> tuple[str, str]:
    """Plotly axis names of subplot ``row`` in a one-column grid: ("x", "y"), ("x2", "y2"), ..."""
    return ("x", "y") if row == 1 else (f"x{row}", f"y{row}")


def hband(
    row: int, y0: float, y1: float, fill: str, text: str | None = None, *, font: int = 12, text_at: str = "right"
) -> tuple[dict, dict | None]:
    """A shaded horizontal band across subplot ``row`` (a shape dict) and its label (an annotation dict).

    Built as plain dicts and set in one layout update: plotly's add_hrect/add_annotation validate every call
    and were most of the figure-building time.
    """
    x, y = axis_refs(row)
    shape = {
        "type": "rect",
        "xref": f"{x} domain",
        "yref": y,
        "x0": 0,
        "x1": 1,
        "y0": y0,
        "y1": y1,
        "fillcolor": fill,
        "line": {"width": 0},
        "layer": "below",
    }
    label = None
    if text:
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


def stage_band_shapes(kind: str, row: int, *, font: int = 12) -> tuple[list[dict], list[dict]]:
    """Shapes and labels of the stage bands of the sedation or withdrawal index on subplot ``row``."""
    shapes, labels = [], []
    for lo, hi, name, fill in stage_bands(kind):
        shape, label = hband(row, lo, hi, fill, name, font=font)
        shapes.append(shape)
        labels.append(label)
    return shapes, labels
