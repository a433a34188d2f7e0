"""The Pump & titration page under AppTest: defaults, presentation mode, odd links, controls change numbers and URL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.links import PAGE_KEYS
from dashboard.pump.settings import SECTIONS, open_key

from ..helpers import ODD_VALUES, app, charts, no_exceptions

PAGE = "pump/page.py"
KEYS = PAGE_KEYS["pump"]


def every_section_open(params: dict | None = None):
    """The page with all seven sections open (a closed section does not run)."""
    at = app(PAGE, params)
    for section in SECTIONS:
        at.session_state[open_key(section)] = True
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def url(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_defaults_show_every_section():
    at = every_section_open().run()
    no_exceptions(at)
    assert any("not dosing advice" in w.value for w in at.warning)
    m = metrics(at)
    assert m["Trial (model)"] in ("Positive", "No response")
    for label in ("Daily step used", "Empty after", "Peak withdrawal", "Withdrawal, weaned"):
        assert label in m
    # 2000 ug/mL x 20 mL / 400 ug/day = 100 days; the low-reservoir alarm with 2 mL left: 18 mL -> 90 days
    assert m["Empty after"] == "100 days"
    assert m["Low-reservoir alarm"] == "90 days"
    assert m["Drug used per day"] == "0.2 mL"
    assert len(charts(at)) == 7
    assert len(at.dataframe) >= 1  # the screening ladder
    assert not at.error  # no overdose warning while the error is off


def test_refill_dates_follow_the_fill_date():
    at = every_section_open().run()
    filled = date.today()
    text = " ".join(md.value for md in at.markdown)
    assert (filled + timedelta(days=100)).isoformat() in text
    assert (filled + timedelta(days=90)).isoformat() in text
    at.date_input(key="pump_fill_date").set_value(date(2030, 1, 1)).run()
    assert metrics(at)["Empty on"] == "2030-04-11"


def test_the_reservoir_can_be_refilled_after_it_ran_dry():
    at = every_section_open().run()
    before = metrics(at)["Relief before → end"]
    at.slider(key="pump_refill_h").set_value(48).run()
    no_exceptions(at)
    after = metrics(at)["Relief before → end"]
    end_never, end_refilled = (float(x.split("→")[1]) for x in (before, after))
    assert end_refilled > end_never + 0.5  # relief (Ashworth points) comes back after the refill
    assert at.query_params["refill_h"] in ("48", ["48"])


def test_only_open_sections_run_and_a_link_opens_its_section():
    """By default only the screening section is open (and runs: one chart); a link with a changed rate opens
    the reservoir section instead."""
    at = app(PAGE).run()
    no_exceptions(at)
    assert len(charts(at)) == 1
    assert "Trial (model)" in metrics(at)
    at = app(PAGE, {"rate": "800"}).run()
    no_exceptions(at)
    assert metrics(at)["Empty after"] == "50 days"
    assert "Trial (model)" not in metrics(at)


def test_presentation_mode_shows_one_section_and_no_tables():
    at = app(PAGE, {"present": "1"}).run()
    no_exceptions(at)
    assert len(charts(at)) == 1
    assert len(at.dataframe) == 0
    assert at.radio(key="pump_section").value == "screening"
    at.radio(key="pump_section").set_value("switch").run()
    no_exceptions(at)
    assert "Withdrawal, weaned" in metrics(at)
    assert len(charts(at)) == 1


def test_a_link_to_the_error_opens_that_section_in_presentation_mode():
    at = app(PAGE, {"present": "1", "error": "1", "rate": "1000"}).run()
    no_exceptions(at)
    assert at.radio(key="pump_section").value == "error"
    m = metrics(at)
    lumbar = next(x for x in at.metric if x.label == "Lumbar CSF (ng/mL)")
    assert lumbar.delta.startswith("x10.0 from")  # linear PK: ten times the rate, ten times the CSF
    assert m["Respiratory warning"] != "not reached"  # 10 000 ug/day
    assert any("medical emergency" in e.value for e in at.error)


def test_moving_controls_changes_numbers_and_the_url():
    at = every_section_open().run()
    before = metrics(at)
    at.slider(key="pump_rate").set_value(800.0).run()
    after = metrics(at)
    assert after["Empty after"] == "50 days"  # 40 000 ug / 800 ug/day
    assert (
        after["Peak withdrawal"] != before["Peak withdrawal"]
        or after["Relief before → end"] != before["Relief before → end"]
    )
    assert url(at, "rate") == "800"

    at.radio(key="pump_bolus").set_value(75).run()
    assert metrics(at)["Peak relief in 4-8 h"] != before["Peak relief in 4-8 h"]
    assert url(at, "bolus") == "75"

    at.toggle(key="pump_error").set_value(True).run()
    no_exceptions(at)
    assert "Peak sedation" in metrics(at)
    assert url(at, "error") == "1"


def test_titration_step_outside_the_range_for_the_origin_is_flagged_and_clamped():
    at = every_section_open({"origin": "cerebral", "titr_pct": "25"}).run()
    no_exceptions(at)
    assert any("5-15 %" in w.value for w in at.warning)
    assert metrics(at)["Daily step used"] == "+15 %"
    at.slider(key="pump_titr_pct").set_value(10).run()
    assert metrics(at)["Daily step used"] == "+10 %"
    assert not any("5-15 %" in w.value for w in at.warning)
    assert url(at, "titr_pct") == "10"


def test_shared_url_reproduces_the_state():
    params = {
        "bolus": "100",
        "origin": "child",
        "titr_pct": "10",
        "target": "300",
        "conc": "500",
        "volume": "40",
        "rate": "250",
        "flex": "1",
        "oral_mg": "15",
        "wean_pct": "50",
    }
    at = every_section_open(params).run()
    no_exceptions(at)
    assert not [w for w in at.warning if "not usable" in w.value]
    assert at.radio(key="pump_bolus").value == 100
    assert at.radio(key="pump_origin").value == "child"
    assert at.radio(key="pump_conc").value == 500
    assert at.slider(key="pump_target").value == 300.0
    assert at.toggle(key="pump_flex").value is True
    m = metrics(at)
    assert m["Empty after"] == "80 days"  # 500 x 40 / 250
    assert "Flex · CSF (ng/mL)" in m
    for key, value in params.items():
        assert url(at, key) == value


@pytest.mark.parametrize("shift", [0, 3, 7])
def test_odd_url_values_fall_back_with_a_warning(shift):
    # every key gets an odd value; three rotations give each key three different ones
    params = {key: ODD_VALUES[(i + shift) % len(ODD_VALUES)] for i, key in enumerate(KEYS)}
    params["zzz"] = "1"
    at = every_section_open(params).run()
    no_exceptions(at)
    assert any("not usable" in w.value for w in at.warning)
    assert 25.0 <= at.slider(key="pump_rate").value <= 2000.0
    assert 50.0 <= at.slider(key="pump_target").value <= 2000.0
    assert 1 <= at.slider(key="pump_titr_pct").value <= 50
    assert 25 <= at.slider(key="pump_wean_pct").value <= 50
    assert at.radio(key="pump_bolus").value in (50, 75, 100)
    assert at.radio(key="pump_conc").value in (50, 500, 1000, 2000)
    assert len(charts(at)) == 7


def test_out_of_range_numbers_are_clamped():
    at = every_section_open({"rate": "-5", "target": "1e308", "wean_pct": "10", "oral_mg": "NaN"}).run()
    no_exceptions(at)
    warning = " ".join(w.value for w in at.warning)
    assert "'rate=-5' is outside" in warning
    assert at.slider(key="pump_rate").value == 25.0
    assert at.slider(key="pump_target").value == 2000.0
    assert at.slider(key="pump_wean_pct").value == 25
    assert at.slider(key="pump_oral_mg").value == 20.0


def test_the_tip_section_shows_more_arm_relief_with_a_higher_tip():
    """Section 5: with the catheter tip at C5 the arms get more relief than with the usual tip at T10 (the delta
    against T10 is positive), the legs less; the tip is kept in the URL."""
    at = every_section_open({"tip": "C5"}).run()
    no_exceptions(at)
    arms = next(m for m in at.metric if m.label == "Arm relief (points)")
    legs = next(m for m in at.metric if m.label == "Leg relief (points)")
    assert arms.proto.delta.startswith("+")
    assert legs.proto.delta.startswith("-")
    assert url(at, "tip") == "C5"
