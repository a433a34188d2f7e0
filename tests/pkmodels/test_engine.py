"""The exact engine (model v2) against analytic solutions, an independent integrator and conservation of mass.

The model: gut, held-back ("retained") gut content, plasma, peripheral tissue, the cranial CSF and a chain of
8 spinal CSF segments (amounts in micrograms), the eliminated drug, and effect sites (concentrations) that
follow their drivers without taking mass away.  Expected values come from closed-form solutions (Bateman,
infusion, biexponential, Erlang delays), from mass balance and from the geometry the model states (61-cm canal,
Gray's regional lengths), never from running the engine and pasting its numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkmodels import Scenario, default_params, individual_params
from pkmodels.engine import (
    CE_ARMS,
    CE_BRAIN,
    CE_BRAIN_SLOW,
    CE_LEGS,
    CORD_ARMS,
    CORD_LEGS,
    CORD_STEPS,
    CRANIAL,
    ELIMINATED,
    GUT,
    MASS_STATES,
    N_STATES,
    OBSERVABLES,
    PERIPHERAL,
    PLASMA,
    RETAINED,
    SITES,
    SPINAL,
    STATES,
    absorbed,
    csf_point_row,
    input_matrix,
    observation_matrix,
    rate_matrix,
    solve_linear,
    state_volumes_l,
)
from pkmodels.events import IT_SITE, Bolus, EventTable, Infusion, compile_events
from pkmodels.neuraxis import (
    ARMS_SITE_CM,
    CANAL_LENGTH_CM,
    CATHETER_LEVELS,
    DEFAULT_TIP,
    LEGS_SITE_CM,
    LEVEL_CM,
    N_SEGMENTS,
    SAMPLING_CM,
    SEGMENT_CENTRES_CM,
    point_weights,
)
from pkmodels.parameters import spec
from pkmodels.pump import tip_profile
from pkmodels.reference import solve_reference
from pkmodels.regimens import ITBolus, ITContinuous, OralDoses

STEP_H = 5.0 / 60.0
SEG_LEN_CM = CANAL_LENGTH_CM / 8  # the model's 8 equal segments, written out


def one_compartment(ka: float = 1.5, cl: float = 8.0, vc: float = 30.0, f: float = 0.8):
    """Parameters that reduce the model to a one-compartment oral model: no peripheral, no CSF entry."""
    return default_params().replace(
        ka_per_h=ka,
        q_l_per_h=0.0,
        cl_nonrenal_l_per_h=cl,
        renal_cl_per_crcl=0.0,
        vc_l=vc,
        f_oral=f,
        csf_plasma_ratio=0.0,
    )


def bateman(t: np.ndarray, dose_ug: float, ka: float, k: float, v: float, f: float) -> np.ndarray:
    t = np.asarray(t)
    c = f * dose_ug * ka / (v * (ka - k)) * (np.exp(-k * t) - np.exp(-ka * t))
    return np.where(t >= 0, c, 0.0)


def plasma(p, states: np.ndarray) -> np.ndarray:
    return states[0, :, PLASMA] / p.vc_l


def steady_state(p, u: np.ndarray) -> np.ndarray:
    """Every state except the eliminated sink at the steady state of a constant input ``u`` (ug/h per state):
    ``A x + u = 0`` solved with numpy (the sink grows for ever and is left at 0)."""
    a = rate_matrix(p)[0]
    keep = [k for k in range(N_STATES) if k != ELIMINATED]
    x = np.zeros(N_STATES)
    x[keep] = np.linalg.solve(a[np.ix_(keep, keep)], -u[keep])
    return x


def csf_volumes_l(p) -> np.ndarray:
    """Volumes (L) of the cranial CSF and the 8 equal spinal segments, written out from the parameters."""
    return np.array([p.v_csf_cranial_ml, *[p.v_csf_spinal_ml / 8] * 8]) / 1000.0


def csf_by_hand(p, x: np.ndarray, x_cm: float) -> float:
    """CSF concentration (ng/mL) at ``x_cm`` from the segment amounts, interpolated linearly between segment
    centres (constant beyond the end centres), each segment holding v_csf_spinal_ml / 8."""
    conc = x[SPINAL] / (p.v_csf_spinal_ml / 8 / 1000.0)
    centres = (np.arange(8) + 0.5) * SEG_LEN_CM
    return float(np.interp(x_cm, centres, conc))


# ----------------------------------------------------------------------------------------- geometry


def test_vertebral_levels_follow_grays_regional_lengths():
    """Cervical 12.5 cm for 7 levels, thoracic 28 cm for 12, lumbar 18 cm for 5; each level at its mid-point."""
    assert LEVEL_CM["C1"] == pytest.approx(12.5 / 7 / 2, abs=0.01)
    assert LEVEL_CM["C7"] == pytest.approx(12.5 - 12.5 / 14, abs=0.01)
    assert LEVEL_CM["T1"] == pytest.approx(12.5 + 28 / 24, abs=0.01)
    assert LEVEL_CM["T12"] == pytest.approx(12.5 + 28 - 28 / 24, abs=0.01)
    assert LEVEL_CM["L5"] == pytest.approx(12.5 + 28 + 18 - 18 / 10, abs=0.01)
    order = list(LEVEL_CM.values())
    assert order == sorted(order)
    assert order[-1] < CANAL_LENGTH_CM == 61.0
    # the catheter tips the scenario accepts run from L4 up to C2, and the default sits at T10 (Heetla 2016)
    assert CATHETER_LEVELS[0] == "L4"
    assert CATHETER_LEVELS[-1] == "C2"
    assert len(CATHETER_LEVELS) == 4 + 12 + 6
    assert DEFAULT_TIP == "T10"
    assert default_params().catheter_tip_cm == pytest.approx(LEVEL_CM["T10"], abs=0.01)


def test_sampling_and_cord_sites_sit_at_their_levels():
    assert SAMPLING_CM["lumbar"] == pytest.approx((LEVEL_CM["L3"] + LEVEL_CM["L4"]) / 2)  # L3-L4 interspace
    assert SAMPLING_CM["thoracic"] == LEVEL_CM["T6"]
    assert SAMPLING_CM["cervical"] == LEVEL_CM["C5"]
    legs, arms = LEGS_SITE_CM, ARMS_SITE_CM
    assert legs == LEVEL_CM["T12"]  # behind the lumbosacral enlargement
    assert arms == pytest.approx((LEVEL_CM["C5"] + LEVEL_CM["C6"]) / 2, abs=0.01)  # behind the cervical one


def test_segments_are_equal_and_the_lowest_three_hold_the_lumbosacral_volume():
    """95 mL over 8 equal segments: T12-S2 (the lowest 3) hold 35.6 mL, the MRI study's 35.8 +/- 10.9 mL."""
    p = default_params()
    vol_ml = state_volumes_l(p)[0, SPINAL] * 1000.0
    np.testing.assert_allclose(vol_ml, 95.0 / 8, rtol=1e-12)
    assert vol_ml[-3:].sum() == pytest.approx(35.8, abs=1.0)
    np.testing.assert_allclose(SEGMENT_CENTRES_CM, (np.arange(8) + 0.5) * SEG_LEN_CM)
    assert N_SEGMENTS == len(SPINAL) == 8
    assert [STATES[k] for k in SPINAL] == [f"csf_spinal_{k}" for k in range(1, 9)]


