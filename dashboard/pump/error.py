"""Section 5, programming error: the pump programmed ten times the intended rate at a refill visit."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.exports import downloads
from dashboard.pump.figures import error_figure
from dashboard.pump.scenarios import ERROR_AT_H, ERROR_FACTOR, error_scenarios
from dashboard.pump.section import chart, save_and_sync
from dashboard.pump.settings import SCHEMA
from dashboard.widgets import widget
from pkmodels.pump import overdose_summary


@st.fragment
def section() -> None:
    present = ui.presentation()
    v = SCHEMA.values(st)
    rate = float(v["rate"])
    if not present:
        st.markdown(
            f"A pump programmed **{ERROR_FACTOR:g} times** the intended rate (for example {rate * 10:g} "
            f"instead of {rate:g} µg/day, a slipped decimal point) at a refill visit. The patient has been on "
            f"{rate:g} µg/day for months."
        )
    widget(SCHEMA, "error")
    save_and_sync()
    v = SCHEMA.values(st)
    scenarios = error_scenarios(rate)
    if not v["error"]:
        scenarios = {"intended": scenarios["intended"]}
    tabs = {name: ui.run(sc) for name, sc in scenarios.items()}
    s = overdose_summary(tabs["error"], ERROR_AT_H) if v["error"] else None
    if s is not None:
        with ui.panel("Overdose numbers"):
            cols = ui.metric_columns(4)
            for where, site, peak, fold, before, tip in (
                (
                    cols[0],
                    "Lumbar",
                    s.lumbar_peak_ng_per_ml,
                    s.lumbar_fold,
                    s.lumbar_before_ng_per_ml,
                    "The highest after the error, and how many times the level before it.",
                ),
                (
                    cols[1],
                    "Cranial",
                    s.cranial_peak_ng_per_ml,
                    s.cranial_fold,
                    s.cranial_before_ng_per_ml,
                    "CSF mixing carries the excess up toward the brain.",
                ),
            ):
                where.metric(
                    f"{site} CSF (ng/mL)",
                    fmt.number(peak),
                    delta=f"x{fold:.1f} from {fmt.number(before)}",
                    delta_color="inverse",
                    help=tip,
                )
            cols[2].metric(
                "Peak sedation",
                s.peak_sedation_stage,
                help=f"Sedation index {s.peak_sedation_index:.2f} (teaching scale).",
            )
            cols[3].metric(
                "Respiratory warning",
                "not reached"
                if s.respiratory_warning_after_h is None
                else f"after {s.respiratory_warning_after_h:.0f} h",
                help="The model warns from the 'stupor' stage of sedation.",
            )
            st.error(
                "**Intrathecal overdose is a medical emergency.** Too much baclofen in the spinal fluid causes "
                "drowsiness, floppy weakness rising up the body (hypotonia), slowed or shallow breathing "
                "(respiratory depression), seizures and coma.",
                icon=":material/emergency:",
            )
            if s.respiratory_warning_after_h is None:
                st.caption(
                    f"In this teaching model {rate * ERROR_FACTOR:g} µg/day stays below the respiratory "
                    "warning level (raise the programmed rate in section 3 to see more). The model's "
                    "sedation scale is an assumption calibrated to oral doses, and some patients are far more "
                    "sensitive (the label reports coma after a single 25 µg test dose in one adult)."
                )
    else:
        st.caption("Turn on the error to see what a ten-fold rate does.")
    chart(
        "Error chart",
        lambda panels: error_figure(tabs, ERROR_AT_H, ui.style(), panels=panels),
        (("csf", "sedation"), ("csf", "sedation", "relief")),
        key="pump_error_chart",
        alt="Lumbar and cranial CSF, sedation stages and relief after a ten-fold pump programming error",
        caption=""
        if s is None
        else f"Lumbar CSF rises ten-fold within hours, and CSF mixing carries the excess to the cranial CSF "
        f"and brain: sedation climbs its stages. At the cord, GABA-B stimulation goes from "
        f"{s.spinal_stimulation_before:.1%} to {s.spinal_stimulation_peak:.1%} of receptors: relief is "
        "at the model's ceiling, which in a patient means hypotonia (loss of useful muscle tone).",
    )
    downloads(scenarios, "pump_exp_error")
