"""Scenarios of the Pump & titration page, from widget values: pure functions, unit-tested.

They only pick regimens from the ``pkmodels`` vocabulary and the rules of :mod:`pkmodels.pump`; every
number shown comes from the model.
"""

from __future__ import annotations

from pkmodels import (
    ITBolus,
    ITContinuous,
    ITFlex,
    ITTitration,
    OralDoses,
    Pump,
    Scenario,
    oral_to_intrathecal_switch,
)
from pkmodels.parameters import spec
from pkmodels.pump import remaining_ml
from pkmodels.regimens import ITPeriodicBolus

__all__ = [
    "EMPTY_AT_H",
    "ERROR_AT_H",
    "ERROR_FACTOR",
    "ESTABLISHED_DAYS",
    "FLEX_DAY",
    "ORAL_EVERY_H",
    "SENSITIVITY",
    "WEAN_EVERY_DAYS",
    "error_scenarios",
    "flex_scenarios",
    "intrathecal_regimen",
    "missed_refill_scenario",
    "screening_scenario",
    "switch_scenarios",
    "titration_days",
    "titration_scenario",
]

SCREENING_HOURS = 24.0
ESTABLISHED_DAYS = 60.0  # "on the pump (or on tablets) for months": adaptation has settled (tau 5 days)
EMPTY_AT_H = 24.0  # the missed-refill run starts one day before the reservoir runs dry
REFILL_FOLLOW_UP_H = 24.0 * 5
ERROR_AT_H = 24.0  # the programming error happens at a refill visit one day into the run
ERROR_FACTOR = 10.0
ERROR_FOLLOW_UP_H = 24.0 * 3
FLEX_DAYS = 3
ORAL_EVERY_H = 8.0  # three intakes a day
WEAN_EVERY_DAYS = 3.0  # one wean step every 3 days (an assumption of this page; CMSC gives the step size only)
MIN_TITRATION_DAYS, MAX_TITRATION_DAYS, AFTER_TARGET_DAYS = 7, 60, 5

# What-if patients for the screening ladder: multiplier on the spinal EC50 (the typical patient is 1).
SENSITIVITY = {"typical": 1.0, "less sensitive": 2.0, "much less sensitive": 4.0}

# Flex schedule used by the "flex" pump mode: twice the hourly rate by day (07:00-22:00) as by night,
# same daily total.  Day rate r_d over 15 h plus r_d / 2 over 9 h = daily dose.
FLEX_DAY = (7.0, 22.0)
_DAY_HOURS = FLEX_DAY[1] - FLEX_DAY[0]
_DAY_FACTOR = 24.0 / (_DAY_HOURS + 0.5 * (24.0 - _DAY_HOURS))
PERIODIC_BOLUS_EVERY_H = 6.0


def intrathecal_regimen(
    ug_per_day: float, mode: str, start_h: float = 0.0, stop_h: float | None = None
) -> ITContinuous | ITFlex | ITPeriodicBolus:
    """The pump program for a daily dose: continuous, flex (day/night) or periodic bolus (every 6 h); the
    Compare page's pump modes and this page's flex section."""
    if mode == "flex":
        day = ug_per_day * _DAY_FACTOR
        return ITFlex(((0.0, day / 2), (FLEX_DAY[0], day), (FLEX_DAY[1], day / 2)), start_h, stop_h)
    if mode == "bolus":
        return ITPeriodicBolus(ug_per_day * PERIODIC_BOLUS_EVERY_H / 24.0, PERIODIC_BOLUS_EVERY_H, start_h, stop_h)
    return ITContinuous(ug_per_day, start_h, stop_h)


def screening_scenario(bolus_ug: float, ec50_factor: float = 1.0) -> Scenario:
    """One screening bolus at time 0 (lumbar puncture), followed for 24 h, in a pump-naive patient."""
    typical = spec("ec50_spinal_ng_per_ml").value
    params = (("ec50_spinal_ng_per_ml", typical * ec50_factor),) if ec50_factor != 1.0 else ()
    who = "" if ec50_factor == 1.0 else f", spinal EC50 x{ec50_factor:g}"
    return Scenario(
        duration_h=SCREENING_HOURS,
        output_step_min=5.0,
        intrathecal=(ITBolus(float(bolus_ug)),),
        parameters=params,
        title=f"Screening bolus {bolus_ug:g} ug{who}",
    )


def titration_days(start_ug_per_day: float, target_ug_per_day: float, step_percent: float) -> int:
    """Days to simulate: the titration up to the target plus a few days at the target (7 to 60 days)."""
    levels = ITTitration(start_ug_per_day, target_ug_per_day, step_percent).levels()
    return min(MAX_TITRATION_DAYS, max(MIN_TITRATION_DAYS, len(levels) + AFTER_TARGET_DAYS))


def titration_scenario(start_ug_per_day: float, target_ug_per_day: float, step_percent: float) -> Scenario:
    """A new pump: the start dose for 24 h, then +step_percent % per 24 h up to the target."""
    days = titration_days(start_ug_per_day, target_ug_per_day, step_percent)
    return Scenario(
        duration_h=days * 24.0,
        output_step_min=15.0,
        intrathecal=(ITTitration(float(start_ug_per_day), float(target_ug_per_day), float(step_percent)),),
        title=f"Pump titration {start_ug_per_day:g} to {target_ug_per_day:g} ug/day, +{step_percent:g} % per day",
    )


