"""Helpers for dashboard tests: the app under AppTest, odd URL values."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard.links import PAGE_PATHS, PAGE_SCRIPTS

DASHBOARD = Path(__file__).parents[2] / "dashboard"
APP = str(DASHBOARD / "app.py")

# Values a URL can carry that a page must survive: text for numbers, negatives, NaN, huge, unknown keys.
ODD_VALUES = ["abc", "-5", "NaN", "inf", "1e308", "", "0x10", "%00", "<script>alert(1)</script>", "9" * 80]


def app(page: str | None = None, params: dict | None = None, timeout: float = 120) -> AppTest:
    """The app, opened on ``page`` (its script, e.g. "pump/page.py"; None = home) with URL ``params``; not yet run.

    Like a browser opening the page's link, the first run is already on the page and reads the params there.
    (``AppTest.switch_page`` finds a page by its script only after a run has registered the navigation; before
    one it goes by the file name, and every page script is called page.py.  So the run asks for the page by the
    id ``st.Page`` gives it: the hash of its URL path, or of its name for the home page.)
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page is not None:
        name = next(n for n, script in PAGE_SCRIPTS.items() if script == page)
        at._page_hash = calc_hash(PAGE_PATHS[name] or name)
    return at


class Chart(NamedTuple):
    key: str  # the key the page gave ui.chart
    figure: dict[str, Any]  # Plotly's JSON: "data", "layout"


def charts(at: AppTest) -> list[Chart]:
    """The page's charts, in page order (ui.chart draws each with the live component, dashboard/charts/live.py;
    AppTest sees it as an unknown element whose JSON carries the figure)."""
    found = []
    for el in at.get("bidi_component"):
        if el.proto.component_name == "baclofen.live_chart":
            found.append(Chart(el.proto.id.split("-", 2)[2], json.loads(json.loads(el.proto.json)["spec"])))
    return found


PANEL_FAILED = "could not be shown"  # ui.panel's message when a chart or table raised


def no_exceptions(at: AppTest) -> None:
    """No uncaught exception, and no panel that ui.panel had to replace by its error message."""
    assert not at.exception, [e.value for e in at.exception]
    failed = [e.value for e in at.error if PANEL_FAILED in e.value]
    assert not failed, failed


def schema_file(page: str) -> Path:
    """The file that declares a page's SCHEMA: the page folder's settings.py if it has one, else its script."""
    script = DASHBOARD / PAGE_SCRIPTS[page]
    settings = script.with_name("settings.py")
    return settings if settings.is_file() else script


class _CardTable(HTMLParser):
    """The header and the rows (cell texts) of a card table's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None


def card_tables(where) -> list[pd.DataFrame]:
    """Every card table (:mod:`dashboard.tables`) drawn in ``where`` (the app, or a block such as an expander),
    read back as a DataFrame of its cell texts."""
    out = []
    for element in where.get("html"):
        if 'class="card-table"' in element.proto.body:
            parser = _CardTable()
            parser.feed(element.proto.body)
            header, *rows = parser.rows
            out.append(pd.DataFrame(rows, columns=header))
    return out


def open_folds(at: AppTest, label: str) -> AppTest:
    """Open every fold (:func:`dashboard.ui.folded`) labelled ``label`` and rerun, as a click on each would.
    A fold is a keyed expander; its element id ends with its key ("$$ID-<hash>-<key>")."""
    keys = [e.proto.id.split("-", 2)[2] for e in at.expander if e.label == label]
    assert keys, f"no fold labelled {label!r}"
    for key in keys:
        at.session_state[key] = True
    return at.run()


def chart_numbers(at: AppTest) -> list[pd.DataFrame]:
    """The tables folded under the charts ("The chart's numbers"), after opening them (they are built only
    while open)."""
    open_folds(at, "The chart's numbers")
    return [t for e in at.expander if e.label == "The chart's numbers" for t in card_tables(e)]


def comparison_rows(at: AppTest) -> int:
    """Rows of the Compare page's comparison table (the card table not under a chart); 0 if absent."""
    under_charts = {id(e.proto) for x in at.expander if x.label == "The chart's numbers" for e in x.get("html")}
    tables = [e for e in at.get("html") if 'class="card-table"' in e.proto.body and id(e.proto) not in under_charts]
    return tables[0].proto.body.split("<tbody>", 1)[1].count("<tr>") if tables else 0
