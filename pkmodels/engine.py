"""Exact solution of the linear compartment model ``dx/dt = A x + B r(t)``.

The model's matrices come from :mod:`pkmodels.compartments` (states, ``A``, ``B``, the observation rows) and the
inputs from :mod:`pkmodels.inputs` (breakpoints, bolus jumps, rates per interval); both are re-exported here,
so ``engine.rate_matrix`` and the like keep working.  Over an interval of length ``d`` with
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

import contextlib
import contextvars
import hashlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .compartments import (
    CE_ARMS,
    CE_BRAIN,
    CE_BRAIN_SLOW,
    CE_LEGS,
    CORD_ARMS,
    CORD_LEGS,
    CORD_STEPS,
    CRANIAL,
    CSF_STATES,
    EFFECT_STATES,
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
    state_volumes_l,
)
from .events import EVENT_TOL_H, EventTable
from .expm import expm_batch
from .inputs import MERGE_H, breakpoints, input_rates, rate_steps, segment_rates
from .parameters import default_params

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
    "LinearSolution",
    "absorbed",
    "breakpoints",
    "cache_info",
    "clear_cache",
    "csf_point_row",
    "influencing_states",
    "input_matrix",
    "input_rates",
    "observation_matrix",
    "rate_matrix",
    "rate_steps",
    "segment_rates",
    "solve_linear",
    "solve_observed",
    "state_volumes_l",
    "unshared_propagators",
]

# ------------------------------------------------------------------------------------------ propagators
#
# The engine steps an augmented state z = [x; r]: the amounts x of the states that matter for what is observed
# and the infusion rates r into the sites that have any.  With r constant over an interval,
# z(t + d) = E(d) z(t), E(d) = exp([[A, B], [0, 0]] d) = [[Phi(d), Gamma(d) B], [0, I]].  On the uniform grid the
# observed values of j steps after a block start are T_j z with T_j = H E(h)^j, so a whole block of output points
# is one matrix product per patient, and all blocks of the same length are one stacked product.

CACHE_BYTES = 256 * 2**20  # bound of the propagator cache (matrix exponentials, powers and output tables)
_CACHE_ENTRIES = 64
_TABLE_BYTES = 32 * 2**20  # bound of one output table T_j (n_pat x n_obs x m x block)
_MAX_BLOCK = 512
_DERIVE_MAX = 64  # E(k h) from a cached E(h) by powering when k <= this (instead of a new exponential)


def _key(d: float) -> float:
    return round(d, 10)


class _Propagators:
    """E(d), powers E(h)^j and output tables T_j for one batch of augmented matrices, computed on demand and kept.

    Safe to share between threads: entries are only ever added (a lost race repeats a computation).
    """

    def __init__(self, aug: np.ndarray, obs: np.ndarray):
        self.aug = aug  # (n_pat, m, m): [[A, B], [0, 0]] on the kept states and sites
        self.obs = obs  # (n_pat, n_obs, m): observation rows (zero on the rate part)
        self.n_pat, self.m = aug.shape[0], aug.shape[1]
        self._exp: dict[float, np.ndarray] = {}
        self._exp_d: dict[float, float] = {}  # the step each E(d) was computed for (keys are rounded)
        self._squares: dict[float, list[np.ndarray]] = {}  # E(h)^(2^i), i = 0, 1, ...
        self._powers: dict[tuple[float, int], np.ndarray] = {}
        self._ends: dict[tuple[float, int, float], np.ndarray] = {}
        self._tables: dict[float, np.ndarray] = {}

    @property
    def nbytes(self) -> int:
        arrays = [
            self.aug,
            self.obs,
            *self._exp.values(),
            *(s for sq in list(self._squares.values()) for s in sq),
            *self._powers.values(),
            *self._ends.values(),
            *self._tables.values(),
        ]
        return sum(a.nbytes for a in arrays)

    def step(self, d: float) -> np.ndarray:
        """E(d), shape (n_pat, m, m)."""
        key = _key(d)
        hit = self._exp.get(key)
        if hit is None:
            for h0 in list(self._exp_d.values()):
                k = round(d / h0)
                if 2 <= k <= _DERIVE_MAX and abs(d - k * h0) <= 1e-12 * d:
                    hit = self.power(h0, k)
                    break
            else:
                hit = expm_batch(self.aug * d)
            self._exp[key] = hit
            self._exp_d[key] = d
        return hit

    def _square(self, h: float, i: int) -> np.ndarray:
        sq = self._squares.setdefault(_key(h), [self.step(h)])
        while len(sq) <= i:
            sq.append(sq[-1] @ sq[-1])
        return sq[i]

    def power(self, h: float, j: int) -> np.ndarray:
        """E(h)^j for j >= 1, by binary powering from the squares E(h)^(2^i)."""
        key = (_key(h), j)
        hit = self._powers.get(key)
        if hit is None:
            hit = None
            i = 0
            while j >> i:
                if (j >> i) & 1:
                    s = self._square(h, i)
                    hit = s if hit is None else s @ hit
                i += 1
            assert hit is not None
            if j & (j - 1):  # powers of two are kept as squares already
                self._powers[key] = hit
        return hit

    def end(self, h: float, j: int, d: float) -> np.ndarray:
        """E(d) E(h)^j: from a block start to a time d after its point j (j = 0: E(d))."""
        if abs(d - h) <= MERGE_H:
            return self.power(h, j + 1)
        if j == 0:
            return self.step(d)
        key = (_key(h), j, _key(d))
        hit = self._ends.get(key)
        if hit is None:
            hit = self.step(d) @ self.power(h, j)
            self._ends[key] = hit
        return hit

    def table(self, h: float, block: int) -> np.ndarray:
        """T_j^T = (H E(h)^j)^T for j = 0..block-1, shape (n_pat, n_obs, m, block), by doubling."""
        key = _key(h)
        have = self._tables.get(key)
        if have is not None and have.shape[-1] >= block:
            return have
        n_obs = self.obs.shape[1]
        rows = self.obs[:, None]  # (n_pat, j, n_obs, m)
        i = 0
        while rows.shape[1] < block:
            k = rows.shape[1]
            more = (rows.reshape(self.n_pat, k * n_obs, self.m) @ self._square(h, i)).reshape(rows.shape)
            rows = np.concatenate([rows, more], axis=1)
            i += 1
        table = np.ascontiguousarray(rows[:, :block].transpose(0, 2, 3, 1))
        self._tables[key] = table
        return table


_SHARED: OrderedDict[bytes, _Propagators] = OrderedDict()
_SHARED_LOCK = threading.Lock()
_SHARING: contextvars.ContextVar[bool] = contextvars.ContextVar("pkmodels_share_propagators", default=True)


@contextlib.contextmanager
def unshared_propagators() -> Iterator[None]:
    """Within this block, solves build their propagators for themselves and leave the shared cache alone.

    For runs whose patients come in more chunks than the cache could keep (a 10,000-patient library run): no
    chunk's propagators would be asked for again, and keeping them would evict a dashboard's and hold up to
    :data:`CACHE_BYTES` beside the run's own outputs (measured: 208 of a 587 MB traced peak).
    """
    token = _SHARING.set(False)
    try:
        yield
    finally:
        _SHARING.reset(token)


def _digest(*arrays: np.ndarray) -> bytes:
    h = hashlib.sha256()  # with the CPU's SHA instructions about twice as fast as blake2b here
    for arr in arrays:
        arr = np.ascontiguousarray(arr)
        h.update(repr((arr.shape, arr.dtype.str)).encode())
        h.update(arr.tobytes())
    return h.digest()


def _propagators(aug: np.ndarray, obs: np.ndarray) -> _Propagators:
    """Propagators for the augmented matrices ``aug`` and observation rows ``obs``, shared by every call with the
    same matrices (content-keyed, least recently used first out, bounded by :data:`CACHE_BYTES` in total).

    A dashboard rerun usually keeps the patients and changes a dose; the run on a therapy and the run after
    stopping it use the same patients: their matrix exponentials and output tables are computed once.
    """
    if not _SHARING.get():
        return _Propagators(np.array(aug), np.array(obs))
    key = _digest(aug, obs)
    with _SHARED_LOCK:
        prop = _SHARED.get(key)
        if prop is not None:
            _SHARED.move_to_end(key)
            return prop
        prop = _Propagators(np.array(aug), np.array(obs))
        _SHARED[key] = prop
    _trim_cache()
    return prop


def _trim_cache() -> None:
    """Evict least recently used propagators until the cache is within its bounds (the newest always stays)."""
    with _SHARED_LOCK:
        total = sum(p.nbytes for p in _SHARED.values())
        while len(_SHARED) > 1 and (total > CACHE_BYTES or len(_SHARED) > _CACHE_ENTRIES):
            _, old = _SHARED.popitem(last=False)
            total -= old.nbytes


def clear_cache() -> None:
    """Forget every cached propagator (benchmarks time cold runs with it)."""
    with _SHARED_LOCK:
        _SHARED.clear()


def cache_info() -> dict[str, int]:
    """Entries and bytes held by the propagator cache."""
    with _SHARED_LOCK:
        return {"entries": len(_SHARED), "bytes": sum(p.nbytes for p in _SHARED.values())}


def _observe(obs: np.ndarray | Sequence[int] | None, n_pat: int) -> np.ndarray:
    """An observation matrix (n_pat, n_obs, N_STATES) from a matrix, a list of state indices, or None (all)."""
    if obs is None:
        return np.broadcast_to(np.eye(N_STATES), (n_pat, N_STATES, N_STATES))
    if isinstance(obs, np.ndarray) and obs.ndim == 3:
        return np.broadcast_to(obs, (n_pat, *obs.shape[1:]))
    rows = np.eye(N_STATES)[list(obs)]
    return np.broadcast_to(rows, (n_pat, *rows.shape))


def influencing_states(a: np.ndarray, obs: np.ndarray) -> np.ndarray:
    """Indices of the states whose amounts can reach an observed row (through ``a``), in state order.

    Every other state leaves the observed values untouched (nothing flows from it to a kept state), so the
    observed values can be computed exactly on the kept states alone.
    """
    flows = np.any(a != 0, axis=0)  # flows[i, j]: state j feeds state i (for some patient)
    kept = np.any(obs != 0, axis=(0, 1))
    while True:
        more = kept | np.any(flows[kept], axis=0)
        if (more == kept).all():
            return np.flatnonzero(kept)
        kept = more


@dataclass(frozen=True)
class LinearSolution:
    """What :func:`solve_observed` returns: observed values and the state at the last grid time.

    ``values`` has shape (n_patients, n_observed, n_times); ``state`` (n_patients, len(states)) holds the amounts
    of ``states`` only (every state with ``full_state=True``, else those that reach an observed row).
    """

    values: np.ndarray
    state: np.ndarray
    states: np.ndarray
    state_before_jumps: np.ndarray  # the same state without the boluses given at the last grid time

    def full_state(self) -> np.ndarray:
        """The state as (n_patients, N_STATES); an error if some states were not computed."""
        if self.states.size != N_STATES:
            raise ValueError("this solution kept only the states that reach the observed rows")
        return self.state


def solve_observed(
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
    full_state: bool = True,
) -> LinearSolution:
    """:func:`solve_linear` with the observed values as (n_patients, n_observed, n_times) -- each observed
    quantity a contiguous time course -- and, with ``full_state=False``, only the states that reach the observed
    rows computed (exact: the others do not influence them)."""
    n_pat = a.shape[0]
    b_in = _default_inputs(n_pat) if inputs is None else np.broadcast_to(inputs, (n_pat, N_STATES, len(SITES)))
    obs_full = _observe(observe, n_pat)
    times = t_start_h + step_h * np.arange(n_times)
    t_end = float(times[-1])
    bps, jumps = breakpoints(events, t_start_h, t_end)
    rates = segment_rates(events, bps)
    kept = np.arange(N_STATES) if full_state else influencing_states(a, obs_full)
    sites = np.flatnonzero(np.any(rates != 0, axis=0))  # sites with an infusion: the rate part of z
    n_x, m = kept.size, kept.size + sites.size
    aug = np.zeros((n_pat, m, m))
    aug[:, :n_x, :n_x] = a[:, kept[:, None], kept]
    aug[:, :n_x, n_x:] = b_in[:, kept[:, None], sites]
    obs = np.zeros((n_pat, obs_full.shape[1], m))
    obs[:, :, :n_x] = obs_full[:, :, kept]
    prop = _propagators(aug, obs)
    n_obs = obs.shape[1]

    z = np.zeros((n_pat, m))
    if x0 is not None:
        z[:, :n_x] = np.broadcast_to(x0, (n_pat, N_STATES))[:, kept]
    site_cols = [np.ascontiguousarray(b_in[:, kept, j]) for j in range(len(SITES))]  # where a bolus goes
    if block is None:  # output tables bounded to _TABLE_BYTES
        block = int(np.clip(_TABLE_BYTES // (8 * n_pat * n_obs * m), 8, _MAX_BLOCK))
    block = max(1, min(block, n_times))
    plan = _block_plan(times, bps, block)
    zb = np.empty((n_pat, len(plan), m))  # the augmented state at each block start

    def kick(i: int) -> None:
        for j in np.flatnonzero(jumps[i]):
            z[:, :n_x] += jumps[i, j] * site_cols[j]

    def advance(mat: np.ndarray) -> None:
        z[...] = np.matmul(mat, z[..., None])[..., 0]

    blk = 0
    for i, (a_t, b_t) in enumerate(itertools.pairwise(bps)):
        kick(i)
        z[:, n_x:] = rates[i, sites]
        k, k_end = plan_range(plan, blk, i)
        if k < k_end:
            if times[k] - a_t > MERGE_H:
                advance(prop.step(times[k] - a_t))
            while True:
                zb[:, blk] = z
                mq = plan[blk][2]
                blk += 1
                if blk == len(plan) or plan[blk][0] != i:
                    break
                advance(prop.power(step_h, block))
            d_end = b_t - times[k_end - 1]
            if d_end > MERGE_H:
                advance(prop.end(step_h, mq - 1, d_end))
            elif mq > 1:
                advance(prop.power(step_h, mq - 1))
        elif b_t - a_t > MERGE_H:
            advance(prop.step(b_t - a_t))
    before = z[:, :n_x].copy()
    kick(len(bps) - 1)

    out = np.empty((n_pat, n_obs, n_times))
    out[:, :, -1] = np.matmul(obs, z[..., None])[..., 0]
    if plan:
        table = prop.table(step_h, max(p[2] for p in plan))
        lengths = np.array([p[2] for p in plan])
        firsts = np.array([p[1] for p in plan])
        for mq in np.unique(lengths):
            sel = np.flatnonzero(lengths == mq)
            k0 = firsts[sel]
            zs = zb[:, None] if sel.size == len(plan) else zb[:, None, sel]  # (n_pat, 1, n_blocks, m)
            if np.all(np.diff(k0) == mq):  # consecutive blocks: straight into the output
                view = out[:, :, k0[0] : k0[0] + k0.size * mq].reshape(n_pat, n_obs, k0.size, mq)
                np.matmul(zs, table[..., :mq], out=view)
            else:
                vals = zs @ table[..., :mq]
                out[:, :, (k0[:, None] + np.arange(mq)).ravel()] = vals.reshape(n_pat, n_obs, -1)
    _trim_cache()
    return LinearSolution(out, z[:, :n_x].copy(), kept, before)


def _block_plan(times: np.ndarray, bps: np.ndarray, block: int) -> list[tuple[int, int, int]]:
    """The output blocks: (interval index, first grid index, number of points) for every run of at most ``block``
    grid points inside one interval between breakpoints, in time order."""
    plan = []
    k = 0
    for i, b_t in enumerate(bps[1:]):
        k_end = int(np.searchsorted(times, b_t - EVENT_TOL_H, side="left"))
        for q in range(k, k_end, block):
            plan.append((i, q, min(block, k_end - q)))
        k = max(k, k_end)
    return plan


def plan_range(plan: list[tuple[int, int, int]], blk: int, i: int) -> tuple[int, int]:
    """Grid indices [k, k_end) of interval ``i`` whose first block is ``plan[blk]`` (empty if it has none)."""
    if blk < len(plan) and plan[blk][0] == i:
        first = plan[blk][1]
        j = blk
        while j + 1 < len(plan) and plan[j + 1][0] == i:
            j += 1
        return first, plan[j][1] + plan[j][2]
    return 0, 0


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
    body), shape (n_patients, N_STATES) or (N_STATES,).  ``block`` is the number of output points evaluated
    from one block start (default: as many as keep the output table within 32 MB).
    """
    sol = solve_observed(
        a, events, t_start_h, step_h, n_times, x0, inputs=inputs, observe=observe, block=block, full_state=True
    )
    return sol.values.transpose(0, 2, 1), sol.state


def _default_inputs(n_pat: int) -> np.ndarray:
    """The input matrix of the typical patient (catheter tip at T10), for callers that give none."""
    return np.broadcast_to(input_matrix(default_params())[0], (n_pat, N_STATES, len(SITES)))
