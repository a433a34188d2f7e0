"""Upload soak: many distinct scenario files uploaded through the real app, and the server's memory over time.

Run by hand from the repository root (needs Debian's chromium)::

    python benchmarks/bench_upload_soak.py [--tabs 6] [--uploads 25] [--days 60] [--cache-mb 256]

Starts ``streamlit run dashboard/app.py`` (``RESULT_CACHE_MB`` = ``--cache-mb``), then, one tab after another,
opens the Lecture page in a fresh browser context, uploads ``--uploads`` different scenario files through its
"Open a scenario file" panel (each a new dose, so each is simulated and cached: ``--days`` long on the
engine's default grid), waits for each one's chart, and closes the tab.  The server's resident memory (its
process and any worker it started) is read after every upload and once more 5 s after the last tab closed.

What bounds it: results are cached by bytes (``dashboard.memo.ByteLRU``, ``RESULT_CACHE_MB`` shared by every
session); an upload is held only in its session's state and goes with the session.  Prints the curve
(every 10th upload), the peak and the growth over the last half, which stays near zero when memory has
levelled off.  No assertions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_browser import local_server, settle  # noqa: E402 - benchmarks/ is on sys.path when run as a script
from bench_load import rss_mb  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def scenario_file(folder: Path, i: int, days: float) -> Path:
    """A scenario no earlier upload had: its own oral dose and pump rate."""
    body = {
        "version": 1,
        "title": f"Soak upload {i}",
        "duration_h": days * 24,
        "oral": [{"dose_mg": 5 + (i % 50) * 0.5, "every_h": 8}],
        "intrathecal": [{"rate_ug_per_day": 100 + i}],
    }
    path = folder / f"soak-{i}.json"
    path.write_text(json.dumps(body))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tabs", type=int, default=6)
    ap.add_argument("--uploads", type=int, default=25, help="uploads per tab")
    ap.add_argument("--days", type=float, default=60)
    ap.add_argument("--cache-mb", type=int, default=256)
    args = ap.parse_args()
    if CHROMIUM is None:
        sys.exit("chromium not found: install Debian's chromium (never `playwright install`)")
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="soak-files-"))
    curve: list[tuple[int, float, float]] = []  # (uploads so far, seconds, RSS MB)
    failures = 0
    with local_server({"RESULT_CACHE_MB": str(args.cache_mb)}) as (url, pid), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        t0 = time.monotonic()
        curve.append((0, 0.0, rss_mb(pid)))
        done = 0
        for _tab in range(args.tabs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(url + "/lecture")
            settle(page)
            page.get_by_text("Open a scenario file").first.click()
            chooser = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
            for _ in range(args.uploads):
                chooser.set_input_files(str(scenario_file(folder, done, args.days)))
                try:
                    page.get_by_text(f"Soak upload {done}", exact=False).first.wait_for(timeout=60_000)
                    settle(page)
                except Exception:  # a benchmark counts what did not show, it does not stop
                    failures += 1
                done += 1
                curve.append((done, time.monotonic() - t0, rss_mb(pid)))
            context.close()
        time.sleep(5)
        curve.append((done, time.monotonic() - t0, rss_mb(pid)))
        browser.close()
    print(f"{args.tabs} tabs x {args.uploads} uploads of {args.days:g}-day scenarios, RESULT_CACHE_MB={args.cache_mb}")
    print(f"{'uploads':>8} {'s':>7} {'RSS MB':>8}")
    for n, s, mb in [*curve[::10], curve[-1]]:
        print(f"{n:>8} {s:>7.0f} {mb:>8.0f}")
    peak = max(mb for _, _, mb in curve)
    half = curve[len(curve) // 2][2]
    print(f"start {curve[0][2]:.0f} MB, peak {peak:.0f} MB, end {curve[-1][2]:.0f} MB (5 s after the last tab closed);")
    print(f"growth over the second half: {curve[-2][2] - half:+.0f} MB; uploads that did not show: {failures}")


if __name__ == "__main__":
    main()