@given(st.floats(-5.0, 70.0))
def test_point_weights_interpolate_linearly_between_segment_centres(x):
    w = point_weights(x)
    assert w.shape == (8,)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(w >= -1e-12)
    assert np.count_nonzero(w > 1e-12) <= 2
    centres = (np.arange(8) + 0.5) * SEG_LEN_CM
    # the weighted centre is the point itself, clipped to the first and last centre
    assert w @ centres == pytest.approx(min(max(x, centres[0]), centres[-1]), abs=1e-9)


def test_mass_moves_without_loss_and_effect_sites_take_none():
    """Every column of the mass block sums to zero (first-order transfers), and no effect site feeds a mass state."""
    p = individual_params(Scenario(catheter_tip="T4"))
    a = rate_matrix(p)[0]
    mass = list(range(N_STATES))[MASS_STATES]
    assert STATES[mass[0]] == "gut"
    assert STATES[mass[-1]] == "eliminated"
    np.testing.assert_allclose(a[np.ix_(mass, mass)].sum(axis=0), 0.0, atol=1e-12)
    effects = [k for k in range(N_STATES) if k not in mass]
    assert np.all(a[np.ix_(mass, effects)] == 0)
    assert np.all(a[:, ELIMINATED] == 0)  # the sink gives nothing back


def test_input_matrix_puts_each_site_where_it_belongs():
    p = default_params().replace(catheter_tip_cm=float(SEGMENT_CENTRES_CM[2]))
    b = input_matrix(p)[0]
    np.testing.assert_allclose(b.sum(axis=0), 1.0)
    assert b[GUT, SITES.index("gut")] == 1.0
    assert b[RETAINED, SITES.index("retained")] == 1.0
    assert b[PLASMA, SITES.index("plasma")] == 1.0
    assert IT_SITE == "intrathecal"
    it = b[:, SITES.index(IT_SITE)]
    assert it[SPINAL[2]] == pytest.approx(1.0)  # a tip at a segment's centre doses that segment alone
    # a quarter of the way to the next centre: 3/4 and 1/4
    q = default_params().replace(catheter_tip_cm=float(SEGMENT_CENTRES_CM[2] + SEG_LEN_CM / 4))
    it = input_matrix(q)[0][:, SITES.index(IT_SITE)]
    np.testing.assert_allclose(it[SPINAL[2:4]], [0.75, 0.25])
    assert it.sum() == pytest.approx(1.0)


