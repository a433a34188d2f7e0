"""Shared look of every figure: colour-blind-safe colours, one per route everywhere, projector scaling, and the
layout pieces (subplot axes, panel headings, legend places) every figure is assembled from.

Pure functions of data (no Streamlit), so figures are unit-tested directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from .contrast import readable
from .series import float_points

__all__ = [
    "COLORS",
    "HEADING_LINE_CHARS",
    "LEGEND_BELOW",
    "PROJECTOR_LINE_CHARS",
    "ROUTE_COLORS",
    "ROUTE_NAMES",
    "SITE_COLORS",
    "STAGE_FILL",
    "TITLE_LINE_CHARS",
    "Style",
    "axis_key",
    "axis_refs",
    "figure",
    "heading",
    "heading_text",
    "label_time_axes",
    "place_band_labels",
    "rgba",
    "set_axis",
    "wrap_title",
    "y_title",
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

# Backgrounds for stage bands: white to deep red, light enough to read traces over them.
STAGE_FILL = (
    "rgba(0,0,0,0)",
    "rgba(240,228,66,0.18)",
    "rgba(230,159,0,0.20)",
    "rgba(213,94,0,0.22)",
    "rgba(150,0,0,0.22)",
)

# Where every legend goes: centred below the plots, at the bottom of the figure.  A legend there never covers a
# title, a panel heading or the toolbar (top right), however many lines it wraps to in a 358-px phone column:
# plotly.js pushes the bottom margin to fit a container-anchored legend, so the plots shrink instead.
LEGEND_BELOW = {"yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.5, "xanchor": "center"}

TITLE_LINE_CHARS = 40  # a figure title wraps after about this many characters (a 358-px phone column)


def wrap_title(text: str, width: int = TITLE_LINE_CHARS) -> str:
    """A title broken into lines of at most ``width`` characters at spaces (plotly never wraps a title, so a
    long one is cut at a phone's edge); one word longer than ``width`` keeps its own line."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


# The trace types the app draws that plotly_white has defaults for (it has none for "box").
TRACE_TYPES = ("scatter", "bar", "histogram")


def _template() -> dict:
    """plotly_white as settings, resolved once (without validation plotly does not turn a template name into
    its settings), cut to what a redraw in the browser needs: defaults for the trace types the app draws only
    (plotly.js merges the template's defaults for all 50 types into every figure on every redraw), and tick
    labels that may reach into the margin (plotly.js's default hides a label that leaves the plot area, which
    measures every label on every redraw; ``automargin`` already keeps them inside the figure).  Together
    15-20 % of a ``Plotly.react`` of the app's figures (measured in chromium on the Compare, Withdrawal and
    Population figures)."""
    template = pio.templates["plotly_white"].to_plotly_json()
    template["data"] = {kind: template["data"][kind] for kind in TRACE_TYPES}
    for axis in ("xaxis", "yaxis"):
        template["layout"][axis] = {**template["layout"][axis], "ticklabeloverflow": "allow"}
    return template


TEMPLATE = _template()


def rgba(hex_colour: str, alpha: float) -> str:
    """'#E69F00', 0.2 -> 'rgba(230,159,0,0.2)'."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def axis_refs(row: int) -> tuple[str, str]:
    """Plotly axis names of subplot ``row`` in a one-column grid: ("x", "y"), ("x2", "y2"), ..."""
    return ("x", "y") if row == 1 else (f"x{row}", f"y{row}")


def axis_key(kind: str, row: int) -> str:
    """Layout key of an axis of subplot ``row``: ("xaxis", 1) -> "xaxis", ("yaxis", 3) -> "yaxis3"."""
    return kind if row == 1 else f"{kind}{row}"


HEADING_LINE_CHARS = 42  # a panel heading wraps after about this many characters (bold, in a phone's column)
PROJECTOR_LINE_CHARS = 60  # and on a projector (large type, but the whole 1080-px width; no phones there)


def heading_text(text: str, width: int = HEADING_LINE_CHARS) -> str:
    """A panel heading as plotly text: bold, wrapped after ``width`` characters, each line in its own <b>."""
    return "<br>".join(f"<b>{line}</b>" for line in wrap_title(text, width).split("<br>"))


def heading(text: str, style: Style, *, x: float = 0.0, y: float = 1.0) -> dict:
    """A bold title above a panel (an annotation at paper coordinates, left-aligned at ``x``, on ``y``)."""
    return {
        "text": heading_text(text, style.line_chars),
        "align": "left",
        "xref": "paper",
        "yref": "paper",
        "x": x,
        "y": y,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": style.font},
    }


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
    def line_chars(self) -> int:
        """Characters per line of a panel heading (wrapped to a phone's column, or a projector's width)."""
        return PROJECTOR_LINE_CHARS if self.presentation else HEADING_LINE_CHARS

    @property
    def height_per_row(self) -> int:
        return 300 if self.presentation else 210

    def base_layout(self, *, height: int, title: str | None = None) -> dict:
        """Layout keys shared by every figure (plain dict; see :func:`figure`): the title wrapped to a phone's
        width (the top margin grows by a line per extra line), the legend below the plots."""
        shown = wrap_title(title, PROJECTOR_LINE_CHARS if self.presentation else TITLE_LINE_CHARS) if title else None
        extra_lines = shown.count("<br>") if shown else 0
        more = round(extra_lines * (self.font + 3) * 1.25)  # px of the title's extra lines
        return {
            "template": TEMPLATE,
            "height": height + more + 2 * self.font,  # + the legend's line below the plots
            "font": {"size": self.font, "family": "Source Sans Pro, Arial, sans-serif"},
            "title": {"text": shown, "x": 0.0, "xanchor": "left", "font": {"size": self.font + 3}} if title else None,
            "margin": {"l": 10, "r": 10, "t": (70 if title else 40) + (20 if self.presentation else 0) + more, "b": 10},
            "legend": {
                "orientation": "h",
                **LEGEND_BELOW,
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
            lay[axis_key("xaxis", r)] = self.axis(
                anchor=y,
                domain=[0.0, 1.0],
                **({} if r == n else {"matches": f"x{n}" if n > 1 else "x", "showticklabels": False}),
            )
            lay[axis_key("yaxis", r)] = self.axis(
                anchor=x, domain=[max(0.0, round(top - h, 6)), min(1.0, round(top, 6))]
            )
            lay["annotations"].append(heading(titles[r - 1], self, y=top))
        return lay


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts, without plotly's per-property validation.

    Validation made figure building the slowest step of a rerun (40-250 ms); the unit tests rebuild every
    figure with validation (``go.Figure(fig.to_dict())``), so invalid properties are still caught.
    """
    layout = _readable_notes(_one_entry_per_band(place_band_labels(data, layout)))
    return go.Figure(data=data, layout=layout, _validate=False)


SIDE_SHARE = 0.3  # a band label covers about this share of its panel's width, at the left or right end


def _points_in(curves: list[tuple[np.ndarray, np.ndarray]], y0: float, y1: float, x_lo: float, x_hi: float) -> int:
    """How many drawn points of ``curves`` fall inside the box [x_lo, x_hi] x [y0, y1]."""
    return sum(int(np.count_nonzero((x >= x_lo) & (x <= x_hi) & (y >= y0) & (y <= y1))) for x, y in curves)


def _band_of(note: dict, shapes: list[dict]) -> dict | None:
    """The band (a full-width rect) whose label ``note`` is: at an end of its panel, hanging from its top."""
    xref = str(note.get("xref", ""))
    if not xref.endswith(" domain") or note.get("x") not in (0.0, 1.0):
        return None
    for s in shapes:
        same_axes = s.get("yref") == note.get("yref") and s.get("xref") == xref
        if s.get("type") == "rect" and same_axes and s.get("y1") == note.get("y"):
            return s
    return None


def place_band_labels(data: list[dict], layout: dict) -> dict:
    """The layout with each band's label (an annotation at the left or right end of its band, as
    :func:`dashboard.charts.marks.hband` writes it) moved to the end where fewer of the panel's curve points
    lie inside the band, so the label sits where no curve runs when there is such a place."""
    notes, shapes = layout.get("annotations"), layout.get("shapes")
    if not notes or not shapes:
        return layout
    moved = []
    panels: dict[object, list[tuple[np.ndarray, np.ndarray]]] = {}  # yref -> its curves, read once
    for note in notes:
        band = _band_of(note, shapes)
        if band is None:
            moved.append(note)
            continue
        yref = note.get("yref")
        if yref not in panels:
            on_panel = [t for t in data if t.get("yaxis", "y") == yref and t.get("type", "scatter") == "scatter"]
            panels[yref] = [xy for t in on_panel if (xy := float_points(t.get("x"), t.get("y"))) is not None]
        curves = panels[yref]
        if not curves:
            moved.append(note)
            continue
        lo = min(float(np.nanmin(x)) for x, _ in curves)
        hi = max(float(np.nanmax(x)) for x, _ in curves)
        y0, y1 = sorted((float(band["y0"]), float(band["y1"])))
        width = (hi - lo) * SIDE_SHARE
        left = _points_in(curves, y0, y1, lo, lo + width)
        right = _points_in(curves, y0, y1, hi - width, hi)
        side = "left" if left < right else "right" if right < left else note.get("xanchor", "right")
        moved.append({**note, "x": 0.0 if side == "left" else 1.0, "xanchor": side})
    return {**layout, "annotations": moved}


def _readable_notes(layout: dict) -> dict:
    """The layout with every annotation's text colour made readable on white (WCAG AA, :func:`readable`): a
    note in a route's colour keeps its hue, darkened where the palette colour is too light for text."""
    notes = layout.get("annotations")
    if not notes:
        return layout
    fixed = []
    for note in notes:
        colour = (note.get("font") or {}).get("color")
        if isinstance(colour, str):
            note = {**note, "font": {**note["font"], "color": readable(colour)}}
        fixed.append(note)
    return {**layout, "annotations": fixed}


def _one_entry_per_band(layout: dict) -> dict:
    """The layout with each named band (a shape shown in the legend) listed once, however many panels draw it;
    clicking the entry still toggles the band on every panel (same ``legendgroup``)."""
    shapes = layout.get("shapes")
    if not shapes:
        return layout
    seen: set[str] = set()
    kept = []
    for shape in shapes:
        if shape.get("showlegend"):
            if shape.get("name") in seen:
                shape = {**shape, "showlegend": False}
            seen.add(shape.get("name"))
        kept.append(shape)
    return {**layout, "shapes": kept}


def set_axis(layout: dict, kind: str, row: int, **extra: object) -> None:
    """Add settings to one axis of subplot ``row`` (``kind``: "xaxis" or "yaxis")."""
    key = axis_key(kind, row)
    layout[key] = {**layout[key], **extra}


def y_title(layout: dict, row: int, text: str, style: Style, **extra: object) -> None:
    """Title the y axis of subplot ``row`` (and add ``extra`` settings, e.g. its range)."""
    set_axis(layout, "yaxis", row, title={"text": text, "font": {"size": style.font - 1}}, **extra)


def label_time_axes(layout: dict, n_rows: int, x_label: str, style: Style, dtick: float | None = None) -> None:
    """Title the bottom time axis of a one-column grid, and give every row the same ``dtick`` if set (matched
    axes share the range only, so the grid lines would differ)."""
    for row in range(1, n_rows + 1):
        if dtick is not None:
            set_axis(layout, "xaxis", row, dtick=dtick)
        if row == n_rows:
            set_axis(layout, "xaxis", row, title={"text": x_label, "font": {"size": style.font}})
