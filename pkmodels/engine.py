"""Exact solution of the linear compartment model ``dx/dt = A x + B r(t)``.

The pharmacokinetics -- gut, plasma, peripheral tissue, a chain of spinal CSF segments and the cranial CSF --
and the effect sites (which are linear in the amounts) form a linear system.  Drug enters through *sites*
(``"gut"`` for oral doses, ``"intrathecal"`` for the catheter, ``"plasma"`` for checks) with piecewise-constant
rates ``r``; the input matrix ``B`` says where each site's drug goes (the catheter tip shares its dose between
the two CSF segments around it, :func:`pkmodels.neuraxis.point_weights`).  Over an interval of length ``d`` with
constant input ``u = B r`` the solution is exact:

    x(t + d) = Phi(d) x(t) + Gamma(d) u,   Phi(d) = exp(A d),   Gamma(d) = integral_0^d exp(A s) ds,

both read off one matrix exponential of the augmented matrix ``[[A, I], [0, 0]] d``.  Boluses are jumps at
their times.  On the uniform output grid the same ``Phi(h)`` applies at every step, so runs of steps are
evaluated in blocks with precomputed powers ``Phi(h)^j`` and ``Gamma(j h)`` (built by doubling), which keeps
the Python work per event, not per output point.  What is returned is ``H x`` for an observation matrix ``H``
(concentrations at named places: :func:`observation_matrix`).  Every array carries a leading patient axis, so
one call solves any number of parameter sets.  No ODE integrator is involved; see :mod:`pkmodels.reference`
for the ``solve_ivp`` reference used by tests and benchmarks.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from scipy.linalg import expm

from . import neuraxis
from .events import EVENT_TOL_H, Bolus, EventTable
from .parameters import ModelParams, default_params

__all__ = [
    "CE_ARMS",
    "CE_BRAIN",
    "CE_BRAIN_SLOW",
    "CE_LEGS",
    "CORD_ARMS",
    "CORD_LEGS",
    "CORD_STEPS",
    "CRANIAL",
    "CSF_STATES",
    "EFFECT_STATES",
    "ELIMINATED",
    "GUT",
    "MASS_STATES",
    "N_STATES",
    "OBSERVABLES",
    "PERIPHERAL",
    "PLASMA",
    "RETAINED",
    "SITES",
    "SPINAL",
    "STATES",
    "absorbed",
    "breakpoints",
    "csf_point_row",
    "input_matrix",
    "input_rates",
    "observation_matrix",
    "rate_matrix",
    "rate_steps",
    "segment_rates",
    "solve_linear",
    "state_volumes_l",
]

SPINAL_STATES = tuple(f"csf_spinal_{k}" for k in range(1, neuraxis.N_SEGMENTS + 1))  # top (C1-C4) to bottom
CORD_STEPS = 3  # CSF -> pia and white matter -> dorsal horn: a delay of three equal first-order steps
_CORD = {site: (*(f"cord_{site}_{k}" for k in range(1, CORD_STEPS)), f"ce_{site}") for site in ("legs", "arms")}
STATES = (
    "gut",
    "retained",
    "plasma",
    "peripheral",
    "csf_cranial",
    *SPINAL_STATES,
    "eliminated",
    *_CORD["legs"],
    *_CORD["arms"],
    "ce_brain",
    "ce_brain_slow",
)
N_STATES = len(STATES)
_INDEX = {name: k for k, name in enumerate(STATES)}
GUT, RETAINED, PLASMA, PERIPHERAL, CRANIAL = (
    _INDEX[s] for s in ("gut", "retained", "plasma", "peripheral", "csf_cranial")
)
SPINAL = np.array([_INDEX[s] for s in SPINAL_STATES])
ELIMINATED = _INDEX["eliminated"]
CE_LEGS, CE_ARMS, CE_BRAIN, CE_BRAIN_SLOW = (_INDEX[s] for s in ("ce_legs", "ce_arms", "ce_brain", "ce_brain_slow"))
CORD_LEGS, CORD_ARMS = (np.array([_INDEX[s] for s in _CORD[site]]) for site in ("legs", "arms"))
EFFECT_STATES = np.array([*CORD_LEGS, *CORD_ARMS, CE_BRAIN, CE_BRAIN_SLOW])  # concentrations, not amounts
CSF_STATES = np.array([CRANIAL, *SPINAL])
MASS_STATES = slice(GUT, ELIMINATED + 1)  # amounts in micrograms; the effect sites are concentrations
SITES = ("gut", "retained", "plasma", "intrathecal")  # where drug can enter (pkmodels.events; retained: model.absorbed)
_SITE = {s: k for k, s in enumerate(SITES)}

# Places whose concentration (ng/mL) the engine reports: name -> (spinal position in cm, or a state).
_POINTS = {f"csf_{k}": x for k, x in neuraxis.SAMPLING_CM.items()}
OBSERVABLES = (
    "plasma",
    "csf_lumbar",
    "csf_thoracic",
    "csf_cervical",
    "csf_cranial",
    "ce_legs",
    "ce_arms",
    "ce_brain",
    "ce_brain_slow",
)
_MERGE_H = 1e-12


def _spinal_geometry(p: ModelParams) -> tuple[np.ndarray, np.ndarray]:
    """Volume of one spinal segment (L) and the exchange flow between neighbouring segments (L/h)."""
    v_seg_l = p.v_csf_spinal_ml / neuraxis.N_SEGMENTS / 1000.0
    area_ml_per_cm = p.v_csf_spinal_ml / neuraxis.CANAL_LENGTH_CM
    q_l = p.csf_dispersion_cm2_per_h * area_ml_per_cm / neuraxis.SEGMENT_LENGTH_CM / 1000.0
    return v_seg_l, q_l


def state_volumes_l(p: ModelParams) -> np.ndarray:
    """The volume (L) that turns each state into a concentration in ng/mL, shape ``(n_patients, N_STATES)``.

    Amounts are micrograms, so amount / volume in litres is ng/mL.  The effect sites already are
    concentrations (volume 1); the gut and the eliminated drug have no concentration (NaN).
    """
    p = p.as_arrays()
    vol = np.full((p.n_patients, N_STATES), np.nan)
    vol[:, PLASMA] = p.vc_l
    vol[:, PERIPHERAL] = p.vp_l
    vol[:, CRANIAL] = p.v_csf_cranial_ml / 1000.0
    vol[:, SPINAL] = _spinal_geometry(p)[0][:, None]
    vol[:, EFFECT_STATES] = 1.0
    return vol


def csf_point_row(p: ModelParams, x_cm: float | np.ndarray) -> np.ndarray:
    """Row vectors (n_patients, N_STATES) reading the CSF concentration (ng/mL) at ``x_cm`` from the amounts."""
    n = p.n_patients
    row = np.zeros((n, N_STATES))
    row[:, SPINAL] = np.broadcast_to(neuraxis.point_weights(x_cm), (n, neuraxis.N_SEGMENTS))
    return row / np.where(np.isnan(state_volumes_l(p)), 1.0, state_volumes_l(p))


def rate_matrix(p: ModelParams) -> np.ndarray:
    """The system matrix ``A``, shape ``(n_patients, N_STATES, N_STATES)``.

    Mass moves between compartments by first-order transfers (each column of the mass states sums to zero:
    nothing is created or lost except into ``eliminated``).  CSF segments exchange with their neighbours and
    with the cranial CSF (pulsatile mixing), lose drug to blood (spinal outflow, and the bulk flow of CSF out of
    the cranial CSF) and gain it from plasma, so that with no intrathecal input every CSF compartment settles at
    ``csf_plasma_ratio`` x plasma.  The effect sites follow their drivers without taking mass away.
    """
    p = p.as_arrays()
    n = p.n_patients
    a = np.zeros((n, N_STATES, N_STATES))

    def move(src: int | np.ndarray, dst: int | np.ndarray, k: np.ndarray) -> None:
        a[:, dst, src] += k
        a[:, src, src] -= k

    vc, vp = p.vc_l, p.vp_l
    move(GUT, PLASMA, p.f_oral * p.ka_per_h)
    move(GUT, ELIMINATED, (1.0 - p.f_oral) * p.ka_per_h)  # presystemic loss counts as eliminated
    move(RETAINED, GUT, np.log(2.0) / p.retained_half_life_h)  # a large ingestion reaches the gut slowly
    move(PLASMA, PERIPHERAL, p.q_l_per_h / vc)
    move(PERIPHERAL, PLASMA, p.q_l_per_h / vp)
    move(PLASMA, ELIMINATED, p.cl_total_l_per_h / vc)

    v_seg, q = _spinal_geometry(p)
    v_cran = p.v_csf_cranial_ml / 1000.0
    drain_cran = p.csf_bulk_flow_ml_per_h / 1000.0
    drain_seg = p.csf_spinal_clearance_ml_per_h / neuraxis.N_SEGMENTS / 1000.0
    chain = [CRANIAL, *SPINAL]  # the cranial CSF sits above the first segment, one segment length away
    volumes = [v_cran, *([v_seg] * neuraxis.N_SEGMENTS)]
    for (i, vi), (j, vj) in itertools.pairwise(zip(chain, volumes, strict=True)):
        move(i, j, q / vi)
        move(j, i, q / vj)
    for k, vk, drain in zip(chain, volumes, [drain_cran, *([drain_seg] * neuraxis.N_SEGMENTS)], strict=True):
        move(k, PLASMA, drain / vk)
        move(PLASMA, k, p.csf_plasma_ratio * drain / vc)

    # Effect sites: dCe/dt = k (driver - Ce); drivers are concentrations read from the amounts.  The cord sites
    # are the last of CORD_STEPS such steps in a row (a hydrophilic drug crossing pia and white matter).
    k_cord = CORD_STEPS / p.cord_penetration_h
    for chain_states, x_cm in ((CORD_LEGS, neuraxis.LEGS_SITE_CM), (CORD_ARMS, neuraxis.ARMS_SITE_CM)):
        driver = csf_point_row(p, x_cm)
        for state in chain_states:
            a[:, state, :] += k_cord[:, None] * driver
            a[:, state, state] -= k_cord
            driver = np.zeros((n, N_STATES))
            driver[:, state] = 1.0
    brain = np.zeros((n, N_STATES))
    brain[:, PLASMA] = p.brain_plasma_ratio / vc
    brain[:, CRANIAL] = p.brain_csf_weight / v_cran
    k_slow = np.log(2.0) / p.brain_slow_half_life_h
    for state, k in ((CE_BRAIN, p.ke0_brain_per_h), (CE_BRAIN_SLOW, k_slow)):
        a[:, state, :] += k[:, None] * brain
        a[:, state, state] -= k
    return a


def input_matrix(p: ModelParams) -> np.ndarray:
    """Where each site's drug enters, shape ``(n_patients, N_STATES, len(SITES))`` (columns sum to 1)."""
    p = p.as_arrays()
    b = np.zeros((p.n_patients, N_STATES, len(SITES)))
    b[:, GUT, _SITE["gut"]] = 1.0
    b[:, RETAINED, _SITE["retained"]] = 1.0
    b[:, PLASMA, _SITE["plasma"]] = 1.0
    b[:, SPINAL, _SITE["intrathecal"]] = neuraxis.point_weights(p.catheter_tip_cm)
    return b


