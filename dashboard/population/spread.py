"""How far the simulated patients spread: percentile bands over time per route, and the share of patients
in the usual plasma range, deeply sedated, relieved, or in severe withdrawal after a stop."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.population.figures import band_figure
from dashboard.population.scenarios import OUTPUTS, band_name, output_name
from pkmodels.parameters import spec
from pkmodels.population import (
    FRACTION_MARKED_SEDATION,
    FRACTION_PLASMA_IN_USUAL_RANGE,
    FRACTION_RELIEF_1_POINT,
    FRACTION_SEVERE_WITHDRAWAL,
    PopulationResult,
)

__all__ = ["affected", "bands"]

THERAPY_OUTPUTS = ("plasma", "csf_lumbar", "relief", "sedation")
FRACTIONS = (
    (
        "In the usual plasma range",
        FRACTION_PLASMA_IN_USUAL_RANGE,
        "80-400 ng/mL is laboratory guidance, not a target range.",
    ),
    ("Marked sedation or deeper", FRACTION_MARKED_SEDATION, "Sedation stages are a teaching assumption."),
    ("Relief ≥ 1 point", FRACTION_RELIEF_1_POINT, "Ashworth points; baseline Ashworth score 4."),
    (
        "Severe withdrawal at stop",
        FRACTION_SEVERE_WITHDRAWAL,
        "The same therapy stopped abruptly at the end of the run, followed for 5 days; withdrawal stages are a "
        "teaching assumption.",
    ),
)


@st.fragment
def bands(
    therapy: dict[str, PopulationResult], stopped: dict[str, PopulationResult], headings: dict[str, str], n: int
) -> None:
    """Display choices (which outputs, which bands) rerun only this section: no new simulation."""
    present = ui.presentation()
    with ui.panel("Percentile bands"):
        st.subheader("How far the patients spread")
        defaults = ("plasma", "relief") if present else ("plasma", "csf_lumbar", "relief", "sedation", "withdrawal")
        c1, c2 = st.columns([3, 2])
        show = c1.pills(
            "Show",
            OUTPUTS,
            selection_mode="multi",
            default=defaults,
            format_func=output_name,
            key=f"pop_show_{int(present)}",
        )
        levels = c2.pills(
            "Bands", (90, 50), selection_mode="multi", default=(90, 50), format_func=band_name, key="pop_levels"
        )
        outputs = [o for o in THERAPY_OUTPUTS if o in (show or ())]
        if not outputs and "withdrawal" not in (show or ()):
            st.info("Choose at least one output to show.")
        if outputs:
            ui.chart(
                band_figure(therapy, ui.style(), outputs, levels or (), headings=headings),
                key="pop_bands",
                alt=f"Median and percentile bands of {n} simulated patients over time, per route",
            )
            cv_csf = spec("csf_spinal_clearance_ml_per_h").cv_percent
            st.caption(
                f"**Line**: the median of {n} simulated patients at each time (not one patient's curve). "
                f"**Dark band**: the middle 50 % of them; **light band**: 90 % (5th to 95th percentile). "
                "Tablets: absorption, volume and clearance differ between people, so the plasma band is "
                "wide and its top edge reaches sedating levels first. Pump: the lumbar CSF band is wide "
                f"because CSF clearance varies about {cv_csf:.0f} % between patients, so the same µg/day "
                "is too weak for some and too strong for others."
            )
        if "withdrawal" in (show or ()):
            ui.chart(
                band_figure(
                    stopped,
                    ui.style(),
                    ("withdrawal",),
                    levels or (),
                    headings=headings,
                    x_title="Days after the abrupt stop",
                ),
                key="pop_withdrawal_bands",
                alt="Withdrawal severity bands after an abrupt stop, per route",
            )
            st.caption(
                "The same therapy taken for the whole run, then stopped abruptly. Receptors adapted to the "
                "drug are left unopposed when it falls away; the pump removes far more drug from the spinal "
                "cord, faster. Severity stages are a teaching assumption."
            )


def affected(
    therapy: dict[str, PopulationResult], stopped: dict[str, PopulationResult], headings: dict[str, str], n: int
) -> None:
    """The share of patients each outcome reaches, per route (the same people on each route)."""
    with ui.panel("Who is affected"):
        st.subheader("Who is affected")
        st.caption(f"Shares of the {n} simulated patients (the same people on each route).")
        for route in therapy:
            colour = "orange" if route == "oral" else "blue"
            st.markdown(f"**:{colour}[{headings[route]}]**")
            cols = ui.metric_columns(len(FRACTIONS))
            for where, (label, key, note) in zip(cols, FRACTIONS, strict=True):
                source = stopped[route] if key == FRACTION_SEVERE_WITHDRAWAL else therapy[route]
                f = source.fractions[key]
                tip = f"{key.capitalize()}: {fmt.patients(f, n)}. {note}"
                ui.metric_with_note(where, label, fmt.share(f), fmt.patients(f, n), help=tip)
