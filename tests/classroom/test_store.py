"""The class poll store, the same tests against SQLite and PostgreSQL (``backend`` fixture).

What is stored is read back with the driver itself (``raw``), not with the store's own queries; times come
from a fake clock, so expiry and rate limits never depend on how fast the machine is.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.classroom.codes import ALPHABET
from dashboard.classroom.errors import (
    ClassFull,
    NotInstructor,
    PollInputError,
    QuestionClosed,
    RateLimited,
    SessionEnded,
    SessionNotFound,
)
from dashboard.classroom.store import Limits, SessionSnapshot

from .conftest import T0, student

DAY = 86_400.0
HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def answer_rows(raw, code):
    return raw("SELECT scene, student_id, value FROM class_answer WHERE code = ? ORDER BY scene, student_id", (code,))


# ------------------------------------------------------------------------------------------- sessions
def test_create_and_get(store, raw, clock):
    code, secret = store.create_session("csf-barrier")
    assert len(code) == 5
    assert set(code) <= set(ALPHABET)
    assert store.get_session(code) == SessionSnapshot(
        code=code, scene="csf-barrier", step=0, ended=False, version=1, answer_seq=0, students=0, answers=0,
        created_at=T0, updated_at=T0, expires_at=T0 + DAY,
    )  # fmt: skip
    assert store.get_session(code.lower()) == store.get_session(code)  # what a student types is normalised
    # only the hash of the secret is stored, nowhere the secret itself
    [(stored,)] = raw("SELECT secret_hash FROM class_session WHERE code = ?", (code,))
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    everything = " ".join(str(v) for row in raw("SELECT * FROM class_session") for v in row)
    assert secret not in everything


def test_two_sessions_get_different_codes_and_secrets(store):
    a, b = store.create_session("taper"), store.create_session("taper")
    assert a[0] != b[0]
    assert a[1] != b[1]


def test_a_code_already_taken_is_drawn_again(make_store, clock):
    drawn = iter(["ACEFH", "ACEFH", "ACEFH", "KMNPR"])
    store = make_store(clock=clock, code_factory=lambda: next(drawn))
    first, _first_secret = store.create_session("taper")
    second, second_secret = store.create_session("kidneys")
    assert (first, second) == ("ACEFH", "KMNPR")
    assert store.get_session("ACEFH").scene == "taper"
    assert store.get_session("KMNPR").scene == "kidneys"
    with pytest.raises(NotInstructor):
        store.reveal("ACEFH", second_secret)


def test_unknown_and_malformed_codes(store):
    store.create_session("taper")
    assert store.get_session("WXYWX") is None
    for bad in ["", "O0O0O", "AB", "x" * 1000, None]:
        with pytest.raises(PollInputError):
            store.get_session(bad)


@pytest.mark.parametrize("bad", ["", "Taper", "taper ", "a" * 41, "tap'er", "taper;drop", None, 3])
def test_create_session_needs_a_scene_slug(store, bad):
    with pytest.raises(PollInputError):
        store.create_session(bad)


def test_a_session_expires_after_a_day(store, clock):
    code, secret = store.create_session("taper")
    store.submit(code, student(1), "taper", 4.0)
    clock.advance(DAY - 1)
    assert store.get_session(code) is not None
    assert store.count(code, "taper") == 1
    clock.advance(1)
    assert store.get_session(code) is None
    for call in [lambda: store.count(code, "taper"), lambda: store.answers(code, "taper"),
                 lambda: store.submit(code, student(2), "taper", 1.0), lambda: store.reveal(code, secret),
                 lambda: store.export_csv(code, secret)]:  # fmt: skip
        with pytest.raises(SessionNotFound, match="not found or expired"):
            call()


def test_purge_deletes_expired_sessions_with_their_answers(store, raw, clock):
    old, _ = store.create_session("taper")
    store.submit(old, student(1), "taper", 1.0)
    clock.advance(12 * 3600)
    young, _ = store.create_session("taper")
    store.submit(young, student(1), "taper", 2.0)
    assert store.purge_expired(T0 + DAY - 1) == 0
    assert store.purge_expired(T0 + DAY) == 1
    for table in ["class_session", "class_student", "class_answer"]:
        assert raw(f"SELECT code FROM {table}") == [(young,)], table
    assert store.get_session(young).students == 1


def test_expired_sessions_are_purged_at_most_once_a_minute(store, raw, clock):
    calls = []
    real = store.purge_expired
    store.purge_expired = lambda now=None: calls.append(now) or real(now)
    code, _ = store.create_session("taper")  # the store purged when it opened, a moment ago
    for _ in range(5):
        store.get_session(code)
    assert calls == []
    clock.advance(60)
    store.get_session(code)
    store.create_session("taper")
    assert calls == [T0 + 60]
    clock.advance(DAY)  # the first two sessions are now expired: the next look purges them
    store.get_session(code)
    assert calls == [T0 + 60, T0 + 60 + DAY]
    assert raw("SELECT COUNT(*) FROM class_session") == [(0,)]


def test_opening_a_store_purges(make_store, raw, clock):
    first = make_store(clock=clock)
    first.create_session("taper")
    clock.advance(DAY)
    make_store(clock=clock)
    assert raw("SELECT COUNT(*) FROM class_session") == [(0,)]


# ------------------------------------------------------------------------------------------- instructor
def test_the_instructor_steers_the_room(store, clock):
    code, secret = store.create_session("csf-barrier")
    clock.advance(5)
    s = store.set_scene(code, secret, "hundredth-dose")
    assert (s.scene, s.step, s.version, s.updated_at) == ("hundredth-dose", 0, 2, T0 + 5)
    s = store.reveal(code, secret)
    assert (s.scene, s.step, s.version, s.revealed, s.is_open) == ("hundredth-dose", 1, 3, True, False)
    assert store.reveal(code, secret).version == 3  # nothing changed: no new version for clients to fetch
    s = store.reopen(code, secret)
    assert (s.step, s.version) == (0, 4)
    s = store.set_scene(code, secret, "csf-barrier")  # back
    assert (s.scene, s.step, s.version) == ("csf-barrier", 0, 5)
    store.reveal(code, secret)
    s = store.set_scene(code, secret, "csf-barrier")  # the same scene again: reopened
    assert (s.step, s.version) == (0, 7)
    s = store.end(code, secret)
    assert (s.ended, s.version, s.is_open) == (True, 8, False)
    assert store.end(code, secret) == s  # ending twice is harmless
    for op in [lambda: store.set_scene(code, secret, "taper"), lambda: store.reveal(code, secret),
               lambda: store.reopen(code, secret)]:  # fmt: skip
        with pytest.raises(SessionEnded):
            op()
    assert store.get_session(code) == s


INSTRUCTOR_OPS = {
    "set_scene": lambda store, code, secret: store.set_scene(code, secret, "taper"),
    "reveal": lambda store, code, secret: store.reveal(code, secret),
    "reopen": lambda store, code, secret: store.reopen(code, secret),
    "end": lambda store, code, secret: store.end(code, secret),
    "export_csv": lambda store, code, secret: store.export_csv(code, secret),
}


@pytest.mark.parametrize("op", sorted(INSTRUCTOR_OPS))
def test_a_wrong_secret_is_rejected_for_every_instructor_operation(store, raw, op):
    code, secret = store.create_session("csf-barrier")
    store.submit(code, student(1), "csf-barrier", 1.0)
    if op == "reopen":
        store.reveal(code, secret)
    other_code, other_secret = store.create_session("csf-barrier")
    before = raw("SELECT * FROM class_session ORDER BY code")
    [(stored_hash,)] = raw("SELECT secret_hash FROM class_session WHERE code = ?", (code,))
    wrong = [other_secret, secret[:-1], secret + "A", secret.swapcase(), "", " ", stored_hash, None, 0,
             b"secret", "x" * 10_000]  # fmt: skip
    for bad in wrong:
        with pytest.raises(NotInstructor):
            INSTRUCTOR_OPS[op](store, code, bad)
    with pytest.raises(NotInstructor):  # the right secret for another session
        INSTRUCTOR_OPS[op](store, other_code, secret)
    assert raw("SELECT * FROM class_session ORDER BY code") == before
    INSTRUCTOR_OPS[op](store, code, secret)  # and the right one works


def test_a_student_editing_the_url_cannot_steer_or_answer_a_closed_question(store, raw, clock):
    code, secret = store.create_session("csf-barrier")
    store.submit(code, student(1), "csf-barrier", 5.0)
    clock.advance(2)
    # a student who edits the scene in the URL: another scene's question is not open
    with pytest.raises(QuestionClosed, match="moved to another scene"):
        store.submit(code, student(1), "hundredth-dose", 7.0)
    with pytest.raises(QuestionClosed):
        store.submit(code, student(2), "hundredth-dose", 7.0)
    # ... nor can they move the room there without the secret
    with pytest.raises(NotInstructor):
        store.set_scene(code, "guess", "hundredth-dose")
    store.reveal(code, secret)
    with pytest.raises(QuestionClosed, match="revealed"):
        store.submit(code, student(1), "csf-barrier", 6.0)
    with pytest.raises(QuestionClosed, match="revealed"):
        store.submit(code, student(3), "csf-barrier", 6.0)
    # an edited code: another well-formed code has no session
    with pytest.raises(SessionNotFound):
        store.submit("WXYWX" if code != "WXYWX" else "XYWXY", student(1), "csf-barrier", 6.0)
    store.reopen(code, secret)
    store.end(code, secret)
    with pytest.raises(SessionEnded):
        store.submit(code, student(1), "csf-barrier", 6.0)
    assert answer_rows(raw, code) == [("csf-barrier", student(1), 5.0)]
    assert store.get_session(code).answer_seq == 1


# ------------------------------------------------------------------------------------------- answers
def test_a_changed_answer_replaces_the_old_one(store, raw, clock):
    code, _secret = store.create_session("taper")
    assert store.submit(code, student(1), "taper", 10.0) is False
    store.submit(code, student(2), "taper", 20.0)
    clock.advance(5)
    assert store.submit(code, student(1), "taper", 12.0) is True
    assert answer_rows(raw, code) == [("taper", student(1), 12.0), ("taper", student(2), 20.0)]
    assert raw("SELECT created_at, updated_at FROM class_answer WHERE student_id = ?", (student(1),)) == [(T0, T0 + 5)]
    assert store.count(code, "taper") == 2
    assert store.answers(code, "taper") == [12.0, 20.0]
    s = store.get_session(code)
    assert (s.students, s.answers, s.answer_seq) == (2, 2, 3)


def test_each_scene_has_its_own_answers(store, raw, clock):
    code, secret = store.create_session("taper")
    store.submit(code, student(1), "taper", 1.0)
    store.set_scene(code, secret, "kidneys")
    clock.advance(2)
    store.submit(code, student(1), "kidneys", 2.0)
    store.submit(code, student(2), "kidneys", 3.0)
    store.set_scene(code, secret, "taper")  # back: the earlier answers are still there, and may change
    assert store.answers(code, "taper") == [1.0]
    clock.advance(2)
    store.submit(code, student(1), "taper", 1.5)
    assert store.answers(code, "taper") == [1.5]
    assert store.answers(code, "kidneys") == [2.0, 3.0]
    assert (store.count(code, "taper"), store.count(code, "kidneys"), store.count(code, "drowsiness")) == (1, 2, 0)
    assert len(answer_rows(raw, code)) == 3
    assert store.get_session(code).students == 2


def test_summary_of_the_room(store, clock):
    code, _secret = store.create_session("taper")
    for i, v in enumerate([30, 8, 12, 10, 13]):
        store.submit(code, student(i), "taper", v)
    s = store.summary(code, "taper", model_answer=10)
    assert (s.n, s.median, s.n_within, s.share_within) == (5, 12.0, 3, 0.6)
    empty = store.summary(code, "kidneys", model_answer=10)
    assert (empty.n, empty.median, empty.share_within) == (0, None, None)


def test_export_csv_is_anonymous(store, clock):
    code, secret = store.create_session("taper")
    store.submit(code, student(7), "taper", 2.5)
    clock.advance(60)
    store.submit(code, student(3), "taper", 40.0)
    clock.advance(60)
    store.submit(code, student(7), "taper", 3.0)  # changed: its time is the change's
    store.set_scene(code, secret, "kidneys")
    clock.advance(5)
    store.submit(code, student(3), "kidneys", 0.125)
    store.end(code, secret)  # the export still works after the end
    csv_text = store.export_csv(code, secret)
    assert csv_text == (
        "scene,value,answered_at,student\n"
        "taper,40.0,2027-01-15T08:01:00Z,2\n"
        "taper,3.0,2027-01-15T08:02:00Z,1\n"
        "kidneys,0.125,2027-01-15T08:02:05Z,2\n"
    )
    assert "student-" not in csv_text


# ------------------------------------------------------------------------------------------- limits
def test_rate_limit_per_student(store, raw, clock):
    code, _ = store.create_session("taper")
    store.submit(code, student(1), "taper", 1.0)
    clock.advance(0.5)
    with pytest.raises(RateLimited, match="Wait a second"):
        store.submit(code, student(1), "taper", 2.0)
    store.submit(code, student(2), "taper", 2.0)  # another student is not held up
    clock.advance(0.5)
    store.submit(code, student(1), "taper", 3.0)  # a second after the first: accepted
    for i in range(18):  # 20 in the minute that started at T0
        clock.advance(1)
        store.submit(code, student(1), "taper", 4.0 + i)
    clock.advance(1)
    assert clock() == T0 + 20
    with pytest.raises(RateLimited, match="Too many"):
        store.submit(code, student(1), "taper", 99.0)
    clock.advance(39.5)  # binary fractions: the clock lands exactly on T0 + 60 below
    with pytest.raises(RateLimited, match="Too many"):
        store.submit(code, student(1), "taper", 99.0)
    clock.advance(0.5)  # T0 + 60: a new minute
    store.submit(code, student(1), "taper", 50.0)
    assert answer_rows(raw, code) == [("taper", student(1), 50.0), ("taper", student(2), 2.0)]
    assert store.get_session(code).answer_seq == 22  # refused submits left no trace


def test_the_rate_limit_is_in_the_database_not_in_one_process(make_store, clock):
    a, b = make_store(clock=clock), make_store(clock=clock)  # two replicas on one database
    code, _ = a.create_session("taper")
    a.submit(code, student(1), "taper", 1.0)
    clock.advance(0.5)
    with pytest.raises(RateLimited):
        b.submit(code, student(1), "taper", 2.0)
    clock.advance(0.5)
    b.submit(code, student(1), "taper", 2.0)
    assert a.answers(code, "taper") == [2.0]


def test_default_limits():
    assert Limits() == Limits(min_interval_s=1.0, per_window=20, window_s=60.0, max_students=1000, max_answers=5000,
                              ttl_s=24 * 3600.0, purge_every_s=60.0)  # fmt: skip


def test_class_caps(make_store, raw, clock):
    store = make_store(clock=clock, limits=Limits(max_students=3, max_answers=4))
    code, secret = store.create_session("taper")
    for i in range(3):
        store.submit(code, student(i), "taper", float(i))
    with pytest.raises(ClassFull, match="3 students"):
        store.submit(code, student(3), "taper", 3.0)
    clock.advance(2)
    store.submit(code, student(0), "taper", 10.0)  # changing an answer is always allowed
    store.set_scene(code, secret, "kidneys")
    clock.advance(2)
    store.submit(code, student(0), "kidneys", 1.0)  # the 4th answer row
    with pytest.raises(ClassFull, match="4 answers"):
        store.submit(code, student(1), "kidneys", 1.0)
    clock.advance(2)
    store.submit(code, student(0), "kidneys", 2.0)  # a change is not a new row
    assert raw("SELECT COUNT(*) FROM class_answer") == [(4,)]
    assert raw("SELECT COUNT(*) FROM class_student") == [(3,)]
    other, _ = store.create_session("taper")  # the caps are per session
    store.submit(other, student(3), "taper", 1.0)


# ------------------------------------------------------------------------------------------- hostile input
@HYPOTHESIS
@given(
    sid=st.one_of(st.text(max_size=80), st.just("a" * 15), st.just("a" * 65), st.none(), st.integers()),
    scene=st.one_of(st.text(max_size=50).filter(lambda x: x != "taper"), st.none(), st.floats(),
                    st.sampled_from(["taper\x00", "Taper", "kidneys"])),
    value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), st.none(),
                    st.booleans(), st.integers(min_value=-(10**400), max_value=10**400), st.just(1e13)),
)  # fmt: skip
def test_hostile_submits_raise_only_poll_input_errors_and_store_nothing(store, raw, sid, scene, value):
    code, _ = _session(store)
    if not (isinstance(sid, str) and re.fullmatch(r"[A-Za-z0-9_-]{16,64}", sid)):  # else a valid id
        with pytest.raises(PollInputError):
            store.submit(code, sid, "taper", 1.0)
    if isinstance(scene, str) and re.fullmatch(r"[a-z0-9-]{1,40}", scene):  # a well-formed slug
        with pytest.raises(QuestionClosed):  # another scene than the open one ("taper" is never drawn)
            store.submit(code, student(1), scene, 1.0)
    else:
        with pytest.raises(PollInputError):
            store.submit(code, student(1), scene, 1.0)
    if not _plain_number(value):  # else a valid answer
        with pytest.raises(PollInputError):
            store.submit(code, student(1), "taper", value)
    assert raw("SELECT COUNT(*) FROM class_answer") == [(0,)]
    assert raw("SELECT COUNT(*) FROM class_student") == [(0,)]


@HYPOTHESIS
@given(code=st.one_of(st.text(max_size=60), st.text(st.sampled_from(list(ALPHABET + "0O1ILgu -")), max_size=8)))
def test_hostile_codes_raise_only_poll_input_errors_or_not_found_and_store_nothing(store, raw, code):
    real, _secret = _session(store)
    try:
        found = store.get_session(code)
    except PollInputError:
        found = None
    assert found is None or found.code == real
    with pytest.raises((PollInputError, SessionNotFound, NotInstructor)):
        store.reveal(code, "not the secret")
    if found is None:
        with pytest.raises((PollInputError, SessionNotFound)):
            store.submit(code, student(9), "taper", 1.0)
    assert raw("SELECT COUNT(*) FROM class_answer") == [(0,)]
    assert store.get_session(real).version == 1


def _session(store):
    """One session per test function (hypothesis calls the test body many times)."""
    if not hasattr(store, "_test_session"):
        store._test_session = store.create_session("taper")
    return store._test_session


def _plain_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= 1e12


# ------------------------------------------------------------------------------------------- restart
def test_closing_and_reopening_keeps_sessions_and_answers(make_store, clock):
    first = make_store(clock=clock)
    code, secret = first.create_session("taper")
    first.submit(code, student(1), "taper", 1.5)
    first.submit(code, student(2), "taper", 2.5)
    first.reveal(code, secret)
    first.close()
    second = make_store(clock=clock)
    s = second.get_session(code)
    assert (s.scene, s.step, s.students, s.answers, s.version) == ("taper", 1, 2, 2, 2)
    assert second.answers(code, "taper") == [1.5, 2.5]
    second.reopen(code, secret)  # the secret still works
    clock.advance(2)
    second.submit(code, student(1), "taper", 1.75)
    assert second.answers(code, "taper") == [1.75, 2.5]