def test_observation_rows_turn_amounts_into_concentrations():
    p = default_params()
    x = np.zeros(N_STATES)
    x[PLASMA] = 21.3 * 100.0  # ug: 100 ng/mL in 21.3 L
    x[CRANIAL] = 7.5  # ug in 75 mL: 100 ng/mL
    x[SPINAL] = 95.0 / 8 / 1000 * np.arange(1.0, 9.0) * 100.0  # segments at 100, 200, ... 800 ng/mL
    x[CE_LEGS], x[CE_ARMS], x[CE_BRAIN], x[CE_BRAIN_SLOW] = 1.0, 2.0, 3.0, 4.0
    h = observation_matrix(p, OBSERVABLES)[0]
    got = dict(zip(OBSERVABLES, h @ x, strict=True))
    assert got["plasma"] == pytest.approx(100.0 * 21.3 / p.vc_l)
    assert got["csf_cranial"] == pytest.approx(100.0)
    for name in ("lumbar", "thoracic", "cervical"):
        assert got[f"csf_{name}"] == pytest.approx(csf_by_hand(p, x, SAMPLING_CM[name]), rel=1e-12)
    assert (got["ce_legs"], got["ce_arms"], got["ce_brain"], got["ce_brain_slow"]) == (1.0, 2.0, 3.0, 4.0)
    assert csf_point_row(p, SEGMENT_CENTRES_CM[4])[0] @ x == pytest.approx(500.0)


# --------------------------------------------------------------------------------------- closed forms


def test_single_oral_dose_is_bateman():
    p = one_compartment()
    n = int(24 / STEP_H) + 1
    out, _ = solve_linear(rate_matrix(p), EventTable((Bolus(0.0, 20000.0, "gut"),)), 0.0, STEP_H, n)
    t = STEP_H * np.arange(n)
    expected = bateman(t, 20000.0, 1.5, 8.0 / 30.0, 30.0, 0.8)
    np.testing.assert_allclose(plasma(p, out), expected, rtol=1e-10, atol=1e-10)


def test_infusion_reaches_rate_over_clearance():
    p = one_compartment(cl=8.0, vc=30.0)
    rate = 100.0  # ug/h into plasma
    n = int(72 / STEP_H) + 1
    out, _ = solve_linear(rate_matrix(p), EventTable((), (Infusion(0.0, 1000.0, rate, "plasma"),)), 0.0, STEP_H, n)
    t = STEP_H * np.arange(n)
    expected = rate / 8.0 * (1 - np.exp(-8.0 / 30.0 * t))
    np.testing.assert_allclose(plasma(p, out), expected, rtol=1e-10, atol=1e-12)
    assert plasma(p, out)[-1] == pytest.approx(rate / 8.0, rel=1e-6)


def test_repeated_doses_superpose_and_accumulate():
    ka, cl, v, f, tau, dose = 1.2, 6.0, 25.0, 0.7, 8.0, 10000.0
    k = cl / v
    p = one_compartment(ka, cl, v, f)
    n_doses = 12
    events = EventTable(tuple(Bolus(tau * i, dose, "gut") for i in range(n_doses)))
    n = int(tau * n_doses / STEP_H) + 1
    out, _ = solve_linear(rate_matrix(p), events, 0.0, STEP_H, n)
    t = STEP_H * np.arange(n)
    expected = sum(bateman(t - tau * i, dose, ka, k, v, f) for i in range(n_doses))
    np.testing.assert_allclose(plasma(p, out), expected, rtol=1e-9, atol=1e-10)
    # At steady state C(t after dose) follows the closed form with 1/(1 - e^{-k tau}) factors.
    t_in = np.arange(0, int(tau / STEP_H)) * STEP_H
    ss = (
        f
        * dose
        * ka
        / (v * (ka - k))
        * (np.exp(-k * t_in) / (1 - np.exp(-k * tau)) - np.exp(-ka * t_in) / (1 - np.exp(-ka * tau)))
    )
    last = plasma(p, out)[int(tau * (n_doses - 1) / STEP_H) :][: len(t_in)]
    np.testing.assert_allclose(last, ss, rtol=2e-4)  # 12 doses: within e^{-k 88 h} of steady state


def test_two_compartment_bolus_is_biexponential():
    p = default_params().replace(csf_plasma_ratio=0.0, renal_cl_per_crcl=0.0, cl_nonrenal_l_per_h=8.0)
    vc, vp, q, cl = p.vc_l, p.vp_l, p.q_l_per_h, 8.0
    k10, k12, k21 = cl / vc, q / vc, q / vp
    s, prod = k10 + k12 + k21, k10 * k21
    alpha = (s + math.sqrt(s * s - 4 * prod)) / 2
    beta = (s - math.sqrt(s * s - 4 * prod)) / 2
    dose = 5000.0
    a_coef = dose / vc * (alpha - k21) / (alpha - beta)
    b_coef = dose / vc * (k21 - beta) / (alpha - beta)
    n = int(24 / STEP_H) + 1
    out, _ = solve_linear(rate_matrix(p), EventTable((Bolus(0.0, dose, "plasma"),)), 0.0, STEP_H, n)
    t = STEP_H * np.arange(n)
    np.testing.assert_allclose(plasma(p, out), a_coef * np.exp(-alpha * t) + b_coef * np.exp(-beta * t), rtol=1e-10)


