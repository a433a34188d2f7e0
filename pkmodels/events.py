"""The event table: what enters the body, as boluses at times and piecewise-constant infusion rates.

Every regimen of :mod:`pkmodels.regimens` lists its own events (:class:`EventTable`); :func:`compile_events`
merges the regimens of a scenario into one table over the run, extends therapies under way at time 0 back
over the prior-therapy stretch, removes intrathecal delivery inside a catheter/pump failure window and caps
intrathecal infusions at a pump reservoir's content.  The engine (:mod:`pkmodels.engine`) reads nothing else.

Sites: ``"gut"`` (oral doses), ``"intrathecal"`` (the catheter; the engine puts the drug into the CSF segments
around the catheter tip) and ``"plasma"`` (used by checks only).
Times are hours from the scenario start; amounts are micrograms, rates micrograms per hour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .regimens import Failure, Pump, Regimen

__all__ = [
    "EVENT_TOL_H",
    "IT_SITE",
    "Bolus",
    "EventTable",
    "Infusion",
    "compile_events",
    "reservoir_empty_time_h",
]

_EPS = 1e-9
EVENT_TOL_H = 1e-9  # a grid time this close to an event time is at the event (rounding of k * step)
IT_SITE = "intrathecal"  # intrathecal doses: the engine places them at the catheter tip


@dataclass(frozen=True)
class Bolus:
    time_h: float
    amount_ug: float
    site: str  # "gut", "intrathecal" or "plasma"


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

    def before(self, t_h: float) -> EventTable:
        """The same infusions, and only the boluses given before ``t_h`` (the prior-therapy stretch)."""
        return EventTable(tuple(b for b in self.boluses if b.time_h < t_h - _EPS), self.infusions)


Piece = tuple[float, float, float]  # (start_h, stop_h, rate_ug_per_h)


def _piecewise_rate(infusions: list[Infusion]) -> list[Piece]:
    """Merge overlapping infusions into non-overlapping (start, stop, total rate) pieces: one sweep over the
    sorted start and stop times (O(n log n))."""
    if not infusions:
        return []
    changes = sorted(
        [(i.start_h, i.rate_ug_per_h) for i in infusions] + [(i.stop_h, -i.rate_ug_per_h) for i in infusions]
    )
    pieces: list[Piece] = []
    rate, k, n = 0.0, 0, len(changes)
    scale = max(abs(r) for _, r in changes)
    while k < n:
        t = changes[k][0]
        while k < n and changes[k][0] <= t + _EPS:  # every change at (within _EPS of) this time
            rate += changes[k][1]
            k += 1
        if abs(rate) < 1e-12 * scale:
            rate = 0.0  # sums that cancel leave no rounding residue
        if k < n and rate > 0 and changes[k][0] - t > _EPS:
            pieces.append((t, changes[k][0], rate))
    return pieces


def _cut_window(pieces: list[Piece], lo: float, hi: float) -> list[Piece]:
    out = []
    for a, b, r in pieces:
        for s, e in ((a, min(b, lo)), (max(a, hi), b)):
            if e - s > _EPS:
                out.append((s, e, r))
    return sorted(out)


def _cap_by_reservoir(pieces: list[Piece], pump: Pump) -> list[Piece]:
    """The infusion pieces the reservoir can deliver: each until its content is used up, then none until the
    refill (``pump.refill_after_h`` after it ran empty, with ``pump.refill_ml``), if there is one."""
    left = pump.content_ug
    resume_h: float | None = None  # when the refill lets delivery go on
    refilled = pump.refill_after_h is None  # at most one refill
    out = []
    for a, b, r in pieces:
        if b <= pump.filled_at_h:
            out.append((a, b, r))  # delivered from an earlier fill, before this reservoir
            continue
        a2 = max(a, pump.filled_at_h)
        if a2 > a:
            out.append((a, a2, r))
        while b - a2 > _EPS:  # at most three rounds: deliver, run empty, resume after the refill
            if left <= 0:
                if resume_h is None or b <= resume_h:
                    break
                a2, left, resume_h = max(a2, resume_h), pump.concentration_ug_per_ml * pump.refill_ml, None
                continue
            need = r * (b - a2)
            if need <= left:
                out.append((a2, b, r))
                left -= need
                break
            t_empty = a2 + left / r
            out.append((a2, t_empty, r))
            left, a2 = 0.0, t_empty
            if not refilled:
                resume_h, refilled = t_empty + float(pump.refill_after_h or 0.0), True
    return out


def reservoir_empty_time_h(table: EventTable, pump: Pump) -> float | None:
    """When the compiled intrathecal infusions stop because the reservoir is empty, if they do."""
    pieces = sorted((i.start_h, i.stop_h, i.rate_ug_per_h) for i in table.infusions if i.site == IT_SITE)
    delivered = 0.0
    for a, b, r in pieces:
        a2 = max(a, pump.filled_at_h)
        if b > a2:
            delivered += r * (b - a2)
            if delivered >= pump.content_ug * (1 - 1e-12):
                return b
    return None


def compile_events(
    regimens: Iterable[Regimen],
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
    oral_boluses = tuple(b for b in table.boluses if b.site != IT_SITE)
    it_boluses = [b for b in table.boluses if b.site == IT_SITE]
    pieces = _piecewise_rate([i for i in table.infusions if i.site == IT_SITE])
    if failure is not None:
        lo, hi = failure.window(end_h)
        pieces = _cut_window(pieces, lo, hi)
        it_boluses = [b for b in it_boluses if not (lo - _EPS <= b.time_h < hi - _EPS)]
    if pump is not None:
        pieces = _cap_by_reservoir(pieces, pump)
    lo_t = -prior_h - _EPS
    infusions = tuple(
        Infusion(max(a, -prior_h), min(b, end_h), r, IT_SITE) for a, b, r in pieces if b > -prior_h and a < end_h
    )
    boluses = tuple(
        sorted((b for b in (*oral_boluses, *it_boluses) if lo_t <= b.time_h <= end_h + _EPS), key=lambda b: b.time_h)
    )
    return EventTable(boluses, infusions)
