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
from pkmodels.calibration import CALIBRATION
from pkmodels.checks import analytic_checks
from pkmodels.observations import OBSERVATIONS
from pkmodels.parameters import parameter_table
from pkmodels.pd import SEDATION_STAGES, SEDATION_THRESHOLDS, WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS
from pkmodels.scenario import Scenario
from pkmodels.validation import evaluate

SCHEMA = Schema("model", ())  # no URL settings of its own; presentation mode still lives in the URL


@st.cache_data(show_spinner="Running the validation scenarios (calibration and independent)...")
def target_rows() -> list[dict[str, Any]]:
    return evaluate((*CALIBRATION, *OBSERVATIONS))


@st.cache_data(show_spinner="Checking the engine against closed forms and solve_ivp...")
def check_rows() -> list[dict[str, Any]]:
    return analytic_checks()


def stage_text(names: tuple[str, ...], thresholds: tuple[float, ...]) -> str:
    return ", ".join(f"{n} from {t:g}" for n, t in zip(names[1:], thresholds, strict=True))


def draw_structure(present: bool) -> None:
    with ui.panel("Model diagram"):
        st.graphviz_chart(MODEL_DOT, width="stretch", alt="Compartment diagram of the baclofen teaching model")
        st.caption(
            "Orange: where oral drug travels; blue: the spinal fluid, a chain of segments from the skull to "
            "the sacrum, where the catheter tip puts intrathecal drug; dashed: small contributions; dotted: "
            "what drives adaptation. Oral drug reaches the spinal fluid only by the slow entry from plasma "
            "(about 1/8.5 of the plasma level); pump drug spreads from the tip and falls off with distance, "
            "so the tip level decides how much reaches the legs' and the arms' cord."
        )
    with ui.panel("Equations"):
        st.markdown(
            "**Pharmacokinetics: a linear system.** Amounts in µg, volumes in L, so amount ÷ volume reads "
            "in ng/mL; the effect sites (the legs' and the arms' cord, the brain) are concentrations that "
            "follow their drivers."
        )
        st.latex(EQ_SYSTEM)
        if not present:
            st.latex(EQ_STATE)
            st.latex(EQ_RATES)
            st.markdown(
                "The spinal CSF is a chain of eight segments along the 61-cm canal. Two rates are not "
                "measured in people and are derived: the mixing (D) and the spinal outflow (CL_spinal) that "
                "together give the monographs' apparent clearance (30 mL/h) and lumbar : cisternal 4 : 1. "
                "Every CSF compartment gains drug from plasma so that it sits at r_CSF × plasma when no drug "
                "is given into the spine."
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
            "**Pharmacodynamics, per site** (legs' cord, arms' cord: relief; brain: sedation): Hill "
            "stimulation, two adaptations (slow desensitisation, fast counter-regulation), net tone, "
            "withdrawal drive and two symptom stages."
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


KINDS = {
    "independent": (
        "Independent check",
        "Published observations the model was **never fitted to**, chosen after the parameters were set. "
        "This is the honest test: a miss here is a place where the model's physiology falls short.",
    ),
    "calibration": (
        "Calibration",
        "Published values the parameters were **chosen to meet** (fitted) or the calibrated model was checked "
        "against. Passing them shows the model reproduces what it was built on, nothing more.",
    ),
}


def _miss_reason(row: dict[str, Any]) -> str:
    return row["expected_miss"] or "not explained yet"


def _count_line(rows: list[dict[str, Any]]) -> tuple[int, int, int]:
    return sum(r["passed"] for r in rows), sum(not r["passed"] for r in rows), sum(r["role"] == "fitted" for r in rows)


@st.fragment
def draw_validation(present: bool) -> None:
    rows = target_rows()
    with ui.panel("Model vs published values"):
        st.markdown(
            "Two tables, kept apart: what the model was **fitted to** and what it is only **checked against**. "
            "Each row is one published number. The **blue bar** is the published range, the **black tick** the "
            "published value, the **dot** the model, all divided by the published value (1 = as published). "
            "Misses are listed with the reason, never hidden."
        )
        by_title = {v[0]: k for k, v in KINDS.items()}  # the options are the titles (format_func would not pickle)
        picked = st.segmented_control(
            "Table", list(by_title), default=KINDS["independent"][0], key="model_kind", required=True
        )
        kind = by_title.get(picked or "", "independent")
        title, intro = KINDS[kind]
        mine = [r for r in rows if r["kind"] == kind]
        groups = list(dict.fromkeys(r["group"] for r in mine))
        if present:  # one group at a time fits a projector
            group = st.pills("Group", groups, default=groups[0], key=f"model_group_present_{kind}")
            chosen = [group or groups[0]]
        else:
            chosen = (
                st.pills("Groups", groups, default=groups, selection_mode="multi", key=f"model_groups_{kind}") or groups
            )
        shown = [r for r in mine if r["group"] in chosen]
        n_pass, n_miss, n_fit = _count_line(mine)
        cols = st.columns(3)
        cols[0].metric(
            f"{title}: inside the published range",
            f"{n_pass} of {len(mine)}",
            help="Model value inside the published range (two-sided; a one-sided source gets a second edge a "
            "factor of ten away, so a many-fold miss still fails).",
        )
        cols[1].metric("Missed", n_miss)
        if kind == "calibration":
            cols[2].metric("Fitted to", n_fit, help="Rows the parameters were chosen to meet; the rest were checked.")
        else:
            cols[2].metric("Published sources", len({s for r in mine for s in r["source"].split(", ")}))
        if not present:
            st.markdown(intro)
        ui.chart(
            validation_figure(shown, ui.style()),
            key=f"model_validation_chart_{kind}",
            alt=f"{title}: each row's published range and value and the model's value; "
            f"{n_pass} of {len(mine)} inside, {n_miss} missed",
        )
        misses = [r for r in mine if not r["passed"]]
        if misses and not present:
            st.markdown(f"**Missed ({len(misses)}), and why**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Observation": r["name"],
                            "Published": r["published"],
                            "Model": f"{r['model']:.3g} {r['unit']}",
                            "Accepted": f"{range_text(r)} {r['unit']}",
                            "Why the model misses": _miss_reason(r),
                        }
                        for r in misses
                    ]
                ),
                hide_index=True,
                width="stretch",
                column_config={"Why the model misses": st.column_config.TextColumn(width="large")},
            )
        if not present:
            with st.expander("Every row as a table (published, model, source, how measured)"):
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                "Group": r["group"],
                                "Row": r["name"],
                                "Role": r["role"],
                                "Published": r["published"],
                                "Accepted": f"{range_text(r)} {r['unit']}",
                                "Model": f"{r['model']:.4g} {r['unit']}",
                                "Verdict": r["verdict"],
                                "Who was studied": r["population"],
                                "Tag": r["tag"],
                                "How the model value is measured": r["how"],
                                "Scenario": r["scenarios"],
                                "Source": r["references"],
                            }
                            for r in shown
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                )
            st.caption(
                "Measured as the test suite measures them (tests/pkmodels/test_validation.py, one test per row; "
                "known misses are expected failures, so a row that starts passing is reported). Passing does not "
                "make the model a clinical tool."
            )


def validation_scenarios() -> dict[str, Scenario]:
    """Every scenario the two tables simulate, by title (for the downloads)."""
    out: dict[str, Scenario] = {}
    for t in (*CALIBRATION, *OBSERVATIONS):
        for sc in t.scenarios:
            out.setdefault(sc.title, sc)
    return out


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
            "All rows, calibration and independent (CSV)",
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
