"""Intrathecal pump rules as pure functions: screening trial, starting dose, titration, refills, summaries.

The label and best-practice rules (``../shared/reference/baclofen_parameters.md`` §4) written as small
functions of plain numbers, dates and result tables, so the dashboard shows them without doing any
arithmetic itself and the command line or a notebook can reuse them.  A teaching model, not dosing advice:

* **Screening** (US label): 50 µg bolus, observe 4-8 h; no response -> 75 µg after 24 h -> 100 µg after
  another 24 h; non-responders at 100 µg are not candidates.  The label asks for a "significant decrease in
  tone"; here a trial is *positive* when the modelled relief reaches 1 Ashworth point inside the 4-8 h
  window (a simplification).
* **Starting dose**: twice the effective bolus per 24 h, or once the bolus if its effect lasted more than
  8 h (US; 12 h in DE/AU texts).  No increase in the first 24 h.
* **Titration**: +10-30 % per 24 h for spinal origin, +5-15 % per 24 h for cerebral origin and children
  (CMSC 2015; labels).
* **Refills**: days until the reservoir is empty and until the low-reservoir alarm
  (:class:`pkmodels.regimens.Pump`), turned into calendar dates.
* **Where the catheter ends**: the steady-state CSF concentration along the canal for a rate and a tip level
  (:func:`tip_profile`), and what it means for the legs' and the arms' cord.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from . import columns as col
from . import engine, neuraxis
from .metrics import first_time_at_or_above, stage_timeline
from .parameters import ModelParams
from .pd import SEDATION_STAGES
from .regimens import ITTitration, OralTaper, Pump

__all__ = [
    "LONG_EFFECT_H",
    "OBSERVATION_WINDOW_H",
    "ORIGINS",
    "POSITIVE_RELIEF_ASHWORTH",
    "SCREENING_DOSES_UG",
    "SCREENING_INTERVAL_H",
    "TITRATION_RANGES",
    "USUAL_REFILL_DAYS",
    "OverdoseSummary",
    "RefillPlan",
    "ScreeningStep",
    "TitrationCheck",
    "TrialResult",
    "check_titration",
    "oral_per_dose_on_day",
    "overdose_summary",
    "refill_notes",
    "refill_plan",
    "remaining_ml",
    "ripple",
    "screening_ladder",
    "screening_next_step",
    "start_dose_ug_per_day",
    "switch_schedule",
    "tip_profile",
    "titration_plan",
    "trial_result",
]

SCREENING_DOSES_UG = (50.0, 75.0, 100.0)  # US label ladder, one bolus per 24 h
SCREENING_INTERVAL_H = 24.0
OBSERVATION_WINDOW_H = (4.0, 8.0)  # observe the response 4-8 h after the bolus
POSITIVE_RELIEF_ASHWORTH = 1.0  # model criterion for a "significant decrease in tone" (a simplification)
LONG_EFFECT_H = 8.0  # US label; DE/AU texts use 12 h

ORIGINS = {"spinal": "Spinal origin", "cerebral": "Cerebral origin", "child": "Child"}
# Titration step per 24 h after the first day, % of the current rate (CMSC 2015 best practice; labels).
TITRATION_RANGES: dict[str, tuple[float, float]] = {
    "spinal": (10.0, 30.0),
    "cerebral": (5.0, 15.0),
    "child": (5.0, 15.0),
}
USUAL_REFILL_DAYS = (60.0, 180.0)  # refills usually every 2-6 months [S]


# ------------------------------------------------------------------------------------------ screening


@dataclass(frozen=True)
class TrialResult:
    """The model's reading of one screening bolus."""

    bolus_ug: float
    positive: bool  # relief >= threshold somewhere inside the observation window
    peak_relief_in_window: float  # Ashworth points
    peak_relief: float
    peak_time_h: float
    effect_start_h: float | None  # first time relief >= threshold
    effect_end_h: float | None  # last time relief >= threshold
    threshold: float

    @property
    def effect_duration_h(self) -> float:
        """Hours from the first to the last time relief was at or above the threshold (0 if never)."""
        if self.effect_start_h is None or self.effect_end_h is None:
            return 0.0
        return self.effect_end_h - self.effect_start_h


