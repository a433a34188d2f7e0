"""Event handling: cost against the number of rate pieces (issue "No request can tie up the server").

Run by hand from the repository root::

    python benchmarks/bench_events.py [--pieces 10 100 1000 10000]

For each size, one scenario whose intrathecal flex schedule gives about that many rate pieces (13 changes a
day, as many days as needed, on a 60-minute output grid), timed three ways in one process:

* ``compile``: :func:`pkmodels.events.compile_events` (merging infusions into pieces);
* ``rates``: the input rate on every interval between breakpoints, by the engine's sorted sweep
  (:func:`pkmodels.engine.segment_rates`) and by the per-interval scan it replaced (kept below as the
  reference: ``O(intervals x infusions)``);
* ``simulate``: the whole :func:`pkmodels.model.simulate`.

Prints microseconds per piece: flat columns mean linear growth (O(n log n) at worst), a column that grows ten-fold
per row means quadratic.  No assertions.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable

import numpy as np

from pkmodels import engine
from pkmodels.events import EventTable
from pkmodels.model import scenario_events, simulate
from pkmodels.regimens import ITFlex
from pkmodels.scenario import Scenario

STEPS_PER_DAY = 13  # SynchroMed II flex dosing: up to 13 changes a day


def scenario_with_pieces(n_pieces: int) -> Scenario:
    days = max(1, round(n_pieces / STEPS_PER_DAY))
    schedule = tuple((k * 24.0 / STEPS_PER_DAY, 100.0 + 10.0 * k) for k in range(STEPS_PER_DAY))
    return Scenario(duration_h=24.0 * days, output_step_min=60.0, intrathecal=(ITFlex(schedule),))


def scanned_rates(events: EventTable, cuts: np.ndarray) -> np.ndarray:
    """The replaced algorithm: every interval scans every infusion."""
    out = np.zeros((len(cuts) - 1, len(engine.SITES)))
    for k, (a, b) in enumerate(itertools.pairwise(cuts)):
        for inf in events.infusions:
            if inf.start_h <= a + 1e-12 and inf.stop_h >= b - 1e-12:
                out[k, engine.SITES.index(inf.site)] += inf.rate_ug_per_h
    return out


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pieces", type=int, nargs="+", default=[10, 100, 1000, 8000])
    ap.add_argument("--scan-up-to", type=int, default=3000, help="skip the quadratic scan above this size")
    args = ap.parse_args()
    print(f"{'pieces':>8} {'compile us/pc':>14} {'sweep us/pc':>12} {'scan us/pc':>11} {'simulate us/pc':>15}")
    for n in args.pieces:
        sc = scenario_with_pieces(n)
        events = scenario_events(sc)
        cuts, _ = engine.breakpoints(events, 0.0, sc.duration_h)
        pieces = len(events.infusions)
        t_compile = best_of(lambda sc=sc: scenario_events(sc))
        t_sweep = best_of(lambda e=events, c=cuts: engine.segment_rates(e, c))
        if pieces <= args.scan_up_to:
            assert np.allclose(scanned_rates(events, cuts), engine.segment_rates(events, cuts))
            scan = f"{best_of(lambda e=events, c=cuts: scanned_rates(e, c), 1) / pieces * 1e6:11.1f}"
        else:
            scan = f"{'(skipped)':>11}"
        t_sim = best_of(lambda sc=sc: simulate(sc), 1)
        print(
            f"{pieces:8d} {t_compile / pieces * 1e6:14.1f} {t_sweep / pieces * 1e6:12.2f} {scan} "
            f"{t_sim / pieces * 1e6:15.1f}"
        )


if __name__ == "__main__":
    main()
