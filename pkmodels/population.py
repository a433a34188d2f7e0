"""Virtual patient populations: seeded variability, percentile bands and fractions of patients.

Between-patient variability is log-normal and median-preserving: every parameter with ``cv_percent > 0``
in :data:`~pkmodels.parameters.PARAMETER_SPECS` is multiplied by ``exp(eta)``, ``eta ~ N(0, omega^2)``,
``omega^2 = ln(1 + CV^2)``, after the patient's covariates (weight, age, renal function) have been
applied.  The random numbers come from ``numpy.random.default_rng(seed)`` as one fixed
``(N_MAX, n_parameters)`` matrix, so patient ``i`` of a population depends only on the seed: a shared
link (scenario + seed + n) reproduces the same virtual patients, and a larger ``n`` only adds patients.

A population is simulated with the same engine and PD as a single patient
(:func:`pkmodels.model.simulate_arrays`), vectorised over the patient axis and run in chunks of patients
to bound memory; only the five banded time courses (as float32) and per-patient summaries are kept.
:func:`grid_step_min` and :func:`chunk_size` are the output grid and the chunk size a population run uses.

Kidney-function groups are in :mod:`pkmodels.renal`, the dose equivalence across a population in
:mod:`pkmodels.equivalence`.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import columns as col
from . import engine
from ._kernels import numba_enabled, population_pd_kernel
from .events import EVENT_TOL_H, EventTable
from .filters import filter_coefficients
from .metrics import first_time_at_or_above, mean_over_last
from .model import scenario_events, state_at_zero, typical_params
from .parameters import ModelParams
from .pd import (
    COMEDICATIONS,
    SEDATION_THRESHOLDS,
    WITHDRAWAL_THRESHOLDS,
    PDSettings,
    PDState,
    pd_course,
    relief_ashworth,
    sedation_of,
    site_stimulation,
    stage_of,
    withdrawal_indices,
)
from .sampling import N_LIBRARY_MAX, N_MAX, N_MIN, check_n, omega, sample_params, standard_normal_draws
from .scenario import MAX_POINTS, Scenario
from .thresholds import USUAL_PLASMA_RANGE_NG_PER_ML

# Grid of the prior-therapy stretch for populations: only the end state (exact) and the slow adaptation
# matter there; 1 h instead of the single-patient 0.25 h cut a 1000-patient stop run from ~500 to ~340 ms
# with every reported fraction within 0.1 percentage point (measured on the Population page's scenarios).
PRIOR_STEP_H = 1.0

__all__ = [
    "BAND_LEVELS",
    "BAND_OUTPUTS",
    "DEFAULT_CHUNK",
    "FRACTION_MARKED_SEDATION",
    "FRACTION_PLASMA_IN_USUAL_RANGE",
    "FRACTION_RELIEF_1_POINT",
    "FRACTION_SEVERE_WITHDRAWAL",
    "N_LIBRARY_MAX",
    "N_MAX",
    "N_MIN",
    "PERCENTILES",
    "PRIOR_STEP_H",
    "PopulationResult",
    "band_label",
    "check_n",
    "chunk_size",
    "grid_step_min",
    "omega",
    "sample_params",
    "simulate_population",
    "simulate_population_and_stop",
    "standard_normal_draws",
]

PERCENTILES = (5, 25, 50, 75, 95)
BAND_LEVELS: dict[int, tuple[int, int]] = {90: (5, 95), 50: (25, 75)}  # share of patients -> percentiles
DEFAULT_CHUNK = 250  # patients per vectorised call: ~190 MB traced peak for 28 days on a 15-min grid

# Banded output -> its column (a field of :class:`pkmodels.model.SimulationArrays`).
BAND_OUTPUTS: dict[str, str] = {
    "plasma": col.PLASMA,  # ng/mL
    "csf_lumbar": col.CSF_LUMBAR,  # ng/mL
    "relief": col.RELIEF,  # Ashworth points
    "sedation": col.SEDATION,  # 0..1
    "withdrawal": col.WITHDRAWAL,  # severity index
}

MARKED_SEDATION_STAGE = 2  # SEDATION_STAGES[2] == "marked"
SEVERE_WITHDRAWAL_STAGE = 3  # WITHDRAWAL_STAGES[3] == "severe"
WITHDRAWAL_ONSET_STAGE = 2  # "moderate", as in the single-patient summary
RELIEF_POINTS = 1.0

FRACTION_PLASMA_IN_USUAL_RANGE = "plasma average over the last 24 h within the usual 80–400 ng/mL"
FRACTION_MARKED_SEDATION = "marked sedation or deeper at some time"
FRACTION_RELIEF_1_POINT = "relief of at least 1 Ashworth point (average over the last 24 h)"
FRACTION_SEVERE_WITHDRAWAL = "severe withdrawal or worse at some time"


# ------------------------------------------------------------------------------- population run


def band_label(level: int, n: int) -> str:
    """Legend text of a band: ``band_label(90, 1000)`` -> "90 % of 1000 simulated patients"."""
    if level not in BAND_LEVELS:
        raise ValueError(f"band level must be one of {sorted(BAND_LEVELS)}, got {level!r}")
    return f"{level} % of {n} simulated patients"


@dataclass(frozen=True, eq=False)
class PopulationResult:
    """A simulated population: percentile bands over time and one summary value per patient.

    ``bands[output][p]`` is the p-th percentile (p in :data:`PERCENTILES`) across patients at each time
    of ``times_h``; outputs are "plasma" and "csf_lumbar" (ng/mL), "relief" (Ashworth points),
    "sedation" (index 0..1) and "withdrawal" (severity index).  The time courses behind the bands are
    kept as float32, so band values carry ~1e-7 relative rounding.  Per-patient arrays have shape (n,)
    and are computed in float64.
    """

    times_h: np.ndarray
    n: int
    seed: int
    step_min: float
    bands: dict[str, dict[int, np.ndarray]]
    plasma_cavg_ng_per_ml: np.ndarray  # average over the last 24 h
    plasma_cmax_ng_per_ml: np.ndarray  # over the run
    relief_mean_last_24h_ashworth: np.ndarray
    sedation_peak_stage: np.ndarray  # 0..4, SEDATION_STAGES
    withdrawal_peak_stage: np.ndarray  # 0..4, WITHDRAWAL_STAGES
    withdrawal_onset_h: np.ndarray  # first time at "moderate" or worse; NaN if never
    fractions: dict[str, float]
    params: ModelParams  # the sampled parameter sets, arrays of shape (n,)

    def label(self, level: int) -> str:
        """Legend text for the 90 % (5th-95th percentile) or 50 % (25th-75th) band."""
        return band_label(level, self.n)

    def band(self, output: str, level: int) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper edge of the ``level`` % band of ``output``."""
        lo, hi = BAND_LEVELS[level]
        return self.bands[output][lo], self.bands[output][hi]

    def bands_frame(self) -> pd.DataFrame:
        """The bands as a table: ``time_h`` and one column ``<output>_p<percentile>`` per band edge."""
        cols: dict[str, np.ndarray] = {col.TIME: self.times_h}
        for out, by_p in self.bands.items():
            cols.update({f"{out}_p{p}": v for p, v in by_p.items()})
        return pd.DataFrame(cols)


