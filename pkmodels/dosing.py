"""What every regimen is made of: field checks on construction, the Regimen protocol, dose times on a grid,
stepped levels and the taper arithmetic, and what every taper shares (:class:`StepDown`).  The regimens
themselves: :mod:`pkmodels.regimens` (oral, and the switch) and :mod:`pkmodels.intrathecal`."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar, Protocol, Self

import numpy as np

from .events import EventTable
from .fields import (
    MAX_STEPS,
    Num,
    ScenarioError,
    check_fields,
    check_steps,
)

__all__ = ["EPS", "Checked", "Regimen", "StepDown", "dose_stop", "end_of", "repeat_times", "stepped_doses",
           "taper_levels"]  # fmt: skip

EPS = 1e-9


class Checked:
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


def repeat_times(start_h: float, every_h: float, stop_h: float) -> np.ndarray:
    """start_h + k every_h for k = 0, 1, ... strictly before stop_h."""
    n = max(0, math.floor((stop_h - start_h) / every_h) + 2)
    t = start_h + every_h * np.arange(n)
    return t[t < stop_h - EPS]


def end_of(stop_h: float | None, end_h: float) -> float:
    return end_h if stop_h is None else min(stop_h, end_h)


def dose_stop(stop_h: float | None, end_h: float) -> float:
    """Exclusive limit for dose times: ``stop_h``, or just past the end (a dose at the end counts)."""
    return end_h + 2 * EPS if stop_h is None else min(stop_h, end_h + 2 * EPS)


def stepped_doses(
    levels: list[float], step_h: float, every_h: float, start_h: float, stop_h: float, hold_last: bool
) -> list[tuple[float, float]]:
    """(time, mg) for doses every ``every_h`` whose amount follows ``levels`` in steps of ``step_h``."""
    out = []
    for t in repeat_times(start_h, every_h, stop_h):
        k = int((t - start_h + EPS) // step_h)
        if k >= len(levels):
            if not hold_last:
                break
            k = len(levels) - 1
        if levels[k] > 0:
            out.append((float(t), levels[k]))
    return out


def taper_levels(
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


class StepDown(Checked):
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
