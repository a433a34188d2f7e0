"""From a scenario to a result table: the one path every number in the product takes.

``simulate(scenario)`` = individual parameters (typical values, overrides, covariates) -> one event table
-> exact linear PK (with an optional prior-therapy stretch before time 0 on a coarser grid) -> PD ->
a pandas table with units in the column names, plus summary metrics.  ``simulate_arrays`` is the same
computation on arrays for many parameter sets at once (used by the population module).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import columns as col
from . import engine
from .covariates import individualize
from .engine import STATES
from .events import EVENT_TOL_H, IT_SITE, EventTable, compile_events, reservoir_empty_time_h
from .metrics import exposure_metrics, mean_over_last
from .neuraxis import level_cm
from .parameters import ModelParams, default_params
from .pd import COMEDICATIONS, SEDATION_STAGES, WITHDRAWAL_STAGES, PDReadouts, PDSettings, PDState, pharmacodynamics
from .scenario import Scenario
from .withdrawal import withdrawal_course

__all__ = [
    "OBSERVED",
    "SimulationArrays",
    "SimulationResult",
    "individual_params",
    "scenario_events",
    "simulate",
    "simulate_arrays",
    "state_at_zero",
    "summarize",
    "typical_params",
]

PRIOR_STEP_H = 0.25  # grid of the prior-therapy stretch (only its end state and the slow PD states matter)

OBSERVED = engine.OBSERVABLES  # concentrations the readouts need, in the order of SimulationArrays
_EFFECT_SITES = ("ce_legs", "ce_arms", "ce_brain", "ce_brain_slow")  # what the PD reads
_STAGE_NAMES = {"withdrawal": pd.Index(WITHDRAWAL_STAGES), "sedation": pd.Index(SEDATION_STAGES)}


def typical_params(scenario: Scenario, base: ModelParams | None = None) -> ModelParams:
    """Typical parameters (``base``, default :func:`~pkmodels.parameters.default_params`) with the scenario's
    overrides and its catheter tip: what a population of the scenario varies around."""
    base = default_params() if base is None else base
    return base.replace(**scenario.overrides, catheter_tip_cm=level_cm(scenario.catheter_tip))


def individual_params(scenario: Scenario, base: ModelParams | None = None) -> ModelParams:
    """Typical parameters with the scenario's overrides and catheter tip, then the patient's covariates."""
    return individualize(typical_params(scenario, base), scenario.patient)


def scenario_events(scenario: Scenario) -> EventTable:
    return compile_events(
        scenario.regimens,
        scenario.duration_h,
        pump=scenario.pump,
        failure=scenario.failure,
        prior_h=scenario.prior_therapy_days * 24.0,
    )


@dataclass(frozen=True)
class SimulationArrays:
    """Concentrations (ng/mL) and PD readouts of one or many parameter sets, each (n_patients, n_times);
    field names are the result-table columns (:mod:`pkmodels.columns`)."""

    times_h: np.ndarray
    plasma_ng_per_ml: np.ndarray
    csf_lumbar_ng_per_ml: np.ndarray
    csf_thoracic_ng_per_ml: np.ndarray
    csf_cervical_ng_per_ml: np.ndarray
    csf_cranial_ng_per_ml: np.ndarray
    effect_spinal_ng_per_ml: np.ndarray
    effect_cervical_ng_per_ml: np.ndarray
    effect_brain_ng_per_ml: np.ndarray
    pd: PDReadouts
    states: np.ndarray | None = None  # every engine state (amounts in ug), with ``keep_states``

    _CONCENTRATIONS = (
        col.PLASMA,
        col.CSF_LUMBAR,
        col.CSF_THORACIC,
        col.CSF_CERVICAL,
        col.CSF_CRANIAL,
        col.EFFECT_SPINAL,
        col.EFFECT_CERVICAL,
        col.EFFECT_BRAIN,
    )

    def columns(self) -> dict[str, np.ndarray]:
        """Column name -> array (n_patients, n_times) for every concentration and PD readout, in table order."""
        return {**{c: getattr(self, c) for c in self._CONCENTRATIONS}, **self.pd.columns()}

    def column(self, name: str) -> np.ndarray:
        """One concentration or PD readout by its column name."""
        return getattr(self, name) if name in self._CONCENTRATIONS else getattr(self.pd, name)


def state_at_zero(
    a: np.ndarray,
    params: ModelParams,
    events: EventTable,
    prior_h: float,
    prior_step_h: float = PRIOR_STEP_H,
    settings: PDSettings = PDSettings(),
) -> tuple[np.ndarray | None, PDState]:
    """PK state just before time 0 and slow PD states at time 0, after ``prior_h`` hours of the therapy in
    ``events`` (already extended back) on a ``prior_step_h`` grid; ``(None, zeros)`` without prior therapy.

    Only the end state and the slow PD states of this stretch matter, so its grid is coarser than the output
    grid; the PK part is exact whatever the grid, the adaptation (time constants: days and months) sees the
    stimulation linearly interpolated between grid points.
    """
    n_pat = a.shape[0]
    if prior_h <= 0:
        return None, PDState.zeros(n_pat)
    n_prior = max(1, math.ceil(prior_h / prior_step_h - 1e-9))
    obs = engine.observation_matrix(params, _EFFECT_SITES)
    pre, x0 = engine.solve_linear(
        a, events.before(0.0), -prior_h, prior_h / n_prior, n_prior + 1,
        inputs=engine.input_matrix(params), observe=obs,
    )  # fmt: skip
    t_pre = -prior_h + prior_h / n_prior * np.arange(n_prior + 1)
    legs, arms, brain_fast, brain_slow = np.moveaxis(pre, -1, 0)
    _, pd_state = pharmacodynamics(t_pre, legs, arms, brain_fast, brain_slow, params, settings)
    return x0, pd_state


def simulate_arrays(
    params: ModelParams,
    events: EventTable,
    duration_h: float,
    step_h: float,
    *,
    prior_h: float = 0.0,
    settings: PDSettings = PDSettings(),
    keep_states: bool = False,
    prior_step_h: float = PRIOR_STEP_H,
) -> SimulationArrays:
    """Concentrations and PD readouts for one or many parameter sets, as arrays (n_patients, n_times).

    With ``prior_h > 0`` the therapy in ``events`` (already extended back) runs from ``-prior_h`` to 0 on
    a ``prior_step_h`` grid first; the PK state and the slow PD states at time 0 carry over exactly.
    """
    a = engine.rate_matrix(params)
    events = engine.absorbed(events, params)
    x0, pd_state = state_at_zero(a, params, events, prior_h, prior_step_h, settings)
    n_times = round(duration_h / step_h) + 1
    times = step_h * np.arange(n_times)
    obs = engine.observation_matrix(params, OBSERVED)
    if keep_states:  # every state, and the observed rows from them
        states, _ = engine.solve_linear(a, events, 0.0, step_h, n_times, x0, inputs=engine.input_matrix(params))
        out = np.einsum("pob,ptb->pto", obs, states)
    else:
        out, _ = engine.solve_linear(
            a, events, 0.0, step_h, n_times, x0, inputs=engine.input_matrix(params), observe=obs
        )
        states = None
    c = dict(zip(OBSERVED, np.moveaxis(out, -1, 0), strict=True))
    readouts, _ = pharmacodynamics(
        times, c["ce_legs"], c["ce_arms"], c["ce_brain"], c["ce_brain_slow"], params, settings, pd_state
    )
    p = params.as_arrays(out.shape[0])
    brain = (1.0 - p.brain_slow_fraction[:, None]) * c["ce_brain"] + p.brain_slow_fraction[:, None] * c["ce_brain_slow"]
    return SimulationArrays(
        times, c["plasma"], c["csf_lumbar"], c["csf_thoracic"], c["csf_cervical"], c["csf_cranial"],
        c["ce_legs"], c["ce_arms"], brain, readouts, states,
    )  # fmt: skip


def _cumulative_dosed_ug(events: EventTable, times: np.ndarray, prior_h: float) -> np.ndarray:
    """Drug given from -prior_h up to and including each time (boluses at t count at t); sorted sweeps only."""
    given = sorted((b.time_h, b.amount_ug) for b in events.boluses if b.time_h >= -prior_h - EVENT_TOL_H)
    total = np.zeros_like(times)
    if given:
        bolus_t, amounts = np.array(given).T
        running = np.concatenate([[0.0], np.cumsum(amounts)])
        total += running[np.searchsorted(bolus_t, times + EVENT_TOL_H, side="right")]
    t_change, level = engine.rate_steps(events)
    if t_change.size:  # the integral of the total rate, a piecewise-linear function of time
        rate = level.sum(axis=1)
        t_from = np.maximum(t_change, -prior_h)
        delivered = np.concatenate([[0.0], np.cumsum(rate[:-1] * np.diff(t_from))])
        k = np.searchsorted(t_from, times, side="right") - 1
        inside = k >= 0
        kk = np.clip(k, 0, None)
        total += np.where(inside, delivered[kk] + rate[kk] * (times - t_from[kk]), 0.0)
    return total


def _it_rate_ug_per_day(events: EventTable, times: np.ndarray) -> np.ndarray:
    """Intrathecal infusion rate at each time (a rate change at t holds from t on)."""
    t_change, level = engine.rate_steps(events)
    if not t_change.size:
        return np.zeros_like(times)
    k = np.searchsorted(t_change, times + 1e-9, side="right") - 1
    it = level[np.clip(k, 0, None), engine.SITES.index(IT_SITE)] * 24.0
    return np.where(k >= 0, np.where(np.abs(it) < 1e-9, 0.0, it), 0.0)


@dataclass(frozen=True)
class SimulationResult:
    """A single-patient run: the scenario, the parameters used, the events and the result table."""

    scenario: Scenario
    params: ModelParams
    events: EventTable
    table: pd.DataFrame

    @property
    def times_h(self) -> np.ndarray:
        return self.table[col.TIME].to_numpy()

    def summary(self) -> dict[str, Any]:
        """Metrics as plain JSON-ready numbers (see :func:`summarize`)."""
        return summarize(self.table, self.scenario, self.events)


def summarize(table: pd.DataFrame, scenario: Scenario, events: EventTable | None = None) -> dict[str, Any]:
    """Exposure metrics per concentration and the PD summary of a result table (the command line prints it)."""
    t = table[col.TIME].to_numpy()
    out: dict[str, Any] = {}
    for name in (col.PLASMA, col.CSF_LUMBAR, col.CSF_CRANIAL):
        m = exposure_metrics(t, table[name].to_numpy())
        out[name] = {k: _num(v) for k, v in m.items()}
    relief = table[col.RELIEF].to_numpy()
    sed_stage = int(table[col.SEDATION_STAGE].max())
    w = withdrawal_course(table, float(t[0]))
    out["pd"] = {
        "relief_mean_last_24h_ashworth": _num(mean_over_last(t, relief)),
        "relief_max_ashworth": _num(relief.max()),
        "sedation_peak_index": _num(table[col.SEDATION].max()),
        "sedation_peak_stage": sed_stage,
        "sedation_peak_stage_name": SEDATION_STAGES[sed_stage],
        col.RESPIRATORY_WARNING: bool(table[col.RESPIRATORY_WARNING].any()),
        "withdrawal_onset_h": _num(math.nan if w.onset_h is None else w.onset_h + w.end_h),
        "withdrawal_peak_stage": w.peak_stage,
        "withdrawal_peak_stage_name": w.peak_stage_name,
        "withdrawal_peak_index": _num(w.peak_index),
        "withdrawal_time_to_peak_h": _num(w.peak_time_h),
        "withdrawal_hours_above_mild": _num(w.hours_above_mild),
        "withdrawal_dominant_site": w.dominant_site,
    }
    if scenario.pump is not None and events is not None:
        empty = reservoir_empty_time_h(events, scenario.pump)
        out["pump"] = {"reservoir_empty_h": _num(empty) if empty is not None else None}
    return out


def _num(v: Any) -> float | None:
    f = float(v)
    return None if math.isnan(f) else round(f, 6)


def simulate(scenario: Scenario, base: ModelParams | None = None) -> SimulationResult:
    """Run one scenario for one patient."""
    params = individual_params(scenario, base)
    events = scenario_events(scenario)
    prior_h = scenario.prior_therapy_days * 24.0
    r = simulate_arrays(
        params, events, scenario.duration_h, scenario.step_h, prior_h=prior_h,
        settings=scenario.pd_settings, keep_states=True,
    )  # fmt: skip
    times = r.times_h
    cols: dict[str, Any] = {col.TIME: times, **{name: v[0] for name, v in r.columns().items()}}
    # categoricals: building string columns element by element was a visible share of a rerun
    cols[col.WITHDRAWAL_STAGE_NAME] = pd.Categorical.from_codes(r.pd.withdrawal_stage[0], _STAGE_NAMES["withdrawal"])
    cols[col.SEDATION_STAGE_NAME] = pd.Categorical.from_codes(r.pd.sedation_stage[0], _STAGE_NAMES["sedation"])
    assert r.states is not None
    for k, name in enumerate(STATES[: engine.ELIMINATED + 1]):
        cols[col.amount(name)] = r.states[0, :, k]
    cols[col.DOSED] = _cumulative_dosed_ug(events, times, prior_h)
    cols[col.IT_RATE] = _it_rate_ug_per_day(events, times)
    # one label for every row: a categorical too (a string column of it cost ~4 % of a Compare rerun to build
    # and as much again for the results cache to measure its size)
    cols[col.COMEDICATION] = pd.Categorical.from_codes(
        np.zeros(times.size, np.int8), pd.Index([COMEDICATIONS[scenario.comedication].label])
    )
    return SimulationResult(scenario, params, events, pd.DataFrame(cols))
