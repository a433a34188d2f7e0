"""Downloads every page offers for what it shows: scenario JSON, result CSV, the model as SBML.

The scenario JSON is the same format as ``python -m pkmodels run``, so the command line reproduces what the
app shows.  File contents are built only when the button is clicked (callable ``data``).
"""

from __future__ import annotations

import re

import streamlit as st

from pkmodels import Scenario, scenario_to_json, simulate
from pkmodels.sbml import scenario_to_sbml

__all__ = ["export_buttons"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "scenario"


def export_buttons(scenario: Scenario, key: str, *, name: str | None = None) -> None:
    """Three download buttons for one scenario (each file built on click)."""
    stem = _slug(name or scenario.title or key)
    st.caption("Take it away: the scenario file runs unchanged with `python -m pkmodels run FILE.json`.")
    cols = st.columns(3)
    cols[0].download_button(
        "Scenario (JSON)",
        data=lambda: scenario_to_json(scenario),
        file_name=f"{stem}.json",
        mime="application/json",
        key=f"{key}_json",
        icon=":material/data_object:",
        on_click="ignore",
    )
    cols[1].download_button(
        "Results (CSV)",
        data=lambda: simulate(scenario).table.to_csv(index=False, float_format="%.6g"),
        file_name=f"{stem}.result.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/table:",
        on_click="ignore",
    )
    cols[2].download_button(
        "Model (SBML)",
        data=lambda: scenario_to_sbml(scenario),
        file_name=f"{stem}.xml",
        mime="application/xml",
        key=f"{key}_sbml",
        icon=":material/account_tree:",
        on_click="ignore",
        help="SBML Level 3 with this scenario's parameters and dosing (amounts in µg, "
        "volumes in L, so concentrations read in ng/mL).",
    )
