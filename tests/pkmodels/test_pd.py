"""Pharmacodynamics (model v2): formulas against hand-computed values, and the behaviour the literature describes.

Three receptor sites (legs' cord, arms' cord, brain), two adaptations (slow desensitisation scales the effect,
fast counter-regulation subtracts: net tone ``S (1 - g_s A_s) - g_f A_f``), withdrawal as the negative part of
the net tone, respiratory depression and coordination as indices of their own.  Each behaviour test states the
modelling claim it checks in its docstring.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkmodels import (
    ITBolus,
    ITContinuous,
    ITTaper,
    OralDoses,
    OralTaper,
    Scenario,
    default_params,
    individual_params,
    oral_equivalent,
    simulate,
)
from pkmodels.equivalence import increasing_root, steady_relief, unit_profiles
from pkmodels.events import compile_events
from pkmodels.model import scenario_events, simulate_arrays
from pkmodels.pd import (
    COMEDICATIONS,
    COORDINATION_THRESHOLDS,
    PD_SITES,
    RESPIRATORY_THRESHOLDS,
    WITHDRAWAL_THRESHOLDS,
    PDSettings,
    PDState,
    coordination_impairment,
    first_order_filter,
    hill,
    net_tone,
    pharmacodynamics,
    relief_ashworth,
    respiratory_depression,
    stage_of,
)
from pkmodels.reference import solve_reference_pkpd

MILD, MODERATE, SEVERE = 1, 2, 3


# ----------------------------------------------------------------------------------------------- formulas


@pytest.mark.parametrize(
    ("c", "ec50", "n", "expected"),
    [
        (150.0, 150.0, 2.0, 0.5),
        (300.0, 150.0, 2.0, 0.8),  # 300^2 / (150^2 + 300^2) = 90000 / 112500
        (75.0, 150.0, 2.0, 0.2),  # 5625 / 28125
        (100.0, 100.0, 1.0, 0.5),
        (50.0, 100.0, 1.0, 1 / 3),
        (400.0, 100.0, 1.5, 8.0 / 9.0),  # (4)^1.5 = 8 -> 8 / 9
        (0.0, 100.0, 2.0, 0.0),
        (-5.0, 100.0, 2.0, 0.0),
        (1e9, 100.0, 2.0, 1.0),
    ],
)
def test_hill_against_hand_computed_values(c, ec50, n, expected):
    assert hill(np.array(c), ec50, n) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_hill_is_not_the_wrong_teaching_formula():
    """A known teaching app computed Emax*C^h/(EC50 + C^h); with h != 1 it differs from the Hill equation."""
    c, ec50, h = 200.0, 150.0, 2.0
    wrong = c**h / (ec50 + c**h)
    assert hill(np.array(c), ec50, h) == pytest.approx(c**h / (ec50**h + c**h))
    assert abs(hill(np.array(c), ec50, h) - wrong) > 0.3


def test_stages_change_exactly_at_thresholds():
    thresholds = (0.1, 0.25, 0.5, 0.75)
    values = np.array([0.0, 0.0999, 0.1, 0.2499, 0.25, 0.5, 0.7499, 0.75, 3.0])
    assert stage_of(values, thresholds).tolist() == [0, 0, 1, 1, 2, 3, 3, 4, 4]
    assert thresholds == WITHDRAWAL_THRESHOLDS
    assert stage_of(np.array([0.09, 0.1, 0.3, 0.6]), RESPIRATORY_THRESHOLDS).tolist() == [0, 1, 2, 3]
    assert stage_of(np.array([0.1, 0.15, 0.4, 0.65]), COORDINATION_THRESHOLDS).tolist() == [0, 1, 2, 3]


def test_net_tone_scales_by_slow_and_subtracts_fast_adaptation():
    """S (1 - g_s A_s) - g_f A_f with the typical gains g_f = 0.25, g_s = 0.15, written out."""
    p = default_params().as_arrays(1)
    assert (float(p.adaptation_gain_fast[0]), float(p.adaptation_gain_slow[0])) == (0.25, 0.15)
    s = np.array([[0.8, 0.8, 0.0, 0.5]])
    a_f = np.array([[0.0, 0.8, 0.8, 0.2]])
    a_s = np.array([[0.0, 0.8, 0.8, 1.0]])
    expected = [0.8, 0.8 * (1 - 0.15 * 0.8) - 0.25 * 0.8, -0.25 * 0.8, 0.5 * (1 - 0.15) - 0.05]
    np.testing.assert_allclose(net_tone(s, a_f, a_s, p)[0], expected, rtol=1e-12)
    # without drug, slow adaptation leaves nothing behind: only the fast part is unmasked
    assert net_tone(np.zeros((1, 1)), np.zeros((1, 1)), np.ones((1, 1)), p)[0, 0] == 0.0
    # relief takes the positive part on the 0..1 scale of the baseline
    np.testing.assert_allclose(relief_ashworth(np.array([[-0.2, 0.25, 1.5]]), p, 4.0)[0], [0.0, 1.0, 4.0], rtol=1e-12)


def test_breathing_and_coordination_combine_independent_mechanisms():
    """Respiratory depression: own part sedation squared (drowsy: almost none; coma: most), combined with the
    co-medication's direct effect as 1 - (1 - a)(1 - b); coordination likewise from sedation itself."""
    sed = np.array([0.2, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(respiratory_depression(sed, "none", 1.0), [0.04, 0.25, 0.5625, 1.0], rtol=1e-12)
    r_op = COMEDICATIONS["opioid"].respiratory
    np.testing.assert_allclose(
        respiratory_depression(sed, "opioid", 1.0),
        [1 - 0.96 * (1 - r_op), 1 - 0.75 * (1 - r_op), 1 - 0.4375 * (1 - r_op), 1.0],
        rtol=1e-12,
    )
    # two usual doses of an opioid: the direct effect as two independent fractions
    assert respiratory_depression(np.array([0.0]), "opioid", 2.0)[0] == pytest.approx(1 - (1 - r_op) ** 2)
    c_al = COMEDICATIONS["alcohol"].coordination
    np.testing.assert_allclose(coordination_impairment(sed, "alcohol", 1.0), 1 - (1 - sed) * (1 - c_al), rtol=1e-12)
    np.testing.assert_allclose(coordination_impairment(sed, "none", 1.0), sed, rtol=1e-12)


def test_first_order_filter_constant_input_is_exact():
    t = np.linspace(0, 50, 401)
    y = first_order_filter(np.full((1, t.size), 2.0), t, 7.0, y0=0.5)
    np.testing.assert_allclose(y[0], 2.0 + (0.5 - 2.0) * np.exp(-t / 7.0), rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.5, 100.0), st.floats(-2.0, 2.0), st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_first_order_filter_ramp_is_exact(tau, slope, u0, y0):
    """u = u0 + s t: y = u - tau s + (y0 - u0 + tau s) e^{-t/tau}, on an uneven grid too."""
    t = np.cumsum(np.r_[0.0, np.random.default_rng(1).uniform(0.01, 2.0, 300)])
    u = u0 + slope * t
    y = first_order_filter(u[None], t, tau, y0)[0]
    expected = u - tau * slope + (y0 - u0 + tau * slope) * np.exp(-t / tau)
    np.testing.assert_allclose(y, expected, rtol=1e-9, atol=1e-9)


def test_first_order_filter_vectorised_over_patients():
    t = np.linspace(0, 10, 101)
    u = np.vstack([np.sin(t), np.cos(t)])
    taus = np.array([0.7, 3.0])
    together = first_order_filter(u, t, taus, np.array([0.1, -0.2]))
    for i in range(2):
        alone = first_order_filter(u[i : i + 1], t, taus[i], [0.1, -0.2][i])
        np.testing.assert_allclose(together[i], alone[0], rtol=1e-12)


def test_settings_and_state_defaults():
    assert PDSettings().upper_limb_baseline == 4.0
    assert PDSettings(3.0).upper_limb_baseline == 3.0  # the arms' baseline follows the legs' unless given
    assert PDSettings(3.0, baseline_ashworth_upper_limb=1.5).upper_limb_baseline == 1.5
    z = PDState.zeros(3)
    assert set(z.adapt) == set(PD_SITES) == {"spinal", "cervical", "supraspinal"}
    assert set(z.symptoms) == {"spinal", "supraspinal"}
    assert all(np.all(a == 0) and a.shape == (3,) for pair in z.adapt.values() for a in pair)


def test_pharmacodynamics_continues_exactly_from_its_end_state():
    """Slow PD states carried from one stretch to the next give the same readouts as one long stretch."""
    p = default_params()
    t = np.arange(0.0, 48.0 + 1e-9, 0.25)
    legs = 300 * np.exp(-(((t - 20) / 8) ** 2))[None]
    arms, fast, slow = 0.5 * legs, 0.2 * legs, 0.1 * legs
    whole, _ = pharmacodynamics(t, legs, arms, fast, slow, p)
    k = 97  # t = 24 h
    first, state = pharmacodynamics(
        t[: k + 1], legs[:, : k + 1], arms[:, : k + 1], fast[:, : k + 1], slow[:, : k + 1], p
    )
    second, _ = pharmacodynamics(t[k:], legs[:, k:], arms[:, k:], fast[:, k:], slow[:, k:], p, state=state)
    for name, col in whole.columns().items():
        np.testing.assert_allclose(second.columns()[name][0], col[0, k:], rtol=1e-10, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(first.columns()[name][0], col[0, : k + 1], rtol=1e-10, atol=1e-12, err_msg=name)


# ------------------------------------------------------------------------------------------- behaviour


def run(oral=(), it=(), hours=72.0, prior_days=0.0, **kw):
    return simulate(
        Scenario(duration_h=hours, oral=tuple(oral), intrathecal=tuple(it), prior_therapy_days=prior_days, **kw)
    )


def pdsum(r):
    return r.summary()["pd"]


@st.composite
def regimens(draw):
    oral = tuple(
        OralDoses(draw(st.floats(1.0, 400.0)), draw(st.sampled_from([None, 6.0, 8.0, 12.0])), draw(st.floats(0, 20)))
        for _ in range(draw(st.integers(0, 2)))
    )
    it = tuple(
        draw(
            st.one_of(
                st.builds(ITBolus, st.floats(10.0, 2000.0), st.floats(0.0, 30.0)),
                st.builds(ITContinuous, st.floats(10.0, 5000.0), st.floats(0.0, 10.0), st.sampled_from([None, 20.0])),
            )
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    return oral, it


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    regimens(),
    st.sampled_from([0.0, 3.0, 60.0]),
    st.sampled_from(["T10", "T6", "L2", "C4"]),
    st.floats(0.5, 4.0),
    st.sampled_from(list(COMEDICATIONS)),
)
def test_readouts_stay_within_their_scales(regs, prior_days, tip, baseline, comedication):
    """Whatever the dosing: adaptation stays in [0, 1] (it follows a stimulation in [0, 1]), relief never exceeds
    the baseline score (it removes at most the whole score), the scores stay in 0..baseline, and every index
    stays in 0..1."""
    oral, it = regs
    sc = Scenario(
        duration_h=36,
        output_step_min=15,
        oral=oral,
        intrathecal=it,
        prior_therapy_days=prior_days,
        catheter_tip=tip,
        baseline_ashworth=baseline,
        baseline_ashworth_upper_limb=baseline / 2,
        comedication=comedication,
    )
    tab = simulate(sc).table
    for col in tab.columns:
        if col.startswith(("adaptation_", "stimulation_")):
            assert tab[col].between(0.0, 1.0).all(), col
    for col in ("sedation_index", "respiratory_depression_index", "coordination_impairment_index"):
        assert tab[col].between(0.0, 1.0).all(), col
    assert tab.spasticity_relief_ashworth.between(0.0, baseline + 1e-12).all()
    assert tab.spasticity_relief_upper_limb_ashworth.between(0.0, baseline / 2 + 1e-12).all()
    np.testing.assert_allclose(tab.ashworth_score + tab.spasticity_relief_ashworth, baseline)
    assert (tab.withdrawal_index >= 0).all()


def test_screening_bolus_time_course():
    """50 ug by lumbar puncture: onset within about an hour, peak near 4 h, lasting 4-8 h (McKenna; labels)."""
    tab = run(it=[ITBolus(50)], hours=24, catheter_tip="L3").table
    t, rel = tab.time_h.to_numpy(), tab.spasticity_relief_ashworth.to_numpy()
    assert t[np.argmax(rel >= 0.5)] <= 1.0
    assert 3.0 <= t[rel.argmax()] <= 5.0
    above = t[rel >= 1.0]
    assert 4.0 <= above[-1] - above[0] <= 8.0


@pytest.mark.parametrize("rate", [300, 400, 600, 800])
def test_long_term_intrathecal_relief_is_two_to_three_points(rate):
    """Penn 1989: Ashworth 4.0 -> 1.2 at 3 days and 1.0 +- 0.1 long term on continuous ITB: 2-3.1 points."""
    relief = pdsum(run(it=[ITContinuous(rate)], hours=24, prior_days=90))["relief_mean_last_24h_ashworth"]
    assert 2.0 <= relief <= 3.1


def test_relief_rises_with_a_constant_intrathecal_rate_at_steady_state():
    """At full adaptation (A = S) the net tone S (1 - g_f - g_s S) rises with S as long as g_f + 2 g_s < 1
    (0.40 here), so more drug never means less relief: relief after two years on the pump is non-decreasing in
    the rate, and stays below the 4-point baseline even at rates far above any clinical dose."""
    rates = [10, 25, 50, 100, 200, 400, 800, 1600, 3200, 12800]
    relief = [
        pdsum(run(it=[ITContinuous(r)], hours=24, prior_days=730, output_step_min=30))["relief_mean_last_24h_ashworth"]
        for r in rates
    ]
    assert np.all(np.diff(relief) >= 0), relief
    assert relief[0] < 0.5 < 2.0 < relief[5]
    assert relief[-1] <= 4.0 * (1 - 0.10 - 0.15) + 1e-3  # the plateau S -> 1: 1 - g_f - g_s of the baseline


@pytest.mark.parametrize("mg_per_day", [30, 60, 80])
def test_oral_relief_is_small(mg_per_day):
    """Oral trials: effects close to placebo; well under one Ashworth point (0.3-0.4 at 70-80 mg/day)."""
    relief = pdsum(run(oral=[OralDoses(mg_per_day / 3, 8)], hours=24, prior_days=90))["relief_mean_last_24h_ashworth"]
    assert relief < 0.6


def test_relief_scales_with_baseline_for_legs_and_arms():
    a = run(it=[ITContinuous(400)], hours=24, prior_days=30, baseline_ashworth=4.0).table
    b = run(it=[ITContinuous(400)], hours=24, prior_days=30, baseline_ashworth=2.0).table
    np.testing.assert_allclose(b.spasticity_relief_ashworth, a.spasticity_relief_ashworth / 2, rtol=1e-9)
    np.testing.assert_allclose(b.spasticity_relief_upper_limb_ashworth, a.spasticity_relief_upper_limb_ashworth / 2)
    c = run(it=[ITContinuous(400)], hours=24, prior_days=30, baseline_ashworth=4.0, baseline_ashworth_upper_limb=1.0)
    np.testing.assert_allclose(c.table.spasticity_relief_ashworth, a.spasticity_relief_ashworth, rtol=1e-12)
    np.testing.assert_allclose(
        c.table.spasticity_relief_upper_limb_ashworth, a.spasticity_relief_upper_limb_ashworth / 4, rtol=1e-9
    )


def test_a_higher_tip_treats_the_arms_better_and_the_legs_less():
    """Grabb 1999: tips at T6-T7 improve the arms more than tips at T11-T12.  The legs' cord sits behind T12, the
    arms' behind C5-C6: moving the tip from T11 to T6 at the same rate brings drug nearer the arms and away from
    the legs."""
    low = run(it=[ITContinuous(250)], hours=48, prior_days=60, catheter_tip="T11").table
    high = run(it=[ITContinuous(250)], hours=48, prior_days=60, catheter_tip="T6").table

    def last_day(tab, col):
        return tab[col][tab.time_h >= 24].mean()

    assert last_day(high, "spasticity_relief_upper_limb_ashworth") > last_day(
        low, "spasticity_relief_upper_limb_ashworth"
    )
    assert last_day(high, "spasticity_relief_ashworth") < last_day(low, "spasticity_relief_ashworth")
    assert last_day(high, "csf_cervical_ng_per_ml") > 1.2 * last_day(low, "csf_cervical_ng_per_ml")
    assert last_day(high, "effect_cervical_ng_per_ml") > last_day(low, "effect_cervical_ng_per_ml")


def test_sedation_anchors():
    """Agarwal 2015: no sedation after single 20 mg; US label: drowsiness common at 40-80 mg/day; Leung 2006: coma
    only in overdose (>= 200 mg); Penn 1989: no drowsiness on ITB; labels: a ten-fold pump error sedates.  The pump
    leaves the brain far less exposed than tablets (the drowsiness scene): under a third of the oral peak."""
    single20 = pdsum(run(oral=[OralDoses(20)], hours=24))
    oral60 = pdsum(run(oral=[OralDoses(20, 8)], hours=48, prior_days=30))
    oral80 = pdsum(run(oral=[OralDoses(20, 6)], hours=48, prior_days=30))
    overdose = pdsum(run(oral=[OralDoses(200)], hours=24))
    it400 = pdsum(run(it=[ITContinuous(400)], hours=48, prior_days=30))
    it_error = pdsum(run(it=[ITContinuous(4000)], hours=48))
    assert single20["sedation_peak_stage_name"] == "none"
    assert oral60["sedation_peak_stage_name"] == "drowsy"
    assert oral80["sedation_peak_stage_name"] == "drowsy"
    assert overdose["sedation_peak_stage_name"] == "coma risk"
    assert it400["sedation_peak_stage_name"] == "none"
    assert it_error["sedation_peak_stage"] >= 1
    assert oral60["sedation_peak_index"] > 3 * it400["sedation_peak_index"]


def test_coma_risk_only_in_the_overdose_plasma_range():
    """Coma only with plasma in the intoxication range (700-3300 ng/mL; Leung 2006)."""
    for dose in (40, 60, 100, 200, 400, 2500):
        tab = run(oral=[OralDoses(dose)], hours=48, output_step_min=15).table
        coma = tab.sedation_stage == 4
        if coma.any():
            assert tab.plasma_ng_per_ml[coma].min() >= 700


def test_comedication_acts_by_mechanism():
    """Every co-medication adds CNS depression (Loewe additivity); opioids depress breathing directly, enough for
    a respiratory warning with 60 mg/day (opioid-overdose hazard with baclofen, Li 2020), benzodiazepines less;
    alcohol and sleep medicines impair coordination more than they depress breathing; plasma is unchanged."""
    base_r = run(oral=[OralDoses(20, 8)], hours=48, prior_days=30)
    runs = {
        c: run(oral=[OralDoses(20, 8)], hours=48, prior_days=30, comedication=c) for c in COMEDICATIONS if c != "none"
    }
    base = pdsum(base_r)
    s = {c: pdsum(r) for c, r in runs.items()}
    for c, r in runs.items():
        assert s[c]["sedation_peak_index"] > base["sedation_peak_index"], c
        np.testing.assert_allclose(r.table.plasma_ng_per_ml, base_r.table.plasma_ng_per_ml)
    strong = pdsum(
        run(oral=[OralDoses(20, 8)], hours=48, prior_days=30, comedication="alcohol", comedication_intensity=2.0)
    )
    assert strong["sedation_peak_index"] > s["alcohol"]["sedation_peak_index"]
    resp = {c: r.table.respiratory_depression_index.max() for c, r in runs.items()}
    coord = {c: r.table.coordination_impairment_index.max() for c, r in runs.items()}
    assert s["opioid"]["respiratory_warning"]
    assert not base["respiratory_warning"]
    assert not s["alcohol"]["respiratory_warning"]
    assert resp["opioid"] > resp["benzodiazepine"] > resp["sleep_medicine"] >= resp["alcohol"]
    # usual oral doses alone: breathing below the first stage
    assert base_r.table.respiratory_depression_index.max() < RESPIRATORY_THRESHOLDS[0]
    # alcohol sedates less than the opioid but impairs coordination more (its own effect on balance)
    assert s["alcohol"]["sedation_peak_index"] < s["opioid"]["sedation_peak_index"]
    assert coord["alcohol"] > coord["opioid"]


def test_intrathecal_stop_is_an_emergency_and_restart_reverses_it():
    """Coffey 2002: an abrupt ITB stop brings withdrawal within 12-72 h that becomes 'severe' (a medical emergency);
    it is spinal (rebound spasticity first).  Restarting the pump at 40 h reverses it within a day."""
    stop = run(it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42)
    s = pdsum(stop)
    assert 12 <= s["withdrawal_onset_h"] <= 72
    assert s["withdrawal_peak_stage"] >= SEVERE
    assert s["withdrawal_dominant_site"] == "spinal"
    restart = run(it=[ITContinuous(400, 0, 1), ITContinuous(400, 40)], hours=168, prior_days=42).table
    w = restart.withdrawal_index.to_numpy()
    t = restart.time_h.to_numpy()
    at_restart = w[np.searchsorted(t, 40)]
    assert at_restart >= WITHDRAWAL_THRESHOLDS[MODERATE - 1]
    assert w[np.searchsorted(t, 64)] < at_restart / 2
    assert w[t > 40].max() < s["withdrawal_peak_index"]


@pytest.mark.parametrize("months", [3, 6, 12])
def test_intrathecal_stop_after_months_is_severe_within_12_to_72_h(months):
    """Coffey 2002, Spinal Cord 2009: after months on the pump an abrupt stop reaches 'severe' withdrawal
    (rigidity, fever) within 12-72 h of the stop."""
    tab = run(it=[ITContinuous(400, 0, 1)], hours=120, prior_days=30.4 * months, output_step_min=15).table
    t, stage = tab.time_h.to_numpy(), tab.withdrawal_stage.to_numpy()
    assert stage.max() >= SEVERE
    first_severe = t[np.argmax(stage >= SEVERE)] - 1.0  # hours after the stop at 1 h
    assert 12.0 <= first_severe <= 72.0


def test_oral_stop_is_later_milder_and_supraspinal():
    """D'Aleo 2007, Leo & Baer 2005: after months of tablets an abrupt stop brings hallucinations (brain) within
    about 1-2 days; oral withdrawal is milder than intrathecal (Coffey 2002)."""
    oral = pdsum(run(oral=[OralDoses(20, 8, 0, 1)], hours=168, prior_days=150))
    it = pdsum(run(it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42))
    assert 12 <= oral["withdrawal_onset_h"] <= 48
    assert oral["withdrawal_peak_stage"] >= MODERATE
    assert oral["withdrawal_peak_index"] < it["withdrawal_peak_index"]
    assert oral["withdrawal_peak_stage"] < it["withdrawal_peak_stage"]
    assert oral["withdrawal_dominant_site"] == "supraspinal"


@pytest.mark.parametrize(
    "regimen",
    [
        ITTaper(400, step_percent=20, step_every_days=3),
        ITTaper(400, step_percent=10, step_every_days=2),
        ITTaper(400, step_percent=15, step_every_days=3),
    ],
)
def test_gradual_intrathecal_taper_stays_mild(regimen):
    """Tapering prevents withdrawal (reference sheet, pattern v): the fast counter-regulation (days) undoes itself
    step by step, so after 42 days on 400 ug/day a taper stays at 'mild' at most while the abrupt stop of the same
    therapy reaches 'moderate' or worse."""
    s = pdsum(run(it=[regimen], hours=regimen.duration_h + 24 * 7, prior_days=42))
    abrupt = pdsum(run(it=[ITContinuous(400, 0, 1)], hours=24 * 7, prior_days=42))
    assert s["withdrawal_peak_stage"] <= MILD
    assert abrupt["withdrawal_peak_stage"] >= MODERATE


@pytest.mark.parametrize(
    "regimen",
    [
        OralTaper(20, 8, step_percent=None, step_mg=5, step_every_days=3),  # 60 mg/day off in 12 days
        OralTaper(20, 8, step_percent=20, step_every_days=3),
        OralTaper(20, 6, step_percent=None, step_mg=5, step_every_days=4),  # 80 mg/day off in 16 days
    ],
)
def test_gradual_oral_taper_stays_mild(regimen):
    """The same for tablets: after 150 days on 60-80 mg/day a taper stays at 'mild' at most while the abrupt stop
    reaches 'moderate' (hallucinations)."""
    s = pdsum(run(oral=[regimen], hours=regimen.duration_h + 24 * 7, prior_days=150))
    abrupt = pdsum(run(oral=[OralDoses(regimen.from_mg, regimen.every_h, 0, 1)], hours=24 * 7, prior_days=150))
    assert s["withdrawal_peak_stage"] <= MILD
    assert abrupt["withdrawal_peak_stage"] >= MODERATE


def test_withdrawal_grows_with_dose_and_duration():
    """Severity rises with the dose and the duration of therapy (reference sheet, pattern iii)."""
    by_dose = [
        pdsum(run(it=[ITContinuous(r, 0, 1)], hours=168, prior_days=42))["withdrawal_peak_index"]
        for r in (100, 400, 800)
    ]
    by_oral_dose = [
        pdsum(run(oral=[OralDoses(d, 8, 0, 1)], hours=168, prior_days=150))["withdrawal_peak_index"]
        for d in (10, 20, 25)
    ]
    by_time = [
        pdsum(run(it=[ITContinuous(400, 0, 1)], hours=168, prior_days=days))["withdrawal_peak_index"]
        for days in (2, 7, 30)
    ]
    assert by_dose == sorted(by_dose)
    assert by_dose[0] < by_dose[-1]
    assert by_oral_dose == sorted(by_oral_dose)
    assert by_oral_dose[0] < by_oral_dose[-1]
    assert by_time == sorted(by_time)
    assert by_time[0] < by_time[-1]


def test_low_oral_cover_lessens_an_intrathecal_stop():
    """Oral tablets started when the pump stops bring some drug to the cord: withdrawal is milder than without."""
    alone = pdsum(run(it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42))
    covered = pdsum(run(oral=[OralDoses(10, 8, 1.0)], it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42))
    assert covered["withdrawal_peak_index"] < alone["withdrawal_peak_index"]


def test_oral_replacement_covers_an_intrathecal_stop_only_partly():
    """Reference sheet, pattern (iv): oral replacement only partly covers ITB withdrawal (Mohammed & Hussain 2004:
    oral baclofen 'may not be effective'), because oral dosing puts ~25-35 ng/mL in the CSF against 500+ on the
    pump.  Usual tablets (20 mg three times a day) from the stop on leave withdrawal of at least 'mild'."""
    alone = pdsum(run(it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42))
    covered = pdsum(run(oral=[OralDoses(20, 8, 1.0)], it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42))
    assert covered["withdrawal_peak_index"] < alone["withdrawal_peak_index"]
    assert covered["withdrawal_peak_stage"] >= MILD


# --------------------------------------------------------------------------------------- dose equivalence


def test_equivalence_ratio_in_published_range_and_consistent_with_simulation():
    """Swiss label: IT doses at least ~100 times lower than oral.  The oral dose found at steady state (full
    adaptation) gives the intrathecal relief when simulated after two years (adaptation then complete)."""
    typical = individual_params(Scenario())
    eq = oral_equivalent(typical, 25.0)
    d = eq.as_dict()
    assert d["reachable"]
    assert d["ratio_oral_to_it"] >= 100
    oral = pdsum(run(oral=[OralDoses(d["oral_mg_per_day"] / 3, 8)], hours=24, prior_days=730, output_step_min=30))
    it = pdsum(run(it=[ITContinuous(25.0)], hours=24, prior_days=730, output_step_min=30))
    assert oral["relief_mean_last_24h_ashworth"] == pytest.approx(it["relief_mean_last_24h_ashworth"], rel=0.03)
    assert d["it_relief_ashworth"] == pytest.approx(it["relief_mean_last_24h_ashworth"], rel=0.03)


def test_equivalence_says_when_no_tolerable_oral_dose_matches():
    d = oral_equivalent(individual_params(Scenario()), 400.0).as_dict()
    assert not d["reachable"]
    assert d["oral_mg_per_day"] is None or d["oral_mg_per_day"] > d["ceiling_mg_per_day"]
    assert d["best_tolerable_relief_ashworth"] < d["it_relief_ashworth"]
    assert "no tolerable oral dose" in d["message"] or "no oral dose" in d["message"]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(1e-6, 1e6), min_size=1, max_size=20),
    st.floats(0.3, 4.0),
)
def test_increasing_root_finds_known_roots_of_steep_and_saturating_functions(roots, hill):
    """Roots known in closed form: x^h / (x^h + r^h) = 1/2 at x = r (flat at both ends, as the relief is),
    and x^3 = r^3 (steep), each row in the search's own bracket [0, 2e6]."""
    r = np.array(roots)
    lo, hi = np.zeros_like(r), np.full_like(r, 2e6)

    def saturating(x, rows):
        return x**hill / (x**hill + r[rows] ** hill) - 0.5

    def cubic(x, rows):
        return x**3 - r[rows] ** 3

    all_rows = np.arange(r.size)
    for g in (saturating, cubic):
        x = increasing_root(g, lo, hi, g_lo=g(lo, all_rows), g_hi=g(hi, all_rows))
        np.testing.assert_allclose(x, r, rtol=1e-11)


def test_increasing_root_without_a_sign_change_gives_the_nearer_end():
    lo, hi = np.array([0.0, 0.0, 1.0]), np.array([1.0, 1.0, 2.0])
    x = increasing_root(lambda x, rows: x, lo, hi, g_lo=np.array([-2.0, 1.0, 0.0]), g_hi=np.array([-1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x, [1.0, 0.0, 1.0])


def test_equivalent_oral_dose_is_the_root_scipy_finds():
    """The dose found gives the intrathecal relief (to 1e-10), and is the dose scipy's brentq finds on the
    same steady-state relief (an independent root finder)."""
    from scipy.optimize import brentq

    params = individual_params(Scenario())
    eq = oral_equivalent(params, 40.0)
    prof = unit_profiles(params)

    def gap(dose_mg):
        ce = prof.oral["ce_spinal"] * dose_mg
        return float(steady_relief(params, ce, 4.0)[0] - eq.it_relief_ashworth[0])

    reference = brentq(gap, 0.0, 20000.0, xtol=1e-12, rtol=1e-14)
    assert eq.oral_mg_per_day[0] == pytest.approx(reference, rel=1e-10)
    assert abs(gap(eq.oral_mg_per_day[0])) < 1e-10 * eq.it_relief_ashworth[0]


@settings(max_examples=20, deadline=None)
@given(st.floats(5.0, 1500.0))
def test_equivalence_relief_increases_with_intrathecal_dose(it_ug):
    a = oral_equivalent(default_params(), it_ug)
    b = oral_equivalent(default_params(), it_ug * 1.5)
    assert b.it_relief_ashworth[0] > a.it_relief_ashworth[0]
    if math.isfinite(a.oral_mg_per_day[0]) and math.isfinite(b.oral_mg_per_day[0]):
        assert b.oral_mg_per_day[0] > a.oral_mg_per_day[0]


# ------------------------------------------------------------------------------------ against one big ODE

PKPD_COLUMNS = (
    "plasma_ng_per_ml",
    "csf_lumbar_ng_per_ml",
    "csf_cervical_ng_per_ml",
    "effect_spinal_ng_per_ml",
    "effect_cervical_ng_per_ml",
    "spasticity_relief_ashworth",
    "spasticity_relief_upper_limb_ashworth",
    "sedation_index",
    "respiratory_depression_index",
    "coordination_impairment_index",
    "adaptation_spinal",
    "adaptation_supraspinal",
    "adaptation_spinal_fast",
    "adaptation_spinal_slow",
    "withdrawal_spinal_index",
    "withdrawal_supraspinal_index",
)


@pytest.mark.parametrize(("comedication", "tip"), [("none", "T10"), ("opioid", "T6")])
def test_exact_pk_with_filtered_pd_matches_the_whole_model_as_one_ode(comedication, tip):
    """Engine + PD filters against solve_ivp on all 21 linear states plus the 10 adaptation and symptom states,
    through a start, an intrathecal stop and an oral stop.

    Tolerance 1e-4 of each readout's peak, as in pkmodels.checks: the PK is exact (about 1e-10 here), but the
    filters take the stimulation as linear between the 5-minute grid points while it is a Hill function of an
    exponentially changing concentration, which leaves ~1e-5 in the adaptation and symptom states."""
    s = Scenario(
        duration_h=24 * 12,
        oral=(OralDoses(20, 8, 0, 24 * 7),),
        intrathecal=(ITContinuous(400, 3, 24 * 5),),
        comedication=comedication,
        catheter_tip=tip,
    )
    p, ev = individual_params(s), scenario_events(s)
    exact = simulate_arrays(p, ev, s.duration_h, 5 / 60, settings=s.pd_settings)
    ref = solve_reference_pkpd(p, ev, s.duration_h, 5 / 60, settings=s.pd_settings, rtol=1e-10, atol=1e-12)
    for key in PKPD_COLUMNS:
        scale = np.abs(ref.column(key)).max()
        if scale == 0:  # breathing without an opioid or a benzodiazepine: none in either
            assert key == "respiratory_depression_index"
            assert comedication == "none"
        assert np.abs(exact.column(key) - ref.column(key)).max() <= 1e-4 * scale, key
    for key in ("plasma_ng_per_ml", "csf_lumbar_ng_per_ml", "effect_spinal_ng_per_ml"):
        scale = np.abs(ref.column(key)).max()
        assert np.abs(exact.column(key) - ref.column(key)).max() <= 1e-8 * scale, key  # the PK part is exact


def test_prior_therapy_stretch_carries_the_state_to_time_zero():
    """A run with 10 days of prior therapy equals the last part of a run that simulates those 10 days on the
    output grid (the slow PD states carry over; the coarser prior grid only touches the adaptation, < 1e-3)."""
    regs = [OralDoses(20, 8), ITContinuous(300)]
    p = individual_params(Scenario())
    with_prior = simulate_arrays(p, compile_events(regs, 24.0, prior_h=240.0), 24.0, 0.25, prior_h=240.0)
    shifted = [OralDoses(20, 8, 0.0), ITContinuous(300, 0.0)]
    whole = simulate_arrays(p, compile_events(shifted, 264.0), 264.0, 0.25)
    k = round(240 / 0.25)
    for key in ("plasma_ng_per_ml", "csf_lumbar_ng_per_ml", "effect_spinal_ng_per_ml"):
        np.testing.assert_allclose(with_prior.column(key)[0], whole.column(key)[0, k:], rtol=1e-9, atol=1e-9)
    for key in ("adaptation_spinal", "spasticity_relief_ashworth", "sedation_index"):
        np.testing.assert_allclose(with_prior.column(key)[0], whole.column(key)[0, k:], atol=1e-3)
    # ten days of adaptation are in place at time 0: the fast part (tau 5 days) at 1 - e^{-2} of the stimulation
    stim = with_prior.column("stimulation_spinal")[0, 0]
    assert with_prior.column("adaptation_spinal_fast")[0, 0] == pytest.approx(stim * (1 - math.exp(-2.0)), rel=0.03)
