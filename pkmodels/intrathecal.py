"""The intrathecal regimens (bolus, continuous, periodic bolus, flex, titration, taper), the pump reservoir and
catheter or pump failures; re-exported by :mod:`pkmodels.regimens`.  Amounts are micrograms, rates
micrograms per day."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import ClassVar

from .dosing import EPS, Checked, Regimen, StepDown, dose_stop, end_of, repeat_times, taper_levels
from .events import IT_SITE, Bolus, EventTable, Infusion
from .fields import (
    MAX_DURATION_H,
    MAX_PRIOR_DAYS,
    MAX_STEPS,
    Num,
    ScenarioError,
    check_number,
    check_steps,
    time_field,
)

__all__ = ["Failure", "ITBolus", "ITContinuous", "ITFlex", "ITPeriodicBolus", "ITTaper", "ITTitration", "Pump"]

# -------------------------------------------------------------------------------------- intrathecal


@dataclass(frozen=True)
class ITBolus(Checked):
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
        return EventTable((Bolus(self.at_h, self.bolus_ug, IT_SITE),) if self.at_h <= end_h + EPS else ())

    def event_bound(self, end_h: float, prior_h: float) -> float:
        return 1.0

    def extended_back(self, prior_h: float) -> Regimen:
        return self


@dataclass(frozen=True)
class ITContinuous(Checked):
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
        stop = end_of(self.stop_h, end_h)
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
class ITPeriodicBolus(Checked):
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
        times = repeat_times(self.start_h, self.every_h, dose_stop(self.stop_h, end_h))
        return EventTable(tuple(Bolus(float(t), self.bolus_ug, IT_SITE) for t in times))

    def event_bound(self, end_h: float, prior_h: float) -> float:
        """At most this many events over [-prior_h, end_h]."""
        return (end_h + prior_h) / self.every_h + 2.0

    def extended_back(self, prior_h: float) -> Regimen:
        if self.start_h > 0:
            return self
        n = math.ceil(prior_h / self.every_h - EPS)
        return ITPeriodicBolus(self.bolus_ug, self.every_h, self.start_h - n * self.every_h, self.stop_h)


@dataclass(frozen=True)
class ITFlex(Checked):
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
            if c <= clock_h + EPS:
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
        stop = end_of(self.stop_h, end_h)
        if stop <= self.start_h:
            return EventTable()
        clocks = sorted(c for c, _ in self.schedule)
        day0 = math.floor(self.start_h / 24.0)
        cuts = {self.start_h, stop}
        for day in range(day0, math.ceil(stop / 24.0) + 1):
            cuts.update(day * 24.0 + c for c in clocks)
        edges = sorted(t for t in cuts if self.start_h - EPS <= t <= stop + EPS)
        out = []
        for a, b in itertools.pairwise(edges):
            if b - a > EPS:
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
class ITTitration(Checked):
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
        while levels[-1] < self.target_ug_per_day - EPS and len(levels) <= MAX_STEPS + 1:
            levels.append(min(levels[-1] * (1 + self.step_percent / 100.0), self.target_ug_per_day))
        return levels

    def events(self, end_h: float) -> EventTable:
        stop = end_of(self.stop_h, end_h)
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
class ITTaper(StepDown):
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
        return taper_levels(
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
class Pump(Checked):
    """A pump reservoir: intrathecal infusions stop when ``reservoir_ml`` of drug at
    ``concentration_ug_per_ml`` has been delivered (counted from ``filled_at_h``).

    ``refill_after_h``: the reservoir, once empty, is refilled that many hours later with ``refill_ml`` of
    the same concentration, and the programmed infusions go on from then (one refill: "the pump ran dry over
    the weekend and was refilled on Monday").  Without it an empty reservoir stays empty."""

    FIELDS: ClassVar[dict[str, Num]] = {
        "concentration_ug_per_ml": Num(0.0, 5000.0, required=True, lo_open=True),
        "reservoir_ml": Num(0.0, 60.0, required=True, lo_open=True),
        "filled_at_h": Num(-24.0 * MAX_PRIOR_DAYS, MAX_DURATION_H, 0.0, time=True),
        "low_alarm_ml": Num(0.0, 60.0, 2.0),
        "refill_after_h": Num(0.0, MAX_DURATION_H),
        "refill_ml": Num(0.0, 60.0, 20.0, lo_open=True),
    }

    concentration_ug_per_ml: float
    reservoir_ml: float
    filled_at_h: float = 0.0
    low_alarm_ml: float = 2.0
    refill_after_h: float | None = None
    refill_ml: float = 20.0

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
class Failure(Checked):
    """Catheter or pump failure: no intrathecal delivery from ``at_h`` until ``restart_h`` (or the end)."""

    FIELDS: ClassVar[dict[str, Num]] = {
        "at_h": Num(0.0, MAX_DURATION_H, required=True, time=True),
        "restart_h": time_field(),
    }

    at_h: float
    restart_h: float | None = None

    def window(self, end_h: float) -> tuple[float, float]:
        return self.at_h, (end_h if self.restart_h is None else self.restart_h)
