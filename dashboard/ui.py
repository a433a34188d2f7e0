"""Small Streamlit pieces shared by every page: the teaching-model note, presentation mode, charts that
fail alone, cached model runs, URL warnings.  No model math here: every number comes from ``pkmodels``."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.charts import Style
from dashboard.charts.live import live_chart
from dashboard.charts.table import chart_table, has_time_course
from dashboard.memo import ByteLRU
from dashboard.runner import RunFailed, default_runner, is_heavy
from dashboard.state import Field, Schema, quote
from dashboard.tables import CARD_TABLE_CSS, card_table
from pkmodels import Scenario, simulate
from pkmodels.compare import RouteSummary, route_summary, stop_now

__all__ = [
    "PRESENT",
    "RunSummary",
    "chart",
    "metric_columns",
    "metric_with_note",
    "panel",
    "presentation",
    "run",
    "run_summary",
    "show_url_warnings",
    "sidebar_state",
    "style",
    "teaching_note",
]

log = logging.getLogger("dashboard")

# Settings shared by every page (kept in the URL on every page).
PRESENT = Field(
    "present", False, "Presentation mode", "bool", help="Large type, thick lines and fewer panels, for a projector."
)
SHARED = Schema("app", (PRESENT,))

TEACHING_NOTE = (
    "**Teaching model - not dosing advice.** A simplified model of baclofen with labelled "
    "assumptions (see *Model & validation*); it does not describe any real patient."
)

CHART_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "baclofen-teaching-model"},
}


# On a projector the note takes one line, so the first chart starts above the fold; same warning, same words.
TEACHING_NOTE_SHORT = "**Teaching model - not dosing advice.** Simplified; it describes no real patient."


def teaching_note() -> None:
    st.warning(TEACHING_NOTE_SHORT if presentation() else TEACHING_NOTE, icon=":material/school:")


def presentation() -> bool:
    return bool(st.session_state.get(SHARED.widget_key(PRESENT.key), False))


def sidebar_state() -> Literal["collapsed", "auto"]:
    """The sidebar at the start of a run, for ``st.set_page_config`` (which runs before the shared widgets
    load): collapsed in presentation mode (the toggle's value, or on a first visit the link's ``present``),
    so a 1280x720 projector gives its width to the charts; otherwise "auto" (open on a laptop, closed on a
    phone).  The menu stays one tap away either way."""
    key = SHARED.widget_key(PRESENT.key)
    if key in st.session_state:
        on = bool(st.session_state[key])
    else:
        on = bool(SHARED.parse(dict(st.query_params))[0][PRESENT.key])
    return "collapsed" if on else "auto"


def style() -> Style:
    return Style(presentation=presentation())


@contextmanager
def panel(name: str) -> Iterator[None]:
    """Run one panel; if it fails, show a short fixed message with an error id in its place and let the rest of
    the page work.  The exception (type, message, traceback) goes to the server log under that id only: nothing
    of it reaches the browser."""
    try:
        yield
    except RunFailed as exc:  # a run stopped by its limits: the runner's own fixed, safe message
        st.warning(f"**{name}**: {exc}.", icon=":material/timer_off:")
    except Exception:
        error_id = secrets.token_hex(4)
        log.exception("panel %r failed [error id %s]", name, error_id)
        st.error(
            f"**{name}** could not be shown (error id {error_id}). "
            "The rest of the page still works; try other settings.",
            icon=":material/error:",
        )


def metric_columns(n: int, widths: list[float] | None = None) -> list:
    """Columns for ``n`` metrics: one row (relative ``widths``), or in presentation mode rows of up to four,
    balanced (five go 3 + 2, not 4 + 1 in a quarter of the width, where "moderate | moderate" was cut):
    big numbers need room, and the sidebar is collapsed there, so four fit a 1280-px projector."""
    if not presentation():
        return list(st.columns(widths or n))
    rows = -(-n // 4)
    per_row = -(-n // rows)
    cols: list = []
    while len(cols) < n:
        cols += st.columns(min(per_row, n - len(cols)))
    return cols


def metric_with_note(where: Any, label: str, value: str, note: str, help: str | None = None) -> None:
    """A metric whose delta line is a plain note in grey, without an arrow (the count behind a share, the
    value it is compared with)."""
    where.metric(label, value, delta=note, delta_color="off", delta_arrow="off", help=help)


def folded(label: str, key: str, **kwargs: Any) -> Any:
    """An expander whose body runs only while it is open: ``with box: if box.open: ...`` (``on_change="rerun"``:
    opening it reruns the page; ``box.open`` is its state).

    For folded extras that change with every setting (a chart's numbers, the downloads, the share link and
    its QR code): built while folded, they cost every slider step server time, messages and browser work
    for something nobody is looking at.  ``label`` and ``expanded`` must not change between runs: with the
    key they are its identity, and a new label would fold it again."""
    return st.expander(label, key=key, on_change="rerun", **kwargs)


def chart(fig: go.Figure, key: str, alt: str) -> None:
    """A Plotly chart with the toolbar's PNG download; our own colours (theme=None).  Under a time-course chart,
    its text alternative: the curves' values at nine times, folded (built only when opened), as a plain HTML
    table (a screen reader reads it as a table; st.dataframe's canvas grid is neither readable that way nor
    cheap to redraw: it added 50-150 ms to each slider step in chromium).  Not on a projector, where the
    speaker reads the chart."""
    live_chart(fig, key, CHART_CONFIG, alt)
    if presentation() or not has_time_course(fig):
        return
    box = folded("The chart's numbers", key=f"{key}__numbers", icon=":material/table_view:")
    with box:
        table = chart_table(fig) if box.open else None
        if table is not None:
            st.html(card_table(table, f"The chart's numbers: {alt}"))


RESULT_CACHE_MB = int(os.environ.get("RESULT_CACHE_MB", "256"))
_RESULTS: ByteLRU[Any] = ByteLRU(max_bytes=RESULT_CACHE_MB * 1024 * 1024)  # shared by every session


def _table(scenario: Scenario) -> pd.DataFrame:
    return simulate(scenario).table


def _summary(scenario: Scenario) -> RunSummary:
    result = simulate(scenario)
    stopped = simulate(stop_now(scenario))
    return RunSummary(result.table, result.summary(), route_summary(result, stopped))


def _bounded(fn: Callable[[Scenario], Any], scenario: Scenario, *scenarios: Scenario) -> Any:
    """``fn(scenario)`` here, or in a worker process with a time and memory limit when any of the runs it
    needs is heavy (:mod:`dashboard.runner`): one session's long upload must not hold the server."""
    if any(is_heavy(s) for s in (scenario, *scenarios)):
        return default_runner().call(fn, scenario)
    return fn(scenario)


