"""Section 1, screening bolus: the test dose, whether the model patient responds, the label's next step, and the
label's ladder of test doses for three what-if patients."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.exports import downloads
from dashboard.pump.figures import screening_figure
from dashboard.pump.scenarios import SENSITIVITY, screening_scenario
from dashboard.pump.section import chart, intro, save_and_sync, trial_for, trial_of
from dashboard.pump.settings import SCHEMA
from dashboard.widgets import widget
from pkmodels.pump import (
    LONG_EFFECT_H,
    OBSERVATION_WINDOW_H,
    POSITIVE_RELIEF_ASHWORTH,
    SCREENING_DOSES_UG,
    screening_ladder,
    screening_next_step,
    start_dose_ug_per_day,
)


@st.fragment
def section() -> None:
    present = ui.presentation()
    intro(
        "Before a pump is implanted, a **test bolus** is injected into the lumbar spinal fluid "
        "(lumbar puncture) and the patient is watched for **4 to 8 hours**. The drug sits near the "
        "injection site, so lumbar CSF peaks at once and relief follows with a delay while the drug "
        "reaches the spinal cord.",
    )
    widget(SCHEMA, "bolus", horizontal=True)
    save_and_sync()
    bolus = float(SCHEMA.values(st)["bolus"])
    tab, trial = trial_for(bolus)
    step = screening_next_step(bolus, trial.positive)
    start = start_dose_ug_per_day(trial)

    with ui.panel("Screening result"):
        cols = ui.metric_columns(4)
        cols[0].metric(
            "Trial (model)",
            "Positive" if trial.positive else "No response",
            help=f"Positive here = relief of at least {POSITIVE_RELIEF_ASHWORTH:g} Ashworth point inside "
            f"the {OBSERVATION_WINDOW_H[0]:g}-{OBSERVATION_WINDOW_H[1]:g} h window: a simplification "
            "of the label's 'significant decrease in muscle tone and/or spasm frequency or "
            "severity'.",
        )
        cols[1].metric("Peak relief in 4-8 h", fmt.number(trial.peak_relief_in_window, "points", 2))
        cols[2].metric(
            "Effect lasted",
            fmt.number(trial.effect_duration_h, "h", 2),
            help=f"Hours with relief of at least {POSITIVE_RELIEF_ASHWORTH:g} point.",
        )
        cols[3].metric(
            "Starting dose",
            fmt.number(start, "µg/day") if start else "no pump",
            help="Twice the effective bolus per 24 h, or once the bolus if its effect lasted more than "
            f"{LONG_EFFECT_H:g} h (US label; 12 h in German and Australian texts).",
        )
        (st.success if trial.positive else st.warning)(
            "**Next step (label):** " + step.text,
            icon=":material/check_circle:" if trial.positive else ":material/arrow_forward:",
        )

    chart(
        "Screening chart",
        lambda panels: screening_figure(
            tab, ui.style(), window_h=OBSERVATION_WINDOW_H, threshold=POSITIVE_RELIEF_ASHWORTH, panels=panels
        ),
        (("relief",), ("csf", "relief")),
        key="pump_screen_chart",
        alt=f"Lumbar CSF and spasticity relief over 24 h after a {bolus:g} µg bolus",
        caption="Green band: the 4-8 h observation window. Notice that relief peaks hours after the CSF peak "
        "(the drug has to reach the cord) and fades as CSF clears (half-life about 1.5 h in the model); "
        "a larger bolus lasts longer, which lowers the starting dose (1 x instead of 2 x the bolus).",
    )

    if not present:
        with ui.panel("Screening ladder"):
            st.markdown(
                "**The label's ladder, for three what-if patients.** One bolus per day, stopping at the first "
                "positive one; no response even at 100 µg means *not a candidate*. The typical model patient "
                "responds at 50 µg; real patients vary, so two less sensitive patients (the spinal EC50, the "
                "concentration that gives half the effect, 2 and 4 times higher) show the rest of the ladder."
            )
            rows = []
            for who, factor in SENSITIVITY.items():
                trials = {d: trial_of(screening_scenario(d, factor), d)[1] for d in SCREENING_DOSES_UG}
                given, effective = screening_ladder({d: t.positive for d, t in trials.items()})
                row = {"Patient": who + ("" if factor == 1 else f" (EC50 x{factor:g})")}
                for day, d in enumerate(SCREENING_DOSES_UG, start=1):
                    t = trials[d]
                    if d not in given:
                        row[f"Day {day}: {d:g} µg"] = "not needed"
                    elif t.positive:
                        row[f"Day {day}: {d:g} µg"] = (
                            f"positive ({t.peak_relief_in_window:.1f} pts, {t.effect_duration_h:.0f} h)"
                        )
                    else:
                        row[f"Day {day}: {d:g} µg"] = f"no response ({t.peak_relief_in_window:.1f} pts)"
                if effective is None:
                    row["Outcome"] = "not a candidate"
                else:
                    row["Outcome"] = f"pump; start {start_dose_ug_per_day(trials[effective]):g} µg/day"
                rows.append(row)
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
            st.caption(
                "pts = peak relief in the 4-8 h window (Ashworth points); h = how long relief stayed at or "
                "above 1 point. European texts start at 25 or 50 µg and step up by 25 µg; the maximum test dose "
                "is 100 µg."
            )
    downloads({"screen": screening_scenario(bolus)}, "pump_exp_screen")
