"""What every section of the Pump & titration page is built from: its heading, the URL sync after its widgets,
and the screening trial and starting dose that the later sections start from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import ui
from dashboard.pump.scenarios import screening_scenario
from dashboard.pump.settings import SCHEMA
from pkmodels import Scenario
from pkmodels import columns as col
from pkmodels.pump import TitrationCheck, TrialResult, check_titration, start_dose_ug_per_day, trial_result

__all__ = [
    "PumpStart",
    "chart",
    "intro",
    "pump_start",
    "remember_coupled",
    "save_and_sync",
    "trial_for",
    "trial_of",
]

# Settings read by more than one section: a change inside one section's fragment reruns the whole page.
COUPLED = ("bolus", "origin", "titr_pct", "target", "rate")
_SNAPSHOT = "_pump_coupled"


class PumpStart(NamedTuple):
    """How a new pump starts: the screening trial, the starting dose it gives and the checked titration step."""

    trial: TrialResult
    start_ug_per_day: float
    check: TitrationCheck


def intro(text: str) -> None:
    """A section's explanation, on a laptop or phone (the section's expander carries its name; presentation
    mode names it in its chooser and leaves the explanation to the speaker)."""
    if not ui.presentation():
        st.markdown(text)


def chart(
    name: str,
    draw: Callable[[Sequence[str]], go.Figure],
    panels: tuple[Sequence[str], Sequence[str]],
    *,
    key: str,
    alt: str,
    caption: str = "",
    note: str = "",
) -> None:
    """A section's chart in a panel of its own: ``draw(panels)`` with the projector's panels or the laptop's
    (``panels`` = (projector, laptop)); under it ``note`` always and ``caption`` on a laptop only (on a projector
    the speaker explains)."""
    present = ui.presentation()
    with ui.panel(name):
        ui.chart(draw(panels[0] if present else panels[1]), key=key, alt=alt)
        if note:
            st.caption(note)
        if caption and not present:
            st.caption(caption)


def remember_coupled(values: dict[str, Any]) -> None:
    """At the top of a whole-page run: the coupled settings as this run sees them (see :func:`save_and_sync`)."""
    st.session_state[_SNAPSHOT] = {k: values[k] for k in COUPLED}


def save_and_sync() -> None:
    """After a section's widgets: URL up to date; whole-page rerun if a setting other sections use changed."""
    ui.save_page_state(SCHEMA)
    now = SCHEMA.values(st)
    snap = st.session_state.get(_SNAPSHOT, {})
    if any(snap.get(k) != now[k] for k in COUPLED):
        st.rerun()


def trial_of(scenario: Scenario, bolus: float) -> tuple[pd.DataFrame, TrialResult]:
    """The result table of a screening run and the trial result it gives (cached run)."""
    tab = ui.run(scenario)
    return tab, trial_result(tab[col.TIME].to_numpy(), tab[col.RELIEF].to_numpy(), bolus)


def trial_for(bolus: float) -> tuple[pd.DataFrame, TrialResult]:
    """The screening trial of a ``bolus`` µg test dose in the typical patient."""
    return trial_of(screening_scenario(bolus), bolus)


def pump_start(values: dict[str, Any]) -> PumpStart | None:
    """The screening trial, the starting dose it gives and the checked titration step; None (with the reason
    shown) when the trial gave no starting dose."""
    _, trial = trial_for(float(values["bolus"]))
    start = start_dose_ug_per_day(trial)
    if start is None:
        st.info(
            f"The {trial.bolus_ug:g} µg screening bolus was not positive in the model, so there is no starting "
            "dose: choose another bolus in section 1.",
            icon=":material/block:",
        )
        return None
    return PumpStart(trial, start, check_titration(str(values["origin"]), float(values["titr_pct"])))
