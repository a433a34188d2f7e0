"""The instructor's class poll on the Lecture page under AppTest, with the store in a temp SQLite folder:
start (code, QR code, join link), the room following next / previous / the scene box / reveal / hide, the
live count, the room's guesses at the reveal, end and the download, errors as messages, room links."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.classroom.codes import ALPHABET
from dashboard.lecture.room import model_answer
from pkmodels.scenes import SCENES, scene

from ..helpers import charts, no_exceptions
from ..join.poll import instructor, metrics, start_poll, texts

SLUGS = [s.slug for s in SCENES]


def join_links(at) -> list[str]:
    return [c.value for c in at.code if "/join?" in c.value]


def image_captions(at) -> list[str]:
    return [img.caption for element in at.image for img in element.proto.imgs]


def sid(i: int) -> str:
    return f"test-student-{i:06d}"


def test_start_shows_the_code_in_large_type_the_qr_code_and_the_join_link(store):
    at = instructor()
    no_exceptions(at)
    code = start_poll(at)
    no_exceptions(at)
    assert len(code) == 5
    assert set(code) <= set(ALPHABET)
    assert [t.value for t in at.title] == [code]
    assert join_links(at) == [f"http://127.0.0.1:8501/join?code={code}"]
    assert "Scan to join the class poll" in image_captions(at)  # the QR code
    snap = store.get_session(code)
    assert (snap.scene, snap.step, snap.ended) == (SLUGS[0], 0, False)
    assert metrics(at)["Answers so far"] == "0"


def test_the_secret_stays_in_the_instructors_session(store):
    at = instructor()
    code = start_poll(at)
    secret = at.session_state["poll_secret"]
    assert len(secret) >= 24
    assert secret not in texts(at)
    assert all(secret not in str(v) for v in at.query_params.values())
    assert store.reveal(code, secret).revealed  # it is the session's secret
    assert "poll_code" not in at.query_params


def test_the_room_follows_next_previous_the_scene_box_reveal_and_hide(store):
    at = instructor()
    code = start_poll(at)
    at.button(key="lec_next").click().run()
    no_exceptions(at)
    assert store.get_session(code).scene == SLUGS[1]
    at.button(key="lec_reveal").click().run()
    assert store.get_session(code).revealed
    at.button(key="lec_hide").click().run()
    assert not store.get_session(code).revealed
    at.button(key="lec_prev").click().run()
    assert store.get_session(code).scene == SLUGS[0]
    at.selectbox(key="lec_scene").set_value("pump-stops").run()
    snap = store.get_session(code)
    assert (snap.scene, snap.step) == ("pump-stops", 0)


def test_starting_on_a_revealed_scene_opens_its_question(store):
    at = instructor({"scene": "kidneys", "step": "1"})
    code = start_poll(at)
    snap = store.get_session(code)
    assert (snap.scene, snap.step) == ("kidneys", 0)
    assert at.session_state["lec_step"] == 0


def test_the_live_count_follows_the_answers(store):
    at = instructor()
    code = start_poll(at)
    for i in range(3):
        store.submit(code, sid(i), SLUGS[0], 10.0 + i)
    at.run()  # the fragment's rerun
    assert metrics(at)["Answers so far"] == "3"


def test_the_reveal_shows_the_rooms_guesses_beside_the_models_answer(store):
    at = instructor()
    code = start_poll(at)
    truth = model_answer(SLUGS[0])
    guesses = [truth, truth * 1.1, truth * 3, truth * 0.5, truth * 0.95]
    for i, g in enumerate(guesses):
        store.submit(code, sid(i), SLUGS[0], g)
    at.button(key="lec_reveal").click().run()
    no_exceptions(at)
    room = next(c for c in charts(at) if c.key == "poll_room_chart")
    spec = room.figure
    assert len(spec["data"][0]["x"]) == len(guesses)
    shown = metrics(at)
    unit = scene(SLUGS[0]).predict.unit
    assert shown[f"Model answer ({unit})"] == f"{truth:.3g}"
    assert shown[f"Room median ({unit})"] == f"{truth:.3g}"  # the median of the five is the answer itself
    assert shown["Within 20 %"] == "60 %"  # 3 of 5: truth, +10 %, -5 %
    assert any(scene(SLUGS[0]).takeaway in s.value for s in at.success)
    assert not any(n.key.startswith("lec_guess") for n in at.number_input)  # the room guessed, not the lecturer


def test_the_reveal_with_no_answers_says_so(store):
    at = instructor()
    start_poll(at)
    at.button(key="lec_reveal").click().run()
    no_exceptions(at)
    assert metrics(at)["Room median (%)"] == "-"
    room = next(c for c in charts(at) if c.key == "poll_room_chart")
    assert "No answers" in json.dumps(room.figure)


def test_end_stops_answers_keeps_the_download_and_close_forgets_the_poll(store):
    at = instructor()
    code = start_poll(at)
    store.submit(code, sid(1), SLUGS[0], 12.0)
    at.button(key="poll_end").click().run()
    no_exceptions(at)
    assert store.get_session(code).ended
    assert "has ended" in texts(at)
    assert any(d.proto.label == "Answers (CSV)" for d in at.get("download_button"))
    csv = store.export_csv(code, at.session_state["poll_secret"])
    assert csv.splitlines()[0] == "scene,value,answered_at,student"
    assert csv.splitlines()[1].startswith(f"{SLUGS[0]},12.0,")
    at.button(key="poll_close").click().run()
    assert "poll_code" not in at.session_state
    assert not at.title
    assert "poll_start" in [b.key for b in at.button]


def test_the_download_is_there_while_the_poll_runs(store):
    at = instructor()
    start_poll(at)
    assert [d.proto.label for d in at.get("download_button")] == ["Answers (CSV)"]


def test_an_unusable_store_setting_is_a_message_not_an_exception(store, monkeypatch):
    monkeypatch.setenv("CLASSROOM_DATABASE_URL", "mysql://user:pw@host/db")
    at = instructor()
    at.button(key="poll_start").click().run()
    no_exceptions(at)
    assert any("postgresql://" in e.value for e in at.error)
    assert "pw@host" not in texts(at)
    assert "poll_code" not in at.session_state


def test_an_expired_poll_is_forgotten_with_a_warning(store, clock):
    at = instructor()
    code = start_poll(at)
    clock.advance(2 * 24 * 3600)
    at.run()
    no_exceptions(at)
    assert any(f"{code} has expired" in w.value for w in at.warning)
    assert "poll_code" not in at.session_state


@pytest.mark.parametrize("step", ["0", "1"])
def test_presentation_mode_has_the_room_qr_code_at_the_top_while_predicting_and_below_the_chart_after(store, step):
    at = instructor({"scene": "taper", "step": step})
    no_exceptions(at)
    order = [n.type if n.type != "expander" else n.label for n in at.main]
    (expander,) = [e for e in at.expander if "Room link" in e.label]
    room = order.index(expander.label)
    if step == "0":  # before the scene picker: the room scans while it predicts
        assert room < order.index("selectbox")
    else:  # the answer and its chart lead, above the fold; the code follows for latecomers
        assert room > order.index("bidi_component")
    links = [c.value for c in expander.code]
    assert links == ["http://127.0.0.1:8501/lecture?scene=taper"]
    query = parse_qs(urlsplit(links[0]).query)
    assert "step" not in query
    assert "present" not in query
    assert "Scan to follow on your phone" in image_captions(at)


def test_without_presentation_mode_the_room_link_is_below_and_also_without_step(store):
    at = instructor({"present": "0", "scene": "taper", "step": "1"})
    no_exceptions(at)
    links = [c.value for c in at.code if "/lecture?" in c.value and "present" not in c.value]
    assert "http://127.0.0.1:8501/lecture?scene=taper" in links


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://127.0.0.1:8501/lecture", True),
        ("http://localhost:8501/lecture", True),
        ("http://192.168.1.20:8501/lecture", True),
        ("http://10.0.0.5/lecture", True),
        ("https://baclofen.example.org/lecture", False),
    ],
)
def test_a_local_address_gets_a_warning_that_says_how_to_set_the_public_one(store, url, warned):
    at = instructor(url=url)
    start_poll(at)
    warnings = [w.value for w in at.warning if "may not reach" in w.value]
    assert bool(warnings) is warned
    if warned:
        assert "PUBLIC_BASE_URL" in warnings[0]
        assert "public_base_url" in warnings[0]


def test_the_public_address_setting_is_used_for_the_join_link_and_qr_code(store, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://hall.example.org/baclofen/")
    at = instructor()
    code = start_poll(at)
    assert join_links(at) == [f"https://hall.example.org/baclofen/join?code={code}"]
    assert not [w for w in at.warning if "may not reach" in w.value]


def test_the_public_address_can_come_from_the_secrets(store):
    from ..helpers import app

    at = app("lecture/page.py", {"present": "1"})
    at.context["url"] = "http://127.0.0.1:8501/lecture"
    at.secrets["public_base_url"] = "https://secret-hall.example.org"
    at.run()
    code = start_poll(at)
    assert join_links(at) == [f"https://secret-hall.example.org/join?code={code}"]
