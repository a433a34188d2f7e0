"""Population page rerun benchmark: AppTest of the real app with 1000 virtual patients.

Run by hand from the repository root (so ``.streamlit/config.toml`` applies)::

    python benchmarks/bench_app_population.py [--n 1000] [--route both] [--days 28]

Measures the wall time of ``AppTest.run()`` after

- slider changes to values not seen before (each one simulates a population on the therapy and after an
  abrupt stop: the oral dose with ``--route both`` touches only the oral column),
- the dose-equivalence slider (a new matching search for every patient),
- returning to values seen before (cache hits),
- display-only changes (which outputs, which bands: no simulation at all).

Prints median / p90 / min / max and the median CPU time per kind, each against the target median of
250 ms (the median over all reruns depends on the mix of kinds, so it is printed but not judged).  AppTest
reruns the whole script even for controls inside an ``st.fragment`` (the browser reruns only the fragment),
so display-only and equivalence numbers here are upper bounds.  The machine's load average is printed:
other processes on a shared 2-core machine inflate wall times; CPU times are steadier.  No assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 250.0  # issue 15: the Population page with 1000 patients and 28 days, any control


def _p90(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(0.9 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--route", default="both", choices=("oral", "intrathecal", "both"))
    ap.add_argument("--days", type=int, default=28)  # the setting: 1000 patients x 28 days
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600)
    at.run()  # switch_page finds a page by its script once a run has registered the navigation
    for key, value in {"n": args.n, "route": args.route, "days": args.days}.items():
        at.query_params[key] = str(value)
    at.switch_page("population/page.py")

    t0 = time.perf_counter()
    at.run()
    first = (time.perf_counter() - t0) * 1000
    if at.exception:
        raise SystemExit(f"page failed: {[e.value for e in at.exception]}")

    results: dict[str, list[float]] = {}

    def timed(kind: str, change) -> None:
        change()
        c0, t = time.process_time(), time.perf_counter()
        at.run()
        ms = (time.perf_counter() - t) * 1000
        cpu = (time.process_time() - c0) * 1000
        if at.exception:
            raise SystemExit(f"rerun failed ({kind}): {[e.value for e in at.exception]}")
        results.setdefault(kind, []).append(ms)
        results.setdefault(f"_cpu {kind}", []).append(cpu)

    dose_key = "pop_oral_mg" if args.route != "intrathecal" else "pop_it_ug"
    new_doses = [25.0, 30.0, 35.0, 40.0, 45.0] if dose_key == "pop_oral_mg" else [450.0, 500.0, 550.0, 600.0, 650.0]
    for v in new_doses:
        timed("dose slider, new value", lambda v=v: at.slider(key=dose_key).set_value(v))
    for v in new_doses[-3:][::-1]:
        timed("dose slider, value seen before", lambda v=v: at.slider(key=dose_key).set_value(v))
    for v in (150.0, 200.0, 300.0):
        timed("equivalence slider, new value", lambda v=v: at.slider(key="pop_eq_ug").set_value(v))
    show_key = "pop_show_0"
    for show, levels in (
        (["plasma", "relief"], [90, 50]),
        (["plasma", "relief"], [90]),
        (["plasma", "csf_lumbar", "relief", "sedation"], [50]),
        (["plasma", "csf_lumbar", "relief", "sedation", "withdrawal"], [90, 50]),
        (["sedation"], [90, 50]),
    ):

        def change(show=show, levels=levels) -> None:
            at.pills(key=show_key).set_value(show)
            at.pills(key="pop_levels").set_value(levels)

        timed("display only", change)

    load = os.getloadavg()
    print(f"Population page, AppTest, n={args.n}, route={args.route}, days={args.days}")
    print(
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores; "
        f"first run (imports + all simulations) {first:.0f} ms"
    )
    print(
        f"{'rerun after':36s} {'count':>5s} {'median':>8s} {'p90':>8s} {'min':>8s} {'max':>8s} {'cpu med':>8s}  target"
    )
    everything: list[float] = []
    for kind, xs in results.items():
        if kind.startswith("_cpu"):
            continue
        everything += xs
        cpu = statistics.median(results[f"_cpu {kind}"])
        med = statistics.median(xs)
        print(
            f"{kind:36s} {len(xs):5d} {med:8.0f} {_p90(xs):8.0f} {min(xs):8.0f} {max(xs):8.0f} {cpu:8.0f}"
            f"  {'met' if med < TARGET_MS else 'missed'}"
        )
    print(
        f"{'all reruns (depends on the mix)':36s} {len(everything):5d} {statistics.median(everything):8.0f} "
        f"{_p90(everything):8.0f} {min(everything):8.0f} {max(everything):8.0f}"
    )
    print(f"times in ms; target: median under {TARGET_MS:.0f} ms; cpu med: CPU time of this process, all threads")


if __name__ == "__main__":
    main()
