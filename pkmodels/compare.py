"""Route comparison: the seed documents' oral-vs-intrathecal table, made quantitative.

For a scenario on one route, :func:`route_summary` returns the numbers behind each row of the table:
targeting (lumbar CSF : plasma), efficacy (relief), systemic exposure (plasma, sedation) and withdrawal
risk (the peak stage if the therapy were stopped at the end of the run, from :func:`stop_now`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import columns as col
from .fields import MAX_PRIOR_DAYS
from .metrics import mean_over_last
from .model import SimulationResult, simulate
from .pd import RESPIRATORY_STAGES, SEDATION_STAGES, WITHDRAWAL_STAGES
from .scenario import Scenario

__all__ = ["RouteSummary", "route_summary", "stop_now"]

STOP_FOLLOW_UP_H = 24.0 * 5
STOP_STEP_MIN = 15.0  # onset, peak and hours above mild need no finer grid than 15 min (withdrawal unfolds over days)


def stop_now(scenario: Scenario, follow_up_h: float = STOP_FOLLOW_UP_H) -> Scenario:
    """The same therapy, taken for the whole run (plus any prior therapy), then stopped abruptly at time 0.

    Every regimen is cut at time 0 (``stop_h = 0``) and the run's duration becomes prior therapy, so the
    adaptation built up over the run is in place when the drug stops (prior therapy is capped at
    :data:`~pkmodels.fields.MAX_PRIOR_DAYS`, by when adaptation has long levelled off).
    """

    def cut(reg: Any) -> Any:
        return dataclasses.replace(reg, stop_h=0.0) if hasattr(reg, "stop_h") else reg

    return dataclasses.replace(
        scenario,
        duration_h=follow_up_h,
        output_step_min=max(scenario.output_step_min, STOP_STEP_MIN),
        oral=tuple(cut(r) for r in scenario.oral),
        intrathecal=tuple(cut(r) for r in scenario.intrathecal),
        prior_therapy_days=min(scenario.prior_therapy_days + scenario.duration_h / 24.0, MAX_PRIOR_DAYS),
        failure=None,
        pump=None,
    )


@dataclass(frozen=True)
class RouteSummary:
    """Numbers for one route, each over the last 24 h of the run unless named otherwise."""

    csf_plasma_ratio: float  # mean lumbar CSF / mean plasma
    lumbar_avg_ng_per_ml: float
    cervical_avg_ng_per_ml: float  # CSF at C5, by the arms' cord
    cranial_avg_ng_per_ml: float
    plasma_avg_ng_per_ml: float
    plasma_max_ng_per_ml: float
    relief_mean_ashworth: float  # legs
    relief_arms_mean_ashworth: float
    sedation_peak_index: float
    sedation_peak_stage: str
    respiratory_peak_index: float
    respiratory_peak_stage: str
    withdrawal_peak_stage_if_stopped: str
    withdrawal_peak_index_if_stopped: float
    withdrawal_onset_h_if_stopped: float | None
    withdrawal_dominant_site_if_stopped: str


def route_summary(result: SimulationResult, stopped: SimulationResult | None = None) -> RouteSummary:
    """Summary of one route's run; ``stopped`` defaults to simulating :func:`stop_now` of its scenario."""
    stopped = stopped if stopped is not None else simulate(stop_now(result.scenario))
    tab = result.table
    t = tab[col.TIME].to_numpy()
    lumbar = float(mean_over_last(t, tab[col.CSF_LUMBAR].to_numpy()))
    plasma = float(mean_over_last(t, tab[col.PLASMA].to_numpy()))
    after = stopped.summary()["pd"]
    sed_stage = int(tab[col.SEDATION_STAGE].max())
    return RouteSummary(
        csf_plasma_ratio=lumbar / plasma if plasma > 0 else float(np.inf if lumbar > 0 else np.nan),
        lumbar_avg_ng_per_ml=lumbar,
        cervical_avg_ng_per_ml=float(mean_over_last(t, tab[col.CSF_CERVICAL].to_numpy())),
        cranial_avg_ng_per_ml=float(mean_over_last(t, tab[col.CSF_CRANIAL].to_numpy())),
        plasma_avg_ng_per_ml=plasma,
        plasma_max_ng_per_ml=float(tab[col.PLASMA].max()),
        relief_mean_ashworth=float(mean_over_last(t, tab[col.RELIEF].to_numpy())),
        relief_arms_mean_ashworth=float(mean_over_last(t, tab[col.RELIEF_UPPER_LIMB].to_numpy())),
        sedation_peak_index=float(tab[col.SEDATION].max()),
        sedation_peak_stage=SEDATION_STAGES[sed_stage],
        respiratory_peak_index=float(tab[col.RESPIRATORY].max()),
        respiratory_peak_stage=RESPIRATORY_STAGES[int(tab[col.RESPIRATORY_STAGE].max())],
        withdrawal_peak_stage_if_stopped=WITHDRAWAL_STAGES[after["withdrawal_peak_stage"]],
        withdrawal_peak_index_if_stopped=float(after["withdrawal_peak_index"]),
        withdrawal_onset_h_if_stopped=after["withdrawal_onset_h"],
        withdrawal_dominant_site_if_stopped=after["withdrawal_dominant_site"],
    )
