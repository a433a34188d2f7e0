"""Pump & titration: screening bolus, starting dose and titration, reservoir and refills, flex schedule,
a ten-fold programming error, and the switch from tablets to the pump."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import links, ui
from dashboard.builders import FLEX_DAY
from dashboard.exports import export_buttons
from dashboard.figures.pump import (
    error_figure,
    flex_figure,
    missed_refill_figure,
    screening_figure,
    switch_figure,
    titration_figure,
)
from dashboard.pump_scenarios import (
    EMPTY_AT_H,
    ERROR_AT_H,
    ERROR_FACTOR,
    ESTABLISHED_DAYS,
    SENSITIVITY,
    WEAN_EVERY_DAYS,
    error_scenarios,
    flex_scenarios,
    missed_refill_scenario,
    screening_scenario,
    switch_scenarios,
    titration_scenario,
)
from dashboard.state import Field, Schema
from dashboard.widgets import widget
from pkmodels import columns as col
from pkmodels.metrics import mean_over_last
from pkmodels.pd import WITHDRAWAL_SYMPTOMS
from pkmodels.pump import (
    LONG_EFFECT_H,
    OBSERVATION_WINDOW_H,
    ORIGINS,
    POSITIVE_RELIEF_ASHWORTH,
    SCREENING_DOSES_UG,
    TITRATION_RANGES,
    TitrationCheck,
    TrialResult,
    check_titration,
    overdose_summary,
    refill_notes,
    refill_plan,
    ripple,
    screening_ladder,
    screening_next_step,
    start_dose_ug_per_day,
    switch_schedule,
    titration_plan,
    trial_result,
)
from pkmodels.regimens import Pump
from pkmodels.withdrawal import relief_before_and_end, withdrawal_course

SCHEMA = Schema(
    "pump",
    (
        Field(
            "bolus",
            50,
            "Screening bolus",
            "choice",
            choices=(50, 75, 100),
            labels={50: "50 µg", 75: "75 µg", 100: "100 µg"},
            help="US label: 50 µg first; if no response, 75 µg 24 h later, then 100 µg after another 24 h.",
        ),
        Field(
            "origin",
            "spinal",
            "Origin of the spasticity",
            "choice",
            choices=tuple(ORIGINS),
            labels=ORIGINS,
            help="Titration per 24 h: spinal origin +10-30 %; cerebral origin and children +5-15 % (CMSC 2015).",
        ),
        Field(
            "titr_pct",
            20,
            "Titration step (% per day)",
            "int",
            1,
            50,
            1,
            help="Increase of the daily rate each 24 h after the first day.",
        ),
        Field(
            "target",
            400.0,
            "Target dose (µg/day)",
            "float",
            50.0,
            2000.0,
            25.0,
            help="Spinal origin: usually 300-800 µg/day; cerebral origin 90-700 µg/day; children <12 y 100-300.",
        ),
        Field(
            "conc",
            2000,
            "Drug concentration",
            "choice",
            choices=(50, 500, 1000, 2000),
            labels={50: "50 µg/mL", 500: "500 µg/mL", 1000: "1000 µg/mL", 2000: "2000 µg/mL"},
            help="50 µg/mL is the screening strength; 500, 1000 and 2000 µg/mL fill the pump.",
        ),
        Field(
            "volume",
            20,
            "Reservoir",
            "choice",
            choices=(20, 40),
            labels={20: "20 mL", 40: "40 mL"},
            help="SynchroMed II reservoirs hold 20 or 40 mL.",
        ),
        Field(
            "rate",
            400.0,
            "Programmed rate (µg/day)",
            "float",
            25.0,
            2000.0,
            25.0,
            help="Also the intended rate of the flex and programming-error sections.",
        ),
        Field(
            "error",
            False,
            "Program the pump ten-fold too high",
            "bool",
            help=f"From {ERROR_AT_H:g} h, the pump delivers {ERROR_FACTOR:g} x the programmed rate.",
        ),
        Field(
            "flex",
            False,
            "Compare with a day/night flex schedule",
            "bool",
            help="Twice the hourly rate 07:00-22:00 as at night; the same daily total.",
        ),
        Field(
            "oral_mg",
            20.0,
            "Oral dose being replaced (mg, 3 times a day)",
            "float",
            2.5,
            30.0,
            2.5,
            help="Usual oral range 40-80 mg/day; US maximum 80 mg/day.",
        ),
        Field(
            "wean_pct",
            25,
            "Wean step (% of the current dose)",
            "int",
            25,
            50,
            5,
            help=f"CMSC 2015: wean oral baclofen in 25-50 % steps, one drug at a time. One step every "
            f"{WEAN_EVERY_DAYS:g} days (this page's choice).",
        ),
    ),
)

SHORT = {
    "screening": "Screening",
    "titration": "Titration",
    "reservoir": "Reservoir",
    "flex": "Flex",
    "error": "Error",
    "switch": "Tablets → pump",
}
SECTIONS = {
    "screening": "1 · Screening bolus",
    "titration": "2 · Start & titration",
    "reservoir": "3 · Reservoir & refills",
    "flex": "4 · Flex schedule",
    "error": "5 · Programming error",
    "switch": "6 · Tablets to pump",
}
# Settings read by more than one section: a change inside one section's fragment reruns the whole page.
COUPLED = ("bolus", "origin", "titr_pct", "target", "rate")
_SNAPSHOT = "_pump_coupled"


def day_means(tab: pd.DataFrame, column: str) -> tuple[float, float]:
    """Mean of a result column over the first and the last 24 h (pkmodels.metrics.mean_over_last)."""
    t = tab[col.TIME].to_numpy()
    y = tab[column].to_numpy()
    day1 = t <= 24.0 + 1e-9
    return float(mean_over_last(t[day1], y[day1])), float(mean_over_last(t, y))


def header(section: str, intro: str = "") -> None:
    """Section heading and its explanation (presentation mode names the section in its chooser instead and
    leaves the explanation to the speaker)."""
    if not ui.presentation():
        st.header(SECTIONS[section], anchor=section)
        if intro:
            st.markdown(intro)


def metric_columns(n: int, widths: list[float] | None = None) -> list:
    """Columns for ``n`` metrics: one row (relative ``widths``), or rows of two in presentation mode (big
    numbers need room)."""
    if not ui.presentation():
        return list(st.columns(widths or n))
    cols: list = []
    while len(cols) < n:
        cols += st.columns(2)
    return cols[:n]


def save_and_sync() -> None:
    """After a section's widgets: URL up to date; whole-page rerun if a setting other sections use changed."""
    ui.save_page_state(SCHEMA)
    now = SCHEMA.values(st)
    snap = st.session_state.get(_SNAPSHOT, {})
    if any(snap.get(k) != now[k] for k in COUPLED):
        st.rerun()


