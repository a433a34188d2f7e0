"""Reference solution with a general ODE integrator (``scipy.integrate.solve_ivp``).

Used by the tests, the benchmarks and the live checks on the Model & validation page
(:mod:`pkmodels.checks`) to check :func:`pkmodels.engine.solve_linear` against an independent method;
never in the simulation path.  The integrator restarts at every event (bolus jump or rate change), so
its accuracy is set by ``rtol``/``atol`` alone.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from .engine import (
    CE_ARMS,
    CE_BRAIN,
    CE_BRAIN_SLOW,
    CE_LEGS,
    N_STATES,
    breakpoints,
    input_matrix,
    input_rates,
    observation_matrix,
    rate_matrix,
    segment_rates,
)
from .events import EVENT_TOL_H, EventTable
from .model import OBSERVED, SimulationArrays
from .parameters import ModelParams, default_params
from .pd import PD_SITES, PDSettings, brain_concentration, net_tone, readouts, site_stimulation, withdrawal_drive

__all__ = ["solve_mpmath", "solve_reference", "solve_reference_pkpd"]


def solve_reference(
    a: np.ndarray,
    events: EventTable,
    t_start_h: float,
    step_h: float,
    n_times: int,
    x0: np.ndarray | None = None,
    *,
    inputs: np.ndarray | None = None,
    method: str = "LSODA",
    rtol: float = 1e-10,
    atol: float | np.ndarray = 1e-12,
    atol_per_peak: float | None = None,
) -> np.ndarray:
    """Same contract as :func:`~pkmodels.engine.solve_linear` for a single patient (``a`` is N x N, ``inputs``
    N x sites; default: the typical patient's catheter tip), returning every state, shape (n_times, N).

    ``atol_per_peak`` sets each state's absolute tolerance to that multiple of the state's peak (found by a
    first, loose pass of the same integrator): an absolute tolerance in micrograms or ng/mL means nothing for a
    state whose values are a millionth of another's (a 1 ug bolus, an effect site), and a fixed one let the
    integrator's own error on such a state's tail pass 1e-6 of its value.
    """
    b_in = input_matrix(default_params())[0] if inputs is None else inputs
    if atol_per_peak is not None:
        loose = solve_reference(
            a, events, t_start_h, step_h, n_times, x0, inputs=b_in, method=method, rtol=1e-6, atol=1e-12
        )
        atol = np.maximum(atol_per_peak * np.abs(loose).max(axis=0), 1e-300)
    times = t_start_h + step_h * np.arange(n_times)
    t_end = float(times[-1])
    out = np.empty((n_times, N_STATES))
    x = np.zeros(N_STATES) if x0 is None else np.asarray(x0, dtype=float).copy()
    cuts, jumps = breakpoints(events, t_start_h, t_end)
    seg_rates = segment_rates(events, cuts)
    k = 0
    for seg, (t0, t1) in enumerate(itertools.pairwise(cuts)):
        x += b_in @ jumps[seg]
        u = b_in @ seg_rates[seg]
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
    x += b_in @ jumps[-1]
    out[-1] = x
    return out


# Layout of the extra (nonlinear-PD) states after the N_STATES linear ones.
_ADAPT = {site: (N_STATES + 2 * k, N_STATES + 2 * k + 1) for k, site in enumerate(PD_SITES)}  # (fast, slow)
_SYMPTOM = {"spinal": (N_STATES + 6, N_STATES + 7), "supraspinal": (N_STATES + 8, N_STATES + 9)}
_N_ALL = N_STATES + 10


def solve_reference_pkpd(
    params: ModelParams,
    events: EventTable,
    duration_h: float,
    step_h: float,
    *,
    settings: PDSettings = PDSettings(),
    method: str = "LSODA",
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> SimulationArrays:
    """The whole model (PK, effect sites, adaptation, symptom delays) as one ODE system for one patient.

    The linear states, then fast and slow adaptation at three sites and two symptom stages at two sites.  The
    nonlinear stimulation is evaluated inside the right-hand side, so this checks the exact PK + filtered PD
    path of :func:`pkmodels.model.simulate_arrays` without sharing its time-stepping.  Output: the same
    :class:`~pkmodels.model.SimulationArrays` (shape (1, n_times)) on the grid ``0, step_h, ..., duration_h``
    (no prior therapy).
    """
    p = params.as_arrays(1)
    a = rate_matrix(p)[0]
    b_in = input_matrix(p)[0]
    tau = {"fast": float(p.tau_adapt_fast_days[0]) * 24.0, "slow": float(p.tau_adapt_slow_days[0]) * 24.0}
    tau_s = float(p.tau_symptom_h[0])

    def rhs(_t: float, y: np.ndarray, u: np.ndarray) -> np.ndarray:
        c_brain = brain_concentration(y[None, None, CE_BRAIN], y[None, None, CE_BRAIN_SLOW], p)
        stim = site_stimulation(y[None, None, CE_LEGS], y[None, None, CE_ARMS], c_brain, p)
        dy = np.empty(_N_ALL)
        dy[:N_STATES] = a @ y[:N_STATES] + u
        for site, (i_f, i_s) in _ADAPT.items():
            s = stim[site][0, 0]
            dy[i_f] = (s - y[i_f]) / tau["fast"]
            dy[i_s] = (s - y[i_s]) / tau["slow"]
        for site, (i1, i2) in _SYMPTOM.items():
            i_f, i_s = _ADAPT[site]
            net = net_tone(stim[site], np.array([[y[i_f]]]), np.array([[y[i_s]]]), p)
            dy[i1] = (withdrawal_drive(net)[0, 0] - y[i1]) / tau_s
            dy[i2] = (y[i1] - y[i2]) / tau_s
        return dy

    n_times = round(duration_h / step_h) + 1
    times = step_h * np.arange(n_times)
    y = np.zeros(_N_ALL)
    out = np.empty((n_times, _N_ALL))
    cuts, jumps = breakpoints(events, 0.0, float(times[-1]))
    seg_rates = segment_rates(events, cuts)
    k = 0
    for seg, (t0, t1) in enumerate(itertools.pairwise(cuts)):
        y[:N_STATES] += b_in @ jumps[seg]
        u = b_in @ seg_rates[seg]
        k_end = int(np.searchsorted(times, t1 - EVENT_TOL_H))
        t_eval = np.append(np.clip(times[k:k_end], t0, t1), t1)
        sol = solve_ivp(rhs, (t0, t1), y, method=method, t_eval=t_eval, rtol=rtol, atol=atol, args=(u,))
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed on segment {seg}: {sol.message}")
        out[k:k_end] = sol.y[:, :-1].T
        y = sol.y[:, -1].copy()
        k = k_end
    y[:N_STATES] += b_in @ jumps[-1]
    out[-1] = y
    conc = np.einsum("ob,tb->to", observation_matrix(p, OBSERVED)[0], out[:, :N_STATES])[None]
    c = dict(zip(OBSERVED, np.moveaxis(conc, -1, 0), strict=True))
    c_brain = brain_concentration(c["ce_brain"], c["ce_brain_slow"], p)
    stim = site_stimulation(c["ce_legs"], c["ce_arms"], c_brain, p)
    adapt = {site: (out[None, :, i_f], out[None, :, i_s]) for site, (i_f, i_s) in _ADAPT.items()}
    symptoms = {site: out[None, :, i2] for site, (_i1, i2) in _SYMPTOM.items()}
    pd_out = readouts(c_brain, stim, adapt, symptoms, p, settings)
    return SimulationArrays(
        times, c["plasma"], c["csf_lumbar"], c["csf_thoracic"], c["csf_cervical"], c["csf_cranial"],
        c["ce_legs"], c["ce_arms"], c_brain, pd_out, out[None, :, :N_STATES],
    )  # fmt: skip


def solve_mpmath(
    a: np.ndarray,
    events: EventTable,
    t_start_h: float,
    step_h: float,
    n_times: int,
    *,
    inputs: np.ndarray | None = None,
    every: int = 1,
    dps: int = 40,
) -> tuple[np.ndarray, np.ndarray]:
    """Every state at the grid points ``0, every, 2 every, ...`` (and the last one), computed in ``dps``-digit
    arithmetic: exact propagation with ``mpmath.expm`` of the augmented matrix ``[[A, B r], [0, 0]] d`` over each
    piece between breakpoints and output times (one exponential per distinct length and rate), the state kept
    as an ``mp.matrix`` throughout.  Same contract as :func:`solve_reference` (one patient, empty body at the
    start); returns (n_selected, N) floats and the selected indices.  Needs mpmath (the ``test`` extra).

    This is the reference the engine's error is quoted against (benchmarks, tests): rounding of the double
    input matrices is the only error it shares with the engine.
    """
    import mpmath as mp

    mp.mp.dps = dps
    b_in = input_matrix(default_params())[0] if inputs is None else inputs
    n = a.shape[0]
    times = t_start_h + step_h * np.arange(n_times)
    wanted = sorted({*range(0, n_times, every), n_times - 1})
    cuts, jumps = breakpoints(events, t_start_h, float(times[-1]))
    a_mp = mp.matrix(a.tolist())
    cache: dict[tuple[float, bytes], Any] = {}

    def propagate(x: Any, d: float, u: np.ndarray) -> Any:
        if d <= 0:
            return x
        key = (round(d, 12), u.tobytes())
        e = cache.get(key)
        if e is None:
            aug = mp.zeros(n + 1, n + 1)
            for i in range(n):
                for j in range(n):
                    aug[i, j] = a_mp[i, j] * mp.mpf(d)
                aug[i, n] = mp.mpf(float(u[i])) * mp.mpf(d)
            e = mp.expm(aug)
            cache[key] = e
        z = mp.matrix(n + 1, 1)
        for i in range(n):
            z[i] = x[i]
        z[n] = 1
        z = e * z
        return mp.matrix([z[i] for i in range(n)])

    x = mp.matrix(n, 1)
    out = np.empty((len(wanted), n))
    t_cur = float(times[0])
    w = 0
    for seg, (t0, t1) in enumerate(itertools.pairwise(cuts)):
        for i in range(n):
            x[i] += mp.mpf(float((b_in @ jumps[seg])[i]))
        u = b_in @ input_rates(events, t0, t1)
        t_cur = t0
        while w < len(wanted) and wanted[w] < n_times - 1 and times[wanted[w]] < t1 - EVENT_TOL_H:
            x = propagate(x, float(times[wanted[w]]) - t_cur, u)
            t_cur = float(times[wanted[w]])
            out[w] = [float(v) for v in x]
            w += 1
        x = propagate(x, t1 - t_cur, u)
    for i in range(n):
        x[i] += mp.mpf(float((b_in @ jumps[-1])[i]))
    out[w] = [float(v) for v in x]
    return out, np.array(wanted)