def test_retained_part_reaches_the_gut_with_its_half_life():
    """Drug put in the held-back site empties into the gut as e^{-ln2 t / t_half} (nothing else feeds it)."""
    p = default_params()
    n = int(48 / STEP_H) + 1
    out, _ = solve_linear(rate_matrix(p), EventTable((Bolus(0.0, 1000.0, "retained"),)), 0.0, STEP_H, n)
    t = STEP_H * np.arange(n)
    np.testing.assert_allclose(out[0, :, RETAINED], 1000.0 * 0.5 ** (t / p.retained_half_life_h), rtol=1e-10)


def test_effect_sites_follow_constant_drivers_analytically():
    """Start at the steady state of a constant intrathecal infusion with empty effect sites: every driver is then
    constant.  The cord sites sit behind CORD_STEPS = 3 equal first-order steps with k = 3 / cord_penetration_h,
    so they rise as an Erlang-3 delay, C (1 - e^{-kt} (1 + kt + (kt)^2 / 2)); the brain parts rise as
    C_b (1 - e^{-k t}) with ke0 (fast) and ln 2 / brain_slow_half_life_h (slow), where C_b is brain_plasma_ratio x
    plasma + brain_csf_weight x cranial CSF."""
    assert CORD_STEPS == 3
    assert len(CORD_LEGS) == len(CORD_ARMS) == 3
    assert CORD_LEGS[-1] == CE_LEGS
    assert CORD_ARMS[-1] == CE_ARMS
    p = individual_params(Scenario(catheter_tip="T8"))
    rate = 400.0 / 24.0
    u = input_matrix(p)[0][:, SITES.index(IT_SITE)] * rate
    x0 = steady_state(p, u)
    effects = [*CORD_LEGS, *CORD_ARMS, CE_BRAIN, CE_BRAIN_SLOW]
    x0[effects] = 0.0
    n = int(48 / STEP_H) + 1
    out, _ = solve_linear(
        rate_matrix(p),
        EventTable((), (Infusion(0.0, 100.0, rate, IT_SITE),)),
        0.0,
        STEP_H,
        n,
        x0,
        inputs=input_matrix(p),
    )
    t = STEP_H * np.arange(n)
    np.testing.assert_allclose(out[0][:, SPINAL], np.broadcast_to(x0[SPINAL], (n, 8)), rtol=1e-9)  # at steady state
    k = 3.0 / p.cord_penetration_h
    erlang3 = 1 - np.exp(-k * t) * (1 + k * t + (k * t) ** 2 / 2)
    for site_cm, state in ((LEGS_SITE_CM, CE_LEGS), (ARMS_SITE_CM, CE_ARMS)):
        c_site = csf_by_hand(p, x0, site_cm)
        np.testing.assert_allclose(out[0, :, state], c_site * erlang3, rtol=1e-8, atol=1e-9 * c_site)
    c_b = p.brain_plasma_ratio * x0[PLASMA] / p.vc_l + p.brain_csf_weight * x0[CRANIAL] / (p.v_csf_cranial_ml / 1000)
    np.testing.assert_allclose(out[0, :, CE_BRAIN], c_b * (1 - np.exp(-p.ke0_brain_per_h * t)), rtol=1e-8, atol=1e-12)
    k_slow = math.log(2) / p.brain_slow_half_life_h
    np.testing.assert_allclose(out[0, :, CE_BRAIN_SLOW], c_b * (1 - np.exp(-k_slow * t)), rtol=1e-8, atol=1e-12)


def test_intrathecal_steady_state_obeys_mass_balance_and_bolus_auc_equals_css_per_rate():
    """At steady state everything given intrathecally leaves through plasma: C_plasma = R / CL_total.  And for a
    linear system the AUC after a bolus D equals D x (steady-state concentration per unit rate) at any place, so
    dose / AUC of the lumbar CSF after a bolus is the apparent clearance rate / Css of an infusion at that tip."""
    p = individual_params(Scenario(catheter_tip="T11"))
    a, b = rate_matrix(p), input_matrix(p)
    rate = 600.0 / 24.0
    x_ss = steady_state(p, b[0][:, SITES.index(IT_SITE)] * rate)
    assert x_ss[PLASMA] / p.vc_l == pytest.approx(rate / p.cl_total_l_per_h, rel=1e-9)
    lumbar_ss = csf_by_hand(p, x_ss, SAMPLING_CM["lumbar"])
    step, hours = 2.0 / 60.0, 96.0
    n = round(hours / step) + 1
    obs = observation_matrix(p, ("csf_lumbar", "csf_cranial"))
    out, _ = solve_linear(a, EventTable((Bolus(0.0, 50.0, IT_SITE),)), 0.0, step, n, inputs=b, observe=obs)
    t = step * np.arange(n)
    auc = np.trapezoid(out[0, :, 0], t)  # ng h / mL; the CSF is cleared within hours, so 96 h captures it all
    assert 50.0 / auc == pytest.approx(rate / lumbar_ss, rel=2e-3)  # trapezoid error of the first minutes


