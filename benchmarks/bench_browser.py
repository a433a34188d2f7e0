"""Slider to chart in a real browser: the time a person waits after moving a control, page by page.

Run by hand from the repository root (needs Debian's chromium)::

    python benchmarks/bench_browser.py [--steps 6] [--pages compare,withdrawal,pump,population,lecture]
    python benchmarks/bench_browser.py --url http://host:8501          # a running server

Without ``--url`` it starts ``streamlit run dashboard/app.py`` on a free loopback port (this checkout: a
``PYTHONPATH`` you set is kept).  One headless chromium at 1280x720; on each page one slider (the first whose
label says "dose", else the first) gets keyboard focus and is moved one step to the right ``--steps`` times,
each to a value not seen before, so the server computes it; on the Lecture page the scene's "Reveal" button
is pressed.  Each step is timed in the page itself (``performance.now()``), from the input event (keydown or
pointerdown, captured before the widget sees it) to

* **script finished**: the app's ``data-test-script-state`` going back to ``notRunning`` (the server ran the
  script and the browser has every message of the rerun);
* **chart drawn**: the last DOM change inside any Plotly chart (the frontend has drawn the new figures).

A step ends when the script has finished and nothing in a chart has changed for 0.6 s.  Prints every step,
the median per page and the ratio median / 300 ms (the lecture-hall issue's target on an idle 2-core
machine), and the machine's load average, which the figures depend on.  No assertions.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_load import free_port, start_server, stop_server  # noqa: E402 - benchmarks/ is on sys.path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - needs ROOT on sys.path
from tests.e2e.test_browser import wait_for_app  # noqa: E402

TARGET_MS = 300.0
QUIET_MS = 600.0
STEP_TIMEOUT_S = 60.0
DOSE = re.compile("dose", re.IGNORECASE)
PAGES = {  # name -> (URL path, action, the section to open first: the Pump page's sections are expanders)
    "compare": ("/", "slider", None),
    "withdrawal": ("/withdrawal", "slider", None),
    "pump": ("/pump", "slider", "2 · Start & titration"),
    "population": ("/population", "slider", None),
    "lecture": ("/lecture", "reveal", None),
}

# Installed before any page script: records input events, script-state changes and changes inside charts.
INSTRUMENT = """
window.__bench = {inputs: [], states: [], plots: []};
for (const kind of ['keydown', 'pointerdown']) {
  document.addEventListener(kind, () => window.__bench.inputs.push(performance.now()), true);
}
new MutationObserver((mutations) => {
  const now = performance.now();
  for (const m of mutations) {
    if (m.type === 'attributes' && m.attributeName === 'data-test-script-state') {
      window.__bench.states.push([now, m.target.getAttribute('data-test-script-state')]);
      continue;
    }
    const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    if (el && el.closest && el.closest('.js-plotly-plot')) window.__bench.plots.push(now);
  }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""

STEP_STATE = """() => {
  const b = window.__bench, now = performance.now();
  const t0 = b.inputs.length ? b.inputs[0] : null;
  let ran = false, finished = null;
  for (const [t, s] of b.states) {
    if (t0 === null || t < t0) continue;
    if (s === 'running') ran = true;
    else if (ran && s === 'notRunning') finished = t;
  }
  const plots = b.plots.filter((t) => t0 !== null && t >= t0);
  const lastPlot = plots.length ? plots[plots.length - 1] : null;
  const last = Math.max(finished || 0, lastPlot || 0);
  return {t0, finished, lastPlot, quietMs: now - last};
}"""


@dataclass
class Step:
    script_ms: float
    chart_ms: float | None


@contextlib.contextmanager
def local_server(env_extra: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """``streamlit run dashboard/app.py`` from this checkout on a free loopback port (``bench_load``'s
    server, keeping a ``PYTHONPATH`` you set): (its URL, its pid)."""
    port = free_port()
    # links from the browser's address, as on a laptop (an empty PUBLIC_BASE_URL counts as unset)
    env = {"CLASSROOM_DATA_DIR": tempfile.mkdtemp(prefix="bench-browser-"), "PUBLIC_BASE_URL": "", **(env_extra or {})}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    log = Path(tempfile.mkdtemp(prefix="bench-browser-log-")) / "streamlit.log"
    proc = start_server(port, log, env)
    try:
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        stop_server(proc)


def settle(page) -> None:
    """The rerun an input started has finished and every element is drawn, charts included."""
    wait_for_app(page, settle_ms=0)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", state="attached", timeout=60_000)


def timed(page, act) -> Step | None:
    """Run ``act`` (one input) and time it; None if the rerun never finished."""
    page.evaluate("() => { const b = window.__bench; b.inputs = []; b.states = []; b.plots = []; }")
    act()
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        st = page.evaluate(STEP_STATE)
        if st["t0"] is not None and st["finished"] is not None and st["quietMs"] > QUIET_MS:
            chart = None if st["lastPlot"] is None else st["lastPlot"] - st["t0"]
            return Step(st["finished"] - st["t0"], chart)
        page.wait_for_timeout(100)
    return None


def bench_page(browser, url: str, name: str, steps: int) -> list[Step]:
    path, action, section = PAGES[name]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(INSTRUMENT)
    page = context.new_page()
    try:
        page.goto(url + path)
        settle(page)
        results: list[Step] = []
        if action == "reveal":
            for _ in range(steps):  # reveal, then back to the prediction: two reruns per round
                for label in ("Reveal", "Hide the answer"):
                    button = page.get_by_role("button", name=label).first
                    if not button.count():
                        print(f"  {name}: no '{label}' button; skipped")
                        return results
                    step = timed(page, button.click)
                    if step and label == "Reveal":
                        results.append(step)
                    settle(page)
            return results
        if section:
            page.get_by_text(section).first.click()
            settle(page)
        slider = page.get_by_role("slider", name=DOSE).first  # a dose if the page has one, else any slider
        if not slider.count():
            slider = page.get_by_role("slider").first
        if not slider.count():
            print(f"  {name}: no slider on the page; skipped")
            return results
        label = slider.get_attribute("aria-label") or slider.evaluate(
            "(el) => el.closest('[data-testid=\"stSlider\"]')?.querySelector('label')?.innerText || '?'"
        )
        print(f"  {name}: moving '{label}'")
        slider.focus()
        for _ in range(steps + 1):  # the first step warms the page's code paths and is not counted
            step = timed(page, lambda: page.keyboard.press("ArrowRight"))
            if step is not None:
                results.append(step)
            settle(page)
            slider.focus()
        return results[1:]
    finally:
        context.close()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="a running server (default: start one from this checkout)")
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated: " + ", ".join(PAGES))
    args = ap.parse_args()
    if CHROMIUM is None:
        sys.exit("chromium not found: install Debian's chromium (never `playwright install`)")
    from playwright.sync_api import sync_playwright

    names = [n.strip() for n in args.pages.split(",") if n.strip()]
    unknown = [n for n in names if n not in PAGES]
    if unknown:
        sys.exit(f"unknown page(s): {', '.join(unknown)}")
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(local_server())[0]
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        print(f"server {url}, chromium 1280x720, load average before: {os.getloadavg()[0]:.2f}")
        print(
            f"{'page':<11} {'steps':>5} {'script ms':>10} {'chart ms':>9} {'chart/300':>9}  every step (script/chart)"
        )
        for name in names:
            steps = bench_page(browser, url, name, args.steps)
            charts = [s.chart_ms for s in steps if s.chart_ms is not None]
            every = " ".join(f"{s.script_ms:.0f}/{'-' if s.chart_ms is None else f'{s.chart_ms:.0f}'}" for s in steps)
            chart_med = median(charts)
            print(
                f"{name:<11} {len(steps):>5} {median([s.script_ms for s in steps]):>10.0f} {chart_med:>9.0f} "
                f"{chart_med / TARGET_MS:>9.2f}  {every}"
            )
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
