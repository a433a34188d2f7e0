"""The exact engine against analytic solutions, an independent integrator, and conservation of mass."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkmodels.engine import (
    CE_BRAIN,
    CE_SPINAL,
    CRANIAL,
    ELIMINATED,
    LUMBAR,
    MASS_STATES,
    PLASMA,
    rate_matrix,
    solve_linear,
)
from pkmodels.events import Bolus, EventTable, Infusion
from pkmodels.parameters import default_params
from pkmodels.reference import solve_reference

STEP_H = 5.0 / 60.0


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
    # Accumulation: at steady state C(t after dose) follows the closed form with 1/(1 - e^{-k tau}) factors.
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
    # Trough accumulation ratio for a bolus-like profile: Cmin,ss / Cmin,1 -> 1 / (1 - e^{-k tau}) as ka >> k.
    assert last[0] / bateman(np.array([tau]), dose, ka, k, v, f)[0] == pytest.approx(
        1
        / (1 - math.exp(-k * tau))
        * (1 - math.exp(-ka * tau) * math.exp(k * tau))
        / (1 - math.exp(-ka * tau) * math.exp(k * tau)),
        rel=2e-3,
    )


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


def test_effect_sites_follow_constant_drivers_analytically():
    """Hold every driver constant (start at the steady state of a constant infusion): the effect sites then
    rise as C (1 - exp(-ke0 t))."""
    p = default_params()
    a = rate_matrix(p)[0]
    u = np.zeros(8)
    u[LUMBAR] = 400.0 / 24.0
    mass = [0, 1, 2, 3, 4]  # gut..cranial: the eliminated state grows but feeds nothing back
    x0 = np.zeros(8)
    x0[mass] = np.linalg.solve(a[np.ix_(mass, mass)], -u[mass])
    n = int(48 / STEP_H) + 1
    out, _ = solve_linear(a[None], EventTable((), (Infusion(0.0, 100.0, u[LUMBAR], "lumbar"),)), 0.0, STEP_H, n, x0)
    t = STEP_H * np.arange(n)
    c_l = x0[LUMBAR] / (p.v_csf_lumbar_ml / 1000)
    c_drive_brain = p.brain_plasma_ratio * x0[PLASMA] / p.vc_l + p.brain_csf_weight * x0[CRANIAL] / (
        p.v_csf_cranial_ml / 1000
    )
    np.testing.assert_allclose(out[0, :, LUMBAR], x0[LUMBAR], rtol=1e-10)
    np.testing.assert_allclose(out[0, :, CE_SPINAL], c_l * (1 - np.exp(-p.ke0_spinal_per_h * t)), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        out[0, :, CE_BRAIN], c_drive_brain * (1 - np.exp(-p.ke0_brain_per_h * t)), rtol=1e-9, atol=1e-12
    )


# ------------------------------------------------------------------------------ random regimens and parameters


def _params(draw):
    p = default_params()
    scale = {
        name: draw(st.floats(0.3, 3.0))
        for name in (
            "ka_per_h",
            "vc_l",
            "vp_l",
            "q_l_per_h",
            "cl_nonrenal_l_per_h",
            "csf_clearance_ml_per_h",
            "v_csf_lumbar_ml",
            "v_csf_cranial_ml",
            "ke0_spinal_per_h",
            "ke0_brain_per_h",
            "csf_plasma_ratio",
        )
    }
    changes = {k: getattr(p, k) * v for k, v in scale.items()}
    changes["lumbar_cranial_ratio"] = draw(st.floats(1.6, 12.0))
    changes["crcl_ml_per_min"] = draw(st.floats(5.0, 200.0))
    changes["f_oral"] = draw(st.floats(0.2, 1.0))
    return p.replace(**changes)


@st.composite
def problems(draw):
    p = _params(draw)
    duration = draw(st.sampled_from([12.0, 36.0, 96.0]))
    times = st.floats(0.0, duration, allow_nan=False)
    boluses = draw(
        st.lists(st.tuples(times, st.floats(1.0, 5e4), st.sampled_from(["gut", "lumbar", "plasma"])), max_size=6)
    )
    infusions = []
    for start, length, rate in draw(
        st.lists(st.tuples(times, st.floats(0.1, 50.0), st.floats(0.5, 200.0)), max_size=3)
    ):
        infusions.append(Infusion(start, start + length, rate, draw(st.sampled_from(["lumbar", "plasma"]))))
    if not boluses and not infusions:
        boluses = [(0.0, 1000.0, "gut")]
    events = EventTable(tuple(Bolus(t, amt, site) for t, amt, site in boluses), tuple(infusions))
    step = draw(st.sampled_from([5.0 / 60.0, 0.25, 1.0 / 3.0]))
    return p, events, duration, step


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_matches_reference_integrator(problem):
    p, events, duration, step = problem
    n = round(duration / step) + 1
    a = rate_matrix(p)
    exact, _ = solve_linear(a, events, 0.0, step, n)
    ref = solve_reference(a[0], events, 0.0, step, n, method="LSODA", rtol=1e-10, atol_per_peak=1e-14)
    peak = np.abs(ref).max(axis=0)
    mask = np.abs(ref) > 1e-6 * peak
    rel = np.abs(exact[0] - ref)[mask] / np.abs(ref)[mask]
    assert rel.max(initial=0.0) <= 1e-6


@settings(max_examples=60, deadline=None)
@given(problems())
def test_mass_balance_positivity_and_linearity(problem):
    p, events, duration, step = problem
    n = round(duration / step) + 1
    a = rate_matrix(p)
    out, x_end = solve_linear(a, events, 0.0, step, n)
    t = step * np.arange(n)
    dosed = np.array([events.total_dosed_ug(0.0, ti) for ti in t])
    in_body_and_out = out[0, :, MASS_STATES].sum(axis=-1)
    np.testing.assert_allclose(in_body_and_out, dosed, rtol=1e-9, atol=1e-9 * max(dosed.max(), 1.0))
    assert out[0, :, MASS_STATES].min() >= -1e-9 * max(dosed.max(), 1.0)
    assert np.all(np.diff(out[0, :, ELIMINATED]) >= -1e-9 * max(dosed.max(), 1.0))
    doubled, _ = solve_linear(a, events.scaled(2.0), 0.0, step, n)
    np.testing.assert_allclose(doubled, 2 * out, rtol=1e-12, atol=1e-12 * max(dosed.max(), 1.0))
    np.testing.assert_allclose(x_end, out[:, -1])


def test_many_parameter_sets_equal_one_at_a_time():
    rng = np.random.default_rng(3)
    base = default_params()
    n = 7
    p = base.replace(
        ka_per_h=base.ka_per_h * rng.lognormal(0, 0.4, n),
        csf_clearance_ml_per_h=base.csf_clearance_ml_per_h * rng.lognormal(0, 0.5, n),
        vc_l=base.vc_l * rng.lognormal(0, 0.2, n),
    )
    events = EventTable(
        (Bolus(0.3, 20000.0, "gut"), Bolus(7.9, 50.0, "lumbar")), (Infusion(2.2, 30.0, 400 / 24, "lumbar"),)
    )
    n_t = int(36 / STEP_H) + 1
    together, _ = solve_linear(rate_matrix(p), events, 0.0, STEP_H, n_t)
    for i in range(n):
        alone, _ = solve_linear(
            rate_matrix(
                p.as_arrays()
                .replace(
                    **{k: getattr(p.as_arrays(), k)[i : i + 1] for k in ("ka_per_h", "csf_clearance_ml_per_h", "vc_l")}
                )
                .as_arrays()
            ),
            events,
            0.0,
            STEP_H,
            n_t,
        )
        np.testing.assert_allclose(together[i], alone[0], rtol=1e-12, atol=1e-9)


def test_event_times_off_grid_and_block_size_do_not_matter():
    p = default_params()
    events = EventTable(
        (Bolus(1.234567, 20000.0, "gut"), Bolus(5.0, 50.0, "lumbar")), (Infusion(0.01, 11.11, 20.0, "lumbar"),)
    )
    n = int(24 / STEP_H) + 1
    a = rate_matrix(p)
    big, _ = solve_linear(a, events, 0.0, STEP_H, n, block=4096)
    small, _ = solve_linear(a, events, 0.0, STEP_H, n, block=3)
    np.testing.assert_allclose(big, small, rtol=1e-11, atol=1e-11)
    # The grid point at a bolus time includes that bolus (right-continuous).
    k = round(5.0 / STEP_H)
    assert big[0, k, LUMBAR] - big[0, k - 1, LUMBAR] > 45.0
