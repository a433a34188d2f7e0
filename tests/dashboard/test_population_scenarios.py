"""Population page builders: controls -> scenarios, kidney stages, grids, chunk sizes, plain-language labels."""

from __future__ import annotations

import math

import pytest

from dashboard.population_scenarios import (
    ADULT_REFERENCE,
    ORAL_PER_DAY,
    OUTPUTS,
    STOP_STEP_MIN,
    band_name,
    chunk_size,
    crcl_for,
    csf_comparison_scenarios,
    equivalence_scenario,
    grid_step_min,
    output_name,
    patient_for,
    pct,
    people,
    population_scenarios,
    reduction_text,
    routes_for,
    stop_scenario,
)
from pkmodels import ITContinuous, OralDoses, Patient
from pkmodels.population import DEFAULT_CHUNK
from pkmodels.population import PRIOR_STEP_H as POPULATION_PRIOR_STEP_H

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


def test_adult_kidney_stages_use_the_vlavonou_group_values():
    # Representative creatinine clearances of the four groups (>80, 50-80, 30-50, <30 mL/min).
    assert crcl_for("normal", 70.0, 40.0) is None
    assert crcl_for("mild", 70.0, 40.0) == 65.0
    assert crcl_for("moderate", 90.0, 60.0) == 40.0
    assert crcl_for("severe", 50.0, 80.0) == 20.0
    assert crcl_for("unknown", 70.0, 40.0) is None
    assert patient_for({**VALUES, "ckd": "severe"}).crcl == 20.0
    assert patient_for(VALUES).crcl == pytest.approx(100.0)  # size-normal at 70 kg


def test_child_kidney_stages_are_shares_of_the_size_normal_clearance():
    normal = Patient(14.0, 3.0).crcl
    stages = [crcl_for(s, 14.0, 3.0) for s in ("mild", "moderate", "severe")]
    assert stages == pytest.approx([0.65 * normal, 0.40 * normal, 0.20 * normal])
    assert all(c < normal for c in stages)  # never better than normal kidneys, unlike the adult 65 mL/min
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


@pytest.mark.parametrize("days", range(1, 29))
def test_grid_has_a_point_one_hour_after_every_oral_dose_and_stays_small(days):
    step = grid_step_min(days)
    assert step in (15.0, 30.0)
    assert (60.0 / step).is_integer()  # 1 h after a dose is a grid time
    assert (8.0 * 60.0 / step).is_integer()  # every dose time (every 8 h) is a grid time
    assert days * 24 * 60 / step + 1 <= 1345  # at most 1345 time points per patient
    assert (60.0 / STOP_STEP_MIN).is_integer()


def test_grid_gets_coarser_with_longer_runs():
    steps = [grid_step_min(d) for d in range(1, 29)]
    assert steps == sorted(steps)
    assert steps[0] == 15.0


@pytest.mark.parametrize("n", [50, 299, 1000, 2000])
@pytest.mark.parametrize("days", [1, 7, 28])
def test_chunk_size_bounds(n, days):
    sc = population_scenarios({**VALUES, "days": days})["oral"]
    for scenario, step in ((sc, grid_step_min(days)), (stop_scenario(sc), STOP_STEP_MIN)):
        chunk = chunk_size(n, scenario, step)
        assert 1 <= chunk <= n
        calls = math.ceil(n / chunk)
        assert calls <= math.ceil(n / DEFAULT_CHUNK)  # never more vectorised calls than the library default
        assert calls * chunk - n < calls  # equal chunks: the last call is never a handful of patients
        points = scenario.duration_h * 60 / step + 1 + scenario.prior_therapy_days * 24 / POPULATION_PRIOR_STEP_H
        if chunk > DEFAULT_CHUNK:  # more patients per call only within the library's memory budget
            assert chunk * points <= DEFAULT_CHUNK * (28 * 96 + 1) * 1.01


def test_short_runs_take_all_patients_in_one_call():
    sc = population_scenarios({**VALUES, "days": 1})["oral"]
    assert chunk_size(1000, sc, grid_step_min(1)) == 1000


def test_equivalence_and_csf_scenarios():
    v = {**VALUES, "age": 5, "weight": 18.0, "it_ug": 300.0}
    assert equivalence_scenario(v).patient == patient_for(v)
    pair = csf_comparison_scenarios(v)
    assert list(pair) == ["this patient", "adult 70 kg"]
    assert pair["this patient"].patient == patient_for(v)
    assert pair["adult 70 kg"].patient == ADULT_REFERENCE == Patient(70.0, 40.0)
    assert {sc.intrathecal for sc in pair.values()} == {(ITContinuous(300.0),)}


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.0, "0 %"),
        (0.004, "<1 %"),
        (0.005, "1 %"),
        (0.62, "62 %"),
        (0.996, ">99 %"),
        (1.0, "100 %"),
        (float("nan"), "-"),
        (None, "-"),
    ],
)
def test_pct(fraction, text):
    assert pct(fraction) == text


def test_widget_labels_are_picklable_module_functions():
    import pickle

    assert output_name("csf_lumbar") == "Lumbar CSF"
    assert band_name(90) == "90 % of patients"
    assert set(OUTPUTS) == {"plasma", "csf_lumbar", "relief", "sedation", "withdrawal"}
    pickle.dumps((output_name, band_name))  # session state holds them (runner.enforceSerializableSessionState)


def test_people_and_reduction_text():
    assert people(0.62, 300) == "186 of 300 simulated patients"
    assert people(1.0, 50) == "50 of 50 simulated patients"
    assert [reduction_text(x) for x in (0.0, 1 / 3, 0.5, 2 / 3)] == [
        "usual dose",
        "cut by 1/3",
        "cut by 1/2",
        "cut by 2/3",
    ]
