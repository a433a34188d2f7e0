"""Engine benchmark: exact linear solution versus solve_ivp, one patient and 1000 parameter sets.

Run by hand from the repository root::

    python benchmarks/bench_engine.py [--days 28] [--repeat 3]

1. One patient x 28 days x 5-minute grid, oral (20 mg every 8 h) and intrathecal (400 ug/day with a 50 ug
   bolus on day 1 and a rate change on day 14): :func:`pkmodels.engine.solve_linear` against
   ``solve_ivp`` (LSODA, rtol 1e-8) on the same problem.  Accuracy of both is measured against a tight
   reference (LSODA, rtol 1e-12, atol 1e-16): the largest relative error where the reference is above
   1e-6 of its peak.  Target: at least 20x faster at equal or better accuracy.  The tight LSODA run is
   timed too: it is the integrator at an accuracy closer to the engine's.
2. 1000 parameter sets (log-normal variability of the parameter table) x 28 days, plasma and both CSF
   pools on the 5-minute grid, in one vectorised call, against the single-patient LSODA run.  Target:
   under 3x its time; peak traced memory under 300 MB.

Prints a table; no assertions.  Everything runs in one process.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from pkmodels.engine import CRANIAL, LUMBAR, PLASMA, rate_matrix, solve_linear
from pkmodels.model import individual_params, scenario_events
from pkmodels.population import sample_params
from pkmodels.reference import solve_reference
from pkmodels.regimens import ITBolus, ITContinuous, OralDoses
from pkmodels.scenario import Scenario

STEP_H = 5.0 / 60.0


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    out, t_best = None, float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        t_best = min(t_best, time.perf_counter() - t0)
    return t_best, out


def max_rel_error(x: np.ndarray, ref: np.ndarray) -> float:
    peak = np.abs(ref).max(axis=0)
    mask = np.abs(ref) > 1e-6 * peak
    return float((np.abs(x - ref)[mask] / np.abs(ref)[mask]).max())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=28.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    hours = args.days * 24.0
    n_times = round(hours / STEP_H) + 1
    cases = {
        "oral 20 mg q8h": Scenario(duration_h=hours, oral=(OralDoses(20, 8),)),
        "intrathecal": Scenario(
            duration_h=hours,
            intrathecal=(ITBolus(50, 2.0), ITContinuous(400, 0, hours / 2), ITContinuous(500, hours / 2)),
        ),
    }
    print(f"one patient, {args.days:g} days, 5-min grid ({n_times} points), best of {args.repeat}")
    head = (
        f"{'scenario':<16}{'engine ms':>11}{'LSODA ms':>10}{'speed-up':>10}{'engine err':>12}{'LSODA err':>11}"
        f"{'LSODA-1e-12 ms':>16}{'speed-up':>10}"
    )
    print(head)
    print("-" * len(head))
    single_ref_s = {}
    for name, sc in cases.items():
        a = rate_matrix(individual_params(sc))
        ev = scenario_events(sc)
        t_eng, (exact, _) = best(lambda a=a, ev=ev: solve_linear(a, ev, 0.0, STEP_H, n_times), args.repeat)
        t_ivp, ivp = best(
            lambda a=a, ev=ev: solve_reference(a[0], ev, 0.0, STEP_H, n_times, rtol=1e-8, atol=1e-9), args.repeat
        )
        t_tight, tight = best(
            lambda a=a, ev=ev: solve_reference(a[0], ev, 0.0, STEP_H, n_times, rtol=1e-12, atol=1e-16), 1
        )
        single_ref_s[name] = t_ivp
        print(
            f"{name:<16}{t_eng * 1e3:>11.1f}{t_ivp * 1e3:>10.0f}{t_ivp / t_eng:>9.0f}x"
            f"{max_rel_error(exact[0], tight):>12.1e}{max_rel_error(ivp, tight):>11.1e}"
            f"{t_tight * 1e3:>16.0f}{t_tight / t_eng:>9.0f}x"
        )

    print(f"\n1000 parameter sets, {args.days:g} days, 5-min grid, plasma + lumbar + cranial CSF, one call")
    head = f"{'scenario':<16}{'engine s':>10}{'1 x LSODA s':>13}{'ratio':>8}{'peak MB':>9}"
    print(head)
    print("-" * len(head))
    for name, sc in cases.items():
        params = sample_params(individual_params(Scenario()), sc.patient, 1000, seed=1)
        a = rate_matrix(params)
        ev = scenario_events(sc)

        def run(a: np.ndarray = a, ev: Any = ev) -> Any:
            return solve_linear(a, ev, 0.0, STEP_H, n_times, observe=(PLASMA, LUMBAR, CRANIAL))

        t_pop, _ = best(run, args.repeat)
        tracemalloc.start()
        run()
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        ratio = t_pop / single_ref_s[name]
        print(f"{name:<16}{t_pop:>10.2f}{single_ref_s[name]:>13.2f}{ratio:>8.2f}{peak_mb:>9.0f}")
    print("targets: single patient >= 20x faster at equal or better accuracy; 1000 sets < 3x one LSODA run, < 300 MB")


if __name__ == "__main__":
    main()
