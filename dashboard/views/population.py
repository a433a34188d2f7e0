"""Population: one curve hides the spread - who gets sedated, whose pump dose is too weak or too strong,
who is at risk when the kidneys fail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import links, ui
from dashboard import population_cache as cache
from dashboard.charts.style import ROUTE_NAMES
from dashboard.exports import export_buttons
from dashboard.figures.population import band_figure, csf_figure, equivalence_figure, renal_figure
from dashboard.population_scenarios import (
    ADULT_REFERENCE,
    OUTPUTS,
    band_name,
    csf_comparison_scenarios,
    equivalence_scenario,
    output_name,
    patient_for,
    population_scenarios,
)
from dashboard.state import Field, Schema
from dashboard.widgets import widget
from pkmodels import columns as col
from pkmodels.covariates import CKD_STAGES
from pkmodels.model import individual_params, summarize
from pkmodels.parameters import spec
from pkmodels.population import (
    FRACTION_MARKED_SEDATION,
    FRACTION_PLASMA_IN_USUAL_RANGE,
    FRACTION_RELIEF_1_POINT,
    FRACTION_SEVERE_WITHDRAWAL,
    N_MAX,
    N_MIN,
)
from pkmodels.renal import terminal_half_life_h
from pkmodels.thresholds import MAX_STUDIED_MG_PER_DAY, OVERDOSE_PLASMA_NG_PER_ML

STAGE_NAMES = {"normal": "Normal", "mild": "Mild", "moderate": "Moderate", "severe": "Severe"}
STAGE_LABELS = {k: f"{STAGE_NAMES.get(k, k)} ({s.crcl_range})" for k, s in CKD_STAGES.items()}

SCHEMA = Schema(
    "pop",
    (
        Field(
            "n",
            300,
            "Simulated patients",
            "int",
            N_MIN,
            N_MAX,
            50,
            help="How many virtual patients. More patients give smoother bands but take longer (1000: about a "
            "second per change).",
        ),
        Field(
            "seed",
            1,
            "Which patients (random seed)",
            "int",
            0,
            999,
            1,
            help="The same seed and size give the same virtual patients, so a shared link shows the same people. "
            "A larger size only adds patients.",
        ),
        Field(
            "route",
            "both",
            "Route",
            "choice",
            choices=("oral", "intrathecal", "both"),
            labels={"oral": "Oral", "intrathecal": "Intrathecal", "both": "Both, side by side"},
        ),
        Field(
            "oral_mg",
            20.0,
            "Oral dose per intake (mg, 3 times a day)",
            "float",
            2.5,
            100.0,
            2.5,
            help="Label: start 5 mg three times a day; usual 40-80 mg/day; maximum 80 mg/day (US).",
        ),
        Field(
            "it_ug",
            400.0,
            "Intrathecal dose (µg/day, continuous)",
            "float",
            25.0,
            2000.0,
            25.0,
            help="Spinal origin: usually 300-800 µg/day; cerebral origin 90-700 µg/day.",
        ),
        Field(
            "days",
            7,
            "Days of therapy",
            "int",
            1,
            28,
            1,
            help="Each population is also stopped abruptly at the end of this time (for the withdrawal numbers).",
        ),
        Field(
            "ckd",
            "normal",
            "Kidney function (creatinine clearance)",
            "choice",
            choices=tuple(CKD_STAGES),
            labels=STAGE_LABELS,
            help="Groups of Vlavonou 2014. Renal clearance of baclofen is about equal to creatinine clearance.",
        ),
        Field(
            "age",
            40,
            "Age (years)",
            "int",
            2,
            100,
            1,
            help="Below 18 years: paediatric clearance and volumes (He 2014, children 2-17 y) and a smaller CSF.",
        ),
        Field("weight", 70.0, "Body weight (kg)", "float", 10.0, 150.0, 1.0),
        Field(
            "eq_ug",
            100.0,
            "Intrathecal dose to match (µg/day)",
            "float",
            10.0,
            1200.0,
            10.0,
            help="The explorer finds the oral daily dose (3 intakes) with the same long-term spinal relief.",
        ),
    ),
)

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


def _draw_other_patients() -> None:
    v = SCHEMA.values(st)
    SCHEMA.set(st, seed=(int(v["seed"]) + 1) % 1000)


def _set_patient(age: int, weight: float) -> None:
    SCHEMA.set(st, age=age, weight=weight)


def _cells(count: int) -> list:
    """Columns for ``count`` metrics: one row on a laptop, rows of two on a projector (big numbers)."""
    per_row = 2 if ui.presentation() else count
    cells: list = []
    for _ in range(0, count, per_row):
        cells += st.columns(per_row)
    return cells[:count]


# ------------------------------------------------------------------------------------------- page
# (format functions of widgets live in an importable module: session state must stay picklable)

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
therapy = {route: r[0] for route, r in runs.items()}
stopped = {route: r[1] for route, r in runs.items()}
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


# --------------------------------------------------------------------------------- 2. bands
@st.fragment
def bands_section(therapy: dict, stopped: dict, headings: dict, n: int) -> None:
    """Display choices (which outputs, which bands) rerun only this section: no new simulation."""
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
            cv_csf = spec("csf_clearance_ml_per_h").cv_percent
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


if runs:
    bands_section(therapy, stopped, headings, n)


# ------------------------------------------------------------------------------ 3. fractions
if runs:
    with ui.panel("Who is affected"):
        st.subheader("Who is affected")
        st.caption(f"Shares of the {n} simulated patients (the same people on each route).")
        for route in therapy:
            colour = "orange" if route == "oral" else "blue"
            st.markdown(f"**:{colour}[{headings[route]}]**")
            cols = _cells(len(FRACTIONS))
            for where, (label, key, note) in zip(cols, FRACTIONS, strict=True):
                source = stopped[route] if key == FRACTION_SEVERE_WITHDRAWAL else therapy[route]
                f = source.fractions[key]
                where.metric(
                    label,
                    fmt.share(f),
                    delta=fmt.patients(f, n),
                    delta_color="off",
                    delta_arrow="off",
                    help=f"{key.capitalize()}: {fmt.patients(f, n)}. {note}",
                )


# ----------------------------------------------------------------------------- 4. covariates
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
    cols = _cells(3)
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

with ui.panel("Children"):
    st.subheader("Children: smaller bodies, smaller spinal fluid")
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
        cols = _cells(3)
        cols[0].metric(
            "CSF volume vs an adult",
            f"{patient.csf_scale:.2f}x",
            help="Teaching assumption: (weight / 70 kg)^0.5, at least 0.25 (infant CSF 30-50 mL vs "
            "adult about 150 mL). CSF flows scale with it.",
        )
        cols[1].metric(
            f"Lumbar CSF at {values['it_ug']:g} µg/day",
            f"{fmt.fixed(csf['this patient'])} ng/mL",
            delta=f"adult: {fmt.fixed(csf['adult 70 kg'])} ng/mL",
            delta_color="off",
            delta_arrow="off",
            help="Average over the second day of a continuous infusion; adult: 70 kg, normal kidneys.",
        )
        cols[2].metric(
            "Plasma half-life",
            f"{child_t:.1f} h",
            delta=f"adult: {adult_t:.1f} h",
            delta_color="off",
            delta_arrow="off",
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


# ------------------------------------------------------------------------ 5. dose equivalence
@st.fragment
def equivalence_section() -> None:
    """The explorer's own control reruns only this section."""
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
        cols = _cells(4)
        cols[0].metric(
            "Pump relief (typical)",
            f"{fmt.fixed(typ['it_relief_ashworth'], 1)} points",
            help="Ashworth points of relief at long-term steady state.",
        )
        if typ["oral_mg_per_day"] is None:
            cols[1].metric("Oral dose for the same relief", "none", help=typ["message"])
        else:
            cols[1].metric(
                "Oral dose for the same relief",
                f"{fmt.fixed(typ['oral_mg_per_day'])} mg/day",
                delta=f"{fmt.fixed(typ['oral_mg_per_dose'])} mg 3 times a day",
                delta_color="off",
                delta_arrow="off",
                help=typ["message"],
            )
        cols[2].metric(
            "Oral : intrathecal dose",
            f"{fmt.fixed(typ['ratio_oral_to_it'])} : 1",
            delta=f"population {fmt.fixed(pop.ratio_oral_to_it[5])}-{fmt.fixed(pop.ratio_oral_to_it[95])}",
            delta_color="off",
            delta_arrow="off",
            help="mg converted to µg. Population: 5th to 95th percentile of the simulated patients for "
            "whom some oral dose matches. Labels: intrathecal doses are 'at least 100 times' lower.",
        )
        cols[3].metric(
            "At that oral dose",
            f"{fmt.fixed(typ['plasma_cavg_ng_per_ml'])} ng/mL",
            delta=f"sedation: {typ['sedation_peak_stage'] or '-'}",
            delta_color="off",
            delta_arrow="off",
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


equivalence_section()


# ----------------------------------------------------------------------------- downloads, links
if not present:
    with ui.panel("Downloads"), st.expander("Download these runs (JSON, CSV, SBML) and the bands (CSV)"):
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
