"""Pump rules (pkmodels.pump): screening, starting dose, titration range, refill dates, result summaries."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from pkmodels import ITContinuous, ITTitration, OralTaper, Scenario, individual_params, simulate
from pkmodels.metrics import stage_timeline
from pkmodels.neuraxis import ARMS_SITE_CM, CANAL_LENGTH_CM, LEGS_SITE_CM, LEVEL_CM, SAMPLING_CM, SEGMENT_LENGTH_CM
from pkmodels.pump import (
    OBSERVATION_WINDOW_H,
    check_titration,
    oral_per_dose_on_day,
    overdose_summary,
    refill_notes,
    refill_plan,
    remaining_ml,
    ripple,
    screening_ladder,
    screening_next_step,
    start_dose_ug_per_day,
    switch_schedule,
    tip_profile,
    titration_plan,
    trial_result,
)
from pkmodels.withdrawal import relief_before_and_end, withdrawal_course

T = np.arange(0.0, 24.01, 0.25)


def tent(peak_h: float, peak: float, half_width_h: float) -> np.ndarray:
    """A triangular relief curve: 0 outside peak +- half_width, ``peak`` at peak_h."""
    return np.clip(peak * (1 - np.abs(T - peak_h) / half_width_h), 0.0, None)


# ------------------------------------------------------------------------------------------ screening


def test_trial_positive_inside_the_window_and_its_duration():
    relief = tent(6.0, 2.0, 6.0)  # >= 1 point from 3 h to 9 h
    r = trial_result(T, relief, 50)
    assert r.positive
    assert r.peak_relief_in_window == pytest.approx(2.0)
    assert r.effect_start_h == pytest.approx(3.0)
    assert r.effect_end_h == pytest.approx(9.0)
    assert r.effect_duration_h == pytest.approx(6.0)


def test_relief_outside_the_window_does_not_count():
    relief = tent(1.5, 2.0, 2.0)  # over by 3.5 h, before the 4-8 h window opens
    r = trial_result(T, relief, 50)
    assert OBSERVATION_WINDOW_H == (4.0, 8.0)
    assert not r.positive
    assert r.peak_relief == pytest.approx(2.0)
    assert r.effect_duration_h == pytest.approx(1.75 - 0.5 + 0.75)  # 0.5 .. 2.5 h at or above 1 point


def test_never_reaching_the_threshold_has_no_effect_time():
    r = trial_result(T, tent(6.0, 0.8, 6.0), 100)
    assert not r.positive
    assert r.effect_start_h is None
    assert r.effect_duration_h == 0.0


def test_trial_result_rejects_mismatched_arrays():
    with pytest.raises(ValueError, match="same length"):
        trial_result(T, T[:-1], 50)


@pytest.mark.parametrize(
    ("bolus", "positive", "candidate", "next_bolus"),
    [
        (50, True, True, None),
        (50, False, None, 75),
        (75, False, None, 100),
        (100, False, False, None),
        (100, True, True, None),
    ],
)
def test_label_next_step(bolus, positive, candidate, next_bolus):
    step = screening_next_step(bolus, positive)
    assert step.candidate is candidate
    assert step.next_bolus_ug == next_bolus
    if candidate is False:
        assert "not a candidate" in step.text


def test_ladder_stops_at_the_first_positive_dose():
    assert screening_ladder({50.0: True, 75.0: True, 100.0: True}) == ([50.0], 50.0)
    assert screening_ladder({50.0: False, 75.0: True, 100.0: True}) == ([50.0, 75.0], 75.0)
    assert screening_ladder({50.0: False, 75.0: False, 100.0: False}) == ([50.0, 75.0, 100.0], None)


@pytest.mark.parametrize(("width", "expected"), [(6.0, 100.0), (8.0, 100.0), (10.0, 50.0)])
def test_start_dose_doubles_the_bolus_unless_the_effect_lasted_over_8_h(width, expected):
    # tent of height 2 and half-width w is >= 1 point for w hours: 8 h is not "more than 8 h"
    r = trial_result(T, tent(6.0, 2.0, width), 50)
    assert r.effect_duration_h == pytest.approx(width)
    assert start_dose_ug_per_day(r) == expected


def test_no_start_dose_after_a_negative_trial():
    assert start_dose_ug_per_day(trial_result(T, tent(6.0, 0.5, 6.0), 100)) is None


# ----------------------------------------------------------------------------------------- titration


@pytest.mark.parametrize(
    ("origin", "asked", "used", "ok"),
    [
        ("spinal", 20, 20, True),
        ("spinal", 10, 10, True),
        ("spinal", 35, 30, False),
        ("spinal", 5, 10, False),
        ("cerebral", 20, 15, False),
        ("cerebral", 5, 5, True),
        ("child", 3, 5, False),
        ("child", 15, 15, True),
    ],
)
def test_titration_step_is_clamped_to_the_range_of_the_origin(origin, asked, used, ok):
    c = check_titration(origin, asked)
    assert c.used_percent == used
    assert c.in_range is ok
    assert (c.message is None) is ok
    if not ok:
        assert ("above" if asked > used else "below") in c.message


def test_unknown_origin_is_an_error():
    with pytest.raises(ValueError, match="origin"):
        check_titration("cardiac", 10)


def test_titration_plan_holds_day_1_then_steps_up_to_the_target():
    plan = titration_plan(100.0, 400.0, 20.0)
    rates = plan["rate_ug_per_day"].tolist()
    assert rates[:4] == pytest.approx([100.0, 120.0, 144.0, 172.8])
    assert rates[-1] == pytest.approx(400.0)
    # 100 x 1.2^k reaches 400 after ceil(log 4 / log 1.2) = 8 steps, so the target is reached on day 9
    assert len(plan) == 1 + math.ceil(math.log(4) / math.log(1.2))
    assert plan["day"].tolist() == list(range(1, len(plan) + 1))
    assert plan["change_percent"].iloc[1] == pytest.approx(20.0)
    assert math.isnan(plan["change_percent"].iloc[0])


def test_titration_plan_matches_the_pump_program():
    plan = titration_plan(75.0, 300.0, 15.0)
    events = ITTitration(75.0, 300.0, 15.0).events(24.0 * len(plan))
    for day, rate in zip(plan["day"], plan["rate_ug_per_day"], strict=True):
        assert events.total_dosed_ug((day - 1) * 24.0, day * 24.0) == pytest.approx(rate)


# ------------------------------------------------------------------------------------------- refills


def test_refill_dates_for_the_reference_example():
    # 400 ug/day from 2000 ug/mL = 0.2 mL/day: 20 mL last 100 days; the alarm at 2 mL left sounds at 90 days
    plan = refill_plan(date(2026, 1, 1), 2000, 20, 400)
    assert plan.ml_per_day == pytest.approx(0.2)
    assert plan.days_until_empty == pytest.approx(100.0)
    assert plan.days_until_low_alarm == pytest.approx(90.0)
    assert plan.empty_date == date(2026, 4, 11)
    assert plan.low_alarm_date == date(2026, 4, 1)


def test_partial_days_round_down_to_the_day_the_pump_runs_dry():
    plan = refill_plan(date(2026, 3, 1), 500, 20, 350)  # 10 000 / 350 = 28.6 days
    assert plan.empty_date == date(2026, 3, 29)


def test_zero_rate_never_empties():
    plan = refill_plan(date(2026, 1, 1), 2000, 20, 0.0)
    assert plan.empty_date is None
    assert plan.low_alarm_date is None


def test_refill_notes():
    assert any("screening" in n for n in refill_notes(refill_plan(date(2026, 1, 1), 50, 20, 400), 50))
    short = refill_plan(date(2026, 1, 1), 500, 20, 400)  # 25 days
    assert any("under 2 months" in n for n in refill_notes(short, 500))
    long = refill_plan(date(2026, 1, 1), 2000, 40, 100)  # 800 days
    assert any("over 6 months" in n for n in refill_notes(long, 2000))
    assert refill_notes(refill_plan(date(2026, 1, 1), 2000, 20, 400), 2000) == []


def test_remaining_volume_for_one_day():
    assert remaining_ml(400, 2000, 24) == pytest.approx(0.2)
    assert remaining_ml(100, 500, 48) == pytest.approx(0.4)


# ---------------------------------------------------------------------------------------- summaries


def test_ripple_uses_only_the_last_day():
    t = np.arange(0.0, 48.01, 1.0)
    v = np.where(t < 24, 100.0, 10.0 + t)
    assert ripple(t, v) == (34.0, 58.0)


def test_stage_timeline_lists_first_times_after_the_event():
    t = np.arange(10.0)
    stage = np.array([2, 0, 0, 1, 1, 2, 3, 2, 1, 0])
    names = ("none", "a", "b", "c", "d")
    assert stage_timeline(t, stage, names, after_h=1.0) == [("a", 2.0), ("b", 4.0), ("c", 5.0)]


def test_withdrawal_course_after_the_pump_stops():
    # on the pump for 60 days, then delivery stops at 24 h
    tab = simulate(
        Scenario(
            duration_h=24.0 * 6,
            output_step_min=10.0,
            intrathecal=(ITContinuous(400.0, 0.0, 24.0),),
            prior_therapy_days=60.0,
        )
    ).table
    w = withdrawal_course(tab, 24.0)
    relief_before, relief_end = relief_before_and_end(tab, 24.0)
    assert relief_before > 1.0
    assert relief_end < relief_before
    assert w.dominant_site == "spinal"
    assert w.peak_stage >= 2
    assert 12.0 <= w.time_to_peak_h <= 96.0  # onset 12-72 h, course over 1-3 days (Coffey 2002)
    hours = [h for _, h in w.timeline]
    assert hours == sorted(hours)
    assert all(h > 0 for h in hours)
    assert [n for n, _ in w.site_timelines["spinal"]] == [n for n, _ in w.timeline]


def test_overdose_summary_of_a_ten_fold_rate():
    tab = simulate(
        Scenario(
            duration_h=96.0,
            output_step_min=10.0,
            intrathecal=(ITContinuous(400.0, 0.0, 24.0), ITContinuous(4000.0, 24.0)),
            prior_therapy_days=60.0,
        )
    ).table
    s = overdose_summary(tab, 24.0)
    # linear PK: ten times the rate gives ten times the steady-state CSF once the CSF (half-life hours) settles
    assert s.lumbar_peak_ng_per_ml / s.lumbar_before_ng_per_ml == pytest.approx(10.0, rel=0.02)
    assert s.cranial_peak_ng_per_ml / s.cranial_before_ng_per_ml == pytest.approx(10.0, rel=0.05)
    assert s.lumbar_fold == pytest.approx(s.lumbar_peak_ng_per_ml / s.lumbar_before_ng_per_ml)
    assert s.spinal_stimulation_peak > s.spinal_stimulation_before
    assert s.peak_sedation_stage_number >= 1
    assert s.timeline[0][0] == "drowsy"
    assert s.relief_peak >= s.relief_before


def test_overdose_summary_reads_the_respiratory_flag():
    t = np.arange(0.0, 10.0)
    tab = pd.DataFrame(
        {
            "time_h": t,
            "sedation_index": t / 10,
            "sedation_stage": (t >= 5).astype(int) * 3,
            "respiratory_warning": t >= 5,
            "csf_lumbar_ng_per_ml": 1.0,
            "csf_cranial_ng_per_ml": 1.0,
            "stimulation_spinal": 0.5,
            "spasticity_relief_ashworth": 2.0,
        }
    )
    s = overdose_summary(tab, 2.0)
    assert s.respiratory_warning_after_h == 3.0
    assert s.peak_sedation_stage == "stupor"


# ------------------------------------------------------------------------------------- oral -> pump


def test_oral_wean_schedule_by_day():
    taper = OralTaper(20.0, 8.0, 25.0, None, 3.0, 72.0)
    assert [oral_per_dose_on_day(taper, d) for d in (1, 3, 4, 6, 7, 10)] == pytest.approx(
        [20.0, 20.0, 15.0, 15.0, 11.25, 8.4375]
    )
    assert oral_per_dose_on_day(taper, 200) == 0.0


def test_switch_schedule_pairs_the_wean_with_the_titration():
    taper = OralTaper(20.0, 8.0, 50.0, None, 3.0, 72.0)  # 10, 5, 2.5 (>= 10 % of 20), then stop
    sched = switch_schedule(taper, ITTitration(100.0, 400.0, 20.0), 16)
    assert sched["oral_mg_per_dose"].tolist() == pytest.approx([20] * 3 + [10] * 3 + [5] * 3 + [2.5] * 3 + [0] * 4)
    assert sched["oral_mg_per_day"].iloc[0] == pytest.approx(60.0)
    assert sched["pump_ug_per_day"].iloc[:3].tolist() == pytest.approx([100.0, 120.0, 144.0])
    assert sched["pump_ug_per_day"].iloc[-1] == pytest.approx(400.0)


# ------------------------------------------------------------------------------ where the catheter ends


def _profile_at(prof: pd.DataFrame, x_cm: float) -> float:
    return float(np.interp(x_cm, prof["x_cm"], prof["csf_ng_per_ml"]))


@pytest.mark.parametrize("tip", ["T10", "T6", "C5", "L2"])
def test_tip_profile_is_the_steady_state_of_a_long_infusion(tip):
    """tip_profile solves the steady state directly; a 4-day infusion at that tip reaches it (CSF half-lives are
    hours), at every reading place, and the cord effect sites settle at the CSF beside them (they take no
    mass).  The profile is proportional to the rate (linear kinetics)."""
    sc = Scenario(duration_h=96.0, output_step_min=30.0, intrathecal=(ITContinuous(300.0),), catheter_tip=tip)
    result = simulate(sc)
    prof = tip_profile(result.params, 300.0, step_cm=0.1)
    end = result.table.iloc[-1]
    for column, x_cm in (
        ("csf_lumbar_ng_per_ml", SAMPLING_CM["lumbar"]),
        ("csf_thoracic_ng_per_ml", SAMPLING_CM["thoracic"]),
        ("csf_cervical_ng_per_ml", SAMPLING_CM["cervical"]),
        ("effect_spinal_ng_per_ml", LEGS_SITE_CM),
        ("effect_cervical_ng_per_ml", ARMS_SITE_CM),
    ):
        assert end[column] == pytest.approx(_profile_at(prof, x_cm), rel=2e-3), column
    double = tip_profile(result.params, 600.0, step_cm=0.1)
    np.testing.assert_allclose(double["csf_ng_per_ml"], 2 * prof["csf_ng_per_ml"], rtol=1e-9)


def test_tip_profile_table_covers_the_canal_with_level_names():
    prof = tip_profile(individual_params(Scenario()), 400.0)
    assert list(prof.columns) == ["x_cm", "csf_ng_per_ml", "segment_csf_ng_per_ml", "level"]
    # at each segment centre the interpolated reading is the segment's own concentration
    centres = np.isclose(prof["x_cm"].to_numpy() % SEGMENT_LENGTH_CM, SEGMENT_LENGTH_CM / 2, atol=0.26)
    np.testing.assert_allclose(prof["segment_csf_ng_per_ml"][centres], prof["csf_ng_per_ml"][centres], rtol=0.05)
    assert prof["x_cm"].iloc[0] == 0.0
    assert prof["x_cm"].iloc[-1] == pytest.approx(CANAL_LENGTH_CM)
    np.testing.assert_allclose(np.diff(prof["x_cm"]), 0.5)
    assert (prof["csf_ng_per_ml"] > 0).all()
    by_x = dict(zip(prof["x_cm"].round(2), prof["level"], strict=True))
    assert by_x[35.0] == "T10"  # T10 sits at 34.67 cm
    assert by_x[0.0] == "C1"
    assert by_x[61.0] == "L5"  # below L5 (56.7 cm) the nearest level is still L5


def test_moving_the_tip_up_shifts_the_profile_towards_the_head():
    """Kroin 1993 / Grabb 1999: CSF is highest near the tip and falls along the canal, so a tip at T6 raises the CSF
    at the neck and lowers it at the conus compared with T11 (the 'catheter-tip' scene: by about half at C5)."""
    t11 = tip_profile(individual_params(Scenario(catheter_tip="T11")), 250.0)
    t6 = tip_profile(individual_params(Scenario(catheter_tip="T6")), 250.0)
    assert _profile_at(t6, SAMPLING_CM["cervical"]) > 1.3 * _profile_at(t11, SAMPLING_CM["cervical"])
    assert _profile_at(t6, LEGS_SITE_CM) < _profile_at(t11, LEGS_SITE_CM)
    assert _profile_at(t6, LEVEL_CM["T6"]) > _profile_at(t11, LEVEL_CM["T6"])
