"""The dosing vocabulary, as data.

Every regimen is a small frozen dataclass with one job: :meth:`events` lists what it puts into the body
between two times, as bolus amounts and constant-rate infusions into a *site* (``"gut"`` for oral doses,
``"lumbar"`` for intrathecal delivery).  :func:`pkmodels.events.compile_events` merges the regimens of a
scenario, applies a pump reservoir that can run empty and a catheter/pump failure, and returns one
:class:`~pkmodels.events.EventTable`.

Each class declares the ranges of its numeric fields (``FIELDS``, :class:`~pkmodels.fields.Num`); they are
checked when the object is built, in code or from a scenario file, with the same one-line message.

Times are hours from the scenario start (which is 00:00 on day 1, for flex schedules); oral amounts are mg
per dose, intrathecal amounts micrograms.  ``stop_h`` is exclusive: a dose at ``stop_h`` is not given.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self

import numpy as np

from .events import IT_SITE, Bolus, EventTable, Infusion
from .fields import (
    MAX_DURATION_H,
    MAX_PRIOR_DAYS,
    MAX_STEPS,
    Num,
    ScenarioError,
    check_fields,
    check_number,
    check_steps,
    time_field,
)

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

_EPS = 1e-9


class _Checked:
    """Checks the numeric fields of a dataclass against its ``FIELDS`` table when it is built."""

    FIELDS: ClassVar[dict[str, Num]] = {}

    def __post_init__(self) -> None:
        check_fields(self, self.FIELDS)


class Regimen(Protocol):
    kind: ClassVar[str]
    route: ClassVar[str]

    def events(self, end_h: float) -> EventTable: ...

    def event_bound(self, end_h: float, prior_h: float) -> float: ...

    def extended_back(self, prior_h: float) -> Regimen: ...


def _repeat_times(start_h: float, every_h: float, stop_h: float) -> np.ndarray:
    """start_h + k every_h for k = 0, 1, ... strictly before stop_h."""
    n = max(0, math.floor((stop_h - start_h) / every_h) + 2)
    t = start_h + every_h * np.arange(n)
    return t[t < stop_h - _EPS]


def _end(stop_h: float | None, end_h: float) -> float:
    return end_h if stop_h is None else min(stop_h, end_h)


def _dose_stop(stop_h: float | None, end_h: float) -> float:
    """Exclusive limit for dose times: ``stop_h``, or just past the end (a dose at the end counts)."""
    return end_h + 2 * _EPS if stop_h is None else min(stop_h, end_h + 2 * _EPS)


# ------------------------------------------------------------------------------------------- oral


@dataclass(frozen=True)
class OralDoses(_Checked):
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
        stop = _dose_stop(self.stop_h, end_h)
        if self.every_h is None:
            return np.array([self.start_h]) if self.start_h < stop else np.array([])
        return _repeat_times(self.start_h, self.every_h, stop)

    def events(self, end_h: float) -> EventTable:
        return EventTable(tuple(Bolus(float(t), self.dose_mg * 1000.0, "gut") for t in self.dose_times(end_h)))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        """At most this many events over [-prior_h, end_h] (the work budget, computed before any work)."""
        return 1.0 if self.every_h is None else (end_h + prior_h) / self.every_h + 2.0

    def extended_back(self, prior_h: float) -> OralDoses:
        if self.every_h is None or self.start_h > 0:
            return self
        n = math.ceil(prior_h / self.every_h - _EPS)
        return OralDoses(self.dose_mg, self.every_h, self.start_h - n * self.every_h, self.stop_h)


def _stepped_doses(
    levels: list[float], step_h: float, every_h: float, start_h: float, stop_h: float, hold_last: bool
) -> list[tuple[float, float]]:
    """(time, mg) for doses every ``every_h`` whose amount follows ``levels`` in steps of ``step_h``."""
    out = []
    for t in _repeat_times(start_h, every_h, stop_h):
        k = int((t - start_h + _EPS) // step_h)
        if k >= len(levels):
            if not hold_last:
                break
            k = len(levels) - 1
        if levels[k] > 0:
            out.append((float(t), levels[k]))
    return out


@dataclass(frozen=True)
class OralTitration(_Checked):
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
        while levels[-1] < cap - _EPS and len(levels) <= MAX_STEPS + 1:
            levels.append(min(levels[-1] + self.step_mg, cap))
        return levels

    def events(self, end_h: float) -> EventTable:
        doses = _stepped_doses(
            self.levels(),
            self.step_every_days * 24.0,
            self.every_h,
            self.start_h,
            _dose_stop(self.stop_h, end_h),
            hold_last=True,
        )
        return EventTable(tuple(Bolus(t, mg * 1000.0, "gut") for t, mg in doses))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        """At most this many events over [0, end_h] (a titration starts a therapy: no prior doses)."""
        self.levels()  # bounded by MAX_STEPS
        return end_h / self.every_h + 2.0

    def extended_back(self, prior_h: float) -> Regimen:
        return self  # a titration starts a therapy; there is nothing before it


def _taper_levels(
    start: float, step_percent: float | None, step_fixed: float | None, end_percent: float, step_key: str = "step"
) -> list[float]:
    """Levels after each step of a taper, ending with 0.

    A fixed step (mg or ug/day) steps down linearly to zero.  A percentage step removes that share of the
    *current* dose each time (the usual clinical meaning of "reduce by 10-20 %"); once the next level
    would fall below ``end_percent`` % of the start, the therapy stops.
    """
    if step_fixed is not None:
        if step_fixed <= 0:
            raise ValueError("a taper needs a positive step")
        n_steps = start / step_fixed
        check_steps("", step_key, step_fixed, n_steps)
        n = math.ceil(n_steps - 1e-9)
        return [max(start - step_fixed * k, 0.0) for k in range(1, n + 1)]
    frac = (step_percent or 0.0) / 100.0
    if not 0 < frac <= 1:
        raise ValueError("a taper needs a step between 0 and 100 %")
    if frac < 1:
        check_steps("", "step_percent", frac * 100.0, math.log(end_percent / 100.0) / math.log(1 - frac))
    levels: list[float] = []
    level = start * (1 - frac)
    while level >= start * end_percent / 100.0 - 1e-12 and level > 0 and len(levels) <= MAX_STEPS:
        levels.append(level)
        level *= 1 - frac
    return [*levels, 0.0]


class _StepDown(_Checked):
    """What every taper shares: its length, its last step, and holding the starting dose during prior therapy."""

    __dataclass_fields__: ClassVar[dict[str, Any]]  # every subclass is a dataclass

    step_every_days: float
    hold_since_h: float

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            self.levels()  # bounded: refuses a step that would build more than MAX_STEPS levels
        except ScenarioError as exc:
            raise exc.at(type(self).__name__) from None
        except ValueError as exc:
            raise ScenarioError(str(exc), type(self).__name__) from None

    def levels(self) -> list[float]:
        raise NotImplementedError

    def event_bound(self, end_h: float, prior_h: float) -> float:
        """At most this many events over [-prior_h, end_h] (the work budget, computed before any work)."""
        per_step = getattr(self, "every_h", None)
        steps = len(self.levels()) + 1
        if per_step is None:
            return float(steps)
        return (end_h + prior_h) / per_step + 2.0

    @property
    def start_level(self) -> float:
        """The dose the taper starts from (mg per dose or ug/day)."""
        raise NotImplementedError

    @property
    def last_level_percent(self) -> float:
        """The last dose before the stop, as % of the starting dose (the step that ends the drug)."""
        levels = self.levels()  # the level after each step, ending with 0
        return levels[-2] / self.start_level * 100.0 if len(levels) > 1 else 100.0

    @property
    def duration_h(self) -> float:
        """From the first reduced dose to the stop."""
        return (len(self.levels()) - 1) * self.step_every_days * 24.0

    def extended_back(self, prior_h: float) -> Self:
        return dataclasses.replace(self, hold_since_h=min(self.hold_since_h, -prior_h))


@dataclass(frozen=True)
class OralTaper(_StepDown):
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
        return _taper_levels(self.from_mg, self.step_percent, self.step_mg, self.end_percent, "step_mg")

    @property
    def start_level(self) -> float:
        return self.from_mg

    def events(self, end_h: float) -> EventTable:
        n_hold = max(0, math.floor((self.start_h - self.hold_since_h) / self.every_h + _EPS))
        hold = self.start_h - self.every_h * np.arange(n_hold, 0, -1)  # in phase with the first reduced dose
        doses = [(float(t), self.from_mg) for t in hold]
        doses += _stepped_doses(
            self.levels(), self.step_every_days * 24.0, self.every_h, self.start_h, end_h + 2 * _EPS, hold_last=False
        )
        return EventTable(tuple(Bolus(t, mg * 1000.0, "gut") for t, mg in doses if t <= end_h + _EPS))


# -------------------------------------------------------------------------------------- intrathecal


@dataclass(frozen=True)
class ITBolus(_Checked):
    """A single intrathecal bolus (screening dose by lumbar puncture or catheter), micrograms."""

    kind: ClassVar[str] = "bolus"
    route: ClassVar[str] = "intrathecal"
    FIELDS: ClassVar[dict[str, Num]] = {
        "bolus_ug": Num(0.0, 10000.0, required=True, lo_open=True),
        "at_h": time_field(0.0),
    }
    bolus_ug: float
    at_h: float = 0.0

    def events(self, end_h: float) -> EventTable:
        return EventTable((Bolus(self.at_h, self.bolus_ug, IT_SITE),) if self.at_h <= end_h + _EPS else ())

    def event_bound(self, end_h: float, prior_h: float) -> float:
        return 1.0

    def extended_back(self, prior_h: float) -> Regimen:
        return self


@dataclass(frozen=True)
class ITContinuous(_Checked):
    """Simple continuous pump rate, micrograms per day."""

    kind: ClassVar[str] = "continuous"
    route: ClassVar[str] = "intrathecal"
    FIELDS: ClassVar[dict[str, Num]] = {
        "rate_ug_per_day": Num(0.0, 20000.0, required=True),
        "start_h": time_field(0.0),
        "stop_h": time_field(),
    }
    rate_ug_per_day: float
    start_h: float = 0.0
    stop_h: float | None = None

    def events(self, end_h: float) -> EventTable:
        stop = _end(self.stop_h, end_h)
        if stop <= self.start_h:
            return EventTable()
        return EventTable((), (Infusion(self.start_h, stop, self.rate_ug_per_day / 24.0, IT_SITE),))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        return 1.0

    def extended_back(self, prior_h: float) -> Regimen:
        if self.start_h > 0:
            return self
        return ITContinuous(self.rate_ug_per_day, self.start_h - prior_h, self.stop_h)


@dataclass(frozen=True)
class ITPeriodicBolus(_Checked):
    """Pump 'periodic bolus' mode: ``bolus_ug`` every ``every_h`` hours from ``start_h`` until ``stop_h``."""

    kind: ClassVar[str] = "periodic_bolus"
    route: ClassVar[str] = "intrathecal"
    FIELDS: ClassVar[dict[str, Num]] = {
        "bolus_ug": Num(0.0, 10000.0, required=True, lo_open=True),
        "every_h": Num(1.0, 24.0, required=True),
        "start_h": time_field(0.0),
        "stop_h": time_field(),
    }
    bolus_ug: float
    every_h: float
    start_h: float = 0.0
    stop_h: float | None = None

    @property
    def rate_ug_per_day(self) -> float:
        return self.bolus_ug * 24.0 / self.every_h

    def events(self, end_h: float) -> EventTable:
        times = _repeat_times(self.start_h, self.every_h, _dose_stop(self.stop_h, end_h))
        return EventTable(tuple(Bolus(float(t), self.bolus_ug, IT_SITE) for t in times))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        """At most this many events over [-prior_h, end_h]."""
        return (end_h + prior_h) / self.every_h + 2.0

    def extended_back(self, prior_h: float) -> Regimen:
        if self.start_h > 0:
            return self
        n = math.ceil(prior_h / self.every_h - _EPS)
        return ITPeriodicBolus(self.bolus_ug, self.every_h, self.start_h - n * self.every_h, self.stop_h)


@dataclass(frozen=True)
class ITFlex(_Checked):
    """Flex schedule: each day, at ``clock_h`` (hours after midnight) the rate becomes ``rate_ug_per_day``.

    ``schedule`` is a tuple of ``(clock_h, rate_ug_per_day)``; the last rate of a day carries over to the
    first step of the next.
    """

    kind: ClassVar[str] = "flex"
    route: ClassVar[str] = "intrathecal"
    FIELDS: ClassVar[dict[str, Num]] = {"start_h": time_field(0.0), "stop_h": time_field()}
    STEP_FIELDS: ClassVar[dict[str, Num]] = {
        "clock_h": Num(0.0, 24.0, required=True),
        "rate_ug_per_day": Num(0.0, 20000.0, required=True),
    }
    MAX_STEPS: ClassVar[int] = 13  # SynchroMed II flex dosing: up to 13 changes a day
    schedule: tuple[tuple[float, float], ...]
    start_h: float = 0.0
    stop_h: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_length(len(self.schedule) if isinstance(self.schedule, tuple) else -1)
        for k, step in enumerate(self.schedule):
            sub = f"schedule[{k}]"
            if not isinstance(step, tuple) or len(step) != 2:
                raise ScenarioError("a step is a (clock_h, rate_ug_per_day) pair", type(self).__name__, sub)
            for key, value in zip(self.STEP_FIELDS, step, strict=True):
                try:
                    check_number("", key, value, self.STEP_FIELDS[key])
                except ScenarioError as exc:
                    raise ScenarioError(exc.msg, type(self).__name__, sub) from None
            if step[0] >= 24.0:
                raise ScenarioError("clock_h must be below 24", type(self).__name__, sub)
        clocks = [c for c, _ in self.schedule]
        if len(set(clocks)) != len(clocks):
            raise ScenarioError("schedule has two steps at the same clock_h", type(self).__name__)

    @classmethod
    def check_length(cls, n_steps: int) -> None:
        """A schedule has 1 to :attr:`MAX_STEPS` steps (``n_steps`` -1: not a list at all)."""
        if not 1 <= n_steps <= cls.MAX_STEPS:
            raise ScenarioError(
                f"schedule must be a list of 1 to {cls.MAX_STEPS} {{clock_h, rate_ug_per_day}} steps", cls.__name__
            )

    def rate_at_clock(self, clock_h: float) -> float:
        steps = sorted(self.schedule)
        rate = steps[-1][1]
        for c, r in steps:
            if c <= clock_h + _EPS:
                rate = r
        return rate

    @property
    def mean_rate_ug_per_day(self) -> float:
        steps = sorted(self.schedule)
        total = 0.0
        for k, (c, r) in enumerate(steps):
            nxt = steps[k + 1][0] if k + 1 < len(steps) else steps[0][0] + 24.0
            total += r * (nxt - c)
        return total / 24.0

    def events(self, end_h: float) -> EventTable:
        stop = _end(self.stop_h, end_h)
        if stop <= self.start_h:
            return EventTable()
        clocks = sorted(c for c, _ in self.schedule)
        day0 = math.floor(self.start_h / 24.0)
        cuts = {self.start_h, stop}
        for day in range(day0, math.ceil(stop / 24.0) + 1):
            cuts.update(day * 24.0 + c for c in clocks)
        edges = sorted(t for t in cuts if self.start_h - _EPS <= t <= stop + _EPS)
        out = []
        for a, b in itertools.pairwise(edges):
            if b - a > _EPS:
                rate = self.rate_at_clock(a % 24.0)
                out.append(Infusion(a, b, rate / 24.0, IT_SITE))
        return EventTable((), tuple(out))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        """At most this many rate pieces over [-prior_h, end_h]: every step of every day, plus the ends."""
        return ((end_h + prior_h) / 24.0 + 2.0) * len(self.schedule) + 2.0

    def extended_back(self, prior_h: float) -> Regimen:
        if self.start_h > 0:
            return self
        return ITFlex(self.schedule, self.start_h - math.ceil(prior_h / 24.0) * 24.0, self.stop_h)


@dataclass(frozen=True)
class ITTitration(_Checked):
    """Pump titration: from ``from_ug_per_day``, +``step_percent`` % of the current rate every
    ``step_every_h`` hours, up to ``target_ug_per_day`` (labels: +10-30 % / 24 h spinal origin,
    +5-15 % / 24 h cerebral origin and children)."""

    kind: ClassVar[str] = "titration"
    route: ClassVar[str] = "intrathecal"
    FIELDS: ClassVar[dict[str, Num]] = {
        "from_ug_per_day": Num(0.0, 20000.0, required=True, lo_open=True),
        "target_ug_per_day": Num(0.0, 20000.0, required=True, lo_open=True),
        "step_percent": Num(0.0, 100.0, 20.0),
        "step_every_h": Num(1.0, 24.0 * 14, 24.0),
        "start_h": time_field(0.0),
        "stop_h": time_field(),
    }
    from_ug_per_day: float
    target_ug_per_day: float
    step_percent: float = 20.0
    step_every_h: float = 24.0
    start_h: float = 0.0
    stop_h: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.levels()  # bounded: refuses a step that would build more than MAX_STEPS levels

    def levels(self) -> list[float]:
        levels = [min(self.from_ug_per_day, self.target_ug_per_day)]
        if self.step_percent <= 0:
            return levels
        growth = math.log1p(self.step_percent / 100.0)
        n_steps = math.log(self.target_ug_per_day / levels[0]) / growth if growth > 0 else math.inf
        check_steps(type(self).__name__, "step_percent", self.step_percent, n_steps)
        while levels[-1] < self.target_ug_per_day - _EPS and len(levels) <= MAX_STEPS + 1:
            levels.append(min(levels[-1] * (1 + self.step_percent / 100.0), self.target_ug_per_day))
        return levels

    def events(self, end_h: float) -> EventTable:
        stop = _end(self.stop_h, end_h)
        out = []
        levels = self.levels()
        for k, rate in enumerate(levels):
            a = self.start_h + k * self.step_every_h
            b = stop if k == len(levels) - 1 else min(a + self.step_every_h, stop)
            if b > a:
                out.append(Infusion(a, b, rate / 24.0, IT_SITE))
        return EventTable((), tuple(out))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        return float(len(self.levels()))

    def extended_back(self, prior_h: float) -> Regimen:
        return self


@dataclass(frozen=True)
class ITTaper(_StepDown):
    """Step-down of the pump rate every ``step_every_days`` days: by ``step_percent`` % of the current
    rate (down to ``end_percent`` % of the start, then stop) or by a fixed ``step_ug_per_day`` to zero."""

    kind: ClassVar[str] = "taper"
    route: ClassVar[str] = "intrathecal"
    FIELDS: ClassVar[dict[str, Num]] = {
        "from_ug_per_day": Num(0.0, 20000.0, required=True, lo_open=True),
        "step_percent": Num(1.0, 99.0, None),
        "step_ug_per_day": Num(0.0, 20000.0, None, lo_open=True),
        "step_every_days": Num(0.25, 60.0, 3.0),
        "start_h": time_field(0.0),
        "end_percent": Num(1.0, 90.0, 10.0),
    }
    from_ug_per_day: float
    step_percent: float | None = 20.0
    step_ug_per_day: float | None = None
    step_every_days: float = 3.0
    start_h: float = 0.0
    end_percent: float = 10.0
    hold_since_h: float = 0.0  # the pump runs at from_ug_per_day from here until start_h

    def levels(self) -> list[float]:
        return _taper_levels(
            self.from_ug_per_day, self.step_percent, self.step_ug_per_day, self.end_percent, "step_ug_per_day"
        )

    @property
    def start_level(self) -> float:
        return self.from_ug_per_day

    def events(self, end_h: float) -> EventTable:
        step_h = self.step_every_days * 24.0
        out = []
        if self.start_h > self.hold_since_h:
            out.append(Infusion(self.hold_since_h, min(self.start_h, end_h), self.from_ug_per_day / 24.0, IT_SITE))
        for k, rate in enumerate(self.levels()):
            a = self.start_h + k * step_h
            b = min(a + step_h, end_h)
            if b > a and rate > 0:
                out.append(Infusion(a, b, rate / 24.0, IT_SITE))
        return EventTable((), tuple(out))


# ------------------------------------------------------------------------------- pump and failures


@dataclass(frozen=True)
class Pump(_Checked):
    """A pump reservoir: intrathecal infusions stop when ``reservoir_ml`` of drug at
    ``concentration_ug_per_ml`` has been delivered (counted from ``filled_at_h``)."""

    FIELDS: ClassVar[dict[str, Num]] = {
        "concentration_ug_per_ml": Num(0.0, 5000.0, required=True, lo_open=True),
        "reservoir_ml": Num(0.0, 60.0, required=True, lo_open=True),
        "filled_at_h": Num(-24.0 * MAX_PRIOR_DAYS, MAX_DURATION_H, 0.0, time=True),
        "low_alarm_ml": Num(0.0, 60.0, 2.0),
    }

    concentration_ug_per_ml: float
    reservoir_ml: float
    filled_at_h: float = 0.0
    low_alarm_ml: float = 2.0

    @property
    def content_ug(self) -> float:
        return self.concentration_ug_per_ml * self.reservoir_ml

    def days_until_empty(self, rate_ug_per_day: float) -> float:
        """Days a full reservoir lasts at a constant rate (inf for a zero rate)."""
        return math.inf if rate_ug_per_day <= 0 else self.content_ug / rate_ug_per_day

    def days_until_low_alarm(self, rate_ug_per_day: float) -> float:
        usable = max(self.reservoir_ml - self.low_alarm_ml, 0.0) * self.concentration_ug_per_ml
        return math.inf if rate_ug_per_day <= 0 else usable / rate_ug_per_day


@dataclass(frozen=True)
class Failure(_Checked):
    """Catheter or pump failure: no intrathecal delivery from ``at_h`` until ``restart_h`` (or the end)."""

    FIELDS: ClassVar[dict[str, Num]] = {
        "at_h": Num(0.0, MAX_DURATION_H, required=True, time=True),
        "restart_h": time_field(),
    }

    at_h: float
    restart_h: float | None = None

    def window(self, end_h: float) -> tuple[float, float]:
        return self.at_h, (end_h if self.restart_h is None else self.restart_h)


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
