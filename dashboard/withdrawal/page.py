"""Withdrawal & tapering: what happens when baclofen stops, by route and by the way it ends."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import links, ui
from dashboard.exports import export_buttons
from dashboard.widgets import widget
from dashboard.withdrawal.figures import severity_pair_figure, timeline_figure
from dashboard.withdrawal.scenarios import (
    WithdrawalPlan,
    abrupt_vs_taper,
    applicable,
    taper_regimen,
    withdrawal_plan,
    without_rescue,
)
from dashboard.withdrawal.settings import GROUPS, SCHEMA, fmt_kw
from dashboard.withdrawal.text import WHY, notice
from pkmodels.pd import WITHDRAWAL_STAGES
from pkmodels.withdrawal import SITES, WithdrawalCourse, symptoms_by_site, withdrawal_course


def course_of(plan: WithdrawalPlan) -> WithdrawalCourse:
    return withdrawal_course(ui.run(plan.scenario), plan.end_h)


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
    panels = ("severity",) if present else ("conc", "adaptation", "severity", "relief")
    fig = timeline_figure(
        table,
        plan.end_h,
        ui.style(),
        panels,
        route=route,
        markers=plan.markers,
        height=520 if present else None,
        origin=plan.end_words,
    )
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

downloads = ui.folded("Download these runs (JSON, CSV, SBML)", key="wd_downloads")
with ui.panel("Downloads"), downloads:
    if downloads.open:
        st.markdown(f"**{plan.scenario.title}**")
        export_buttons(plan.scenario, key="wd_export")
        for name, p in pair.items():
            st.markdown(f"**Comparison, {name}:** {p.scenario.title}")
            export_buttons(p.scenario, key=f"wd_export_{name}")
