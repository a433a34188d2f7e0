"""The students' join page under AppTest, with the store in a temp SQLite folder: the code (typed, in the URL,
unknown, malformed), the answer box (send, change, hostile values that store nothing), the closed question,
following the instructor, the reveal, the end, and what is kept about a student (an anonymous id only)."""

from __future__ import annotations

import pickle

import pytest

from dashboard.classroom.codes import ALPHABET
from dashboard.lecture.room import answer_range, model_answer
from pkmodels.scenes import SCENES, scene

from ..helpers import no_exceptions
from .poll import send, student, texts

FIRST = SCENES[0].slug
SECOND = SCENES[1].slug


@pytest.fixture
def session(store):
    """A live session on the first scene: (code, instructor secret)."""
    return store.create_session(FIRST)


def answers(store, code, slug=FIRST):
    return store.answers(code, slug)


def test_without_a_code_the_page_asks_for_one_and_goes_there(store, session):
    code, _ = session
    at = student(None)
    no_exceptions(at)
    box = at.text_input(key="join_code_box")
    assert box.label == "Class code"
    box.input(f" {code.lower()[:2]}-{code.lower()[2:]} ")  # as people type it from a projector
    at.button[0].click().run()
    no_exceptions(at)
    assert at.query_params["code"] in (code, [code])
    at.run()
    assert scene(FIRST).question in texts(at)


def test_the_question_and_one_answer_box_with_the_unit(store, session):
    code, _ = session
    at = student(code)
    no_exceptions(at)
    sc = scene(FIRST)
    assert sc.question in texts(at)
    boxes = [t for t in at.text_input if t.key.startswith("join_box_")]
    assert [b.label for b in boxes] == [f"Your answer ({sc.predict.unit})"]
    assert "not dosing advice" in texts(at)  # the frame's teaching note is on this page too


def test_a_lower_case_code_in_the_url_is_made_canonical(store, session):
    code, _ = session
    at = student(code.lower())
    no_exceptions(at)
    assert scene(FIRST).question in texts(at)
    assert at.query_params["code"] in (code, [code])


def test_send_stores_the_answer_and_change_replaces_it(store, session, clock):
    code, _ = session
    at = student(code)
    send(at, code, FIRST, "12,5")
    no_exceptions(at)
    assert answers(store, code) == [12.5]
    assert any("Answer sent" in s.value and "12.5" in s.value for s in at.success)
    assert at.button(key="join_send").label == "Change my answer"
    send(at, code, FIRST, "31")
    assert "Wait a second" in at.error[0].value  # too fast: refused, the first answer stays
    assert answers(store, code) == [12.5]
    clock.advance(5)
    send(at, code, FIRST, "30 %")
    no_exceptions(at)
    assert answers(store, code) == [30.0]  # the same student: replaced, not added
    assert store.get_session(code).students == 1


def test_an_answer_is_shown_back_after_the_page_redraws(store, session):
    code, _ = session
    at = student(code)
    send(at, code, FIRST, "14")
    at.run()  # e.g. the watcher's rerun
    assert any("Your answer" in i.value and "14" in i.value for i in at.info)