def absorbed(events: EventTable, params: ModelParams) -> EventTable:
    """The events as the body takes them up: of each oral dose, the part beyond ``absorption_capacity_mg`` enters
    the ``retained`` site (held back, reaching the gut slowly) instead of the gut.  Idempotent.

    Piecewise linear in the dose, so the PK stays linear in each dose's two parts (exact solution unchanged).
    The capacity has no between-patient variability: one value for every parameter set.
    """
    caps = np.unique(np.asarray(params.absorption_capacity_mg, dtype=float))
    if caps.size != 1:
        raise ValueError("absorption_capacity_mg must be the same for every parameter set")
    cap_ug = float(caps[0]) * 1000.0
    if all(b.site != "gut" or b.amount_ug <= cap_ug for b in events.boluses):
        return events
    boluses: list[Bolus] = []
    for b in events.boluses:
        if b.site == "gut" and b.amount_ug > cap_ug:
            boluses += [Bolus(b.time_h, cap_ug, "gut"), Bolus(b.time_h, b.amount_ug - cap_ug, "retained")]
        else:
            boluses.append(b)
    return EventTable(tuple(boluses), events.infusions)


def observation_matrix(p: ModelParams, names: Sequence[str] = OBSERVABLES) -> np.ndarray:
    """Rows that read concentrations (ng/mL) from the state, shape ``(n_patients, len(names), N_STATES)``.

    Names: ``plasma``, ``csf_cranial``, the CSF at the lumbar-puncture site (``csf_lumbar``, L3-L4), at T6
    (``csf_thoracic``) and at C5 (``csf_cervical``), and the effect sites.
    """
    p = p.as_arrays()
    vol = state_volumes_l(p)
    h = np.zeros((p.n_patients, len(names), N_STATES))
    for r, name in enumerate(names):
        if name in _POINTS:
            h[:, r] = csf_point_row(p, _POINTS[name])
        else:
            k = _INDEX[name]
            h[:, r, k] = 1.0 / vol[:, k]
    return h