def _check_step(scenario: Scenario, step_min: float) -> float:
    if not (math.isfinite(step_min) and 1.0 <= step_min <= 60.0):
        raise ValueError(f"step_min must be within 1..60 minutes, got {step_min!r}")
    points = round(scenario.duration_h * 60.0 / step_min) + 1
    if points > MAX_POINTS:
        raise ValueError(f"duration_h / step_min gives {points} points; at most {MAX_POINTS}")
    return step_min / 60.0


def simulate_population(
    scenario: Scenario,
    n: int = 500,
    seed: int = 1,
    step_min: float = 15.0,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    base: ModelParams | None = None,
    cv_percent: Mapping[str, float] | None = None,
    max_n: int = N_MAX,
) -> PopulationResult:
    """Simulate ``n`` virtual patients of ``scenario`` (its overrides, covariates, co-medication, baseline
    and prior therapy) on a ``step_min``-minute grid (the scenario's own output step is not used).

    Patients are simulated ``chunk_size`` at a time (one vectorised call per chunk, no loop over patients):
    the exact PK of the four concentrations the outputs need (plasma, lumbar CSF, the legs' cord, brain
    exposure), then the PD filters of the spinal and supraspinal sites, time-major, into the float32 band
    stores.  The numbers are those of :func:`pkmodels.model.simulate_arrays` on the same patients (the tests
    check it).  Overrides in the scenario set the typical value around which patients vary; ``max_n``
    allows populations beyond :data:`N_MAX` (up to :data:`N_LIBRARY_MAX`) for library callers.
    """
    params, chunk_size = _run_settings(scenario, n, seed, step_min, chunk_size, base, cv_percent, max_n)
    return _Run(scenario, params, seed, step_min, chunk_size).simulate()


