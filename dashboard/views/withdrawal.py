"""Withdrawal & tapering: what happens when baclofen stops, by route and by the way it ends."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import links, ui
from dashboard.exports import export_buttons
from dashboard.figures.withdrawal import severity_pair_figure, timeline_figure
from dashboard.state import Field, Schema
from dashboard.widgets import widget
from dashboard.withdrawal_scenarios import (
    ENDINGS,
    WithdrawalPlan,
    abrupt_vs_taper,
    applicable,
    taper_regimen,
    withdrawal_plan,
    without_rescue,
)
from pkmodels.pd import WITHDRAWAL_STAGES
from pkmodels.withdrawal import SITES, WithdrawalCourse, symptoms_by_site, withdrawal_course

SCHEMA = Schema(
    "wd",
    (
        Field(
            "route",
            "intrathecal",
            "Route",
            "choice",
            choices=("intrathecal", "oral"),
            labels={"intrathecal": "Intrathecal pump", "oral": "Oral tablets"},
        ),
        Field(
            "oral_mg",
            20.0,
            "Oral dose per intake (mg)",
            "float",
            2.5,
            100.0,
            2.5,
            help="Label: usual 40-80 mg/day; maximum 80 mg/day (US).",
        ),
        Field(
            "oral_per_day",
            3,
            "Intakes per day",
            "int",
            1,
            6,
            1,
            help="Also how often the oral cover is taken after an intrathecal stop.",
        ),
        Field(
            "it_ug",
            400.0,
            "Intrathecal dose (µg/day)",
            "float",
            25.0,
            2000.0,
            25.0,
            help="Spinal origin: usually 300-800 µg/day; cerebral origin 90-700 µg/day.",
        ),
        Field(
            "days_on",
            60,
            "Time on therapy before the end (days)",
            "int",
            1,
            365,
            1,
            help="How long the dose was taken before it ended. Receptors adapt over days, so a longer therapy "
            "means deeper adaptation (up to a plateau).",
        ),
        Field(
            "ending",
            "abrupt",
            "How the therapy ends",
            "choice",
            choices=tuple(ENDINGS),
            labels=ENDINGS,
            help="Pump reservoir and catheter failure apply to the intrathecal route.",
        ),
        Field(
            "taper_pct",
            20.0,
            "Taper step (% of the current dose)",
            "float",
            10.0,
            50.0,
            5.0,
            help="Each step removes this share of the current dose; below 10 % of the start the drug stops.",
        ),
        Field("taper_every", 3, "Taper step every (days)", "int", 1, 5, 1),
        Field(
            "restart_h",
            0,
            "Pump restarts after (hours, 0 = never)",
            "int",
            0,
            72,
            2,
            help="Intrathecal abrupt stop or catheter failure: delivery resumes at the same rate.",
        ),
        Field(
            "oral_cover",
            0.0,
            "Oral cover from the stop (mg per intake, 0 = none)",
            "float",
            0.0,
            40.0,
            5.0,
            help="Oral baclofen started at an intrathecal stop, taken 'intakes per day' times a day.",
        ),
        Field(
            "conc",
            500.0,
            "Pump drug concentration (µg/mL)",
            "float",
            50.0,
            2000.0,
            50.0,
            help="Intrathecal baclofen comes as 50, 500 and 2000 µg/mL (and others).",
        ),
        Field(
            "volume",
            20.0,
            "Reservoir volume (mL)",
            "float",
            5.0,
            40.0,
            1.0,
            help="Common pump reservoirs hold 20 or 40 mL.",
        ),
    ),
)

# Slider number formats (printf style): no "400.00" for a dose in whole micrograms.
FORMATS = {
    "it_ug": "%.0f",
    "oral_mg": "%.1f",
    "taper_pct": "%.0f",
    "oral_cover": "%.0f",
    "conc": "%.0f",
    "volume": "%.0f",
}

WHY = """
**Why withdrawal happens.** Baclofen stimulates GABA-B receptors, which calm nerve cells in the spinal cord
and the brain. Over days the nervous system pushes back: receptors are down-regulated and counter-regulation
builds up (the *adaptation* curve). It follows the drug slowly, with a time constant of days. When the drug
falls away faster than the adaptation can reverse, the counter-regulation is left **unopposed** and the
nerve cells become over-excitable: that gap is the withdrawal drive.

