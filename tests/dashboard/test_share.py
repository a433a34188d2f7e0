"""Share this view: links from the page address and the URL settings, their length, the QR code, and
share_panel under AppTest (as the app frame's sidebar would call it)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.links import PAGE_KEYS, PAGE_PATHS
from dashboard.share import MAX_LINK_CHARS, app_root, build_link, clean_base, qr_png
from dashboard.state import MAX_RAW_CHARS

LONG_BASE = "https://" + "a" * 50 + ".streamlit.app/some/proxy/prefix"


def test_app_root_strips_the_page_path():
    assert app_root("http://127.0.0.1:8605/lecture", "lecture") == "http://127.0.0.1:8605"
    assert app_root("https://x.streamlit.app/pump/", "pump") == "https://x.streamlit.app"
    assert app_root("https://x.streamlit.app", "") == "https://x.streamlit.app"
    assert app_root("https://host/base/withdrawal", "withdrawal") == "https://host/base"
    assert app_root(None, "lecture") is None


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "javascript:alert(1)",
        "ftp://x",
        "x.streamlit.app",
        "https://",
        "https://a b.app",
        "https://x.app\nevil",
        "http://" + "a" * 400,
    ],
)
def test_unusable_base_addresses_are_rejected(bad):
    assert clean_base(bad) is None


def test_link_keeps_only_the_page_keys_and_presentation():
    link = build_link(
        "https://x.app", "lecture", {"scene": "taper", "step": ["1"], "present": "1", "oral_mg": "40", "embed": "true"}
    )
    parts = urlsplit(link)
    assert parts.scheme == "https"
    assert parts.netloc == "x.app"
    assert parts.path == "/lecture"
    assert dict(parse_qsl(parts.query)) == {"scene": "taper", "step": "1", "present": "1"}
    home = build_link("https://x.app", "", {"oral_mg": "40", "scene": "taper"})
    assert home == "https://x.app/?oral_mg=40"


def test_link_values_are_encoded_and_overlong_ones_dropped():
    link = build_link("https://x.app", "", {"comed": "a&b=c d", "crcl": "9" * (MAX_RAW_CHARS + 1)})
    assert dict(parse_qsl(urlsplit(link).query)) == {"comed": "a&b=c d"}
    assert " " not in link


@pytest.mark.parametrize("page", sorted(PAGE_KEYS))
def test_links_of_every_page_at_its_maximal_state_stay_well_under_the_limit(page):
    """Every URL key of the page at the longest value a setting can have, plus presentation mode."""
    params = dict.fromkeys(PAGE_KEYS[page], "9" * MAX_RAW_CHARS) | {"present": "1"}
    link = build_link(LONG_BASE, PAGE_PATHS[page], params)
    assert len(dict(parse_qsl(urlsplit(link).query))) == len(PAGE_KEYS[page]) + 1  # nothing dropped
    assert len(link) < MAX_LINK_CHARS * 0.75, len(link)
    assert qr_png(link)[:8] == b"\x89PNG\r\n\x1a\n"  # even the longest link fits in a QR code


def test_qr_code_is_a_png_that_grows_with_the_link():
    short = qr_png("https://x.app/lecture?scene=taper")
    long = qr_png("https://x.app/?" + "&".join(f"k{i}=" + "9" * 30 for i in range(20)))
    assert short.startswith(b"\x89PNG")
    assert long.startswith(b"\x89PNG")
    assert len(long) > len(short)


# ------------------------------------------------------------------------------- share_panel (AppTest)
def _panel_app():
    from dashboard import share

    share.share_panel("lecture")


def _panel(url: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_function(_panel_app, default_timeout=30)
    if url is not None:
        at.context["url"] = url
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def test_share_panel_shows_the_full_link_and_a_qr_code():
    at = _panel("http://127.0.0.1:8605/lecture", {"scene": "kidneys", "step": "1", "present": "1", "zzz": "x"})
    assert not at.exception
    assert len(at.code) == 1
    link = at.code[0].value
    assert link.startswith("http://127.0.0.1:8605/lecture?")
    assert dict(parse_qsl(urlsplit(link).query)) == {"scene": "kidneys", "step": "1", "present": "1"}
    assert len(at.image) == 1
    assert not at.text_input  # the address came from the browser: nothing to ask


def test_share_panel_asks_for_the_address_when_the_browser_gives_none():
    at = _panel(None, {"scene": "taper"})
    assert not at.exception
    assert len(at.code) == 0
    assert len(at.image) == 0
    box = at.text_input[0]
    box.input("not an address").run()
    assert any("not an http(s) address" in e.value for e in at.error)
    assert len(at.code) == 0
    at.text_input[0].input("https://baclofen.example.org/").run()
    assert not at.error
    assert at.code[0].value == "https://baclofen.example.org/lecture?scene=taper"
    assert len(at.image) == 1
