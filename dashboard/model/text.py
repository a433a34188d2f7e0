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
  rankdir=TB; nodesep=0.3; ranksep=0.45;
  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12, color="#555555", fillcolor="#F3F5F8"];
  edge [color="#555555", fontname="Helvetica", fontsize=10];
  oral [label="Oral dose", shape=plaintext, style="", fontcolor="#B07800"];
  held [label="Held back\\n(large ingestions)", fillcolor="#FBEBC8", color="#E69F00"];
  gut [label="Gut (absorption\\nwindow)", fillcolor="#FBEBC8", color="#E69F00"];
  plasma [label="Plasma (Vc)", fillcolor="#FBEBC8", color="#E69F00"];
  periph [label="Peripheral (Vp)"];
  elim [label="Eliminated\\n(kidneys ∝ CrCL, liver)", shape=plaintext, style=""];
  cranial [label="Cranial CSF", fillcolor="#D6E9F5", color="#0072B2"];
  seg1 [label="C1-C4", fillcolor="#D6E9F5", color="#0072B2"];
  seg2 [label="C5-T1", fillcolor="#D6E9F5", color="#0072B2"];
  segm [label="T2 … L3\\n(5 segments)", fillcolor="#D6E9F5", color="#0072B2"];
  seg8 [label="L4-S2", fillcolor="#D6E9F5", color="#0072B2"];
  it [label="Catheter tip\\n(any level L4-C2)", shape=plaintext, style="", fontcolor="#0072B2"];
  arms [label="Arms' cord (C5-C6)\\n3-step delay", fillcolor="#D6E9F5", color="#0072B2"];
  legs [label="Legs' cord (T12)\\n3-step delay", fillcolor="#D6E9F5", color="#0072B2"];
  brain [label="Brain (fast + slow)", fillcolor="#F8DCCB", color="#D55E00"];
  comed [label="Co-medication\\n(by mechanism)", shape=plaintext, style=""];
  relief [label="Relief: legs, arms", shape=plaintext, style=""];
  sed [label="Sedation, breathing,\\ncoordination", shape=plaintext, style=""];
  wd [label="Withdrawal when the\\ndrug falls away fast", shape=plaintext, style="", fontcolor="#D55E00"];
  {rank=same; oral; held; gut; plasma; periph}
  oral -> held [style=dashed, label="beyond 200 mg"];
  oral -> gut; held -> gut [label="slowly"];
  gut -> plasma [label="F·ka"];
  plasma -> periph [dir=both, label="Q"];
  plasma -> elim [label="CL"];
  plasma -> cranial [dir=both, style=dashed, label="slow entry / bulk flow out"];
  cranial -> seg1 [dir=both, label="mixing"];
  seg1 -> seg2 [dir=both]; seg2 -> segm [dir=both]; segm -> seg8 [dir=both];
  segm -> plasma [style=dashed, label="spinal outflow\\n(each segment)"];
  it -> segm [label="dose into the\\nsegments at the tip"];
  seg2 -> arms; segm -> legs;
  plasma -> brain [label="mainly"]; cranial -> brain [style=dashed, label="a little"];
  comed -> brain [style=dashed];
  arms -> relief; legs -> relief; brain -> sed;
  legs -> wd [style=dotted, label="adaptation"]; brain -> wd [style=dotted];
}"""

EQ_SYSTEM = r"""\frac{dx}{dt} = A\,x + B\,r(t)"""

EQ_STATE = r"""x = \big(A_{gut},\ A_{held},\ A_c,\ A_p,\ A_{cr},\ A_1,\dots,A_8,\ A_{elim},\
C_{legs}^{(1..3)},\ C_{arms}^{(1..3)},\ C_{br},\ C_{br,slow}\big)^{\mathsf T}"""

EQ_RATES = r"""\begin{aligned}
\dot A_{held} &= -\tfrac{\ln 2}{t_{1/2,held}}A_{held} \qquad
\dot A_{gut} = \tfrac{\ln 2}{t_{1/2,held}}A_{held} - k_a A_{gut}\\
\dot A_c &= F k_a A_{gut} - \frac{CL + Q}{V_c}A_c + \frac{Q}{V_p}A_p
  + \sum_{k\in\{cr,1..8\}}\Big(\frac{d_k}{V_k}A_k - r_{CSF}\frac{d_k}{V_c}A_c\Big)\\
\dot A_k &= q\Big(\frac{A_{k-1}}{V_{k-1}} - \frac{A_k}{V_k}\Big) + q\Big(\frac{A_{k+1}}{V_{k+1}} - \frac{A_k}{V_k}\Big)
  - \frac{d_k}{V_k}A_k + r_{CSF}\frac{d_k}{V_c}A_c + w_k R_{IT}(t)\\
\dot C^{(1)}_{legs} &= \tfrac{3}{T_{cord}}\big(C_{CSF}(x_{T12}) - C^{(1)}_{legs}\big),\quad
\dot C^{(i)}_{legs} = \tfrac{3}{T_{cord}}\big(C^{(i-1)}_{legs} - C^{(i)}_{legs}\big)\ \ (\text{arms: } x_{C5-6})\\
\dot C_{br} &= k_{e0,br}\Big(\rho_{br}\frac{A_c}{V_c} + w_{cr}\frac{A_{cr}}{V_{cr}} - C_{br}\Big)
  \quad(\text{slow part: the same with } t_{1/2,slow})
