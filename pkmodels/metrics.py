"""Summary metrics of simulated time courses.

Every function takes ``times_h`` (n_times,) and values of shape (..., n_times) and returns arrays of
shape (...), so the same code summarises one patient or a population.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "exposure_metrics",
    "first_time_at_or_above",
    "hours_at_or_above",
    "mean_over_last",
    "stage_timeline",
    "withdrawal_metrics",
]


def _trapz(values: np.ndarray, times_h: np.ndarray) -> np.ndarray:
    return np.trapezoid(values, times_h, axis=-1)


def mean_over_last(times_h: np.ndarray, values: np.ndarray, window_h: float = 24.0) -> np.ndarray:
    """Time-average over the last ``window_h`` hours (or the whole run if it is shorter)."""
    start = times_h[-1] - window_h
    sel = times_h >= start - 1e-9
    t = times_h[sel]
    if len(t) < 2:
        return np.asarray(values)[..., -1]
    return _trapz(np.asarray(values)[..., sel], t) / (t[-1] - t[0])


def exposure_metrics(times_h: np.ndarray, conc: np.ndarray) -> dict[str, np.ndarray]:
    """Cmax, Tmax, AUC over the run (trapezoid, ng*h/mL) and the average over the last 24 h."""
    conc = np.asarray(conc)
    i = np.argmax(conc, axis=-1)
    return {
        "cmax": np.max(conc, axis=-1),
        "tmax_h": times_h[i],
        "auc_ng_h_per_ml": _trapz(conc, times_h),
        "cavg_last_24h": mean_over_last(times_h, conc, 24.0),
    }


def first_time_at_or_above(
    times_h: np.ndarray, values: np.ndarray, level: float, after_h: float = -np.inf
) -> np.ndarray:
    """First grid time (after ``after_h``) at which ``values >= level``; NaN where it never happens."""
    hit = (np.asarray(values) >= level) & (times_h >= after_h)
    any_hit = hit.any(axis=-1)
    return np.where(any_hit, times_h[np.argmax(hit, axis=-1)], np.nan)


def hours_at_or_above(times_h: np.ndarray, values: np.ndarray, level: float) -> np.ndarray:
    """Total time (h) with ``values >= level`` (each grid point stands for the step that follows it)."""
    dt = np.append(np.diff(times_h), 0.0)
    return np.sum((np.asarray(values) >= level) * dt, axis=-1)


def withdrawal_metrics(
    times_h: np.ndarray, index: np.ndarray, stage: np.ndarray, onset_stage: int = 2
) -> dict[str, np.ndarray]:
    """Onset (first time at stage >= moderate), peak stage, time to the peak index, hours above mild."""
    stage = np.asarray(stage)
    i = np.argmax(np.asarray(index), axis=-1)
    return {
        "onset_h": first_time_at_or_above(times_h, stage, onset_stage),
        "peak_stage": np.max(stage, axis=-1),
        "peak_index": np.max(index, axis=-1),
        "time_to_peak_h": times_h[i],
        "hours_above_mild": hours_at_or_above(times_h, stage, onset_stage),
    }


def stage_timeline(
    times_h: ArrayLike, stage: ArrayLike, names: Sequence[str], after_h: float = 0.0
) -> list[tuple[str, float]]:
    """(stage name, hours after ``after_h``) for each stage above the first that is reached after ``after_h``."""
    t = np.asarray(times_h, dtype=float)
    s = np.asarray(stage)
    out = []
    for k in range(1, len(names)):
        first = float(first_time_at_or_above(t, s, k, after_h))
        if not math.isnan(first):
            out.append((names[k], first - after_h))
    return out
