"""The instructor's side of a class poll, on the Lecture page: start, the room's QR code and join code, the
room following the instructor's screen, the live count, the room's guesses at the reveal, end, download.

The instructor secret is kept only in this browser session's ``st.session_state`` (the store keeps its
hash).  The scene and step of the room follow the Lecture page's own (URL) state: :func:`follow` runs on
every run of the page and writes a change to the store, so next, previous, the scene box, reveal and hide
all steer the room the same way.  Every store call is one short transaction; its errors are one-line
messages (:class:`~dashboard.classroom.errors.PollError`), shown as they are.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import streamlit as st

from dashboard import format as fmt
from dashboard import share, ui
from dashboard.classroom.errors import PollError
from dashboard.classroom.store import SessionSnapshot
from dashboard.classroom.summary import summarize
from dashboard.lecture.room import get_store
from dashboard.lecture.room_figures import room_figure
from dashboard.lecture.settings import SCHEMA
from dashboard.links import PAGE_PATHS
from pkmodels.scenes import WELL_PREDICTED_PERCENT, Scene

__all__ = [
    "CODE_KEY",
    "ENDED_KEY",
    "LIVE_EVERY_S",
    "SECRET_KEY",
    "active",
    "follow",
    "header",
    "live_count",
    "room_link_panel",
    "room_result",
    "start_button",
]

CODE_KEY = "poll_code"
SECRET_KEY = "poll_secret"  # noqa: S105 - the session-state key, not a secret
ENDED_KEY = "poll_ended"
ERROR_KEY = "poll_error"
LIVE_EVERY_S = 2.0  # the projector's count: one count query every 2 s
JOIN_PATH = PAGE_PATHS["join"]


def active() -> tuple[str, str] | None:
    """(code, secret) of this instructor's poll, or None."""
    code, secret = st.session_state.get(CODE_KEY), st.session_state.get(SECRET_KEY)
    return (code, secret) if isinstance(code, str) and isinstance(secret, str) else None


def ended() -> bool:
    return bool(st.session_state.get(ENDED_KEY, False))


def _clear() -> None:
    for key in (CODE_KEY, SECRET_KEY, ENDED_KEY):
        st.session_state.pop(key, None)


# ------------------------------------------------------------------ callbacks (run before the page)
def _start(slug: str) -> None:
    try:
        code, secret = get_store().create_session(slug)
    except PollError as exc:
        st.session_state[ERROR_KEY] = str(exc)
        return
    _clear()
    st.session_state[CODE_KEY], st.session_state[SECRET_KEY] = code, secret
    SCHEMA.set(st, step=0)  # the room answers first: a new poll opens the question


def _end() -> None:
    poll = active()
    if poll is None:
        return
    try:
        get_store().end(*poll)
    except PollError as exc:
        st.session_state[ERROR_KEY] = str(exc)
        return
    st.session_state[ENDED_KEY] = True


def _export(code: str, secret: str) -> str:
    """The session's anonymous answers as CSV (fetched when the button is clicked)."""
    try:
        return get_store().export_csv(code, secret)
    except PollError:
        return "scene,value,answered_at,student\n"


# ------------------------------------------------------------------ the room follows the instructor
def follow(slug: str, step: int) -> SessionSnapshot | None:
    """Bring the room to the instructor's scene and step; the session's state, or None without a live poll."""
    poll = active()
    if poll is None:
        return None
    code, secret = poll
    store = get_store()
    try:
        snap = store.get_session(code)
        if snap is None:
            _clear()
            st.warning(f"The class poll {code} has expired.", icon=":material/timer_off:")
            return None
        if snap.ended:
            st.session_state[ENDED_KEY] = True
            return snap
        if snap.scene != slug:
            snap = store.set_scene(code, secret, slug)
        if step == 1 and not snap.revealed:
            snap = store.reveal(code, secret)
        elif step == 0 and snap.revealed:
            snap = store.reopen(code, secret)
    except PollError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    return snap


# ------------------------------------------------------------------ drawing
def start_button(slug: str, *, present: bool) -> None:
    """ "Start a class poll" (creates a session showing ``slug`` with its question open)."""
    st.button(
        "Start a class poll",
        icon=":material/how_to_vote:",
        key="poll_start",
        on_click=_start,
        args=(slug,),
        type="secondary",
        width="stretch" if present else "content",
        help="The room answers this scene's question on their phones; you reveal when ready. "
        "No login and no personal data: each phone gets an anonymous id.",
    )


def _download(code: str, secret: str) -> None:
    st.download_button(
        "Answers (CSV)",
        data=functools.partial(_export, code, secret),
        file_name=f"class-poll-{code}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="poll_download",
        on_click="ignore",
        width="stretch",
        help="Anonymous: scene, value, time (UTC) and a student number within this poll.",
    )


def _join_address(link: str) -> str:
    """host/path of the join link, for people who type it (no scheme, no query)."""
    parts = urlsplit(link)
    return f"{parts.netloc}{parts.path}"


