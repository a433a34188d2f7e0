"""Shareable state: the settings that matter live in the URL, validated and clamped on the way in.

Each page declares a :class:`Schema` (a tuple of :class:`Field`).  On the first run of a page in a
session, :meth:`Schema.load` reads ``st.query_params``: numbers are parsed (never evaluated), clamped to
their range and snapped to their step; text where a number belongs, NaN, infinities and unknown choices
fall back to the default; unknown keys are ignored.  Every problem becomes one visible warning.  After
that the widgets own the values (``persist_state="session"`` keeps them across page switches) and
:meth:`Schema.save` writes the non-default ones back to the URL on every run, so a copied link reproduces
the view.  Parsing is pure Python (no Streamlit), so it is unit-tested directly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Field", "Schema", "parse_value", "quote"]

MAX_RAW_CHARS = 64  # longer URL values are rejected without parsing


@dataclass(frozen=True)
class Field:
    """One setting: URL key, widget kind, default, range/step or choices, label and help."""

    key: str
    default: Any
    label: str = ""
    kind: str = "float"  # float | int | choice | bool
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    choices: tuple = ()
    labels: Mapping[Any, str] = field(default_factory=dict)  # display names for choices
    help: str = ""
    unit: str = ""
    exact: bool = False  # a dose: its slider gets a number box for exact values (touch sliders are coarse)


_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+ ")


def quote(raw: str, limit: int = 24) -> str:
    """A URL value made safe to echo in a message: letters, digits, '.', '-', '+' and spaces only (so no
    Markdown, HTML or control characters reach the page), at most ``limit`` characters."""
    text = "".join(c if c in _SAFE else "?" for c in raw[:limit])
    return text + ("..." if len(raw) > limit else "")


def _snap(value: float, f: Field) -> float:
    if f.step:
        base = f.lo if f.lo is not None else 0.0
        value = base + round((value - base) / f.step) * f.step
        value = round(value, 10)
    return value


def parse_value(f: Field, raw: Any) -> tuple[Any, str | None]:
    """Validated value for a raw URL value and a warning (or None).  Never raises."""
    text = raw if isinstance(raw, str) else str(raw)
    if len(text) > MAX_RAW_CHARS:
        return f.default, f"'{f.key}' was too long; using {format_value(f, f.default)}"
    text = text.strip()
    shown = quote(text)
    if f.kind == "bool":
        low = text.lower()
        if low in ("1", "true", "yes", "on"):
            return True, None
        if low in ("0", "false", "no", "off", ""):
            return False, None
        return f.default, f"'{f.key}={shown}' is not on/off; using {format_value(f, f.default)}"
    if f.kind == "choice":
        for c in f.choices:
            if text == str(c):
                return c, None
        return f.default, f"'{f.key}={shown}' is not one of {', '.join(map(str, f.choices))}; using {f.default}"
    try:
        value = float(text)
    except ValueError:
        return f.default, f"'{f.key}={shown}' is not a number; using {format_value(f, f.default)}"
    if not math.isfinite(value):
        return f.default, f"'{f.key}={shown}' is not a finite number; using {format_value(f, f.default)}"
    warning = None
    lo = f.lo if f.lo is not None else -math.inf
    hi = f.hi if f.hi is not None else math.inf
    if value < lo or value > hi:
        clamped = min(max(value, lo), hi)
        warning = (
            f"'{f.key}={shown}' is outside {format_value(f, lo)}..{format_value(f, hi)}; using "
            f"{format_value(f, clamped)}"
        )
        value = clamped
    value = _snap(value, f)
    value = min(max(value, lo), hi)
    if f.kind == "int":
        value = round(value)
    return value, warning


def format_value(f: Field, value: Any) -> str:
    """The URL form of a value (short: no trailing zeros)."""
    if f.kind == "bool":
        return "1" if value else "0"
    if f.kind == "choice":
        return str(value)
    if f.kind == "int":
        return str(int(value))
    return f"{float(value):g}"


@dataclass(frozen=True)
class Schema:
    """The URL-backed settings of one page (``prefix`` keeps widget keys of pages apart)."""

    prefix: str
    fields: tuple[Field, ...]

    def widget_key(self, key: str) -> str:
        return f"{self.prefix}_{key}"

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def defaults(self) -> dict[str, Any]:
        return {f.key: f.default for f in self.fields}

    def parse(self, params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Values for every field from URL parameters, and the warnings."""
        values, warnings = self.defaults(), []
        for f in self.fields:
            if f.key in params:
                values[f.key], warn = parse_value(f, params[f.key])
                if warn:
                    warnings.append(warn)
        return values, warnings

    def to_params(self, values: Mapping[str, Any]) -> dict[str, str]:
        """URL parameters for the values that differ from the defaults."""
        return {
            f.key: format_value(f, values[f.key]) for f in self.fields if f.key in values and values[f.key] != f.default
        }

    # ------------------------------------------------------------------ Streamlit side (thin)
    def load(self, st: Any) -> list[str]:
        """First run of the page in this session: put URL values into the widget state; return warnings."""
        ss = st.session_state
        flag = f"_{self.prefix}_loaded"
        if ss.get(flag):
            return []
        values, warnings = self.parse(dict(st.query_params))
        for f in self.fields:
            ss[self.widget_key(f.key)] = values[f.key]
        ss[flag] = True
        return warnings

    def values(self, st: Any) -> dict[str, Any]:
        """Current values (a cleared widget, e.g. a deselected segmented control, counts as the default)."""
        out = {}
        for f in self.fields:
            v = st.session_state.get(self.widget_key(f.key), f.default)
            out[f.key] = f.default if v is None else v
        return out

    def save(self, st: Any, extra: Mapping[str, str] | None = None) -> None:
        """Write the non-default values (and ``extra`` shared keys) to the URL, leaving other keys alone."""
        wanted = {**self.to_params(self.values(st)), **(extra or {})}
        qp = st.query_params
        ours = {f.key for f in self.fields} | set(extra or {})
        for key in list(qp.keys()):
            if key in ours and key not in wanted:
                del qp[key]
        for key, value in wanted.items():
            if qp.get(key) != value:
                qp[key] = value

    def set(self, st: Any, **values: Any) -> None:
        """Set widget values programmatically (before the widgets are drawn in this run)."""
        for key, value in values.items():
            st.session_state[self.widget_key(key)] = value
