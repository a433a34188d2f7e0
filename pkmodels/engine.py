"""Exact solution of the linear compartment model ``dx/dt = A x + u(t)``.

The pharmacokinetics (and the two effect-site concentrations, which are linear in the amounts) form a
linear system with piecewise-constant input.  Over an interval of length ``d`` with constant input ``u``
the solution is exact:

    x(t + d) = Phi(d) x(t) + Gamma(d) u,   Phi(d) = exp(A d),   Gamma(d) = integral_0^d exp(A s) ds,

both read off one matrix exponential of the augmented matrix ``[[A, I], [0, 0]] d``.  Boluses are jumps
at their times.  On the uniform output grid the same ``Phi(h)`` applies at every step, so runs of steps
are evaluated in blocks with precomputed powers ``Phi(h)^j`` and ``Gamma(j h)`` (built by doubling), which
keeps the Python work per event, not per output point.  Every array carries a leading patient axis, so
one call solves any number of parameter sets.  No ODE integrator is involved; see
:mod:`pkmodels.reference` for the ``solve_ivp`` reference used by tests and benchmarks.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import OrderedDict

import numpy as np
from scipy.linalg import expm

from .events import EVENT_TOL_H, EventTable
from .parameters import ModelParams

__all__ = [
    "EVENT_TOL_H",
    "MASS_STATES",
    "N_STATES",
    "SITE_STATE",
    "STATES",
    "breakpoints",
    "concentrations_ng_per_ml",
    "input_vector",
    "rate_matrix",
    "solve_linear",
    "state_volumes_l",
]

STATES = ("gut", "plasma", "peripheral", "csf_lumbar", "csf_cranial", "eliminated", "ce_spinal", "ce_brain")
N_STATES = len(STATES)
GUT, PLASMA, PERIPHERAL, LUMBAR, CRANIAL, ELIMINATED, CE_SPINAL, CE_BRAIN = range(N_STATES)
MASS_STATES = slice(GUT, ELIMINATED + 1)  # amounts in micrograms; the effect sites are concentrations
SITE_STATE = {"gut": GUT, "plasma": PLASMA, "lumbar": LUMBAR}
_MERGE_H = 1e-12


def rate_matrix(p: ModelParams) -> np.ndarray:
    """The system matrix, shape ``(n_patients, 8, 8)``.

    Amount states are in micrograms and volumes in litres, so amount / volume is ng/mL.  The two effect
    sites are concentration states (ng/mL) that follow their drivers without taking mass away.
    """
    p = p.as_arrays()
    n = p.n_patients
    vc, vp = p.vc_l, p.vp_l
    v_l, v_c = p.v_csf_lumbar_ml / 1000.0, p.v_csf_cranial_ml / 1000.0
    cl_l, q_mix, cl_c = p.csf_flows_l_per_h
    cl = p.cl_total_l_per_h
    # Entry from plasma into each CSF pool, chosen so both pools sit at csf_plasma_ratio x plasma at
    # steady state with no intrathecal input (their exchange then cancels).
    in_l, in_c = p.csf_plasma_ratio * cl_l, p.csf_plasma_ratio * cl_c
    ka, f = p.ka_per_h, p.f_oral

    a = np.zeros((n, N_STATES, N_STATES))
    a[:, GUT, GUT] = -ka
    a[:, PLASMA, GUT] = f * ka
    a[:, ELIMINATED, GUT] = (1.0 - f) * ka  # presystemic loss counts as eliminated
    a[:, PLASMA, PLASMA] = -(cl + p.q_l_per_h + in_l + in_c) / vc
    a[:, PERIPHERAL, PLASMA] = p.q_l_per_h / vc
    a[:, LUMBAR, PLASMA] = in_l / vc
    a[:, CRANIAL, PLASMA] = in_c / vc
    a[:, ELIMINATED, PLASMA] = cl / vc
    a[:, PLASMA, PERIPHERAL] = p.q_l_per_h / vp
    a[:, PERIPHERAL, PERIPHERAL] = -p.q_l_per_h / vp
    a[:, LUMBAR, LUMBAR] = -(cl_l + q_mix) / v_l
    a[:, CRANIAL, LUMBAR] = q_mix / v_l
    a[:, PLASMA, LUMBAR] = cl_l / v_l
    a[:, CRANIAL, CRANIAL] = -(cl_c + q_mix) / v_c
    a[:, LUMBAR, CRANIAL] = q_mix / v_c
    a[:, PLASMA, CRANIAL] = cl_c / v_c
    # Effect sites: dCe/dt = ke0 (driver - Ce)
    a[:, CE_SPINAL, LUMBAR] = p.ke0_spinal_per_h / v_l
    a[:, CE_SPINAL, CE_SPINAL] = -p.ke0_spinal_per_h
    a[:, CE_BRAIN, PLASMA] = p.ke0_brain_per_h * p.brain_plasma_ratio / vc
    a[:, CE_BRAIN, CRANIAL] = p.ke0_brain_per_h * p.brain_csf_weight / v_c
    a[:, CE_BRAIN, CE_BRAIN] = -p.ke0_brain_per_h
    return a


def state_volumes_l(p: ModelParams) -> np.ndarray:
    """The volume (L) that turns each state into a concentration in ng/mL, shape ``(n_patients, 8)``.

    Amounts are micrograms, so amount / volume in litres is ng/mL.  The effect sites already are
    concentrations (volume 1); the gut and the eliminated drug have no concentration (NaN).
    """
    p = p.as_arrays()
    vol = np.full((p.n_patients, N_STATES), np.nan)
    vol[:, PLASMA] = p.vc_l
    vol[:, PERIPHERAL] = p.vp_l
    vol[:, LUMBAR] = p.v_csf_lumbar_ml / 1000.0
    vol[:, CRANIAL] = p.v_csf_cranial_ml / 1000.0
    vol[:, CE_SPINAL] = vol[:, CE_BRAIN] = 1.0
    return vol


def concentrations_ng_per_ml(p: ModelParams, values: np.ndarray, states: tuple[int, ...]) -> np.ndarray:
    """Concentrations (ng/mL) of the observed ``states`` from engine output ``(n_patients, n_times,
    len(states))``: each state's content divided by its volume (:func:`state_volumes_l`)."""
    vol = state_volumes_l(p)
    if vol.shape[0] != values.shape[0]:
        vol = np.broadcast_to(vol, (values.shape[0], N_STATES))
    return values / vol[:, None, list(states)]


