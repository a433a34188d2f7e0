"""Section 3, reservoir and refills: how long one fill lasts, the alarm and refill dates, and what happens when a
refill is missed."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import format as fmt
from dashboard import links, ui
from dashboard.exports import downloads
from dashboard.pump.figures import missed_refill_figure
from dashboard.pump.scenarios import EMPTY_AT_H, ESTABLISHED_DAYS, missed_refill_scenario
from dashboard.pump.section import chart, intro, save_and_sync
from dashboard.pump.settings import SCHEMA
from dashboard.widgets import row, widget
from pkmodels.pd import WITHDRAWAL_SYMPTOMS
from pkmodels.pump import refill_notes, refill_plan
from pkmodels.regimens import Pump
from pkmodels.withdrawal import relief_before_and_end, withdrawal_course


@st.fragment
def section() -> None:
    present = ui.presentation()
    intro(
        "The pump holds a few millilitres of concentrated drug. **Concentration x volume / daily rate** "
        "sets how long one fill lasts; a low-reservoir alarm warns before it runs dry, and the reservoir "
        "is refilled through the skin with a needle.",
    )
    fields = {"conc": {"horizontal": True}, "volume": {"horizontal": True}, "rate": {"format": "%.0f"}}
    with row(SCHEMA, fields, [1.3, 0.8, 1.3, 1])[3]:
        start_day = st.date_input(
            "Filled on", value=dt.date.today(), key="pump_fill_date", help="Not saved in the link."
        )
    save_and_sync()
    v = SCHEMA.values(st)
    conc, volume, rate = float(v["conc"]), float(v["volume"]), float(v["rate"])
    if not isinstance(start_day, dt.date):
        start_day = dt.date.today()
    plan = refill_plan(start_day, conc, volume, rate)
    alarm_ml = Pump(conc, volume).low_alarm_ml

    with ui.panel("Refill numbers"):
        cols = ui.metric_columns(4)
        cols[0].metric("Drug used per day", fmt.number(plan.ml_per_day, "mL", 2))
        cols[1].metric(
            "Low-reservoir alarm",
            fmt.number(plan.days_until_low_alarm, "days"),
            help=f"When {alarm_ml:g} mL are left (the model's alarm setting).",
        )
        cols[2].metric("Empty after", fmt.number(plan.days_until_empty, "days"))
        cols[3].metric(
            "Empty on",
            plan.empty_date.isoformat() if plan.empty_date else "-",
            help="The refill has to happen before this date (alarm date below).",
        )
        alarm = plan.low_alarm_date.isoformat() if plan.low_alarm_date else "-"
        st.markdown(
            f"Filled on **{start_day.isoformat()}**: the low-reservoir alarm sounds on **{alarm}** and the "
            f"reservoir is empty on **{plan.empty_date.isoformat() if plan.empty_date else '-'}**."
        )
        for note in refill_notes(plan, conc):
            st.info(note, icon=":material/info:")

    refill_after_h = float(v["refill_h"]) or None  # 0 = never
    scenario = missed_refill_scenario(conc, rate, refill_after_h)
    tab = ui.run(scenario)
    w = withdrawal_course(tab, EMPTY_AT_H)
    relief_before, relief_end = relief_before_and_end(tab, EMPTY_AT_H)
    st.subheader("If the refill is missed")
    if not present:
        st.markdown(
            f"The patient has been on {rate:g} µg/day for months ({ESTABLISHED_DAYS:g} days in the model, "
            "long enough for the receptors to adapt). The run starts one day before the reservoir runs dry "
            'and nobody refills it - unless you set a refill below ("ran dry over the weekend, refilled on '
            'Monday").'
        )
    widget(SCHEMA, "refill_h")
    with ui.panel("Missed refill numbers"):
        cols = ui.metric_columns(4, [1.0, 1.5, 0.8, 0.8])
        cols[0].metric(
            "Relief before → end",
            f"{relief_before:.1f} → {relief_end:.1f}",
            help="Ashworth points, just before the pump ran dry and at the end of the run.",
        )
        cols[1].metric(
            "Peak withdrawal", w.peak_stage_name, help=f"Withdrawal index {w.peak_index:.2f} (teaching scale)."
        )
        moderate = dict(w.timeline).get("moderate")
        cols[2].metric(
            "Moderate from",
            fmt.number(moderate, "h", 2) if moderate is not None else "not reached",
            help="Hours after the reservoir ran dry.",
        )
        cols[3].metric("Worst at", fmt.number(w.time_to_peak_h, "h", 2), help=f"Mostly {w.dominant_site}.")
    chart(
        "Missed refill chart",
        lambda panels: missed_refill_figure(
            tab, EMPTY_AT_H, ui.style(), panels=panels, refilled_after_h=refill_after_h
        ),
        (("relief", "withdrawal"), ("csf", "relief", "withdrawal")),
        key="pump_refill_chart",
        alt="Lumbar CSF, relief and withdrawal severity after the pump reservoir runs empty",
        caption="Lumbar CSF falls within hours of the last drop, but the adapted receptors stay adapted for "
        "days: the counter-regulation is left unopposed and withdrawal climbs its stages over 1-3 days "
        "(Coffey 2002). Clinically this is an emergency; it is stopped by restoring intrathecal "
        "baclofen. Stage names and the index are a teaching scale.",
    )
    if not present:
        with ui.panel("Withdrawal stages"):
            lines = [
                f"- **{site.capitalize()}**, {name} from {h:.0f} h: {WITHDRAWAL_SYMPTOMS[site][k]}"
                for site, timeline in w.site_timelines.items()
                for k, (name, h) in enumerate(timeline, start=1)
            ]
            if lines:
                st.markdown("**What each stage looks like** (hours after the reservoir ran dry):\n" + "\n".join(lines))
        path, qp = links.link(
            "withdrawal", route="intrathecal", ending="empty", it_ug=int(rate), conc=int(conc), volume=int(volume)
        )
        st.page_link(
            path,
            label="Explore endings, tapers and restarts on the Withdrawal page",
            query_params=qp,
            icon=":material/trending_down:",
        )
    downloads({"refill": scenario}, "pump_exp_refill")
