"""The Population page under AppTest (small populations and short runs keep each test to a few seconds)."""

from __future__ import annotations

import re

import pytest

from dashboard.population import cache as population_cache

from ..helpers import ODD_VALUES, app, chart_numbers, charts, no_exceptions

PAGE = "population/page.py"
SMALL = {"n": "50", "days": "2"}
FRACTION_LABELS = [
    "In the usual plasma range",
    "Marked sedation or deeper",
    "Relief ≥ 1 point",
    "Severe withdrawal at stop",
]


def metrics(at) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in at.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


def number(text: str) -> float:
    return float(re.search(r"[-\d,.]+", text).group().replace(",", ""))


def test_defaults_show_bands_fractions_covariates_and_equivalence():
    at = app(PAGE).run()
    no_exceptions(at)
    assert any("not dosing advice" in w.value for w in at.warning)
    m = metrics(at)
    for label in FRACTION_LABELS:
        assert len(m[label]) == 2, label  # one per route, side by side
    assert m["In the usual plasma range"][1] == "0 %"  # the pump leaves plasma far below the usual range
    deltas = [x.delta for x in at.metric if x.label == "Relief ≥ 1 point"]
    assert all(d.endswith("of 300 simulated patients") for d in deltas)
    drawn = charts(at)
    assert len(drawn) == 4  # bands, withdrawal after a stop, kidneys, dose equivalence
    assert len(chart_numbers(at)) == 2  # the two time-course charts' text alternatives
    assert len(at.dataframe) == 1  # and the kidney table
    assert any("simulated patients** no tolerable oral dose" in md.value for md in at.markdown)


def test_presentation_mode_has_fewer_panels_and_no_table():
    at = app(PAGE, {**SMALL, "present": "1"}).run()
    no_exceptions(at)
    assert at.toggle(key="app_present").value is True
    assert len(at.dataframe) == 0
    assert len(charts(at)) == 1  # the bands only
    assert len(at.expander) >= 1  # settings folded away on a projector
    assert "Severe withdrawal at stop" in metrics(at)


def test_moving_the_oral_dose_changes_the_sedation_share_and_the_url():
    at = app(PAGE, {**SMALL, "route": "oral"}).run()
    before = metrics(at)["Marked sedation or deeper"][0]
    at.slider(key="pop_oral_mg").set_value(60.0).run()
    no_exceptions(at)
    after = metrics(at)["Marked sedation or deeper"][0]
    assert number(after) > number(before)  # three times the dose: more patients deeply sedated
    assert at.query_params["oral_mg"] in ("60", ["60"])


def test_failing_kidneys_raise_exposure_for_the_population():
    at = app(PAGE, {**SMALL, "route": "oral", "oral_mg": "30"}).run()
    before = metrics(at)["Marked sedation or deeper"][0]
    at.radio(key="pop_ckd").set_value("severe").run()
    no_exceptions(at)
    assert number(metrics(at)["Marked sedation or deeper"][0]) > number(before)
    assert any("Severe (< 30 mL/min) kidney function" in i.value for i in at.info)
    assert at.query_params["ckd"] in ("severe", ["severe"])


def test_equivalence_explorer_follows_its_own_control():
    at = app(PAGE, {**SMALL, "route": "intrathecal", "eq_ug": "50"}).run()
    low = metrics(at)
    at.slider(key="pop_eq_ug").set_value(400.0).run()
    no_exceptions(at)
    high = metrics(at)
    assert number(high["Oral dose for the same relief"][0]) > number(low["Oral dose for the same relief"][0])
    assert number(high["Pump relief (typical)"][0]) > number(low["Pump relief (typical)"][0])
    assert at.query_params["eq_ug"] in ("400", ["400"])


def test_child_mode_shows_a_higher_csf_level_for_the_same_pump_dose():
    at = app(PAGE, {**SMALL, "route": "intrathecal", "age": "4", "weight": "16"}).run()
    no_exceptions(at)
    assert any("Paediatric mode" in i.value for i in at.info)
    csf = next(x for x in at.metric if x.label.startswith("Lumbar CSF at"))
    assert number(csf.value) > 1.3 * number(csf.delta)  # smaller CSF volume: higher concentration
    assert number(next(x for x in at.metric if x.label == "CSF volume vs an adult").value) < 1.0
    assert len(charts(at)) == 5  # the child's CSF chart joins the others