# ----------------------------------------------------------------------------------- steady states


def test_without_intrathecal_drug_every_csf_compartment_is_plasma_times_the_ratio():
    """Swiss label: CSF 8.5 times lower than plasma at oral steady state.  The model sets the entry clearances so
    that every CSF compartment (cranial and all 8 segments) settles at csf_plasma_ratio x plasma, whatever the
    mixing; checked at the steady state of a constant input into the gut, solved two ways."""
    p = default_params().replace(csf_dispersion_cm2_per_h=40.0, catheter_tip_cm=LEVEL_CM["L2"])
    u = np.zeros(N_STATES)
    u[GUT] = 60_000.0 / 24.0  # 60 mg/day, ug/h
    x = steady_state(p, u)
    c_plasma = x[PLASMA] / p.vc_l
    np.testing.assert_allclose(x[[CRANIAL, *SPINAL]] / csf_volumes_l(p), p.csf_plasma_ratio * c_plasma, rtol=1e-9)
    assert c_plasma == pytest.approx(p.f_oral * 60_000 / 24 / p.cl_total_l_per_h, rel=1e-9)  # F x rate / CL
    # the same with the engine: a constant gut input for 20 days (the slowest CSF exchange half-life is hours)
    n = 20 * 24 + 1
    out, _ = solve_linear(rate_matrix(p), EventTable((), (Infusion(0.0, 1e6, u[GUT], "gut"),)), 0.0, 1.0, n)
    np.testing.assert_allclose(
        out[0, -1, [CRANIAL, *SPINAL]] / csf_volumes_l(p), p.csf_plasma_ratio * c_plasma, rtol=1e-6
    )


@settings(max_examples=25, deadline=None)
@given(
    tip_cm=st.one_of(st.sampled_from([LEVEL_CM[k] for k in CATHETER_LEVELS]), st.floats(0.0, CANAL_LENGTH_CM)),
    rate=st.floats(10.0, 2000.0),
    dispersion=st.floats(spec("csf_dispersion_cm2_per_h").lower, 2000.0),
    spinal_cl=st.floats(1.0, 150.0),
)
def test_steady_csf_falls_with_distance_from_the_tip_on_both_sides(tip_cm, rate, dispersion, spinal_cl):
    """Every segment loses drug (to blood, and at the top to the cranial CSF) and exchanges only with its
    neighbours, so at steady state the intrathecal excess falls away from the segments that receive the dose
    (discrete maximum principle).  On the interpolated profile of pump.tip_profile: going up from the centre of
    the upper dosed segment, and going down from the centre of the lower one, the concentration never rises.
    (Between those two centres the profile is the straight interpolation; near the closed lower end of the sac
    the lower dosed segment can be the fuller one, so the maximum need not sit exactly at the tip.)"""
    p = default_params().replace(
        catheter_tip_cm=tip_cm, csf_dispersion_cm2_per_h=dispersion, csf_spinal_clearance_ml_per_h=spinal_cl
    )
    prof = tip_profile(p, rate, step_cm=SEG_LEN_CM / 20)  # every segment centre is a point of the profile
    x, c = prof["x_cm"].to_numpy(), prof["csf_ng_per_ml"].to_numpy()
    centres = (np.arange(8) + 0.5) * SEG_LEN_CM
    np.testing.assert_allclose(x[10::20], centres, atol=1e-9)
    seg = c[10::20]
    clipped = min(max(tip_cm, centres[0]), centres[-1])
    i_up = int(np.flatnonzero(centres <= clipped + 1e-9).max())  # the two dosed segments (one at a centre or end)
    i_lo = int(np.flatnonzero(centres >= clipped - 1e-9).min())
    tol = 1e-9 * c.max()
    assert np.all(np.diff(c[: 10 + 20 * i_up + 1]) >= -tol)  # rising towards the tip from the head end
    assert np.all(np.diff(c[10 + 20 * i_lo :]) <= tol)  # falling from the tip towards the sacrum
    assert c.max() <= max(seg[i_up], seg[i_lo]) + tol
    # strictly: each segment centre beyond the dosed pair holds less than its neighbour nearer the tip
    assert np.all(np.diff(seg[: i_up + 1]) > 0)
    assert np.all(np.diff(seg[i_lo:]) < 0)


