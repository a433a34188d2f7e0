"""Geometry in a real browser: a 1280x720 projector in presentation mode and a 390x844 phone.

Measured on the real server in Debian's chromium (the page's own boxes, one JavaScript round trip per page):
on the projector the sidebar is collapsed and the first chart starts above the fold on every Explore page
and after the Lecture reveal; on the phone the sidebar is collapsed and no page is wider than the screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from .conftest import CHROMIUM
from .test_browser import open_app, wait_for_app

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not found; install Debian's chromium"),
]

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
EXPLORE = ["/", "/withdrawal", "/pump", "/population"]
EVERY_PAGE = [*EXPLORE, "/lecture", "/learn", "/model", "/join"]
CHART = "[data-testid='stPlotlyChart'] .main-svg"

GEOMETRY = """() => {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .map((el) => el.getBoundingClientRect()).filter((r) => r.height > 0);
  return {
    sidebarWidth: sidebar ? sidebar.getBoundingClientRect().width : 0,
    firstChartTop: charts.length ? charts[0].top + window.scrollY : null,
    documentWidth: document.documentElement.scrollWidth,
  };
}"""


def context_of(browser, viewport) -> Iterator[object]:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def projector(browser) -> Iterator[object]:
    yield from context_of(browser, PROJECTOR)


@pytest.fixture(scope="module")
def phone(browser) -> Iterator[object]:
    yield from context_of(browser, PHONE)


@contextmanager
def new_page(context) -> Iterator[object]:
    """A new page (its own Streamlit session) of ``context``, closed afterwards."""
    page = context.new_page()
    try:
        yield page
    finally:
        page.close()


def geometry(page) -> dict:
    return page.evaluate(GEOMETRY)


def first_chart_top(page) -> float:
    """Top of the first drawn chart in document coordinates (px); fails if the page drew none."""
    page.locator(CHART).first.wait_for(state="attached", timeout=60_000)
    top = geometry(page)["firstChartTop"]
    assert top is not None, "no chart drawn"
    return top


@pytest.mark.parametrize("path", EXPLORE)
def test_projector_first_chart_above_the_fold_with_the_sidebar_collapsed(projector, server_url, path):
    with new_page(projector) as page:
        open_app(page, server_url, path + "?present=1")
        assert first_chart_top(page) < PROJECTOR["height"]
        g = geometry(page)
        assert g["sidebarWidth"] == 0, f"sidebar open ({g['sidebarWidth']} px) in presentation mode"
        assert g["documentWidth"] <= PROJECTOR["width"], g


def test_projector_lecture_reveal_shows_its_chart_above_the_fold(projector, server_url):
    with new_page(projector) as page:
        open_app(page, server_url, "/lecture?present=1")
        page.get_by_role("button", name="Reveal").first.click()
        wait_for_app(page)
        assert first_chart_top(page) < PROJECTOR["height"]


def test_without_presentation_mode_the_sidebar_stays_open_on_a_laptop(projector, server_url):
    with new_page(projector) as page:
        open_app(page, server_url, "/")
        assert geometry(page)["sidebarWidth"] > 200


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_phone_sidebar_collapsed_and_no_sideways_scrolling(phone, server_url, path):
    with new_page(phone) as page:
        open_app(page, server_url, path)
        g = geometry(page)
        assert g["sidebarWidth"] == 0, f"sidebar open ({g['sidebarWidth']} px) on a phone"
        assert g["documentWidth"] <= PHONE["width"], f"{path} is {g['documentWidth']} px wide on a 390-px phone"
