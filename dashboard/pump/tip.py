"""Section: where the catheter ends.  The pump's drug enters the spinal fluid at the catheter tip and thins out
along the canal, so the tip level decides how much reaches the legs' cord (behind T12) and the arms' cord
(behind C5-C6) at the same daily dose."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.exports import downloads
from dashboard.pump.figures import tip_figure
from dashboard.pump.scenarios import TIP_ESTABLISHED_DAYS, tip_scenario
from dashboard.pump.section import intro, save_and_sync
from dashboard.pump.settings import SCHEMA
from dashboard.widgets import widget
from pkmodels import columns as col
from pkmodels.metrics import mean_over_last
from pkmodels.model import individual_params
from pkmodels.neuraxis import ARMS_SITE_CM, DEFAULT_TIP, LEGS_SITE_CM, LEVEL_CM
from pkmodels.pump import tip_profile


@st.cache_data(max_entries=64, show_spinner=False)
def profile(rate_ug_per_day: float, tip: str) -> pd.DataFrame:
    """Steady CSF along the canal for a rate and a tip (cached: a pure function of the two)."""
    return tip_profile(individual_params(tip_scenario(rate_ug_per_day, tip)), rate_ug_per_day)


def _relief(tab: pd.DataFrame, column: str) -> float:
    return float(mean_over_last(tab[col.TIME].to_numpy(), tab[column].to_numpy()))


@st.fragment
def section() -> None:
    present = ui.presentation()
    intro(
        "The catheter ends at a chosen level of the spinal canal. The drug enters the spinal fluid there, mixes "
        "along the canal slowly and is cleared on the way, so its concentration falls with distance from the "
        "tip. The legs' cord sits behind T12, the arms' behind C5-C6: the tip decides which gets more.",
    )
    widget(SCHEMA, "tip")
    save_and_sync()
    v = SCHEMA.values(st)
    rate, tip = float(v["rate"]), str(v["tip"])
    st.caption(f"At the programmed rate of section 3: {rate:g} µg/day.")
    compare = (
        {f"tip {tip}": tip} if tip == DEFAULT_TIP else {f"tip {tip}": tip, f"usual tip {DEFAULT_TIP}": DEFAULT_TIP}
    )
    scenarios = {label: tip_scenario(rate, level) for label, level in compare.items()}
    tabs = {label: ui.run(sc) for label, sc in scenarios.items()}
    with ui.panel("Tip numbers"):
        main = next(iter(tabs))
        metrics = [
            ("Leg relief (points)", f"{_relief(tabs[main], col.RELIEF):.2f}", col.RELIEF),
            ("Arm relief (points)", f"{_relief(tabs[main], col.RELIEF_UPPER_LIMB):.2f}", col.RELIEF_UPPER_LIMB),
            ("CSF at the neck (ng/mL)", f"{_relief(tabs[main], col.CSF_CERVICAL):.0f}", col.CSF_CERVICAL),
        ]
        for c, (label, value, column) in zip(ui.metric_columns(len(metrics)), metrics, strict=True):
            delta = None
            if len(tabs) > 1:
                ref = _relief(tabs[f"usual tip {DEFAULT_TIP}"], column)
                delta = f"{float(value) - ref:+.2f} vs tip {DEFAULT_TIP}"
            c.metric(label, value, delta=delta, delta_color="off", help=f"Mean over the last day, after "
                     f"{TIP_ESTABLISHED_DAYS:g} days at {rate:g} µg/day (adaptation included).")  # fmt: skip
    with ui.panel("Spine chart"):
        profiles = {label: profile(rate, level) for label, level in compare.items()}
        ui.chart(
            tip_figure(
                profiles,
                LEVEL_CM,
                compare,
                {"legs' cord (T12)": LEGS_SITE_CM, "arms' cord (C5-C6)": ARMS_SITE_CM},
                ui.style(),
            ),
            key="pump_tip_chart",
            alt=f"Steady CSF concentration along the spinal canal at {rate:g} µg/day with the tip at {tip}"
            + ("" if tip == DEFAULT_TIP else f", beside the usual tip {DEFAULT_TIP}"),
        )
        if not present:
            st.caption(
                "Steady state of the model's eight CSF segments, each drawn as the well-mixed compartment it is "
                "(about 7.6 cm of canal each, so a tip between two segment centres feeds both). The spread along "
                "the canal (mixing) and the loss on the way (spinal outflow) are derived from the labels' apparent "
                "clearance and lumbar : cisternal ratio, not measured in people; the tip-level effect on the arms "
                "is checked against Grabb 1999 on the Model page."
            )
    downloads(scenarios, "pump_exp_tip")