def _qr_beside(link: str | None, *, present: bool, caption: str) -> tuple:
    """Two columns: the QR code of ``link`` on the left (large on a projector); returns the right one."""
    qr_col, info = st.columns([1, 2.4] if present else [1, 3.2], vertical_alignment="center")
    with qr_col:
        if link is not None:
            st.image(share.qr_png(link, scale=10), width=210 if present else 170, caption=caption)
        else:
            st.caption("The QR code appears once the app's address is known.")
    return qr_col, info


def room_link_panel(slug: str, *, present: bool) -> None:
    """No poll yet: a large QR code of the room link (this scene at its predict step, no presentation mode),
    its link, and "Start a class poll"."""
    with st.expander("Room link: scan to follow on your phone", icon=":material/qr_code_2:", expanded=present):
        share.ask_base_if_needed(PAGE_PATHS["lecture"], "room")
        link = share.current_room_link(PAGE_PATHS["lecture"])
        _, info = _qr_beside(link, present=present, caption="Scan to follow on your phone")
        with info:
            st.markdown(
                "The link opens this scene's question on a phone. To collect the room's answers, start a "
                "class poll: the phones then follow your screen."
            )
            if link is not None:
                st.code(link, language=None, wrap_lines=True)
            start_button(slug, present=present)
        if link is not None:
            share.reachability_warning(link)


def header(snap: SessionSnapshot | None, *, present: bool) -> None:
    """Top of the Lecture page during a poll: the room's QR code, the join code in large type, the link,
    End poll and the download (the live count sits beside Reveal, see :func:`live_count`)."""
    if (message := st.session_state.pop(ERROR_KEY, None)) is not None:
        st.error(message, icon=":material/error:")
    poll = active()
    if poll is None or snap is None:
        return
    code, secret = poll
    if snap.ended:
        with st.container(border=True, key="poll_room"):
            text, download, close = st.columns([3, 1.3, 1], vertical_alignment="center")
            text.markdown(
                f"**The class poll {code} has ended.** {snap.students} students answered; the answers can be "
                "downloaded until the day is over."
            )
            with download:
                _download(code, secret)
            close.button("Close", key="poll_close", on_click=_clear, width="stretch", icon=":material/close:")
        return
    with st.expander(f"Class poll {code}: join on your phone", icon=":material/how_to_vote:", expanded=True):
        share.ask_base_if_needed(JOIN_PATH, "poll")
        link = share.current_room_link(JOIN_PATH, {"code": code})
        _, info = _qr_beside(link, present=present, caption="Scan to join the class poll")
        with info:
            if link is not None:
                st.markdown(f"Scan the QR code, or open **{_join_address(link)}** and type the code")
            st.title(code, anchor=False)
            if link is not None:
                st.code(link, language=None, wrap_lines=True)
            end, download = st.columns(2, vertical_alignment="bottom")
            end.button(
                "End poll",
                icon=":material/stop_circle:",
                key="poll_end",
                on_click=_end,
                width="stretch",
                help="No more answers; the download stays available until the day is over.",
            )
            with download:
                _download(code, secret)
        if link is not None:
            share.reachability_warning(link)


@st.fragment(run_every=LIVE_EVERY_S)
def live_count(code: str, slug: str) -> None:
    """The number of answers to the open question, refreshed every :data:`LIVE_EVERY_S` seconds."""
    try:
        n = get_store().count(code, slug)
    except PollError as exc:
        st.caption(str(exc))
        return
    st.metric("Answers so far", n, help="Students who have answered this question (refreshed every 2 s).")


def room_result(sc: Scene, truth: float, *, present: bool) -> None:
    """At the reveal: the room's guesses beside the model's answer, their median and share within 20 %,
    then the takeaway."""
    poll = active()
    if poll is None:
        return
    try:
        values = get_store().answers(poll[0], sc.slug)
    except PollError as exc:
        st.error(str(exc), icon=":material/error:")
        values = []
    unit = sc.predict.unit
    summary = summarize(values, truth)
    plot, numbers = st.columns([2.2, 1] if present else [2.6, 1], vertical_alignment="center")
    with plot:
        ui.chart(
            room_figure(values, truth, unit, ui.style()),
            key="poll_room_chart",
            alt=f"The room's {summary.n} guesses as dots, beside the model's answer of {fmt.answer(truth)} {unit}",
        )
    with numbers:
        st.metric(f"Model answer ({unit})", fmt.answer(truth), help=sc.predict.name)
        ui.metric_with_note(
            st,
            f"Room median ({unit})",
            fmt.answer(summary.median) if summary.median is not None else "-",
            f"{summary.n} answer{'s' if summary.n != 1 else ''}",
        )
        ui.metric_with_note(
            st,
            f"Within {WELL_PREDICTED_PERCENT:.0f} %",
            fmt.share(summary.share_within),
            f"{summary.n_within} of {summary.n}",
            help=f"Guesses within {WELL_PREDICTED_PERCENT:.0f} % of the model's answer (the green band).",
        )
    st.success(f"**Takeaway.** {sc.takeaway}", icon=":material/lightbulb:")