def missed_refill_scenario(
    concentration_ug_per_ml: float, rate_ug_per_day: float, refill_after_h: float | None = None
) -> Scenario:
    """A patient on the pump for months at ``rate``; the run starts one day before the reservoir is empty and
    the refill is missed, so delivery stops at ``EMPTY_AT_H``; with ``refill_after_h`` the reservoir is
    refilled (20 mL) that many hours later and delivery goes on."""
    left = remaining_ml(rate_ug_per_day, concentration_ug_per_ml, EMPTY_AT_H)
    return Scenario(
        duration_h=EMPTY_AT_H + REFILL_FOLLOW_UP_H,
        output_step_min=10.0,
        intrathecal=(ITContinuous(float(rate_ug_per_day)),),
        pump=Pump(float(concentration_ug_per_ml), left, 0.0, refill_after_h=refill_after_h),
        prior_therapy_days=ESTABLISHED_DAYS,
        title=f"Missed refill at {rate_ug_per_day:g} ug/day",
    )


def flex_scenarios(rate_ug_per_day: float) -> dict[str, Scenario]:
    """The same daily dose, continuous or flex (day/night), in a patient on the pump for months."""
    common = {"duration_h": FLEX_DAYS * 24.0, "output_step_min": 5.0, "prior_therapy_days": ESTABLISHED_DAYS}
    return {
        mode: Scenario(
            intrathecal=(intrathecal_regimen(float(rate_ug_per_day), mode),),
            title=f"{mode.capitalize()} {rate_ug_per_day:g} ug/day",
            **common,
        )
        for mode in ("continuous", "flex")
    }


def error_scenarios(rate_ug_per_day: float) -> dict[str, Scenario]:
    """The intended rate throughout, and the pump programmed ``ERROR_FACTOR`` x the rate from ``ERROR_AT_H``."""
    rate = float(rate_ug_per_day)
    common = {
        "duration_h": ERROR_AT_H + ERROR_FOLLOW_UP_H,
        "output_step_min": 10.0,
        "prior_therapy_days": ESTABLISHED_DAYS,
    }
    return {
        "intended": Scenario(intrathecal=(ITContinuous(rate),), title=f"Intended {rate:g} ug/day", **common),
        "error": Scenario(
            intrathecal=(ITContinuous(rate, 0.0, ERROR_AT_H), ITContinuous(rate * ERROR_FACTOR, ERROR_AT_H)),
            title=f"Programmed {rate * ERROR_FACTOR:g} instead of {rate:g} ug/day",
            **common,
        ),
    }


def switch_scenarios(
    oral_mg: float, wean_percent: float, start_ug_per_day: float, target_ug_per_day: float, step_percent: float
) -> dict[str, Scenario]:
    """Oral baclofen (``oral_mg`` three times a day for months) replaced by a pump titrated from the start
    dose: the oral dose weaned in ``wean_percent`` % steps, or stopped at once when the pump starts."""
    titration, taper = oral_to_intrathecal_switch(
        float(oral_mg),
        ORAL_EVERY_H,
        float(start_ug_per_day),
        float(target_ug_per_day),
        it_step_percent=float(step_percent),
        wean_step_percent=float(wean_percent),
        wean_every_days=WEAN_EVERY_DAYS,
    )
    days = max(
        titration_days(start_ug_per_day, target_ug_per_day, step_percent),
        int((taper.start_h + taper.duration_h) / 24.0) + AFTER_TARGET_DAYS,
    )
    common = {"duration_h": days * 24.0, "output_step_min": 15.0, "prior_therapy_days": ESTABLISHED_DAYS}
    return {
        "weaned": Scenario(
            oral=(taper,),
            intrathecal=(titration,),
            title=f"Oral {oral_mg:g} mg x3/day weaned {wean_percent:g} % steps, pump titrated",
            **common,
        ),
        # the last tablet is taken when the pump starts (a stop time just after it, so the file reloads)
        "abrupt": Scenario(
            oral=(OralDoses(float(oral_mg), ORAL_EVERY_H, 0.0, 1.0),),
            intrathecal=(titration,),
            title=f"Oral {oral_mg:g} mg x3/day stopped at once, pump titrated",
            **common,
        ),
    }


TIP_ESTABLISHED_DAYS = 60.0  # prior therapy for the tip comparison: long enough for the cord sites to settle


def tip_scenario(rate_ug_per_day: float, tip: str) -> Scenario:
    """A pump at ``rate_ug_per_day`` with the catheter tip at ``tip``, established for two months (the last day
    shown): what the legs and the arms get from that tip."""
    return Scenario(
        duration_h=24.0,
        output_step_min=15.0,
        prior_therapy_days=TIP_ESTABLISHED_DAYS,
        catheter_tip=tip,
        intrathecal=(ITContinuous(rate_ug_per_day),),
        title=f"Pump {rate_ug_per_day:g} ug/day, tip {tip}, after {TIP_ESTABLISHED_DAYS:g} days",
    )
