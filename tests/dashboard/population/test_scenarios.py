"""Population page builders: controls -> scenarios and plain-language labels."""

from __future__ import annotations

import pytest

from dashboard.population.scenarios import (
    ADULT_REFERENCE,
    ORAL_PER_DAY,
    OUTPUTS,
    band_name,
    csf_comparison_scenarios,
    equivalence_scenario,
    output_name,
    patient_for,
    population_scenarios,
    routes_for,
    stop_scenario,
)
from pkmodels import ITContinuous, OralDoses, Patient

VALUES = {
    "n": 300,
    "seed": 1,
    "route": "both",
    "oral_mg": 20.0,
    "it_ug": 400.0,
    "days": 7,
    "ckd": "normal",
    "age": 40,
    "weight": 70.0,
    "eq_ug": 100.0,
}


def test_routes_for_each_choice():
    assert routes_for("oral") == ("oral",)
    assert routes_for("intrathecal") == ("intrathecal",)
    assert routes_for("both") == ("oral", "intrathecal")
    assert routes_for("nonsense") == ("oral", "intrathecal")


def test_scenarios_carry_the_controls():
    scs = population_scenarios({**VALUES, "oral_mg": 30.0, "it_ug": 250.0, "days": 5, "weight": 80.0})
    assert list(scs) == ["oral", "intrathecal"]
    oral, it = scs["oral"], scs["intrathecal"]
    assert oral.oral == (OralDoses(30.0, 8.0),)
    assert oral.intrathecal == ()
    assert it.intrathecal == (ITContinuous(250.0),)
    assert it.oral == ()
    assert ORAL_PER_DAY * oral.oral[0].every_h == 24.0
    for sc in (oral, it):
        assert sc.duration_h == 120.0
        assert sc.patient == Patient(80.0, 40.0, None)
        assert sc.prior_therapy_days == 0.0
    assert "30 mg" in oral.title
    assert "250 µg/day" in it.title
    assert list(population_scenarios({**VALUES, "route": "intrathecal"})) == ["intrathecal"]


def test_patient_for_reads_the_kidney_stage_and_age():
    assert patient_for({**VALUES, "ckd": "severe"}).crcl == 20.0
    # normal kidneys: Cockcroft-Gault at the page's age and weight, typical creatinine 1.0 mg/dL (a man)
    age, weight = float(VALUES["age"]), float(VALUES["weight"])
    assert patient_for(VALUES).crcl == pytest.approx((140.0 - age) * weight / (72.0 * 1.0))
    child = patient_for({**VALUES, "age": 6, "weight": 20.0, "ckd": "moderate"})
    assert child.is_child
    assert child.csf_scale < 1.0


def test_stop_scenario_is_the_therapy_then_an_abrupt_stop():
    sc = population_scenarios(VALUES)["intrathecal"]
    stop = stop_scenario(sc)
    assert stop.prior_therapy_days == 7.0  # the whole run becomes prior therapy
    assert stop.duration_h == 120.0  # 5 days of follow-up
    assert stop.intrathecal[0].stop_h == 0.0
    assert stop.intrathecal[0].rate_ug_per_day == 400.0


def test_equivalence_and_csf_scenarios():
    v = {**VALUES, "age": 5, "weight": 18.0, "it_ug": 300.0}
    assert equivalence_scenario(v).patient == patient_for(v)
    pair = csf_comparison_scenarios(v)
    assert list(pair) == ["this patient", "adult 70 kg"]
    assert pair["this patient"].patient == patient_for(v)
    assert pair["adult 70 kg"].patient == ADULT_REFERENCE == Patient(70.0, 40.0)
    assert {sc.intrathecal for sc in pair.values()} == {(ITContinuous(300.0),)}


def test_widget_labels_are_picklable_module_functions():
    import pickle

    assert output_name("csf_lumbar") == "Lumbar CSF"
    assert band_name(90) == "90 % of patients"
    assert set(OUTPUTS) == {"plasma", "csf_lumbar", "relief", "sedation", "withdrawal"}
    pickle.dumps((output_name, band_name))  # session state holds them (and must pickle: test_robustness.py)
