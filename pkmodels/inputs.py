"""From the event table to the solver's inputs: where the input changes, the bolus amounts at each change, and
the infusion rate into each site on each interval -- by sorted sweeps and binary search, O(n log n) in the
number of events (a per-interval scan of every infusion was quadratic)."""

from __future__ import annotations

import numpy as np

from .compartments import SITES
from .events import EVENT_TOL_H, EventTable

__all__ = ["MERGE_H", "breakpoints", "input_rates", "rate_steps", "segment_rates"]

MERGE_H = 1e-12  # event times closer than this are one breakpoint
_SITE = {s: k for k, s in enumerate(SITES)}


def rate_steps(events: EventTable) -> tuple[np.ndarray, np.ndarray]:
    """The total infusion rate into each site as a step function: change times ``(m,)`` and the rates
    ``(m, len(SITES))`` that hold from each time on (one sort: O(n log n) in the number of infusions)."""
    n = len(events.infusions)
    if n == 0:
        return np.zeros(0), np.zeros((0, len(SITES)))
    starts = np.array([i.start_h for i in events.infusions])
    stops = np.array([i.stop_h for i in events.infusions])
    rates = np.array([i.rate_ug_per_h for i in events.infusions])
    sites = np.array([_SITE[i.site] for i in events.infusions])
    times = np.concatenate([starts, stops])
    order = np.argsort(times, kind="stable")
    delta = np.zeros((2 * n, len(SITES)))
    delta[np.arange(n), sites] = rates
    delta[n + np.arange(n), sites] = -rates
    level = np.cumsum(delta[order], axis=0)
    t_sorted = times[order]
    last = np.r_[t_sorted[1:] != t_sorted[:-1], True]  # keep the level after the last change at each time
    return t_sorted[last], level[last]


def segment_rates(events: EventTable, cuts: np.ndarray) -> np.ndarray:
    """Total infusion rate into each site (ug/h) on each interval ``[cuts[k], cuts[k+1])``, shape
    ``(len(cuts) - 1, len(SITES))``: rates are constant on intervals between breakpoints."""
    t, level = rate_steps(events)
    mid = (cuts[:-1] + cuts[1:]) / 2.0
    if not t.size:
        return np.zeros((len(mid), len(SITES)))
    k = np.searchsorted(t, mid, side="right") - 1
    out = np.where((k >= 0)[:, None], level[np.clip(k, 0, None)], 0.0)
    return np.where(np.abs(out) < 1e-12 * max(1.0, float(np.abs(level).max())), 0.0, out)  # cancelled sums


def input_rates(events: EventTable, a: float, b: float) -> np.ndarray:
    """Total infusion rate into each site (ug/h) over the interval [a, b) (rates are constant on it)."""
    return segment_rates(events, np.array([a, b]))[0]


def breakpoints(events: EventTable, t_start_h: float, t_end_h: float) -> tuple[np.ndarray, np.ndarray]:
    """Times where the input changes, and the bolus amounts per site given at each.

    Only event times that coincide (within 1e-12 h) are merged, so no event moves.  Returns
    ``(times, jumps)`` with ``times`` starting at ``t_start_h`` and ending at ``t_end_h``, and ``jumps`` of
    shape (len(times), len(SITES)): every bolus inside [t_start_h, t_end_h] is added at exactly one breakpoint.
    Sorting and binary search only: O(n log n) in the number of events.
    """
    b_t = np.array([b.time_h for b in events.boluses])
    b_amt = np.array([b.amount_ug for b in events.boluses])
    b_site = np.array([_SITE[b.site] for b in events.boluses], dtype=int)
    inside = (b_t >= t_start_h - EVENT_TOL_H) & (b_t <= t_end_h + EVENT_TOL_H) if b_t.size else np.zeros(0, bool)
    edges = events.rate_breakpoints()
    edges = edges[(edges > t_start_h) & (edges < t_end_h)]
    cand = np.sort(np.concatenate([[t_start_h], b_t[inside], edges]))
    keep = np.r_[True, np.diff(cand) > MERGE_H]  # merge only coincident times (chains merge to the first)
    merged = cand[keep]
    if t_end_h - merged[-1] > MERGE_H:
        merged = np.append(merged, t_end_h)
    else:
        merged[-1] = t_end_h
    jumps = np.zeros((len(merged), len(SITES)))
    if inside.any():
        t_in = b_t[inside]
        k = np.clip(np.searchsorted(merged, t_in), 1, len(merged) - 1)
        nearest = np.where(np.abs(merged[k - 1] - t_in) <= np.abs(merged[k] - t_in), k - 1, k)
        np.add.at(jumps, (nearest, b_site[inside]), b_amt[inside])
    return merged, jumps
