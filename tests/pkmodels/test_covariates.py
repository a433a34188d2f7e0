"""Covariate rules: kidney-function stages as creatinine clearances for adults and children."""

from __future__ import annotations

import pytest

from pkmodels.covariates import Patient, crcl_for_stage


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
