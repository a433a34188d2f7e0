"""The app frame and the Compare routes page under AppTest."""

from __future__ import annotations

import pytest

from ..helpers import ODD_VALUES, app, no_exceptions


def test_defaults_show_teaching_note_metrics_and_chart():
    at = app().run()
    no_exceptions(at)
    assert any("not dosing advice" in w.value for w in at.warning)
    labels = [m.label for m in at.metric]
    assert "Leg relief, tablets | pump" in labels
    assert "Arm relief, tablets | pump" in labels
    assert len(at.get("plotly_chart")) == 1
    assert len(at.dataframe) == 1


def test_moving_a_control_changes_numbers_and_the_url():
    at = app().run()
    before = {m.label: m.value for m in at.metric}
    at.slider(key="cmp_it_ug").set_value(800.0).run()
    after = {m.label: m.value for m in at.metric}
    assert after["Spinal CSF: pump vs tablets"] != before["Spinal CSF: pump vs tablets"]
    assert at.query_params["it_ug"] in ("800", ["800"])


def test_a_higher_catheter_tip_gives_the_arms_more_relief():
    """Pump drug thins out with distance from the tip: moving it from T10 up to C5 raises the pump's arm relief
    and lowers its leg relief (the tablets do not change)."""
    at = app().run()

    def pump_relief(label: str) -> float:
        return float(next(m.value for m in at.metric if m.label == label).split("|")[1])

    legs, arms = pump_relief("Leg relief, tablets | pump"), pump_relief("Arm relief, tablets | pump")
    at.selectbox(key="cmp_tip").set_value("C5").run()
    no_exceptions(at)
    assert pump_relief("Arm relief, tablets | pump") > arms
    assert pump_relief("Leg relief, tablets | pump") < legs
    assert at.query_params["tip"] in ("C5", ["C5"])


def test_presentation_mode_has_fewer_panels_and_no_table():
    at = app(params={"present": "1"}).run()
    no_exceptions(at)
    assert len(at.dataframe) == 0
    assert at.toggle(key="app_present").value is True


def test_shared_url_reproduces_the_state():
    at = app(params={"oral_mg": "40", "it_mode": "flex", "days": "10"}).run()
    no_exceptions(at)
    assert at.slider(key="cmp_oral_mg").value == 40.0
    assert at.radio(key="cmp_it_mode").value == "flex"
    assert at.slider(key="cmp_days").value == 10
    assert not [w for w in at.warning if "not usable" in w.value]


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_url_values_fall_back_with_a_warning(odd):
    at = app(params={"oral_mg": odd, "it_ug": odd, "comed": odd, "present": odd, "zzz": odd}).run()
    no_exceptions(at)
    assert any("not usable" in w.value for w in at.warning)
    assert 2.5 <= at.slider(key="cmp_oral_mg").value <= 100