HOSTILE = [
    "abc",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "1e309",
    "-5",
    "99999",
    "",
    "   ",
    "12; DROP TABLE class_answer",
    "<script>alert(1)</script>",
    "__import__('os')",
    "0x10",
    "1_000",
    "1,000",
    "1.2.3",
    "9" * 40,
    "10²",
    "12 mg",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_values_get_a_message_and_store_nothing(store, session, text):
    code, _ = session
    at = student(code)
    send(at, code, FIRST, text)
    no_exceptions(at)
    assert at.error, f"no message for {text!r}"
    message = at.error[0].value
    assert "\n" not in message
    assert "<" not in message  # nothing typed is echoed
    assert answers(store, code) == []
    assert store.get_session(code).students == 0


def test_out_of_range_messages_name_the_range(store, session):
    code, _ = session
    _, high = answer_range(scene(FIRST))
    at = student(code)
    send(at, code, FIRST, str(high * 10))
    assert "Out of range" in at.error[0].value
    assert f"{high:g}" in at.error[0].value


@pytest.mark.parametrize("raw", ["ZZZZZ", "00000", "AB", "<script>", "A" * 41, "😀😀😀😀"])
def test_malformed_codes_get_a_one_line_message(store, raw):
    at = student(raw)
    no_exceptions(at)
    assert at.error
    assert "\n" not in at.error[0].value
    assert "<script>" not in texts(at)
    assert not [t for t in at.text_input if t.key.startswith("join_box_")]


def test_an_unknown_code_is_not_found_or_expired_and_nothing_more(store, session):
    code, _ = session
    other = next(c * 5 for c in ALPHABET if c * 5 != code)
    at = student(other)
    no_exceptions(at)
    assert [e.value for e in at.error] == ["Class session not found or expired."]
    shown = texts(at)
    assert not any(sc.question in shown for sc in SCENES)
    assert not [t for t in at.text_input if t.key.startswith("join_box_")]


def test_an_expired_code_is_not_found(store, session, clock):
    code, _ = session
    at = student(code)
    clock.advance(2 * 24 * 3600)
    at.run()
    no_exceptions(at)
    assert [e.value for e in at.error] == ["Class session not found or expired."]


def test_the_page_follows_the_instructor_and_a_closed_question_stores_nothing(store, session):
    code, secret = session
    at = student(code)
    store.set_scene(code, secret, SECOND)
    at.run()  # the watcher's rerun
    no_exceptions(at)
    assert scene(SECOND).question in texts(at)
    # the old scene's question is closed: a late answer to it is refused by the store
    with pytest.raises(Exception, match="closed"):
        store.submit(code, at.session_state["join_student"], FIRST, 12.0)
    store.reveal(code, secret)
    at.run()
    assert not [t for t in at.text_input if t.key.startswith("join_box_")]  # no box once revealed
    assert answers(store, code, SECOND) == []


def test_a_submit_that_arrives_after_the_reveal_stores_nothing_and_shows_the_reveal(store, session, monkeypatch):
    """The question is open when the page reads the session but closed when the answer reaches the store: the
    store refuses it, and the watcher redraws the page at the reveal in the same run."""
    code, secret = session
    at = student(code)
    import dashboard.classroom.store as store_module

    real_submit = store_module.ClassStore.submit

    def late(self, *args, **kwargs):
        store.reveal(code, secret)
        return real_submit(self, *args, **kwargs)

    monkeypatch.setattr(store_module.ClassStore, "submit", late)
    send(at, code, FIRST, "12")
    no_exceptions(at)
    assert answers(store, code) == []
    assert any(m.label.startswith("Model answer") for m in at.metric)
    assert any("did not answer" in i.value for i in at.info)


def test_after_the_reveal_the_answer_the_guess_how_far_and_the_takeaway(store, session):
    code, secret = session
    at = student(code)
    truth = model_answer(FIRST)
    send(at, code, FIRST, f"{truth * 3:.4g}")
    store.reveal(code, secret)
    at.run()
    no_exceptions(at)
    shown = {m.label: m.value for m in at.metric}
    sc = scene(FIRST)
    assert f"Model answer ({sc.predict.unit})" in shown
    assert shown[f"Your answer ({sc.predict.unit})"] == f"{truth * 3:.3g}"
    assert "+200 %" in shown["Off by"]
    assert any("More than 20 % off" in w.value for w in at.warning)
    assert any(sc.takeaway in s.value for s in at.success)


def test_a_student_who_did_not_answer_sees_the_answer_too(store, session):
    code, secret = session
    store.reveal(code, secret)
    at = student(code)
    assert any("did not answer" in i.value for i in at.info)
    assert any(scene(FIRST).takeaway in s.value for s in at.success)


def test_an_ended_poll_says_so_and_takes_no_answers(store, session):
    code, secret = session
    at = student(code)
    store.end(code, secret)
    at.run()
    no_exceptions(at)
    assert any("has ended" in i.value for i in at.info)
    assert not [t for t in at.text_input if t.key.startswith("join_box_")]


def test_each_browser_session_is_one_anonymous_student(store, session):
    code, secret = session
    a, b = student(code), student(code)
    send(a, code, FIRST, "10")
    send(b, code, FIRST, "20")
    ids = {a.session_state["join_student"], b.session_state["join_student"]}
    assert len(ids) == 2
    assert store.get_session(code).students == 2
    csv = store.export_csv(code, secret)
    assert not any(i in csv for i in ids)  # the export numbers students, it never names their ids
    for at in (a, b):
        assert set(at.query_params) <= {"code"}  # nothing about the student in the URL
        assert not any(i in texts(at) for i in ids)


def test_session_state_is_picklable(store, session):
    code, _ = session
    at = student(code)
    send(at, code, FIRST, "10")
    ours = {k: at.session_state[k] for k in ("join_student", "join_answers", "join_seen")}
    assert pickle.loads(pickle.dumps(ours)) == ours
