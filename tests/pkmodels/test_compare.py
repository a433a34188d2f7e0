"""Route comparison (pkmodels.compare), dose creep (pkmodels.tolerance) and the model's entry points
(typical vs individual parameters, every state kept).

Expected values are recomputed here from the result tables, or follow from the model's definitions written out
(a therapy stopped at time 0 after the run as prior therapy; no adaptation means no creep).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pkmodels import (
    Failure,
    ITContinuous,
    OralDoses,
    Patient,
    Pump,
    Scenario,
    default_params,
    individual_params,
    simulate,
)
from pkmodels.compare import STOP_FOLLOW_UP_H, route_summary, stop_now
from pkmodels.engine import MASS_STATES, STATES, observation_matrix
from pkmodels.fields import MAX_PRIOR_DAYS
from pkmodels.model import OBSERVED, scenario_events, simulate_arrays, typical_params
from pkmodels.neuraxis import LEVEL_CM
from pkmodels.tolerance import dose_to_keep_relief

ORAL = Scenario(duration_h=72.0, oral=(OralDoses(20.0, 8.0),), prior_therapy_days=30.0)
PUMP = Scenario(duration_h=72.0, intrathecal=(ITContinuous(400.0),), prior_therapy_days=30.0, catheter_tip="T6")


def _last_day_mean(tab, col):
    t = tab.time_h.to_numpy()
    sel = t >= t[-1] - 24.0 - 1e-9
    return float(np.trapezoid(tab[col].to_numpy()[sel], t[sel]) / 24.0)


# ----------------------------------------------------------------------------------------------- stop_now


def test_stop_now_makes_the_run_prior_therapy_and_stops_everything_at_zero():
    s = dataclasses.replace(
        PUMP, pump=Pump(2000, 20), failure=Failure(10.0, 20.0), oral=(OralDoses(10.0, 8.0, 0.0, 60.0),)
    )
    stopped = stop_now(s)
    assert stopped.prior_therapy_days == 30.0 + 3.0
    assert stopped.duration_h == STOP_FOLLOW_UP_H
    assert stopped.output_step_min == 15.0
    assert all(r.stop_h == 0.0 for r in (*stopped.oral, *stopped.intrathecal))
    assert stopped.pump is None
    assert stopped.failure is None
    assert stopped.catheter_tip == "T6"
    events = scenario_events(stopped)
    assert events.total_dosed_ug(0.0, STOP_FOLLOW_UP_H) == 0.0  # nothing after the stop
    assert events.total_dosed_ug(-24.0, 0.0, "intrathecal") == pytest.approx(400.0)


def test_stop_now_caps_prior_therapy_at_the_longest_allowed():
    long = Scenario(
        duration_h=24.0 * 400, output_step_min=60.0, intrathecal=(ITContinuous(200.0),), prior_therapy_days=500
    )
    stopped = stop_now(long)
    assert stopped.prior_therapy_days == MAX_PRIOR_DAYS == 730.0


# ------------------------------------------------------------------------------------------ route_summary


@pytest.fixture(scope="module")
def summaries():
    return {name: (simulate(s), route_summary(simulate(s))) for name, s in (("oral", ORAL), ("pump", PUMP))}


def test_route_summary_reads_the_last_day_of_the_run(summaries):
    for result, summary in summaries.values():
        tab = result.table
        lumbar, plasma = _last_day_mean(tab, "csf_lumbar_ng_per_ml"), _last_day_mean(tab, "plasma_ng_per_ml")
        assert summary.lumbar_avg_ng_per_ml == pytest.approx(lumbar, rel=1e-9)
        assert summary.plasma_avg_ng_per_ml == pytest.approx(plasma, rel=1e-9)
        assert summary.csf_plasma_ratio == pytest.approx(lumbar / plasma, rel=1e-9)
        assert summary.cervical_avg_ng_per_ml == pytest.approx(_last_day_mean(tab, "csf_cervical_ng_per_ml"), rel=1e-9)
        assert summary.cranial_avg_ng_per_ml == pytest.approx(_last_day_mean(tab, "csf_cranial_ng_per_ml"), rel=1e-9)
        assert summary.relief_mean_ashworth == pytest.approx(_last_day_mean(tab, "spasticity_relief_ashworth"))
        assert summary.relief_arms_mean_ashworth == pytest.approx(
            _last_day_mean(tab, "spasticity_relief_upper_limb_ashworth")
        )
        assert summary.plasma_max_ng_per_ml == pytest.approx(tab.plasma_ng_per_ml.max())
        assert summary.sedation_peak_index == pytest.approx(tab.sedation_index.max())
        assert summary.respiratory_peak_index == pytest.approx(tab.respiratory_depression_index.max())


def test_route_summary_tells_the_routes_apart(summaries):
    """The seed documents' table: the pump targets the CSF (CSF hundreds of times plasma vs 1/8.5 orally), relieves
    more, exposes the blood and brain far less, and its stop is the more dangerous (spinal, severe) while the
    tablets' stop is supraspinal and milder."""
    oral, pump = summaries["oral"][1], summaries["pump"][1]
    assert oral.csf_plasma_ratio == pytest.approx(1 / 8.5, rel=0.05)
    assert pump.csf_plasma_ratio > 100
    assert pump.relief_mean_ashworth > 3 * oral.relief_mean_ashworth
    assert pump.plasma_avg_ng_per_ml < oral.plasma_avg_ng_per_ml / 50
    assert pump.sedation_peak_index < oral.sedation_peak_index
    assert pump.withdrawal_peak_index_if_stopped > oral.withdrawal_peak_index_if_stopped
    assert pump.withdrawal_dominant_site_if_stopped == "spinal"
    assert oral.withdrawal_dominant_site_if_stopped == "supraspinal"
    assert pump.withdrawal_peak_stage_if_stopped in ("severe", "life-threatening")
    assert 12.0 <= pump.withdrawal_onset_h_if_stopped <= 72.0
    # the tip at T6 brings the pump's drug near the neck: CSF at C5 several times the tablets' level there
    assert pump.cervical_avg_ng_per_ml > 5 * oral.cervical_avg_ng_per_ml
    assert pump.relief_arms_mean_ashworth > 3 * oral.relief_arms_mean_ashworth


