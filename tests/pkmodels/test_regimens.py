"""The dosing vocabulary: every regimen compiles to the events its clinical description implies."""

from __future__ import annotations

import pytest

from pkmodels.events import compile_events, reservoir_empty_time_h
from pkmodels.fields import ScenarioError
from pkmodels.regimens import (
    Failure,
    ITBolus,
    ITContinuous,
    ITFlex,
    ITTaper,
    ITTitration,
    OralDoses,
    OralTaper,
    OralTitration,
    Pump,
    oral_to_intrathecal_switch,
)


def doses(table):
    return [(b.time_h, b.amount_ug / 1000.0) for b in table.boluses]


def test_oral_schedule_stop_is_exclusive_and_absent_stop_runs_to_end():
    assert doses(OralDoses(20, 8, 0, 24).events(72)) == [(0, 20), (8, 20), (16, 20)]
    assert [t for t, _ in doses(OralDoses(20, 8, 4).events(30))] == [4, 12, 20, 28]
    assert doses(OralDoses(10, None, 5).events(24)) == [(5, 10)]


def test_label_titration():
    """5 mg tid, +5 mg per dose every 3 days, up to the target (max 80 mg/day)."""
    reg = OralTitration(target_mg_per_day=60)
    per_day = {}
    for t, mg in doses(reg.events(24 * 15)):
        per_day[int(t // 24)] = per_day.get(int(t // 24), 0) + mg
    assert [per_day[d] for d in range(12)] == [15] * 3 + [30] * 3 + [45] * 3 + [60] * 3
    assert per_day[14] == 60
    capped = OralTitration(target_mg_per_day=120)
    assert max(mg for _, mg in doses(capped.events(24 * 40))) * 3 == pytest.approx(80)


def test_percentage_taper_is_geometric_and_ends_at_the_floor():
    reg = OralTaper(20, 8, step_percent=50, step_every_days=2, end_percent=10)
    assert reg.levels() == [10, 5, 2.5, 0.0]  # 1.25 would be below 10 % of 20 mg: stop instead
    amounts = [mg for _, mg in doses(reg.events(24 * 20))]
    assert amounts == [10] * 6 + [5] * 6 + [2.5] * 6
    assert reg.duration_h == 3 * 48


def test_fixed_step_taper_is_linear():
    assert OralTaper(20, 8, step_percent=None, step_mg=5).levels() == [15, 10, 5, 0]
    assert ITTaper(400, step_percent=None, step_ug_per_day=100).levels() == [300, 200, 100, 0]


def test_intrathecal_bolus_and_continuous():
    table = compile_events([ITBolus(50, 2.0), ITContinuous(400, 1.0, 25.0)], 48)
    assert [(b.time_h, b.amount_ug, b.site) for b in table.boluses] == [(2.0, 50, "intrathecal")]
    assert table.total_dosed_ug(0, 48, "intrathecal") == pytest.approx(50 + 400)


def test_flex_schedule_repeats_daily():
    flex = ITFlex(((0.0, 300.0), (7.0, 600.0), (22.0, 300.0)))
    table = compile_events([flex], 48)
    assert flex.mean_rate_ug_per_day == pytest.approx((300 * 7 + 600 * 15 + 300 * 2) / 24)
    assert table.total_dosed_ug(0, 48) == pytest.approx(2 * flex.mean_rate_ug_per_day)
    assert table.total_dosed_ug(7, 22) == pytest.approx(600 * 15 / 24)
    assert table.total_dosed_ug(24 + 22, 48) == pytest.approx(300 * 2 / 24)


def test_pump_titration_steps_by_percent_up_to_target():
    reg = ITTitration(100, 200, step_percent=20, step_every_h=24)
    assert reg.levels() == pytest.approx([100, 120, 144, 172.8, 200])
    table = reg.events(24 * 6)
    assert table.total_dosed_ug(0, 24) == pytest.approx(100)
    assert table.total_dosed_ug(24 * 5, 24 * 6) == pytest.approx(200)


def test_reservoir_runs_empty_and_then_delivers_nothing():
    pump = Pump(concentration_ug_per_ml=500, reservoir_ml=2, filled_at_h=0)  # 1000 ug
    table = compile_events([ITContinuous(400)], 24 * 5, pump=pump)
    assert table.total_dosed_ug(0, 24 * 5) == pytest.approx(1000)
    assert reservoir_empty_time_h(table, pump) == pytest.approx(60.0)
    assert pump.days_until_empty(400) == pytest.approx(2.5)
    assert Pump(2000, 20).days_until_empty(400) == pytest.approx(100)  # the sheet's worked example
    assert Pump(2000, 20, low_alarm_ml=2).days_until_low_alarm(400) == pytest.approx(90)


def test_an_empty_reservoir_refilled_after_n_hours_delivers_again_from_then():
    # 240 ug/day = 10 ug/h; 100 ug in the pump: empty at 10 h; refilled 48 h later (58 h) with 0.1 mL = 50 ug,
    # which lasts 5 h (empty again at 63 h, and no second refill)
    pump = Pump(concentration_ug_per_ml=500, reservoir_ml=0.2, refill_after_h=48, refill_ml=0.1)
    table = compile_events([ITContinuous(240)], 100, pump=pump)
    pieces = [x for i in table.infusions for x in (i.start_h, i.stop_h, i.rate_ug_per_h)]
    assert pieces == pytest.approx([0, 10, 10, 58, 63, 10])
    assert table.total_dosed_ug(0, 100) == pytest.approx(150)
    assert reservoir_empty_time_h(table, pump) == pytest.approx(10)
    # a refill before the run's end of a reservoir that never ran empty changes nothing
    full = Pump(concentration_ug_per_ml=500, reservoir_ml=20, refill_after_h=1)
    assert (
        compile_events([ITContinuous(240)], 100, pump=full).infusions
        == compile_events([ITContinuous(240)], 100).infusions
    )


@pytest.mark.parametrize("bad", [{"refill_after_h": -1}, {"refill_ml": 0}, {"refill_ml": 61}])
def test_refill_settings_are_range_checked(bad):
    with pytest.raises(ScenarioError, match=next(iter(bad))):
        Pump(concentration_ug_per_ml=500, reservoir_ml=1, **bad)


def test_failure_window_removes_intrathecal_delivery_only():
    table = compile_events([ITContinuous(400), ITBolus(50, 30), OralDoses(10, 8)], 72, failure=Failure(24, 48))
    assert table.total_dosed_ug(0, 72, "intrathecal") == pytest.approx(400 * 2)
    assert len([b for b in table.boluses if b.site == "gut"]) == 10


def test_prior_therapy_extends_regimens_back_in_phase():
    table = compile_events([OralDoses(20, 8, 0, 24), ITContinuous(400)], 48, prior_h=48)
    oral_times = [b.time_h for b in table.boluses if b.site == "gut"]
    assert oral_times[:3] == [-48, -40, -32]
    assert 0 in oral_times
    assert table.total_dosed_ug(-48, 0, "intrathecal") == pytest.approx(800)
    taper = compile_events([OralTaper(20, 8)], 24, prior_h=24)
    assert [b.amount_ug / 1000 for b in taper.boluses][:3] == [20, 20, 20]


def test_switch_from_oral_to_intrathecal_weans_oral_while_titrating_the_pump():
    regs = oral_to_intrathecal_switch(20, 8, 100, 300, wean_step_percent=25, wean_every_days=3)
    table = compile_events(regs, 24 * 30, prior_h=24 * 10)
    before = table.total_dosed_ug(-24, -0.01, "gut") / 1000  # doses at -24, -16, -8 h
    later = table.total_dosed_ug(24 * 6, 24 * 7 - 0.01, "gut") / 1000
    assert before == pytest.approx(60)
    assert 0 < later < before
    assert table.total_dosed_ug(24 * 29, 24 * 30, "gut") == 0
    assert table.total_dosed_ug(24 * 10, 24 * 11, "intrathecal") == pytest.approx(300)


def test_last_taper_step_as_a_share_of_the_start():
    # levels 10, 5, 2.5, then stop: the last dose is 2.5 mg of the 20 mg start
    assert OralTaper(20, 8, step_percent=50, step_every_days=2, end_percent=10).last_level_percent == 12.5
    assert ITTaper(400, step_percent=None, step_ug_per_day=100).last_level_percent == 25.0
