"""Geometry in a real browser: a 1280x720 projector in presentation mode and a 390x844 phone.

Measured on the real server in Debian's chromium (the page's own boxes, one JavaScript round trip per page):
on the projector the sidebar is collapsed and the first chart starts above the fold on every Explore page
and after the Lecture reveal, tick labels are at least 16 px and panel headings 20 px; on the phone the sidebar
is collapsed, no page is wider than the screen, the comparison table is cards with every number on screen and
the Pump page is in sections; on both, no legend covers a title, a heading or the chart toolbar, and the
keyboard's focus shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from .conftest import CHROMIUM, context_of
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
  // Document coordinates: Streamlit's page scrolls inside an element, not the window, and a click can leave it
  // scrolled (chromium's scroll anchoring keeps a clicked button in view while the content above it grows).
  const scrolled = (el) => { let y = window.scrollY; for (let e = el.parentElement; e; e = e.parentElement)
    y += e.scrollTop; return y; };
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .map((el) => ({ top: el.getBoundingClientRect().top + scrolled(el), height: el.getBoundingClientRect().height }))
    .filter((r) => r.height > 0);
  return {
    sidebarWidth: sidebar ? sidebar.getBoundingClientRect().width : 0,
    firstChartTop: charts.length ? charts[0].top : null,
    documentWidth: document.documentElement.scrollWidth,
  };
}"""


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


# Every chart's legend, titles, panel headings and toolbar, and its smallest tick label and heading (px).
CHART_BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const px = (e) => parseFloat(getComputedStyle(e).fontSize);
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) => {
    const bar = chart.querySelector('.modebar-container');
    const headings = [...chart.querySelectorAll('.gtitle, g.annotation')]
      .filter((e) => e.classList.contains('gtitle') || e.querySelector('[style*="bold"]'));
    return {
      legends: [...chart.querySelectorAll('g.legend')].filter(shown).map(box),
      headings: headings.filter(shown).map(box),
      toolbarHidden: !bar || getComputedStyle(bar).display === 'none',
      toolbar: bar ? [...bar.querySelectorAll('.modebar')].filter(shown).map(box) : [],
      smallestTick: Math.min(...[...chart.querySelectorAll('.xtick text, .ytick text')].map(px)),
      smallestHeading: Math.min(...headings.map((e) => px(e.querySelector('text')))),
    };
  });
}"""


def overlaps(a: dict, b: dict) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


def chart_boxes(page) -> list[dict]:
    """The boxes of every drawn chart, once the first one is drawn (and, scrolled into view, laid out)."""
    page.locator(CHART).first.wait_for(state="attached", timeout=60_000)
    page.wait_for_timeout(1_000)  # plotly finishes its layout (legends, automargins) after the svg exists
    return page.evaluate(CHART_BOXES)


def assert_legends_clear(charts: list[dict], where: str) -> None:
    assert charts, f"{where}: no chart"
    for i, c in enumerate(charts):
        for legend in c["legends"]:
            for other in c["headings"] + c["toolbar"]:
                assert not overlaps(legend, other), f"{where}, chart {i}: legend {legend} covers {other}"


@pytest.mark.parametrize("path", [*EXPLORE, "/lecture"])
def test_phone_legends_clear_of_titles_and_no_chart_toolbar(phone, server_url, path):
    with new_page(phone) as page:
        open_app(page, server_url, path)
        charts = chart_boxes(page)
        assert_legends_clear(charts, path)
        assert all(c["toolbarHidden"] for c in charts), f"{path}: a chart toolbar shows on a phone"


@pytest.mark.parametrize("path", EXPLORE)
def test_projector_type_sizes_and_legends(projector, server_url, path):
    """Presentation mode: tick labels at least 16 px and panel headings at least 20 px, legends clear of them
    and of the toolbar."""
    with new_page(projector) as page:
        open_app(page, server_url, path + "?present=1")
        charts = chart_boxes(page)
        assert_legends_clear(charts, path)
        for i, c in enumerate(charts):
            assert c["smallestTick"] >= 16, f"{path}, chart {i}: {c['smallestTick']} px tick labels"
            assert c["smallestHeading"] >= 20, f"{path}, chart {i}: {c['smallestHeading']} px headings"


COMPARISON = "table[aria-label='The comparison, in numbers']"


def test_phone_comparison_table_is_cards_with_every_number_on_screen(phone, server_url):
    with new_page(phone) as page:
        open_app(page, server_url, "/")
        table = page.locator(COMPARISON)
        table.scroll_into_view_if_needed()
        cells = page.evaluate(
            """() => [...document.querySelectorAll('table[aria-label="The comparison, in numbers"] td')].map((td) => {
                 const r = td.getBoundingClientRect();
                 return {right: r.right, left: r.left, label: getComputedStyle(td, '::before').content};
               })"""
        )
        assert len(cells) == 20  # 5 measures x 4 (measure, oral, intrathecal, why)
        assert all(c["left"] >= 0 and c["right"] <= PHONE["width"] for c in cells), cells
        assert all(c["label"].startswith('"') for c in cells)  # each value says which column it is


BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector + ' th, ' + selector + ' td')) {
    const text = cell.firstChild && cell.firstChild.nodeType === 3 ? cell.firstChild : null;
    if (!text) continue;
    for (const m of text.data.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(text, m.index);
      range.setEnd(text, m.index + m[0].length);
      if (range.getClientRects().length > 1) broken.push(m[0]);  // one word drawn on two lines (hyphens may break)
    }
  }
  return broken;
}"""


