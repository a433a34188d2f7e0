"""Text contrast (WCAG 2.x AA): the formula against WCAG's own figures, the darkening, the theme's route-coloured
text, and the text of every chart that every page draws with its default settings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.charts.contrast import AA_TEXT, composite, contrast_ratio, readable
from dashboard.charts.style import STAGE_FILL
from dashboard.links import PAGE_SCRIPTS

from ..helpers import app, charts

ROOT = Path(__file__).parents[3]
EXPLORE = ("compare/page.py", "withdrawal/page.py", "pump/page.py", "population/page.py")
HEX = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06X}")


def test_the_formula_gives_wcag_figures():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#777777") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # and the lightest passing one
    assert contrast_ratio("#E69F00") == pytest.approx(2.25, abs=0.01)  # Okabe-Ito orange: not text on white


def test_translucent_colours_are_seen_over_white():
    assert composite("rgba(0,0,0,0.5)") == pytest.approx((127.5, 127.5, 127.5))
    assert contrast_ratio("#000", "rgba(0,0,0,0)") == pytest.approx(21.0)


@given(HEX)
def test_readable_passes_keeps_the_hue_and_leaves_passing_colours_alone(colour):
    shade = readable(colour)
    assert contrast_ratio(shade) >= AA_TEXT
    if contrast_ratio(colour) >= AA_TEXT:
        assert shade == colour.upper()
    else:  # the same hue: each channel scaled by one factor (up to rounding)
        original, darker = composite(colour), composite(shade)
        k = max(darker) / max(max(original), 1)
        assert k < 1
        assert all(abs(d - o * k) <= 1.0 for o, d in zip(original, darker, strict=True))


def test_route_text_colours_of_the_theme_pass_on_both_backgrounds():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    for key in ("orangeTextColor", "blueTextColor", "textColor", "linkColor"):
        for bg in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
            assert contrast_ratio(theme[key], bg) >= AA_TEXT, (key, bg)


def _backgrounds_under(note: dict, shapes: list[dict]) -> list[str]:
    """White, plus the fill of every band (a rect across its subplot) whose y range holds the note's y."""
    fills = ["#FFFFFF"]
    y, yref = note.get("y"), note.get("yref")
    for s in shapes:
        if s.get("type") == "rect" and s.get("fillcolor") and s.get("yref") == yref and isinstance(y, int | float):
            lo, hi = sorted((s["y0"], s["y1"]))
            if lo <= y <= hi:
                fills.append(s["fillcolor"])
    return fills


@pytest.mark.parametrize("script", sorted(set(PAGE_SCRIPTS.values())))
@pytest.mark.parametrize("present", ["0", "1"])
def test_every_chart_text_reaches_aa_on_what_it_is_drawn_on(script, present):
    at = app(script, {"present": present}).run()
    checked = 0
    for chart in charts(at):
        layout = chart.figure["layout"]
        shapes = layout.get("shapes", [])
        for note in layout.get("annotations", []):
            colour = (note.get("font") or {}).get("color")
            if colour is None:
                continue  # the template's text colour (#2a3f5f: 10.3:1)
            for bg in _backgrounds_under(note, shapes):
                assert contrast_ratio(colour, bg) >= AA_TEXT, (note.get("text"), colour, bg)
            checked += 1
    if present == "0" and script in EXPLORE:  # these label their bands and routes: the check saw some text
        assert checked


@pytest.mark.parametrize("fill", STAGE_FILL)
def test_band_labels_read_on_every_stage_band(fill):
    assert contrast_ratio("#444", fill) >= AA_TEXT