def simulate_population_and_stop(
    scenario: Scenario,
    stop_scenario: Scenario,
    n: int = 500,
    seed: int = 1,
    step_min: float = 15.0,
    stop_step_min: float = 60.0,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    base: ModelParams | None = None,
    cv_percent: Mapping[str, float] | None = None,
    max_n: int = N_MAX,
) -> tuple[PopulationResult, PopulationResult]:
    """``simulate_population`` of ``scenario`` and of ``stop_scenario`` (usually
    :func:`pkmodels.compare.stop_now` of it), same patients, in one go.

    The stop scenario's prior therapy is the therapy run itself, so where that holds exactly -- the same
    patients, its events before time 0 are the therapy's events shifted back by the run's duration, and its
    prior-therapy grid is a subsample of the therapy's grid -- the stop run starts from the therapy run's end
    (PK state before the last grid time's doses, adaptation and symptom states continued over the subsampled
    stimulation) instead of simulating the whole therapy again.  The numbers are the same as two separate calls
    to rounding (the tests check it); otherwise the stop run is simulated on its own.
    """
    params, chunk_size = _run_settings(scenario, n, seed, step_min, chunk_size, base, cv_percent, max_n)
    stop_params, _ = _run_settings(stop_scenario, n, seed, stop_step_min, chunk_size, base, cv_percent, max_n)
    run = _Run(scenario, params, seed, step_min, chunk_size)
    follow = _Run(stop_scenario, stop_params, seed, stop_step_min, chunk_size)
    sub = _continuation_subsample(run, follow)
    if sub is None:
        return run.simulate(), follow.simulate()
    therapy = run.simulate(keep_ends=True)
    return therapy, follow.simulate(starts=[end.start(sub, run) for end in run.ends])


def _run_settings(
    scenario: Scenario,
    n: int,
    seed: int,
    step_min: float,
    chunk_size: int,
    base: ModelParams | None,
    cv_percent: Mapping[str, float] | None,
    max_n: int,
) -> tuple[ModelParams, int]:
    n = check_n(n, max_n)
    _check_step(scenario, step_min)
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    params = sample_params(
        typical_params(scenario, base), scenario.patient, n, seed, cv_percent=cv_percent, max_n=max_n
    )
    return params, chunk_size


# What the population outputs need from the PK: the concentrations banded, and the PD drivers (the legs' cord
# effect site; the brain exposure as one row, (1 - f) fast + f slow, instead of two).
_PK_ROWS = ("plasma", "csf_lumbar", "ce_legs", "ce_brain", "ce_brain_slow")
_PD_SITES = ("spinal", "supraspinal")  # the cervical site feeds no population output


def _observation_rows(p: ModelParams) -> np.ndarray:
    rows = engine.observation_matrix(p, _PK_ROWS)
    f = p.brain_slow_fraction[:, None]
    return np.concatenate([rows[:, :3], ((1.0 - f) * rows[:, 3] + f * rows[:, 4])[:, None]], axis=1)


@dataclass(frozen=True)
class _Start:
    """Where a stretch starts: PK state just before time 0 (the states that reach the observed rows; zeros
    elsewhere, which do not influence them) and the slow PD states."""

    x0: np.ndarray | None
    pd_state: PDState


