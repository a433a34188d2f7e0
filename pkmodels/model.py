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

from . import engine
from .engine import CE_BRAIN, CE_SPINAL, CRANIAL, LUMBAR, PLASMA, STATES
from .metrics import exposure_metrics, mean_over_last, withdrawal_metrics
from .parameters import ModelParams, default_params, individualize
from .pd import (
    COMEDICATIONS,
    SEDATION_STAGES,
    WITHDRAWAL_STAGES,
    PDState,
    pharmacodynamics,
)
from .regimens import EVENT_TOL_H, EventTable, compile_events, reservoir_empty_time_h
from .scenario import Scenario

__all__ = [
    "SimulationResult",
    "individual_params",
    "scenario_events",
    "simulate",
    "simulate_arrays",
    "state_at_zero",
]

PRIOR_STEP_H = 0.25  # grid of the prior-therapy stretch (only its end state and the slow PD states matter)

CONC_COLUMNS = {
    "plasma": "plasma_ng_per_ml",
    "csf_lumbar": "csf_lumbar_ng_per_ml",
    "csf_cranial": "csf_cranial_ng_per_ml",
    "ce_spinal": "effect_spinal_ng_per_ml",
    "ce_brain": "effect_brain_ng_per_ml",
}
OBSERVED = (PLASMA, LUMBAR, CRANIAL, CE_SPINAL, CE_BRAIN)


def individual_params(scenario: Scenario, base: ModelParams | None = None) -> ModelParams:
    """Typical parameters with the scenario's overrides, then the patient's covariates."""
    base = default_params() if base is None else base
    return individualize(base.replace(**scenario.overrides), scenario.patient)


def scenario_events(scenario: Scenario) -> EventTable:
    return compile_events(
        scenario.regimens,
        scenario.duration_h,
        pump=scenario.pump,
        failure=scenario.failure,
        prior_h=scenario.prior_therapy_days * 24.0,
    )


def _before_zero(events: EventTable) -> EventTable:
    return EventTable(tuple(b for b in events.boluses if b.time_h < -1e-9), events.infusions)


def _concentrations(params: ModelParams, obs: np.ndarray) -> dict[str, np.ndarray]:
    p = params.as_arrays(obs.shape[0])
    col = (slice(None), None)
    return {
        "plasma": obs[..., 0] / p.vc_l[col],
        "csf_lumbar": obs[..., 1] / (p.v_csf_lumbar_ml[col] / 1000.0),
        "csf_cranial": obs[..., 2] / (p.v_csf_cranial_ml[col] / 1000.0),
        "ce_spinal": obs[..., 3],
        "ce_brain": obs[..., 4],
    }


def state_at_zero(
    a: np.ndarray,
    params: ModelParams,
    events: EventTable,
    prior_h: float,
    prior_step_h: float = PRIOR_STEP_H,
    **pd_kw: Any,
) -> tuple[np.ndarray | None, PDState]:
    """PK state just before time 0 and slow PD states at time 0, after ``prior_h`` hours of the therapy in
    ``events`` (already extended back) on a ``prior_step_h`` grid; ``(None, zeros)`` without prior therapy.

    Only the end state and the slow PD states of this stretch matter, so its grid is coarser than the output
    grid; the PK part is exact whatever the grid, the adaptation (time constant: days) sees the stimulation
    linearly interpolated between grid points.
    """
    n_pat = a.shape[0]
    if prior_h <= 0:
        return None, PDState.zeros(n_pat)
    n_prior = max(1, math.ceil(prior_h / prior_step_h - 1e-9))
    pre, x0 = engine.solve_linear(
        a, _before_zero(events), -prior_h, prior_h / n_prior, n_prior + 1, observe=(CE_SPINAL, CE_BRAIN)
    )
    t_pre = -prior_h + prior_h / n_prior * np.arange(n_prior + 1)
    _, pd_state = pharmacodynamics(t_pre, pre[..., 0], pre[..., 1], params, **pd_kw)
    return x0, pd_state


def simulate_arrays(
    params: ModelParams,
    events: EventTable,
    duration_h: float,
    step_h: float,
    *,
    prior_h: float = 0.0,
    baseline_ashworth: float = 4.0,
    comedication: str = "none",
    comedication_intensity: float = 1.0,
    keep_states: bool = False,
    prior_step_h: float = PRIOR_STEP_H,
) -> dict[str, Any]:
    """Concentrations and PD readouts for one or many parameter sets, as arrays (n_patients, n_times).

    With ``prior_h > 0`` the therapy in ``events`` (already extended back) runs from ``-prior_h`` to 0 on
    a ``PRIOR_STEP_H`` grid first; the PK state and the slow PD states at time 0 carry over exactly.
    """
    a = engine.rate_matrix(params)
    pd_kw = {
        "baseline_ashworth": baseline_ashworth,
        "comedication": comedication,
        "comedication_intensity": comedication_intensity,
    }
    x0, pd_state = state_at_zero(a, params, events, prior_h, prior_step_h, **pd_kw)
    n_times = round(duration_h / step_h) + 1
    times = step_h * np.arange(n_times)
    out, _ = engine.solve_linear(a, events, 0.0, step_h, n_times, x0, observe=None if keep_states else OBSERVED)
    obs = out[..., list(OBSERVED)] if keep_states else out
    conc = _concentrations(params, obs)
    pd_out, _ = pharmacodynamics(times, conc["ce_spinal"], conc["ce_brain"], params, state=pd_state, **pd_kw)
    result: dict[str, Any] = {"times_h": times, **conc, **pd_out}
    if keep_states:
        result["states"] = out
    return result


