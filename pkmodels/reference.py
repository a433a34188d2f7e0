"""Reference solution with a general ODE integrator (``scipy.integrate.solve_ivp``).

Not used by the app: it exists so tests and benchmarks can check :func:`pkmodels.engine.solve_linear`
against an independent method.  The integrator restarts at every event (bolus jump or rate change), so
its accuracy is set by ``rtol``/``atol`` alone.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.integrate import solve_ivp

from .engine import EVENT_TOL_H, N_STATES, breakpoints, input_vector
from .regimens import EventTable

__all__ = ["solve_reference"]


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
    atol: float = 1e-12,
) -> np.ndarray:
    """Same contract as :func:`~pkmodels.engine.solve_linear` for a single patient (``a`` is 8x8)."""
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
        sol = solve_ivp(lambda _t, y, u=u: a @ y + u, (t0, t1), x, method=method,
                        t_eval=np.append(t_eval, t1), rtol=rtol, atol=atol, jac=lambda _t, _y: a)
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed on segment {seg}: {sol.message}")
        if len(t_eval):
            out[k:k_end] = sol.y[:, :-1].T
        x = sol.y[:, -1].copy()
        k = k_end
    x += jumps[-1]
    out[-1] = x
    return out
