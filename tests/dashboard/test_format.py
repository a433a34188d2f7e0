"""dashboard.format: one function per kind of quantity, and the exact strings the pages show."""

from __future__ import annotations

import math

import pytest

from dashboard import format as fmt

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("x", "unit", "digits", "text"),
    [
        (None, "", 3, "-"),
        (NAN, "mL", 3, "-"),
        (INF, "h", 3, "-"),
        (-INF, "", 3, "-"),
        (0.0, "", 3, "0"),
        (0.11834, "", 3, "0.118"),
        (0.2, "mL", 2, "0.2 mL"),
        (1.7049, "points", 2, "1.7 points"),
        (7.349, "h", 2, "7.3 h"),
        (100.0, "µg/day", 3, "100 µg/day"),
        (100.0, "days", 3, "100 days"),
        (99.5, "h", 2, "1e+02 h"),  # rounds up to three digits: the short form of 100
        (999.6, "", 3, "1e+03"),
        (1000.0, "", 3, "1,000"),
        (12345.6, "µg/day", 3, "12,346 µg/day"),
        (-1234.0, "", 3, "-1,234"),
        (5, "", 3, "5"),
    ],
)
def test_number(x, unit, digits, text):
    assert fmt.number(x, unit, digits) == text


def test_change_and_span():
    assert fmt.change(1.0, 2.0) == "1 → 2"
    assert fmt.change(0.123456, 1234.5) == "0.123 → 1,234"
    assert fmt.change(None, 3.0) == "- → 3"
    assert fmt.span(1.0, 1.004, 2) == "1.00"  # both round the same: one number
    assert fmt.span(1.0, 2.0, 0) == "1-2"
    assert fmt.span(0.1, 0.2, 2) == "0.10-0.20"


@pytest.mark.parametrize(
    ("x", "decimals", "text"),
    [(None, 0, "-"), (NAN, 1, "-"), (0.4, 0, "0"), (1234.5, 0, "1,234"), (2.46, 1, "2.5"), (12345.6, 1, "12,345.6")],
)
def test_fixed(x, decimals, text):
    assert fmt.fixed(x, decimals) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [(None, "-"), (NAN, "-"), (0.118, "0.12"), (0.0049, "0.0049"), (1.0, "1"), (12.5, "12.5"), (123.456, "123")],
)
def test_ratio(x, text):
    assert fmt.ratio(x) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (NAN, "-"),
        (INF, "-"),
        (0.0, "0"),
        (0.0004, "0.0004"),
        (1e-9, "1e-09"),
        (0.1234, "0.12"),
        (1.234, "1.23"),
        (99.5, "99.5"),
        (123.4, "123"),
        (12345.6, "12,346"),
        (1e5, "1e+05"),
        (-1234.0, "-1,234"),
    ],
)
def test_answer(x, text):
    assert fmt.answer(x) == text


@pytest.mark.parametrize(
    ("h", "text"),
    [(None, "never"), (0.4, "0 h"), (27.2, "27 h"), (71.9, "72 h"), (72.0, "3.0 days"), (108.0, "4.5 days")],
)
def test_hours(h, text):
    assert fmt.hours(h) == text


def test_hours_with_another_word_for_none():
    assert fmt.hours(None, "-") == "-"
    assert fmt.hours(6.0, "-") == "6 h"


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.0, "0 %"),
        (0.004, "<1 %"),
        (0.005, "1 %"),
        (0.62, "62 %"),
        (0.996, ">99 %"),
        (1.0, "100 %"),
        (float("nan"), "-"),
        (None, "-"),
    ],
)
def test_pct(fraction, text):
    assert fmt.share(fraction) == text


def test_share_rounds_half_up():
    assert fmt.share(0.025) == "3 %"
    assert fmt.share(0.015) == "2 %"
    assert fmt.share(math.inf) == "-"


def test_people_and_reduction_text():
    assert fmt.patients(0.62, 300) == "186 of 300 simulated patients"
    assert fmt.patients(1.0, 50) == "50 of 50 simulated patients"
    assert [fmt.reduction(x) for x in (0.0, 1 / 3, 0.5, 2 / 3)] == [
        "usual dose",
        "cut by 1/3",
        "cut by 1/2",
        "cut by 2/3",
    ]
