"""Downloads every page offers for what it shows: scenario JSON, result CSV, the model as SBML.

The scenario JSON is the same format as ``python -m pkmodels run``, so the command line reproduces what the
app shows.  File contents are built only when the button is clicked (callable ``data``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import streamlit as st

from dashboard import ui
from pkmodels import Scenario, scenario_to_json
from pkmodels.sbml import scenario_to_sbml

__all__ = ["downloads", "export_buttons"]

# key suffix -> (button label, file ending, MIME type, icon)
FILES = {
    "json": ("Scenario (JSON)", ".json", "application/json", "data_object"),
    "csv": ("Results (CSV)", ".result.csv", "text/csv", "table"),
    "sbml": ("Model (SBML)", ".xml", "application/xml", "account_tree"),
}
SBML_HELP = (
    "SBML Level 3 with this scenario's parameters and dosing (amounts in µg, volumes in L, so concentrations read "
    "in ng/mL)."
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "scenario"


def _contents(scenario: Scenario, kind: str) -> str:
    """The file of one download button (called when it is clicked)."""
    if kind == "json":
        return scenario_to_json(scenario)
    if kind == "csv":
        return ui.run(scenario).to_csv(index=False, float_format="%.6g")
    return scenario_to_sbml(scenario)


def export_buttons(scenario: Scenario, key: str, *, name: str | None = None) -> None:
    """Three download buttons for one scenario (each file built on click)."""
    stem = _slug(name or scenario.title or key)
    st.caption("Take it away: the scenario file runs unchanged with `python -m pkmodels run FILE.json`.")
    for col, (kind, (label, ending, mime, icon)) in zip(st.columns(3), FILES.items(), strict=True):
        col.download_button(
            label,
            data=functools.partial(_contents, scenario, kind),
            file_name=f"{stem}{ending}",
            mime=mime,
            key=f"{key}_{kind}",
            icon=f":material/{icon}:",
            on_click="ignore",
            help=SBML_HELP if kind == "sbml" else None,
        )


def downloads(scenarios: Mapping[str, Scenario], key: str) -> None:
    """A folded "Downloads" panel: the three buttons for each run, under its title (keys ``{key}_{name}``),
    built only while open (:func:`dashboard.ui.folded`)."""
    box = ui.folded("Download these runs (JSON, CSV, SBML)", key=f"{key}__downloads")
    with ui.panel("Downloads"), box:
        if not box.open:
            return
        for name, sc in scenarios.items():
            st.markdown(f"**{sc.title}**")
            export_buttons(sc, key=f"{key}_{name}")