def test_the_child_preset_sets_everything_it_implies_and_says_so():
    """Issue seen: "Show a 6-year-old" kept the adult doses and an earlier "severe kidney" choice, so the
    child's half-life read 7.8 h against 3.6 h for the adult, against the page's own text."""
    at = app(PAGE, {**SMALL, "route": "both", "ckd": "severe", "oral_mg": "20", "it_ug": "600"}).run()
    at.button(key="pop_child6").click().run()
    no_exceptions(at)
    assert at.session_state["pop_age"] == 6
    assert at.session_state["pop_weight"] == 20.0
    assert at.session_state["pop_ckd"] == "normal"
    # 1 mg/kg/day for 20 kg in three intakes = 6.7 mg, on the slider's 2.5-mg steps: 7.5 mg; pump 200 ug/day
    assert at.slider(key="pop_oral_mg").value == 7.5
    assert at.slider(key="pop_it_ug").value == 200.0
    note = " ".join(i.value for i in at.info)
    assert "6-year-old" in note
    assert "kidney function normal" in note
    half_life = next(x for x in at.metric if x.label == "Plasma half-life")
    assert number(half_life.value) <= 1.1 * number(half_life.delta)  # the child's is not longer than the adult's
    assert "ckd" not in at.query_params  # the default again: the link no longer carries "severe"


def test_draw_other_patients_changes_the_seed():
    at = app(PAGE, {**SMALL, "route": "oral"}).run()
    at.button(key="pop_new_seed").click().run()
    no_exceptions(at)
    assert at.slider(key="pop_seed").value == 2
    assert at.query_params["seed"] in ("2", ["2"])


def test_display_choices_do_not_simulate_again(monkeypatch):
    calls = []
    real = population_cache.simulate_population_and_stop

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(population_cache, "simulate_population_and_stop", counting)
    at = app(PAGE, {**SMALL, "route": "oral"}).run()
    assert len(calls) == 1  # the therapy and the abrupt stop, in one call
    at.pills(key="pop_levels").set_value([90]).run()
    at.pills(key="pop_show_0").set_value(["plasma"]).run()
    no_exceptions(at)
    assert len(calls) == 1
    assert len(charts(at)) == 3  # bands without the withdrawal chart, kidneys, equivalence


def test_shared_url_reproduces_the_state():
    params = {
        "n": "100",
        "seed": "7",
        "route": "intrathecal",
        "it_ug": "250",
        "days": "3",
        "ckd": "mild",
        "age": "30",
        "weight": "60",
        "eq_ug": "200",
        "oral_mg": "10",
    }
    at = app(PAGE, params).run()
    no_exceptions(at)
    assert not [w for w in at.warning if "not usable" in w.value]
    assert at.slider(key="pop_n").value == 100
    assert at.slider(key="pop_seed").value == 7
    assert at.radio(key="pop_route").value == "intrathecal"
    assert at.slider(key="pop_it_ug").value == 250.0
    assert at.radio(key="pop_ckd").value == "mild"
    assert at.slider(key="pop_eq_ug").value == 200.0
    assert len(metrics(at)["Relief ≥ 1 point"]) == 1  # one route only


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_url_values_fall_back_with_a_warning(odd):
    keys = ("seed", "route", "oral_mg", "it_ug", "ckd", "age", "weight", "eq_ug", "present", "zzz")
    at = app(PAGE, {**SMALL, **dict.fromkeys(keys, odd)}).run()
    no_exceptions(at)
    assert any("not usable" in w.value for w in at.warning)
    assert 2.5 <= at.slider(key="pop_oral_mg").value <= 100
    assert 25 <= at.slider(key="pop_it_ug").value <= 2000
    assert 2 <= at.slider(key="pop_age").value <= 100
    assert at.radio(key="pop_route").value in ("oral", "intrathecal", "both")


@pytest.mark.parametrize(("n", "days"), [("abc", "-5"), ("NaN", "1e308"), ("1e308", "1.4")])
def test_odd_population_size_and_days(n, days):
    at = app(PAGE, {"n": n, "days": days, "route": "oral"}).run()  # n=2000 runs the largest population once
    no_exceptions(at)
    size, length = at.slider(key="pop_n").value, at.slider(key="pop_days").value
    assert 50 <= size <= 2000
    assert size % 50 == 0
    assert 1 <= length <= 28
    assert any("not usable" in w.value for w in at.warning)
