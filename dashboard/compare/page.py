"""Compare routes (home): oral and intrathecal baclofen side by side on one time axis."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.compare.figures import compare_figure
from dashboard.compare.scenarios import compare_scenarios
from dashboard.compare.settings import SCHEMA
from dashboard.exports import downloads
from dashboard.tables import card_table
from dashboard.widgets import widget
from pkmodels import columns as col
from pkmodels.pd import RESPIRATORY_STAGES

ROWS = [
    (
        "Targeting",
        "CSF : plasma ratio (lumbar CSF / plasma, last 24 h)",
        "Oral drug must cross the blood-brain barrier, so the spinal fluid sees about a tenth of plasma; "
        "intrathecal drug is put into the spinal fluid itself.",
    ),
    (
        "Efficacy",
        "Spasticity relief, legs | arms (Ashworth points, mean of last 24 h)",
        "Relief follows the concentration at the spinal cord, which oral doses barely raise; pump drug thins "
        "out with distance from the catheter tip, so the arms get less unless the tip is high.",
    ),
    (
        "Systemic exposure",
        "Plasma average / peak (ng/mL); peak sedation stage; breathing",
        "Drowsiness, dizziness and confusion follow plasma levels, which only the oral route raises much; "
        "breathing suffers only with deep sedation or a co-medication that depresses it (opioids).",
    ),
    (
        "Withdrawal risk",
        "Peak stage if stopped abruptly now (onset)",
        "Both routes adapt the nervous system; stopping the pump removes far more drug from the cord, faster.",
    ),
    (
        "Who it suits",
        "",
        "Oral: mild to moderate spasticity, or no need for a pump. Intrathecal: severe spasticity of spinal or "
        "cerebral origin that oral doses do not control or that causes intolerable side effects.",
    ),
]


def comparison_table(summaries: dict) -> pd.DataFrame:
    o, i = summaries["oral"], summaries["intrathecal"]

    def onset(s) -> str:
        return "" if s.withdrawal_onset_h_if_stopped is None else f" (from {s.withdrawal_onset_h_if_stopped:.0f} h)"

    values = [
        (fmt.ratio(o.csf_plasma_ratio), fmt.ratio(i.csf_plasma_ratio)),
        (
            f"{o.relief_mean_ashworth:.2f} | {o.relief_arms_mean_ashworth:.2f}",
            f"{i.relief_mean_ashworth:.2f} | {i.relief_arms_mean_ashworth:.2f}",
        ),
        (
            f"{o.plasma_avg_ng_per_ml:.0f} / {o.plasma_max_ng_per_ml:.0f}; {o.sedation_peak_stage}; "
            f"{o.respiratory_peak_stage}",
            f"{i.plasma_avg_ng_per_ml:.1f} / {i.plasma_max_ng_per_ml:.1f}; {i.sedation_peak_stage}; "
            f"{i.respiratory_peak_stage}",
        ),
        (o.withdrawal_peak_stage_if_stopped + onset(o), i.withdrawal_peak_stage_if_stopped + onset(i)),
        ("mild-moderate spasticity", "severe, refractory spasticity"),
    ]
    return pd.DataFrame(
        [
            {"": name, "Measure": measure, "Oral": ov, "Intrathecal": iv, "Why": why}
            for (name, measure, why), (ov, iv) in zip(ROWS, values, strict=True)
        ]
    )


st.title("Oral vs intrathecal baclofen")
st.markdown(
    "The same drug, two routes: **orange = oral tablets**, **blue = intrathecal pump** into the spinal "
    "fluid. Move the controls and watch where the drug goes, what it does to spasticity, how drowsy it makes, "
    "and what would happen if it stopped."
)
ui.load_page_state(SCHEMA)


def controls() -> None:
    """Four bordered groups; on a projector only the three main sliders stay in view."""
    if ui.presentation():
        main = st.columns(3)
        widget(SCHEMA, "oral_mg", container=main[0], label=":orange[Oral] dose per intake (mg)")
        widget(SCHEMA, "it_ug", container=main[1], label=":blue[Intrathecal] dose (µg/day)")
        widget(SCHEMA, "days", container=main[2])
        with st.expander("More settings: intakes, pump mode, patient, co-medication"):
            for key in ("oral_per_day", "it_mode", "tip", "weight", "crcl", "ashworth", "comed", "comed_x"):
                widget(SCHEMA, key)
        return
    oral_col, it_col, pat_col, co_col = st.columns(4, border=True)
    with oral_col:
        st.markdown("**:orange[Oral]**")
        widget(SCHEMA, "oral_mg")
        widget(SCHEMA, "oral_per_day")
    with it_col:
        st.markdown("**:blue[Intrathecal]**")
        widget(SCHEMA, "it_ug")
        widget(SCHEMA, "it_mode")
        widget(SCHEMA, "tip")
    with pat_col:
        st.markdown("**Patient**")
        for key in ("weight", "crcl", "ashworth"):
            widget(SCHEMA, key)
    with co_col:
        st.markdown("**Time and co-medication**")
        for key in ("days", "comed", "comed_x"):
            widget(SCHEMA, key)


controls()
ui.save_page_state(SCHEMA)

values = SCHEMA.values(st)
scenarios = compare_scenarios(values)
results = {route: ui.run_summary(sc) for route, sc in scenarios.items()}
tables = {route: r.table for route, r in results.items()}
summaries = {route: r.route for route, r in results.items()}

with ui.panel("Key numbers"):
    o, i = summaries["oral"], summaries["intrathecal"]
    csf_ratio = i.lumbar_avg_ng_per_ml / max(o.lumbar_avg_ng_per_ml, 1e-9)
    metrics = [
        (
            "Spinal CSF: pump vs tablets",
            f"{csf_ratio:.0f}x",
            "Mean lumbar CSF concentration over the last 24 h, intrathecal divided by oral.",
        ),
        (
            "Plasma: tablets vs pump",
            f"{o.plasma_avg_ng_per_ml / max(i.plasma_avg_ng_per_ml, 1e-9):.0f}x",
            "Mean plasma concentration over the last 24 h, oral divided by intrathecal.",
        ),
        (
            "Leg relief, tablets | pump",
            f"{o.relief_mean_ashworth:.1f} | {i.relief_mean_ashworth:.1f}",
            "Ashworth points, mean over the last 24 h (the legs' cord, behind T12).",
        ),
        (
            "Arm relief, tablets | pump",
            f"{o.relief_arms_mean_ashworth:.1f} | {i.relief_arms_mean_ashworth:.1f}",
            f"Ashworth points, mean over the last 24 h (the arms' cord, behind C5-C6; catheter tip at "
            f"{values['tip']}).",
        ),
        (
            "If stopped now",
            f"{o.withdrawal_peak_stage_if_stopped} | {i.withdrawal_peak_stage_if_stopped}",
            "Peak withdrawal stage (tablets | pump) in the 5 days after an abrupt stop at the end of this run.",
        ),
    ]
    for slot, (label, value, tip) in zip(ui.metric_columns(len(metrics)), metrics, strict=True):
        slot.metric(label, value, help=tip)

panels = ("plasma", "csf", "relief") if ui.presentation() else ("plasma", "csf", "relief", "relief_arms", "sedation")
with ui.panel("Time courses"):
    ui.chart(
        compare_figure(tables, ui.style(), panels),
        key="cmp_chart",
        alt="Plasma, CSF (lumbar, neck, cranial), leg and arm relief and sedation over time for oral and "
        "intrathecal baclofen",
    )
    warned = [r for r, t in tables.items() if bool(t[col.RESPIRATORY_WARNING].any())]
    if warned:
        routes = " and ".join("tablets" if r == "oral" else "pump" for r in warned)
        st.error(
            f"**Respiratory depression risk ({routes})**: the model's breathing index reaches "
            f"'{RESPIRATORY_STAGES[2]}' or worse: CNS depression from baclofen and the co-medication's own "
            "effect on breathing add up.",
            icon=":material/pulmonology:",
        )

if not ui.presentation():
    with ui.panel("Comparison table"):
        st.subheader("The comparison, in numbers")
        st.html(card_table(comparison_table(summaries), "The comparison, in numbers"))  # cards on a phone
        st.caption(
            "Last-24-h averages of this run. 'If stopped now': the same therapy taken for the whole run, "
            "then stopped abruptly; stages from the model's withdrawal index (a teaching assumption)."
        )

downloads(scenarios, "cmp_export")
