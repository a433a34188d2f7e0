"""A student's typed answer -> a float, or PollInputError with a short message.  Never ``eval``.

Accepted: "12", "12.5", "12,5" (decimal comma), ".5", "+3", "-2" (if the range allows), " 1e3 ",
"1 000" (groups of three digits separated by spaces), "30 %" and the caller's unit as a suffix
("12 h"), Unicode digits of any script and full-width forms (normalised, then parsed by a fixed pattern).
Refused: empty, text, NaN, infinities, hex, Python's "1_000", thousands separators that could be
decimal marks ("1,000" could be one thousand or one), more than 32 characters, and values outside the
question's range.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

from .errors import PollInputError

__all__ = ["MAX_ANSWER_CHARS", "PollInputError", "format_number", "parse_answer"]

MAX_ANSWER_CHARS = 32
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?: [0-9]{3})+(?:\.[0-9]*)?")  # 1 000 or 12 345.5
_AMBIGUOUS = re.compile(r"[+-]?[1-9][0-9]{0,2},[0-9]{3}")  # 1,000: one thousand, or one?
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"})
_ASK = "Type one number, e.g. 12 or 12.5."


def format_number(x: float) -> str:
    """Short form for messages: 0.5, 12, 1e+06."""
    return f"{x:g}"


def _ascii_digits(s: str) -> str:
    """Decimal digits of any script -> 0-9 (everything else unchanged)."""
    out = []
    for c in s:
        if not ("0" <= c <= "9") and (d := unicodedata.decimal(c, None)) is not None:
            c = str(d)
        out.append(c)
    return "".join(out)


def _strip_suffix(s: str, suffixes: Iterable[str]) -> str:
    low = s.casefold()
    for suffix in sorted({x.strip().casefold() for x in suffixes if x and x.strip()}, key=len, reverse=True):
        if low.endswith(suffix) and len(low) > len(suffix):
            return s[: len(s) - len(suffix)].rstrip()
    return s


def parse_answer(text: object, low: float = 0.0, high: float = 1e6, *, suffixes: Iterable[str] = ("%",)) -> float:
    """The number in ``text`` if it is one plain number within [low, high]; else PollInputError.

    ``suffixes`` are units a student may type after the number (case-insensitive), e.g. ``("%", "h")``.
    Ints and floats are accepted too (a number box's value) and checked the same way.
    """
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise ValueError("the answer range must be finite with low <= high")
    if isinstance(text, bool) or text is None:
        raise PollInputError(_ASK)
    if isinstance(text, (int, float)):
        try:
            value = float(text)
        except OverflowError:  # an int beyond the float range
            raise PollInputError(_out_of_range(low, high)) from None
    elif isinstance(text, str):
        value = _parse_text(text, suffixes)
    else:
        raise PollInputError(_ASK)
    if math.isnan(value):
        raise PollInputError(_ASK)
    if not low <= value <= high:
        raise PollInputError(_out_of_range(low, high))
    return value + 0.0  # -0.0 -> 0.0


def _out_of_range(low: float, high: float) -> str:
    return f"Out of range: type a number from {format_number(low)} to {format_number(high)}."


def _parse_text(text: str, suffixes: Iterable[str]) -> float:
    if len(text) > MAX_ANSWER_CHARS:
        raise PollInputError(f"Too long: type one number (at most {MAX_ANSWER_CHARS} characters).")
    if any(c.isdigit() and not c.isdecimal() for c in text):  # 10² or ①: NFKC would make them 102 and 1
        raise PollInputError(_ASK)
    s = unicodedata.normalize("NFKC", text).translate(_MINUS)
    s = " ".join(s.split())  # any run of Unicode spaces -> one space, trimmed
    if not s:
        raise PollInputError(_ASK)
    s = _ascii_digits(_strip_suffix(s, suffixes))
    if s.count(",") + s.count(".") > 1:
        raise PollInputError("Use one decimal point (or comma) and no thousands separators.")
    if _AMBIGUOUS.fullmatch(s):
        raise PollInputError("Thousands or a decimal? Type the number without a comma (e.g. 1000 or 1.5).")
    s = s.replace(",", ".")
    if _GROUPED.fullmatch(s):
        s = s.replace(" ", "")
    if not _NUMBER.fullmatch(s):
        raise PollInputError(_ASK)
    try:
        return float(s)  # the pattern admits only what float() reads as a plain decimal number
    except (ValueError, OverflowError):  # pragma: no cover - the pattern rules these out
        raise PollInputError(_ASK) from None