def test_fast_mixing_makes_the_csf_one_well_mixed_pool():
    """With dispersion far above the clearances the cranial CSF and the 8 segments become one pool of 170 mL
    cleared by the bulk flow plus the spinal clearance: C = R / (CL_bulk + CL_spinal) + ratio x C_plasma.

    At the spec's upper bound (5000 cm2/h, set through a scenario override) a gradient of order flux / exchange
    flow (~8 %) remains, because the bulk flow drains the top; beyond the bound (parameters set directly) the
    deviation falls like 1 / dispersion."""
    rate = 400.0

    def deviation(p) -> np.ndarray:
        r_ug_h = rate / 24.0
        x = steady_state(p, input_matrix(p)[0][:, SITES.index(IT_SITE)] * r_ug_h)
        c = x[[CRANIAL, *SPINAL]] / csf_volumes_l(p)
        c_plasma = x[PLASMA] / p.vc_l
        mixed = r_ug_h / ((p.csf_bulk_flow_ml_per_h + p.csf_spinal_clearance_ml_per_h) / 1000) + (
            p.csf_plasma_ratio * c_plasma
        )
        return np.abs(c / mixed - 1.0)

    typical = individual_params(Scenario())
    top = individual_params(Scenario(parameters=(("csf_dispersion_cm2_per_h", 5000.0),)))
    assert top.csf_dispersion_cm2_per_h == spec("csf_dispersion_cm2_per_h").upper
    assert deviation(typical).max() > 1.0  # the typical canal is far from mixed: segments span > 3-fold
    assert deviation(top).max() < 0.10
    devs = [deviation(top.replace(csf_dispersion_cm2_per_h=d)).max() for d in (5e3, 5e4, 5e5)]
    assert devs[1] < devs[0] / 8
    assert devs[2] < devs[1] / 8
    assert devs[2] < 1e-3


# ------------------------------------------------------------------------ random regimens and parameters

_SCALED = (
    "ka_per_h",
    "vc_l",
    "vp_l",
    "q_l_per_h",
    "cl_nonrenal_l_per_h",
    "v_csf_spinal_ml",
    "v_csf_cranial_ml",
    "csf_bulk_flow_ml_per_h",
    "csf_dispersion_cm2_per_h",
    "csf_spinal_clearance_ml_per_h",
    "csf_plasma_ratio",
    "cord_penetration_h",
    "ke0_brain_per_h",
    "brain_slow_half_life_h",
    "retained_half_life_h",
    "brain_plasma_ratio",
    "brain_csf_weight",
)


def _params(draw):
    p = default_params()
    changes = {}
    for name in _SCALED:
        s = spec(name)
        changes[name] = float(np.clip(getattr(p, name) * draw(st.floats(0.3, 3.0)), s.lower, s.upper))
    changes["crcl_ml_per_min"] = draw(st.floats(5.0, 200.0))
    changes["f_oral"] = draw(st.floats(0.2, 1.0))
    changes["catheter_tip_cm"] = draw(
        st.one_of(st.sampled_from([LEVEL_CM[k] for k in CATHETER_LEVELS]), st.floats(0.0, CANAL_LENGTH_CM))
    )
    changes["absorption_capacity_mg"] = draw(st.sampled_from([200.0, 5.0]))  # 5 mg: many doses are split
    return p.replace(**changes)


@st.composite
def problems(draw):
    p = _params(draw)
    duration = draw(st.sampled_from([12.0, 36.0, 96.0]))
    times = st.floats(0.0, duration, allow_nan=False)
    boluses = draw(
        st.lists(st.tuples(times, st.floats(1.0, 5e4), st.sampled_from(["gut", IT_SITE, "plasma"])), max_size=6)
    )
    infusions = []
    for start, length, rate in draw(
        st.lists(st.tuples(times, st.floats(0.1, 50.0), st.floats(0.5, 200.0)), max_size=3)
    ):
        infusions.append(Infusion(start, start + length, rate, draw(st.sampled_from([IT_SITE, "plasma", "gut"]))))
    if not boluses and not infusions:
        boluses = [(0.0, 1000.0, "gut")]
    events = EventTable(tuple(Bolus(t, amt, site) for t, amt, site in boluses), tuple(infusions))
    step = draw(st.sampled_from([5.0 / 60.0, 0.25, 1.0 / 3.0]))
    return p, events, duration, step


