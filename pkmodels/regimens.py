"""The dosing vocabulary, as data.

Every regimen is a small frozen dataclass with one job: :meth:`events` lists what it puts into the body
between two times, as bolus amounts and constant-rate infusions into a *site* (``"gut"`` for oral doses,
``"intrathecal"`` for intrathecal delivery).  :func:`pkmodels.events.compile_events` merges the regimens of a
scenario, applies a pump reservoir that can run empty and a catheter/pump failure, and returns one
:class:`~pkmodels.events.EventTable`.

Each class declares the ranges of its numeric fields (``FIELDS``, :class:`~pkmodels.fields.Num`); they are
checked when the object is built, in code or from a scenario file, with the same one-line message.

Times are hours from the scenario start (which is 00:00 on day 1, for flex schedules); oral amounts are mg
per dose, intrathecal amounts micrograms.  ``stop_h`` is exclusive: a dose at ``stop_h`` is not given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .dosing import EPS, Checked, Regimen, StepDown, dose_stop, repeat_times, stepped_doses, taper_levels
from .events import Bolus, EventTable
from .fields import MAX_STEPS, Num, check_steps, time_field
from .intrathecal import Failure, ITBolus, ITContinuous, ITFlex, ITPeriodicBolus, ITTaper, ITTitration, Pump

__all__ = [
    "IT_REGIMENS",
    "ORAL_REGIMENS",
    "Failure",
    "ITBolus",
    "ITContinuous",
    "ITFlex",
    "ITPeriodicBolus",
    "ITRegimen",
    "ITTaper",
    "ITTitration",
    "OralDoses",
    "OralRegimen",
    "OralTaper",
    "OralTitration",
    "Pump",
    "Regimen",
    "oral_to_intrathecal_switch",
]

# ------------------------------------------------------------------------------------------- oral


@dataclass(frozen=True)
class OralDoses(Checked):
    """``dose_mg`` every ``every_h`` hours from ``start_h`` until ``stop_h`` (a single dose if every_h is None)."""

    kind: ClassVar[str] = "doses"
    route: ClassVar[str] = "oral"
    FIELDS: ClassVar[dict[str, Num]] = {
        "dose_mg": Num(0.0, 5000.0, required=True, lo_open=True),
        "every_h": Num(0.5, 168.0, None),
        "start_h": time_field(0.0),
        "stop_h": time_field(),
    }
    dose_mg: float
    every_h: float | None = None
    start_h: float = 0.0
    stop_h: float | None = None

    def dose_times(self, end_h: float) -> np.ndarray:
        stop = dose_stop(self.stop_h, end_h)
        if self.every_h is None:
            return np.array([self.start_h]) if self.start_h < stop else np.array([])
        return repeat_times(self.start_h, self.every_h, stop)

    def events(self, end_h: float) -> EventTable:
        return EventTable(tuple(Bolus(float(t), self.dose_mg * 1000.0, "gut") for t in self.dose_times(end_h)))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        """At most this many events over [-prior_h, end_h] (the work budget, computed before any work)."""
        return 1.0 if self.every_h is None else (end_h + prior_h) / self.every_h + 2.0

    def extended_back(self, prior_h: float) -> OralDoses:
        if self.every_h is None or self.start_h > 0:
            return self
        n = math.ceil(prior_h / self.every_h - EPS)
        return OralDoses(self.dose_mg, self.every_h, self.start_h - n * self.every_h, self.stop_h)


@dataclass(frozen=True)
class OralTitration(Checked):
    """Label titration: ``start_mg`` per dose, +``step_mg`` per dose every ``step_every_days`` days,
    up to ``target_mg_per_day`` (never above ``max_mg_per_day``), then held."""

    kind: ClassVar[str] = "titration"
    route: ClassVar[str] = "oral"
    FIELDS: ClassVar[dict[str, Num]] = {
        "target_mg_per_day": Num(0.0, 300.0, required=True, lo_open=True),
        "start_mg": Num(0.0, 100.0, 5.0, lo_open=True),
        "step_mg": Num(0.0, 100.0, 5.0),
        "step_every_days": Num(0.25, 60.0, 3.0),
        "every_h": Num(1.0, 24.0, 8.0),
        "start_h": time_field(0.0),
        "stop_h": time_field(),
        "max_mg_per_day": Num(1.0, 300.0, 80.0),
    }
    target_mg_per_day: float
    start_mg: float = 5.0
    step_mg: float = 5.0
    step_every_days: float = 3.0
    every_h: float = 8.0
    start_h: float = 0.0
    stop_h: float | None = None
    max_mg_per_day: float = 80.0

    @property
    def doses_per_day(self) -> float:
        return 24.0 / self.every_h

    def __post_init__(self) -> None:
        super().__post_init__()
        self.levels()  # bounded: refuses a step that would build more than MAX_STEPS levels

    def levels(self) -> list[float]:
        """Per-dose amount at each step, mg."""
        cap = min(self.target_mg_per_day, self.max_mg_per_day) / self.doses_per_day
        levels = [min(self.start_mg, cap)]
        if self.step_mg <= 0:
            return levels
        check_steps(type(self).__name__, "step_mg", self.step_mg, (cap - levels[0]) / self.step_mg)
        while levels[-1] < cap - EPS and len(levels) <= MAX_STEPS + 1:
            levels.append(min(levels[-1] + self.step_mg, cap))
        return levels

    def events(self, end_h: float) -> EventTable:
        doses = stepped_doses(
            self.levels(),
            self.step_every_days * 24.0,
            self.every_h,
            self.start_h,
            dose_stop(self.stop_h, end_h),
            hold_last=True,
        )
        return EventTable(tuple(Bolus(t, mg * 1000.0, "gut") for t, mg in doses))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        """At most this many events over [0, end_h] (a titration starts a therapy: no prior doses)."""
        self.levels()  # bounded by MAX_STEPS
        return end_h / self.every_h + 2.0

    def extended_back(self, prior_h: float) -> Regimen:
        return self  # a titration starts a therapy; there is nothing before it


@dataclass(frozen=True)
class OralTaper(StepDown):
    """Step-down from ``from_mg`` per dose every ``step_every_days`` days: by ``step_percent`` % of the
    current dose (down to ``end_percent`` % of the start, then stop) or by a fixed ``step_mg`` to zero.
    ``start_h`` is when the first reduced dose is given; before that, with prior therapy, the patient
    takes ``from_mg``."""

    kind: ClassVar[str] = "taper"
    route: ClassVar[str] = "oral"
    FIELDS: ClassVar[dict[str, Num]] = {
        "from_mg": Num(0.0, 1000.0, required=True, lo_open=True),
        "every_h": Num(1.0, 24.0, 8.0),
        "step_percent": Num(1.0, 99.0, None),
        "step_mg": Num(0.0, 1000.0, None, lo_open=True),
        "step_every_days": Num(0.25, 60.0, 3.0),
        "start_h": time_field(0.0),
        "end_percent": Num(1.0, 90.0, 10.0),
    }
    from_mg: float
    every_h: float = 8.0
    step_percent: float | None = 20.0
    step_mg: float | None = None
    step_every_days: float = 3.0
    start_h: float = 0.0
    end_percent: float = 10.0
    hold_since_h: float = 0.0  # the patient takes from_mg from here until start_h (set by prior therapy)

    def levels(self) -> list[float]:
        return taper_levels(self.from_mg, self.step_percent, self.step_mg, self.end_percent, "step_mg")

    @property
    def start_level(self) -> float:
        return self.from_mg

    def events(self, end_h: float) -> EventTable:
        n_hold = max(0, math.floor((self.start_h - self.hold_since_h) / self.every_h + EPS))
        hold = self.start_h - self.every_h * np.arange(n_hold, 0, -1)  # in phase with the first reduced dose
        doses = [(float(t), self.from_mg) for t in hold]
        doses += stepped_doses(
            self.levels(), self.step_every_days * 24.0, self.every_h, self.start_h, end_h + 2 * EPS, hold_last=False
        )
        return EventTable(tuple(Bolus(t, mg * 1000.0, "gut") for t, mg in doses if t <= end_h + EPS))


def oral_to_intrathecal_switch(
    oral_mg_per_dose: float,
    oral_every_h: float,
    it_start_ug_per_day: float,
    it_target_ug_per_day: float,
    *,
    it_step_percent: float = 20.0,
    wean_step_percent: float = 25.0,
    wean_every_days: float = 3.0,
    pump_start_h: float = 0.0,
) -> tuple[ITTitration, OralTaper]:
    """Switching from oral to intrathecal: start the pump and titrate it while the oral dose is weaned in
    ``wean_step_percent`` % steps (CMSC 2015: 25-50 % steps, one drug at a time)."""
    return (
        ITTitration(it_start_ug_per_day, it_target_ug_per_day, it_step_percent, 24.0, pump_start_h),
        OralTaper(
            oral_mg_per_dose,
            oral_every_h,
            wean_step_percent,
            None,
            wean_every_days,
            pump_start_h + wean_every_days * 24.0,
        ),
    )


OralRegimen = OralDoses | OralTitration | OralTaper
ITRegimen = ITBolus | ITContinuous | ITPeriodicBolus | ITFlex | ITTitration | ITTaper
ORAL_REGIMENS: tuple[type[OralRegimen], ...] = (OralDoses, OralTitration, OralTaper)
IT_REGIMENS: tuple[type[ITRegimen], ...] = (ITBolus, ITContinuous, ITPeriodicBolus, ITFlex, ITTitration, ITTaper)