def trial_result(
    times_h: Sequence[float],
    relief: Sequence[float],
    bolus_ug: float,
    *,
    window_h: tuple[float, float] = OBSERVATION_WINDOW_H,
    threshold: float = POSITIVE_RELIEF_ASHWORTH,
) -> TrialResult:
    """Positive or not, peak relief and how long relief stayed at or above ``threshold`` (hours after the
    bolus at time 0; ``relief`` in Ashworth points on the grid ``times_h``)."""
    t = np.asarray(times_h, dtype=float)
    r = np.asarray(relief, dtype=float)
    if t.shape != r.shape or t.size == 0:
        raise ValueError("times and relief must be non-empty arrays of the same length")
    in_window = (t >= window_h[0] - 1e-9) & (t <= window_h[1] + 1e-9)
    peak_window = float(r[in_window].max()) if in_window.any() else 0.0
    above = np.flatnonzero(r >= threshold)
    i = int(np.argmax(r))
    return TrialResult(
        bolus_ug=float(bolus_ug),
        positive=peak_window >= threshold,
        peak_relief_in_window=peak_window,
        peak_relief=float(r[i]),
        peak_time_h=float(t[i]),
        effect_start_h=float(t[above[0]]) if above.size else None,
        effect_end_h=float(t[above[-1]]) if above.size else None,
        threshold=threshold,
    )


@dataclass(frozen=True)
class ScreeningStep:
    """What the label says comes after one bolus."""

    candidate: bool | None  # True: go on to a pump; False: not a candidate; None: trial continues
    next_bolus_ug: float | None  # the next test dose (24 h later), if the trial continues
    text: str


def screening_next_step(bolus_ug: float, positive: bool, doses: Sequence[float] = SCREENING_DOSES_UG) -> ScreeningStep:
    """The label's next step after a bolus of ``bolus_ug`` that was (or was not) positive."""
    if positive:
        return ScreeningStep(
            True,
            None,
            f"Positive at {bolus_ug:g} µg: a candidate for an implanted pump. The "
            "starting daily dose is worked out from this effective bolus.",
        )
    higher = [d for d in doses if d > bolus_ug + 1e-9]
    if higher:
        nxt = higher[0]
        return ScreeningStep(
            None,
            nxt,
            f"No response at {bolus_ug:g} µg: a bolus of {nxt:g} µg is given {SCREENING_INTERVAL_H:g} h later.",
        )
    return ScreeningStep(
        False,
        None,
        f"No response at {bolus_ug:g} µg, the highest screening dose: not a candidate for intrathecal baclofen.",
    )


def screening_ladder(
    positive_by_dose: Mapping[float, bool], doses: Sequence[float] = SCREENING_DOSES_UG
) -> tuple[list[float], float | None]:
    """Walk the label's ladder: the doses actually given (one per 24 h, stopping at the first positive) and
    the effective bolus (``None``: no response even at the highest dose, not a candidate)."""
    given: list[float] = []
    for d in doses:
        given.append(d)
        if positive_by_dose[d]:
            return given, d
    return given, None


def start_dose_ug_per_day(trial: TrialResult, long_effect_h: float = LONG_EFFECT_H) -> float | None:
    """Starting pump dose after a positive trial: 2 x the bolus per 24 h, or 1 x if the effect lasted more
    than ``long_effect_h`` hours.  ``None`` after a negative trial (no pump)."""
    if not trial.positive:
        return None
    factor = 1.0 if trial.effect_duration_h > long_effect_h else 2.0
    return factor * trial.bolus_ug


# ----------------------------------------------------------------------------------------- titration


