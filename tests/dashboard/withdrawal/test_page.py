"""The Withdrawal & tapering page under AppTest (the real app frame, switched to this page)."""

from __future__ import annotations

import pytest

from pkmodels.pd import WITHDRAWAL_STAGES

from ..helpers import ODD_VALUES, app, charts, no_exceptions, open_folds

PAGE = "withdrawal/page.py"
KEYS = (
    "route",
    "oral_mg",
    "oral_per_day",
    "it_ug",
    "days_on",
    "ending",
    "taper_pct",
    "taper_every",
    "restart_h",
    "oral_cover",
    "conc",
    "volume",
)
SLIDER_RANGES = {
    "oral_mg": (2.5, 100),
    "oral_per_day": (1, 6),
    "it_ug": (25, 2000),
    "days_on": (1, 365),
    "taper_pct": (10, 50),
    "taper_every": (1, 5),
    "restart_h": (0, 72),
    "oral_cover": (0, 40),
    "conc": (50, 2000),
    "volume": (5, 40),
}


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def qp(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_defaults_show_numbers_two_charts_and_the_explanations():
    at = app(PAGE).run()
    no_exceptions(at)
    m = metrics(at)
    assert m["Stage reached"] in WITHDRAWAL_STAGES
    assert m["Onset"].endswith(" h")
    assert {"Peak at", "Above mild", "Abrupt stop: stage reached"} <= set(m)
    assert len(charts(at)) == 2
    text = " ".join(md.value for md in at.markdown)
    assert "unopposed" in text
    assert "teaching assumption" in text
    assert not at.get("download_button")  # folded: built only when opened
    open_folds(at, "Download these runs (JSON, CSV, SBML)")
    assert len(at.get("download_button")) == 9  # three files for the run and for each comparison run
    assert at.slider(key="wd_oral_mg").disabled  # oral dose does not apply to the intrathecal default
    assert not at.slider(key="wd_it_ug").disabled


def test_presentation_mode_keeps_the_severity_chart_and_numbers_only():
    at = app(PAGE, {"present": "1"}).run()
    no_exceptions(at)
    assert at.toggle(key="app_present").value is True
    assert len(charts(at)) == 2
    assert "Stage reached" in metrics(at)
    text = " ".join(md.value for md in at.markdown)
    assert "Why withdrawal happens" not in text  # the long explanations are left out


def test_switching_route_changes_the_numbers_and_the_url():
    at = app(PAGE).run()
    before = metrics(at)
    at.radio(key="wd_route").set_value("oral").run()
    no_exceptions(at)
    after = metrics(at)
    assert (after["Stage reached"], after["Onset"], after["Peak at"]) != (
        before["Stage reached"],
        before["Onset"],
        before["Peak at"],
    )
    assert qp(at, "route") == "oral"
    assert at.slider(key="wd_it_ug").disabled
    assert not at.slider(key="wd_oral_mg").disabled


def test_choosing_the_taper_changes_the_numbers_and_the_url():
    at = app(PAGE).run()
    before = metrics(at)["Above mild"]
    at.radio(key="wd_ending").set_value("taper").run()
    no_exceptions(at)
    assert metrics(at)["Above mild"] != before
    assert qp(at, "ending") == "taper"
    at.slider(key="wd_taper_pct").set_value(50.0).run()
    assert qp(at, "taper_pct") == "50"


def test_dose_changes_the_comparison_numbers():
    at = app(PAGE).run()
    before = [c.value for c in at.caption]
    at.slider(key="wd_it_ug").set_value(100.0).run()
    no_exceptions(at)
    assert [c.value for c in at.caption] != before
    assert qp(at, "it_ug") == "100"


def test_restart_shows_the_run_without_it():
    at = app(PAGE, {"ending": "failure", "restart_h": "12"}).run()
    no_exceptions(at)
    assert at.slider(key="wd_restart_h").value == 12
    assert any("Without the pump restart" in i.value for i in at.info)


def test_empty_reservoir_shows_when_it_empties():
    at = app(PAGE, {"ending": "empty", "conc": "1000", "volume": "20"}).run()
    no_exceptions(at)
    assert metrics(at)["Reservoir empty"].startswith("day ")
    assert not at.slider(key="wd_conc").disabled


def test_shared_url_reproduces_the_state():
    params = {
        "route": "oral",
        "oral_mg": "30",
        "oral_per_day": "4",
        "days_on": "120",
        "ending": "taper",
        "taper_pct": "15",
        "taper_every": "4",
    }
    at = app(PAGE, params).run()
    no_exceptions(at)
    assert at.radio(key="wd_route").value == "oral"
    assert at.slider(key="wd_oral_mg").value == 30.0
    assert at.slider(key="wd_oral_per_day").value == 4
    assert at.slider(key="wd_days_on").value == 120
    assert at.radio(key="wd_ending").value == "taper"
    assert at.slider(key="wd_taper_pct").value == 15.0
    assert at.slider(key="wd_taper_every").value == 4
    assert not [w for w in at.warning if "not usable" in w.value]
    assert {k: qp(at, k) for k in params} == params


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_url_values_fall_back_with_a_warning(odd):
    at = app(PAGE, {**dict.fromkeys(KEYS, odd), "present": odd, "zzz": odd}).run()
    no_exceptions(at)
    assert any("not usable" in w.value for w in at.warning)
    for key, (lo, hi) in SLIDER_RANGES.items():
        assert lo <= at.slider(key=f"wd_{key}").value <= hi, key
    assert at.radio(key="wd_route").value in ("oral", "intrathecal")
    assert at.radio(key="wd_ending").value in ("abrupt", "taper", "empty", "failure")


def test_a_disabled_dose_slider_has_a_disabled_number_box():
    """The Withdrawal page greys out the dose of the route not taken: its box too (Tab skipped the slider but
    reached the box, found by the browser's keyboard test)."""
    at = app(PAGE).run()  # route: intrathecal, so the oral dose is greyed out
    assert at.slider(key="wd_oral_mg").disabled
    assert at.number_input(key="wd_oral_mg__box").disabled
    assert not at.number_input(key="wd_it_ug__box").disabled
