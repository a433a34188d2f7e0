"""The app frame and the Compare routes page under AppTest."""

from __future__ import annotations

import pytest

from ..helpers import ODD_VALUES, app, chart_numbers, charts, comparison_rows, no_exceptions


def test_defaults_show_teaching_note_metrics_and_chart():
    at = app().run()
    no_exceptions(at)
    assert any("not dosing advice" in w.value for w in at.warning)
    labels = [m.label for m in at.metric]
    assert "Leg relief, tablets | pump" in labels
    assert "Arm relief, tablets | pump" in labels
    assert len(charts(at)) == 1
    assert comparison_rows(at) == 5


def test_moving_a_control_changes_numbers_and_the_url():
    at = app().run()
    before = {m.label: m.value for m in at.metric}
    at.slider(key="cmp_it_ug").set_value(800.0).run()
    after = {m.label: m.value for m in at.metric}
    assert after["Spinal CSF: pump vs tablets"] != before["Spinal CSF: pump vs tablets"]
    assert at.query_params["it_ug"] in ("800", ["800"])


def test_the_chart_has_its_numbers_in_a_folded_table():
    """The chart's text alternative: an expander under it with the curves at nine times, one column per
    route and panel; the pump's lumbar CSF is far above the tablets' at the end, as the chart shows."""
    at = app().run()
    (folded,) = (e for e in at.expander if e.label == "The chart's numbers")
    assert not folded.get("html")  # built only when opened: a slider step does not pay for it
    (table,) = chart_numbers(at)
    assert len(table) == 9
    assert "Plasma: Oral" in table.columns
    assert "Plasma: Intrathecal" in table.columns
    pump, tablets = (float(table[f"CSF: {name}"].iloc[-1].replace(",", "")) for name in ("Intrathecal", "Oral"))
    assert pump > 5 * tablets


def test_the_number_box_under_a_dose_slider_sets_an_exact_dose_on_the_slider_grid():
    """Typing a dose moves the slider (snapped to its 25-µg step and clamped, as a link is) and the URL; moving
    the slider moves the box."""
    at = app().run()
    box = at.number_input(key="cmp_it_ug__box")
    assert box.value == 400.0
    box.set_value(337.0).run()
    no_exceptions(at)
    assert at.slider(key="cmp_it_ug").value == 325.0  # 337 is between steps: the nearest one
    assert at.number_input(key="cmp_it_ug__box").value == 325.0
    assert at.query_params["it_ug"] in ("325", ["325"])
    at.slider(key="cmp_it_ug").set_value(800.0).run()
    assert at.number_input(key="cmp_it_ug__box").value == 800.0
    at.number_input(key="cmp_oral_mg__box").set_value(12.5).run()
    assert at.slider(key="cmp_oral_mg").value == 12.5
    assert at.slider(key="cmp_it_ug").value == 800.0  # the other dose keeps its value


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
    assert comparison_rows(at) == 0
    assert not at.number_input  # no number boxes under the sliders: the projector keeps the height for charts
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