def default_section(values: dict) -> str:
    """Section a link points at (for presentation mode): the first whose settings differ from the defaults."""
    changed = {k for k, d in SCHEMA.defaults().items() if values[k] != d}
    for section, keys in (
        ("error", {"error"}),
        ("flex", {"flex"}),
        ("switch", {"oral_mg", "wean_pct"}),
        ("reservoir", {"conc", "volume", "rate"}),
        ("titration", {"origin", "titr_pct", "target"}),
    ):
        if changed & keys:
            return section
    return "screening"


def trial_for(bolus: float) -> tuple[pd.DataFrame, TrialResult]:
    tab = ui.run(screening_scenario(bolus))
    return tab, trial_result(tab[col.TIME].to_numpy(), tab[col.RELIEF].to_numpy(), bolus)


def start_dose(values: dict) -> tuple[TrialResult, float | None]:
    _, trial = trial_for(float(values["bolus"]))
    return trial, start_dose_ug_per_day(trial)


def pump_plan(values: dict) -> tuple[TrialResult, float, TitrationCheck] | None:
    """The screening trial, the starting dose it gives and the checked titration step; None (with the
    reason shown) when the trial gave no starting dose."""
    trial, start = start_dose(values)
    if start is None:
        no_pump_message(trial)
        return None
    return trial, start, check_titration(str(values["origin"]), float(values["titr_pct"]))


def start_reason(trial: TrialResult, start: float) -> str:
    if start == trial.bolus_ug:
        return (
            f"1 x the {trial.bolus_ug:g} µg bolus per 24 h: its effect lasted {trial.effect_duration_h:.1f} h, "
            f"more than {LONG_EFFECT_H:g} h"
        )
    return (
        f"2 x the {trial.bolus_ug:g} µg bolus per 24 h: its effect lasted {trial.effect_duration_h:.1f} h, "
        f"not more than {LONG_EFFECT_H:g} h"
    )


