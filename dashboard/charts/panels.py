"""How each quantity of the result table is drawn, the same on every page: panel title, y axis (log for
concentrations, fixed ranges for the indices), the usual and overdose plasma ranges, the stage bands of the
sedation and withdrawal indices."""

from __future__ import annotations

from pkmodels import columns as col
from pkmodels.pd import SEDATION_STAGES, SEDATION_THRESHOLDS, WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS
from pkmodels.thresholds import OVERDOSE_PLASMA_NG_PER_ML, USUAL_PLASMA_RANGE_NG_PER_ML

from .marks import hband
from .style import STAGE_FILL, Style

__all__ = [
    "ADAPTATION_TOP",
    "LOG_FLOOR",
    "LOG_RANGE",
    "PANELS",
    "RELIEF_TOP",
    "SEDATION_TOP",
    "WITHDRAWAL_TOP",
    "panel_axis",
    "stage_band_shapes",
    "stage_bands",
]

# panel -> (title, y label, log axis, result-table columns)
PANELS: dict[str, tuple[str, str, bool, tuple[str, ...]]] = {
    "plasma": ("Plasma: what the whole body sees", "ng/mL (log)", True, (col.PLASMA,)),
    "csf": (
        "CSF: lumbar (solid), neck (dashed), cranial (dotted): where it acts",
        "ng/mL (log)",
        True,
        (col.CSF_LUMBAR, col.CSF_CERVICAL, col.CSF_CRANIAL),
    ),
    "cervical": ("CSF at the neck (C5), by the arms' cord", "ng/mL (log)", True, (col.CSF_CERVICAL,)),
    "relief": ("Spasticity relief, legs", "Ashworth points", False, (col.RELIEF,)),
    "relief_arms": ("Spasticity relief, arms", "Ashworth points", False, (col.RELIEF_UPPER_LIMB,)),
    "sedation": ("Sedation / CNS depression", "index (0-1)", False, (col.SEDATION,)),
    "withdrawal": ("Withdrawal severity", "index", False, (col.WITHDRAWAL,)),
}
LOG_FLOOR = 0.05  # ng/mL drawn at the bottom of log axes (zero cannot be drawn on a log scale)
LOG_RANGE = (-1.3, 4.0)  # log10 axis range: 0.05 .. 10 000 ng/mL
RELIEF_TOP = 4.2  # Ashworth points: the scale's 4 and room for the line
SEDATION_TOP = 1.0  # top of the sedation index (and of its last stage band)
WITHDRAWAL_TOP = 1.2  # top of the last withdrawal stage band
ADAPTATION_TOP = 1.05  # receptor adaptation runs 0-1


def stage_bands(kind: str) -> list[tuple[float, float, str, str]]:
    """(low, high, name, fill) of each stage above 'none' on the sedation or withdrawal index."""
    names, thresholds = (
        (SEDATION_STAGES, SEDATION_THRESHOLDS) if kind == "sedation" else (WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS)
    )
    tops = [*thresholds[1:], SEDATION_TOP if kind == "sedation" else WITHDRAWAL_TOP]
    return [(lo, hi, names[i + 1], STAGE_FILL[i + 1]) for i, (lo, hi) in enumerate(zip(thresholds, tops, strict=True))]


def stage_band_shapes(kind: str, row: int, *, font: int = 12) -> tuple[list[dict], list[dict]]:
    """Shapes and labels of the stage bands of the sedation or withdrawal index on subplot ``row``."""
    shapes, labels = [], []
    for lo, hi, name, fill in stage_bands(kind):
        shape, label = hband(row, lo, hi, fill, name, font=font)
        shapes.append(shape)
        labels.append(label)
    return shapes, labels


def panel_axis(panel: str, row: int, style: Style, y_label: str | None = None) -> tuple[dict, list[dict], list[dict]]:
    """y-axis settings, background bands and their labels for a panel showing ``panel`` (one of PANELS) on
    subplot ``row``: log ranges for concentrations, the usual and overdose plasma ranges, stage bands for
    sedation and withdrawal.  Every figure that draws these quantities uses it, so they look the same."""
    _, default_label, log, _cols = PANELS[panel]
    axis: dict = {
        "title": {"text": y_label or default_label, "font": {"size": style.font - 1}},
        "type": "log" if log else "linear",
    }
    shapes: list[dict] = []
    labels: list[dict] = []
    if log:  # a label per decade only: plotly's in-between labels (2, 5) come at 3/4 size, under 16 px projected
        axis.update(range=list(LOG_RANGE), dtick=1)
    if panel == "plasma":
        # Named in the legend, not written in the band: the oral curve runs through the whole usual range, so
        # a label inside it always sat on a curve.  :func:`dashboard.charts.figure` keeps one entry per name.
        lo, hi = USUAL_PLASMA_RANGE_NG_PER_ML
        for y0, y1, fill, text in (
            (lo, hi, "rgba(0,158,115,0.13)", f"usual plasma range {lo:g}-{hi:g} ng/mL"),
            (
                OVERDOSE_PLASMA_NG_PER_ML,
                1e5,
                "rgba(213,94,0,0.13)",
                f"overdose range (> {OVERDOSE_PLASMA_NG_PER_ML:g})",
            ),
        ):
            shape, _ = hband(row, y0, y1, fill)
            shapes.append({**shape, "showlegend": True, "name": text, "legendgroup": text})
    elif panel in ("relief", "relief_arms"):
        axis["range"] = [0, RELIEF_TOP]
    elif panel in ("sedation", "withdrawal"):
        shapes, labels = stage_band_shapes(panel, row, font=style.font)
        axis["range"] = [0, SEDATION_TOP if panel == "sedation" else WITHDRAWAL_TOP]
    return axis, shapes, labels
