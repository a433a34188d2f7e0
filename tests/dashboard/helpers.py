"""Helpers for dashboard tests: the app under AppTest, odd URL values."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[2] / "dashboard" / "app.py")

# Values a URL can carry that a page must survive: text for numbers, negatives, NaN, huge, unknown keys.
ODD_VALUES = ["abc", "-5", "NaN", "inf", "1e308", "", "0x10", "%00", "<script>alert(1)</script>", "9" * 80]


def app(page: str | None = None, params: dict | None = None, timeout: float = 120) -> AppTest:
    """The app, optionally switched to ``page`` (e.g. "views/pump.py"), with URL ``params``; not yet run."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(page)
    return at


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
