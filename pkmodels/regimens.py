"""The dosing vocabulary, as data.

Every regimen is a small frozen dataclass with one job: :meth:`events` lists what it puts into the body
between two times, as bolus amounts and constant-rate infusions into a *site* (``"gut"`` for oral doses,
``"lumbar"`` for intrathecal delivery).  :func:`compile_events` merges the regimens of a scenario, applies
a pump reservoir that can run empty and a catheter/pump failure, and returns one :class:`EventTable`.

Times are hours from the scenario start (which is 00:00 on day 1, for flex schedules); oral amounts are mg
per dose, intrathecal amounts micrograms.  ``stop_h`` is exclusive: a dose at ``stop_h`` is not given.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

import numpy as np

__all__ = [
    "EVENT_TOL_H",
    "Bolus",
    "EventTable",
    "Failure",
    "ITBolus",
    "ITContinuous",
    "ITFlex",
    "ITPeriodicBolus",
    "ITTaper",
    "ITTitration",
    "Infusion",
    "OralDoses",
    "OralTaper",
    "OralTitration",
    "Pump",
    "Regimen",
    "compile_events",
    "oral_to_intrathecal_switch",
]

_EPS = 1e-9
EVENT_TOL_H = 1e-9  # a grid time this close to an event time is at the event (rounding of k * step)


@dataclass(frozen=True)
class Bolus:
    time_h: float
    amount_ug: float
    site: str  # "gut" or "lumbar"


@dataclass(frozen=True)
class Infusion:
    start_h: float
    stop_h: float
    rate_ug_per_h: float
    site: str


@dataclass(frozen=True)
class EventTable:
    """What enters the body: boluses at times and piecewise-constant infusion rates."""

    boluses: tuple[Bolus, ...] = ()
    infusions: tuple[Infusion, ...] = ()

    def __add__(self, other: EventTable) -> EventTable:
        return EventTable(self.boluses + other.boluses, self.infusions + other.infusions)

    def scaled(self, factor: float) -> EventTable:
        """Every amount and rate multiplied by ``factor`` (used by linearity checks)."""
        return EventTable(
            tuple(Bolus(b.time_h, b.amount_ug * factor, b.site) for b in self.boluses),
            tuple(Infusion(i.start_h, i.stop_h, i.rate_ug_per_h * factor, i.site) for i in self.infusions),
        )

    def total_dosed_ug(self, start_h: float, end_h: float, site: str | None = None) -> float:
        """Drug given in [start_h, end_h] (boluses) and delivered by infusions in that window."""
        total = sum(
            b.amount_ug
            for b in self.boluses
            if start_h - EVENT_TOL_H <= b.time_h <= end_h + EVENT_TOL_H and (site is None or b.site == site)
        )
        for i in self.infusions:
            if site is None or i.site == site:
                overlap = min(i.stop_h, end_h) - max(i.start_h, start_h)
                total += max(overlap, 0.0) * i.rate_ug_per_h
        return total

    def rate_breakpoints(self) -> np.ndarray:
        return np.unique([t for i in self.infusions for t in (i.start_h, i.stop_h)])


class Regimen(Protocol):
    kind: ClassVar[str]
    route: ClassVar[str]

    def events(self, end_h: float) -> EventTable: ...

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
class OralDoses:
    """``dose_mg`` every ``every_h`` hours from ``start_h`` until ``stop_h`` (a single dose if every_h is None)."""

    kind: ClassVar[str] = "doses"
    route: ClassVar[str] = "oral"
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
class OralTitration:
    """Label titration: ``start_mg`` per dose, +``step_mg`` per dose every ``step_every_days`` days,
    up to ``target_mg_per_day`` (never above ``max_mg_per_day``), then held."""

    kind: ClassVar[str] = "titration"
    route: ClassVar[str] = "oral"
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

    def levels(self) -> list[float]:
        """Per-dose amount at each step, mg."""
        cap = min(self.target_mg_per_day, self.max_mg_per_day) / self.doses_per_day
        levels = [min(self.start_mg, cap)]
        while levels[-1] < cap - _EPS and self.step_mg > 0:
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

    def extended_back(self, prior_h: float) -> Regimen:
        return self  # a titration starts a therapy; there is nothing before it


def _taper_levels(
    start: float, step_percent: float | None, step_fixed: float | None, end_percent: float
) -> list[float]:
    """Levels after each step of a taper, ending with 0.

    A fixed step (mg or ug/day) steps down linearly to zero.  A percentage step removes that share of the
    *current* dose each time (the usual clinical meaning of "reduce by 10-20 %"); once the next level
    would fall below ``end_percent`` % of the start, the therapy stops.
    """
    if step_fixed is not None:
        if step_fixed <= 0:
            raise ValueError("a taper needs a positive step")
        n = math.ceil(start / step_fixed - 1e-9)
        return [max(start - step_fixed * k, 0.0) for k in range(1, n + 1)]
    frac = (step_percent or 0.0) / 100.0
    if not 0 < frac <= 1:
        raise ValueError("a taper needs a step between 0 and 100 %")
    levels = []
    level = start * (1 - frac)
    while level >= start * end_percent / 100.0 - 1e-12 and level > 0 and len(levels) < 200:
        levels.append(level)
        level *= 1 - frac
    return [*levels, 0.0]


class _StepDown:
    """What every taper shares: its length, and holding the starting dose during prior therapy."""

    step_every_days: float
    hold_since_h: float

    def levels(self) -> list[float]:
        raise NotImplementedError

    @property
    def duration_h(self) -> float:
        """From the first reduced dose to the stop."""
        return (len(self.levels()) - 1) * self.step_every_days * 24.0

    def extended_back(self, prior_h: float) -> Regimen:
        return dataclasses.replace(self, hold_since_h=min(self.hold_since_h, -prior_h))


@dataclass(frozen=True)
class OralTaper(_StepDown):
    """Step-down from ``from_mg`` per dose every ``step_every_days`` days: by ``step_percent`` % of the
    current dose (down to ``end_percent`` % of the start, then stop) or by a fixed ``step_mg`` to zero.
    ``start_h`` is when the first reduced dose is given; before that, with prior therapy, the patient
    takes ``from_mg``."""

    kind: ClassVar[str] = "taper"
    route: ClassVar[str] = "oral"
    from_mg: float
    every_h: float = 8.0
    step_percent: float | None = 20.0
    step_mg: float | None = None
    step_every_days: float = 3.0
    start_h: float = 0.0
    end_percent: float = 10.0
    hold_since_h: float = 0.0  # the patient takes from_mg from here until start_h (set by prior therapy)

    def levels(self) -> list[float]:
        return _taper_levels(self.from_mg, self.step_percent, self.step_mg, self.end_percent)

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
class ITBolus:
    """A single intrathecal bolus (screening dose by lumbar puncture or catheter), micrograms."""

    kind: ClassVar[str] = "bolus"
    route: ClassVar[str] = "intrathecal"
    bolus_ug: float
    at_h: float = 0.0

    def events(self, end_h: float) -> EventTable:
        return EventTable((Bolus(self.at_h, self.bolus_ug, "lumbar"),) if self.at_h <= end_h + _EPS else ())

    def extended_back(self, prior_h: float) -> Regimen:
        return self


@dataclass(frozen=True)
class ITContinuous:
    """Simple continuous pump rate, micrograms per day."""

    kind: ClassVar[str] = "continuous"
    route: ClassVar[str] = "intrathecal"
    rate_ug_per_day: float
    start_h: float = 0.0
    stop_h: float | None = None

    def events(self, end_h: float) -> EventTable:
        stop = _end(self.stop_h, end_h)
        if stop <= self.start_h:
            return EventTable()
        return EventTable((), (Infusion(self.start_h, stop, self.rate_ug_per_day / 24.0, "lumbar"),))

    def extended_back(self, prior_h: float) -> Regimen:
        if self.start_h > 0:
            return self
        return ITContinuous(self.rate_ug_per_day, self.start_h - prior_h, self.stop_h)


@dataclass(frozen=True)
class ITPeriodicBolus:
    """Pump 'periodic bolus' mode: ``bolus_ug`` every ``every_h`` hours from ``start_h`` until ``stop_h``."""

    kind: ClassVar[str] = "periodic_bolus"
    route: ClassVar[str] = "intrathecal"
    bolus_ug: float
    every_h: float
    start_h: float = 0.0
    stop_h: float | None = None

    @property
    def rate_ug_per_day(self) -> float:
        return self.bolus_ug * 24.0 / self.every_h

    def events(self, end_h: float) -> EventTable:
        times = _repeat_times(self.start_h, self.every_h, _dose_stop(self.stop_h, end_h))
        return EventTable(tuple(Bolus(float(t), self.bolus_ug, "lumbar") for t in times))

    def extended_back(self, prior_h: float) -> Regimen:
        if self.start_h > 0:
            return self
        n = math.ceil(prior_h / self.every_h - _EPS)
        return ITPeriodicBolus(self.bolus_ug, self.every_h, self.start_h - n * self.every_h, self.stop_h)


@dataclass(frozen=True)
class ITFlex:
    """Flex schedule: each day, at ``clock_h`` (hours after midnight) the rate becomes ``rate_ug_per_day``.

    ``schedule`` is a tuple of ``(clock_h, rate_ug_per_day)``; the last rate of a day carries over to the
    first step of the next.
    """

    kind: ClassVar[str] = "flex"
    route: ClassVar[str] = "intrathecal"
    schedule: tuple[tuple[float, float], ...]
    start_h: float = 0.0
    stop_h: float | None = None

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
                out.append(Infusion(a, b, rate / 24.0, "lumbar"))
        return EventTable((), tuple(out))

    def extended_back(self, prior_h: float) -> Regimen:
        if self.start_h > 0:
            return self
        return ITFlex(self.schedule, self.start_h - math.ceil(prior_h / 24.0) * 24.0, self.stop_h)


@dataclass(frozen=True)
class ITTitration:
    """Pump titration: from ``from_ug_per_day``, +``step_percent`` % of the current rate every
    ``step_every_h`` hours, up to ``target_ug_per_day`` (labels: +10-30 % / 24 h spinal origin,
    +5-15 % / 24 h cerebral origin and children)."""

    kind: ClassVar[str] = "titration"
    route: ClassVar[str] = "intrathecal"
    from_ug_per_day: float
    target_ug_per_day: float
    step_percent: float = 20.0
    step_every_h: float = 24.0
    start_h: float = 0.0
    stop_h: float | None = None

    def levels(self) -> list[float]:
        levels = [min(self.from_ug_per_day, self.target_ug_per_day)]
        if self.step_percent <= 0:
            return levels
        while levels[-1] < self.target_ug_per_day - _EPS and len(levels) < 1000:
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
                out.append(Infusion(a, b, rate / 24.0, "lumbar"))
        return EventTable((), tuple(out))

    def extended_back(self, prior_h: float) -> Regimen:
        return self


@dataclass(frozen=True)
class ITTaper(_StepDown):
    """Step-down of the pump rate every ``step_every_days`` days: by ``step_percent`` % of the current
    rate (down to ``end_percent`` % of the start, then stop) or by a fixed ``step_ug_per_day`` to zero."""

    kind: ClassVar[str] = "taper"
    route: ClassVar[str] = "intrathecal"
    from_ug_per_day: float
    step_percent: float | None = 20.0
    step_ug_per_day: float | None = None
    step_every_days: float = 3.0
    start_h: float = 0.0
    end_percent: float = 10.0
    hold_since_h: float = 0.0  # the pump runs at from_ug_per_day from here until start_h

    def levels(self) -> list[float]:
        return _taper_levels(self.from_ug_per_day, self.step_percent, self.step_ug_per_day, self.end_percent)

    def events(self, end_h: float) -> EventTable:
        step_h = self.step_every_days * 24.0
        out = []
        if self.start_h > self.hold_since_h:
            out.append(Infusion(self.hold_since_h, min(self.start_h, end_h), self.from_ug_per_day / 24.0, "lumbar"))
        for k, rate in enumerate(self.levels()):
            a = self.start_h + k * step_h
            b = min(a + step_h, end_h)
            if b > a and rate > 0:
                out.append(Infusion(a, b, rate / 24.0, "lumbar"))
        return EventTable((), tuple(out))


# ------------------------------------------------------------------------------- pump and failures


@dataclass(frozen=True)
class Pump:
    """A pump reservoir: intrathecal infusions stop when ``reservoir_ml`` of drug at
    ``concentration_ug_per_ml`` has been delivered (counted from ``filled_at_h``)."""

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
class Failure:
    """Catheter or pump failure: no intrathecal delivery from ``at_h`` until ``restart_h`` (or the end)."""

    at_h: float
    restart_h: float | None = None

    def window(self, end_h: float) -> tuple[float, float]:
        return self.at_h, (end_h if self.restart_h is None else self.restart_h)


def _piecewise_rate(infusions: list[Infusion]) -> list[tuple[float, float, float]]:
    """Merge overlapping infusions into non-overlapping (start, stop, total rate) pieces."""
    edges = sorted({t for i in infusions for t in (i.start_h, i.stop_h)})
    pieces = []
    for a, b in itertools.pairwise(edges):
        rate = sum(i.rate_ug_per_h for i in infusions if i.start_h <= a + _EPS and i.stop_h >= b - _EPS)
        if rate > 0 and b - a > _EPS:
            pieces.append((a, b, rate))
    return pieces


def _cut_window(pieces: list[tuple[float, float, float]], lo: float, hi: float) -> list[tuple[float, float, float]]:
    out = []
    for a, b, r in pieces:
        for s, e in ((a, min(b, lo)), (max(a, hi), b)):
            if e - s > _EPS:
                out.append((s, e, r))
    return sorted(out)


def _cap_by_reservoir(pieces: list[tuple[float, float, float]], pump: Pump) -> list[tuple[float, float, float]]:
    left = pump.content_ug
    out = []
    for a, b, r in pieces:
        if b <= pump.filled_at_h:
            out.append((a, b, r))  # delivered from an earlier fill, before this reservoir
            continue
        a2 = max(a, pump.filled_at_h)
        if a2 > a:
            out.append((a, a2, r))
        if left <= 0:
            continue
        need = r * (b - a2)
        if need <= left:
            out.append((a2, b, r))
            left -= need
        else:
            t_empty = a2 + left / r
            out.append((a2, t_empty, r))
            left = 0.0
    return out


def reservoir_empty_time_h(table: EventTable, pump: Pump) -> float | None:
    """When the compiled intrathecal infusions stop because the reservoir is empty, if they do."""
    pieces = sorted((i.start_h, i.stop_h, i.rate_ug_per_h) for i in table.infusions if i.site == "lumbar")
    delivered = 0.0
    for a, b, r in pieces:
        a2 = max(a, pump.filled_at_h)
        if b > a2:
            delivered += r * (b - a2)
            if delivered >= pump.content_ug * (1 - 1e-12):
                return b
    return None


@dataclass(frozen=True)
class DosingPlan:
    """All regimens of a scenario plus its pump and failure."""

    regimens: tuple = ()
    pump: Pump | None = None
    failure: Failure | None = None
    extra: dict = field(default_factory=dict)


def compile_events(
    regimens: tuple | list,
    end_h: float,
    *,
    pump: Pump | None = None,
    failure: Failure | None = None,
    prior_h: float = 0.0,
) -> EventTable:
    """Merge regimens into one event table over [-prior_h, end_h].

    With ``prior_h > 0``, regimens under way at time 0 are extended back (same dose, same phase) so that
    the simulation can start ``prior_h`` hours earlier.  The failure removes every intrathecal bolus and
    infusion inside its window; the pump caps intrathecal infusions at its reservoir content.
    """
    table = EventTable()
    for reg in regimens:
        r = reg.extended_back(prior_h) if prior_h > 0 else reg
        table = table + r.events(end_h)
    oral_boluses = tuple(b for b in table.boluses if b.site != "lumbar")
    it_boluses = [b for b in table.boluses if b.site == "lumbar"]
    pieces = _piecewise_rate([i for i in table.infusions if i.site == "lumbar"])
    if failure is not None:
        lo, hi = failure.window(end_h)
        pieces = _cut_window(pieces, lo, hi)
        it_boluses = [b for b in it_boluses if not (lo - _EPS <= b.time_h < hi - _EPS)]
    if pump is not None:
        pieces = _cap_by_reservoir(pieces, pump)
    lo_t = -prior_h - _EPS
    infusions = tuple(
        Infusion(max(a, -prior_h), min(b, end_h), r, "lumbar") for a, b, r in pieces if b > -prior_h and a < end_h
    )
    boluses = tuple(
        sorted((b for b in (*oral_boluses, *it_boluses) if lo_t <= b.time_h <= end_h + _EPS), key=lambda b: b.time_h)
    )
    return EventTable(boluses, infusions)


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
) -> tuple:
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
