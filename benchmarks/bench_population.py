"""Population benchmark: virtual patients x 28 days, every band and summary, against one LSODA PK run.

Run by hand from the repository root::

    python benchmarks/bench_population.py [--n 1000] [--days 28] [--step-min 15] [--repeat 5] [--big 10000]

Rows (one process, best of ``--repeat``, wall and CPU time):

1. ``simulate_population`` of ``--n`` patients (sampling, exact PK, PD, all five bands, per-patient summaries,
   fractions) with the numpy PD and with the numba kernel (if installed), as a ratio of one single-patient
   ``solve_ivp`` LSODA run (rtol 1e-8) of the PK states on the same grid -- target <= 1.0x;
2. the Population page's rerun: the therapy run and the "stop now" run, as two calls (as before) and as one
   ``simulate_population_and_stop`` (the stop run continues from the therapy's end);
3. ``--big`` patients (default 10 000, ``max_n``) on the population's own grid for 28 days
   (``grid_step_min``: 30 min) with the library's chunk rule, traced peak memory -- target < 10 s, < 500 MB.

No assertions.  pkmodels runs BLAS single-threaded.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    wall = cpu = float("inf")
    for _ in range(repeat):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - w0), min(cpu, time.process_time() - c0)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--days", type=float, default=28.0)
    ap.add_argument("--step-min", type=float, default=15.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--big", type=int, default=10_000)
    args = ap.parse_args()
    from pkmodels import ITContinuous, OralDoses, Scenario, _kernels, engine
    from pkmodels.compare import stop_now
    from pkmodels.model import individual_params, scenario_events
    from pkmodels.population import (
        N_LIBRARY_MAX,
        chunk_size,
        grid_step_min,
        simulate_population,
        simulate_population_and_stop,
    )
    from pkmodels.reference import solve_reference

    h = args.days * 24.0
    step_h = args.step_min / 60.0
    scenarios = {
        "oral 20 mg q8h": Scenario(duration_h=h, oral=(OralDoses(20.0, 8.0),)),
        "IT 400 ug/day": Scenario(duration_h=h, intrathecal=(ITContinuous(400.0),)),
    }
    kernels = ["numpy", "numba"] if _kernels.NUMBA_AVAILABLE else ["numpy"]
    print(f"load average {os.getloadavg()[0]:.1f}; n={args.n}, {args.days:g} days, {args.step_min:g}-min grid")
    head = f"{'scenario':<16}{'what':<46}{'wall ms':>9}{'CPU ms':>9}{'x LSODA (wall, CPU)':>22}"
    print(head)
    print("-" * len(head))
    for name, sc in scenarios.items():
        a = engine.rate_matrix(individual_params(sc))
        ev = scenario_events(sc)
        n_times = round(h / step_h) + 1
        ref = best(lambda a=a, ev=ev, n=n_times: solve_reference(a[0], ev, 0.0, step_h, n, rtol=1e-8, atol=1e-9), 3)
        print(f"{name:<16}{'1 patient, LSODA PK rtol 1e-8 (reference)':<46}{ref[0] * 1e3:9.0f}{ref[1] * 1e3:9.0f}")
        for k in kernels:
            os.environ["PKMODELS_NUMBA"] = "1" if k == "numba" else "0"
            simulate_population(sc, args.n, 1, args.step_min)  # warm: compile, propagators
            t = best(lambda sc=sc: simulate_population(sc, args.n, 1, args.step_min), args.repeat)
            label = f"{args.n} patients, all bands ({k} PD)"
            print(f"{name:<16}{label:<46}{t[0] * 1e3:9.0f}{t[1] * 1e3:9.0f}{t[0] / ref[0]:11.2f}{t[1] / ref[1]:11.2f}")
        os.environ.pop("PKMODELS_NUMBA", None)
        days = sc.duration_h / 24.0
        step = grid_step_min(days)
        stop = stop_now(sc)

        def two(sc: Any = sc, stop: Any = stop, step: float = step) -> None:
            simulate_population(sc, args.n, 1, step, chunk_size=chunk_size(args.n, sc, step))
            simulate_population(stop, args.n, 1, 60.0, chunk_size=chunk_size(args.n, stop, 60.0))

        def pair(sc: Any = sc, stop: Any = stop, step: float = step) -> None:
            simulate_population_and_stop(sc, stop, args.n, 1, step, 60.0, chunk_size=chunk_size(args.n, sc, step))

        for label, fn in (("rerun: therapy + stop, two calls", two), ("rerun: simulate_population_and_stop", pair)):
            fn()
            t = best(fn, max(2, args.repeat // 2))
            print(f"{name:<16}{label + f' ({step:g}-min)':<46}{t[0] * 1e3:9.0f}{t[1] * 1e3:9.0f}")
        if args.big:
            step = grid_step_min(days)
            cs = chunk_size(min(args.big, 2000), sc, step)
            gc.collect()
            tracemalloc.start()
            w0, c0 = time.perf_counter(), time.process_time()
            simulate_population(sc, args.big, 1, step, chunk_size=cs, max_n=N_LIBRARY_MAX)
            w, c = time.perf_counter() - w0, time.process_time() - c0
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            label = f"{args.big} patients ({step:g}-min, chunks {cs}), peak {peak:.0f} MB"
            print(f"{name:<16}{label:<46}{w * 1e3:9.0f}{c * 1e3:9.0f}")


if __name__ == "__main__":
    main()