def run(scenario: Scenario) -> pd.DataFrame:
    """The result table of one scenario (cached by size, shared by sessions: the same settings never simulate
    twice while their table is kept)."""
    return _RESULTS.get_or_compute(("table", scenario), lambda: _bounded(_table, scenario))


class RunSummary(NamedTuple):
    """One scenario's result table, its metrics and its route summary (with the 'stopped now' run)."""

    table: pd.DataFrame
    metrics: dict[str, Any]
    route: RouteSummary


def run_summary(scenario: Scenario) -> RunSummary:
    """Result table, metrics and the route summary (with the 'stopped now' run) of one scenario (cached as
    :func:`run`)."""
    return _RESULTS.get_or_compute(("summary", scenario), lambda: _bounded(_summary, scenario, stop_now(scenario)))


def show_url_warnings(warnings: list[str]) -> None:
    if warnings:
        st.warning(
            "Some settings in the link were not usable and were replaced:\n\n- " + "\n- ".join(warnings),
            icon=":material/link_off:",
        )


def load_page_state(schema: Schema) -> None:
    """URL -> widgets on the first run of a page; show what was replaced; warn about unknown keys."""
    warnings = schema.load(st)
    known = {f.key for f in schema.fields} | {f.key for f in SHARED.fields}
    unknown = [k for k in st.query_params if k not in known]
    if unknown and not st.session_state.get(f"_{schema.prefix}_unknown_shown"):
        warnings.append("ignored unknown setting(s): " + ", ".join(f"'{quote(k)}'" for k in unknown[:5]))
        st.session_state[f"_{schema.prefix}_unknown_shown"] = True
        for k in unknown:
            del st.query_params[k]
    show_url_warnings(warnings)


def save_page_state(schema: Schema) -> None:
    """Widgets -> URL (this page's settings plus presentation mode), every run."""
    schema.save(st, extra=SHARED.to_params(SHARED.values(st)))


# Every page, every screen: a focus ring that shows where the keyboard is (3 px, the intrathecal blue: 5.2:1 on
# white, above WCAG's 3:1 for focus indicators), and no chart toolbar on a phone-width screen (on touch it
# covered legends and titles; the PNG download stays on wider screens).  The toolbar, shown on hover, also shows
# while the keyboard is on one of its buttons (plotly.js 3+ makes them buttons, so Tab reaches them).
BASE_CSS = """<style>
:focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px !important; }
.js-plotly-plot .plotly .modebar--hover:focus-within > :not(.watermark) { opacity: 1; }
@media (max-width: 640px) { .modebar-container { display: none !important; } }
</style>"""

# Large type, and less empty space above the first chart on a 1280x720 projector: the main column starts just
# under the header bar (which keeps the sidebar's open button), the title and metrics take less height.
PRESENTATION_CSS = """<style>
html { font-size: 20px; }
[data-testid="stSidebar"] { font-size: 0.9rem; }
[data-testid="stMainBlockContainer"] { padding-top: 4rem !important; padding-bottom: 2rem !important; }
h1 { font-size: 1.9rem !important; padding: 0 0 0.25rem 0 !important; }
[data-testid="stMetricValue"] { font-size: 1.9rem !important; }
</style>"""


def widgets_shared() -> None:
    """Sidebar controls shared by every page."""
    from dashboard.widgets import widget  # local: widgets imports this module (presentation mode)

    widget(SHARED, PRESENT.key)
    st.caption(
        "Oral vs intrathecal baclofen: plasma and cerebrospinal-fluid (CSF) exposure, spasticity relief, "
        "sedation and withdrawal, in a compartment model built for teaching."
    )


def apply_css() -> None:
    """The focus ring, the phone's chart toolbar and the card tables' look everywhere, and larger type on a
    projector (our own fixed CSS; never user text)."""
    st.html(BASE_CSS + CARD_TABLE_CSS + (PRESENTATION_CSS if presentation() else ""))