\end{aligned}"""

EQ_FLOWS = r"""\begin{aligned}
q &= D\cdot\frac{V_{spinal}}{L}\cdot\frac{1}{\Delta x} \ \ (\text{pulsatile mixing between neighbours}) &\quad
d_k &= \frac{CL_{spinal}}{8}\ \ (\text{segments}),\quad d_{cr} = \text{CSF bulk flow}\\
CL &= \theta_R\cdot CrCL + CL_{NR} &\quad
w_k &= \text{share of segment } k \text{ in the catheter tip (linear between segment centres)}
\end{aligned}"""

EQ_EXACT = r"""x(t+d) = \Phi(d)\,x(t) + \Gamma(d)\,B\,r"""

EQ_PROPAGATORS = r"""\Phi(d) = e^{A d},\qquad \Gamma(d) = \int_0^d e^{A s}\,ds"""

EQ_AUGMENTED = r"""\exp\!\begin{pmatrix} A d & I d\\ 0 & 0\end{pmatrix}
= \begin{pmatrix}\Phi(d) & \Gamma(d)\\ 0 & I\end{pmatrix}
\qquad\text{(one exponential of the augmented matrix gives both)}"""

EQ_BOLUS = r"""x(t_k^+) = x(t_k^-) + B\,b_k \qquad(\text{an oral dose up to 200 mg into } A_{gut}\text{, the rest into }
A_{held};\ \text{an intrathecal bolus into the segments at the tip})"""

EQ_PD = r"""\begin{aligned}
S_j &= \frac{C_j^{\,n_j}}{EC_{50,j}^{\,n_j} + C_j^{\,n_j}},\ \ j\in\{legs,\ arms,\ brain\} &
\frac{dA_{j,f}}{dt} &= \frac{S_j - A_{j,f}}{\tau_f},\quad \frac{dA_{j,s}}{dt} = \frac{S_j - A_{j,s}}{\tau_s}\\
N_j &= S_j\,(1 - g_s A_{j,s}) - g_f A_{j,f}\ \ (\text{desensitisation scales, counter-regulation subtracts}) &
D_j &= \max(-N_j,\ 0)\ \ (\text{withdrawal drive})\\
\frac{dY_{1,j}}{dt} &= \frac{D_j - Y_{1,j}}{\tau_{sym}} & \frac{dY_{2,j}}{dt} &= \frac{Y_{1,j} - Y_{2,j}}{\tau_{sym}}
\end{aligned}"""

EQ_READOUTS = r"""\begin{aligned}
\text{relief}_{legs} &= B_{legs}\, E_{frac}\,\operatorname{clip}(N_{legs},0,1),\quad
\text{relief}_{arms} = B_{arms}\, E_{frac}\,\operatorname{clip}(N_{arms},0,1)\\
\text{sedation} &= \operatorname{clip}\big(S^{tot}_{br}(1 - g_s A_{br,s}) - g_f A_{br,f},0,1\big),\quad
S_{br}^{tot} = \text{Hill}(C_{br} + c_{eq}\,i)\\
\text{breathing} &= 1 - (1 - \text{sedation}^2)(1 - e_{resp}(i)),\qquad
W = \max\big(w_{sp}\,Y_{2,legs},\ w_{sup}\,Y_{2,br}\big)
\end{aligned}"""

SYMBOLS = [
    ("k_a, F, t½,held", "ka_per_h, f_oral, retained_half_life_h (and absorption_capacity_mg)"),
    ("V_c, V_p, Q", "vc_l, vp_l, q_l_per_h"),
    ("θ_R, CL_NR", "renal_cl_per_crcl (CrCL in mL/min × 0.06 L/h), cl_nonrenal_l_per_h"),
    ("V_spinal, V_cr, L", "v_csf_spinal_ml, v_csf_cranial_ml, the canal's 61 cm (pkmodels.neuraxis)"),
    (
        "D, CL_spinal, d_cr, r_CSF",
        "csf_dispersion_cm2_per_h, csf_spinal_clearance_ml_per_h, csf_bulk_flow_ml_per_h, csf_plasma_ratio",
    ),
    ("T_cord, k_e0,br, ρ_br, w_cr", "cord_penetration_h, ke0_brain_per_h, brain_plasma_ratio, brain_csf_weight"),
    ("EC50, n", "ec50_spinal_ng_per_ml, hill_spinal; ec50_sedation_ng_per_ml, hill_sedation"),
    (
        "τ_f, g_f, τ_s, g_s, τ_sym",
        "tau_adapt_fast_days, adaptation_gain_fast, tau_adapt_slow_days, adaptation_gain_slow, tau_symptom_h",
    ),
    ("E_frac, w_sp, w_sup", "relief_max_fraction, withdrawal_weight_spinal, withdrawal_weight_supraspinal"),
    ("c_eq, e_resp, i", "co-medication: equivalent (ng/mL at the brain), own breathing effect, intensity"),
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

# every calibration and independent row with the model's value and verdict, as on this page
python -m pkmodels validate

# every calibration and independent row with the model's value (as on this page)
python -c "from pkmodels.validation import evaluate; from pkmodels.calibration import CALIBRATION; \\
from pkmodels.observations import OBSERVATIONS; [print(r['kind'], r['key'], r['verdict']) for r in \\
evaluate(CALIBRATION + OBSERVATIONS)]"
"""
