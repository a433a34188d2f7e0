"""How the pages write numbers: one function per kind of quantity, so a kind reads the same on every page.

Pure Python (no Streamlit), unit-tested in ``tests/dashboard/test_format.py``.  A missing value (None, NaN)
is written "-" (or the text the caller gives) instead of raising.
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = ["answer", "change", "fixed", "hours", "number", "patients", "ratio", "reduction", "share", "span"]

MISSING = "-"


def number(x: float | None, unit: str = "", digits: int = 3) -> str:
    """A measured value with its unit: ``digits`` significant digits, whole numbers with thousands separators
    from ``10**digits`` up ("0.118 mL", "12.5 h", "12,346 µg/day"); "-" for missing or infinite."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return MISSING
    text = f"{x:.{digits}g}" if abs(x) < 10**digits else f"{x:,.0f}"
    return f"{text} {unit}".strip()


def change(before: float | None, after: float | None) -> str:
    """A value before and after something, as :func:`number`: "12.5 → 40.1"."""
    return f"{number(before)} → {number(after)}"


def span(lo: float, hi: float, decimals: int) -> str:
    """Lowest and highest of a range with ``decimals`` decimals, "lo-hi"; one number when both round the same."""
    a, b = f"{lo:.{decimals}f}", f"{hi:.{decimals}f}"
    return a if a == b else f"{a}-{b}"


def fixed(x: float | None, decimals: int = 0) -> str:
    """A value with a fixed number of decimals and thousands separators ("1,234", "2.5"); "-" for missing."""
    if x is None or x != x:  # None or NaN
        return MISSING
    return f"{x:,.{decimals}f}"


def ratio(x: float | None) -> str:
    """A ratio of two concentrations: 2 significant digits below 1 ("0.12"), 3 from 1 up; "-" for missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    return f"{x:.2g}" if x < 1 else f"{x:.3g}"


def answer(x: float) -> str:
    """A lecture scene's answer or a guess's error, of any size: three significant digits, thousands separators
    from 100 up, an exponent only beyond 100 000 or below 0.001; "-" when not finite."""
    if not math.isfinite(x):
        return MISSING
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.3g}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) >= 1 else f"{x:.2g}"


def hours(h: float | None, none: str = "never") -> str:
    """A time in hours: "27 h" up to 3 days, "4.5 days" from there; ``none`` when there is no such time."""
    if h is None:
        return none
    return f"{h:.0f} h" if h < 72 else f"{h / 24:.1f} days"


def share(fraction: float | None) -> str:
    """A share of patients: "62 %", "<1 %" for a few, ">99 %" for nearly all, "-" if unknown (half rounds up)."""
    if fraction is None or not math.isfinite(fraction):
        return MISSING
    if 0.0 < fraction < 0.005:
        return "<1 %"
    if 0.995 <= fraction < 1.0:
        return ">99 %"
    return f"{math.floor(fraction * 100 + 0.5):.0f} %"  # half up: 0.5 % -> "1 %"


def patients(fraction: float, n: int) -> str:
    """The count behind a share: "186 of 300 simulated patients"."""
    return f"{round(fraction * n)} of {n} simulated patients"


def reduction(fraction: float) -> str:
    """A suggested dose reduction in words: 0 -> "usual dose", 1/3 -> "cut by 1/3"."""
    if not fraction > 0:
        return "usual dose"
    f = Fraction(fraction).limit_denominator(12)
    return f"cut by {f.numerator}/{f.denominator}"