def downloads(scenarios: dict, key: str) -> None:
    with ui.panel("Downloads"), st.expander("Download these runs (JSON, CSV, SBML)"):
        for name, sc in scenarios.items():
            st.markdown(f"**{sc.title}**")
            export_buttons(sc, key=f"{key}_{name}")


def no_pump_message(trial: TrialResult) -> None:
    st.info(
        f"The {trial.bolus_ug:g} µg screening bolus was not positive in the model, so there is no starting "
        "dose: choose another bolus in section 1.",
        icon=":material/block:",
    )


# ------------------------------------------------------------------------------------------- sections


@st.fragment
def screening_section() -> None:
    present = ui.presentation()
    header(
        "screening",
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
        cols = metric_columns(4)
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

    with ui.panel("Screening chart"):
        panels = ("relief",) if present else ("csf", "relief")
        ui.chart(
            screening_figure(
                tab, ui.style(), window_h=OBSERVATION_WINDOW_H, threshold=POSITIVE_RELIEF_ASHWORTH, panels=panels
            ),
            key="pump_screen_chart",
            alt=f"Lumbar CSF and spasticity relief over 24 h after a {bolus:g} µg bolus",
        )
        if not present:
            st.caption(
                "Green band: the 4-8 h observation window. Notice that relief peaks hours after the CSF peak "
                "(the drug has to reach the cord) and fades as CSF clears (half-life about 1.5 h in the model); "
                "a larger bolus lasts longer, which lowers the starting dose (1 x instead of 2 x the bolus)."
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
                trials = {d: trial_result(*_relief(screening_scenario(d, factor)), d) for d in SCREENING_DOSES_UG}
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


def _relief(scenario) -> tuple:
    tab = ui.run(scenario)
    return tab[col.TIME].to_numpy(), tab[col.RELIEF].to_numpy()


@st.fragment
def titration_section() -> None:
    present = ui.presentation()
    header(
        "titration",
        "After implantation the pump starts at the **starting dose** worked out from the test bolus, is "
        "**not increased in the first 24 h**, then goes up by a percentage **each 24 h** toward the dose "
        "that controls the spasticity. The step depends on the origin of the spasticity.",
    )
    c1, c2, c3 = st.columns(3)
    with c1:
        widget(SCHEMA, "origin")
    with c2:
        widget(SCHEMA, "titr_pct")
    with c3:
        widget(SCHEMA, "target", format="%.0f")
    save_and_sync()
    v = SCHEMA.values(st)
    plan = pump_plan(v)
    if plan is None:
        return
    trial, start, check = plan
    lo, hi = TITRATION_RANGES[check.origin]
    if check.message:
        st.warning(check.message, icon=":material/rule:")
    target = float(v["target"])
    if target <= start:
        st.info(
            f"The target ({target:g} µg/day) is not above the starting dose ({start:g} µg/day): the pump simply "
            "runs at the target.",
            icon=":material/info:",
        )
    scenario = titration_scenario(start, target, check.used_percent)
    tab = ui.run(scenario)
    plan = titration_plan(start, target, check.used_percent)
    t = tab[col.TIME].to_numpy()

    with ui.panel("Titration numbers"):
        cols = metric_columns(4)
        cols[0].metric("Starting dose", fmt.number(start, "µg/day"), help=start_reason(trial, start) + ".")
        cols[1].metric(
            "Daily step used",
            f"+{check.used_percent:g} %",
            help=f"{ORIGINS[check.origin]}: {lo:g}-{hi:g} % per 24 h (CMSC 2015; labels).",
        )
        cols[2].metric("Target reached on day", f"{len(plan)}", help="Day 1 = the first 24 h at the starting dose.")
        cols[3].metric(
            "Relief at the end",
            fmt.number(float(mean_over_last(t, tab[col.RELIEF].to_numpy())), "points", 2),
            help="Mean over the last 24 h of the run (Ashworth points).",
        )

    with ui.panel("Titration chart"):
        panels = ("rate", "relief") if present else ("rate", "csf", "relief")
        ui.chart(
            titration_figure(tab, ui.style(), panels=panels),
            key="pump_titr_chart",
            alt="Daily pump-rate steps, lumbar and cranial CSF, and spasticity relief during titration",
        )
        if not present:
            st.caption(
                "Each step raises lumbar CSF within hours (the CSF clears in hours, so it settles within a "
                "day), while relief follows the slower spinal effect site. Late in the run relief drifts down "
                "a little: the receptors adapt (tolerance, a teaching assumption), which is one reason real "
                "doses creep up over the first 12-18 months."
            )
    if not present:
        with ui.panel("Daily steps"), st.expander(f"Daily rates ({len(plan)} days to the target)"):
            show = plan.rename(
                columns={"day": "Day", "rate_ug_per_day": "Rate (µg/day)", "change_percent": "Change vs day before (%)"}
            )
            st.dataframe(show.round(1), hide_index=True, width="stretch")
    downloads({"titr": scenario}, "pump_exp_titr")


@st.fragment
def reservoir_section() -> None:
    present = ui.presentation()
    header(
        "reservoir",
        "The pump holds a few millilitres of concentrated drug. **Concentration x volume / daily rate** "
        "sets how long one fill lasts; a low-reservoir alarm warns before it runs dry, and the reservoir "
        "is refilled through the skin with a needle.",
    )
    c1, c2, c3, c4 = st.columns([1.3, 0.8, 1.3, 1])
    with c1:
        widget(SCHEMA, "conc", horizontal=True)
    with c2:
        widget(SCHEMA, "volume", horizontal=True)
    with c3:
        widget(SCHEMA, "rate", format="%.0f")
    with c4:
        start_day = st.date_input(
            "Filled on", value=dt.date.today(), key="pump_fill_date", help="Not saved in the link."
        )
    save_and_sync()
    v = SCHEMA.values(st)
    conc, volume, rate = float(v["conc"]), float(v["volume"]), float(v["rate"])
    if not isinstance(start_day, dt.date):
        start_day = dt.date.today()
    plan = refill_plan(start_day, conc, volume, rate)
    alarm_ml = Pump(conc, volume).low_alarm_ml

    with ui.panel("Refill numbers"):
        cols = metric_columns(4)
        cols[0].metric("Drug used per day", fmt.number(plan.ml_per_day, "mL", 2))
        cols[1].metric(
            "Low-reservoir alarm",
            fmt.number(plan.days_until_low_alarm, "days"),
            help=f"When {alarm_ml:g} mL are left (the model's alarm setting).",
        )
        cols[2].metric("Empty after", fmt.number(plan.days_until_empty, "days"))
        cols[3].metric(
            "Empty on",
            plan.empty_date.isoformat() if plan.empty_date else "-",
            help="The refill has to happen before this date (alarm date below).",
        )
        alarm = plan.low_alarm_date.isoformat() if plan.low_alarm_date else "-"
        st.markdown(
            f"Filled on **{start_day.isoformat()}**: the low-reservoir alarm sounds on **{alarm}** and the "
            f"reservoir is empty on **{plan.empty_date.isoformat() if plan.empty_date else '-'}**."
        )
        for note in refill_notes(plan, conc):
            st.info(note, icon=":material/info:")

    scenario = missed_refill_scenario(conc, rate)
    tab = ui.run(scenario)
    w = withdrawal_course(tab, EMPTY_AT_H)
    relief_before, relief_end = relief_before_and_end(tab, EMPTY_AT_H)
    st.subheader("If the refill is missed")
    if not present:
        st.markdown(
            f"The patient has been on {rate:g} µg/day for months ({ESTABLISHED_DAYS:g} days in the model, "
            "long enough for the receptors to adapt). The run starts one day before the reservoir runs dry "
            "and nobody refills it."
        )
    with ui.panel("Missed refill numbers"):
        cols = metric_columns(4, [1.0, 1.5, 0.8, 0.8])
        cols[0].metric(
            "Relief before → end",
            f"{relief_before:.1f} → {relief_end:.1f}",
            help="Ashworth points, just before the pump ran dry and at the end of the run.",
        )
        cols[1].metric(
            "Peak withdrawal", w.peak_stage_name, help=f"Withdrawal index {w.peak_index:.2f} (teaching scale)."
        )
        moderate = dict(w.timeline).get("moderate")
        cols[2].metric(
            "Moderate from",
            fmt.number(moderate, "h", 2) if moderate is not None else "not reached",
            help="Hours after the reservoir ran dry.",
        )
        cols[3].metric("Worst at", fmt.number(w.time_to_peak_h, "h", 2), help=f"Mostly {w.dominant_site}.")
    with ui.panel("Missed refill chart"):
        panels = ("relief", "withdrawal") if present else ("csf", "relief", "withdrawal")
        ui.chart(
            missed_refill_figure(tab, EMPTY_AT_H, ui.style(), panels=panels),
            key="pump_refill_chart",
            alt="Lumbar CSF, relief and withdrawal severity after the pump reservoir runs empty",
        )
        if not present:
            st.caption(
                "Lumbar CSF falls within hours of the last drop, but the adapted receptors stay adapted for "
                "days: the counter-regulation is left unopposed and withdrawal climbs its stages over 1-3 days "
                "(Coffey 2002). Clinically this is an emergency; it is stopped by restoring intrathecal "
                "baclofen. Stage names and the index are a teaching scale."
            )
    if not present:
        with ui.panel("Withdrawal stages"):
            lines = [
                f"- **{site.capitalize()}**, {name} from {h:.0f} h: {WITHDRAWAL_SYMPTOMS[site][k]}"
                for site, timeline in w.site_timelines.items()
                for k, (name, h) in enumerate(timeline, start=1)
            ]
            if lines:
                st.markdown("**What each stage looks like** (hours after the reservoir ran dry):\n" + "\n".join(lines))
        path, qp = links.link(
            "withdrawal", route="intrathecal", ending="empty", it_ug=int(rate), conc=int(conc), volume=int(volume)
        )
        st.page_link(
            path,
            label="Explore endings, tapers and restarts on the Withdrawal page",
            query_params=qp,
            icon=":material/trending_down:",
        )
    downloads({"refill": scenario}, "pump_exp_refill")


@st.fragment
def flex_section() -> None:
    present = ui.presentation()
    header(
        "flex",
        "A programmable pump can change its rate during the day: for example more drug by day, when "
        "spasticity gets in the way of activity, and less at night. Here: twice the hourly rate "
        f"{FLEX_DAY[0]:02.0f}:00-{FLEX_DAY[1]:02.0f}:00 as at night, the same daily total as the "
        "programmed rate above.",
    )
    widget(SCHEMA, "flex")
    save_and_sync()
    v = SCHEMA.values(st)
    rate = float(v["rate"])
    scenarios = flex_scenarios(rate)
    if not v["flex"]:
        scenarios = {"continuous": scenarios["continuous"]}
    tabs = {name: ui.run(sc) for name, sc in scenarios.items()}
    with ui.panel("Flex numbers"):
        cols = metric_columns(len(tabs) * 2)
        for k, (name, tab) in enumerate(tabs.items()):
            t = tab[col.TIME].to_numpy()
            c_lo, c_hi = ripple(t, tab[col.CSF_LUMBAR].to_numpy())
            r_lo, r_hi = ripple(t, tab[col.RELIEF].to_numpy())
            label = "Flex" if name == "flex" else "Continuous"
            cols[2 * k].metric(
                f"{label} · CSF (ng/mL)",
                fmt.span(c_lo, c_hi, 0),
                help="Lumbar CSF, lowest and highest over the last 24 h.",
            )
            cols[2 * k + 1].metric(
                f"{label} · relief (points)",
                fmt.span(r_lo, r_hi, 2),
                help="Ashworth points, lowest and highest over the last 24 h.",
            )
    with ui.panel("Flex chart"):
        panels = ("csf", "relief") if present else ("rate", "csf", "relief")
        ui.chart(
            flex_figure(tabs, ui.style(), panels=panels, night=(FLEX_DAY[1], FLEX_DAY[0])),
            key="pump_flex_chart",
            alt="Pump rate, lumbar CSF and relief for continuous and flex schedules",
        )
        if not v["flex"]:
            st.caption("Turn on the flex schedule to compare.")
        elif not present:
            st.caption(
                "Lumbar CSF follows the rate within hours, because CSF clears in hours: it swings widely "
                "between day and night. Relief swings much less, because the spinal cord responds slowly "
                "(effect-site delay) and the receptor effect saturates near the top."
            )
    if not present:
        path, qp = links.link("compare", it_ug=int(rate), it_mode="flex")
        st.page_link(
            path, label="Compare the flex schedule with oral tablets", query_params=qp, icon=":material/compare_arrows:"
        )
    downloads(scenarios, "pump_exp_flex")


@st.fragment
def error_section() -> None:
    present = ui.presentation()
    header("error")
    v = SCHEMA.values(st)
    rate = float(v["rate"])
    if not present:
        st.markdown(
            f"A pump programmed **{ERROR_FACTOR:g} times** the intended rate (for example {rate * 10:g} "
            f"instead of {rate:g} µg/day, a slipped decimal point) at a refill visit. The patient has been on "
            f"{rate:g} µg/day for months."
        )
    widget(SCHEMA, "error")
    save_and_sync()
    v = SCHEMA.values(st)
    scenarios = error_scenarios(rate)
    if not v["error"]:
        scenarios = {"intended": scenarios["intended"]}
    tabs = {name: ui.run(sc) for name, sc in scenarios.items()}
    if v["error"]:
        s = overdose_summary(tabs["error"], ERROR_AT_H)
        with ui.panel("Overdose numbers"):
            cols = metric_columns(4)
            cols[0].metric(
                "Lumbar CSF (ng/mL)",
                fmt.number(s.lumbar_peak_ng_per_ml),
                delta=f"x{s.lumbar_fold:.1f} from {fmt.number(s.lumbar_before_ng_per_ml)}",
                delta_color="inverse",
                help="The highest after the error, and how many times the level before it.",
            )
            cols[1].metric(
                "Cranial CSF (ng/mL)",
                fmt.number(s.cranial_peak_ng_per_ml),
                delta=f"x{s.cranial_fold:.1f} from {fmt.number(s.cranial_before_ng_per_ml)}",
                delta_color="inverse",
                help="CSF mixing carries the excess up toward the brain.",
            )
            cols[2].metric(
                "Peak sedation",
                s.peak_sedation_stage,
                help=f"Sedation index {s.peak_sedation_index:.2f} (teaching scale).",
            )
            cols[3].metric(
                "Respiratory warning",
                "not reached"
                if s.respiratory_warning_after_h is None
                else f"after {s.respiratory_warning_after_h:.0f} h",
                help="The model warns from the 'stupor' stage of sedation.",
            )
            st.error(
                "**Intrathecal overdose is a medical emergency.** Too much baclofen in the spinal fluid causes "
                "drowsiness, floppy weakness rising up the body (hypotonia), slowed or shallow breathing "
                "(respiratory depression), seizures and coma.",
                icon=":material/emergency:",
            )
            if s.respiratory_warning_after_h is None:
                st.caption(
                    f"In this teaching model {rate * ERROR_FACTOR:g} µg/day stays below the respiratory "
                    "warning level (raise the programmed rate in section 3 to see more). The model's "
                    "sedation scale is an assumption calibrated to oral doses, and some patients are far more "
                    "sensitive (the label reports coma after a single 25 µg test dose in one adult)."
                )
    else:
        st.caption("Turn on the error to see what a ten-fold rate does.")
    with ui.panel("Error chart"):
        panels = ("csf", "sedation") if present else ("csf", "sedation", "relief")
        ui.chart(
            error_figure(tabs, ERROR_AT_H, ui.style(), panels=panels),
            key="pump_error_chart",
            alt="Lumbar and cranial CSF, sedation stages and relief after a ten-fold pump programming error",
        )
        if v["error"] and not present:
            s = overdose_summary(tabs["error"], ERROR_AT_H)
            st.caption(
                f"Lumbar CSF rises ten-fold within hours, and CSF mixing carries the excess to the cranial CSF "
                f"and brain: sedation climbs its stages. At the cord, GABA-B stimulation goes from "
                f"{s.spinal_stimulation_before:.1%} to {s.spinal_stimulation_peak:.1%} of receptors: relief is "
                "at the model's ceiling, which in a patient means hypotonia (loss of useful muscle tone)."
            )
    downloads(scenarios, "pump_exp_error")


@st.fragment
def switch_section() -> None:
    present = ui.presentation()
    header(
        "switch",
        "A patient on oral baclofen gets a pump. The pump is titrated as in section 2 while the tablets "
        "are **weaned in 25-50 % steps, one drug at a time** (CMSC 2015). Stopping the tablets at once "
        "is shown dashed for comparison.",
    )
    c1, c2 = st.columns(2)
    with c1:
        widget(SCHEMA, "oral_mg", format="%.1f")
    with c2:
        widget(SCHEMA, "wean_pct")
    save_and_sync()
    v = SCHEMA.values(st)
    plan = pump_plan(v)
    if plan is None:
        return
    _, start, check = plan
    scenarios = switch_scenarios(
        float(v["oral_mg"]), float(v["wean_pct"]), start, float(v["target"]), check.used_percent
    )
    tabs = {name: ui.run(sc) for name, sc in scenarios.items()}
    weaned = withdrawal_course(tabs["weaned"], 0.0)
    abrupt = withdrawal_course(tabs["abrupt"], 0.0)
    with ui.panel("Switch numbers"):
        cols = metric_columns(4)
        tw = tabs["weaned"]
        for where, name, column in (
            (cols[0], "Plasma", col.PLASMA),
            (cols[1], "Lumbar CSF", col.CSF_LUMBAR),
        ):
            first, last = day_means(tw, column)
            where.metric(
                f"{name} (ng/mL): day 1 → last",
                fmt.change(first, last),
                help="ng/mL, mean over the first and the last 24 h (oral weaned).",
            )
        cols[2].metric("Withdrawal, weaned", weaned.peak_stage_name, help=f"Peak index {weaned.peak_index:.2f}.")
        cols[3].metric(
            "Withdrawal, stopped at once",
            abrupt.peak_stage_name,
            help=f"Peak index {abrupt.peak_index:.2f}, mostly {abrupt.dominant_site}.",
        )
    with ui.panel("Switch chart"):
        panels = ("plasma", "csf", "withdrawal") if present else ("plasma", "csf", "sedation", "withdrawal")
        ui.chart(
            switch_figure(tabs, ui.style(), panels=panels),
            key="pump_switch_chart",
            alt="Plasma, lumbar CSF, sedation and withdrawal during a switch from oral to intrathecal baclofen",
        )
        if not present:
            st.caption(
                "Plasma falls as the tablets are weaned while lumbar CSF rises with the pump. The pump covers "
                "the spinal cord, so spinal withdrawal stays flat either way. The brain is different: it got "
                "its baclofen from the tablets (through the blood), and the pump puts little there. Weaning "
                "lets the supraspinal receptors re-adapt step by step; stopping the tablets at once unmasks "
                "supraspinal withdrawal (hallucinations, confusion, seizures) even though the pump is running."
            )
    if not present:
        with ui.panel("Switch schedule"), st.expander("Day-by-day doses"):
            sc = scenarios["weaned"]
            days = int(sc.duration_h / 24.0)
            table = switch_schedule(sc.oral[0], sc.intrathecal[0], days)
            st.dataframe(
                table.rename(
                    columns={
                        "day": "Day",
                        "oral_mg_per_dose": "Oral mg per intake",
                        "oral_mg_per_day": "Oral mg/day",
                        "pump_ug_per_day": "Pump µg/day",
                    }
                ).round(2),
                hide_index=True,
                width="stretch",
            )
            st.caption(
                f"One wean step every {WEAN_EVERY_DAYS:g} days from day {WEAN_EVERY_DAYS + 1:g} (this page's "
                "choice); the wean ends below 10 % of the first dose. Tablets three times a day."
            )
    downloads(scenarios, "pump_exp_switch")


# ------------------------------------------------------------------------------------------------ page

RENDER = {
    "screening": screening_section,
    "titration": titration_section,
    "reservoir": reservoir_section,
    "flex": flex_section,
    "error": error_section,
    "switch": switch_section,
}

st.title("Pump & titration")
ui.load_page_state(SCHEMA)
values = SCHEMA.values(st)
st.session_state[_SNAPSHOT] = {k: values[k] for k in COUPLED}

if ui.presentation():
    first = default_section(values)
    chosen = st.radio(
        "Section",
        tuple(SECTIONS),
        format_func=SHORT.get,
        horizontal=True,
        key="pump_section",
        index=tuple(SECTIONS).index(first),
        label_visibility="collapsed",
    )
    RENDER[chosen or first]()
else:
    st.markdown(
        "Intrathecal baclofen is delivered by an implanted **pump** through a catheter into the spinal fluid. "
        "Follow one patient: a test bolus, the starting dose and titration, the reservoir and its refills, a "
        "day/night program, a programming error, and the switch from tablets. The rules are those of the "
        "labels and best-practice texts; the curves are the teaching model's."
    )
    st.markdown(" · ".join(f"[{name}](#{key})" for key, name in SECTIONS.items()))
    for render in RENDER.values():
        render()
ui.save_page_state(SCHEMA)
