"""The Lecture page under AppTest: predict, reveal, navigate, URL state, odd links, presentation mode."""

from __future__ import annotations

import pickle

import pytest

from pkmodels.scenes import SCENES

from ..helpers import ODD_VALUES, app, charts, no_exceptions

PAGE = "lecture/page.py"
SLUGS = [s.slug for s in SCENES]


def lecture(params: dict | None = None):
    return app(PAGE, params).run()


def qp(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def chart_traces(at) -> list:
    return [c.figure["data"] for c in charts(at)]


def points(traces: list) -> int:
    """Number of plotted points (plotly may encode arrays as typed-array dicts; an empty list is empty)."""
    return sum(len(t["x"]) if isinstance(t["x"], list) else 1 for t in traces)


def metric_values(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_defaults_ask_the_first_question_without_showing_curves():
    at = lecture()
    no_exceptions(at)
    assert any(SCENES[0].question in m.value for m in at.markdown)
    assert at.selectbox(key="lec_scene").value == SLUGS[0]
    assert [b.label for b in at.button if b.key == "lec_reveal"] == ["Reveal"]
    traces = chart_traces(at)
    assert len(traces) == 1
    assert points(traces[0]) == 0  # the empty frame: axes only
    assert not any(m.label.startswith("Model answer") for m in at.metric)  # no answer before the reveal


def test_reveal_shows_curves_answer_takeaway_and_puts_the_step_in_the_url():
    at = lecture()
    at.button(key="lec_reveal").click().run()
    no_exceptions(at)
    assert qp(at, "step") == "1"
    traces = chart_traces(at)
    assert len(traces) == 1
    assert len(traces[0]) >= 4
    values = metric_values(at)
    assert "Model answer (%)" in values
    assert 5 < float(values["Model answer (%)"]) < 30  # the CSF share of plasma after tablets
    assert any("Takeaway" in s.value for s in at.success)
    at.button(key="lec_hide").click().run()
    assert points(chart_traces(at)[0]) == 0
    assert qp(at, "step") in (None, "0")


def test_a_guess_is_compared_with_the_answer_and_stays_out_of_the_url():
    at = lecture({"scene": "kidneys", "step": "1"})
    no_exceptions(at)
    answer = float(metric_values(at)["Model answer (times)"])
    at.number_input(key="lec_guess_kidneys").set_value(round(answer, 2)).run()
    assert any("well predicted" in s.value for s in at.success)
    diff_label = "Guess minus answer (times)"
    assert diff_label in metric_values(at)
    at.number_input(key="lec_guess_kidneys").set_value(10 * answer).run()
    assert not any("well predicted" in s.value for s in at.success)
    assert any("off" in w.value for w in at.warning)
    assert "+" in metric_values(at)[diff_label]
    assert "%" in metric_values(at)[diff_label]
    assert not any(k.startswith("lec_guess") or k == "guess" for k in at.query_params)


def test_next_and_previous_change_the_scene_the_url_and_reset_to_predict():
    at = lecture({"step": "1"})
    at.button(key="lec_next").click().run()
    no_exceptions(at)
    assert at.selectbox(key="lec_scene").value == SLUGS[1]
    assert qp(at, "scene") == SLUGS[1]
    assert qp(at, "step") in (None, "0")
    assert any(SCENES[1].question in m.value for m in at.markdown)
    at.button(key="lec_prev").click().run()
    at.button(key="lec_prev").click().run()
    assert at.selectbox(key="lec_scene").value == SLUGS[-1]  # wraps around
    assert qp(at, "scene") == SLUGS[-1]


def test_picking_a_scene_changes_the_question_and_the_url():
    at = lecture({"step": "1"})
    at.selectbox(key="lec_scene").set_value("pump-stops").run()
    no_exceptions(at)
    assert qp(at, "scene") == "pump-stops"
    assert qp(at, "step") in (None, "0")
    assert any("pump stops" in m.value for m in at.markdown)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_scene_link_reveals_without_errors(slug):
    at = lecture({"scene": slug, "step": "1"})
    no_exceptions(at)
    assert not at.error
    assert at.selectbox(key="lec_scene").value == slug
    assert any(m.label.startswith("Model answer") and m.value != "-" for m in at.metric)
    assert points(chart_traces(at)[0]) > 0


def test_presentation_mode_keeps_the_lecture_and_drops_the_file_import():
    at = lecture({"present": "1", "scene": "taper", "step": "1"})
    no_exceptions(at)
    assert at.toggle(key="app_present").value is True
    assert len(at.get("file_uploader")) == 0
    assert any(m.label.startswith("Model answer") for m in at.metric)


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_url_values_fall_back_with_a_warning(odd):
    at = lecture({"scene": odd, "step": odd, "present": odd, "zzz": odd})
    no_exceptions(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "not usable" in warnings
    assert "'scene" in warnings
    assert "'step" in warnings
    assert at.selectbox(key="lec_scene").value == SLUGS[0]
    assert at.session_state["lec_step"] in (0, 1)


def test_out_of_range_step_is_clamped():
    at = lecture({"step": "7", "scene": "drowsiness"})
    no_exceptions(at)
    assert at.session_state["lec_step"] == 1
    assert any("outside" in w.value for w in at.warning)


def test_page_session_state_is_picklable():
    """Our values must pickle (tests/dashboard/test_robustness.py checks every page; this one after a guess)."""
    at = lecture({"scene": "kidneys", "step": "1"})
    at.number_input(key="lec_guess_kidneys").set_value(2.0).run()
    ours = {k: at.session_state[k] for k in ("lec_scene", "lec_step", "lec_guess_kidneys")}
    assert pickle.loads(pickle.dumps(ours)) == ours
