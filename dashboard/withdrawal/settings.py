"""The Withdrawal & tapering page's URL settings, how its sliders show numbers and how its controls are grouped
(pure: no Streamlit calls, so tests read them)."""

from __future__ import annotations

from typing import Any

from dashboard.state import Field, Schema
from dashboard.withdrawal.scenarios import ENDINGS

__all__ = ["GROUPS", "SCHEMA", "fmt_kw"]

SCHEMA = Schema(
    "wd",
    (
        Field(
            "route",
            "intrathecal",
            "Route",
            "choice",
            choices=("intrathecal", "oral"),
            labels={"intrathecal": "Intrathecal pump", "oral": "Oral tablets"},
        ),
        Field(
            "oral_mg",
            20.0,
            "Oral dose per intake (mg)",
            "float",
            2.5,
            100.0,
            2.5,
            help="Label: usual 40-80 mg/day; maximum 80 mg/day (US).",
            exact=True,
        ),
        Field(
            "oral_per_day",
            3,
            "Intakes per day",
            "int",
            1,
            6,
            1,
            help="Also how often the oral cover is taken after an intrathecal stop.",
        ),
        Field(
            "it_ug",
            400.0,
            "Intrathecal dose (µg/day)",
            "float",
            25.0,
            2000.0,
            25.0,
            help="Spinal origin: usually 300-800 µg/day; cerebral origin 90-700 µg/day.",
            exact=True,
        ),
        Field(
            "days_on",
            60,
            "Time on therapy before the end (days)",
            "int",
            1,
            365,
            1,
            help="How long the dose was taken before it ended. Receptors adapt over days, so a longer therapy "
            "means deeper adaptation (up to a plateau).",
        ),
        Field(
            "ending",
            "abrupt",
            "How the therapy ends",
            "choice",
            choices=tuple(ENDINGS),
            labels=ENDINGS,
            help="Pump reservoir and catheter failure apply to the intrathecal route.",
        ),
        Field(
            "taper_pct",
            20.0,
            "Taper step (% of the current dose)",
            "float",
            10.0,
            50.0,
            5.0,
            help="Each step removes this share of the current dose; below 10 % of the start the drug stops.",
        ),
        Field("taper_every", 3, "Taper step every (days)", "int", 1, 5, 1),
        Field(
            "restart_h",
            0,
            "Pump restarts after (hours, 0 = never)",
            "int",
            0,
            72,
            2,
            help="Intrathecal abrupt stop or catheter failure: delivery resumes at the same rate.",
        ),
        Field(
            "oral_cover",
            0.0,
            "Oral cover from the stop (mg per intake, 0 = none)",
            "float",
            0.0,
            40.0,
            5.0,
            help="Oral baclofen started at an intrathecal stop, taken 'intakes per day' times a day.",
            exact=True,
        ),
        Field(
            "conc",
            500.0,
            "Pump drug concentration (µg/mL)",
            "float",
            50.0,
            2000.0,
            50.0,
            help="Intrathecal baclofen comes as 50, 500 and 2000 µg/mL (and others).",
        ),
        Field(
            "volume",
            20.0,
            "Reservoir volume (mL)",
            "float",
            5.0,
            40.0,
            1.0,
            help="Common pump reservoirs hold 20 or 40 mL.",
        ),
    ),
)

# Slider number formats (printf style): no "400.00" for a dose in whole micrograms.
FORMATS = {
    "it_ug": "%.0f",
    "oral_mg": "%.1f",
    "taper_pct": "%.0f",
    "oral_cover": "%.0f",
    "conc": "%.0f",
    "volume": "%.0f",
}

GROUPS = (
    ("**Therapy**", ("route", "it_ug", "oral_mg", "oral_per_day", "days_on")),
    ("**How it ends**", ("ending", "taper_pct", "taper_every")),
    ("**Pump and rescue** (intrathecal)", ("conc", "volume", "restart_h", "oral_cover")),
)


def fmt_kw(key: str) -> dict[str, Any]:
    """The slider format of a control, as widget arguments (none: the step decides)."""
    return {"format": FORMATS[key]} if key in FORMATS else {}
