"""Dose equivalence: the oral dose whose long-term spinal relief matches an intrathecal dose, for the typical
patient and for every simulated patient (with its own control, so moving it reruns only this section)."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.population import cache
from dashboard.population.equivalence_figure import equivalence_figure
from dashboard.population.scenarios import equivalence_scenario
from dashboard.population.settings import SCHEMA
from dashboard.widgets import widget
from pkmodels.thresholds import MAX_STUDIED_MG_PER_DAY, OVERDOSE_PLASMA_NG_PER_ML

__all__ = ["section"]


@st.fragment
def section() -> None:
    """The explorer's own control reruns only this section."""
    present = ui.presentation()
    with ui.panel("Dose equivalence"):
        st.subheader("Which oral dose would match a pump dose?")
        st.markdown(
            "For the same **spinal relief** (long-term steady state), how much baclofen by mouth? Oral "
            "drug must cross the blood-brain barrier to reach the spinal cord, so the oral dose is many "
            "times larger - and it floods the brain and the rest of the body on the way."
        )
        widget(SCHEMA, "eq_ug")
        ui.save_page_state(SCHEMA)
        v = SCHEMA.values(st)
        n_eq, seed_eq = int(v["n"]), int(v["seed"])
        sc = equivalence_scenario(v)
        eq_ug = float(v["eq_ug"])
        typ = cache.typical_equivalence(sc, eq_ug).as_dict(0)
        pop = cache.equivalence(sc, eq_ug, n_eq, seed_eq)
        cols = ui.metric_columns(4)
        cols[0].metric(
            "Pump relief (typical)",
            f"{fmt.fixed(typ['it_relief_ashworth'], 1)} points",
            help="Ashworth points of relief at long-term steady state.",
        )
        if typ["oral_mg_per_day"] is None:
            cols[1].metric("Oral dose for the same relief", "none", help=typ["message"])
        else:
            ui.metric_with_note(
                cols[1],
                "Oral dose for the same relief",
                f"{fmt.fixed(typ['oral_mg_per_day'])} mg/day",
                f"{fmt.fixed(typ['oral_mg_per_dose'])} mg 3 times a day",
                help=typ["message"],
            )
        ui.metric_with_note(
            cols[2],
            "Oral : intrathecal dose",
            f"{fmt.fixed(typ['ratio_oral_to_it'])} : 1",
            f"population {fmt.fixed(pop.ratio_oral_to_it[5])}-{fmt.fixed(pop.ratio_oral_to_it[95])}",
            help="mg converted to µg. Population: 5th to 95th percentile of the simulated patients for "
            "whom some oral dose matches. Labels: intrathecal doses are 'at least 100 times' lower.",
        )
        ui.metric_with_note(
            cols[3],
            "At that oral dose",
            f"{fmt.fixed(typ['plasma_cavg_ng_per_ml'])} ng/mL",
            f"sedation: {typ['sedation_peak_stage'] or '-'}",
            help=f"Typical patient: plasma average; its peak is {fmt.fixed(typ['plasma_cmax_ng_per_ml'])} ng/mL "
            f"(overdose range from {OVERDOSE_PLASMA_NG_PER_ML:g} ng/mL). Sedation: peak stage of "
            "the day at steady state, after adaptation.",
        )
        sentence = (
            f"For **{fmt.share(pop.fraction_not_reachable)} of {n_eq} simulated patients** no tolerable oral dose "
            f"gives the relief of {eq_ug:g} µg/day intrathecal"
        )
        tolerable = (
            f"Tolerable: at most {MAX_STUDIED_MG_PER_DAY:g} mg/day (the highest dose studied) and a peak "
            f"plasma below {OVERDOSE_PLASMA_NG_PER_ML:g} ng/mL."
        )
        if present:
            st.markdown(f"#### {sentence}.")
            st.caption(tolerable)
        else:
            st.markdown(f"{sentence}. {tolerable}")
        if not present:
            eq = pop.per_patient
            ui.chart(
                equivalence_figure(
                    eq.oral_mg_per_day,
                    eq.reachable,
                    ui.style(),
                    studied_max_mg_per_day=MAX_STUDIED_MG_PER_DAY,
                    typical_ceiling_mg_per_day=typ["ceiling_mg_per_day"],
                ),
                key="pop_equivalence",
                alt="Histogram of the oral dose each simulated patient would need",
            )
            st.caption(
                f"Oral dose each simulated patient needs for the same relief (median "
                f"{fmt.fixed(pop.oral_mg_per_day[50])} mg/day). Grey: above that patient's tolerable ceiling, the "
                "lower of "
                f"{MAX_STUDIED_MG_PER_DAY:g} mg/day and the dose whose peak plasma reaches "
                f"{OVERDOSE_PLASMA_NG_PER_ML:g} ng/mL. "
                + (
                    f"{fmt.share(pop.fraction_no_match)} need more than any dose searched and are not shown. "
                    if pop.fraction_no_match > 0
                    else ""
                )
                + "A model result under labelled assumptions, not a conversion rule."
            )