@dataclass(frozen=True)
class TitrationCheck:
    """The chosen daily titration step against the range for the patient's origin."""

    origin: str
    asked_percent: float
    used_percent: float  # clamped into the range
    low_percent: float
    high_percent: float

    @property
    def in_range(self) -> bool:
        return self.low_percent - 1e-9 <= self.asked_percent <= self.high_percent + 1e-9

    @property
    def message(self) -> str | None:
        if self.in_range:
            return None
        side = "above" if self.asked_percent > self.high_percent else "below"
        return (
            f"{self.asked_percent:g} % per day is {side} the {self.low_percent:g}-{self.high_percent:g} % range "
            f"for {ORIGINS[self.origin].lower()}; the model uses {self.used_percent:g} %."
        )


def check_titration(origin: str, percent: float) -> TitrationCheck:
    """Clamp a daily titration step into the range for ``origin`` (spinal, cerebral or child)."""
    if origin not in TITRATION_RANGES:
        raise ValueError(f"unknown origin {origin!r}; expected one of {', '.join(TITRATION_RANGES)}")
    lo, hi = TITRATION_RANGES[origin]
    return TitrationCheck(origin, float(percent), float(min(max(percent, lo), hi)), lo, hi)


def titration_plan(start_ug_per_day: float, target_ug_per_day: float, step_percent: float) -> pd.DataFrame:
    """Day-by-day pump rate: the start dose for the first 24 h, then +``step_percent`` % per 24 h up to the
    target (the levels of :class:`pkmodels.ITTitration`).  Columns: day (1 = first 24 h), rate_ug_per_day,
    change_percent (vs the day before)."""
    levels = ITTitration(start_ug_per_day, target_ug_per_day, step_percent).levels()
    prev = [math.nan, *levels[:-1]]
    return pd.DataFrame(
        {
            "day": np.arange(1, len(levels) + 1),
            "rate_ug_per_day": levels,
            "change_percent": [
                (b / a - 1.0) * 100.0 if a == a and a > 0 else math.nan for a, b in zip(prev, levels, strict=True)
            ],
        }
    )


# ------------------------------------------------------------------------------------------- refills


@dataclass(frozen=True)
class RefillPlan:
    """Reservoir arithmetic for one fill at a constant rate."""

    start: date
    days_until_empty: float
    days_until_low_alarm: float
    ml_per_day: float

    def _date(self, days: float) -> date | None:
        return None if math.isinf(days) else self.start + timedelta(days=math.floor(days))

    @property
    def empty_date(self) -> date | None:
        """The day the reservoir runs dry (None if it never does)."""
        return self._date(self.days_until_empty)

    @property
    def low_alarm_date(self) -> date | None:
        """The day the low-reservoir alarm sounds (None if it never does)."""
        return self._date(self.days_until_low_alarm)


def refill_plan(
    start: date, concentration_ug_per_ml: float, reservoir_ml: float, rate_ug_per_day: float, low_alarm_ml: float = 2.0
) -> RefillPlan:
    """Days and dates until the low-reservoir alarm and until empty, for a full reservoir filled on ``start``."""
    pump = Pump(concentration_ug_per_ml, reservoir_ml, low_alarm_ml=low_alarm_ml)
    return RefillPlan(
        start,
        pump.days_until_empty(rate_ug_per_day),
        pump.days_until_low_alarm(rate_ug_per_day),
        rate_ug_per_day / concentration_ug_per_ml,
    )


def refill_notes(plan: RefillPlan, concentration_ug_per_ml: float) -> list[str]:
    """Plain remarks on a refill plan: screening strength, intervals outside the usual 2-6 months."""
    notes = []
    if concentration_ug_per_ml <= 50:
        notes.append("50 µg/mL is the screening strength (1 mL ampoules for the test bolus), not a refill strength.")
    lo, hi = USUAL_REFILL_DAYS
    if plan.days_until_empty < lo:
        notes.append(
            f"The reservoir lasts under {lo / 30:.0f} months: refills would be frequent, and each refill is a "
            "needle puncture through the skin into the pump. A higher concentration lengthens the interval."
        )
    elif plan.days_until_empty > hi:
        notes.append(
            f"The reservoir would last over {hi / 30:.0f} months. Refills are usually every 2-6 months; drug "
            "stability and the device labelling limit the interval (values not read for this model)."
        )
    return notes


