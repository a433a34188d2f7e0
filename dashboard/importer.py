"""Open a scenario file: upload a ``.json`` scenario (the format of ``python -m pkmodels run`` and of the
"Scenario (JSON)" downloads) and see its time courses, with the same downloads.

Files are size-capped (``pkmodels.scenario.MAX_FILE_BYTES``) and parsed only by
:func:`pkmodels.scenario_from_json` (JSON numbers and strings; never evaluated or unpickled).  Problems are
shown as one line with ``st.error``; text from the file is escaped so it cannot format the page.
"""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.compare.figures import compare_figure
from dashboard.exports import export_buttons
from dashboard.state import quote
from pkmodels import Scenario, ScenarioError, scenario_from_json
from pkmodels.scenario import MAX_FILE_BYTES

__all__ = ["import_panel", "md_escape", "read_scenario_file", "route_key"]

_MD_SPECIAL = set("\\`*_{}[]()<>#!|~$")
MAX_ERROR_CHARS = 300


def md_escape(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """Text safe to show inside Markdown: one line, special characters backslash-escaped, length capped."""
    one_line = " ".join(text.split())
    short = one_line[:limit] + ("..." if len(one_line) > limit else "")
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in short)


def read_scenario_file(data: bytes) -> Scenario:
    """A Scenario from the bytes of an uploaded file; :class:`ScenarioError` with one line otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"the file is {len(data) / 1024:.0f} KiB; scenario files are at most {MAX_FILE_BYTES // 1024} KiB"
        )
    if not data.strip():
        raise ScenarioError("the file is empty")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError("this is not a text file; a scenario file is JSON text (UTF-8)") from None
    if b"\x00" in data:
        raise ScenarioError("this is not a text file; a scenario file is JSON text (UTF-8)")
    return scenario_from_json(data)


def route_key(scenario: Scenario) -> str:
    """Which colour a scenario's curves take: oral, intrathecal or both routes."""
    if scenario.oral and scenario.intrathecal:
        return "both"
    return "intrathecal" if scenario.intrathecal else "oral"


def import_panel(key: str) -> Scenario | None:
    """File uploader for one scenario file; on success its time courses and downloads. Returns the scenario."""
    upload = st.file_uploader(
        "Scenario file (.json)",
        type=["json"],
        key=f"{key}_file",
        max_upload_size=1,
        help=f"A scenario saved from any page ('Scenario (JSON)') or written by hand; at most "
        f"{MAX_FILE_BYTES // 1024} KiB. See the README for the format.",
    )
    if upload is None:
        return None
    data = upload.read(MAX_FILE_BYTES + 1)
    try:
        scenario = read_scenario_file(data)
    except ScenarioError as exc:
        st.error(f"Could not open '{quote(upload.name, 40)}': {md_escape(str(exc))}", icon=":material/error:")
        return None
    with ui.panel("Imported scenario"):
        name = scenario.title or upload.name
        st.success(
            f"Opened **{md_escape(name, 80)}**: {scenario.duration_h:g} h, "
            f"{len(scenario.oral)} oral and {len(scenario.intrathecal)} intrathecal entries.",
            icon=":material/task:",
        )
        if scenario.notes:
            st.caption(md_escape(scenario.notes, 400))
        with st.spinner("Simulating the scenario (long runs take a few seconds)..."):
            table = ui.run(scenario)
        panels = (
            ("plasma", "csf", "relief") if ui.presentation() else ("plasma", "csf", "relief", "sedation", "withdrawal")
        )
        ui.chart(
            compare_figure({route_key(scenario): table}, ui.style(), panels),
            key=f"{key}_chart",
            alt="Time courses of the imported scenario",
        )
        st.caption("Orange: oral only; blue: intrathecal only; purple: both routes in one patient.")
        export_buttons(scenario, key=f"{key}_export", name=name)
    return scenario