class _Propagators:
    """Phi(d) and Gamma(d) for a batch of matrices, cached per step length, and runs of equal steps."""

    def __init__(self, a: np.ndarray, obs: np.ndarray):
        self.a = a
        self.n_pat, self.n = a.shape[0], a.shape[1]
        self.obs = obs  # (n_pat, n_obs, n)
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
        """Phi(h)^j and Gamma(j h) for j = 1..>=count, by doubling, plus H Phi^j (the observed rows)."""
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
        table = (phis, gams, np.ascontiguousarray(self.obs[:, None] @ phis))
        self._powers[key] = table
        self._forced = {k: v for k, v in self._forced.items() if k[0] != key}
        return table

    def run(self, h: float, m: int, x: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Observed values after each of ``m`` steps of length ``h`` from state ``x`` with constant input ``u``
        (n_pat, n), shape (n_pat, m, n_obs), and the full state after the last step."""
        phis, gams, phis_obs = self._table(h, m)
        vals = np.einsum("pjab,pb->pja", phis_obs[:, :m], x, optimize=self._einsum_opt)
        x_end = np.einsum("pab,pb->pa", phis[:, m - 1], x)
        if u.any():
            key = (round(h, 10), u.tobytes())
            forced = self._forced.get(key)
            if forced is None:  # H Gamma(j h) u for every j of the table
                forced = np.ascontiguousarray(np.einsum("pjab,pb->pja", gams, u) @ self.obs.transpose(0, 2, 1))
                self._forced[key] = forced
            vals += forced[:, :m]
            x_end += np.einsum("pab,pb->pa", gams[:, m - 1], u)
        return vals, x_end


_SHARED: OrderedDict[tuple, _Propagators] = OrderedDict()
_SHARED_MAX = 48  # entries; only small batches are kept (a few MB each at most)
_SHARED_LOCK = threading.Lock()


def _digest(*arrays: np.ndarray) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for arr in arrays:
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.digest()


def _propagators(a: np.ndarray, obs: np.ndarray) -> _Propagators:
    """Propagators for ``a`` and observation rows ``obs``, reused across calls for the same matrices (an LRU of
    recent ones).

    A dashboard rerun usually keeps the patient and changes a dose: the matrices are the same, so their
    matrix exponentials and power tables need not be computed again.  Populations (many matrices) are
    not kept.  Sharing between threads is safe: entries are only ever added to, and a lost race costs
    only a repeated computation.
    """
    if a.shape[0] > 16:
        return _Propagators(a, obs)
    key = (a.shape, obs.shape, _digest(a, obs))
    with _SHARED_LOCK:
        prop = _SHARED.get(key)
        if prop is not None:
            _SHARED.move_to_end(key)
            return prop
        prop = _Propagators(np.array(a), np.array(obs))
        _SHARED[key] = prop
        while len(_SHARED) > _SHARED_MAX:
            _SHARED.popitem(last=False)
        return prop


def rate_steps(events: EventTable) -> tuple[np.ndarray, np.ndarray]:
    """The total infusion rate into each site as a step function: change times ``(m,)`` and the rates
    ``(m, len(SITES))`` that hold from each time on (one sort: O(n log n) in the number of infusions)."""
    n = len(events.infusions)
    if n == 0:
        return np.zeros(0), np.zeros((0, len(SITES)))
    starts = np.array([i.start_h for i in events.infusions])
    stops = np.array([i.stop_h for i in events.infusions])
    rates = np.array([i.rate_ug_per_h for i in events.infusions])
    sites = np.array([_SITE[i.site] for i in events.infusions])
    times = np.concatenate([starts, stops])
    order = np.argsort(times, kind="stable")
    delta = np.zeros((2 * n, len(SITES)))
    delta[np.arange(n), sites] = rates
    delta[n + np.arange(n), sites] = -rates
    level = np.cumsum(delta[order], axis=0)
    t_sorted = times[order]
    last = np.r_[t_sorted[1:] != t_sorted[:-1], True]  # keep the level after the last change at each time
    return t_sorted[last], level[last]


def segment_rates(events: EventTable, cuts: np.ndarray) -> np.ndarray:
    """Total infusion rate into each site (ug/h) on each interval ``[cuts[k], cuts[k+1])``, shape
    ``(len(cuts) - 1, len(SITES))``: rates are constant on intervals between breakpoints."""
    t, level = rate_steps(events)
    mid = (cuts[:-1] + cuts[1:]) / 2.0
    if not t.size:
        return np.zeros((len(mid), len(SITES)))
    k = np.searchsorted(t, mid, side="right") - 1
    out = np.where((k >= 0)[:, None], level[np.clip(k, 0, None)], 0.0)
    return np.where(np.abs(out) < 1e-12 * max(1.0, float(np.abs(level).max())), 0.0, out)  # cancelled sums


def input_rates(events: EventTable, a: float, b: float) -> np.ndarray:
    """Total infusion rate into each site (ug/h) over the interval [a, b) (rates are constant on it)."""
    return segment_rates(events, np.array([a, b]))[0]


def breakpoints(events: EventTable, t_start_h: float, t_end_h: float) -> tuple[np.ndarray, np.ndarray]:
    """Times where the input changes, and the bolus amounts per site given at each.

    Only event times that coincide (within 1e-12 h) are merged, so no event moves.  Returns
    ``(times, jumps)`` with ``times`` starting at ``t_start_h`` and ending at ``t_end_h``, and ``jumps`` of
    shape (len(times), len(SITES)): every bolus inside [t_start_h, t_end_h] is added at exactly one breakpoint.
    Sorting and binary search only: O(n log n) in the number of events.
    """
    b_t = np.array([b.time_h for b in events.boluses])
    b_amt = np.array([b.amount_ug for b in events.boluses])
    b_site = np.array([_SITE[b.site] for b in events.boluses], dtype=int)
    inside = (b_t >= t_start_h - EVENT_TOL_H) & (b_t <= t_end_h + EVENT_TOL_H) if b_t.size else np.zeros(0, bool)
    edges = events.rate_breakpoints()
    edges = edges[(edges > t_start_h) & (edges < t_end_h)]
    cand = np.sort(np.concatenate([[t_start_h], b_t[inside], edges]))
    keep = np.r_[True, np.diff(cand) > _MERGE_H]  # merge only coincident times (chains merge to the first)
    merged = cand[keep]
    if t_end_h - merged[-1] > _MERGE_H:
        merged = np.append(merged, t_end_h)
    else:
        merged[-1] = t_end_h
    jumps = np.zeros((len(merged), len(SITES)))
    if inside.any():
        t_in = b_t[inside]
        k = np.clip(np.searchsorted(merged, t_in), 1, len(merged) - 1)
        nearest = np.where(np.abs(merged[k - 1] - t_in) <= np.abs(merged[k] - t_in), k - 1, k)
        np.add.at(jumps, (nearest, b_site[inside]), b_amt[inside])
    return merged, jumps


def _observe(obs: np.ndarray | Sequence[int] | None, n_pat: int) -> np.ndarray:
    """An observation matrix (n_pat, n_obs, N_STATES) from a matrix, a list of state indices, or None (all)."""
    if obs is None:
        return np.broadcast_to(np.eye(N_STATES), (n_pat, N_STATES, N_STATES))
    if isinstance(obs, np.ndarray) and obs.ndim == 3:
        return np.broadcast_to(obs, (n_pat, *obs.shape[1:]))
    rows = np.eye(N_STATES)[list(obs)]
    return np.broadcast_to(rows, (n_pat, *rows.shape))


def solve_linear(
    a: np.ndarray,
    events: EventTable,
    t_start_h: float,
    step_h: float,
    n_times: int,
    x0: np.ndarray | None = None,
    *,
    inputs: np.ndarray | None = None,
    observe: np.ndarray | Sequence[int] | None = None,
    block: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Observed values on the grid ``t_start_h + step_h * k`` (k = 0..n_times-1).

    ``inputs`` is the input matrix (:func:`input_matrix`; default: the catheter tip at T10); ``observe`` an
    observation matrix (:func:`observation_matrix`), a list of state indices, or None for every state.  Returns
    ``(out, x_end)``: ``out`` has shape (n_patients, n_times, n_observed) and ``x_end`` is the full state at the
    last grid time, shape (n_patients, N_STATES).  Values at a bolus time include that bolus
    (right-continuous).  Boluses before ``t_start_h`` or after the last grid time are ignored; a bolus exactly
    at ``t_start_h`` is given at the start.  ``x0`` is the state just before ``t_start_h`` (default: empty
    body), shape (n_patients, N_STATES) or (N_STATES,).
    """
    n_pat = a.shape[0]
    b_in = _default_inputs(n_pat) if inputs is None else np.broadcast_to(inputs, (n_pat, N_STATES, len(SITES)))
    times = t_start_h + step_h * np.arange(n_times)
    t_end = float(times[-1])
    x = np.zeros((n_pat, N_STATES)) if x0 is None else np.broadcast_to(x0, (n_pat, N_STATES)).astype(float)
    obs = _observe(observe, n_pat)
    out = np.empty((n_pat, n_times, obs.shape[1]))
    prop = _propagators(a, obs)
    bps, jumps = breakpoints(events, t_start_h, t_end)
    rates = segment_rates(events, bps)

    def step(d: float, u: np.ndarray) -> None:
        if d > _MERGE_H:
            phi, gam = prop(d)
            x[...] = np.einsum("pab,pb->pa", phi, x) + np.einsum("pab,pb->pa", gam, u)

    def observed() -> np.ndarray:
        return np.einsum("pab,pb->pa", obs, x)

    if block is None:  # runs of up to 256 steps per table (measured best); tables bounded to ~16 MB
        block = int(max(8, min(256, 2_000_000 // (n_pat * N_STATES * N_STATES))))
    k = 0
    for i, (a_t, b_t) in enumerate(itertools.pairwise(bps)):
        x += b_in @ jumps[i]
        u = b_in @ rates[i]
        k_end = int(np.searchsorted(times, b_t - EVENT_TOL_H, side="left"))
        t_cur = a_t
        if k < k_end:
            step(times[k] - a_t, u)
            out[:, k] = observed()
            k0 = k + 1
            while k0 < k_end:
                m = min(block, k_end - k0)
                out[:, k0 : k0 + m], x[...] = prop.run(step_h, m, x, u)
                k0 += m
            t_cur = times[k_end - 1]
        step(b_t - t_cur, u)
        k = k_end
    x += b_in @ jumps[-1]
    out[:, -1] = observed()
    return out, x


def _default_inputs(n_pat: int) -> np.ndarray:
    """The input matrix of the typical patient (catheter tip at T10), for callers that give none."""
    return np.broadcast_to(input_matrix(default_params())[0], (n_pat, N_STATES, len(SITES)))