**Why intrathecal withdrawal is faster and worse.** The pump puts the drug straight into the lumbar
cerebrospinal fluid (CSF). Stop it and lumbar CSF falls within hours (CSF half-life 1-5 h), while the spinal
receptors, used to high concentrations, are highly adapted. Result: rebound spasticity, itching, fast heart
rate, then fever, rigidity and muscle breakdown - a medical emergency in its severe stages.

**Why oral withdrawal is mostly supraspinal.** Oral baclofen crosses the blood-brain barrier poorly: the
spinal fluid sees about a tenth of plasma, so the spinal cord adapts little. The brain, exposed through the
blood, adapts more: stopping tablets shows mainly as anxiety, hallucinations, confusion and seizures.

**Timing.** Symptoms begin 12-72 h after a stop or a cut and evolve over 1-3 days (Coffey 2002; Spinal
Cord 2009). **Restarting the pump reverses it**: the drug comes back within hours, faster than adaptation
can change. **Oral cover only partly helps** an intrathecal stop: oral doses raise lumbar CSF very little.
**Tapering keeps it mild**: steps of 10-20 % of the current dose every few days (oral: over 1-3 weeks) remove
a little stimulation at a time, and adaptation has days to follow each step.

*The severity index and its stages are a teaching assumption: no study quantifies withdrawal severity; only
the timing windows and episode rates are data.*
"""


def fmt_kw(key: str) -> dict:
    return {"format": FORMATS[key]} if key in FORMATS else {}


def course_of(plan: WithdrawalPlan) -> WithdrawalCourse:
    return withdrawal_course(ui.run(plan.scenario), plan.end_h)


def markers(plan: WithdrawalPlan) -> list[tuple[float, str]]:
    if plan.ending == "taper":
        return [(plan.end_h, "first taper step"), (plan.last_dose_h, "last dose")]
    names = {"abrupt": "stop", "failure": "catheter fails", "empty": "reservoir empty"}
    out = [(plan.end_h, names[plan.ending])] if plan.ends else []
    if plan.ending == "empty":
        out.insert(0, (0.0, "reservoir filled"))
    if plan.restart_h is not None:
        out.append((plan.restart_h, "pump restarts"))
    return out


def key_numbers(c: WithdrawalCourse, plan: WithdrawalPlan) -> None:
    # On a projector five numbers do not fit in one row: the reservoir gets a row of its own.
    extra = plan.empty_days is not None and not ui.presentation()
    cols = st.columns([2.4, 1, 1, 1, 1] if extra else [2.4, 1, 1, 1])  # room for "life-threatening"
    cols[0].metric(
        "Stage reached",
        c.peak_stage_name,
        help=f"Highest withdrawal stage after the end (index {c.peak_index:.2f}; stages are a teaching assumption).",
    )
    cols[1].metric(
        "Onset", fmt.hours(c.onset_h), help=f"First time at stage 'moderate' or above, counted from {plan.end_words}."
    )
    cols[2].metric(
        "Peak at",
        fmt.hours(c.time_to_peak_h, "-"),
        help=f"Time of the highest severity index, counted from {plan.end_words}.",
    )
    cols[3].metric("Above mild", f"{c.hours_above_mild:.0f} h", help="Total time at stage 'moderate' or above.")
    if plan.empty_days is not None:
        where = cols[4] if extra else st.columns(4)[0]
        where.metric(
            "Reservoir empty",
            f"day {plan.empty_days:.1f}" if plan.empty_days < 100 else f"day {plan.empty_days:.0f}",
            help="Content (volume x concentration) divided by the daily dose; filled at time 0.",
        )


def notice(plan: WithdrawalPlan, c: WithdrawalCourse, v: dict) -> str:
    """The sentence under the timelines: what to look at, and the mechanism behind it."""
    peak = fmt.hours(c.time_to_peak_h, "-")
    site = "spinal cord" if c.dominant_site == "spinal" else "brain"
    if plan.ending == "taper":
        last = taper_regimen(v).last_level_percent
        where = (
            f"the run peaks at **{c.peak_stage_name}**, {peak} after the first step"
            if c.peak_stage
            else "severity stays at **none** throughout"
        )
        return (
            f"**What to notice:** each step lowers the drug level within hours, and adaptation follows within "
            f"days, so the unopposed counter-regulation stays small: {where}. The last step (from {last:.0f} % "
            "of the starting dose to nothing) is where any remaining withdrawal shows."
        )
    falls = [
        f"{name} falls to a tenth of its level within **{fmt.hours(h)}**"
        for name, h in (("lumbar CSF", c.lumbar_tenth_h), ("plasma", c.plasma_tenth_h))
        if h is not None
    ]
    drug = " and ".join(falls) if falls else "the drug levels stay up"
    return (
        f"**What to notice:** after {plan.end_words}, {drug}, but adaptation takes days to reverse. While "
        "adaptation is still high and the drug is gone, the counter-regulation is unopposed and severity "
        f"climbs; it peaks **{peak}** after the end, mostly at the **{site}**. Spasticity relief falls at the "
        "same time: rebound spasticity."
    )


def symptoms_table(c: WithdrawalCourse) -> None:
    text = symptoms_by_site(c.site_stage)
    names = {"spinal": "**Spinal cord**", "supraspinal": "**Brain (supraspinal)**"}
    lines = []
    for site in SITES:
        stage = WITHDRAWAL_STAGES[c.site_stage[site]]
        lines.append(f"- {names[site]} - {stage}: {text[site] or 'no symptoms expected'}")
    st.markdown("\n".join(lines))
    if c.systemic:
        st.error(
            "This run reaches the stages with **systemic signs** (high fever, muscle breakdown, organ "
            "failure): clinically a medical emergency.",
            icon=":material/emergency:",
        )
    else:
        st.caption(
            "Systemic signs (high fever, muscle breakdown, clotting and organ failure) belong to the "
            "severe stages; this run stays below them."
        )


st.title("Withdrawal & tapering")
if not ui.presentation():  # on a projector the numbers and the chart come first
    st.markdown(
        "What happens when baclofen stops. Choose the route, the dose and how the therapy ends; the charts "
        "count time from the end. **Blue = spinal cord, red = brain**; the route's colour (orange oral, "
        "blue intrathecal) marks the drug levels."
    )
ui.load_page_state(SCHEMA)

current = SCHEMA.values(st)
enabled = applicable(current)
GROUPS = (
    ("**Therapy**", ("route", "it_ug", "oral_mg", "oral_per_day", "days_on")),
    ("**How it ends**", ("ending", "taper_pct", "taper_every")),
    ("**Pump and rescue** (intrathecal)", ("conc", "volume", "restart_h", "oral_cover")),
)
# On a projector the charts come first: the settings fold away (the scenario title says what is shown).
controls = st.expander("Settings", icon=":material/tune:") if ui.presentation() else st.container()
with controls:
    for col, (heading, keys) in zip(st.columns(3, border=True), GROUPS, strict=True):
        with col:
            st.markdown(heading)
            for key in keys:
                widget(SCHEMA, key, disabled=not enabled[key], **fmt_kw(key))
ui.save_page_state(SCHEMA)

values = SCHEMA.values(st)
present = ui.presentation()
plan = withdrawal_plan(values)
for note in plan.notes:
    st.info(note, icon=":material/info:")
table = ui.run(plan.scenario)
course = withdrawal_course(table, plan.end_h)
pair = abrupt_vs_taper(values)

with ui.panel("Key numbers"):
    st.subheader(plan.scenario.title)
    key_numbers(course, plan)
    facts = [f"Counted from {plan.end_words}."]
    if plan.empty_days is not None:
        facts.append(
            f"The reservoir ({values['volume']:g} mL x {values['conc']:g} µg/mL) was filled at time 0 "
            f"and lasts **{plan.empty_days:.1f} days** at {values['it_ug']:g} µg/day."
        )
    facts.append(
        f"Adaptation when the drug fell away: spinal {course.adaptation_at_end['spinal']:.2f}, brain "
        f"{course.adaptation_at_end['supraspinal']:.2f} (0 = none, 1 = full)."
    )
    st.caption(" ".join(facts))
    if plan.restart_h is not None or plan.cover:
        other = without_rescue(values)
        if other is not None:
            c0 = course_of(other)
            what = " and ".join(
                w for w, on in (("the pump restart", plan.restart_h is not None), ("the oral cover", plan.cover)) if on
            )
            st.info(
                f"Without {what}: stage **{c0.peak_stage_name}** (index {c0.peak_index:.2f}, onset "
                f"{fmt.hours(c0.onset_h)}); with it: **{course.peak_stage_name}** (index {course.peak_index:.2f}).",
                icon=":material/compare_arrows:",
            )

route = str(values["route"])
with ui.panel("Timelines"):
    if present:
        fig = timeline_figure(
            table,
            plan.end_h,
            ui.style(),
            ("severity",),
            route=route,
            markers=markers(plan),
            height=520,
            origin=plan.end_words,
        )
    else:
        fig = timeline_figure(table, plan.end_h, ui.style(), route=route, markers=markers(plan), origin=plan.end_words)
    ui.chart(
        fig,
        key="wd_timeline",
        alt="Drug levels, adaptation, withdrawal severity by site and spasticity "
        "relief over time, counted from the end of therapy",
    )
    st.markdown(notice(plan, course, values))

with ui.panel("Symptoms by site"):
    st.subheader("What the stage reached looks like")
    symptoms_table(course)

with ui.panel("Abrupt vs taper"):
    courses = {name: course_of(p) for name, p in pair.items()}
    reg = taper_regimen(values)
    taper_days = reg.duration_h / 24.0
    st.subheader("The same therapy: stopped abruptly, or tapered")
    left, right = st.columns(2, border=True)
    a, t = courses["abrupt"], courses["taper"]
    left.metric("Abrupt stop: stage reached", a.peak_stage_name)
    left.caption(f"Onset {fmt.hours(a.onset_h)}; {a.hours_above_mild:.0f} h above mild.")
    right.metric(
        f"Taper {values['taper_pct']:g} % every {values['taper_every']} days: stage reached", t.peak_stage_name
    )
    right.caption(
        f"{len(reg.levels())} steps over {taper_days:.0f} days; onset {fmt.hours(t.onset_h)}; "
        f"{t.hours_above_mild:.0f} h above mild."
    )
    runs = {
        "abrupt": (ui.run(pair["abrupt"].scenario), pair["abrupt"].end_h, f"Abrupt stop: peaks at {a.peak_stage_name}"),
        "taper": (
            ui.run(pair["taper"].scenario),
            pair["taper"].end_h,
            f"Taper over {taper_days:.0f} days: peaks at {t.peak_stage_name}",
        ),
    }
    ui.chart(
        severity_pair_figure(
            runs,
            ui.style(),
            markers={"taper": [(pair["taper"].last_dose_h, "last dose")]},
            origin="the stop or the first taper step",
        ),
        key="wd_pair",
        alt="Withdrawal severity by site after an abrupt stop and after a taper",
    )
    st.markdown(
        "**Why the taper helps:** each step removes only a little stimulation, and the receptors have "
        "days to re-adapt before the next one, so the unopposed counter-regulation stays small."
    )

if not present:
    with ui.panel("Explanations"), st.expander("Why withdrawal happens, and why the route matters", expanded=True):
        st.markdown(WHY)
    with ui.panel("Links"):
        path, qp = links.link(
            "compare",
            it_ug=f"{values['it_ug']:g}",
            oral_mg=f"{values['oral_mg']:g}",
            oral_per_day=values["oral_per_day"],
        )
        st.page_link(
            path, label="Compare the same doses on the two routes", query_params=qp, icon=":material/compare_arrows:"
        )
else:
    st.caption(
        "Severity stages are a teaching assumption. Symptoms begin 12-72 h after a stop and evolve over "
        "1-3 days; restarting the pump reverses them; tapering keeps them mild."
    )

with ui.panel("Downloads"), st.expander("Download these runs (JSON, CSV, SBML)"):
    st.markdown(f"**{plan.scenario.title}**")
    export_buttons(plan.scenario, key="wd_export")
    for name, p in pair.items():
        st.markdown(f"**Comparison, {name}:** {p.scenario.title}")
        export_buttons(p.scenario, key=f"wd_export_{name}")
