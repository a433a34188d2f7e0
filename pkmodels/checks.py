"""Checks of the exact engine: closed-form solutions, an independent ODE integrator and mass balance.

:func:`analytic_checks` compares the exact engine with closed-form solutions (Bateman, constant infusion),
with ``scipy.integrate.solve_ivp`` (PK alone, and the whole PK-PD model as one ODE system) and checks mass
balance, on a 3-day scenario with both routes.  The Model & validation page runs them live.

Pure functions of pkmodels objects: no Streamlit, no Plotly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import columns as col
from .engine import MASS_STATES, N_STATES, PLASMA, input_matrix, rate_matrix, solve_linear
from .events import Bolus, EventTable, Infusion
from .model import individual_params, scenario_events, simulate_arrays
from .parameters import ModelParams, default_params
from .reference import solve_reference, solve_reference_pkpd
from .regimens import ITBolus, ITContinuous, OralDoses
from .scenario import Scenario

__all__ = ["CHECK_SCENARIO", "analytic_checks", "max_relative_error"]

# The 3-day scenario of the analytic checks: both routes, a bolus on top of the pump, a pump stop.
CHECK_SCENARIO = Scenario(
    duration_h=72,
    oral=(OralDoses(20, 8),),
    intrathecal=(ITContinuous(400, 6, 60), ITBolus(50, 30)),
    title="Check: oral 20 mg every 8 h + intrathecal 400 ug/day (6-60 h) + 50 ug bolus at 30 h",
)


def max_relative_error(approx: np.ndarray, exact: np.ndarray, floor: float = 1e-6) -> float:
    """Largest |approx - exact| / |exact| over the points where |exact| exceeds ``floor`` x its peak (per
    column for 2-D arrays, so near-zero values do not dominate)."""
    approx, exact = np.asarray(approx, dtype=float), np.asarray(exact, dtype=float)
    peak = np.abs(exact).max(axis=0)
    mask = np.abs(exact) > floor * peak
    if not mask.any():
        return 0.0
    return float((np.abs(approx - exact)[mask] / np.abs(exact)[mask]).max())


_STEP_H = 5.0 / 60.0


def _one_compartment(ka: float, cl: float, vc: float, f: float) -> ModelParams:
    """Parameters that reduce the model to one compartment: no peripheral, no CSF entry."""
    return default_params().replace(
        ka_per_h=ka,
        q_l_per_h=0.0,
        cl_nonrenal_l_per_h=cl,
        renal_cl_per_crcl=0.0,
        vc_l=vc,
        f_oral=f,
        csf_plasma_ratio=0.0,
    )


def _bateman_error() -> float:
    ka, cl, vc, f, dose = 1.5, 8.0, 30.0, 0.8, 20000.0
    p = _one_compartment(ka, cl, vc, f)
    n = round(24 / _STEP_H) + 1
    out, _ = solve_linear(rate_matrix(p), EventTable((Bolus(0.0, dose, "gut"),)), 0.0, _STEP_H, n)
    t = _STEP_H * np.arange(n)
    k = cl / vc
    exact = f * dose * ka / (vc * (ka - k)) * (np.exp(-k * t) - np.exp(-ka * t))
    return max_relative_error(out[0, :, PLASMA] / vc, exact)


def _infusion_error() -> float:
    cl, vc, rate = 8.0, 30.0, 100.0
    p = _one_compartment(1.5, cl, vc, 0.8)
    n = round(72 / _STEP_H) + 1
    events = EventTable((), (Infusion(0.0, 1000.0, rate, "plasma"),))
    out, _ = solve_linear(rate_matrix(p), events, 0.0, _STEP_H, n)
    t = _STEP_H * np.arange(n)
    exact = rate / cl * (1 - np.exp(-cl / vc * t))
    return max_relative_error(out[0, :, PLASMA] / vc, exact)


def _check_setup(scenario: Scenario) -> tuple[Any, EventTable, int]:
    return individual_params(scenario), scenario_events(scenario), round(scenario.duration_h / scenario.step_h) + 1


def _pk_reference_error(scenario: Scenario) -> float:
    p, events, n = _check_setup(scenario)
    a, b = rate_matrix(p), input_matrix(p)
    exact, _ = solve_linear(a, events, 0.0, scenario.step_h, n, inputs=b)
    ref = solve_reference(a[0], events, 0.0, scenario.step_h, n, inputs=b[0], rtol=1e-10, atol_per_peak=1e-14)
    return max_relative_error(exact[0], ref)


PKPD_KEYS = (
    col.PLASMA,
    col.CSF_LUMBAR,
    col.RELIEF,
    col.SEDATION,
    col.ADAPTATION["spinal"],
    col.ADAPTATION["supraspinal"],
    col.WITHDRAWAL_SITE["spinal"],
    col.WITHDRAWAL_SITE["supraspinal"],
)


def _pkpd_reference_error(scenario: Scenario) -> float:
    """Largest difference relative to each readout's peak (readouts cross zero, so not point-wise)."""
    p, events, _ = _check_setup(scenario)
    exact = simulate_arrays(p, events, scenario.duration_h, scenario.step_h, settings=scenario.pd_settings)
    ref = solve_reference_pkpd(
        p, events, scenario.duration_h, scenario.step_h, settings=scenario.pd_settings, rtol=1e-10, atol=1e-12
    )
    pairs = [(exact.column(k), ref.column(k)) for k in PKPD_KEYS]
    errors = [np.abs(e - r).max() / np.abs(r).max() for e, r in pairs if np.abs(r).max() > 0]
    return float(max(errors))


def _mass_balance_error(scenario: Scenario) -> float:
    p, events, n = _check_setup(scenario)
    out, _ = solve_linear(rate_matrix(p), events, 0.0, scenario.step_h, n, inputs=input_matrix(p))
    t = scenario.step_h * np.arange(n)
    dosed = np.array([events.total_dosed_ug(0.0, ti) for ti in t])
    return float(np.abs(out[0, :, MASS_STATES].sum(axis=-1) - dosed).max() / dosed.max())


def analytic_checks(scenario: Scenario = CHECK_SCENARIO) -> list[dict[str, Any]]:
    """The exact engine against closed forms, solve_ivp and mass balance; one row per check."""
    checks = [
        (
            "Bateman (oral)",
            "Engine reduced to one compartment vs the closed-form Bateman curve (20 mg, 24 h)",
            "max relative error",
            _bateman_error(),
            1e-9,
        ),
        (
            "Constant infusion",
            "Engine reduced to one compartment vs R/CL (1 - e^(-CL t / V)) over 72 h",
            "max relative error",
            _infusion_error(),
            1e-9,
        ),
        (
            "PK vs solve_ivp",
            f"All {N_STATES} states of the 3-day scenario vs LSODA at rtol 1e-10",
            "max relative error",
            _pk_reference_error(scenario),
            1e-6,
        ),
        (
            "PK-PD vs solve_ivp",
            "Relief, sedation, adaptation and withdrawal of the 3-day scenario vs the whole model "
            f"as one {N_STATES + 10}-state ODE (LSODA, rtol 1e-10)",
            "max error ÷ peak",
            _pkpd_reference_error(scenario),
            1e-4,
        ),
        (
            "Mass balance",
            "Drug in the body + eliminated vs drug given, every 5 minutes of the 3-day scenario",
            "max error ÷ total dose",
            _mass_balance_error(scenario),
            1e-9,
        ),
    ]
    return [
        {
            "check": name,
            "compares": what,
            "measure": measure,
            "error": err,
            "tolerance": tol,
            "passed": bool(err <= tol),
        }
        for name, what, measure, err, tol in checks
    ]
