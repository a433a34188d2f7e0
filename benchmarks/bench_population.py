"""Population benchmark: 1000 virtual patients x 28 days versus one solve_ivp reference run.

Run by hand from the repository root::

    python benchmarks/bench_population.py [--n 1000] [--days 28] [--step-min 15] [--chunk 250]

The population run (:func:`pkmodels.population.simulate_population`: sampling, exact PK, PD, all
readouts, percentile bands and fractions) is timed in the same process against two single-patient
``scipy.integrate.solve_ivp`` (LSODA, rtol 1e-8) runs of the same scenario on the same grid: the PK states
only (:func:`pkmodels.reference.solve_reference`) and the whole model with every readout
(:func:`pkmodels.reference.solve_reference_pkpd`), which is the like-for-like comparison.  With a constant
intrathecal rate and no events the reference integrates one smooth segment in a few large steps, so that
row's ratio says little.  Targets: population time < 3x the reference, peak memory < 300 MB.  Prints a
table; no assertions.  pkmodels runs BLAS single-threaded (see ``pkmodels/__init__.py``).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

TARGET_RATIO = 3.0
TARGET_MB = 300.0


def _best_time(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024.0  # bytes on macOS, KiB on Linux


def _traced_peak_mb(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def scenarios(days: float) -> dict[str, Any]:
    """Oral 20 mg q8h, intrathecal 400 ug/day, and both together, each for ``days`` days."""
    from pkmodels import ITContinuous, OralDoses, Scenario

    oral = (OralDoses(20.0, 8.0),)
    it = (ITContinuous(400.0),)
    d = days * 24.0
    return {
        "oral 20 mg q8h": Scenario(duration_h=d, oral=oral),
        "IT 400 ug/day": Scenario(duration_h=d, intrathecal=it),
        "oral + IT": Scenario(duration_h=d, oral=oral, intrathecal=it),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--days", type=float, default=28.0)
    ap.add_argument("--step-min", type=float, default=15.0)
    ap.add_argument("--chunk", type=int, default=None, help="patients per vectorised call (default: the library's)")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    from pkmodels import engine
    from pkmodels.model import individual_params, scenario_events
    from pkmodels.population import DEFAULT_CHUNK, simulate_population
    from pkmodels.reference import solve_reference, solve_reference_pkpd

    args.chunk = args.chunk or DEFAULT_CHUNK
    step_h = args.step_min / 60.0
    load_before = os.getloadavg()[0]
    rss_imports = _maxrss_mb()

    rows = []
    for name, sc in scenarios(args.days).items():
        events = scenario_events(sc)
        a = engine.rate_matrix(individual_params(sc))
        n_times = round(sc.duration_h / step_h) + 1
        t_ref = _best_time(
            lambda a=a, events=events, n_times=n_times: solve_reference(
                a[0], events, 0.0, step_h, n_times, rtol=1e-8, atol=1e-9
            ),
            args.repeat + 1,
        )
        params = individual_params(sc)
        t_full = _best_time(
            lambda params=params, events=events, sc=sc: solve_reference_pkpd(
                params, events, sc.duration_h, step_h, rtol=1e-8, atol=1e-10
            ),
            args.repeat,
        )

        def run(sc: Any = sc) -> Any:
            return simulate_population(sc, args.n, seed=1, step_min=args.step_min, chunk_size=args.chunk)

        rss0 = _maxrss_mb()
        t_pop = _best_time(run, args.repeat)
        rss_delta = _maxrss_mb() - rss0
        peak = _traced_peak_mb(run)
        rows.append((name, t_pop, t_ref, t_full, peak, rss_delta))

    print(
        f"population: n={args.n}, {args.days:g} days, {args.step_min:g}-min grid, all readouts and bands, "
        f"chunks of {args.chunk}; best of {args.repeat}; "
        f"load average before: {load_before:.1f}"
    )
    print(
        "references, one patient, same grid, solve_ivp LSODA rtol 1e-8: 'PK' = the 8 linear states only; "
        "'full' = the whole model (PK + adaptation + symptom states, all readouts)"
    )
    head = (
        f"{'scenario':<16}{'population s':>14}{'PK ref s':>10}{'x PK':>7}{'full ref s':>12}{'x full':>8}"
        f"{'traced peak MB':>16}{'maxrss delta MB':>17}"
    )
    print(head)
    print("-" * len(head))
    for name, t_pop, t_ref, t_full, peak, rss in rows:
        print(
            f"{name:<16}{t_pop:>14.2f}{t_ref:>10.3f}{t_pop / t_ref:>7.1f}{t_full:>12.3f}{t_pop / t_full:>8.2f}"
            f"{peak:>16.0f}{rss:>17.0f}"
        )
    print(
        f"targets: under {TARGET_RATIO:g}x one single-patient solve_ivp run of the same scenario, peak memory "
        f"< {TARGET_MB:g} MB (maxrss delta counts only growth beyond the earlier peak of the process; process "
        f"maxrss {rss_imports:.0f} MB after imports, {_maxrss_mb():.0f} MB at the end)"
    )


if __name__ == "__main__":
    main()
