"""One widget per :class:`~dashboard.state.Field`, keyed so the URL state machinery owns its value."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from dashboard.state import Field, Schema, parse_value
from dashboard.ui import presentation

__all__ = ["number_format", "row", "widget"]


def number_format(step: float | None) -> str:
    """printf format showing as many decimals as the step needs (2.5 -> "%.1f", 25 -> "%d")."""
    if not step or float(step).is_integer():
        return "%d"
    decimals = 1
    while decimals < 4 and not round(step * 10**decimals, 6).is_integer():
        decimals += 1
    return f"%.{decimals}f"


def _choice_label(names: dict, choice: object) -> str:
    return names.get(choice, str(choice))


def widget(schema: Schema, key: str, *, container: Any = st, label: str | None = None, **kw: Any) -> Any:
    """Draw the widget for field ``key`` of ``schema`` and return its value.

    The value lives in ``st.session_state`` under the schema's widget key (set from the URL on the first
    run), so no ``value=`` is passed; ``persist_state="session"`` keeps it across page switches.
    """
    f: Field = schema.field(key)
    wkey = schema.widget_key(key)
    text = label or f.label
    common = {"key": wkey, "help": f.help or None, "persist_state": "session", **kw}
    if f.kind == "bool":
        return container.toggle(text, **common)
    if f.kind == "choice":
        # a partial, not a lambda: session state must stay picklable (tests/dashboard/test_robustness.py)
        label_of = functools.partial(_choice_label, dict(f.labels))
        if len(f.choices) <= 4:  # every option visible (pills and segmented controls clip in narrow columns)
            return container.radio(text, f.choices, format_func=label_of, **common)
        return container.selectbox(text, f.choices, format_func=label_of, **common)
    if f.kind == "int":
        return container.slider(text, int(f.lo), int(f.hi), step=int(f.step or 1), **common)
    common.setdefault("format", number_format(f.step))  # a page may ask for its own format
    value = container.slider(text, float(f.lo), float(f.hi), step=float(f.step or 1.0), **common)
    if f.exact and not presentation():  # the projector keeps its height for the charts
        _number_box(schema, f, container, text, common["format"], disabled=bool(kw.get("disabled", False)))
    return value


def box_key(schema: Schema, key: str) -> str:
    """Session-state key of the number box beside field ``key``'s slider."""
    return schema.widget_key(key) + "__box"


def _from_box(schema: Schema, f: Field) -> None:
    """A typed value moves the slider: snapped to the slider's step and clamped to its range, as a URL is."""
    typed = st.session_state.get(box_key(schema, f.key))
    if typed is not None:
        st.session_state[schema.widget_key(f.key)] = parse_value(f, typed)[0]


def _number_box(schema: Schema, f: Field, container: Any, text: str, fmt: str, *, disabled: bool) -> None:
    """A number box under a dose slider, showing the slider's value: typing 337 and Enter (or the +/- steps)
    sets the slider, which stays the one owner of the value (the URL, presets and resets change only it).
    Disabled with its slider (the Withdrawal page greys out the dose of the route not taken)."""
    bkey = box_key(schema, f.key)
    st.session_state[bkey] = float(st.session_state.get(schema.widget_key(f.key), f.default))
    container.number_input(
        f"{text}: exact value",
        float(f.lo),
        float(f.hi),
        step=float(f.step or 1.0),
        format="%.0f" if fmt == "%d" else fmt,  # a float box with "%d" logs a type warning
        key=bkey,
        label_visibility="collapsed",
        disabled=disabled,
        on_change=_from_box,
        args=(schema, f),
    )


def row(schema: Schema, fields: Mapping[str, Mapping[str, Any]], widths: Sequence[float] | None = None) -> list:
    """The widgets of ``fields`` (key -> extra arguments for :func:`widget`) side by side, one column each.

    ``widths`` (relative) may name more columns than there are fields; the columns are returned, so the caller
    can fill the others."""
    cols = list(st.columns(widths or len(fields)))
    for col, (key, kw) in zip(cols, fields.items(), strict=False):
        widget(schema, key, container=col, **kw)
    return cols
