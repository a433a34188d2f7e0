"""Scenarios of the Pump & titration page: the right regimens, doses and times; every one exports and reloads."""

from __future__ import annotations

import pytest

from dashboard.pump.scenarios import (
    EMPTY_AT_H,
    ERROR_AT_H,
    ERROR_FACTOR,
    error_scenarios,
    flex_scenarios,
    intrathecal_regimen,
    missed_refill_scenario,
    screening_scenario,
    switch_scenarios,
    titration_days,
    titration_scenario,
)
from pkmodels import ITBolus, OralTaper, scenario_from_json, scenario_to_json, simulate
from pkmodels import columns as col
from pkmodels.events import IT_SITE
from pkmodels.model import scenario_events
from pkmodels.parameters import spec


def lumbar_dose(scenario, a: float, b: float) -> float:
    """Intrathecal drug delivered in [a, b] hours (infusions only in these scenarios)."""
    return scenario_events(scenario).total_dosed_ug(a, b, IT_SITE)


def test_screening_is_one_bolus_followed_for_a_day():
    sc = screening_scenario(75)
    assert sc.intrathecal == (ITBolus(75.0),)
    assert sc.duration_h == 24.0
    assert sc.parameters == ()
    less = screening_scenario(75, 2.0)
    assert less.overrides == {"ec50_spinal_ng_per_ml": 2.0 * spec("ec50_spinal_ng_per_ml").value}


def test_titration_holds_the_first_day_then_steps_up():
    sc = titration_scenario(100.0, 400.0, 20.0)
    assert lumbar_dose(sc, 0, 24) == pytest.approx(100.0)
    assert lumbar_dose(sc, 24, 48) == pytest.approx(120.0)
    assert lumbar_dose(sc, sc.duration_h - 24, sc.duration_h) == pytest.approx(400.0)
    assert sc.duration_h == 24.0 * titration_days(100.0, 400.0, 20.0)


def test_titration_run_length_is_bounded():
    assert titration_days(400.0, 400.0, 20.0) == 7  # nothing to titrate: a week
    assert titration_days(25.0, 2000.0, 1.0) == 60  # hundreds of days of 1 % steps: capped


def test_missed_refill_stops_delivery_one_day_in():
    sc = missed_refill_scenario(2000, 400)
    assert sc.pump.content_ug == pytest.approx(400.0)  # one day left in the reservoir
    assert sc.prior_therapy_days >= 30  # an established patient, adapted to the drug
    tab = simulate(sc).table
    before = tab[tab["time_h"] < EMPTY_AT_H - 0.5]
    after = tab[tab["time_h"] > EMPTY_AT_H + 0.5]
    assert before["it_rate_ug_per_day"].min() == pytest.approx(400.0)
    assert after["it_rate_ug_per_day"].max() == 0.0


def test_a_refill_48_h_after_the_pump_ran_dry_brings_the_csf_and_the_relief_back():
    sc = missed_refill_scenario(2000, 400, refill_after_h=48)
    tab = simulate(sc).table
    t = tab["time_h"]
    gap = tab[(t > EMPTY_AT_H + 0.5) & (t < EMPTY_AT_H + 47.5)]
    assert gap["it_rate_ug_per_day"].max() == 0.0  # nothing in the 48 h without drug
    resumed = tab[(t > EMPTY_AT_H + 48.5) & (t < sc.duration_h - 0.5)]
    assert resumed["it_rate_ug_per_day"].min() == pytest.approx(400.0)  # 20 mL of 2000 ug/mL last 100 days
    csf_before = float(tab.loc[(t - (EMPTY_AT_H - 1)).abs().idxmin(), col.CSF_LUMBAR])
    csf_end = float(tab[col.CSF_LUMBAR].iloc[-1])
    assert csf_end == pytest.approx(csf_before, rel=0.1)  # back near the old steady state 3 days later
    never = simulate(missed_refill_scenario(2000, 400)).table
    assert tab[col.RELIEF].iloc[-1] > never[col.RELIEF].iloc[-1] + 0.5
    delivered = float(((tab["it_rate_ug_per_day"] / 24.0) * t.diff().fillna(0)).sum())
    assert delivered == pytest.approx(400.0 / 24 * (sc.duration_h - 48), rel=0.02)  # the doses, less 48 h


