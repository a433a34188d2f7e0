"""Section 2, start and titration: the starting dose from the screening trial, the daily steps by origin of the
spasticity, and what they do to CSF and relief."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.exports import downloads
from dashboard.pump.figures import titration_figure
from dashboard.pump.scenarios import titration_scenario
from dashboard.pump.section import chart, intro, pump_start, save_and_sync
from dashboard.pump.settings import SCHEMA
from dashboard.widgets import row
from pkmodels import columns as col
from pkmodels.metrics import mean_over_last
from pkmodels.pump import LONG_EFFECT_H, ORIGINS, TITRATION_RANGES, TrialResult, titration_plan


def start_reason(trial: TrialResult, start: float) -> str:
    """Why the pump starts at ``start``: once or twice the effective bolus, by how long its effect lasted."""
    once = start == trial.bolus_ug
    return (
        f"{1 if once else 2} x the {trial.bolus_ug:g} µg bolus per 24 h: its effect lasted "
        f"{trial.effect_duration_h:.1f} h, {'more' if once else 'not more'} than {LONG_EFFECT_H:g} h"
    )


@st.fragment
def section() -> None:
    present = ui.presentation()
    intro(
        "After implantation the pump starts at the **starting dose** worked out from the test bolus, is "
        "**not increased in the first 24 h**, then goes up by a percentage **each 24 h** toward the dose "
        "that controls the spasticity. The step depends on the origin of the spasticity.",
    )
    row(SCHEMA, {"origin": {}, "titr_pct": {}, "target": {"format": "%.0f"}})
    save_and_sync()
    v = SCHEMA.values(st)
    begin = pump_start(v)
    if begin is None:
        return
    trial, start, check = begin
    lo, hi = TITRATION_RANGES[check.origin]
    if check.message:
        st.warning(check.message, icon=":material/rule:")
    target = float(v["target"])
    if target <= start:
        st.info(
            f"The target ({target:g} µg/day) is not above the starting dose ({start:g} µg/day): the pump simply "
            "runs at the target.",
            icon=":material/info:",
        )
    scenario = titration_scenario(start, target, check.used_percent)
    tab = ui.run(scenario)
    plan = titration_plan(start, target, check.used_percent)
    t = tab[col.TIME].to_numpy()

    with ui.panel("Titration numbers"):
        cols = ui.metric_columns(4)
        cols[0].metric("Starting dose", fmt.number(start, "µg/day"), help=start_reason(trial, start) + ".")
        cols[1].metric(
            "Daily step used",
            f"+{check.used_percent:g} %",
            help=f"{ORIGINS[check.origin]}: {lo:g}-{hi:g} % per 24 h (CMSC 2015; labels).",
        )
        cols[2].metric("Target reached on day", f"{len(plan)}", help="Day 1 = the first 24 h at the starting dose.")
        cols[3].metric(
            "Relief at the end",
            fmt.number(float(mean_over_last(t, tab[col.RELIEF].to_numpy())), "points", 2),
            help="Mean over the last 24 h of the run (Ashworth points).",
        )

    chart(
        "Titration chart",
        lambda panels: titration_figure(tab, ui.style(), panels=panels),
        (("rate", "relief"), ("rate", "csf", "relief")),
        key="pump_titr_chart",
        alt="Daily pump-rate steps, lumbar and cranial CSF, and spasticity relief during titration",
        caption="Each step raises lumbar CSF within hours (the CSF clears in hours, so it settles within a "
        "day), while relief follows the slower spinal effect site. Late in the run relief drifts down "
        "a little: the receptors adapt (tolerance, a teaching assumption), which is one reason real "
        "doses creep up over the first 12-18 months.",
    )
    if not present:
        days = ui.folded("Daily rates to the target", key="pump_titration_days")
        with ui.panel("Daily steps"), days:
            if days.open:
                st.caption(f"{len(plan)} days to the target.")
                show = plan.rename(
                    columns={
                        "day": "Day",
                        "rate_ug_per_day": "Rate (µg/day)",
                        "change_percent": "Change vs day before (%)",
                    }
                )
                st.dataframe(show.round(1), hide_index=True, width="stretch")
    downloads({"titr": scenario}, "pump_exp_titr")
