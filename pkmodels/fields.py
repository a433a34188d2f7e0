"""Checked fields: the ranges every scenario value must respect, and the one-line error when it does not.

Each dosing entry, the pump, the failure window and the patient declare their numeric fields as a table of
:class:`Num` (``FIELDS`` on the class).  The same check runs when an object is built in code
(:func:`check_fields`, from ``__post_init__``) and when a scenario file is read (``pkmodels.scenario``), so a
``Scenario`` built in Python cannot hold a negative dose either, and both say so in the same words.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_DURATION_H",
    "MAX_EVENTS",
    "MAX_PRIOR_DAYS",
    "MAX_STEPS",
    "Num",
    "ScenarioError",
    "check_fields",
    "check_number",
    "check_steps",
    "shown",
    "time_field",
]

# The work budget: every loop whose length comes from a scenario is bounded by one of these, checked before
# any work is done (a scenario file is untrusted input: a tiny step must not build 10^300 levels).
MAX_DURATION_H = 24.0 * 730  # two years: the creep of dose needs over months can be seen in one run
MAX_PRIOR_DAYS = 730.0
MAX_STEPS = 1000  # levels of one taper or titration
MAX_EVENTS = 100_000  # doses and rate pieces of one scenario, prior therapy included


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; the message is one line naming the problem.

    ``where`` names the object (a class name, or a place in a file such as ``oral[0]``) and ``sub`` a part of
    it (``schedule[2]``); :meth:`at` moves the error to a place in a file, so an entry read from a file and the
    same entry built in code fail with the same words.
    """

    def __init__(self, msg: str, where: str = "", sub: str = "") -> None:
        self.msg, self.where, self.sub = msg, where, sub
        place = ".".join(p for p in (where, sub) if p)
        super().__init__(f"{place}: {msg}" if place else msg)

    def at(self, where: str) -> ScenarioError:
        """The same error, located at ``where`` (its ``sub`` part kept)."""
        return ScenarioError(self.msg, where, self.sub)


@dataclass(frozen=True)
class Num:
    """A numeric field: range, default (``None`` = optional, absent), required flag.

    ``time`` fields (times in hours of a run) are range-checked where a file is read; in code they only need
    to be finite, because a therapy that was under way before time 0 is shifted back (negative start times).
    """

    lo: float
    hi: float
    default: float | None = None
    required: bool = False
    lo_open: bool = False  # lo itself not allowed (e.g. intervals > 0)
    time: bool = False


def time_field(default: float | None = None) -> Num:
    """A time in hours within a run (0..the longest run)."""
    return Num(0.0, MAX_DURATION_H, default, time=True)


def shown(value: Any) -> str:
    """A value as it may appear in a one-line message (at most 40 characters, whatever the value)."""
    try:
        return json.dumps(value, default=repr, ensure_ascii=True)[:40]
    except (ValueError, TypeError, RecursionError):
        return type(value).__name__


def _where(where: str, msg: str) -> ScenarioError:
    return ScenarioError(msg, where)


def check_number(where: str, key: str, value: Any, spec: Num, *, ranged: bool = True) -> float:
    """``value`` as a float, or a :class:`ScenarioError` naming ``where`` and ``key``.

    Rejects booleans, strings and other non-numbers, NaN and infinities, and (with ``ranged``) values outside
    the field's range.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _where(where, f"{key} must be a number, got {shown(value)}")
    try:
        v = float(value)
    except OverflowError:  # an integer too large for a float (str() of it may itself refuse: 4300 digits)
        bits = value.bit_length() if isinstance(value, int) else 0
        raise _where(where, f"{key} is a number far out of range ({bits} bits)") from None
    if not math.isfinite(v):
        raise _where(where, f"{key} must be finite, got {value!r}")
    if ranged and (v < spec.lo or v > spec.hi or (spec.lo_open and v == spec.lo)):
        op = ">" if spec.lo_open else ">="
        raise _where(where, f"{key} = {v:g} is out of range ({op} {spec.lo:g} and <= {spec.hi:g})")
    return v


def check_fields(obj: Any, spec: Mapping[str, Num], where: str | None = None) -> None:
    """Check the numeric fields of a freshly built object (``None`` allowed for optional ones)."""
    where = type(obj).__name__ if where is None else where
    for key, s in spec.items():
        value = getattr(obj, key)
        if value is None:
            if s.required:
                raise _where(where, f"missing required key {key!r}")
            continue
        check_number(where, key, value, s, ranged=not s.time)


def check_steps(where: str, key: str, value: float, n_steps: float) -> None:
    """A stepped regimen (taper, titration) whose ``key`` = ``value`` would take more than :data:`MAX_STEPS`
    steps is refused before a single level is built."""
    if not n_steps <= MAX_STEPS:  # also catches NaN and inf
        raise _where(where, f"{key} = {value:g} gives more than {MAX_STEPS} steps")
