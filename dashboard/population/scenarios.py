"""Population page: from control values to scenarios and run settings (pure functions, unit-tested).

They only choose inputs for ``pkmodels`` (regimens, covariates) and name the outputs of the band charts;
the run rules (grid, chunk size, kidney stages) and every number shown come from the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pkmodels import ITContinuous, OralDoses, Patient, Scenario
from pkmodels.compare import STOP_FOLLOW_UP_H, stop_now
from pkmodels.covariates import crcl_for_stage

__all__ = [
    "ADULT_REFERENCE",
    "ORAL_PER_DAY",
    "OUTPUTS",
    "OUTPUT_NAMES",
    "ROUTES",
    "STOP_STEP_MIN",
    "band_name",
    "csf_comparison_scenarios",
    "equivalence_scenario",
    "output_name",
    "patient_for",
    "population_scenarios",
    "routes_for",
    "stop_scenario",
]

ROUTES = ("oral", "intrathecal")
ORAL_PER_DAY = 3  # oral doses are taken three times a day (every 8 h)
ADULT_REFERENCE = Patient(weight_kg=70.0, age_y=40.0)
STOP_STEP_MIN = 60.0  # grid after an abrupt stop: withdrawal builds over hours to days
CSF_DAYS = 2.0  # single-patient runs for the CSF comparison: lumbar CSF is at steady state within hours


def routes_for(route: str) -> tuple[str, ...]:
    """Routes drawn for the route control: one of them, or both side by side."""
    return ROUTES if route == "both" else (route,) if route in ROUTES else ROUTES


def patient_for(v: Mapping[str, Any]) -> Patient:
    """The patient of the page controls (age < 18 years = paediatric scaling, He 2014)."""
    weight, age = float(v["weight"]), float(v["age"])
    return Patient(weight_kg=weight, age_y=age, crcl_ml_per_min=crcl_for_stage(str(v["ckd"]), weight, age))


def population_scenarios(v: Mapping[str, Any]) -> dict[str, Scenario]:
    """One scenario per drawn route: oral ``oral_mg`` three times a day, or a continuous intrathecal
    ``it_ug`` µg/day, for ``days`` days, for the patient of the controls."""
    common = {"duration_h": float(v["days"]) * 24.0, "patient": patient_for(v)}
    out: dict[str, Scenario] = {}
    for route in routes_for(str(v["route"])):
        if route == "oral":
            out[route] = Scenario(
                oral=(OralDoses(float(v["oral_mg"]), 24.0 / ORAL_PER_DAY),),
                title=f"Oral {float(v['oral_mg']):g} mg {ORAL_PER_DAY} times a day",
                **common,
            )
        else:
            out[route] = Scenario(
                intrathecal=(ITContinuous(float(v["it_ug"])),),
                title=f"Intrathecal {float(v['it_ug']):g} µg/day",
                **common,
            )
    return out


def stop_scenario(scenario: Scenario) -> Scenario:
    """The same therapy for the whole run, then an abrupt stop, followed for 5 days (``stop_now``)."""
    return stop_now(scenario, STOP_FOLLOW_UP_H)


def equivalence_scenario(v: Mapping[str, Any]) -> Scenario:
    """The patient of the controls (the equivalence explorer only needs covariates and baseline)."""
    return Scenario(patient=patient_for(v), title="Dose equivalence")


def csf_comparison_scenarios(v: Mapping[str, Any]) -> dict[str, Scenario]:
    """The same intrathecal µg/day in this patient and in a 70-kg adult with normal kidneys (2 days)."""
    it = (ITContinuous(float(v["it_ug"])),)
    common = {"duration_h": CSF_DAYS * 24.0, "output_step_min": 10.0, "intrathecal": it}
    return {
        "this patient": Scenario(patient=patient_for(v), title="This patient", **common),
        "adult 70 kg": Scenario(patient=ADULT_REFERENCE, title="Adult, 70 kg", **common),
    }


OUTPUT_NAMES = {
    "plasma": "Plasma",
    "csf_lumbar": "Lumbar CSF",
    "relief": "Relief",
    "sedation": "Sedation",
    "withdrawal": "Withdrawal after a stop",
}
OUTPUTS = tuple(OUTPUT_NAMES)


def output_name(output: str) -> str:
    """Button text of an output of the band charts."""
    return OUTPUT_NAMES.get(output, output)


def band_name(level: int) -> str:
    """Button text of a band: 90 -> "90 % of patients"."""
    return f"{level} % of patients"
