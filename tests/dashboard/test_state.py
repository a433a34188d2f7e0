"""URL state: parsing clamps, snaps, falls back to defaults with a warning, and never raises."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.state import Field, Schema, parse_value

DOSE = Field("dose", 20.0, kind="float", lo=2.5, hi=100.0, step=2.5)
COUNT = Field("n", 3, kind="int", lo=1, hi=6, step=1)
MODE = Field("mode", "a", kind="choice", choices=("a", "b"))
FLAG = Field("on", False, kind="bool")


@pytest.mark.parametrize(
    ("field", "raw", "value", "warns"),
    [
        (DOSE, "30", 30.0, False),
        (DOSE, "31", 30.0, False),  # snapped to the 2.5 step
        (DOSE, "-5", 2.5, True),  # clamped
        (DOSE, "1e308", 100.0, True),
        (DOSE, "abc", 20.0, True),  # text -> default
        (DOSE, "NaN", 20.0, True),
        (DOSE, "inf", 20.0, True),
        (DOSE, "", 20.0, True),
        (DOSE, "9" * 100, 20.0, True),  # too long, not parsed
        (COUNT, "4.4", 4, False),
        (COUNT, "99", 6, True),
        (MODE, "b", "b", False),
        (MODE, "c", "a", True),
        (MODE, "__import__('os')", "a", True),
        (FLAG, "1", True, False),
        (FLAG, "maybe", False, True),
    ],
)
def test_parse_value(field, raw, value, warns):
    got, warning = parse_value(field, raw)
    assert got == value
    assert (warning is not None) == warns


def test_schema_round_trip_keeps_only_non_defaults():
    schema = Schema("t", (DOSE, COUNT, MODE, FLAG))
    values, warnings = schema.parse({"dose": "40", "mode": "b", "unknown": "1"})
    assert values == {"dose": 40.0, "n": 3, "mode": "b", "on": False}
    assert warnings == []
    params = schema.to_params(values)
    assert params == {"dose": "40", "mode": "b"}
    assert schema.parse(params)[0] == values


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["dose", "n", "mode", "on", "x"]), st.text(max_size=100)))
def test_any_url_gives_valid_values(params):
    schema = Schema("t", (DOSE, COUNT, MODE, FLAG))
    values, warnings = schema.parse(params)
    assert 2.5 <= values["dose"] <= 100
    assert math.isfinite(values["dose"])
    assert values["n"] in range(1, 7)
    assert values["mode"] in ("a", "b")
    assert isinstance(values["on"], bool)
    assert all("\n" not in w and "<" not in w and "](" not in w for w in warnings)
