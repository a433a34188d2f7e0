"""Lecture: named scenes for a lecture hall.  Pick a scene, let the room predict one number, then reveal the
curves, the model's answer, how far the guess was, and the takeaway.

Scenes are data in ``pkmodels/data/scenes.json`` (see ``pkmodels.scenes``); every number comes from the
model.  The URL holds the scene and the step (``scene=<slug>&step=0|1``), so each scene has its own link;
guesses stay in the browser session only.

A class poll (``dashboard.lecture.poll``) lets the whole room answer on their phones (the join page): the
room follows this page's scene and step, the projector shows a live count, then the room's guesses at the
reveal.  In presentation mode the room's QR code sits at the top of the page while the room predicts, below
the answer once it is revealed.
"""

from __future__ import annotations

import math

import streamlit as st

from dashboard import format as fmt
from dashboard import ui
from dashboard.importer import import_panel
from dashboard.lecture import poll
from dashboard.lecture.figures import empty_frame, scene_figure
from dashboard.lecture.room import model_answer
from dashboard.lecture.settings import SCENE_KEY, SCHEMA, SLUGS
from dashboard.widgets import widget
from pkmodels.scenes import WELL_PREDICTED_PERCENT, guess_error, scene

PANEL_NAMES = {
    "plasma": "plasma",
    "csf": "lumbar, neck and cranial CSF",
    "cervical": "CSF at the neck",
    "relief": "leg spasticity relief",
    "relief_arms": "arm spasticity relief",
    "sedation": "sedation",
    "withdrawal": "withdrawal severity",
}


# ------------------------------------------------------------------ navigation (callbacks run before widgets)
def _go(delta: int) -> None:
    i = SLUGS.index(st.session_state.get(SCENE_KEY, SLUGS[0]))
    SCHEMA.set(st, scene=SLUGS[(i + delta) % len(SLUGS)], step=0)


def _set_step(step: int) -> None:
    SCHEMA.set(st, step=step)


ui.load_page_state(SCHEMA)
present = ui.presentation()
values = SCHEMA.values(st)  # after the callbacks, before the widgets: what the room should see
snap = poll.follow(values["scene"], int(values["step"]))
polling = snap is not None and not snap.ended
poll.header(snap, present=present)
# In presentation mode the room's QR code leads while the room predicts; after the reveal the answer and its chart
# lead (above a projector's fold) and the code follows them, for latecomers.
if present and snap is None and int(values["step"]) == 0:
    poll.room_link_panel(values["scene"], present=True)

nav = st.columns([1.3, 5, 1.3], vertical_alignment="bottom")
nav[0].button(
    "Back",
    icon=":material/arrow_back:",
    key="lec_prev",
    on_click=_go,
    args=(-1,),
    width="stretch",
    help="Previous scene",
)
with nav[1]:
    widget(
        SCHEMA,
        "scene",
        label="Lecture scene: predict, then reveal",
        on_change=_set_step,
        args=(0,),
        label_visibility="collapsed" if present else "visible",
    )
nav[2].button(
    "Next", icon=":material/arrow_forward:", key="lec_next", on_click=_go, args=(1,), width="stretch", help="Next scene"
)
ui.save_page_state(SCHEMA)

values = SCHEMA.values(st)
sc = scene(values["scene"])
step = int(values["step"])
unit = sc.predict.unit

st.markdown(f"### {sc.question}" if step == 0 else f"#### {sc.question}")


def guess_input(label: str) -> float | None:
    return st.number_input(
        f"{label} ({unit})",
        value=None,
        min_value=0.0,
        step=None,
        format="%g",
        key=f"lec_guess_{sc.slug}",
        persist_state="session",
        placeholder="a number",
    )


def show_answer() -> None:
    """Model answer, the guess and how far off it was, then the takeaway."""
    truth = model_answer(sc.slug)
    cols = st.columns([1, 1, 1.3], vertical_alignment="top")
    cols[0].metric(f"Model answer ({unit})", fmt.answer(truth), help=sc.predict.name)
    with cols[1]:
        guess = guess_input("Your guess")
    err = None if guess is None else guess_error(guess, truth)
    with cols[2]:
        if err is None:
            st.info("No guess entered: type one to see how close it was.", icon=":material/edit:")
        else:
            pct = f" ({err.percent:+.0f} %)" if math.isfinite(err.percent) else ""
            st.metric(
                f"Guess minus answer ({unit})",
                f"{'+' if err.absolute > 0 else ''}{fmt.answer(err.absolute)}{pct}",
                help="Your guess minus the model's answer; in brackets, as a percentage of the answer.",
            )
    if err is not None and err.well_predicted:
        st.success(f"Within {WELL_PREDICTED_PERCENT:.0f} %: well predicted.", icon=":material/check_circle:")
    elif err is not None:
        st.warning(
            f"More than {WELL_PREDICTED_PERCENT:.0f} % off: what did the model see that we did not?",
            icon=":material/psychology:",
        )
    st.caption(f"{sc.predict.name}, from the simulated runs below.")
    st.success(f"**Takeaway.** {sc.takeaway}", icon=":material/lightbulb:")


if step == 0:
    left, right = st.columns([3, 2] if not present else [1, 1], vertical_alignment="bottom")
    with left:
        if polling and snap is not None:
            poll.live_count(snap.code, sc.slug)
        else:
            guess_input("Your guess" if present else f"Your guess: {sc.predict.name}")
    with right:
        st.button(
            "Reveal",
            type="primary",
            icon=":material/visibility:",
            key="lec_reveal",
            on_click=_set_step,
            args=(1,),
            width="stretch",
        )
    with ui.panel("Empty frame"):
        ui.chart(
            empty_frame(sc, ui.style()),
            key="lec_frame",
            alt=f"Empty axes for the scene '{sc.title}'; the curves appear after the reveal",
        )
        st.caption(
            "What we will look at: "
            + ", ".join(PANEL_NAMES.get(p, p) for p in sc.panels)
            + ". Think about the mechanism (where the drug goes, what it acts on) before the reveal."
        )
else:
    if polling:
        with ui.panel("The room's answers"):
            poll.room_result(sc, model_answer(sc.slug), present=present)
    else:
        with ui.panel("Answer"):
            show_answer()
    with ui.panel("Time courses"):
        tables = {r.key: ui.run(r.scenario) for r in sc.runs}
        ui.chart(
            scene_figure(sc, tables, ui.style()),
            key="lec_chart",
            alt=f"Time courses for the scene '{sc.title}' with annotations",
        )
        st.markdown(f"**What to notice.** {sc.notice}")
        if not present:
            st.caption(
                "Numbers from a teaching model with labelled assumptions (see *Model & validation*); "
                "runs: " + "; ".join(f"{r.label} = {r.scenario.title}" for r in sc.runs) + "."
            )
    st.button("Hide the answer", icon=":material/visibility_off:", key="lec_hide", on_click=_set_step, args=(0,))

if present and snap is None and step == 1:
    poll.room_link_panel(values["scene"], present=True)
if not present:
    if snap is None:
        poll.room_link_panel(values["scene"], present=False)
    with st.expander("Open a scenario file (for instructors)", icon=":material/upload_file:"):
        st.caption(
            "Bring your own case: upload a scenario saved from any page or written by hand, and show its "
            "time courses here."
        )
        import_panel("lec_import")
