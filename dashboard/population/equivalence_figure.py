"""The dose-equivalence histogram of the Population page: the oral dose each simulated patient would need to
match an intrathecal dose's relief (pure: model output in, figure out)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.charts.marks import note, vline
from dashboard.charts.style import COLORS, ROUTE_COLORS, Style, figure

__all__ = ["equivalence_figure"]

_DOSE_TICKS = (1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000)


def equivalence_figure(
    oral_mg_per_day: np.ndarray,
    reachable: np.ndarray,
    style: Style = Style(),
    *,
    studied_max_mg_per_day: float = 300.0,
    typical_ceiling_mg_per_day: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """Histogram (log dose axis) of the oral mg/day each simulated patient needs to match the intrathecal
    relief: orange where a tolerable dose matches, grey where it does not.  Dashed lines: the highest oral
    dose studied and (optional) the typical patient's tolerable ceiling.  Patients with no matching dose at
    all are left out (the caption says how many)."""
    dose = np.asarray(oral_mg_per_day, dtype=float)
    ok = np.asarray(reachable, dtype=bool)
    finite = np.isfinite(dose) & (dose > 0)
    log_dose = np.log10(np.where(finite, dose, 1.0))  # display axis: log10 of mg/day
    marks = [
        (studied_max_mg_per_day, f"highest dose studied ({studied_max_mg_per_day:g} mg/day)", COLORS["vermillion"])
    ]
    if typical_ceiling_mg_per_day is not None and np.isfinite(typical_ceiling_mg_per_day):
        marks.append(
            (
                typical_ceiling_mg_per_day,
                f"typical patient's ceiling ({typical_ceiling_mg_per_day:.0f})",
                COLORS["black"],
            )
        )
    ends = [float(np.log10(m)) for m, _, _ in marks]
    if finite.any():
        ends += [float(log_dose[finite].min()), float(log_dose[finite].max())]
    lo, hi = np.floor(min(ends) * 4 - 1) / 4, np.ceil(max(ends) * 4 + 1) / 4
    bins = {"start": lo, "end": hi, "size": 0.1}
    shapes, notes = [], []
    for i, (mg, text, colour) in enumerate(marks):
        x = float(np.log10(mg))
        shapes.append(vline(1, x, colour, "dash" if i == 0 else "dot", width=2))
        notes.append(note(1, x, text, style, y=1.0 - 0.09 * i, xanchor="right", color=colour, opacity=0.85, xshift=-4))
    layout = style.base_layout(height=(420 if style.presentation else 320), title=title)
    layout.update(
        {
            "barmode": "stack",
            "hovermode": "closest",
            "bargap": 0.05,
            "shapes": shapes,
            "annotations": notes,
            "xaxis": style.axis(
                title={
                    "text": "oral dose needed for the same relief (mg/day, log scale)",
                    "font": {"size": style.font},
                },
                tickvals=[float(np.log10(t)) for t in _DOSE_TICKS],
                ticktext=[f"{t:,}" for t in _DOSE_TICKS],
                range=[lo, hi],
            ),
            "yaxis": style.axis(title={"text": "simulated patients", "font": {"size": style.font - 1}}),
        }
    )
    data = [
        {
            "type": "histogram",
            "x": log_dose[finite & ok],
            "xbins": bins,
            "name": "a tolerable oral dose matches",
            "marker": {"color": ROUTE_COLORS["oral"]},
            "hovertemplate": "%{y} patients<extra></extra>",
        },
        {
            "type": "histogram",
            "x": log_dose[finite & ~ok],
            "xbins": bins,
            "name": "no tolerable oral dose matches",
            "marker": {"color": COLORS["grey"]},
            "hovertemplate": "%{y} patients<extra></extra>",
        },
    ]
    return figure(data, layout)