def test_laptop_comparison_table_breaks_no_word(projector, server_url):
    """Next to the open sidebar at 1280 px the row headings keep their words whole (the table once shrank its
    first column to a few letters: "Efficac / y", "System / ic")."""
    with new_page(projector) as page:
        open_app(page, server_url, "/")
        page.locator(COMPARISON).scroll_into_view_if_needed()
        assert page.evaluate(BROKEN_WORDS, COMPARISON) == []


SCROLL_HEIGHT = """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], section')]
  .map((e) => e.scrollHeight))"""


def test_phone_pump_page_is_sectioned(phone, server_url):
    """Seven sections in expanders, one open: the page is a few screens long, not 12,000 px."""
    with new_page(phone) as page:
        open_app(page, server_url, "/pump")
        sections = page.locator("[data-testid='stExpander'] summary").filter(has_text=re.compile(r"\d · "))
        assert sections.count() == 7
        height = page.evaluate(SCROLL_HEIGHT)
        assert height < 6_000, f"the Pump page is {height} px long on a phone"


FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {label: e.getAttribute('aria-label'), tag: e.tagName, type: e.type || '', width: parseFloat(s.outlineWidth),
          style: s.outlineStyle}; }"""
CONTROLS = """() => [...document.querySelectorAll(
  '[data-testid="stMain"] input[type="range"], [data-testid="stMain"] input[type="number"]'
)].filter((e) => e.checkVisibility() && !e.disabled).map((e) => e.getAttribute('aria-label'))"""


# The Pump page opens the section its link points at: a changed rate opens the reservoir (the default section,
# the screening bolus, has no slider).
KEYBOARD_PAGES = ["/", "/withdrawal", "/pump?rate=800", "/population"]


@pytest.mark.parametrize("path", KEYBOARD_PAGES)
def test_keyboard_reaches_every_slider_and_number_box_with_a_visible_ring(projector, server_url, path):
    """From the top of each Explore page, Tab alone reaches every visible slider and number box, in page order
    (each dose's box right after its slider), and each shows a focus ring of at least 2 px."""
    with new_page(projector) as page:
        open_app(page, server_url, path)
        controls = page.evaluate(CONTROLS)
        assert any(c.endswith(": exact value") for c in controls), controls  # every Explore page has a dose
        page.locator("h1").first.click()
        reached = []
        for _ in range(200):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused["type"] in ("range", "number"):
                assert focused["width"] >= 2, focused
                assert focused["style"] != "none", focused
                reached.append(focused["label"])
            if len(reached) == len(controls):
                break
        assert reached == controls


# Every other page: whatever the page can focus (buttons, links, boxes, the open tab, folds, scrollable
# equations), found in the DOM and numbered in document order. A radio group is one stop (its checked button).
FOCUSABLE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const natives = 'a[href], button, input, select, textarea, summary, [tabindex]';
  // chromium also stops at a box that scrolls (a wide equation) and holds nothing focusable itself
  const scroller = (e) => { const s = getComputedStyle(e); return !e.querySelector(natives)
    && ((/auto|scroll/.test(s.overflowX) && e.scrollWidth > e.clientWidth)
        || (/auto|scroll/.test(s.overflowY) && e.scrollHeight > e.clientHeight)); };
  const all = [...main.querySelectorAll('*')].filter((e) => e.matches(natives) || scroller(e));
  const stops = all.filter((e) => (e.tabIndex >= 0 || !e.matches(natives)) && !e.disabled && e.type !== 'hidden'
    && e.checkVisibility() && !(e.type === 'radio' && !e.checked
                                && [...document.getElementsByName(e.name)].some((r) => r.checked)));
  stops.forEach((e, i) => e.setAttribute('data-kb-stop', String(i)));
  return stops.length;
}"""
ALL_CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .every((c) => c.querySelector('.main-svg'))"""
FOCUSED_STOP = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {stop: e.getAttribute('data-kb-stop'), inMain: !!e.closest('[data-testid="stMain"]') && e.tagName !== 'MAIN',
          width: parseFloat(s.outlineWidth), style: s.outlineStyle,
          what: e.tagName + ' ' + (e.getAttribute('aria-label') || e.innerText || '').slice(0, 40)}; }"""


@pytest.mark.parametrize("path", ["/lecture", "/learn", "/model", "/join"])
def test_keyboard_reaches_everything_on_the_other_pages_in_order_with_a_visible_ring(projector, server_url, path):
    """Tab from the top of the page visits every control, link, fold and tab the page shows, each once and in
    document order, each with a focus ring of at least 2 px (the Explore pages' sliders: the test above)."""
    with new_page(projector) as page:
        open_app(page, server_url, path)
        page.wait_for_function(ALL_CHARTS_DRAWN)  # a chart's toolbar buttons are stops too
        expected = page.evaluate(FOCUSABLE)
        assert expected > 0
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        reached: list[int] = []
        for _ in range(expected + 60):  # the sidebar's and the header's controls come first
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED_STOP)
            if focused["inMain"]:
                assert focused["stop"] is not None, f"focus on something the page does not show: {focused}"
                assert focused["width"] >= 2, focused
                assert focused["style"] != "none", focused
                reached.append(int(focused["stop"]))
            elif reached:
                break  # left the page's content
        assert reached == list(range(expected))