def test_route_summary_uses_a_given_stopped_run():
    result = simulate(ORAL)
    stopped = simulate(stop_now(ORAL))
    a, b = route_summary(result, stopped), route_summary(result)
    assert a == b
    assert a.withdrawal_peak_index_if_stopped == pytest.approx(stopped.table.withdrawal_index.max(), abs=1e-6)


# -------------------------------------------------------------------------------------------- dose creep


def test_without_adaptation_the_dose_does_not_creep_and_keeps_the_target_relief():
    """With both adaptation gains at 0 the daily dose that keeps 2.5 points is the same every day, and a pump at that
    rate gives 2.5 points once the CSF and the cord have settled (days)."""
    s = Scenario(parameters=(("adaptation_gain_fast", 0.0), ("adaptation_gain_slow", 0.0)))
    creep = dose_to_keep_relief(individual_params(s), 2.5, days=60)
    np.testing.assert_allclose(creep.dose_ug_per_day, creep.dose_ug_per_day[0], rtol=1e-12)
    rate = creep.dose_on_day(0)
    run = simulate(dataclasses.replace(s, duration_h=96.0, intrathecal=(ITContinuous(rate),)))
    assert run.table.spasticity_relief_ashworth.iloc[-1] == pytest.approx(2.5, rel=2e-3)


def test_with_adaptation_the_dose_rises_then_levels_off():
    """Heetla 2009: dose needs rise over the first 12-18 months, then level off; adaptation only grows while the
    relief is held, so the dose never falls."""
    creep = dose_to_keep_relief(individual_params(Scenario()), 2.0, days=730)
    d = creep.dose_ug_per_day
    assert np.all(np.diff(d) >= -1e-9 * d.max())
    first_year = creep.ratio(0.0, 365.0)
    second_year = creep.ratio(365.0, 730.0)
    assert first_year > 1.3
    assert 1.0 <= second_year < first_year
    with pytest.raises(ValueError, match="days"):
        dose_to_keep_relief(individual_params(Scenario()), 2.0, days=0)


def test_a_target_beyond_reach_needs_an_infinite_dose():
    """Full adaptation leaves at most 1 - g_f - g_s = 60 % of the baseline as relief (typical gains 0.25 and 0.15):
    3.5 of 4 points cannot be held for long."""
    creep = dose_to_keep_relief(individual_params(Scenario()), 3.5, days=730)
    assert np.isfinite(creep.dose_ug_per_day[0])
    assert np.isinf(creep.dose_ug_per_day[-1])


# --------------------------------------------------------------------------------------- model entry points


def test_typical_params_take_overrides_and_tip_individual_params_add_covariates():
    s = Scenario(catheter_tip="C5", parameters=(("ka_per_h", 2.0),), patient=Patient(weight_kg=35.0, age_y=12.0))
    typical = typical_params(s)
    assert typical.ka_per_h == 2.0
    assert typical.catheter_tip_cm == LEVEL_CM["C5"]
    assert typical.vc_l == default_params().vc_l  # covariates not applied yet
    ind = individual_params(s)
    assert ind.ka_per_h == 2.0
    assert ind.catheter_tip_cm == LEVEL_CM["C5"]
    assert ind.vc_l < typical.vc_l  # a 35-kg child
    assert ind.v_csf_spinal_ml == pytest.approx(95.0 * (35 / 70) ** 0.5)


def test_keep_states_returns_every_state_and_the_readouts_follow_from_them():
    s = Scenario(duration_h=24.0, oral=(OralDoses(300.0),), intrathecal=(ITContinuous(200.0),), catheter_tip="T4")
    p = individual_params(s)
    r = simulate_arrays(p, scenario_events(s), 24.0, s.step_h, keep_states=True)
    assert r.states.shape == (1, s.n_points, len(STATES))
    h = observation_matrix(p, OBSERVED)[0]
    conc = r.states[0] @ h.T
    np.testing.assert_allclose(conc[:, OBSERVED.index("plasma")], r.plasma_ng_per_ml[0], rtol=1e-12)
    np.testing.assert_allclose(conc[:, OBSERVED.index("csf_cervical")], r.csf_cervical_ng_per_ml[0], rtol=1e-12)
    assert r.states[0, -1, STATES.index("retained")] > 0  # 300 mg: 100 mg held back, still arriving
    lean = simulate_arrays(p, scenario_events(s), 24.0, s.step_h)
    assert lean.states is None
    np.testing.assert_allclose(lean.csf_lumbar_ng_per_ml, r.csf_lumbar_ng_per_ml, rtol=1e-12)
    # the table's amount columns are these states (gut .. eliminated)
    tab = simulate(s).table
    for k, name in enumerate(STATES[MASS_STATES]):
        np.testing.assert_allclose(tab[f"{name}_ug"], r.states[0, :, k], rtol=1e-12, atol=1e-12)