def remaining_ml(rate_ug_per_day: float, concentration_ug_per_ml: float, hours: float) -> float:
    """Reservoir volume (mL) that lasts ``hours`` at ``rate_ug_per_day``."""
    return rate_ug_per_day * hours / 24.0 / concentration_ug_per_ml


# ---------------------------------------------------------------------------------- result summaries


def ripple(times_h: Sequence[float], values: Sequence[float], window_h: float = 24.0) -> tuple[float, float]:
    """Lowest and highest value over the last ``window_h`` hours (the day-night swing of a flex schedule)."""
    t = np.asarray(times_h, dtype=float)
    v = np.asarray(values, dtype=float)
    sel = t >= t[-1] - window_h - 1e-9
    return float(v[sel].min()), float(v[sel].max())


@dataclass(frozen=True)
class OverdoseSummary:
    """What a rate error from ``error_h`` does, in one result table."""

    peak_sedation_stage: str
    peak_sedation_stage_number: int
    peak_sedation_index: float
    respiratory_warning_after_h: float | None  # hours from the error to the first respiratory warning
    timeline: list[tuple[str, float]]  # first time (h after the error) of each sedation stage reached
    lumbar_before_ng_per_ml: float
    lumbar_peak_ng_per_ml: float
    cranial_before_ng_per_ml: float
    cranial_peak_ng_per_ml: float
    spinal_stimulation_before: float  # fraction of GABA-B receptors stimulated (0-1)
    spinal_stimulation_peak: float
    relief_before: float
    relief_peak: float

    @property
    def lumbar_fold(self) -> float:
        """Highest lumbar CSF after the error / lumbar CSF before it."""
        return (
            self.lumbar_peak_ng_per_ml / self.lumbar_before_ng_per_ml if self.lumbar_before_ng_per_ml > 0 else math.inf
        )

    @property
    def cranial_fold(self) -> float:
        return (
            self.cranial_peak_ng_per_ml / self.cranial_before_ng_per_ml
            if self.cranial_before_ng_per_ml > 0
            else math.inf
        )


def overdose_summary(table: pd.DataFrame, error_h: float) -> OverdoseSummary:
    """Sedation stages, respiratory warning and CSF rise after a programming error at ``error_h``."""
    t = table[col.TIME].to_numpy()
    before = max(0, int(np.searchsorted(t, error_h - 1e-9)) - 1)
    after = t >= error_h - 1e-9
    sed = table[col.SEDATION].to_numpy()
    stage = table[col.SEDATION_STAGE].to_numpy()
    resp = table[col.RESPIRATORY_WARNING].to_numpy().astype(bool)
    resp_t = float(first_time_at_or_above(t, resp.astype(float), 0.5, error_h))
    peak = int(stage.max())

    def values(name: str) -> np.ndarray:
        return table[name].to_numpy(dtype=float)

    return OverdoseSummary(
        peak_sedation_stage=SEDATION_STAGES[peak],
        peak_sedation_stage_number=peak,
        peak_sedation_index=float(sed.max()),
        respiratory_warning_after_h=None if math.isnan(resp_t) else resp_t - error_h,
        timeline=stage_timeline(t, stage, SEDATION_STAGES, error_h),
        lumbar_before_ng_per_ml=float(values(col.CSF_LUMBAR)[before]),
        lumbar_peak_ng_per_ml=float(values(col.CSF_LUMBAR)[after].max()),
        cranial_before_ng_per_ml=float(values(col.CSF_CRANIAL)[before]),
        cranial_peak_ng_per_ml=float(values(col.CSF_CRANIAL)[after].max()),
        spinal_stimulation_before=float(values(col.STIMULATION["spinal"])[before]),
        spinal_stimulation_peak=float(values(col.STIMULATION["spinal"])[after].max()),
        relief_before=float(values(col.RELIEF)[before]),
        relief_peak=float(values(col.RELIEF)[after].max()),
    )


