"""Withdrawal course after the end of therapy: hand-built tables with known answers, then model behaviour."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pkmodels import Failure, ITContinuous, ITTaper, OralDoses, Scenario, simulate
from pkmodels.pd import WITHDRAWAL_SYMPTOMS, WITHDRAWAL_THRESHOLDS
from pkmodels.withdrawal import fall_time_h, symptoms_by_site, withdrawal_course

STEP = 0.5  # h


def _stage(index: np.ndarray) -> np.ndarray:
    """Stage numbers written out by hand from the thresholds 0.10 / 0.25 / 0.50 / 0.75."""
    assert WITHDRAWAL_THRESHOLDS == (0.10, 0.25, 0.50, 0.75)
    return np.select([index >= 0.75, index >= 0.5, index >= 0.25, index >= 0.10], [4, 3, 2, 1], 0)


def _table(spinal: np.ndarray, supraspinal: np.ndarray, t: np.ndarray, **extra: np.ndarray) -> pd.DataFrame:
    total = np.maximum(spinal, supraspinal)
    cols = {
        "time_h": t,
        "withdrawal_index": total,
        "withdrawal_stage": _stage(total),
        "withdrawal_spinal_index": spinal,
        "withdrawal_supraspinal_index": supraspinal,
        "withdrawal_spinal_stage": _stage(spinal),
        "withdrawal_supraspinal_stage": _stage(supraspinal),
        "adaptation_spinal": np.full(t.size, 0.8),
        "adaptation_supraspinal": np.full(t.size, 0.1),
        "csf_lumbar_ng_per_ml": np.full(t.size, 500.0),
        "plasma_ng_per_ml": np.full(t.size, 2.0),
    }
    cols.update(extra)
    return pd.DataFrame(cols)


# ------------------------------------------------------------------------------------------ fall_time_h


def test_fall_time_of_an_exponential_decay():
    t = np.arange(0.0, 100.0 + STEP, STEP)
    k = math.log(2) / 2.0  # half-life 2 h
    c = np.where(t <= 24.0, 400.0, 400.0 * np.exp(-k * (t - 24.0)))
    # a tenth after log2(10) half-lives = 6.64 h; the first grid point at or below is 7.0 h
    assert fall_time_h(t, c, 24.0, 0.1) == pytest.approx(7.0)
    assert fall_time_h(t, c, 24.0, 0.5) == pytest.approx(2.0, abs=STEP)


def test_fall_time_uses_the_mean_before_the_end_not_the_last_value():
    t = np.arange(0.0, 48.0 + STEP, STEP)
    saw = np.where(t <= 24.0, np.where((t % 8.0) < 4.0, 300.0, 100.0), 0.0)  # mean 200 before the end
    c = saw.copy()
    c[t > 24.0] = np.where(t[t > 24.0] <= 30.0, 150.0, 10.0)  # stays above 0.5 x 200 = 100 until 30 h
    assert fall_time_h(t, c, 24.0, 0.5) == pytest.approx(6.5)


def test_fall_time_none_when_nothing_falls_or_nothing_was_there():
    t = np.arange(0.0, 48.0 + STEP, STEP)
    assert fall_time_h(t, np.full(t.size, 5.0), 24.0) is None
    assert fall_time_h(t, np.zeros(t.size), 24.0) is None
    assert fall_time_h(t, np.full(t.size, 5.0), 0.0) is None  # no time before the end


# ------------------------------------------------------------------------------------ withdrawal_course


def test_course_counts_from_the_end_and_reads_each_site():
    t = np.arange(0.0, 200.0 + STEP, STEP)
    # spinal: rises linearly from 0 at 40 h to 0.6 at 100 h, then falls linearly to 0 at 160 h
    spinal = np.interp(t, [0, 40, 100, 160, 200], [0, 0, 0.6, 0, 0])
    supra = np.interp(t, [0, 40, 70, 100, 200], [0, 0, 0.12, 0, 0])
    c = withdrawal_course(_table(spinal, supra, t), end_h=24.0)
    assert c.peak_stage == 3
    assert c.peak_stage_name == "severe"
    assert c.peak_index == pytest.approx(0.6)
    # stage >= moderate (0.25) first at 40 + 0.25 / 0.01 = 65 h, i.e. 41 h after the end
    assert c.onset_h == pytest.approx(41.0, abs=STEP)
    assert c.time_to_peak_h == pytest.approx(76.0)
    # >= 0.25 from 65 h to 100 + 0.35 / 0.01 = 135 h: 141 grid points of 0.5 h each
    assert c.hours_above_mild == pytest.approx(70.5, abs=STEP)
    assert c.site_stage == {"spinal": 3, "supraspinal": 1}
    assert c.dominant_site == "spinal"
    assert c.systemic
    assert c.adaptation_at_end == {"spinal": pytest.approx(0.8), "supraspinal": pytest.approx(0.1)}


def test_course_ignores_what_happened_before_the_end():
    t = np.arange(0.0, 100.0 + STEP, STEP)
    spinal = np.interp(t, [0, 10, 20, 100], [0, 0.9, 0, 0])  # a spike before the end at 30 h
    supra = np.interp(t, [0, 50, 60, 70, 100], [0, 0, 0.3, 0, 0])
    c = withdrawal_course(_table(spinal, supra, t), end_h=30.0)
    assert c.peak_stage == 2
    assert c.site_stage == {"spinal": 0, "supraspinal": 2}
    assert c.dominant_site == "supraspinal"
    assert c.time_to_peak_h == pytest.approx(30.0)
    assert not c.systemic


def test_course_without_withdrawal_has_no_onset_and_no_peak_time():
    t = np.arange(0.0, 100.0 + STEP, STEP)
    c = withdrawal_course(_table(np.zeros(t.size), np.zeros(t.size), t), end_h=24.0)
    assert c.peak_stage == 0
    assert c.onset_h is None
    assert c.time_to_peak_h is None
    assert c.hours_above_mild == 0.0


def test_course_end_outside_the_run_is_clamped():
    t = np.arange(0.0, 50.0 + STEP, STEP)
    c = withdrawal_course(_table(np.zeros(t.size), np.zeros(t.size), t), end_h=1e6)
    assert c.end_h == 50.0


def test_symptoms_follow_the_stage_of_each_site():
    out = symptoms_by_site({"spinal": 3, "supraspinal": 0})
    assert out["spinal"] == WITHDRAWAL_SYMPTOMS["spinal"][3]
    assert "fever" in out["spinal"]
    assert out["supraspinal"] == ""
    assert symptoms_by_site({"spinal": 9, "supraspinal": -2}) == {
        "spinal": WITHDRAWAL_SYMPTOMS["spinal"][4],
        "supraspinal": "",
    }


# ------------------------------------------------------------------ behaviour the literature describes


def _stop(**kw) -> Scenario:
    return Scenario(duration_h=24.0 * 8, output_step_min=15.0, prior_therapy_days=59.0, **kw)


@pytest.fixture(scope="module")
def it_abrupt():
    return withdrawal_course(simulate(_stop(intrathecal=(ITContinuous(400.0, 0.0, 24.0),))).table, 24.0)


def test_intrathecal_stop_is_spinal_severe_and_starts_within_12_to_72_h(it_abrupt):
    """Coffey 2002: spinal signs first, 'severe' within 12-72 h.  After 60 days on the pump the combined spinal
    adaptation (g_f A_f + g_s A_s) / (g_f + g_s) is that of a stimulation S held for 60 days: the fast part
    (tau 5 days) complete, the slow part (tau 150 days) at 1 - e^{-60/150}."""
    assert it_abrupt.dominant_site == "spinal"
    assert it_abrupt.peak_stage >= 3
    assert 12.0 <= it_abrupt.onset_h <= 72.0
    tab = simulate(_stop(intrathecal=(ITContinuous(400.0, 0.0, 24.0),))).table
    stim = float(tab.stimulation_spinal[tab.time_h <= 24.0].mean())
    g_f, g_s = 0.25, 0.15  # the typical adaptation gains
    expected = stim * (g_f * (1 - math.exp(-60 / 5)) + g_s * (1 - math.exp(-60 / 150))) / (g_f + g_s)
    assert it_abrupt.adaptation_at_end["spinal"] == pytest.approx(expected, rel=0.02)
    assert it_abrupt.lumbar_tenth_h is not None
    assert it_abrupt.lumbar_tenth_h < 12.0  # lumbar CSF falls within hours


def test_oral_stop_is_mostly_supraspinal_and_milder(it_abrupt):
    c = withdrawal_course(simulate(_stop(oral=(OralDoses(20.0, 8.0, 0.0, 24.0),))).table, 24.0)
    assert c.dominant_site == "supraspinal"
    assert c.peak_index < it_abrupt.peak_index


def test_restarting_the_pump_early_prevents_moderate_withdrawal(it_abrupt):
    c = withdrawal_course(simulate(_stop(intrathecal=(ITContinuous(400.0),), failure=Failure(24.0, 30.0))).table, 24.0)
    assert c.onset_h is None
    assert c.peak_index < it_abrupt.peak_index / 3


def test_taper_keeps_it_milder_than_an_abrupt_stop(it_abrupt):
    taper = ITTaper(400.0, step_percent=20.0, step_every_days=3.0, start_h=24.0)
    sc = Scenario(
        duration_h=24.0 + taper.duration_h + 24.0 * 6,
        output_step_min=30.0,
        prior_therapy_days=59.0,
        intrathecal=(taper,),
    )
    c = withdrawal_course(simulate(sc).table, 24.0)
    assert c.peak_stage < it_abrupt.peak_stage
    assert c.onset_h is None