class _Propagators:
    """Phi(d) and Gamma(d) for a batch of matrices, cached per step length, and runs of equal steps."""

    def __init__(self, a: np.ndarray, observe: list[int]):
        self.a = a
        self.n_pat, self.n = a.shape[0], a.shape[1]
        self.obs = observe
        self._cache: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        self._powers: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._forced: dict[tuple[float, bytes], np.ndarray] = {}
        # einsum with a fixed contraction path dispatches to BLAS: 2-3x faster for many patients, slower for one
        self._einsum_opt = ["einsum_path", (0, 1)] if self.n_pat >= 16 else False

    def __call__(self, d: float) -> tuple[np.ndarray, np.ndarray]:
        key = round(d, 10)
        hit = self._cache.get(key)
        if hit is None:
            n = self.n
            aug = np.zeros((self.n_pat, 2 * n, 2 * n))
            aug[:, :n, :n] = self.a * d
            aug[:, :n, n:] = np.eye(n) * d
            e = expm(aug)
            hit = (np.ascontiguousarray(e[:, :n, :n]), np.ascontiguousarray(e[:, :n, n:]))
            self._cache[key] = hit
        return hit

    def _table(self, h: float, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Phi(h)^j and Gamma(j h) for j = 1..>=count, by doubling, plus Phi^j restricted to observed rows."""
        key = round(h, 10)
        have = self._powers.get(key)
        if have is not None and have[0].shape[1] >= count:
            return have
        phi, gam = self(h)
        phis, gams = (phi[:, None], gam[:, None]) if have is None else have[:2]
        while phis.shape[1] < count:
            k = phis.shape[1]
            phi_k, gam_k = phis[:, k - 1 : k], gams[:, k - 1 : k]
            # Phi^(j+k) = Phi^j Phi^k ;  Gamma((j+k) h) = Gamma(k h) + Phi^k Gamma(j h)
            phis = np.concatenate([phis, phis @ phi_k], axis=1)
            gams = np.concatenate([gams, gam_k + phi_k @ gams], axis=1)
        table = (phis, gams, np.ascontiguousarray(phis[:, :, self.obs, :]))
        self._powers[key] = table
        self._forced = {k: v for k, v in self._forced.items() if k[0] != key}
        return table

    def run(self, h: float, m: int, x: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Observed values after each of ``m`` steps of length ``h`` from state ``x`` with constant input ``u``,
        shape (n_pat, m, n_obs), and the full state after the last step."""
        phis, gams, phis_obs = self._table(h, m)
        vals = np.einsum("pjab,pb->pja", phis_obs[:, :m], x, optimize=self._einsum_opt)
        x_end = np.einsum("pab,pb->pa", phis[:, m - 1], x)
        if u.any():
            key = (round(h, 10), u.tobytes())
            forced = self._forced.get(key)
            if forced is None:  # Gamma(j h) u on the observed rows, for every j of the table
                forced = np.ascontiguousarray((gams @ u)[:, :, self.obs])
                self._forced[key] = forced
            vals += forced[:, :m]
            x_end += gams[:, m - 1] @ u
        return vals, x_end


_SHARED: OrderedDict[tuple, _Propagators] = OrderedDict()
_SHARED_MAX = 48  # entries; only small batches are kept (a few MB each at most)
_SHARED_LOCK = threading.Lock()


def _propagators(a: np.ndarray, obs: list[int]) -> _Propagators:
    """Propagators for ``a``, reused across calls for the same matrices (an LRU of recent ones).

    A dashboard rerun usually keeps the patient and changes a dose: the matrices are the same, so their
    matrix exponentials and power tables need not be computed again.  Populations (many matrices) are
    not kept.  Sharing between threads is safe: entries are only ever added to, and a lost race costs
    only a repeated computation.
    """
    if a.shape[0] > 16:
        return _Propagators(a, obs)
    key = (a.shape, tuple(obs), hashlib.blake2b(np.ascontiguousarray(a).tobytes(), digest_size=16).digest())
    with _SHARED_LOCK:
        prop = _SHARED.get(key)
        if prop is not None:
            _SHARED.move_to_end(key)
            return prop
        prop = _Propagators(np.array(a), obs)
        _SHARED[key] = prop
        while len(_SHARED) > _SHARED_MAX:
            _SHARED.popitem(last=False)
        return prop


def input_vector(events: EventTable, a: float, b: float) -> np.ndarray:
    """Total infusion rate into each state over the interval [a, b) (rates are constant on it)."""
    u = np.zeros(N_STATES)
    for inf in events.infusions:
        if inf.start_h <= a + _MERGE_H and inf.stop_h >= b - _MERGE_H:
            u[SITE_STATE[inf.site]] += inf.rate_ug_per_h
    return u


def breakpoints(events: EventTable, t_start_h: float, t_end_h: float) -> tuple[np.ndarray, np.ndarray]:
    """Times where the input changes, and the bolus vector given at each.

    Only event times that coincide (within 1e-12 h) are merged, so no event moves.  Returns
    ``(times, jumps)`` with ``times`` starting at ``t_start_h`` and ending at ``t_end_h``, and ``jumps`` of
    shape (len(times), 8): every bolus inside [t_start_h, t_end_h] is added at exactly one breakpoint.
    """
    inside = [b.time_h for b in events.boluses if t_start_h - EVENT_TOL_H <= b.time_h <= t_end_h + EVENT_TOL_H]
    edges = [t for t in events.rate_breakpoints() if t_start_h < t < t_end_h]
    merged: list[float] = []
    for t in sorted([t_start_h, *inside, *edges]):
        if not merged or t - merged[-1] > _MERGE_H:
            merged.append(t)
    if t_end_h - merged[-1] > _MERGE_H:
        merged.append(t_end_h)
    else:
        merged[-1] = t_end_h
    times = np.array(merged)
    jumps = np.zeros((len(times), N_STATES))
    for b in events.boluses:
        if t_start_h - EVENT_TOL_H <= b.time_h <= t_end_h + EVENT_TOL_H:
            jumps[int(np.argmin(np.abs(times - b.time_h))), SITE_STATE[b.site]] += b.amount_ug
    return times, jumps


def solve_linear(
    a: np.ndarray,
    events: EventTable,
    t_start_h: float,
    step_h: float,
    n_times: int,
    x0: np.ndarray | None = None,
    *,
    observe: tuple[int, ...] | None = None,
    block: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """States on the grid ``t_start_h + step_h * k`` (k = 0..n_times-1).

    Returns ``(out, x_end)``: ``out`` has shape (n_patients, n_times, len(observe)) (all 8 states when
    ``observe`` is None) and ``x_end`` is the full state at the last grid time, shape (n_patients, 8).
    Values at a bolus time include that bolus (right-continuous).  Boluses before ``t_start_h`` or after
    the last grid time are ignored; a bolus exactly at ``t_start_h`` is given at the start.  ``x0`` is the
    state just before ``t_start_h`` (default: empty body), shape (n_patients, 8) or (8,).
    """
    n_pat = a.shape[0]
    times = t_start_h + step_h * np.arange(n_times)
    t_end = float(times[-1])
    x = np.zeros((n_pat, N_STATES)) if x0 is None else np.broadcast_to(x0, (n_pat, N_STATES)).astype(float)
    obs = list(range(N_STATES)) if observe is None else list(observe)
    out = np.empty((n_pat, n_times, len(obs)))
    prop = _propagators(a, obs)
    bps, jumps = breakpoints(events, t_start_h, t_end)

    def step(d: float, u: np.ndarray) -> None:
        if d > _MERGE_H:
            phi, gam = prop(d)
            x[...] = (phi @ x[..., None])[..., 0] + gam @ u

    if block is None:  # runs of up to 256 steps per table (measured best); tables bounded to ~16 MB
        block = int(max(8, min(256, 2_000_000 // (n_pat * N_STATES * N_STATES))))
    k = 0
    for i, (a_t, b_t) in enumerate(itertools.pairwise(bps)):
        x += jumps[i]
        u = input_vector(events, a_t, b_t)
        k_end = int(np.searchsorted(times, b_t - EVENT_TOL_H, side="left"))
        t_cur = a_t
        if k < k_end:
            step(times[k] - a_t, u)
            out[:, k] = x[:, obs]
            k0 = k + 1
            while k0 < k_end:
                m = min(block, k_end - k0)
                out[:, k0 : k0 + m], x[...] = prop.run(step_h, m, x, u)
                k0 += m
            t_cur = times[k_end - 1]
        step(b_t - t_cur, u)
        k = k_end
    x += jumps[-1]
    out[:, -1] = x[:, obs]
    return out, x
