"""The course of withdrawal after a therapy ends, read from one result table.

The model's withdrawal metrics (:func:`pkmodels.metrics.withdrawal_metrics`) count from the start of a run.
A lesson about a stop needs them counted from the moment the therapy ended (the stop, the first taper
step, the failure or the empty reservoir): onset, time to the peak, the stage reached at each site and the
symptoms that go with it, how adapted each site was when the drug fell away, and how fast the drug fell.

Pure functions of a result table (pandas) and a time; no Streamlit, no Plotly.  Severity stages and the
symptoms attached to them are teaching assumptions (see :mod:`pkmodels.assumptions`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import columns as col
from .columns import SITES
from .metrics import mean_over_last, stage_timeline, withdrawal_metrics
from .pd import WITHDRAWAL_STAGES, WITHDRAWAL_SYMPTOMS

__all__ = [
    "FALL_FRACTION",
    "ONSET_STAGE",
    "SITES",
    "SYSTEMIC_STAGE",
    "WithdrawalCourse",
    "fall_time_h",
    "relief_before_and_end",
    "symptoms_by_site",
    "withdrawal_course",
]

ONSET_STAGE = 2  # "moderate": onset is the first time at this stage or above
SYSTEMIC_STAGE = 3  # "severe": from here the syndrome is systemic (fever, muscle breakdown, organ failure)
FALL_FRACTION = 0.1  # "the drug has fallen away": a tenth of its level before the end
_TOL_H = 1e-9
_NO_PEAK = 1e-3  # a peak index below this is no withdrawal at all: no time to peak is reported


@dataclass(frozen=True)
class WithdrawalCourse:
    """Withdrawal after the therapy ended at ``end_h`` (hours of the run); times are hours after ``end_h``."""

    end_h: float
    peak_stage: int
    peak_index: float
    onset_h: float | None  # first time at stage >= moderate, after the end; None if never
    time_to_peak_h: float | None  # time of the highest index, after the end; None without withdrawal
    hours_above_mild: float  # hours at stage >= moderate
    site_stage: Mapping[str, int]  # peak stage per site
    site_peak_index: Mapping[str, float]
    dominant_site: str
    adaptation_at_end: Mapping[str, float]  # adaptation (0-1) per site at the end
    lumbar_tenth_h: float | None  # hours until lumbar CSF is a tenth of its mean over the day before the end
    plasma_tenth_h: float | None  # the same for plasma (None if it never falls that far, e.g. oral cover)
    peak_time_h: float  # time of the run (not after the end) of the highest index after the end
    timeline: tuple[tuple[str, float], ...]  # first time (h after the end) of each stage reached (worse site)
    site_timelines: Mapping[str, tuple[tuple[str, float], ...]]  # the same for each site

    @property
    def peak_stage_name(self) -> str:
        return WITHDRAWAL_STAGES[self.peak_stage]

    @property
    def systemic(self) -> bool:
        """True when the peak reaches the stages with systemic signs (severe or worse)."""
        return self.peak_stage >= SYSTEMIC_STAGE


def fall_time_h(
    times_h: np.ndarray, values: np.ndarray, end_h: float, fraction: float = 0.5, window_h: float = 24.0
) -> float | None:
    """Hours after ``end_h`` until ``values`` first fall to ``fraction`` of their mean over the ``window_h``
    hours before ``end_h`` (the mean, not the last value, so oral peaks and troughs do not matter).

    None if they never do within the run, or if there was nothing before the end to fall from.
    """
    times_h = np.asarray(times_h, dtype=float)
    values = np.asarray(values, dtype=float)
    before = times_h <= end_h + _TOL_H
    if before.sum() < 2:
        return None
    level = float(mean_over_last(times_h[before], values[before], window_h))
    if not level > 0:
        return None
    after = times_h >= end_h - _TOL_H
    hit = np.nonzero(values[after] <= fraction * level)[0]
    if hit.size == 0:
        return None
    return float(times_h[after][hit[0]] - end_h)


def _value_at(times_h: np.ndarray, values: np.ndarray, t: float) -> float:
    return float(np.interp(t, times_h, values))


def withdrawal_course(table: pd.DataFrame, end_h: float) -> WithdrawalCourse:
    """Onset, peak, stage per site and adaptation for the part of a run from ``end_h`` on.

    ``table`` is a result table of :func:`pkmodels.simulate`; ``end_h`` is clamped into the run.
    """
    t = table[col.TIME].to_numpy(dtype=float)
    end_h = float(min(max(end_h, t[0]), t[-1]))
    after = t >= end_h - _TOL_H
    ta = t[after]
    index = table[col.WITHDRAWAL].to_numpy(dtype=float)[after]
    stage = table[col.WITHDRAWAL_STAGE].to_numpy()[after]
    m = withdrawal_metrics(ta, index, stage, onset_stage=ONSET_STAGE)
    site_stages = {s: table[col.WITHDRAWAL_SITE_STAGE[s]].to_numpy() for s in SITES}
    site_stage = {s: int(site_stages[s][after].max()) for s in SITES}
    site_peak = {s: float(table[col.WITHDRAWAL_SITE[s]].to_numpy(dtype=float)[after].max()) for s in SITES}
    peak_index = float(m["peak_index"])
    onset = float(m["onset_h"])
    return WithdrawalCourse(
        end_h=end_h,
        peak_stage=int(m["peak_stage"]),
        peak_index=peak_index,
        onset_h=None if math.isnan(onset) else onset - end_h,
        time_to_peak_h=float(m["time_to_peak_h"]) - end_h if peak_index > _NO_PEAK else None,
        hours_above_mild=float(m["hours_above_mild"]),
        site_stage=site_stage,
        site_peak_index=site_peak,
        dominant_site="spinal" if site_peak["spinal"] >= site_peak["supraspinal"] else "supraspinal",
        adaptation_at_end={s: _value_at(t, table[col.ADAPTATION[s]].to_numpy(dtype=float), end_h) for s in SITES},
        lumbar_tenth_h=fall_time_h(t, table[col.CSF_LUMBAR].to_numpy(), end_h, FALL_FRACTION),
        plasma_tenth_h=fall_time_h(t, table[col.PLASMA].to_numpy(), end_h, FALL_FRACTION),
        peak_time_h=float(m["time_to_peak_h"]),
        timeline=tuple(stage_timeline(t, table[col.WITHDRAWAL_STAGE].to_numpy(), WITHDRAWAL_STAGES, end_h)),
        site_timelines={s: tuple(stage_timeline(t, site_stages[s], WITHDRAWAL_STAGES, end_h)) for s in SITES},
    )


def relief_before_and_end(table: pd.DataFrame, end_h: float) -> tuple[float, float]:
    """Spasticity relief (Ashworth points) at the last grid time before ``end_h`` and at the end of the run."""
    t = table[col.TIME].to_numpy()
    relief = table[col.RELIEF].to_numpy()
    before = max(0, int(np.searchsorted(t, end_h - _TOL_H)) - 1)
    return float(relief[before]), float(relief[-1])


def symptoms_by_site(site_stage: Mapping[str, int]) -> dict[str, str]:
    """What the stage reached at each site looks like (from :data:`pkmodels.pd.WITHDRAWAL_SYMPTOMS`);
    an empty string for a site that stays at 'none'."""
    out = {}
    for site in SITES:
        k = int(min(max(site_stage.get(site, 0), 0), len(WITHDRAWAL_STAGES) - 1))
        out[site] = WITHDRAWAL_SYMPTOMS[site][k] if k > 0 else ""
    return out
