"""Scenarios of the Withdrawal & tapering page: pure functions from control values to ``pkmodels`` scenarios.

Every run starts one day (:data:`LEAD_H`) before the therapy ends, so the steady state is on screen, and
goes on for :data:`FOLLOW_H` after the last dose.  The months of therapy before that are the scenario's
``prior_therapy_days``, so receptor adaptation is in place without simulating them on the output grid.
The pump-empty ending is the exception: the reservoir is filled at time 0 and the run lasts until it has
run empty (content / rate days) plus the follow-up.

Only regimens from the ``pkmodels`` vocabulary are chosen here; every number shown comes from the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pkmodels import Failure, ITContinuous, ITTaper, OralDoses, OralTaper, Pump, Scenario
from pkmodels.scenario import default_output_step_min

__all__ = [
    "ENDINGS",
    "FOLLOW_H",
    "LEAD_H",
    "MAX_RUN_H",
    "WithdrawalPlan",
    "abrupt_vs_taper",
    "applicable",
    "effective_ending",
    "taper_regimen",
    "withdrawal_plan",
    "without_rescue",
]

LEAD_H = 24.0  # therapy shown before the end
FOLLOW_H = 24.0 * 10  # follow-up after the last dose: onset 12-72 h, then days until it settles
MAX_RUN_H = 24.0 * 120  # longest run (pkmodels.scenario.MAX_DURATION_H): the exported file stays valid
TAPER_END_PERCENT = 10.0  # a percentage taper stops once the next step would be below 10 % of the start

ENDINGS = {
    "abrupt": "Abrupt stop",
    "taper": "Taper schedule",
    "empty": "Pump reservoir runs empty",
    "failure": "Catheter failure",
}
# What the therapy's end is called in sentences ("onset 27 h after the stop").
END_WORDS = {
    "abrupt": "the stop",
    "taper": "the first taper step",
    "empty": "the moment the reservoir ran empty",
    "failure": "the catheter failure",
}


@dataclass(frozen=True)
class WithdrawalPlan:
    """One run of the page: the scenario and the times that matter in it (hours of the run)."""

    scenario: Scenario
    ending: str  # the ending simulated (oral routes cannot have pump endings)
    end_h: float  # when the therapy ends (stop, failure, empty reservoir, or the first taper step)
    last_dose_h: float  # when the drug stops altogether (the last taper step; = end_h otherwise)
    restart_h: float | None  # when the pump restarts (run hours), if it does
    cover: bool  # oral replacement from the end
    empty_days: float | None  # pump ending: days a full reservoir lasts at this rate
    notes: tuple[str, ...] = ()
    ends: bool = True  # False when the reservoir outlasts the run: end_h is then just a late time in the run

    @property
    def end_words(self) -> str:
        return END_WORDS[self.ending] if self.ends else "a late time in the run (the pump is still running)"

    @property
    def markers(self) -> list[tuple[float, str]]:
        """The events to mark on the time axis: (run hours, label)."""
        if self.ending == "taper":
            return [(self.end_h, "first taper step"), (self.last_dose_h, "last dose")]
        names = {"abrupt": "stop", "failure": "catheter fails", "empty": "reservoir empty"}
        out = [(self.end_h, names[self.ending])] if self.ends else []
        if self.ending == "empty":
            out.insert(0, (0.0, "reservoir filled"))
        if self.restart_h is not None:
            out.append((self.restart_h, "pump restarts"))
        return out


def effective_ending(v: Mapping[str, Any]) -> str:
    """The ending that is simulated: pump endings on the oral route become an abrupt stop."""
    ending = str(v["ending"])
    if v["route"] == "oral" and ending in ("empty", "failure"):
        return "abrupt"
    return ending if ending in ENDINGS else "abrupt"


def applicable(v: Mapping[str, Any]) -> dict[str, bool]:
    """Which controls change the main run (the others are shown disabled)."""
    it = v["route"] == "intrathecal"
    ending = effective_ending(v)
    cover = it and ending in ("abrupt", "failure", "empty")
    return {
        "route": True,
        "oral_mg": not it,
        "oral_per_day": not it or cover,  # the oral cover is taken this many times a day
        "it_ug": it,
        "days_on": True,
        "ending": True,
        "taper_pct": True,  # also used by the abrupt-vs-taper comparison
        "taper_every": True,
        "restart_h": it and ending in ("abrupt", "failure"),
        "oral_cover": cover,
        "conc": it and ending == "empty",
        "volume": it and ending == "empty",
    }


def _every_h(v: Mapping[str, Any]) -> float:
    return 24.0 / max(int(v["oral_per_day"]), 1)


def taper_regimen(v: Mapping[str, Any], start_h: float = LEAD_H) -> OralTaper | ITTaper:
    """The chosen taper: ``taper_pct`` % of the current dose every ``taper_every`` days, from ``start_h``."""
    pct, every = float(v["taper_pct"]), float(v["taper_every"])
    if v["route"] == "oral":
        return OralTaper(
            float(v["oral_mg"]),
            _every_h(v),
            step_percent=pct,
            step_mg=None,
            step_every_days=every,
            start_h=start_h,
            end_percent=TAPER_END_PERCENT,
        )
    return ITTaper(
        float(v["it_ug"]),
        step_percent=pct,
        step_ug_per_day=None,
        step_every_days=every,
        start_h=start_h,
        end_percent=TAPER_END_PERCENT,
    )


def _therapy_text(v: Mapping[str, Any]) -> str:
    if v["route"] == "oral":
        return f"Oral {float(v['oral_mg']):g} mg x {int(v['oral_per_day'])}/day"
    return f"Intrathecal {float(v['it_ug']):g} µg/day"


def _prior_days(v: Mapping[str, Any], run_before_end_h: float) -> float:
    """Therapy before the run so that ``days_on`` days of it precede the end (never negative)."""
    return max(float(v["days_on"]) - run_before_end_h / 24.0, 0.0)


def _scenario(
    v: Mapping[str, Any], *, duration_h: float, before_end_h: float, title: str, notes: str = "", **kw: Any
) -> Scenario:
    return Scenario(
        duration_h=duration_h,
        output_step_min=default_output_step_min(duration_h),
        prior_therapy_days=_prior_days(v, before_end_h),
        title=title,
        notes=notes,
        **kw,
    )


def withdrawal_plan(
    v: Mapping[str, Any], ending: str | None = None, *, duration_h: float | None = None, rescue: bool = True
) -> WithdrawalPlan:
    """The run for the chosen therapy and ending (``ending`` overrides the control; ``duration_h`` sets the
    run length of stop-type endings; ``rescue=False`` drops the pump restart and the oral cover)."""
    route = str(v["route"])
    ending = effective_ending({**v, "ending": ending or v["ending"]})
    notes: list[str] = []
    if ending != v["ending"] and ending == "abrupt" and v["ending"] in ("empty", "failure") and route == "oral":
        notes.append(
            "Pump endings belong to the intrathecal route: the oral therapy is shown stopped abruptly "
            "(tablets no longer taken)."
        )
    it = route == "intrathecal"
    every_h = _every_h(v)
    base = _therapy_text(v)
    days = int(v["days_on"])

    if ending == "taper":
        reg = taper_regimen(v)
        last = LEAD_H + reg.duration_h
        dur = min(max(duration_h or 0.0, last + FOLLOW_H), MAX_RUN_H)
        title = f"{base}, {days} days, then taper {float(v['taper_pct']):g} % every {float(v['taper_every']):g} days"
        key = "intrathecal" if it else "oral"
        sc = _scenario(v, duration_h=dur, before_end_h=LEAD_H, title=title, **{key: (reg,)})
        return WithdrawalPlan(sc, "taper", LEAD_H, last, None, False, None, tuple(notes))

    restart = float(v["restart_h"]) if rescue and it and ending in ("abrupt", "failure") else 0.0
    cover_mg = float(v["oral_cover"]) if rescue and it else 0.0
    empty_days: float | None = None
    ends = True
    pump = failure = None
    if ending == "empty":
        pump = Pump(float(v["conc"]), float(v["volume"]), filled_at_h=0.0)
        empty_days = pump.days_until_empty(float(v["it_ug"]))
        end = empty_days * 24.0
        if not math.isfinite(end) or end + FOLLOW_H > MAX_RUN_H:
            notes.append(
                f"At {float(v['it_ug']):g} µg/day this reservoir lasts {empty_days:.0f} days, longer than "
                f"this page simulates ({(MAX_RUN_H - FOLLOW_H) / 24:.0f} days): it does not run empty in "
                "the run shown. Lower the concentration or the volume, or raise the dose."
            )
            end = MAX_RUN_H - FOLLOW_H
            ends = False
        dur = end + FOLLOW_H
        before = end
    else:
        end = LEAD_H
        dur = min(max(duration_h or 0.0, LEAD_H + FOLLOW_H), MAX_RUN_H)
        before = LEAD_H
    restart_at = end + restart if restart > 0 else None

    oral: tuple = ()
    intrathecal: tuple = ()
    if not it:
        oral = (OralDoses(float(v["oral_mg"]), every_h, 0.0, end),)
    elif ending == "abrupt":
        intrathecal = (ITContinuous(float(v["it_ug"]), 0.0, end),)
        if restart_at is not None:
            intrathecal += (ITContinuous(float(v["it_ug"]), restart_at),)
    else:  # failure or empty: the pump keeps its program; delivery stops
        intrathecal = (ITContinuous(float(v["it_ug"])),)
        if ending == "failure":
            failure = Failure(end, restart_at)
    if cover_mg > 0:
        oral = (OralDoses(cover_mg, every_h, end),)

    parts = [f"{base}, {days} days", ENDINGS[ending].lower()]
    if ending == "empty":
        parts[-1] += f" ({float(v['volume']):g} mL of {float(v['conc']):g} µg/mL)"
    if restart_at is not None:
        parts.append(f"restart after {restart:g} h")
    if cover_mg > 0:
        parts.append(f"oral cover {cover_mg:g} mg x {int(v['oral_per_day'])}/day")
    sc = _scenario(
        v,
        duration_h=dur,
        before_end_h=before,
        title=", ".join(parts),
        oral=oral,
        intrathecal=intrathecal,
        pump=pump,
        failure=failure,
    )
    return WithdrawalPlan(sc, ending, end, end, restart_at, cover_mg > 0, empty_days, tuple(notes), ends)


def without_rescue(v: Mapping[str, Any]) -> WithdrawalPlan | None:
    """The same ending without the pump restart and the oral cover, if either is in use (else None)."""
    plan = withdrawal_plan(v)
    if plan.restart_h is None and not plan.cover:
        return None
    return withdrawal_plan(v, rescue=False)


def abrupt_vs_taper(v: Mapping[str, Any]) -> dict[str, WithdrawalPlan]:
    """The same therapy ended abruptly and by the chosen taper, over the same time span, no rescue."""
    taper = withdrawal_plan(v, "taper")
    abrupt = withdrawal_plan(v, "abrupt", duration_h=taper.scenario.duration_h, rescue=False)
    return {"abrupt": abrupt, "taper": taper}
