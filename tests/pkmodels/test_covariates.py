"""Covariate rules: Cockcroft-Gault for adults, size-normal kidney function and smaller CSF for children, and
kidney-function stages as creatinine clearances."""

from __future__ import annotations

import pytest

from pkmodels import Scenario, default_params, individual_params, individualize
from pkmodels.covariates import Patient, cockcroft_gault_ml_per_min, crcl_for_stage


def test_adult_kidney_stages_use_the_vlavonou_group_values():
    # Representative creatinine clearances of the four groups (>80, 50-80, 30-50, <30 mL/min).
    assert crcl_for_stage("normal", 70.0, 40.0) is None
    assert crcl_for_stage("mild", 70.0, 40.0) == 65.0
    assert crcl_for_stage("moderate", 90.0, 60.0) == 40.0
    assert crcl_for_stage("severe", 50.0, 80.0) == 20.0
    assert crcl_for_stage("unknown", 70.0, 40.0) is None


def test_child_kidney_stages_are_shares_of_the_size_normal_clearance():
    normal = Patient(14.0, 3.0).crcl
    stages = [crcl_for_stage(s, 14.0, 3.0) for s in ("mild", "moderate", "severe")]
    assert stages == pytest.approx([0.65 * normal, 0.40 * normal, 0.20 * normal])
    assert all(c < normal for c in stages)  # never better than normal kidneys, unlike the adult 65 mL/min


def test_cockcroft_gault_by_hand():
    """(140 - age) x weight / (72 x serum creatinine), x 0.85 for women (Cockcroft & Gault 1976)."""
    assert cockcroft_gault_ml_per_min(40, 70, "male", 1.0) == pytest.approx(100 * 70 / 72)
    assert cockcroft_gault_ml_per_min(80, 60, "female", 1.2) == pytest.approx(60 * 60 / (72 * 1.2) * 0.85)
    # twice the serum creatinine: half the clearance
    assert cockcroft_gault_ml_per_min(40, 70, "male", 2.0) == pytest.approx(100 * 70 / 72 / 2)


def test_creatinine_clearance_given_estimated_or_size_normal():
    """Given: used as is.  Adults without it: Cockcroft-Gault with a typical creatinine (1.0 mg/dL for men, 0.8 for
    women) unless one is given; the default 40-year-old 70-kg man gets 97.2 mL/min, not 100.  Children: the normal
    clearance for the size, 100 mL/min x (weight / 70)^0.75."""
    assert Patient(crcl_ml_per_min=55.0).crcl == 55.0
    assert Patient().crcl == pytest.approx(97.22, abs=0.01)
    assert Patient(sex="female").crcl == pytest.approx(100 * 70 / (72 * 0.8) * 0.85)
    assert Patient(age_y=80, serum_creatinine_mg_per_dl=1.5).crcl == pytest.approx(60 * 70 / (72 * 1.5))
    child = Patient(weight_kg=20.0, age_y=6.0, serum_creatinine_mg_per_dl=3.0)  # creatinine not used in children
    assert child.crcl == pytest.approx(100 * (20 / 70) ** 0.75)
    assert child.is_child
    assert not Patient(age_y=18.0).is_child


def test_adult_renal_clearance_follows_the_estimate():
    """Renal clearance = renal_cl_per_crcl x CrCL (Wuis 1989): at 70 kg the model's CrCL is the patient's."""
    p = individualize(default_params(), Patient())
    assert p.crcl_ml_per_min == pytest.approx(100 * 70 / 72)
    assert p.cl_total_l_per_h == pytest.approx(1.2 + 1.0 * (100 * 70 / 72) * 0.06)
    assert individual_params(Scenario()).cl_total_l_per_h == pytest.approx(p.cl_total_l_per_h)
    old = individualize(default_params(), Patient(age_y=85.0))
    assert old.cl_renal_l_per_h / p.cl_renal_l_per_h == pytest.approx((140 - 85) / (140 - 40))
    # the CSF is adult-sized in every adult
    assert old.v_csf_spinal_ml == p.v_csf_spinal_ml == 95.0


def test_child_csf_is_smaller_and_keeps_the_canal_geometry():
    """Children: CSF volumes and flows x (weight / 70)^0.5 (floored at 0.25); the catheter tip is where it is."""
    child = Patient(weight_kg=17.5, age_y=5.0)
    assert child.csf_scale == pytest.approx(0.5)
    assert Patient(weight_kg=3.0, age_y=2.0).csf_scale == 0.25
    p = individualize(default_params().replace(catheter_tip_cm=20.0), child)
    assert p.v_csf_spinal_ml == pytest.approx(47.5)
    assert p.v_csf_cranial_ml == pytest.approx(37.5)
    assert p.csf_bulk_flow_ml_per_h == pytest.approx(10.0)
    assert p.csf_spinal_clearance_ml_per_h == pytest.approx(13.6)
    assert p.catheter_tip_cm == 20.0


def test_child_doses_follow_the_published_paediatric_ranges():
    from pkmodels.covariates import child_doses

    six = child_doses(6, 20.0)  # 20 mg/day / 3 = 6.67 mg, nearest 2.5-mg step 7.5 mg
    assert six.oral_mg_per_intake == 7.5
    assert six.it_ug_per_day == 200.0  # children under 12: average 100-300 ug/day
    assert child_doses(3, 14.0).oral_mg_per_intake == 5.0  # 14 mg/day / 3 = 4.67 -> 5.0
    assert child_doses(7, 60.0).oral_mg_per_intake * 3 <= 40.0  # under 8 years: at most 40 mg/day
    assert child_doses(14, 80.0).oral_mg_per_intake * 3 <= 60.0  # from 8 years: at most 60 mg/day
    assert child_doses(14, 50.0).it_ug_per_day == 300.0
    for age, kg in [(2, 10.0), (5, 18.0), (9, 28.0), (12, 40.0), (17, 60.0)]:
        per_kg_day = child_doses(age, kg).oral_mg_per_intake * 3 / kg
        assert 0.5 <= per_kg_day <= 2.0, (age, kg, per_kg_day)  # inside the 0.5-2 mg/kg/day of the tables
    with pytest.raises(ValueError, match="child_doses"):
        child_doses(30, 70.0)
