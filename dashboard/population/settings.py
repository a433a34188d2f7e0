"""The Population page's URL settings and the names of the kidney-function groups (pure: no Streamlit calls,
so tests read them)."""

from __future__ import annotations

from dashboard.state import Field, Schema
from pkmodels.covariates import CKD_STAGES
from pkmodels.population import N_MAX, N_MIN

__all__ = ["SCHEMA", "STAGE_LABELS", "STAGE_NAMES"]

STAGE_NAMES = {"normal": "Normal", "mild": "Mild", "moderate": "Moderate", "severe": "Severe"}
STAGE_LABELS = {k: f"{STAGE_NAMES.get(k, k)} ({s.crcl_range})" for k, s in CKD_STAGES.items()}

SCHEMA = Schema(
    "pop",
    (
        Field(
            "n",
            300,
            "Simulated patients",
            "int",
            N_MIN,
            N_MAX,
            50,
            help="How many virtual patients. More patients give smoother bands but take longer (1000: about a "
            "second per change).",
        ),
        Field(
            "seed",
            1,
            "Which patients (random seed)",
            "int",
            0,
            999,
            1,
            help="The same seed and size give the same virtual patients, so a shared link shows the same people. "
            "A larger size only adds patients.",
        ),
        Field(
            "route",
            "both",
            "Route",
            "choice",
            choices=("oral", "intrathecal", "both"),
            labels={"oral": "Oral", "intrathecal": "Intrathecal", "both": "Both, side by side"},
        ),
        Field(
            "oral_mg",
            20.0,
            "Oral dose per intake (mg, 3 times a day)",
            "float",
            2.5,
            100.0,
            2.5,
            help="Label: start 5 mg three times a day; usual 40-80 mg/day; maximum 80 mg/day (US).",
            exact=True,
        ),
        Field(
            "it_ug",
            400.0,
            "Intrathecal dose (µg/day, continuous)",
            "float",
            25.0,
            2000.0,
            25.0,
            help="Spinal origin: usually 300-800 µg/day; cerebral origin 90-700 µg/day.",
            exact=True,
        ),
        Field(
            "days",
            7,
            "Days of therapy",
            "int",
            1,
            28,
            1,
            help="Each population is also stopped abruptly at the end of this time (for the withdrawal numbers).",
        ),
        Field(
            "ckd",
            "normal",
            "Kidney function (creatinine clearance)",
            "choice",
            choices=tuple(CKD_STAGES),
            labels=STAGE_LABELS,
            help="Groups of Vlavonou 2014. Renal clearance of baclofen is about equal to creatinine clearance.",
        ),
        Field(
            "age",
            40,
            "Age (years)",
            "int",
            2,
            100,
            1,
            help="Below 18 years: paediatric clearance and volumes (He 2014, children 2-17 y) and a smaller CSF.",
        ),
        Field("weight", 70.0, "Body weight (kg)", "float", 10.0, 150.0, 1.0),
        Field(
            "eq_ug",
            100.0,
            "Intrathecal dose to match (µg/day)",
            "float",
            10.0,
            1200.0,
            10.0,
            help="The explorer finds the oral daily dose (3 intakes) with the same long-term spinal relief.",
            exact=True,
        ),
    ),
)
