"""Pharmacodynamics: formulas against hand-computed values, and the behaviour the literature describes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pkmodels import (
    ITBolus,
    ITContinuous,
    ITTaper,
    OralDoses,
    OralTaper,
    Scenario,
    default_params,
    oral_equivalent,
    simulate,
)
from pkmodels.pd import WITHDRAWAL_THRESHOLDS, first_order_filter, hill, stage_of

MODERATE, SEVERE = 2, 3


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


# ------------------------------------------------------------------------------------------- behaviour


def run(oral=(), it=(), hours=72.0, prior_days=0.0, **kw):
    return simulate(
        Scenario(duration_h=hours, oral=tuple(oral), intrathecal=tuple(it), prior_therapy_days=prior_days, **kw)
    )


def pdsum(r):
    return r.summary()["pd"]


def test_screening_bolus_time_course():
    """50 ug bolus: onset within about an hour, peak near 4 h, lasting 4-8 h (McKenna; labels)."""
    tab = run(it=[ITBolus(50)], hours=24).table
    t, rel = tab.time_h.to_numpy(), tab.spasticity_relief_ashworth.to_numpy()
    assert t[np.argmax(rel >= 0.5)] <= 1.0
    assert 3.0 <= t[rel.argmax()] <= 5.0
    above = t[rel >= 1.0]
    assert 4.0 <= above[-1] - above[0] <= 8.0


@pytest.mark.parametrize("rate", [300, 400, 600, 800])
def test_long_term_intrathecal_relief_is_two_to_three_points(rate):
    """Penn 1989: Ashworth 4.0 -> ~1.2 on continuous ITB."""
    relief = pdsum(run(it=[ITContinuous(rate)], hours=24, prior_days=90))["relief_mean_last_24h_ashworth"]
    assert 2.0 <= relief <= 3.0


@pytest.mark.parametrize("mg_per_day", [30, 60, 80])
def test_oral_relief_is_small(mg_per_day):
    """Oral trials: effects close to placebo; well under one Ashworth point."""
    relief = pdsum(run(oral=[OralDoses(mg_per_day / 3, 8)], hours=24, prior_days=90))["relief_mean_last_24h_ashworth"]
    assert relief < 0.5


def test_relief_scales_with_baseline():
    a = pdsum(run(it=[ITContinuous(400)], hours=24, prior_days=30, baseline_ashworth=4.0))
    b = pdsum(run(it=[ITContinuous(400)], hours=24, prior_days=30, baseline_ashworth=2.0))
    assert b["relief_mean_last_24h_ashworth"] == pytest.approx(a["relief_mean_last_24h_ashworth"] / 2, rel=1e-9)


def test_sedation_anchors():
    single20 = pdsum(run(oral=[OralDoses(20)], hours=24))
    oral60 = pdsum(run(oral=[OralDoses(20, 8)], hours=48, prior_days=30))
    oral80 = pdsum(run(oral=[OralDoses(20, 6)], hours=48, prior_days=30))
    overdose = pdsum(run(oral=[OralDoses(200)], hours=24))
    it400 = pdsum(run(it=[ITContinuous(400)], hours=48, prior_days=30))
    it_error = pdsum(run(it=[ITContinuous(4000)], hours=48))
    assert single20["sedation_peak_stage_name"] == "none"  # Agarwal 2015: no sedation <= 20 mg
    assert oral60["sedation_peak_stage_name"] == "drowsy"  # drowsiness common at 40-80 mg/day
    assert oral80["sedation_peak_stage_name"] == "drowsy"
    assert overdose["sedation_peak_stage_name"] == "coma risk"  # Leung 2006: coma only >= 200 mg
    assert it400["sedation_peak_stage_name"] == "none"  # Penn 1989: no drowsiness on ITB
    assert it_error["sedation_peak_stage"] >= 1  # a ten-fold pump error sedates
    assert oral60["sedation_peak_index"] > 10 * it400["sedation_peak_index"]


def test_coma_risk_only_in_the_overdose_plasma_range():
    """Coma only with plasma in the intoxication range (700-3300 ng/mL)."""
    for dose in (40, 60, 100, 200, 400):
        tab = run(oral=[OralDoses(dose)], hours=24).table
        coma = tab.sedation_stage == 4
        if coma.any():
            assert tab.plasma_ng_per_ml[coma].min() >= 700


def test_comedication_adds_depression_and_respiratory_warning():
    base = pdsum(run(oral=[OralDoses(20, 8)], hours=48, prior_days=30))
    opioid = pdsum(run(oral=[OralDoses(20, 8)], hours=48, prior_days=30, comedication="opioid"))
    benzo = pdsum(run(oral=[OralDoses(20, 8)], hours=48, prior_days=30, comedication="benzodiazepine"))
    alcohol = pdsum(run(oral=[OralDoses(20, 8)], hours=48, prior_days=30, comedication="alcohol"))
    strong_alcohol = pdsum(
        run(oral=[OralDoses(20, 8)], hours=48, prior_days=30, comedication="alcohol", comedication_intensity=2.0)
    )
    assert opioid["sedation_peak_index"] > base["sedation_peak_index"]
    assert alcohol["sedation_peak_index"] > base["sedation_peak_index"]
    assert strong_alcohol["sedation_peak_index"] > alcohol["sedation_peak_index"]
    assert opioid["respiratory_warning"]
    assert benzo["respiratory_warning"]
    assert not base["respiratory_warning"]
    assert not alcohol["respiratory_warning"]


def test_intrathecal_stop_is_an_emergency_and_restart_reverses_it():
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


def test_oral_stop_is_later_milder_and_supraspinal():
    oral = pdsum(run(oral=[OralDoses(20, 8, 0, 1)], hours=168, prior_days=150))
    it = pdsum(run(it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42))
    assert 12 <= oral["withdrawal_onset_h"] <= 48  # hallucinations after 18-31 h (D'Aleo 2007)
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
    s = pdsum(run(it=[regimen], hours=regimen.duration_h + 24 * 7, prior_days=42))
    assert s["withdrawal_peak_stage"] <= 1


@pytest.mark.parametrize(
    "regimen",
    [
        OralTaper(20, 8, step_percent=None, step_mg=5, step_every_days=3),  # 60 mg/day off in 12 days
        OralTaper(20, 8, step_percent=20, step_every_days=3),
        OralTaper(20, 6, step_percent=None, step_mg=5, step_every_days=4),  # 80 mg/day off in 16 days
    ],
)
def test_gradual_oral_taper_stays_mild(regimen):
    s = pdsum(run(oral=[regimen], hours=regimen.duration_h + 24 * 7, prior_days=150))
    assert s["withdrawal_peak_stage"] <= 1


def test_withdrawal_grows_with_dose_and_duration():
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


def test_oral_replacement_covers_an_intrathecal_stop_only_partly():
    alone = pdsum(run(it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42))
    covered = pdsum(run(oral=[OralDoses(20, 8, 0)], it=[ITContinuous(400, 0, 1)], hours=168, prior_days=42))
    assert covered["withdrawal_peak_index"] < alone["withdrawal_peak_index"]
    assert covered["withdrawal_peak_stage"] >= MODERATE


# --------------------------------------------------------------------------------------- dose equivalence


def test_equivalence_ratio_in_published_range_and_consistent_with_simulation():
    eq = oral_equivalent(default_params(), 25.0)
    d = eq.as_dict()
    assert d["reachable"]
    assert d["ratio_oral_to_it"] >= 100  # IT doses at least ~100 times lower (Swiss label)
    # Simulate the found oral dose for months: its mean relief matches the intrathecal one.
    oral = pdsum(run(oral=[OralDoses(d["oral_mg_per_day"] / 3, 8)], hours=24, prior_days=90))
    it = pdsum(run(it=[ITContinuous(25.0)], hours=24, prior_days=90))
    assert oral["relief_mean_last_24h_ashworth"] == pytest.approx(it["relief_mean_last_24h_ashworth"], rel=0.03)
    assert d["it_relief_ashworth"] == pytest.approx(it["relief_mean_last_24h_ashworth"], rel=0.03)


def test_equivalence_says_when_no_tolerable_oral_dose_matches():
    d = oral_equivalent(default_params(), 400.0).as_dict()
    assert not d["reachable"]
    assert d["oral_mg_per_day"] > d["ceiling_mg_per_day"]
    assert d["best_tolerable_relief_ashworth"] < d["it_relief_ashworth"]
    assert "no tolerable oral dose" in d["message"]
    assert d["ratio_oral_to_it"] >= 100


@settings(max_examples=20, deadline=None)
@given(st.floats(5.0, 1500.0))
def test_equivalence_relief_increases_with_intrathecal_dose(it_ug):
    a = oral_equivalent(default_params(), it_ug)
    b = oral_equivalent(default_params(), it_ug * 1.5)
    assert b.it_relief_ashworth[0] > a.it_relief_ashworth[0]
    if math.isfinite(a.oral_mg_per_day[0]) and math.isfinite(b.oral_mg_per_day[0]):
        assert b.oral_mg_per_day[0] > a.oral_mg_per_day[0]


@pytest.mark.parametrize("comedication", ["none", "opioid"])
def test_exact_pk_with_filtered_pd_matches_the_whole_model_as_one_ode(comedication):
    """Engine + PD filters (exact for stimulation linear between grid points) against solve_ivp on all 14
    states, through a start, an intrathecal stop and an oral stop."""
    from pkmodels.model import individual_params, scenario_events, simulate_arrays
    from pkmodels.reference import solve_reference_pkpd

    s = Scenario(
        duration_h=24 * 12,
        oral=(OralDoses(20, 8, 0, 24 * 7),),
        intrathecal=(ITContinuous(400, 3, 24 * 5),),
        comedication=comedication,
    )
    p, ev = individual_params(s), scenario_events(s)
    kw = {"comedication": comedication}
    exact = simulate_arrays(p, ev, s.duration_h, 5 / 60, **kw)
    ref = solve_reference_pkpd(p, ev, s.duration_h, 5 / 60, rtol=1e-10, atol=1e-12, **kw)
    for key in (
        "plasma_ng_per_ml",
        "csf_lumbar_ng_per_ml",
        "spasticity_relief_ashworth",
        "sedation_index",
        "adaptation_spinal",
        "adaptation_supraspinal",
        "withdrawal_spinal_index",
        "withdrawal_supraspinal_index",
    ):
        scale = np.abs(ref.column(key)).max()
        assert scale > 0
        assert np.abs(exact.column(key) - ref.column(key)).max() <= 1e-4 * scale, key
