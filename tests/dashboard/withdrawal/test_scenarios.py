"""Withdrawal page scenario builders: controls -> pkmodels scenarios (pure, no Streamlit)."""

from __future__ import annotations

import pytest

from dashboard.withdrawal.scenarios import (
    FOLLOW_H,
    LEAD_H,
    MAX_RUN_H,
    abrupt_vs_taper,
    applicable,
    effective_ending,
    withdrawal_plan,
    without_rescue,
)
from pkmodels import Failure, ITContinuous, ITTaper, OralDoses, OralTaper, Pump, scenario_from_json, scenario_to_json
from pkmodels.events import reservoir_empty_time_h
from pkmodels.model import scenario_events
from pkmodels.scenario import MAX_POINTS

DEFAULTS = {
    "route": "intrathecal",
    "oral_mg": 20.0,
    "oral_per_day": 3,
    "it_ug": 400.0,
    "days_on": 60,
    "ending": "abrupt",
    "taper_pct": 20.0,
    "taper_every": 3,
    "restart_h": 0,
    "oral_cover": 0.0,
    "conc": 500.0,
    "volume": 20.0,
}


def v(**kw):
    return {**DEFAULTS, **kw}


def test_intrathecal_abrupt_stop_after_60_days():
    plan = withdrawal_plan(v())
    sc = plan.scenario
    assert sc.intrathecal == (ITContinuous(400.0, 0.0, 24.0),)
    assert sc.oral == ()
    assert plan.end_h == LEAD_H == 24.0
    assert sc.duration_h == 24.0 + FOLLOW_H
    assert sc.prior_therapy_days == 59.0  # 59 days before the run + the day shown = 60 days on therapy
    assert sc.failure is None
    assert sc.pump is None
    assert plan.restart_h is None
    assert not plan.cover


def test_oral_abrupt_stop_keeps_the_schedule_until_the_end():
    plan = withdrawal_plan(v(route="oral", oral_mg=15.0, oral_per_day=4, days_on=1))
    assert plan.scenario.oral == (OralDoses(15.0, 6.0, 0.0, 24.0),)
    assert plan.scenario.intrathecal == ()
    assert plan.scenario.prior_therapy_days == 0.0


@pytest.mark.parametrize("route", ["oral", "intrathecal"])
def test_taper_starts_at_the_end_and_runs_past_its_last_step(route):
    plan = withdrawal_plan(v(route=route, ending="taper", taper_pct=25.0, taper_every=2))
    sc = plan.scenario
    (reg,) = sc.oral if route == "oral" else sc.intrathecal
    assert isinstance(reg, OralTaper if route == "oral" else ITTaper)
    assert reg.step_percent == 25.0
    assert reg.step_every_days == 2.0
    assert reg.start_h == 24.0
    assert plan.end_h == 24.0
    # 0.75^k >= 0.10 for k <= 8: eight reduced levels, then the stop: 8 steps of 2 days after the first cut
    assert plan.last_dose_h == pytest.approx(24.0 + 8 * 48.0)
    assert sc.duration_h == pytest.approx(plan.last_dose_h + FOLLOW_H)


def test_empty_reservoir_filled_at_time_zero_empties_after_content_over_rate():
    plan = withdrawal_plan(v(ending="empty", conc=500.0, volume=20.0, it_ug=400.0))
    sc = plan.scenario
    assert sc.pump == Pump(500.0, 20.0, filled_at_h=0.0)
    assert plan.empty_days == pytest.approx(25.0)  # 10 000 ug / 400 ug/day
    assert plan.end_h == pytest.approx(600.0)
    # the compiled events agree: delivery stops when the reservoir is empty
    assert reservoir_empty_time_h(scenario_events(sc), sc.pump) == pytest.approx(600.0)
    assert sc.duration_h == pytest.approx(600.0 + FOLLOW_H)
    assert sc.prior_therapy_days == pytest.approx(35.0)  # 35 + 25 = 60 days before the end


def test_a_reservoir_that_outlasts_the_run_says_so_and_stays_within_limits():
    plan = withdrawal_plan(v(ending="empty", conc=2000.0, volume=40.0, it_ug=25.0))
    assert plan.empty_days == pytest.approx(3200.0)
    assert plan.scenario.duration_h <= MAX_RUN_H
    assert any("does not run empty" in n for n in plan.notes)
    assert not plan.ends
    assert "still running" in plan.end_words
    assert withdrawal_plan(v(ending="empty")).ends


