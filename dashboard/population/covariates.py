"""The patient behind the spread: what failing kidneys do to exposure and half-life, and what a child's smaller
spinal fluid does to the same pump dose."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.population import cache
from dashboard.population.figures import csf_figure, renal_figure
from dashboard.population.scenarios import ADULT_REFERENCE, csf_comparison_scenarios
from dashboard.population.settings import SCHEMA, STAGE_LABELS, STAGE_NAMES
from pkmodels import Patient
from pkmodels import columns as col
from pkmodels.covariates import child_doses
from pkmodels.model import individual_params, summarize
from pkmodels.renal import terminal_half_life_h

__all__ = ["children", "kidneys"]


PRESET_NOTE = "_pop_child_preset_note"  # what the last child preset set, shown once under its panel title


def _set_patient(age: int, weight: float) -> None:
    """A child preset sets everything it implies: age, weight, normal kidneys for the age and the teaching
    doses by weight (``pkmodels.covariates.child_doses``), and says so."""
    doses = child_doses(age, weight, oral_step_mg=SCHEMA.field("oral_mg").step or 2.5)
    SCHEMA.set(st, age=age, weight=weight, ckd="normal", oral_mg=doses.oral_mg_per_intake, it_ug=doses.it_ug_per_day)
    st.session_state[PRESET_NOTE] = (
        f"Set for a {age}-year-old, {weight:g} kg: kidney function normal for the age, oral "
        f"{fmt.number(doses.oral_mg_per_intake, 'mg')} three times a day (about 1 mg/kg/day), intrathecal "
        f"{fmt.number(doses.it_ug_per_day, 'µg/day')} (teaching doses within published paediatric ranges)."
    )


def kidneys(values: dict[str, Any], patient: Patient, n: int, seed: int) -> None:
    """One typical patient per kidney-function group (exposure, peak, half-life) and the half-life spread."""
    present = ui.presentation()
    with ui.panel("Kidney function"):
        st.subheader("When the kidneys fail")
        adult = not patient.is_child
        who = ADULT_REFERENCE if not adult else patient
        renal = cache.renal(float(values["oral_mg"]), who.weight_kg, who.age_y)
        normal, severe = renal.iloc[0], renal.iloc[-1]
        st.markdown(
            "Baclofen leaves the body mostly unchanged in the urine: its renal clearance is about the "
            "creatinine clearance. With failing kidneys the **peak after a dose barely moves** (absorption and "
            "volume are unchanged) but the drug **stays longer**: exposure (AUC) and half-life rise, and "
            "repeated doses pile up towards sedating and toxic levels. Suggested oral dose cuts: about 1/3, "
            "1/2 and 2/3 for mild, moderate and severe impairment (Vlavonou 2014)."
        )
        cols = ui.metric_columns(3)
        cols[0].metric(
            "Exposure (AUC), severe vs normal",
            f"{severe['auc_ss_24h_ng_h_per_ml'] / normal['auc_ss_24h_ng_h_per_ml']:.1f}x",
            help="Steady-state AUC over 24 h at the same dose, typical patient.",
        )
        cols[1].metric(
            "Peak after one dose, severe vs normal",
            f"{severe['cmax_single_ng_per_ml'] / normal['cmax_single_ng_per_ml']:.2f}x",
            help=f"Cmax after a single {values['oral_mg']:g} mg dose, typical patient.",
        )
        cols[2].metric(
            "Half-life, normal -> severe",
            f"{normal['half_life_h']:.1f} -> {severe['half_life_h']:.1f} h",
            help="Terminal plasma half-life of the typical patient.",
        )
        if not present:
            lives = cache.half_lives(n, seed, patient.weight_kg, patient.age_y)
            ui.chart(
                renal_figure(renal, lives, ui.style(), stage_labels=STAGE_NAMES, n=n),
                key="pop_renal",
                alt="Steady-state exposure per kidney stage and half-life spread across simulated patients",
            )
            who_text = (
                f"a typical {who.weight_kg:g}-kg adult"
                if adult
                else "a typical 70-kg adult (the kidney groups were defined in adults)"
            )
            st.caption(
                f"Left: {who_text} taking {values['oral_mg']:g} mg three times a day for 7 days; dark bars the "
                "same dose, light bars the suggested reduced dose, dotted line normal kidneys. Right: half-life "
                f"of the {n} simulated patients in each group (box: middle 50 %), diamonds the typical patient. "
                "The bands above use the kidney function chosen at the top for every patient."
            )
            table = pd.DataFrame(
                {
                    "Kidney function": [STAGE_LABELS[s] for s in renal["stage"]],
                    "CrCL used (mL/min)": renal["crcl_ml_per_min"].round(0),
                    "Suggested dose": [fmt.reduction(x) for x in renal["suggested_dose_reduction"]],
                    "Single dose: AUC 0-24 h (ng·h/mL)": renal["auc_single_0_24h_ng_h_per_ml"].round(0),
                    "Single dose: Cmax (ng/mL)": renal["cmax_single_ng_per_ml"].round(0),
                    "Steady state: AUC 24 h (ng·h/mL)": renal["auc_ss_24h_ng_h_per_ml"].round(0),
                    "Steady state: AUC at reduced dose": renal["auc_ss_24h_reduced_dose_ng_h_per_ml"].round(0),
                    "Half-life (h)": renal["half_life_h"].round(1),
                }
            )
            st.dataframe(table, hide_index=True, width="stretch")


def children(values: dict[str, Any], patient: Patient) -> None:
    """This child against a 70-kg adult on the same pump dose; for an adult, buttons that show a child."""
    present = ui.presentation()
    with ui.panel("Children"):
        st.subheader("Children: smaller bodies, smaller spinal fluid")
        note = st.session_state.pop(PRESET_NOTE, None)
        if note and patient.is_child:
            st.info(note, icon=":material/child_care:")
        if not patient.is_child:
            st.markdown(
                "Set the age below 18 to switch to paediatric mode: clearance and volumes per kilogram from "
                "children 2-17 years with cerebral palsy (He 2014), and a smaller CSF volume."
            )
            b1, b2, _ = st.columns([1, 1, 0.01 if present else 2])
            b1.button(
                "Show a 6-year-old, 20 kg",
                key="pop_child6",
                on_click=_set_patient,
                args=(6, 20.0),
                icon=":material/child_care:",
            )
            b2.button(
                "Show a 3-year-old, 14 kg",
                key="pop_child3",
                on_click=_set_patient,
                args=(3, 14.0),
                icon=":material/child_care:",
            )
        else:
            pair = csf_comparison_scenarios(values)
            tables = {label: ui.run(sc) for label, sc in pair.items()}
            csf = {label: summarize(tables[label], sc)[col.CSF_LUMBAR]["cavg_last_24h"] for label, sc in pair.items()}
            child_p, adult_p = (individual_params(sc) for sc in pair.values())
            child_t, adult_t = (float(terminal_half_life_h(p.as_arrays())[0]) for p in (child_p, adult_p))
            cols = ui.metric_columns(3)
            cols[0].metric(
                "CSF volume vs an adult",
                f"{patient.csf_scale:.2f}x",
                help="Teaching assumption: (weight / 70 kg)^0.5, at least 0.25 (infant CSF 30-50 mL vs "
                "adult about 150 mL). CSF flows scale with it.",
            )
            ui.metric_with_note(
                cols[1],
                f"Lumbar CSF at {values['it_ug']:g} µg/day",
                f"{fmt.fixed(csf['this patient'])} ng/mL",
                f"adult: {fmt.fixed(csf['adult 70 kg'])} ng/mL",
                help="Average over the second day of a continuous infusion; adult: 70 kg, normal kidneys.",
            )
            ui.metric_with_note(
                cols[2],
                "Plasma half-life",
                f"{child_t:.1f} h",
                f"adult: {adult_t:.1f} h",
                help="This patient with the kidney function chosen above; adult: 70 kg, normal kidneys. "
                "He 2014: oral clearance 0.273 L/h per kg in children 2-17 years.",
            )
            st.markdown(
                "The same µg/day goes into less spinal fluid, so the CSF concentration is higher - one reason "
                "children's pump doses are usually lower (on average 100-300 µg/day under 12 years). Their "
                "oral clearance per kilogram is higher than an adult's, so the same mg per kilogram gives lower "
                "plasma levels."
            )
            if not present:
                ui.chart(
                    csf_figure(tables, ui.style(), title=f"Lumbar CSF, {values['it_ug']:g} µg/day continuous"),
                    key="pop_csf_child",
                    alt="Lumbar CSF concentration over two days, this child vs an adult",
                )
        st.caption("Simplification: the spread between children uses the adult variability values.")