def _cumulative_dosed_ug(events: EventTable, times: np.ndarray, prior_h: float) -> np.ndarray:
    """Drug given from -prior_h up to and including each time (boluses at t count at t)."""
    given = sorted((b.time_h, b.amount_ug) for b in events.boluses if b.time_h >= -prior_h - EVENT_TOL_H)
    total = np.zeros_like(times)
    if given:
        bolus_t, amounts = np.array(given).T
        running = np.concatenate([[0.0], np.cumsum(amounts)])
        total += running[np.searchsorted(bolus_t, times + EVENT_TOL_H, side="right")]
    for i in events.infusions:
        total += i.rate_ug_per_h * np.clip(np.minimum(times, i.stop_h) - max(i.start_h, -prior_h), 0.0, None)
    return total


def _it_rate_ug_per_day(events: EventTable, times: np.ndarray) -> np.ndarray:
    rate = np.zeros_like(times)
    for i in events.infusions:
        if i.site == "lumbar":
            rate += np.where((times >= i.start_h - 1e-9) & (times < i.stop_h - 1e-9), i.rate_ug_per_h * 24.0, 0.0)
    return rate


@dataclass(frozen=True)
class SimulationResult:
    """A single-patient run: the scenario, the parameters used, the events and the result table."""

    scenario: Scenario
    params: ModelParams
    events: EventTable
    table: pd.DataFrame

    @property
    def times_h(self) -> np.ndarray:
        return self.table["time_h"].to_numpy()

    def summary(self) -> dict[str, Any]:
        """Metrics as plain JSON-ready numbers (see :func:`summarize`)."""
        return summarize(self.table, self.scenario, self.events)


def summarize(table: pd.DataFrame, scenario: Scenario, events: EventTable | None = None) -> dict[str, Any]:
    t = table["time_h"].to_numpy()
    out: dict[str, Any] = {}
    for col in ("plasma_ng_per_ml", "csf_lumbar_ng_per_ml", "csf_cranial_ng_per_ml"):
        m = exposure_metrics(t, table[col].to_numpy())
        out[col] = {k: _num(v) for k, v in m.items()}
    relief = table["spasticity_relief_ashworth"].to_numpy()
    sed_stage = int(table["sedation_stage"].max())
    w = withdrawal_metrics(t, table["withdrawal_index"].to_numpy(), table["withdrawal_stage"].to_numpy())
    out["pd"] = {
        "relief_mean_last_24h_ashworth": _num(mean_over_last(t, relief)),
        "relief_max_ashworth": _num(relief.max()),
        "sedation_peak_index": _num(table["sedation_index"].max()),
        "sedation_peak_stage": sed_stage,
        "sedation_peak_stage_name": SEDATION_STAGES[sed_stage],
        "respiratory_warning": bool(table["respiratory_warning"].any()),
        "withdrawal_onset_h": _num(w["onset_h"]),
        "withdrawal_peak_stage": int(w["peak_stage"]),
        "withdrawal_peak_stage_name": WITHDRAWAL_STAGES[int(w["peak_stage"])],
        "withdrawal_peak_index": _num(w["peak_index"]),
        "withdrawal_time_to_peak_h": _num(w["time_to_peak_h"]),
        "withdrawal_hours_above_mild": _num(w["hours_above_mild"]),
        "withdrawal_dominant_site": (
            "spinal"
            if table["withdrawal_spinal_index"].max() >= table["withdrawal_supraspinal_index"].max()
            else "supraspinal"
        ),
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
        params,
        events,
        scenario.duration_h,
        scenario.step_h,
        prior_h=prior_h,
        baseline_ashworth=scenario.baseline_ashworth,
        comedication=scenario.comedication,
        comedication_intensity=scenario.comedication_intensity,
        keep_states=True,
    )
    times = r["times_h"]
    cols: dict[str, Any] = {"time_h": times}
    cols.update({name: r[key][0] for key, name in CONC_COLUMNS.items()})
    pd_keys = [k for k in r if k not in ("times_h", "states", *CONC_COLUMNS)]
    cols.update({k: r[k][0] for k in pd_keys})
    # categoricals: building string columns element by element was a visible share of a rerun
    cols["withdrawal_stage_name"] = pd.Categorical.from_codes(r["withdrawal_stage"][0], WITHDRAWAL_STAGES)
    cols["sedation_stage_name"] = pd.Categorical.from_codes(r["sedation_stage"][0], SEDATION_STAGES)
    states = r["states"][0]
    for k, name in enumerate(STATES[:6]):
        cols[f"{name}_ug"] = states[:, k]
    cols["dosed_ug"] = _cumulative_dosed_ug(events, times, prior_h)
    cols["it_rate_ug_per_day"] = _it_rate_ug_per_day(events, times)
    cols["comedication"] = COMEDICATIONS[scenario.comedication].label
    return SimulationResult(scenario, params, events, pd.DataFrame(cols))
