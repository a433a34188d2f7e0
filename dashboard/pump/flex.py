"""Section 4, flex schedule: more drug by day than by night at the same daily total, against a continuous rate."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import links, ui
from dashboard.exports import downloads
from dashboard.pump.figures import flex_figure
from dashboard.pump.scenarios import FLEX_DAY, flex_scenarios
from dashboard.pump.section import chart, intro, save_and_sync
from dashboard.pump.settings import SCHEMA
from dashboard.widgets import widget
from pkmodels import columns as col
from pkmodels.pump import ripple


@st.fragment
def section() -> None:
    present = ui.presentation()
    intro(
        "A programmable pump can change its rate during the day: for example more drug by day, when "
        "spasticity gets in the way of activity, and less at night. Here: twice the hourly rate "
        f"{FLEX_DAY[0]:02.0f}:00-{FLEX_DAY[1]:02.0f}:00 as at night, the same daily total as the "
        "programmed rate above.",
    )
    widget(SCHEMA, "flex")
    save_and_sync()
    v = SCHEMA.values(st)
    rate = float(v["rate"])
    scenarios = flex_scenarios(rate)
    if not v["flex"]:
        scenarios = {"continuous": scenarios["continuous"]}
    tabs = {name: ui.run(sc) for name, sc in scenarios.items()}
    with ui.panel("Flex numbers"):
        cols = ui.metric_columns(len(tabs) * 2)
        for k, (name, tab) in enumerate(tabs.items()):
            t = tab[col.TIME].to_numpy()
            c_lo, c_hi = ripple(t, tab[col.CSF_LUMBAR].to_numpy())
            r_lo, r_hi = ripple(t, tab[col.RELIEF].to_numpy())
            label = "Flex" if name == "flex" else "Continuous"
            cols[2 * k].metric(
                f"{label} · CSF (ng/mL)",
                fmt.span(c_lo, c_hi, 0),
                help="Lumbar CSF, lowest and highest over the last 24 h.",
            )
            cols[2 * k + 1].metric(
                f"{label} · relief (points)",
                fmt.span(r_lo, r_hi, 2),
                help="Ashworth points, lowest and highest over the last 24 h.",
            )
    chart(
        "Flex chart",
        lambda panels: flex_figure(tabs, ui.style(), panels=panels, night=(FLEX_DAY[1], FLEX_DAY[0])),
        (("csf", "relief"), ("rate", "csf", "relief")),
        key="pump_flex_chart",
        alt="Pump rate, lumbar CSF and relief for continuous and flex schedules",
        note="" if v["flex"] else "Turn on the flex schedule to compare.",
        caption="Lumbar CSF follows the rate within hours, because CSF clears in hours: it swings widely "
        "between day and night. Relief swings much less, because the spinal cord responds slowly "
        "(effect-site delay) and the receptor effect saturates near the top."
        if v["flex"]
        else "",
    )
    if not present:
        path, qp = links.link("compare", it_ug=int(rate), it_mode="flex")
        st.page_link(
            path, label="Compare the flex schedule with oral tablets", query_params=qp, icon=":material/compare_arrows:"
        )
    downloads(scenarios, "pump_exp_flex")
