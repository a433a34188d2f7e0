"""Population: one curve hides the spread - who gets sedated, whose pump dose is too weak or too strong,
who is at risk when the kidneys fail."""

from __future__ import annotations

import streamlit as st

from dashboard import links, ui
from dashboard.charts.style import ROUTE_NAMES
from dashboard.exports import export_buttons
from dashboard.population import cache, covariates, equivalence, spread
from dashboard.population.scenarios import patient_for, population_scenarios
from dashboard.population.settings import SCHEMA, STAGE_LABELS
from dashboard.widgets import widget


def _draw_other_patients() -> None:
    v = SCHEMA.values(st)
    SCHEMA.set(st, seed=(int(v["seed"]) + 1) % 1000)


st.title("Population: one curve hides the spread")
st.markdown(
    "A textbook curve is one typical patient. Real patients absorb, distribute and clear baclofen "
    "differently, and their spinal fluid clears it at different speeds. Here the model simulates many "
    "virtual patients at once and shows **how far they spread**: who gets sedated on tablets, whose pump "
    "dose is too weak or too strong, who is at risk when the kidneys fail."
)
ui.load_page_state(SCHEMA)

present = ui.presentation()
settings = (
    st.expander("Settings: patients, therapy, kidneys, age", expanded=False, icon=":material/tune:")
    if present
    else st.container()
)
pop_col, dose_col, pat_col = settings.columns(3, border=True)
with pop_col:
    st.markdown("**Virtual patients**")
    widget(SCHEMA, "n")
    widget(SCHEMA, "seed")
    st.button("Draw other patients", key="pop_new_seed", on_click=_draw_other_patients, icon=":material/casino:")
with dose_col:
    st.markdown("**Therapy**")
    widget(SCHEMA, "route")
    widget(SCHEMA, "oral_mg")
    widget(SCHEMA, "it_ug")
    widget(SCHEMA, "days")
with pat_col:
    st.markdown("**Patient**")
    widget(SCHEMA, "age")
    widget(SCHEMA, "weight")
    widget(SCHEMA, "ckd")
ui.save_page_state(SCHEMA)

values = SCHEMA.values(st)
n, seed = int(values["n"]), int(values["seed"])
patient = patient_for(values)
scenarios = population_scenarios(values)
runs: dict = {}
with ui.panel("Population simulation"):  # on failure: a message here, and the sections below that need it skip
    runs = {route: cache.population_runs(sc, n, seed) for route, sc in scenarios.items()}
therapy = {route: r.therapy for route, r in runs.items()}
stopped = {route: r.stopped for route, r in runs.items()}
headings = {route: sc.title for route, sc in scenarios.items()}

if patient.is_child:
    st.info(
        f"**Paediatric mode** (age {values['age']} years, {values['weight']:g} kg): clearance and volumes per "
        "kilogram from children 2-17 years with cerebral palsy (He 2014), and a CSF volume "
        f"{patient.csf_scale:.2f} times an adult's (a teaching assumption).",
        icon=":material/child_care:",
    )
if values["ckd"] != "normal":
    st.info(
        f"**{STAGE_LABELS[values['ckd']]} kidney function** for every simulated patient "
        f"(creatinine clearance {patient.crcl:.0f} mL/min).",
        icon=":material/water_drop:",
    )


if runs:
    spread.bands(therapy, stopped, headings, n)
    spread.affected(therapy, stopped, headings, n)
covariates.kidneys(values, patient, n, seed)
covariates.children(values, patient)
equivalence.section()

if not present:
    downloads = ui.folded("Download these runs (JSON, CSV, SBML) and the bands (CSV)", key="pop_downloads")
    with ui.panel("Downloads"), downloads:
        if downloads.open:
            for route, sc in scenarios.items():
                st.markdown(
                    f"**{sc.title}** (one typical patient; the population uses the same settings with seed "
                    f"{seed} and {n} patients)"
                )
                export_buttons(sc, key=f"pop_export_{route}")
                st.download_button(
                    f"{ROUTE_NAMES[route]} bands (CSV)",
                    data=lambda r=therapy[route]: r.bands_frame().to_csv(index=False, float_format="%.6g"),
                    file_name=f"population-{route}-bands.csv",
                    mime="text/csv",
                    key=f"pop_bands_csv_{route}",
                    icon=":material/table:",
                    on_click="ignore",
                )
    path, qp = links.link(
        "compare", oral_mg=values["oral_mg"], it_ug=values["it_ug"], days=values["days"], weight=values["weight"]
    )
    st.page_link(
        path,
        label="One typical patient on both routes: Compare routes",
        query_params=qp,
        icon=":material/compare_arrows:",
    )