@settings(max_examples=40, deadline=None)
@given(problems())
def test_mass_balance_positivity_and_linearity(problem):
    """Drug in every mass state plus the eliminated drug equals the drug given so far, nothing goes negative, the
    eliminated drug never decreases, and doubling every dose doubles every state."""
    p, events, duration, step = problem
    events = absorbed(events, p)
    n = round(duration / step) + 1
    a, b = rate_matrix(p), input_matrix(p)
    out, x_end = solve_linear(a, events, 0.0, step, n, inputs=b)
    t = step * np.arange(n)
    dosed = np.array([events.total_dosed_ug(0.0, ti) for ti in t])
    scale = max(dosed.max(), 1.0)
    np.testing.assert_allclose(out[0, :, MASS_STATES].sum(axis=-1), dosed, rtol=1e-9, atol=1e-9 * scale)
    assert out[0].min() >= -1e-9 * scale  # amounts and effect-site concentrations alike
    assert np.all(np.diff(out[0, :, ELIMINATED]) >= -1e-9 * scale)
    doubled, _ = solve_linear(a, events.scaled(2.0), 0.0, step, n, inputs=b)
    np.testing.assert_allclose(doubled, 2 * out, rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(x_end, out[:, -1])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from([0.0, 24.0, 72.0]), st.floats(5.0, 30.0), st.floats(50.0, 800.0))
def test_matches_reference_integrator_with_prior_therapy(problem, prior_h, oral_mg, it_ug_per_day):
    """The exact solution against LSODA (rtol 1e-10, absolute tolerance 1e-14 of each state's peak) on every
    state, with therapy (oral every 8 h and a pump) running from ``-prior_h`` on top of the random events."""
    p, events, duration, step = problem
    prior = compile_events([OralDoses(oral_mg, 8.0), ITContinuous(it_ug_per_day)], duration, prior_h=prior_h)
    events = absorbed(events + prior, p)
    n_prior = round(prior_h / step)
    n = n_prior + round(duration / step) + 1
    a, b = rate_matrix(p), input_matrix(p)
    t0 = -n_prior * step
    exact, _ = solve_linear(a, events, t0, step, n, inputs=b)
    ref = solve_reference(a[0], events, t0, step, n, inputs=b[0], method="LSODA", rtol=1e-10, atol_per_peak=1e-14)
    peak = np.abs(ref).max(axis=0)
    mask = np.abs(ref) > 1e-6 * peak
    rel = np.abs(exact[0] - ref)[mask] / np.abs(ref)[mask]
    assert rel.max(initial=0.0) <= 1e-6


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-48.0, 96.0), st.floats(1.0, 3e6), st.sampled_from(["gut", IT_SITE, "plasma"])),
        max_size=8,
    ),
    st.floats(1.0, 2000.0),
)
def test_absorbed_is_idempotent_and_conserves_every_dose(boluses, capacity_mg):
    """The split keeps each oral dose's time and total, puts at most the capacity into the gut, the rest into the
    retained site, leaves other sites alone, and splitting twice changes nothing."""
    p = default_params().replace(absorption_capacity_mg=capacity_mg)
    infusion = Infusion(0.0, 10.0, 5.0, IT_SITE)
    events = EventTable(tuple(Bolus(t, amt, site) for t, amt, site in boluses), (infusion,))
    once = absorbed(events, p)
    assert absorbed(once, p) == once
    assert once.infusions == events.infusions
    cap = capacity_mg * 1000.0
    for site in (IT_SITE, "plasma"):
        assert once.total_dosed_ug(-48.0, 96.0, site) == pytest.approx(events.total_dosed_ug(-48.0, 96.0, site))
    held = once.total_dosed_ug(-48.0, 96.0, "retained")
    assert once.total_dosed_ug(-48.0, 96.0, "gut") + held == pytest.approx(events.total_dosed_ug(-48.0, 96.0, "gut"))
    assert held == pytest.approx(sum(max(b.amount_ug - cap, 0.0) for b in events.boluses if b.site == "gut"))
    assert all(b.amount_ug <= cap * (1 + 1e-12) for b in once.boluses if b.site == "gut")
    assert {(b.time_h, b.site) for b in once.boluses if b.site == "retained"} <= {
        (b.time_h, "retained") for b in events.boluses if b.site == "gut"
    }
    # a capacity above every dose (3 g here) changes nothing
    assert absorbed(events, p.replace(absorption_capacity_mg=1e4)) == events