@pytest.mark.parametrize("rate", [100.0, 400.0, 1250.0])
def test_flex_and_continuous_give_the_same_daily_dose(rate):
    scs = flex_scenarios(rate)
    for day in range(3):
        assert lumbar_dose(scs["flex"], 24 * day, 24 * (day + 1)) == pytest.approx(rate)
        assert lumbar_dose(scs["continuous"], 24 * day, 24 * (day + 1)) == pytest.approx(rate)
    day_hour = lumbar_dose(scs["flex"], 12, 13)
    night_hour = lumbar_dose(scs["flex"], 2, 3)
    assert day_hour == pytest.approx(2 * night_hour)


def test_programming_error_multiplies_the_rate_from_the_visit():
    scs = error_scenarios(400.0)
    err, ok = scs["error"], scs["intended"]
    assert lumbar_dose(err, ERROR_AT_H - 1, ERROR_AT_H) == pytest.approx(400.0 / 24)
    assert lumbar_dose(err, ERROR_AT_H, ERROR_AT_H + 24) == pytest.approx(400.0 * ERROR_FACTOR)
    assert lumbar_dose(ok, ERROR_AT_H, ERROR_AT_H + 24) == pytest.approx(400.0)
    assert err.prior_therapy_days == ok.prior_therapy_days > 0


def test_switch_weans_or_stops_the_tablets_while_the_pump_is_titrated():
    scs = switch_scenarios(20.0, 50.0, 100.0, 400.0, 20.0)
    weaned, abrupt = scs["weaned"], scs["abrupt"]
    assert weaned.intrathecal == abrupt.intrathecal
    taper = weaned.oral[0]
    assert isinstance(taper, OralTaper)
    assert (taper.from_mg, taper.step_percent, taper.every_h) == (20.0, 50.0, 8.0)
    assert weaned.duration_h >= taper.start_h + taper.duration_h  # the whole wean is shown
    # stopped at once: the last tablet is taken when the pump starts (time 0), none after
    oral_after = [b.time_h for b in scenario_events(abrupt).boluses if b.site == "gut" and b.time_h >= 0]
    assert oral_after == [0.0]
    oral_weaned = [b for b in scenario_events(weaned).boluses if b.site == "gut" and b.time_h >= 0]
    assert oral_weaned[0].amount_ug == pytest.approx(20_000.0)
    assert lumbar_dose(weaned, 0, 24) == pytest.approx(100.0)


def all_scenarios():
    yield screening_scenario(50)
    yield screening_scenario(100, 4.0)
    yield titration_scenario(150.0, 600.0, 10.0)
    yield missed_refill_scenario(500, 250)
    yield from flex_scenarios(300.0).values()
    yield from error_scenarios(300.0).values()
    yield from switch_scenarios(10.0, 25.0, 100.0, 300.0, 15.0).values()


@pytest.mark.parametrize("scenario", list(all_scenarios()), ids=lambda s: s.title)
def test_every_scenario_exports_and_reloads(scenario):
    again = scenario_from_json(scenario_to_json(scenario))
    assert scenario_events(again) == scenario_events(scenario)
    assert again.duration_h == scenario.duration_h
    assert again.prior_therapy_days == scenario.prior_therapy_days


def test_pump_modes_deliver_the_same_daily_dose():
    for mode in ("continuous", "flex", "bolus"):
        table = intrathecal_regimen(480.0, mode).events(48.0)
        assert table.total_dosed_ug(0, 24 - 1e-6) == pytest.approx(480.0, rel=1e-7)