@dataclass(frozen=True)
class _ChunkEnd:
    """What a continuation needs from one chunk of a therapy run."""

    pd0: PDState  # PD states at the therapy's time 0
    stim: dict[str, np.ndarray]  # stimulation over the run (n_chunk, n_times), last point before its doses
    x_pre: np.ndarray  # full-length state just before the doses at the last grid time
    params: ModelParams

    def start(self, every: int, run: _Run) -> _Start:
        """Start of the stop run: the PD filters continued over every ``every``-th point of the therapy run."""
        times = run.times[::every]
        stim = {s: v[:, ::every] for s, v in self.stim.items()}
        compiled = _compiled_pd(times, stim, self.params, self.pd0, keep_adapt=False)
        if compiled is not None:
            return _Start(self.x_pre, compiled[-1])
        course = pd_course(times, stim, self.params, self.pd0, sites=_PD_SITES)
        return _Start(self.x_pre, course.state)


class _Run:
    """One population run: the patients, the events as absorbed, the grid, chunk by chunk."""

    def __init__(self, scenario: Scenario, params: ModelParams, seed: int, step_min: float, chunk_size: int):
        self.scenario = scenario
        self.params = params
        self.n = params.n_patients
        self.seed = int(seed)
        self.step_min = float(step_min)
        self.step_h = step_min / 60.0
        self.chunk_size = chunk_size
        self.events = engine.absorbed(scenario_events(scenario), params)
        self.prior_h = scenario.prior_therapy_days * 24.0
        self.times = self.step_h * np.arange(round(scenario.duration_h / self.step_h) + 1)
        self.ends: list[_ChunkEnd] = []

    def slices(self) -> list[slice]:
        return [slice(i0, min(self.n, i0 + self.chunk_size)) for i0 in range(0, self.n, self.chunk_size)]

    def simulate(self, *, keep_ends: bool = False, starts: list[_Start] | None = None) -> PopulationResult:
        n, times = self.n, self.times
        store = {k: np.empty((times.size, n), dtype=np.float32) for k in BAND_OUTPUTS}
        summary: dict[str, np.ndarray] = {}
        # Beyond the dashboard's sizes no chunk's propagators are asked for again: build them per chunk.
        with contextlib.nullcontext() if n <= N_MAX else engine.unshared_propagators():
            for i, sl in enumerate(self.slices()):
                cols = self._chunk(self.params.take(sl), None if starts is None else starts[i], keep_ends)
                for out in BAND_OUTPUTS:
                    store[out][:, sl] = cols[out].T  # time-major already: contiguous rows
                for k, v in _patient_summary(times, cols).items():
                    summary.setdefault(k, np.empty(n, dtype=v.dtype))[sl] = v
                del cols
        bands = {out: _percentiles_of_rows(store.pop(out)) for out in BAND_OUTPUTS}
        return PopulationResult(
            times_h=times,
            n=n,
            seed=self.seed,
            step_min=self.step_min,
            bands=bands,
            fractions=_fractions(summary),
            params=self.params,
            **summary,
        )

    def _chunk(self, p: ModelParams, start: _Start | None, keep_end: bool) -> dict[str, np.ndarray]:
        """Band outputs of one chunk, each (n_chunk, n_times) as a transposed view of a time-major array."""
        settings = self.scenario.pd_settings
        p = p.as_arrays()
        a = engine.rate_matrix(p)
        if start is None:
            x0, pd0 = state_at_zero(a, p, self.events, self.prior_h, PRIOR_STEP_H, settings)
        else:
            x0, pd0 = start.x0, start.pd_state
        obs = _observation_rows(p)
        sol = engine.solve_observed(
            a, self.events, 0.0, self.step_h, self.times.size, x0,
            inputs=engine.input_matrix(p), observe=obs, full_state=False,
        )  # fmt: skip
        time_major = np.empty((4, self.times.size, p.n_patients))
        np.copyto(time_major, sol.values.transpose(1, 2, 0))  # one strided copy: twice as fast as four
        plasma, lumbar, legs, brain = (v.T for v in time_major)
        kept, x_end = sol.states, sol.state_before_jumps
        del sol  # the (patients, rows, times) values: time-major copies above
        stim = site_stimulation(legs, None, brain, p)
        relief, sedation, withdrawal = _population_pd(self.times, stim, brain, p, pd0, settings)
        if keep_end:
            x_pre = np.zeros((p.n_patients, engine.N_STATES))
            x_pre[:, kept] = x_end
            last = np.einsum("pob,pb->po", obs[:, :, kept], x_end)
            before = site_stimulation(last[:, 2:3], None, last[:, 3:4], p)  # the last point without its doses
            stim_end = {s: np.concatenate([v[:, :-1], before[s]], axis=1) for s, v in stim.items()}
            self.ends.append(_ChunkEnd(pd0, stim_end, x_pre, p))
        return {
            "plasma": plasma,
            "csf_lumbar": lumbar,
            "relief": relief,
            "sedation": sedation,
            "withdrawal": withdrawal,
        }


