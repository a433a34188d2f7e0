"""Join a class poll: the students' page, made for a phone.  Opened by the room's link or QR code
(``/join?code=ABCDE``) or by typing the code shown on the projector.

It shows the question of the scene the instructor is on and one answer box (with the unit); the answer can
be changed until the reveal.  After the reveal: the model's answer, the student's own answer and how far
off it was, and the takeaway.  The page follows the instructor by itself: a small fragment reads the
session's row (one primary-key query) every :data:`WATCH_EVERY_S` seconds and reruns the page when the
scene, the step or the end changed.

No login and no personal data: the student is an anonymous random id of this browser session; the answers
typed here stay in this session (to show "your answer") and in the store under that id.  What is typed is
parsed as one plain number (``dashboard.lecture.room.check_answer``), never evaluated; a bad value gets a
message and stores nothing.  An unknown or expired code gets "not found or expired" and nothing more.
"""

from __future__ import annotations

import math

import streamlit as st

from dashboard import format as fmt
from dashboard.classroom import codes
from dashboard.classroom.errors import PollError, PollInputError, QuestionClosed
from dashboard.classroom.store import SessionSnapshot
from dashboard.join.settings import CODE_KEY
from dashboard.lecture.room import check_answer, check_code, get_store, model_answer
from pkmodels.scenes import WELL_PREDICTED_PERCENT, Scene, guess_error, scene

STUDENT_KEY = "join_student"  # this browser session's anonymous id
ANSWERS_KEY = "join_answers"  # "CODE:scene" -> this session's own answer (to show it back)
SENT_KEY = "join_sent"  # "CODE:scene" just sent: the next run confirms it
SEEN_KEY = "join_seen"  # (scene, step, ended) the page was drawn for; the watcher compares
WATCH_EVERY_S = 3.0
NOT_FOUND = "Class session not found or expired."


def _seen(snap: SessionSnapshot | None) -> tuple[str, int, bool] | None:
    return None if snap is None else (snap.scene, snap.step, snap.ended)


def _mine(code: str, slug: str) -> float | None:
    return st.session_state.get(ANSWERS_KEY, {}).get(f"{code}:{slug}")


def _keep(code: str, slug: str, value: float) -> None:
    st.session_state[ANSWERS_KEY] = {**st.session_state.get(ANSWERS_KEY, {}), f"{code}:{slug}": value}


@st.fragment(run_every=WATCH_EVERY_S)
def watch(code: str) -> None:
    """Rerun the page when the instructor has moved (another scene, the reveal, the end) or it expired."""
    try:
        snap = get_store().get_session(code)
    except PollError:
        st.caption("Reconnecting to the class poll...")
        return
    if _seen(snap) != st.session_state.get(SEEN_KEY):
        st.rerun()
    st.caption("Live: this page follows the instructor's screen by itself.")


def code_form(message: str | None = None) -> None:
    """A box for the code shown on the projector (and the message of a refused one)."""
    if message:
        st.error(message, icon=":material/error:")
    with st.form("join_code_form", border=False, enter_to_submit=True):
        typed = st.text_input("Class code", max_chars=40, placeholder="the code on the screen", key="join_code_box")
        go = st.form_submit_button("Join", type="primary", width="stretch", icon=":material/login:")
    if go:
        try:
            code = check_code(typed)
        except PollInputError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.query_params[CODE_KEY] = code
        st.rerun()


def ask(code: str, sc: Scene, student: str) -> None:
    """The open question: one answer box and Send (or Change my answer)."""
    unit = sc.predict.unit
    mine = _mine(code, sc.slug)
    with st.form(f"join_form_{sc.slug}", border=False, enter_to_submit=True):
        raw = st.text_input(
            f"Your answer ({unit})",
            key=f"join_box_{code}_{sc.slug}",
            max_chars=32,
            placeholder="one number, e.g. 12.5",
            help=sc.predict.name,
        )
        sent = st.form_submit_button(
            "Change my answer" if mine is not None else "Send",
            type="primary",
            width="stretch",
            icon=":material/send:",
            key="join_send",
        )
    if sent:
        try:
            value = check_answer(raw, sc)
            get_store().submit(code, student, sc.slug, value)
        except QuestionClosed as exc:
            st.warning(str(exc), icon=":material/lock:")
            return
        except PollError as exc:  # a bad number (PollInputError), too fast, full, ended, the store
            st.error(str(exc), icon=":material/error:")
            if mine is not None:
                st.caption(f"Your answer stays {fmt.answer(mine)} {unit}.")
            return
        _keep(code, sc.slug, value)
        st.session_state[SENT_KEY] = f"{code}:{sc.slug}"
        st.rerun()  # redraw with "Change my answer" and the confirmation
    elif st.session_state.pop(SENT_KEY, None) == f"{code}:{sc.slug}" and mine is not None:
        st.success(
            f"Answer sent: **{fmt.answer(mine)} {unit}**. You can change it until the reveal.",
            icon=":material/check_circle:",
        )
    elif mine is not None:
        st.info(
            f"Your answer: **{fmt.answer(mine)} {unit}**. You can change it until the reveal.", icon=":material/edit:"
        )


def reveal(code: str, sc: Scene) -> None:
    """After the reveal: the model's answer, this student's answer and how far off, the takeaway."""
    unit = sc.predict.unit
    truth = model_answer(sc.slug)
    mine = _mine(code, sc.slug)
    st.metric(f"Model answer ({unit})", fmt.answer(truth), help=sc.predict.name)
    if mine is None:
        st.info("You did not answer this question.", icon=":material/info:")
    else:
        err = guess_error(mine, truth)
        pct = f" ({err.percent:+.0f} %)" if math.isfinite(err.percent) else ""
        left, right = st.columns(2)
        left.metric(f"Your answer ({unit})", fmt.answer(mine))
        right.metric(
            "Off by",
            f"{'+' if err.absolute > 0 else ''}{fmt.answer(err.absolute)}{pct}",
            help="Your answer minus the model's; in brackets, as a percentage of the model's answer.",
        )
        if err.well_predicted:
            st.success(f"Within {WELL_PREDICTED_PERCENT:.0f} %: well predicted.", icon=":material/check_circle:")
        else:
            st.warning(
                f"More than {WELL_PREDICTED_PERCENT:.0f} % off: what did the model see?", icon=":material/psychology:"
            )
    st.success(f"**Takeaway.** {sc.takeaway}", icon=":material/lightbulb:")
    st.caption("The next question appears here by itself.")


def main() -> None:
    student = st.session_state.setdefault(STUDENT_KEY, codes.new_student_id())
    st.subheader("Class poll", anchor=False)
    raw = st.query_params.get_all(CODE_KEY)
    if not raw:
        code_form()
        return
    try:
        code = check_code(raw)
    except PollInputError as exc:
        code_form(str(exc))
        return
    try:
        snap = get_store().get_session(code)
    except PollError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    if snap is None:
        code_form(NOT_FOUND)
        return
    if raw != [code]:
        st.query_params[CODE_KEY] = code  # the canonical form (upper case, look-alikes mapped)
    st.session_state[SEEN_KEY] = _seen(snap)
    if snap.ended:
        st.info("This class poll has ended. Thank you for taking part!", icon=":material/celebration:")
        return
    try:
        sc = scene(snap.scene)
    except KeyError:
        sc = None
    if sc is None:
        st.info("Waiting for the next question...", icon=":material/hourglass_top:")
    else:
        st.caption(f"Code {code} · {sc.title}")
        st.markdown(f"#### {sc.question}")
        if snap.revealed:
            reveal(code, sc)
        else:
            ask(code, sc, student)
    watch(code)


main()
