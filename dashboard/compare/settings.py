"""The Compare routes page's URL settings (pure: no Streamlit calls, so tests read them)."""

from __future__ import annotations

from dashboard.shared_fields import TIP
from dashboard.state import Field, Schema
from pkmodels.pd import COMEDICATIONS

__all__ = ["SCHEMA"]

SCHEMA = Schema(
    "cmp",
    (
        Field(
            "oral_mg",
            20.0,
            "Dose per intake (mg)",
            "float",
            2.5,
            100.0,
            2.5,
            help="Label: start 5 mg three times a day; usual 40-80 mg/day; maximum 80 mg/day (US).",
            exact=True,
        ),
        Field("oral_per_day", 3, "Intakes per day", "int", 1, 6, 1),
        Field("days", 7, "Days of therapy", "int", 1, 28, 1),
        Field(
            "it_ug",
            400.0,
            "Daily dose (µg/day)",
            "float",
            25.0,
            2000.0,
            25.0,
            help="Spinal origin: usually 300-800 µg/day; cerebral origin 90-700 µg/day.",
            exact=True,
        ),
        Field(
            "it_mode",
            "continuous",
            "Pump mode",
            "choice",
            choices=("continuous", "flex", "bolus"),
            labels={"continuous": "Continuous", "flex": "Flex (day/night)", "bolus": "Periodic bolus"},
            help="Flex: twice the hourly rate 07:00-22:00 as at night. Periodic bolus: a bolus every 6 h. "
            "Same daily total in every mode.",
        ),
        TIP,
        Field("weight", 70.0, "Body weight (kg)", "float", 10.0, 150.0, 1.0),
        Field(
            "crcl",
            100.0,
            "Creatinine clearance (mL/min)",
            "float",
            5.0,
            150.0,
            5.0,
            help="Kidney function. Renal clearance of baclofen is about equal to creatinine clearance.",
        ),
        Field(
            "ashworth",
            4.0,
            "Baseline Ashworth score",
            "float",
            1.0,
            4.0,
            0.5,
            help="Modified Ashworth scale of the untreated spasticity (0 = normal tone, 4 = rigid).",
        ),
        Field(
            "comed",
            "none",
            "Co-medication",
            "choice",
            choices=tuple(COMEDICATIONS),
            labels={k: c.label for k, c in COMEDICATIONS.items()},
        ),
        Field(
            "comed_x",
            1.0,
            "Co-medication intensity",
            "float",
            0.0,
            3.0,
            0.25,
            help="1 = a usual dose. Adds CNS depression at the brain (a labelled teaching assumption).",
        ),
    ),
)
