"""Reference solution with a general ODE integrator (``scipy.integrate.solve_ivp``).

Used by the tests, the benchmarks and the live checks on the Model & validation page
(:mod:`pkmodels.validation`) to check :func:`pkmodels.engine.solve_linear` against an independent method;
never in the simulation path.  The integrator restarts at every event (bolus jump or rate change), so
its accuracy is set by ``rtol``/``atol`` alone.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.integrate import solve_ivp

from .engine import CE_BRAIN, CE_SPINAL, N_STATES, breakpoints, concentrations_ng_per_ml, input_vector, rate_matrix
from .events import EVENT_TOL_H, EventTable
from .model import OBSERVED, SimulationArrays
from .parameters import ModelParams
from .pd import PDSettings, readouts, stimulation, withdrawal_drive

__all__ = ["solve_reference", "solve_reference_pkpd"]


def solve_reference(
    a: np.ndarray,
    events: EventTable,
    t_start_h: float,
    step_h: float,
    n_times: int,
    x0: np.ndarray | None = None,
    *,
    method: str = "LSODA",
    rtol: float = 1e-10,
    atol: float | np.ndarray = 1e-12,
    atol_per_peak: float | None = None,
) -> np.ndarray:
    """Same contract as :func:`~pkmodels.engine.solve_linear` for a single patient (``a`` is 8x8).

    ``atol_per_peak`` sets each state's absolute tolerance to that multiple of the state's peak (found by a
    first, loose pass of the same integrator): an absolute tolerance in micrograms or ng/mL means nothing for a
    state whose values are a millionth of another's (a 1 ug bolus, an effect site), and a fixed one let the
    integrator's own error on such a state's tail pass 1e-6 of its value.
    """
    if atol_per_peak is not None:
        loose = solve_reference(a, events, t_start_h, step_h, n_times, x0, method=method, rtol=1e-6, atol=1e-12)
        atol = np.maximum(atol_per_peak * np.abs(loose).max(axis=0), 1e-300)
    times = t_start_h + step_h * np.arange(n_times)
    t_end = float(times[-1])
    out = np.empty((n_times, N_STATES))
    x = np.zeros(N_STATES) if x0 is None else np.asarray(x0, dtype=float).copy()
    cuts, jumps = breakpoints(events, t_start_h, t_end)
    k = 0
    for seg, (t0, t1) in enumerate(itertools.pairwise(cuts)):
        x += jumps[seg]
        u = input_vector(events, t0, t1)
        k_end = int(np.searchsorted(times, t1 - EVENT_TOL_H))
        t_eval = np.clip(times[k:k_end], t0, t1)
        sol = solve_ivp(
            lambda _t, y, u=u: a @ y + u,
            (t0, t1),
            x,
            method=method,
            t_eval=np.append(t_eval, t1),
            rtol=rtol,
            atol=atol,
            jac=lambda _t, _y: a,
        )
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed on segment {seg}: {sol.message}")
        if len(t_eval):
            out[k:k_end] = sol.y[:, :-1].T
        x = sol.y[:, -1].copy()
        k = k_end
    x += jumps[-1]
    out[-1] = x
    return out


def solve_reference_pkpd(
    params: ModelParams,
    events: EventTable,
    duration_h: float,
    step_h: float,
    *,
    baseline_ashworth: float = 4.0,
    comedication: str = "none",
    comedication_intensity: float = 1.0,
    method: str = "LSODA",
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> SimulationArrays:
    """The whole model (PK, effect sites, adaptation, symptom delays) as one ODE system for one patient.

    14 states: the 8 linear ones, adaptation at 2 sites, 2 symptom stages at 2 sites.  The nonlinear
    stimulation is evaluated inside the right-hand side, so this checks the exact PK + filtered PD path
    of :func:`pkmodels.model.simulate_arrays` without sharing its time-stepping.  Output: the same
    :class:`~pkmodels.model.SimulationArrays` (shape (1, n_times)) on the grid ``0, step_h, ..., duration_h``
    (no prior therapy).
    """
    p = params.as_arrays(1)
    a = rate_matrix(p)[0]
    tau_a = float(p.tau_adapt_days[0]) * 24.0
    tau_s = float(p.tau_symptom_h[0])

    def rhs(_t: float, y: np.ndarray, u: np.ndarray) -> np.ndarray:
        s_sp, s_sup = (v[0, 0] for v in stimulation(y[None, None, CE_SPINAL], y[None, None, CE_BRAIN], p))
        d_sp = withdrawal_drive(np.array([[s_sp]]), np.array([[y[8]]]), p)[0, 0]
        d_sup = withdrawal_drive(np.array([[s_sup]]), np.array([[y[9]]]), p)[0, 0]
        dy = np.empty(14)
        dy[:8] = a @ y[:8] + u
        dy[8] = (s_sp - y[8]) / tau_a
        dy[9] = (s_sup - y[9]) / tau_a
        dy[10], dy[11] = (d_sp - y[10]) / tau_s, (y[10] - y[11]) / tau_s
        dy[12], dy[13] = (d_sup - y[12]) / tau_s, (y[12] - y[13]) / tau_s
        return dy

    n_times = round(duration_h / step_h) + 1
    times = step_h * np.arange(n_times)
    y = np.zeros(14)
    out = np.empty((n_times, 14))
    cuts, jumps = breakpoints(events, 0.0, float(times[-1]))
    k = 0
    for seg, (t0, t1) in enumerate(itertools.pairwise(cuts)):
        y[:8] += jumps[seg]
        u = input_vector(events, t0, t1)
        k_end = int(np.searchsorted(times, t1 - EVENT_TOL_H))
        t_eval = np.append(np.clip(times[k:k_end], t0, t1), t1)
        sol = solve_ivp(rhs, (t0, t1), y, method=method, t_eval=t_eval, rtol=rtol, atol=atol, args=(u,))
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed on segment {seg}: {sol.message}")
        out[k:k_end] = sol.y[:, :-1].T
        y = sol.y[:, -1].copy()
        k = k_end
    y[:8] += jumps[-1]
    out[-1] = y
    conc = concentrations_ng_per_ml(p, out[None][..., list(OBSERVED)], OBSERVED)  # (1, n_times, 5)
    plasma, lumbar, cranial, ce_spinal, ce_brain = np.moveaxis(conc, -1, 0)
    s_sp, s_sup = stimulation(ce_spinal, ce_brain, p)
    pd_out = readouts(
        ce_brain,
        s_sp,
        s_sup,
        out[None, :, 8],
        out[None, :, 9],
        out[None, :, 11],
        out[None, :, 13],
        p,
        PDSettings(baseline_ashworth, comedication, comedication_intensity),
    )
    return SimulationArrays(times, plasma, lumbar, cranial, ce_spinal, ce_brain, pd_out, out[None, :, :8])
