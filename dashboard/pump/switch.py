"""Section 6, tablets to pump: the pump titrated while the oral dose is weaned, or the tablets stopped at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.exports import downloads
from dashboard.pump.figures import switch_figure
from dashboard.pump.scenarios import WEAN_EVERY_DAYS, switch_scenarios
from dashboard.pump.section import chart, intro, pump_start, save_and_sync
from dashboard.pump.settings import SCHEMA
from dashboard.widgets import row
from pkmodels import columns as col
from pkmodels.metrics import mean_over_last
from pkmodels.pump import switch_schedule
from pkmodels.withdrawal import withdrawal_course


def day_means(tab: pd.DataFrame, column: str) -> tuple[float, float]:
    """Mean of a result column over the first and the last 24 h (pkmodels.metrics.mean_over_last)."""
    t = tab[col.TIME].to_numpy()
    y = tab[column].to_numpy()
    day1 = t <= 24.0 + 1e-9
    return float(mean_over_last(t[day1], y[day1])), float(mean_over_last(t, y))


@st.fragment
def section() -> None:
    present = ui.presentation()
    intro(
        "A patient on oral baclofen gets a pump. The pump is titrated as in section 2 while the tablets "
        "are **weaned in 25-50 % steps, one drug at a time** (CMSC 2015). Stopping the tablets at once "
        "is shown dashed for comparison.",
    )
    row(SCHEMA, {"oral_mg": {"format": "%.1f"}, "wean_pct": {}})
    save_and_sync()
    v = SCHEMA.values(st)
    begin = pump_start(v)
    if begin is None:
        return
    _, start, check = begin
    scenarios = switch_scenarios(
        float(v["oral_mg"]), float(v["wean_pct"]), start, float(v["target"]), check.used_percent
    )
    tabs = {name: ui.run(sc) for name, sc in scenarios.items()}
    weaned = withdrawal_course(tabs["weaned"], 0.0)
    abrupt = withdrawal_course(tabs["abrupt"], 0.0)
    with ui.panel("Switch numbers"):
        cols = ui.metric_columns(4)
        tw = tabs["weaned"]
        for where, name, column in (
            (cols[0], "Plasma", col.PLASMA),
            (cols[1], "Lumbar CSF", col.CSF_LUMBAR),
        ):
            first, last = day_means(tw, column)
            where.metric(
                f"{name} (ng/mL): day 1 → last",
                fmt.change(first, last),
                help="ng/mL, mean over the first and the last 24 h (oral weaned).",
            )
        cols[2].metric("Withdrawal, weaned", weaned.peak_stage_name, help=f"Peak index {weaned.peak_index:.2f}.")
        cols[3].metric(
            "Withdrawal, stopped at once",
            abrupt.peak_stage_name,
            help=f"Peak index {abrupt.peak_index:.2f}, mostly {abrupt.dominant_site}.",
        )
    chart(
        "Switch chart",
        lambda panels: switch_figure(tabs, ui.style(), panels=panels),
        (("plasma", "csf", "withdrawal"), ("plasma", "csf", "sedation", "withdrawal")),
        key="pump_switch_chart",
        alt="Plasma, lumbar CSF, sedation and withdrawal during a switch from oral to intrathecal baclofen",
        caption="Plasma falls as the tablets are weaned while lumbar CSF rises with the pump. The pump covers "
        "the spinal cord, so spinal withdrawal stays flat either way. The brain is different: it got "
        "its baclofen from the tablets (through the blood), and the pump puts little there. Weaning "
        "lets the supraspinal receptors re-adapt step by step; stopping the tablets at once unmasks "
        "supraspinal withdrawal (hallucinations, confusion, seizures) even though the pump is running.",
    )
    if not present:
        schedule = ui.folded("Day-by-day doses", key="pump_switch_days")
        with ui.panel("Switch schedule"), schedule:
            if schedule.open:
                sc = scenarios["weaned"]
                days = int(sc.duration_h / 24.0)
                table = switch_schedule(sc.oral[0], sc.intrathecal[0], days)
                st.dataframe(
                    table.rename(
                        columns={
                            "day": "Day",
                            "oral_mg_per_dose": "Oral mg per intake",
                            "oral_mg_per_day": "Oral mg/day",
                            "pump_ug_per_day": "Pump µg/day",
                        }
                    ).round(2),
                    hide_index=True,
                    width="stretch",
                )
                st.caption(
                    f"One wean step every {WEAN_EVERY_DAYS:g} days from day {WEAN_EVERY_DAYS + 1:g} (this page's "
                    "choice); the wean ends below 10 % of the first dose. Tablets three times a day."
                )
    downloads(scenarios, "pump_exp_switch")
