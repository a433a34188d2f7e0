"""Model & validation: the diagram, the equations, the parameters with sources and assumptions, the model
against the published values it was calibrated to, live checks of the exact engine, downloads, and how to
reproduce every number from the command line."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.exports import export_buttons
from dashboard.figures.validation import range_text, validation_figure
from dashboard.state import Schema
from pkmodels.assumptions import model_assumptions
from pkmodels.checks import analytic_checks
from pkmodels.parameters import parameter_table
from pkmodels.pd import SEDATION_STAGES, SEDATION_THRESHOLDS, WITHDRAWAL_STAGES, WITHDRAWAL_THRESHOLDS
from pkmodels.validation import GROUPS, evaluate, validation_scenarios

SCHEMA = Schema("model", ())  # no URL settings of its own; presentation mode still lives in the URL

MODEL_DOT = """digraph model {
  rankdir=TB; nodesep=0.35; ranksep=0.5;
  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12, color="#555555", fillcolor="#F3F5F8"];
  edge [color="#555555", fontname="Helvetica", fontsize=10];
  oral [label="Oral dose", shape=plaintext, style="", fontcolor="#B07800"];
  gut [label="Gut", fillcolor="#FBEBC8", color="#E69F00"];
  plasma [label="Plasma (Vc)", fillcolor="#FBEBC8", color="#E69F00"];
  periph [label="Peripheral (Vp)"];
  elim [label="Eliminated", shape=plaintext, style=""];
  it [label="Intrathecal\\nbolus / pump", shape=plaintext, style="", fontcolor="#0072B2"];
  lumbar [label="Lumbar CSF (V_L)", fillcolor="#D6E9F5", color="#0072B2"];
  cranial [label="Cranial CSF (V_C)", fillcolor="#D6E9F5", color="#0072B2"];
  spinal [label="Spinal effect site", fillcolor="#D6E9F5", color="#0072B2"];
  brain [label="Brain effect site", fillcolor="#F8DCCB", color="#D55E00"];
  comed [label="Co-medication\\n(alcohol, opioid, ...)", shape=plaintext, style=""];
  relief [label="Spasticity relief", shape=plaintext, style=""];
  sed [label="Sedation,\\nCNS depression", shape=plaintext, style=""];
  adapt [label="Adaptation per site\\n(tolerance)"];
  wd [label="Withdrawal when\\nthe drug falls away", shape=plaintext, style="", fontcolor="#D55E00"];
  {rank=same; oral; gut; plasma; periph}
  {rank=same; it; lumbar; cranial; elim}
  {rank=same; spinal; brain; comed}
  relief -> sed [style=invis];
  {rank=same; relief; sed; adapt; wd}
  oral -> gut;
  gut -> plasma [label="F·ka"];
  cranial -> elim [style=invis];
  plasma -> periph [label="Q", dir=both];
  plasma -> elim [label="CL: renal (∝ CrCL)\\n+ non-renal"];
  plasma -> lumbar [dir=both, label="slow entry ↓\\ndrains to blood ↑"];
  plasma -> cranial [dir=both, label="slow entry ↓\\nbulk flow to blood ↑"];
  it -> lumbar;
  lumbar -> cranial [label="mixing Q_mix", dir=both];
  lumbar -> spinal [label="ke0,sp"];
  plasma -> brain [label="mainly"];
  cranial -> brain [label="a little", style=dashed];
  spinal -> brain [style=invis]; brain -> comed [dir=back, style=dashed];
  spinal -> relief; brain -> sed;
  spinal -> adapt [style=dotted]; brain -> adapt [style=dotted];
  adapt -> wd;
}"""

EQ_SYSTEM = r"""\frac{dx}{dt} = A\,x + u(t)"""

EQ_STATE = r"""x = \big(A_{gut},\ A_c,\ A_p,\ A_L,\ A_C,\ A_{elim},\ C_{e,sp},\ C_{e,br}\big)^{\mathsf T}"""

EQ_RATES = r"""\begin{aligned}
\dot A_{gut} &= -k_a A_{gut}\\
\dot A_c &= F k_a A_{gut} - \frac{CL + Q + CL_{in,L} + CL_{in,C}}{V_c}\,A_c + \frac{Q}{V_p}A_p
            + \frac{CL_L}{V_L}A_L + \frac{CL_C}{V_C}A_C\\
