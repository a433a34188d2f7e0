"""The real app in a real browser: `streamlit run dashboard/app.py` (as on Community Cloud) + headless chromium.

What only this layer can catch: the import path of `streamlit run` (not pytest's), the frontend drawing the
Plotly charts, the keyboard moving a slider, the URL the browser shows, the CSS of presentation mode and
the chart toolbar's PNG download.  One server and one browser for the session; a new page per test.
"""

from __future__ import annotations

import re
import tomllib
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.links import PAGE_PATHS

from .conftest import CHROMIUM, ROOT

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium not found (/usr/bin/chromium or `chromium` on PATH); "
        "install Debian's chromium (never `playwright install`)",
    ),
]

APP = "[data-testid='stApp']"
EXCEPTION = "[data-testid='stException']"
TEACHING_NOTE = "not dosing advice"
SKELETON = "[data-testid='stSkeleton']"
PANEL_FAILED = "could not be shown"  # ui.panel's message when a chart/table fails


def wait_for_app(page, settle_ms: int = 300) -> None:
    """Wait for the rerun an action started: debounce, then connected and the script not running, then
    every element drawn (the frontend loads element code lazily and shows an ``stSkeleton`` until then;
    on a busy machine that lags the end of the script by seconds)."""
    page.wait_for_timeout(settle_ms)
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", timeout=60_000)
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_selector(SKELETON, state="detached", timeout=60_000)


def open_app(page, server_url: str, path: str = "/") -> None:
    """Go to ``path`` and wait until the frame (teaching note) is drawn and the script has finished."""
    page.goto(server_url + path)
    wait_for_app(page)
    page.get_by_text(TEACHING_NOTE).first.wait_for(timeout=60_000)
    wait_for_app(page)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


def metric_values(page, count: int = 5) -> list[str]:
    """The texts of the page's metric values, once ``count`` of them are drawn (Compare shows 5)."""
    values = page.get_by_test_id("stMetricValue")
    expect(values).to_have_count(count)
    return values.all_inner_texts()


def assert_no_exception(page) -> None:
    errors = page.locator(EXCEPTION)
    assert errors.count() == 0, "exception on the page:\n" + "\n---\n".join(errors.all_inner_texts())


def assert_no_failed_panel(page) -> None:
    failed = page.get_by_test_id("stAlert").filter(has_text=PANEL_FAILED)
    assert failed.count() == 0, "a panel failed:\n" + "\n---\n".join(failed.all_inner_texts())


def test_home_page_loads_with_note_and_a_drawn_chart(page, server_url):
    open_app(page, server_url)
    assert_no_exception(page)
    assert_no_failed_panel(page)
    expect(page.get_by_test_id("stAlert").filter(has_text=TEACHING_NOTE)).to_be_visible()
    expect(page.get_by_role("heading", name="Oral vs intrathecal baclofen")).to_be_visible()
    plot = page.locator(".js-plotly-plot").first
    expect(plot).to_be_visible()
    # Drawn, not just mounted: SVG traces with paths, or a WebGL canvas for scattergl traces.
    drawn = page.locator(".js-plotly-plot .scatterlayer .trace path, .js-plotly-plot canvas")
    expect(drawn.first).to_be_attached(timeout=15_000)
    assert len(metric_values(page)) == 5
    assert page.js_errors == [], page.js_errors


def test_moving_a_slider_changes_numbers_and_url(page, server_url):
    open_app(page, server_url)
    before = metric_values(page)
    slider = page.get_by_role("slider", name="Daily dose (µg/day)")
    expect(slider).to_have_value("400")  # the default (Field "it_ug")
    slider.focus()
    for _ in range(3):  # 3 steps of 25 ug/day
        page.keyboard.press("ArrowRight")
        wait_for_app(page)
    expect(slider).to_have_value("475")
    expect(page).to_have_url(re.compile(r"[?&]it_ug=475(&|$)"))
    assert query(page)["it_ug"] == ["475"]
    after = metric_values(page)
    assert after != before, f"metrics did not change: {before} -> {after}"
    assert_no_exception(page)


def test_shared_url_reproduces_the_state(page, server_url):
    open_app(page, server_url, "/?oral_mg=40&it_mode=flex&days=10")
    assert_no_exception(page)
    expect(page.get_by_role("slider", name="Dose per intake (mg)")).to_have_value("40")
    expect(page.get_by_role("slider", name="Days of therapy")).to_have_value("10")
    pump_mode = page.get_by_role("radiogroup", name="Pump mode")
    expect(pump_mode.get_by_role("radio", name="Flex (day/night)")).to_be_checked()
    expect(pump_mode.get_by_role("radio", name="Continuous")).not_to_be_checked()
    assert page.get_by_test_id("stAlert").filter(has_text="not usable").count() == 0
    # The shared link survives the first run (the app writes back the same values).
    params = query(page)
    assert params.get("oral_mg") == ["40"]
    assert params.get("it_mode") == ["flex"]
    assert params.get("days") == ["10"]


@pytest.mark.parametrize("name", list(PAGE_PATHS))
def test_every_page_loads_without_exception(page, server_url, name):
    path = "/" + PAGE_PATHS[name]
    open_app(page, server_url, path)
    assert_no_exception(page)
    assert_no_failed_panel(page)
    # Still on that page (an unknown url_path would fall back to the home page at "/").
    assert urlparse(page.url).path == path
    # The page drew something of its own below the frame's teaching note.
    own = page.locator("[data-testid='stMain'] [data-testid='stElementContainer']")
    assert own.count() >= 2, f"page {name!r} drew nothing besides the frame"


def base_font_px() -> float:
    """The theme's normal type size (``[theme] baseFontSize`` of .streamlit/config.toml; Streamlit's default 16)."""
    config = ROOT / ".streamlit" / "config.toml"
    theme = tomllib.loads(config.read_text()).get("theme", {}) if config.exists() else {}
    return float(theme.get("baseFontSize", 16))


def test_presentation_mode_has_bigger_type(page, server_url):
    open_app(page, server_url, "/?present=1")
    assert_no_exception(page)
    assert_no_failed_panel(page)
    big = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    normal = base_font_px()
    assert big > normal, f"html font-size {big}px in presentation mode vs {normal}px normally"
    expect(page.get_by_role("switch", name="Presentation mode")).to_be_checked()
    assert query(page).get("present") == ["1"]


def test_chart_toolbar_keeps_the_png_download(page, server_url):
    open_app(page, server_url)
    plot = page.locator(".js-plotly-plot").first
    expect(plot).to_be_visible()
    plot.hover()
    button = page.locator(".js-plotly-plot .modebar-btn[data-title^='Download plot']").first
    expect(button).to_be_attached()
    with page.expect_download(timeout=30_000) as info:
        button.click()
    assert info.value.suggested_filename.endswith(".png"), info.value.suggested_filename


def test_odd_url_shows_a_warning_not_an_exception(page, server_url):
    open_app(page, server_url, "/?oral_mg=abc&zzz=1")
    assert_no_exception(page)
    warning = page.get_by_test_id("stAlert").filter(has_text="not usable")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("oral_mg")
    expect(warning).to_contain_text("zzz")
    # Fallback to the default dose; the bad and unknown keys are gone from the URL.
    expect(page.get_by_role("slider", name="Dose per intake (mg)")).to_have_value("20")
    params = query(page)
    assert "zzz" not in params
    assert "oral_mg" not in params
