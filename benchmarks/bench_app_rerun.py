"""Rerun time of each page after a slider change, measured with Streamlit's AppTest.

Run by hand from the repository root::

    python benchmarks/bench_app_rerun.py [--moves 8] [--pages compare withdrawal pump]

For each page: one AppTest of the real app frame, a first run (imports, caches cold), then ``--moves``
changes of one slider to values not seen before (so every rerun simulates) and as many changes back to
values already seen (cached runs).  Prints the median and 90th percentile of the rerun wall time.  Target
for the Compare page: median under 150 ms.  No assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.pump.settings import open_key

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")

# page -> (page script, slider key, new values to move through); the Pump page runs only its open sections, so
# the one holding the slider is opened first (session state, as a click would), the way a person works there
OPEN_FIRST = {"pump": open_key("reservoir")}
PAGES = {
    "compare": (None, "cmp_it_ug", [425.0, 450.0, 475.0, 500.0, 525.0, 550.0, 575.0, 600.0, 625.0, 650.0]),
    "withdrawal": ("withdrawal/page.py", "wd_it_ug", [425.0, 450.0, 475.0, 500.0, 525.0, 550.0, 575.0, 600.0]),
    "pump": ("pump/page.py", "pump_rate", [425.0, 450.0, 475.0, 500.0, 525.0, 550.0, 575.0, 600.0]),
}


def pctl(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def bench(page: str, moves: int) -> tuple[float, float, float, float, float]:
    view, key, values = PAGES[page]
    at = AppTest.from_file(APP, default_timeout=120)
    if page in OPEN_FIRST:
        at.session_state[OPEN_FIRST[page]] = True
    if view:  # switch_page finds a page by its script once a run has registered the navigation
        at.run()
        at.switch_page(view)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    values = values[:moves]
    new, seen = [], []
    for v in values:  # each value for the first time: the page simulates
        t0 = time.perf_counter()
        at.slider(key=key).set_value(v).run()
        new.append(time.perf_counter() - t0)
    for v in values:  # the same values again: cached runs
        t0 = time.perf_counter()
        at.slider(key=key).set_value(v).run()
        seen.append(time.perf_counter() - t0)
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    return first, statistics.median(new), pctl(new, 0.9), statistics.median(seen), pctl(seen, 0.9)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=8)
    ap.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    args = ap.parse_args()
    print(
        f"AppTest reruns after a slider change; {args.moves} new values then the same values again; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    head = f"{'page':<12}{'first run ms':>14}{'new p50':>10}{'new p90':>10}{'seen p50':>10}{'seen p90':>10}"
    print(head)
    print("-" * len(head))
    for page in args.pages:
        first, n50, n90, s50, s90 = bench(page, args.moves)
        print(f"{page:<12}{first * 1e3:>14.0f}{n50 * 1e3:>10.0f}{n90 * 1e3:>10.0f}{s50 * 1e3:>10.0f}{s90 * 1e3:>10.0f}")
    print("target (Compare page): median under 150 ms")


if __name__ == "__main__":
    main()
