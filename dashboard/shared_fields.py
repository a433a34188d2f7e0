"""Settings that more than one page offers, declared once (each page puts them in its own Schema)."""

from __future__ import annotations

from dashboard.state import Field
from pkmodels.neuraxis import CATHETER_LEVELS, DEFAULT_TIP

__all__ = ["TIP", "tip_label"]


def tip_label(level: str) -> str:
    """A catheter level with what it usually serves (C2-C7 arms too, T9-T12 the legs)."""
    region, number = level[0], int(level[1:])
    if region == "C":
        return f"{level} (cervical: arms and legs)"
    if region == "T":
        return f"{level} (mid-thoracic)" if number <= 8 else f"{level} (low thoracic: the usual for legs)"
    return f"{level} (lumbar)"


TIP = Field(
    "tip",
    DEFAULT_TIP,
    "Catheter tip",
    "choice",
    choices=CATHETER_LEVELS,
    labels={lv: tip_label(lv) for lv in CATHETER_LEVELS},
    help="Where the pump's catheter ends in the spinal canal. The drug enters there and thins out with "
    "distance: a higher tip treats the arms better, a low one mainly the legs.",
)
