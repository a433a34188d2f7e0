"""Scenarios from widget values: pure functions, so the mapping from controls to the model is tested.

They only choose regimens from the ``pkmodels`` vocabulary; every number shown comes from the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pkmodels import ITContinuous, ITFlex, OralDoses, Patient, Scenario
from pkmodels.regimens import ITPeriodicBolus

__all__ = ["FLEX_DAY", "compare_scenarios", "intrathecal_regimen", "patient_kwargs"]

# Flex schedule used by the "flex" pump mode: twice the hourly rate by day (07:00-22:00) as by night,
# same daily total.  Day rate r_d over 15 h plus r_d / 2 over 9 h = daily dose.
FLEX_DAY = (7.0, 22.0)
_DAY_HOURS = FLEX_DAY[1] - FLEX_DAY[0]
_DAY_FACTOR = 24.0 / (_DAY_HOURS + 0.5 * (24.0 - _DAY_HOURS))
PERIODIC_BOLUS_EVERY_H = 6.0


def intrathecal_regimen(ug_per_day: float, mode: str, start_h: float = 0.0, stop_h: float | None = None) -> Any:
    """The pump program for a daily dose: continuous, flex (day/night) or periodic bolus (every 6 h)."""
    if mode == "flex":
        day = ug_per_day * _DAY_FACTOR
        return ITFlex(((0.0, day / 2), (FLEX_DAY[0], day), (FLEX_DAY[1], day / 2)), start_h, stop_h)
    if mode == "bolus":
        return ITPeriodicBolus(ug_per_day * PERIODIC_BOLUS_EVERY_H / 24.0, PERIODIC_BOLUS_EVERY_H, start_h, stop_h)
    return ITContinuous(ug_per_day, start_h, stop_h)


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
    common = {"duration_h": hours, "output_step_min": 5.0 if hours <= 24 * 14 else 10.0, **patient_kwargs(v)}
    every = 24.0 / int(v["oral_per_day"])
    return {
        "oral": Scenario(oral=(OralDoses(float(v["oral_mg"]), every),), title="Oral route", **common),
        "intrathecal": Scenario(
            intrathecal=(intrathecal_regimen(float(v["it_ug"]), str(v["it_mode"])),),
            title="Intrathecal route",
            **common,
        ),
    }
