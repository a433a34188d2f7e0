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
from dashboard.share import SHARE_OPEN_KEY  # noqa: E402


def _panel_app():
    from dashboard import share

    share.share_panel("lecture")


def _panel(url: str | None = None, params: dict | None = None, *, open_: bool = True) -> AppTest:
    at = AppTest.from_function(_panel_app, default_timeout=30)
    if open_:
        at.session_state[SHARE_OPEN_KEY] = True  # as after a click on the expander
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


def test_a_folded_share_panel_builds_no_link_and_no_qr_code(monkeypatch):
    from dashboard import share

    def no_qr(*args, **kwargs):
        raise AssertionError("a folded panel drew a QR code")

    monkeypatch.setattr(share, "qr_png", no_qr)
    at = _panel("http://127.0.0.1:8605/lecture", {"scene": "kidneys"}, open_=False)
    assert not at.exception
    assert len(at.expander) == 1
    assert not at.code
    assert not at.image


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


# ------------------------------------------------------------------------------- room links, public address
from dashboard.share import browser_root, public_base, room_link, unreachable_host  # noqa: E402


def test_a_room_link_never_carries_step_or_present():
    link = room_link("https://x.app", "lecture", {"scene": "taper", "step": "1", "present": "1", "zzz": "1"})
    assert link == "https://x.app/lecture?scene=taper"
    assert room_link("https://x.app", "join", {"code": "ABCDE", "present": "1"}) == "https://x.app/join?code=ABCDE"


def test_the_root_is_found_from_any_pages_address():
    assert browser_root("http://127.0.0.1:8501/lecture", "join") == "http://127.0.0.1:8501"
    assert browser_root("https://host/base/join", "join") == "https://host/base"
    assert browser_root("https://host/base/", "join") == "https://host/base"
    assert browser_root(None, "join") is None


def test_the_public_address_comes_from_the_environment_first_then_the_secrets():
    env = {"PUBLIC_BASE_URL": "https://env.example.org/"}
    secrets = {"public_base_url": "https://secret.example.org"}
    assert public_base(env, secrets) == "https://env.example.org"
    assert public_base({}, secrets) == "https://secret.example.org"
    assert public_base({"PUBLIC_BASE_URL": "  "}, secrets) == "https://secret.example.org"
    assert public_base({}, {}) is None
    assert public_base({"PUBLIC_BASE_URL": "javascript:alert(1)"}, secrets) is None  # unusable: not used


@pytest.mark.parametrize(
    ("link", "host"),
    [
        ("http://localhost:8501/join", "localhost"),
        ("http://app.localhost/join", "app.localhost"),
        ("http://127.0.0.1:8501/", "127.0.0.1"),
        ("http://127.8.9.10/", "127.8.9.10"),
        ("http://[::1]:8501/", "::1"),
        ("http://10.1.2.3/", "10.1.2.3"),
        ("http://172.16.0.1/", "172.16.0.1"),
        ("http://192.168.0.10:8501/", "192.168.0.10"),
        ("http://169.254.1.1/", "169.254.1.1"),
        ("http://0.0.0.0:8501/", "0.0.0.0"),
        ("http://[::ffff:192.168.1.1]/", "::ffff:192.168.1.1"),
        ("http://[fe80::1]/", "fe80::1"),
        ("https://baclofen.example.org/join", None),
        ("https://8.8.8.8/", None),
        ("https://172.32.0.1/", None),
        ("not a link", None),
    ],
)
def test_local_and_private_hosts_are_recognised(link, host):
    assert unreachable_host(link) == host