\dot A_p &= \frac{Q}{V_c}A_c - \frac{Q}{V_p}A_p\\
\dot A_L &= \frac{CL_{in,L}}{V_c}A_c - \frac{CL_L + Q_{mix}}{V_L}A_L + \frac{Q_{mix}}{V_C}A_C + R_{IT}(t)\\
\dot A_C &= \frac{CL_{in,C}}{V_c}A_c + \frac{Q_{mix}}{V_L}A_L - \frac{CL_C + Q_{mix}}{V_C}A_C\\
\dot A_{elim} &= (1-F)\,k_a A_{gut} + \frac{CL}{V_c}A_c\\
\dot C_{e,sp} &= k_{e0,sp}\Big(\frac{A_L}{V_L} - C_{e,sp}\Big)\\
\dot C_{e,br} &= k_{e0,br}\Big(\rho_{br}\frac{A_c}{V_c} + w\,\frac{A_C}{V_C} - C_{e,br}\Big)
\end{aligned}"""

EQ_FLOWS = r"""\begin{aligned}
CL &= \theta_R\cdot CrCL + CL_{NR} &\quad CL_C &= \text{CSF bulk flow} &\quad
Q_{mix} &= \frac{CL_C}{r_{LC} - 1}\\
CL_L &= \max\!\Big(CL_{app} - \frac{CL_C}{r_{LC}},\ 0.01\,CL_{app}\Big) &\quad
CL_{in,L} &= r_{CSF}\,CL_L &\quad CL_{in,C} &= r_{CSF}\,CL_C
\end{aligned}"""

EQ_EXACT = r"""x(t+d) = \Phi(d)\,x(t) + \Gamma(d)\,u"""

EQ_PROPAGATORS = r"""\Phi(d) = e^{A d},\qquad \Gamma(d) = \int_0^d e^{A s}\,ds"""

EQ_AUGMENTED = r"""\exp\!\begin{pmatrix} A d & I d\\ 0 & 0\end{pmatrix}
= \begin{pmatrix}\Phi(d) & \Gamma(d)\\ 0 & I\end{pmatrix}
\qquad\text{(one exponential of the augmented matrix gives both)}"""

EQ_BOLUS = r"""x(t_k^+) = x(t_k^-) + b_k \qquad(\text{oral dose into } A_{gut},\ \text{intrathecal bolus into } A_L)"""

EQ_PD = r"""\begin{aligned}
S_j &= \frac{C_{e,j}^{\,n_j}}{EC_{50,j}^{\,n_j} + C_{e,j}^{\,n_j}},\quad j\in\{sp,\ br\} &
\frac{dA_j}{dt} &= \frac{S_j - A_j}{\tau_{adapt}}\\
N_j &= S_j - g\,A_j \quad(\text{net tone}) & D_j &= \max(g\,A_j - S_j,\ 0)\quad(\text{withdrawal drive})\\
\frac{dY_{1,j}}{dt} &= \frac{D_j - Y_{1,j}}{\tau_s} & \frac{dY_{2,j}}{dt} &= \frac{Y_{1,j} - Y_{2,j}}{\tau_s}
\end{aligned}"""

EQ_READOUTS = r"""\begin{aligned}
\text{relief} &= B\cdot E_{frac}\cdot \operatorname{clip}(N_{sp},\,0,\,1)\quad(\text{Ashworth points; } B =
\text{baseline score})\\
\text{sedation} &= \operatorname{clip}\big(S_{br}^{tot} - g\,A_{br},\,0,\,1\big),\qquad
S_{br}^{tot} = \frac{(C_{e,br} + c_{eq}\,i)^{n_{br}}}{EC_{50,br}^{\,n_{br}} + (C_{e,br} + c_{eq}\,i)^{n_{br}}}\\
W &= \max\big(w_{sp}\,Y_{2,sp},\ w_{sup}\,Y_{2,br}\big)\quad(\text{withdrawal index})
\end{aligned}"""

SYMBOLS = [
    ("k_a, F", "ka_per_h, f_oral"),
    ("V_c, V_p, Q", "vc_l, vp_l, q_l_per_h"),
    ("θ_R, CL_NR", "renal_cl_per_crcl (CrCL in mL/min × 0.06 L/h), cl_nonrenal_l_per_h"),
    ("CL_app, r_LC, CL_C", "csf_clearance_ml_per_h, lumbar_cranial_ratio, csf_bulk_flow_ml_per_h"),
    ("V_L, V_C, r_CSF", "v_csf_lumbar_ml, v_csf_cranial_ml, csf_plasma_ratio"),
    ("k_e0,sp, k_e0,br, ρ_br, w", "ke0_spinal_per_h, ke0_brain_per_h, brain_plasma_ratio, brain_csf_weight"),
    ("EC50, n", "ec50_spinal_ng_per_ml, hill_spinal; ec50_sedation_ng_per_ml, hill_sedation"),
    ("τ_adapt, g, τ_s", "tau_adapt_days, adaptation_gain, tau_symptom_h"),
    ("E_frac, w_sp, w_sup", "relief_max_fraction, withdrawal_weight_spinal, withdrawal_weight_supraspinal"),
    ("c_eq, i", "co-medication equivalent (ng/mL at the brain effect site) and intensity (1 = usual dose)"),
]

PARAM_VIEWS = ("All parameters", "Teaching assumptions only", "From data only")
TAGS = (
    "R read in the source · S secondary source · D derived from published values · NV not verified · "
    "A teaching assumption"
)

CLI = """# the parameter table with units, sources, evidence tags and every assumption (add --json)
python -m pkmodels params

# run a downloaded scenario: result table (CSV) + summary metrics (JSON)
python -m pkmodels run scenario.json --out result.csv

# the oral daily dose whose long-term spinal relief matches an intrathecal dose
python -m pkmodels equivalent --it-ug-per-day 25

# the model with a scenario's parameters and dosing as SBML Level 3 (for other simulators)
python -m pkmodels sbml scenario.json --out model.xml

# the checks on this page: calibration targets and analytic solutions
python -m pytest tests/pkmodels/test_validation.py tests/pkmodels/test_calibration.py \\
                 tests/pkmodels/test_engine.py
"""


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
