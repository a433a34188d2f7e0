"""The fixed texts of the Model & validation page: the compartment diagram (Graphviz DOT), the equations
(LaTeX), the symbols and the parameter names they stand for, the evidence tags and the commands that reproduce
the page."""

from __future__ import annotations

__all__ = [
    "CLI",
    "EQ_AUGMENTED",
    "EQ_BOLUS",
    "EQ_EXACT",
    "EQ_FLOWS",
    "EQ_PD",
    "EQ_PROPAGATORS",
    "EQ_RATES",
    "EQ_READOUTS",
    "EQ_STATE",
    "EQ_SYSTEM",
    "MODEL_DOT",
    "PARAM_VIEWS",
    "SYMBOLS",
    "TAGS",
]

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
