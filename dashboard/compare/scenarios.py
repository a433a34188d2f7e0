"""Scenarios of the Compare routes page from widget values: pure functions, so the mapping from controls to the
model is tested.

They only choose regimens from the ``pkmodels`` vocabulary (the pump modes from the Pump page's scenarios);
every number shown comes from the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard.pump.scenarios import intrathecal_regimen
from pkmodels import OralDoses, Patient, Scenario
from pkmodels.neuraxis import DEFAULT_TIP
from pkmodels.scenario import default_output_step_min

__all__ = ["compare_scenarios", "patient_kwargs"]


def patient_kwargs(v: Mapping[str, Any]) -> dict[str, Any]:
    """Scenario keyword arguments for the patient controls (weight, CrCL, Ashworth, co-medication)."""
    return {
        "patient": Patient(
            weight_kg=float(v["weight"]), age_y=float(v.get("age", 40.0)), crcl_ml_per_min=float(v["crcl"])
        ),
        "baseline_ashworth": float(v["ashworth"]),
        "comedication": str(v["comed"]),
        "comedication_intensity": float(v["comed_x"]),
    }


def compare_scenarios(v: Mapping[str, Any]) -> dict[str, Scenario]:
    """One scenario per route for the Compare page: the same patient and duration, each route alone."""
    hours = float(v["days"]) * 24.0
    common = {
        "duration_h": hours,
        "output_step_min": default_output_step_min(hours),
        "catheter_tip": str(v.get("tip", DEFAULT_TIP)),
        **patient_kwargs(v),
    }
    every = 24.0 / int(v["oral_per_day"])
    return {
        "oral": Scenario(oral=(OralDoses(float(v["oral_mg"]), every),), title="Oral route", **common),
        "intrathecal": Scenario(
            intrathecal=(intrathecal_regimen(float(v["it_ug"]), str(v["it_mode"])),),
            title="Intrathecal route",
            **common,
        ),
    }