def test_catheter_failure_with_restart_and_oral_cover():
    plan = withdrawal_plan(v(ending="failure", restart_h=12, oral_cover=10.0, oral_per_day=2))
    sc = plan.scenario
    assert sc.failure == Failure(24.0, 36.0)
    assert sc.intrathecal == (ITContinuous(400.0),)
    assert sc.oral == (OralDoses(10.0, 12.0, 24.0),)
    assert plan.restart_h == 36.0
    assert plan.cover


def test_abrupt_intrathecal_stop_with_restart_resumes_the_same_rate():
    sc = withdrawal_plan(v(restart_h=8)).scenario
    assert sc.intrathecal == (ITContinuous(400.0, 0.0, 24.0), ITContinuous(400.0, 32.0))


def test_pump_endings_on_the_oral_route_become_an_abrupt_stop_with_a_note():
    for ending in ("empty", "failure"):
        vals = v(route="oral", ending=ending, restart_h=10, oral_cover=20.0)
        assert effective_ending(vals) == "abrupt"
        plan = withdrawal_plan(vals)
        assert plan.ending == "abrupt"
        assert plan.notes
        assert plan.scenario.failure is None
        assert plan.scenario.pump is None
        assert plan.scenario.oral == (OralDoses(20.0, 8.0, 0.0, 24.0),)  # no cover, no restart


def test_applicable_controls():
    it = applicable(v())
    assert it["it_ug"]
    assert not it["oral_mg"]
    assert it["restart_h"]
    assert it["oral_cover"]
    assert not it["conc"]
    oral = applicable(v(route="oral"))
    assert oral["oral_mg"]
    assert not oral["it_ug"]
    assert not any(oral[k] for k in ("restart_h", "oral_cover", "conc", "volume"))
    empty = applicable(v(ending="empty"))
    assert empty["conc"]
    assert empty["volume"]
    assert not empty["restart_h"]
    taper = applicable(v(ending="taper"))
    assert not taper["restart_h"]
    assert not taper["oral_cover"]
    assert taper["taper_pct"]
    assert set(it) == set(DEFAULTS)


def test_without_rescue_only_when_a_rescue_is_used():
    assert without_rescue(v()) is None
    assert without_rescue(v(ending="taper", restart_h=20)) is None  # restart does not apply to a taper
    other = without_rescue(v(ending="failure", restart_h=20, oral_cover=10.0))
    assert other is not None
    assert other.scenario.failure == Failure(24.0, None)
    assert other.scenario.oral == ()


def test_abrupt_vs_taper_share_the_time_span_and_drop_the_rescue():
    pair = abrupt_vs_taper(v(restart_h=10, oral_cover=10.0))
    a, t = pair["abrupt"], pair["taper"]
    assert a.scenario.duration_h == t.scenario.duration_h
    assert a.end_h == t.end_h == LEAD_H
    assert a.scenario.intrathecal == (ITContinuous(400.0, 0.0, 24.0),)
    assert a.scenario.oral == ()
    assert isinstance(t.scenario.intrathecal[0], ITTaper)
    assert a.scenario.prior_therapy_days == t.scenario.prior_therapy_days


@pytest.mark.parametrize("route", ["oral", "intrathecal"])
@pytest.mark.parametrize("ending", ["abrupt", "taper", "empty", "failure"])
def test_every_exported_scenario_is_a_valid_file(route, ending):
    """The JSON export must run unchanged with the command line (which validates every range)."""
    vals = v(
        route=route,
        ending=ending,
        restart_h=24,
        oral_cover=20.0,
        days_on=365,
        taper_pct=10.0,
        taper_every=5,
        it_ug=25.0,
        conc=2000.0,
        volume=40.0,
    )
    plans = [withdrawal_plan(vals), *abrupt_vs_taper(vals).values()]
    for plan in plans:
        sc = plan.scenario
        assert scenario_from_json(scenario_to_json(sc)) == sc
        assert sc.duration_h <= MAX_RUN_H
        assert sc.n_points <= MAX_POINTS