def test_oral_plasma_is_linear_in_dose_below_the_capacity_and_sub_linear_above():
    """Up to absorption_capacity_mg (200 mg) a dose is taken up as usual: plasma is proportional to the dose.
    Beyond it the excess is held back and reaches the gut with a 20-h half-life, so the peak rises less than in
    proportion, and the curve is linear in the excess (cap + excess x held-back response)."""
    p = default_params()
    cap = p.absorption_capacity_mg
    assert cap == 200.0
    step = 10.0 / 60.0
    n = round(96 / step) + 1
    obs = observation_matrix(p, ("plasma",))

    def curve(dose_mg: float) -> np.ndarray:
        ev = absorbed(EventTable((Bolus(0.0, dose_mg * 1000.0, "gut"),)), p)
        return solve_linear(rate_matrix(p), ev, 0.0, step, n, inputs=input_matrix(p), observe=obs)[0][0, :, 0]

    c50, c100, c200, c400, c800 = (curve(d) for d in (50, 100, 200, 400, 800))
    np.testing.assert_allclose(c100, 2 * c50, rtol=1e-12)
    np.testing.assert_allclose(c200, 4 * c50, rtol=1e-12)
    assert c400.max() < 1.5 * c200.max()  # far below the proportional 2x
    assert c800.max() < 2.5 * c200.max()
    # piecewise linear: c(800) - c(200) = 3 (c(400) - c(200))
    np.testing.assert_allclose(c800 - c200, 3 * (c400 - c200), rtol=1e-9, atol=1e-9 * c800.max())
    # and the held-back part makes the tail longer: plasma at 48 h relative to its peak is higher
    i48 = round(48 / step)
    assert c800[i48] / c800.max() > 5 * c200[i48] / c200.max()


def test_many_parameter_sets_equal_one_at_a_time():
    rng = np.random.default_rng(3)
    base = default_params()
    n = 7
    varied = {
        "ka_per_h": base.ka_per_h * rng.lognormal(0, 0.4, n),
        "csf_spinal_clearance_ml_per_h": base.csf_spinal_clearance_ml_per_h * rng.lognormal(0, 0.5, n),
        "csf_dispersion_cm2_per_h": base.csf_dispersion_cm2_per_h * rng.lognormal(0, 0.4, n),
        "vc_l": base.vc_l * rng.lognormal(0, 0.2, n),
        "catheter_tip_cm": rng.uniform(5.0, 55.0, n),
    }
    p = base.replace(**varied)
    events = EventTable(
        (Bolus(0.3, 20000.0, "gut"), Bolus(7.9, 50.0, IT_SITE)), (Infusion(2.2, 30.0, 400 / 24, IT_SITE),)
    )
    n_t = int(36 / STEP_H) + 1
    together, _ = solve_linear(rate_matrix(p), events, 0.0, STEP_H, n_t, inputs=input_matrix(p))
    for i in range(n):
        one = base.replace(**{k: float(v[i]) for k, v in varied.items()})
        alone, _ = solve_linear(rate_matrix(one), events, 0.0, STEP_H, n_t, inputs=input_matrix(one))
        np.testing.assert_allclose(together[i], alone[0], rtol=1e-12, atol=1e-9)


def test_event_times_off_grid_and_block_size_do_not_matter():
    p = default_params()
    events = EventTable(
        (Bolus(1.234567, 20000.0, "gut"), Bolus(5.0, 50.0, IT_SITE)), (Infusion(0.01, 11.11, 20.0, IT_SITE),)
    )
    n = int(24 / STEP_H) + 1
    a = rate_matrix(p)
    big, _ = solve_linear(a, events, 0.0, STEP_H, n, block=4096)
    small, _ = solve_linear(a, events, 0.0, STEP_H, n, block=3)
    np.testing.assert_allclose(big, small, rtol=1e-11, atol=1e-11)
    # The grid point at a bolus time includes that bolus (right-continuous), in the segments around T10.
    k = round(5.0 / STEP_H)
    assert big[0, k, SPINAL].sum() - big[0, k - 1, SPINAL].sum() > 45.0


def test_default_inputs_are_the_typical_tip():
    p = default_params()
    events = EventTable((Bolus(0.0, 50.0, IT_SITE),), ())
    n = 13
    implicit, _ = solve_linear(rate_matrix(p), events, 0.0, STEP_H, n)
    explicit, _ = solve_linear(rate_matrix(p), events, 0.0, STEP_H, n, inputs=input_matrix(p))
    np.testing.assert_array_equal(implicit, explicit)
    t10 = point_weights(LEVEL_CM["T10"])
    np.testing.assert_allclose(implicit[0, 0, SPINAL], 50.0 * t10)
    assert implicit[0, 0, PERIPHERAL] == 0.0


def test_observe_by_indices_and_matrix_agree_with_all_states():
    p = default_params()
    ev = compile_events([OralDoses(20, 8), ITBolus(50, 3.0), ITContinuous(300, 1.0)], 24)
    n = round(24 / STEP_H) + 1
    a = rate_matrix(p)
    every, _ = solve_linear(a, ev, 0.0, STEP_H, n)
    some, _ = solve_linear(a, ev, 0.0, STEP_H, n, observe=[PLASMA, CE_LEGS])
    np.testing.assert_allclose(some[0], every[0][:, [PLASMA, CE_LEGS]], rtol=1e-12, atol=1e-12)
    h = observation_matrix(p, ("plasma", "csf_lumbar"))
    conc, _ = solve_linear(a, ev, 0.0, STEP_H, n, observe=h)
    np.testing.assert_allclose(conc[0], every[0] @ h[0].T, rtol=1e-10, atol=1e-12)
