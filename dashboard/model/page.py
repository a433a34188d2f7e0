"""Model & validation: the diagram, the equations, the parameters with sources and assumptions, the model
against the published values it was calibrated to, live checks of the exact engine, downloads, and how to
reproduce every number from the command line."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.exports import export_buttons
from dashboard.model.figures import range_text, validation_figure
from dashboard.model.text import (
    CLI,
    EQ_AUGMENTED,
    EQ_BOLUS,
    EQ_EXACT,
    EQ_FLOWS,
    EQ_PD,
    EQ_PROPAGATORS,
    EQ_RATES,
    EQ_READOUTS,
    EQ_STATE,
    EQ_SYSTEM,
    MODEL_DOT,
    PARAM_VIEWS,
    SYMBOLS,
    TAGS,
)
from dashboard.state import Schema
from pkmodels.assumptions import model_assumptions
from pkmodels.checks import analytic_checks
from pkmodels.parameters import parameter_table
from pkmodels.pd import SEDATION_STAGES, SEDATION_THRESHOLDS, WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS
from pkmodels.validation import GROUPS, evaluate, validation_scenarios

SCHEMA = Schema("model", ())  # no URL settings of its own; presentation mode still lives in the URL


@st.cache_data(show_spinner="Running the calibration scenarios...")
def target_rows() -> list[dict[str, Any]]:
    return evaluate()


@st.cache_data(show_spinner="Checking the engine against closed forms and solve_ivp...")
def check_rows() -> list[dict[str, Any]]:
    return analytic_checks()


def stage_text(names: tuple[str, ...], thresholds: tuple[float, ...]) -> str:
    return ", ".join(f"{n} from {t:g}" for n, t in zip(names[1:], thresholds, strict=True))


def draw_structure(present: bool) -> None:
    with ui.panel("Model diagram"):
        st.graphviz_chart(MODEL_DOT, width="stretch", alt="Compartment diagram of the baclofen teaching model")
        st.caption(
            "Orange: where oral drug travels; blue: the spinal fluid, where intrathecal drug is put; dashed: "
            "small contributions; dotted: what drives adaptation. Oral drug reaches the spinal fluid only by "
            "the slow entry from plasma, which is why spinal fluid sees about 1/8.5 of the plasma level after "
            "tablets."
        )
    with ui.panel("Equations"):
        st.markdown(
            "**Pharmacokinetics: a linear system.** Amounts in µg, volumes in L, so amount ÷ volume reads "
            "in ng/mL; the two effect sites are concentrations that follow their drivers."
        )
        st.latex(EQ_SYSTEM)
        if not present:
            st.latex(EQ_STATE)
            st.latex(EQ_RATES)
            st.markdown(
                "The CSF flows come from three measured quantities (apparent lumbar clearance, "
                "lumbar : cranial ratio, CSF bulk flow); the entry clearances put both CSF pools at "
                "r_CSF × plasma at oral steady state."
            )
            st.latex(EQ_FLOWS)
        st.markdown(
            "**Exact solution.** Between events the input is constant, so each interval is solved by one "
            "matrix exponential (no ODE integrator); boluses are jumps."
        )
        st.latex(EQ_EXACT)
        st.latex(EQ_PROPAGATORS)
        if present:
            return
        st.latex(EQ_AUGMENTED)
        st.latex(EQ_BOLUS)
        st.markdown(
            "**Pharmacodynamics, per site** (spinal *sp*: relief; brain *br*: sedation): Hill stimulation, "
            "slow adaptation, net tone, withdrawal drive and two symptom stages."
        )
        st.latex(EQ_PD)
        st.latex(EQ_READOUTS)
        st.markdown(
            f"Stages: sedation {stage_text(SEDATION_STAGES, SEDATION_THRESHOLDS)}; withdrawal "
            f"{stage_text(WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS)}. The adaptation and symptom filters "
            "are solved exactly for stimulation that is linear between grid points."
        )
        with st.expander("Symbols and parameter names"):
            st.dataframe(
                pd.DataFrame(SYMBOLS, columns=["Symbol", "Parameter (table below)"]), hide_index=True, width="stretch"
            )


@st.fragment
def draw_parameters() -> None:
    with ui.panel("Parameter table"):
        show = st.segmented_control("Show", PARAM_VIEWS, default=PARAM_VIEWS[0], key="model_param_view", required=True)
        table = pd.DataFrame(parameter_table())
        if show == PARAM_VIEWS[1]:
            table = table[table["assumption"]]
        elif show == PARAM_VIEWS[2]:
            table = table[~table["assumption"]]
        st.caption(
            f"{len(table)} of {len(parameter_table())} parameters. Typical values for a 70-kg adult with "
            f"creatinine clearance 100 mL/min. Evidence tags: {TAGS}. Variability: between-patient CV "
            "(log-normal) used by the Population page."
        )
        st.dataframe(
            table[
                [
                    "description",
                    "name",
                    "value",
                    "unit",
                    "tag",
                    "assumption",
                    "cv_percent",
                    "range",
                    "source",
                    "reference",
                    "note",
                ]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "description": st.column_config.TextColumn("Parameter", width="medium"),
                "name": "Name",
                "value": st.column_config.NumberColumn("Value", format="%.4g"),
                "unit": "Unit",
                "tag": "Tag",
                "assumption": st.column_config.CheckboxColumn("Assumption"),
                "cv_percent": st.column_config.NumberColumn("CV %", format="%.0f"),
                "range": "Allowed range",
                "source": "Source",
                "reference": st.column_config.TextColumn("Reference", width="large"),
                "note": st.column_config.TextColumn("Why this value", width="large"),
            },
        )
    with ui.panel("Assumptions"):
        st.markdown(
            "**Every assumption, with its reason.** Where no published value exists, a number was chosen "
            "to reproduce the anchors named here. The parameters among them can be overridden in a "
            "scenario file (`parameters`) to see how much a conclusion depends on them."
        )
        st.dataframe(
            pd.DataFrame(model_assumptions()),
            hide_index=True,
            width="stretch",
            column_config={
                "name": "Assumption",
                "value": "Value",
                "reason": st.column_config.TextColumn("Reason", width="large"),
            },
        )


@st.fragment
def draw_validation(present: bool) -> None:
    with ui.panel("Model vs published values"):
        rows = target_rows()
        if present:  # one group at a time fits a projector
            group = st.pills("Group", GROUPS, default=GROUPS[1], key="model_group_present")
            groups = [group or GROUPS[1]]
        else:
            groups = st.pills(
                "Groups", GROUPS, default=list(GROUPS), selection_mode="multi", key="model_groups"
            ) or list(GROUPS)
        shown = [r for r in rows if r["group"] in groups]
        n_pass = sum(r["passed"] for r in shown)
        cols = st.columns(3)
        cols[0].metric(
            "Targets met",
            f"{n_pass} of {len(shown)}",
            help="Model value inside the published range (or on the published side of a bound).",
        )
        cols[1].metric("Published sources", len({s for r in shown for s in r["source"].split(", ")}))
        cols[2].metric("Scenarios simulated", len({s for r in shown for s in r["scenarios"].split(" | ")}))
        st.markdown(
            "Each row is one published number the model was tuned or checked against. The **blue bar** is "
            "the published range, the **black tick** the published value, the **dot** the model. "
            "Everything is divided by the published value, so 1 means 'exactly as published' whatever the "
            "unit. Hover a row for the source."
        )
        ui.chart(
            validation_figure(shown, ui.style()),
            key="model_validation_chart",
            alt="Each calibration target: published range and value, and the model's value",
        )
        if not present:
            st.caption(
                "Values measured as the test suite measures them (tests/pkmodels/test_calibration.py and "
                "test_pd.py). Passing shows the model reproduces what it was built to reproduce; it does not "
                "make it a clinical tool."
            )
            with st.expander("The targets as a table (published, model, source, how measured)"):
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                "Group": r["group"],
                                "Target": r["name"],
                                "Published": r["published"],
                                "Accepted": f"{range_text(r)} {r['unit']}",
                                "Model": f"{r['model']:.4g} {r['unit']}",
                                "Inside": r["passed"],
                                "How the model value is measured": r["how"],
                                "Scenario": r["scenarios"],
                                "Source": r["references"],
                            }
                            for r in shown
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                    column_config={"Inside": st.column_config.CheckboxColumn("Inside")},
                )


def draw_checks(present: bool) -> None:
    with ui.panel("Engine checks"):
        rows = check_rows()
        st.markdown(
            "The exact engine solved again by independent means, live on this server: closed-form "
            "solutions where they exist, and a general ODE integrator (scipy `solve_ivp`, LSODA) on a "
            "3-day scenario with both routes, a bolus on top of the pump and a pump stop."
        )
        if present:
            cols = st.columns(2)
            cols[0].metric("Engine checks within tolerance", f"{sum(r['passed'] for r in rows)} of {len(rows)}")
            pk = next(r for r in rows if r["check"] == "PK vs solve_ivp")
            cols[1].metric("Engine vs solve_ivp (max rel. error)", f"{pk['error']:.0e}")
        else:
            cols = st.columns(len(rows))
            for col, r in zip(cols, rows, strict=True):
                col.metric(
                    r["check"],
                    f"{r['error']:.1e}",
                    help=f"{r['compares']}. {r['measure']}; tolerance {r['tolerance']:.0e}.",
                )
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Check": r["check"],
                            "Compares": r["compares"],
                            "Measure": r["measure"],
                            "Error": f"{r['error']:.2e}",
                            "Tolerance": f"{r['tolerance']:.0e}",
                            "Passed": r["passed"],
                        }
                        for r in rows
                    ]
                ),
                hide_index=True,
                width="stretch",
                column_config={"Passed": st.column_config.CheckboxColumn("Passed")},
            )
        failed = [r["check"] for r in rows if not r["passed"]]
        if failed:
            st.error("Check(s) above tolerance: " + ", ".join(failed), icon=":material/error:")
        else:
            st.success("All engine checks are within tolerance.", icon=":material/check_circle:")


@st.fragment
def draw_downloads() -> None:
    with ui.panel("Downloads"):
        scenarios = validation_scenarios()
        title = st.selectbox("Validation scenario", list(scenarios), key="model_export_pick")
        title = title or next(iter(scenarios))
        used_by = [r["name"] for r in target_rows() if title in r["scenarios"].split(" | ")]
        st.caption("Used by: " + ("; ".join(used_by) if used_by else "the engine checks (Engine checks tab)") + ".")
        export_buttons(scenarios[title], key="model_export")
        st.download_button(
            "All targets (CSV)",
            data=pd.DataFrame(target_rows()).to_csv(index=False),
            file_name="baclofen-validation-targets.csv",
            mime="text/csv",
            key="model_targets_csv",
            icon=":material/table:",
            on_click="ignore",
        )
    st.markdown(
        "**How to reproduce.** Every number on this page comes from the `pkmodels` library; from the repository root:"
    )
    st.code(CLI, language="bash")


ui.load_page_state(SCHEMA)
ui.save_page_state(SCHEMA)
present = ui.presentation()

st.title("Model & validation")
if not present:
    st.markdown(
        "How the teaching model is built, where every number comes from, and how well it reproduces "
        "what has been published. It is a simplified model with labelled assumptions: good for seeing why "
        "the routes differ, not for choosing a dose."
    )

if present:
    draw_structure(present=True)
    draw_validation(present=True)
    draw_checks(present=True)
else:
    tabs = st.tabs(
        [
            ":material/account_tree: Structure & equations",
            ":material/table: Parameters & assumptions",
            ":material/fact_check: Against published data",
            ":material/functions: Engine checks",
            ":material/download: Downloads & reproduce",
        ]
    )
    with tabs[0]:
        draw_structure(present=False)
    with tabs[1]:
        draw_parameters()
    with tabs[2]:
        draw_validation(present=False)
    with tabs[3]:
        draw_checks(present=False)
    with tabs[4]:
        draw_downloads()