# ------------------------------------------------------------------------------------ oral -> pump


def oral_per_dose_on_day(taper: OralTaper, day: int) -> float:
    """Oral mg per intake on ``day`` (1 = the first 24 h from time 0) of a wean (:class:`OralTaper`)."""
    t = (day - 1) * 24.0
    if t < taper.start_h - 1e-9:
        return taper.from_mg
    k = int((t - taper.start_h + 1e-9) // (taper.step_every_days * 24.0))
    levels = taper.levels()
    return levels[k] if k < len(levels) else 0.0


def switch_schedule(taper: OralTaper, titration: ITTitration, days: int) -> pd.DataFrame:
    """Day-by-day oral dose (mg per intake, mg per day) and pump rate (µg/day) during an oral-to-intrathecal
    switch (the pair returned by :func:`pkmodels.oral_to_intrathecal_switch`)."""
    levels = titration.levels()
    rows = []
    for day in range(1, days + 1):
        k = int(((day - 1) * 24.0 - titration.start_h + 1e-9) // titration.step_every_h)
        mg = oral_per_dose_on_day(taper, day)
        rows.append(
            {
                "day": day,
                "oral_mg_per_dose": mg,
                "oral_mg_per_day": mg * 24.0 / taper.every_h,
                "pump_ug_per_day": levels[min(max(k, 0), len(levels) - 1)] if k >= 0 else 0.0,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ where the catheter ends


def _steady_state(params: ModelParams, rate_ug_per_day: float) -> np.ndarray:
    """Every state at steady state under a constant intrathecal rate (solves ``A x + B u = 0`` exactly)."""
    a = engine.rate_matrix(params)[0]
    b = engine.input_matrix(params)[0][:, engine.SITES.index("intrathecal")] * rate_ug_per_day / 24.0
    keep = np.array([k for k in range(engine.N_STATES) if k != engine.ELIMINATED])  # the sink has no steady state
    x = np.zeros(engine.N_STATES)
    x[keep] = np.linalg.solve(a[np.ix_(keep, keep)], -b[keep])
    return x


def tip_profile(params: ModelParams, rate_ug_per_day: float, step_cm: float = 0.5) -> pd.DataFrame:
    """Steady-state CSF concentration along the spinal canal for a constant rate at ``params.catheter_tip_cm``.

    Columns ``x_cm`` (below the foramen magnum, 0 to the end of the dural sac), ``csf_ng_per_ml`` (read from the
    segments as every other CSF value is: linear between segment centres), ``segment_csf_ng_per_ml`` (the
    well-mixed concentration of the segment that holds the point: what the model's compartments are) and
    ``level`` (the vertebral level nearest each point).  The cord
    sites' effect concentrations at steady state equal the CSF there: :data:`~pkmodels.neuraxis.LEGS_SITE_CM`,
    :data:`~pkmodels.neuraxis.ARMS_SITE_CM`.
    """
    p = params.as_arrays(1)
    x_state = _steady_state(p, rate_ug_per_day)
    x_cm = np.arange(0.0, neuraxis.CANAL_LENGTH_CM + 1e-9, step_cm)
    segment_conc = x_state[engine.SPINAL] / engine.state_volumes_l(p)[0, engine.SPINAL]  # ug/L = ng/mL
    conc = neuraxis.point_weights(x_cm) @ segment_conc
    names = np.array(list(neuraxis.LEVEL_CM))
    where = np.array(list(neuraxis.LEVEL_CM.values()))
    nearest = names[np.abs(x_cm[:, None] - where[None, :]).argmin(axis=1)]
    segment = segment_conc[np.clip((x_cm // neuraxis.SEGMENT_LENGTH_CM).astype(int), 0, neuraxis.N_SEGMENTS - 1)]
    return pd.DataFrame({"x_cm": x_cm, "csf_ng_per_ml": conc, "segment_csf_ng_per_ml": segment, "level": nearest})
