"""One heavy run must not stall everybody else: probe latency with the heaviest allowed run in process vs in
the bounded worker (issue "No request can tie up the server").

Run by hand from the repository root::

    python benchmarks/bench_isolation.py [--probes 4] [--seconds 20]

Streamlit serves every session from threads of one process, so a long simulation in one session holds the
interpreter while the others wait.  This benchmark measures that directly with the app's own pieces:
``--probes`` threads each run the Compare page's light scenario (7 days, both routes; what a rerun after a
slider move simulates) back to back and record how long each takes, in three phases of ``--seconds`` each:

1. idle: probes alone (the reference);
2. in process: one more thread simulates the heaviest scenario the work budget allows (two years of doses every
   half hour after two years of prior therapy) with ``pkmodels.simulate`` directly;
3. bounded worker: the same heavy scenario through :class:`dashboard.runner.BoundedRunner` (a spawned worker
   process; its time limit set above the run's length so it completes).

Prints p50 / p95 / max probe latency per phase and the ratios to idle; no assertions.  On a 2-core machine the
worker takes one core, so some slowdown remains in phase 3 (the probes share the other core with the client).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from dashboard.runner import BoundedRunner, work_units
from pkmodels import ITContinuous, OralDoses, Scenario, simulate

LIGHT = (
    Scenario(duration_h=24 * 7, oral=(OralDoses(20, 8),)),
    Scenario(duration_h=24 * 7, intrathecal=(ITContinuous(400),)),
)
HEAVY = Scenario(duration_h=24 * 700, output_step_min=60, prior_therapy_days=700, oral=(OralDoses(1, 0.5),))


def _table(scenario: Scenario) -> int:
    return len(simulate(scenario).table)


def probe_phase(n_probes: int, seconds: float, background: threading.Thread | None) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def probe() -> None:
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            for sc in LIGHT:
                simulate(sc)
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)

    threads = [threading.Thread(target=probe) for _ in range(n_probes)]
    if background is not None:
        background.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if background is not None:
        background.join()
    return latencies


def heavy_loop(run_once, seconds: float) -> threading.Thread:
    stop = time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < stop:
            run_once()

    return threading.Thread(target=loop)


def summary(name: str, lat: list[float], ref: float | None) -> float:
    lat = sorted(lat)
    p50 = statistics.median(lat)
    p95 = lat[int(0.95 * (len(lat) - 1))]
    ratio = f"{p95 / ref:6.1f}x" if ref else "   1.0x"
    print(f"{name:<22} {len(lat):6d} {p50 * 1000:9.0f} {p95 * 1000:9.0f} {max(lat) * 1000:9.0f} {ratio}")
    return p95


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--probes", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    for sc in LIGHT:  # warm caches and imports
        simulate(sc)
    t0 = time.perf_counter()
    simulate(HEAVY)
    heavy_s = time.perf_counter() - t0
    print(f"heavy run: {heavy_s:.1f} s in process, {work_units(HEAVY):.3g} work units")
    runner = BoundedRunner(workers=1, timeout_s=max(60.0, 5 * heavy_s), memory_mb=1500)
    runner.call(_table, LIGHT[0])  # start the worker outside the measurement
    print(f"{'phase':<22} {'probes':>6} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'p95/idle':>7}")
    ref = summary("idle", probe_phase(args.probes, args.seconds, None), None)
    summary(
        "heavy in process",
        probe_phase(args.probes, args.seconds, heavy_loop(lambda: simulate(HEAVY), args.seconds)),
        ref,
    )
    summary(
        "heavy in the worker",
        probe_phase(args.probes, args.seconds, heavy_loop(lambda: runner.call(_table, HEAVY), args.seconds)),
        ref,
    )
    runner.close()


if __name__ == "__main__":
    main()