def _population_pd(
    times: np.ndarray,
    stim: dict[str, np.ndarray],
    brain: np.ndarray,
    p: ModelParams,
    pd0: PDState,
    settings: PDSettings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relief, sedation and withdrawal index (n_patients, n_times) from the spinal and supraspinal stimulation:
    :func:`pkmodels.pd.pd_course` and the readouts' formulas, or the same operations in one compiled pass
    (:mod:`pkmodels._kernels`) when numba is available."""
    comedicated = bool(COMEDICATIONS[settings.comedication].equivalent_ng_per_ml * settings.comedication_intensity)
    compiled = _compiled_pd(times, stim, p, pd0, keep_adapt=comedicated, baseline_ashworth=settings.baseline_ashworth)
    if compiled is None:
        course = pd_course(times, stim, p, pd0, sites=_PD_SITES)
        return (
            relief_ashworth(course.net["spinal"], p, settings.baseline_ashworth),
            sedation_of(brain, course.adapt["supraspinal"], course.net["supraspinal"], p, settings),
            withdrawal_indices(course.symptoms, p)[2],
        )
    relief, net_sup, withdrawal, adapt, _ = compiled
    adapt_sup = (adapt[0].T, adapt[1].T) if comedicated else (net_sup.T, net_sup.T)  # unused without co-medication
    return relief.T, sedation_of(brain, adapt_sup, net_sup.T, p, settings), withdrawal.T


def _compiled_pd(
    times: np.ndarray,
    stim: dict[str, np.ndarray],
    p: ModelParams,
    pd0: PDState,
    *,
    keep_adapt: bool,
    baseline_ashworth: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, PDState] | None:
    """The PD filters of the spinal and supraspinal sites in one compiled pass, time-major: relief (scaled by
    ``baseline_ashworth``), supraspinal net tone, withdrawal index, the supraspinal adaptation if ``keep_adapt``
    (else a placeholder), and the states at the last time (as :func:`pkmodels.pd.pd_course` gives them, NaN for
    the cervical site).  None where the kernel does not apply (numba absent or off, a non-uniform grid, one
    patient): then :func:`pkmodels.pd.pd_course` is the path."""
    n = next(iter(stim.values())).shape[0]
    coef = [
        filter_coefficients(times, tau, n)
        for tau in (p.tau_adapt_fast_days * 24.0, p.tau_adapt_slow_days * 24.0, p.tau_symptom_h)
    ]
    if not (numba_enabled() and all(c[0].shape[1] == 1 for c in coef) and n > 1):
        return None
    table = np.stack(
        [*(x[:, 0] for c in coef for x in c), p.adaptation_gain_fast, p.adaptation_gain_slow,
         baseline_ashworth * p.relief_max_fraction, p.withdrawal_weight_spinal,
         p.withdrawal_weight_supraspinal]
    )  # fmt: skip
    state = np.stack(
        [*pd0.adapt["spinal"], *pd0.adapt["supraspinal"], *pd0.symptoms["spinal"], *pd0.symptoms["supraspinal"]]
    ).astype(float)
    n_t = times.size
    relief, net_sup, withdrawal = (np.empty((n_t, n)) for _ in range(3))
    adapt = np.empty((2, n_t, n) if keep_adapt else (2, 1, 1))
    s_sp, s_sup = (np.ascontiguousarray(stim[s].T) for s in _PD_SITES)
    population_pd_kernel()(s_sp, s_sup, table, state, relief, net_sup, withdrawal, adapt, keep_adapt)
    nan = np.full(n, np.nan)
    end = PDState(
        {"spinal": (state[0], state[1]), "cervical": (nan, nan), "supraspinal": (state[2], state[3])},
        {"spinal": (state[4], state[5]), "supraspinal": (state[6], state[7])},
    )
    return relief, net_sup, withdrawal, adapt, end


def _same_params(a: ModelParams, b: ModelParams) -> bool:
    return all(
        np.array_equal(np.asarray(x), np.asarray(y)) for (_, x), (_, y) in zip(a.items(), b.items(), strict=True)
    )


def _prior_grid_step(prior_h: float) -> float:
    return prior_h / max(1, math.ceil(prior_h / PRIOR_STEP_H - 1e-9))


def _continuation_subsample(run: _Run, follow: _Run) -> int | None:
    """Every how many therapy grid points the stop run's prior-therapy grid falls, if the stop run is exactly the
    therapy run's continuation (see :func:`simulate_population_and_stop`); None if it is not."""
    d1, p1, p2 = run.scenario.duration_h, run.prior_h, follow.prior_h
    if not _same_params(run.params, follow.params) or abs(p2 - (p1 + d1)) > 1e-9 or p2 <= 0:
        return None
    delta = _prior_grid_step(p2)
    every = round(delta / run.step_h)
    aligned = every >= 1 and abs(delta - every * run.step_h) <= 1e-9 * delta
    if not aligned or abs(d1 / delta - round(d1 / delta)) > 1e-9 or run.times.size != round(d1 / run.step_h) + 1:
        return None
    if p1 > 0 and (abs(_prior_grid_step(p1) - delta) > 1e-12 * delta or abs(p1 / delta - round(p1 / delta)) > 1e-9):
        return None
    before = _normalized(follow.events, -p2, 0.0, 0.0)
    therapy = _normalized(run.events, -p1, d1, -d1)
    return every if _close(before, therapy) else None


def _normalized(events: EventTable, lo: float, hi: float, shift: float) -> tuple[list, list]:
    """The events in [lo, hi) shifted by ``shift``: boluses (time, site, amount) summed per time and site, and the
    infusion rate per site as (start, stop, rate) pieces with neighbours of equal rate merged."""
    tol = EVENT_TOL_H
    boluses: dict[tuple[float, str], float] = {}
    for b in events.boluses:
        if lo - tol <= b.time_h < hi - tol:
            key = (round(b.time_h + shift, 9), b.site)
            boluses[key] = boluses.get(key, 0.0) + b.amount_ug
    pieces = []
    for site in sorted({i.site for i in events.infusions}):
        mine = [i for i in events.infusions if i.site == site]
        edges = sorted({min(max(t, lo), hi) for i in mine for t in (i.start_h, i.stop_h)} | {lo, hi})
        merged: list[list[float]] = []
        for t0, t1 in itertools.pairwise(edges):
            if t1 - t0 <= tol:
                continue
            rate = sum(i.rate_ug_per_h for i in mine if i.start_h <= t0 + tol and i.stop_h >= t1 - tol)
            if merged and abs(merged[-1][2] - rate) <= 1e-12 * max(abs(rate), 1.0) and abs(merged[-1][1] - t0) <= tol:
                merged[-1][1] = t1
            else:
                merged.append([t0, t1, rate])
        pieces += [(site, t0 + shift, t1 + shift, r) for t0, t1, r in merged if r != 0.0]
    return sorted((t, site, amt) for (t, site), amt in boluses.items() if amt != 0.0), pieces


def _close(x: tuple[list, list], y: tuple[list, list]) -> bool:
    (bx, px), (by, py) = x, y
    if len(bx) != len(by) or len(px) != len(py):
        return False
    for (t0, s0, a0), (t1, s1, a1) in zip(bx, by, strict=True):
        if s0 != s1 or abs(t0 - t1) > 1e-9 or abs(a0 - a1) > 1e-12 * max(abs(a0), abs(a1)):
            return False
    for (s0, a0, b0, r0), (s1, a1, b1, r1) in zip(px, py, strict=True):
        if s0 != s1 or abs(a0 - a1) > 1e-9 or abs(b0 - b1) > 1e-9 or abs(r0 - r1) > 1e-12 * max(abs(r0), abs(r1)):
            return False
    return True


def _percentiles_of_rows(values: np.ndarray) -> dict[int, np.ndarray]:
    """:data:`PERCENTILES` of each row of ``values`` (sorted in place), as float64.

    Same definition as ``np.percentile(..., method="linear")``, but a row sort of float32 (SIMD) is several
    times faster than the partitions ``np.percentile`` does for five percentiles.
    """
    values.sort(axis=1)
    last = values.shape[1] - 1
    out: dict[int, np.ndarray] = {}
    for q in PERCENTILES:
        pos = q / 100.0 * last
        lo = math.floor(pos)
        hi = min(lo + 1, last)
        below = values[:, lo].astype(float)
        out[q] = below + (values[:, hi] - below) * (pos - lo)
    return out


def _patient_summary(times_h: np.ndarray, cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-patient summaries of one chunk (shape (n_chunk,)).  Stages are monotone in their index, so the peak
    stage is the stage of the peak index, and "moderate or worse" first happens where the index first reaches
    that stage's threshold."""
    plasma = cols["plasma"]
    w = cols["withdrawal"]
    return {
        "plasma_cavg_ng_per_ml": mean_over_last(times_h, plasma, 24.0),
        "plasma_cmax_ng_per_ml": plasma.max(axis=-1),
        "relief_mean_last_24h_ashworth": mean_over_last(times_h, cols["relief"], 24.0),
        "sedation_peak_stage": stage_of(cols["sedation"].max(axis=-1), SEDATION_THRESHOLDS),
        "withdrawal_peak_stage": stage_of(w.max(axis=-1), WITHDRAWAL_THRESHOLDS),
        "withdrawal_onset_h": first_time_at_or_above(times_h, w, WITHDRAWAL_THRESHOLDS[WITHDRAWAL_ONSET_STAGE - 1]),
    }


def _fractions(s: dict[str, np.ndarray]) -> dict[str, float]:
    lo, hi = USUAL_PLASMA_RANGE_NG_PER_ML
    cavg = s["plasma_cavg_ng_per_ml"]
    return {
        FRACTION_PLASMA_IN_USUAL_RANGE: float(np.mean((cavg >= lo) & (cavg <= hi))),
        FRACTION_MARKED_SEDATION: float(np.mean(s["sedation_peak_stage"] >= MARKED_SEDATION_STAGE)),
        FRACTION_RELIEF_1_POINT: float(np.mean(s["relief_mean_last_24h_ashworth"] >= RELIEF_POINTS)),
        FRACTION_SEVERE_WITHDRAWAL: float(np.mean(s["withdrawal_peak_stage"] >= SEVERE_WITHDRAWAL_STAGE)),
    }


# ------------------------------------------------------------------------------------ run settings

# Memory budget of one vectorised chunk: DEFAULT_CHUNK patients x 28 days on a 15-min grid.  Shorter runs take
# more patients per call (fewer Python-level steps; measured 1.5-2x faster).
_BUDGET_POINTS = DEFAULT_CHUNK * (28 * 24 * 4 + 1)


def grid_step_min(days: float) -> float:
    """Output grid of a population run: 15 min up to 2 days, 30 min beyond.

    Oral doses come every 8 h and plasma peaks about 1 h after a dose, so both grids have a point 1 h
    after every dose.  A 60-min grid was measured to move the share "plasma average in the usual range"
    by up to 6 percentage points (trapezoid error around the peaks) for 1000 patients; 30 min by about 1.
    """
    return 15.0 if days <= 2 else 30.0


def chunk_size(n: int, scenario: Scenario, step_min: float) -> int:
    """Patients per vectorised call: as many as the memory budget allows for this run's length (output grid
    plus the prior-therapy stretch of a stop run), at least :data:`DEFAULT_CHUNK`."""
    points = scenario.duration_h * 60.0 / step_min + 1 + scenario.prior_therapy_days * 24.0 / PRIOR_STEP_H
    largest = max(DEFAULT_CHUNK, _BUDGET_POINTS // max(1, math.ceil(points)))
    calls = math.ceil(n / largest)
    return max(1, math.ceil(n / calls))  # equal chunks: 2000 patients in two calls of 1000, not 1994 + 6
