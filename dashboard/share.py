"""Share this view: the full link to the current page and settings, and a QR code of it, so a room can
open the same view on their phones.

Streamlit gives the page's address (without the query) as ``st.context.url`` (1.67: scheme, host, port,
path including the page's URL path; ``None`` outside a browser session).  The link is that address plus
this page's URL keys (from ``dashboard.links``) and the shared presentation switch, taken from
``st.query_params``; other keys and values longer than a valid setting can be are dropped, so a link stays
far below :data:`MAX_LINK_CHARS`.  Without ``st.context.url`` a text box asks for the app's address.
The QR code is drawn by ``segno`` (pure Python) as a PNG.  Nothing typed here is rendered as Markdown or
HTML: the link is shown in a code box.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno
import streamlit as st

from dashboard.links import PAGE_KEYS, PAGE_PATHS
from dashboard.state import MAX_RAW_CHARS

__all__ = ["MAX_LINK_CHARS", "app_root", "build_link", "current_link", "qr_png", "room_qr", "share_panel"]

MAX_LINK_CHARS = 2000  # older browsers, chat apps and QR readers cope with links below this
MAX_BASE_CHARS = 300
SHARED_KEYS = ("present",)
BASE_KEY = "share_base_url"


def page_of(url_path: str) -> str | None:
    """Page name (dashboard.links) of a URL path ("" = home); None for an unknown path."""
    path = url_path.strip("/")
    return next((page for page, p in PAGE_PATHS.items() if p == path), None)


def allowed_keys(url_path: str) -> tuple[str, ...]:
    page = page_of(url_path)
    return (*(PAGE_KEYS[page] if page else ()), *SHARED_KEYS)


def clean_base(base: str) -> str | None:
    """``scheme://host[:port][/path]`` of an http(s) address without query or fragment; None if unusable."""
    base = (base or "").strip()
    if not base or len(base) > MAX_BASE_CHARS or any(c.isspace() or ord(c) < 32 for c in base):
        return None
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def app_root(page_url: str | None, url_path: str) -> str | None:
    """The app's root address from a page's address (``st.context.url``): the page path removed."""
    base = clean_base(page_url or "")
    if base is None:
        return None
    path = url_path.strip("/")
    if path and base.endswith("/" + path):
        base = base[: -len(path) - 1]
    return base


def _first(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value)


def build_link(root: str, url_path: str, params: Mapping[str, Any], keys: Iterable[str] | None = None) -> str:
    """Full link: app root + page path + the page's settings (only ``keys``, default the page's URL keys
    and ``present``; values longer than any valid setting are dropped)."""
    wanted = tuple(keys) if keys is not None else allowed_keys(url_path)
    query = [(k, _first(params[k])) for k in wanted if k in params]
    query = [(k, v) for k, v in query if 0 < len(v) <= MAX_RAW_CHARS]
    path = url_path.strip("/")
    link = root.rstrip("/") + (f"/{path}" if path else "/")
    return link + ("?" + urlencode(query) if query else "")


@functools.lru_cache(maxsize=256)
def qr_png(link: str, scale: int = 8) -> bytes:
    """A QR code of ``link`` as PNG bytes (error correction M, quiet zone of 2 modules)."""
    buf = io.BytesIO()
    segno.make_qr(link, error="m", boost_error=False).save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def current_link(url_path: str) -> str | None:
    """The link to the current view, or None when the app's address is unknown."""
    root = app_root(st.context.url, url_path) or clean_base(st.session_state.get(BASE_KEY, ""))
    if root is None:
        return None
    return build_link(root, url_path, {k: st.query_params.get_all(k) for k in st.query_params})


def _link(url_path: str, where: str) -> str | None:
    """The link; without ``st.context.url`` first a text box for the app's address."""
    if app_root(st.context.url, url_path) is None:
        _ask_base(where)
    return current_link(url_path)


def _store_base(widget_key: str) -> None:
    st.session_state[BASE_KEY] = st.session_state.get(widget_key, "")


def _ask_base(where: str) -> None:
    """Text box for the app's address (kept for the session under one key, whichever box was used)."""
    wkey = f"{BASE_KEY}_{where}"
    st.text_input(
        "Address of this app",
        value=st.session_state.get(BASE_KEY, ""),
        key=wkey,
        placeholder="https://your-app.streamlit.app",
        on_change=_store_base,
        args=(wkey,),
        help="The browser did not tell the app its address; paste it from the address bar once.",
    )
    raw = st.session_state.get(wkey, "")
    if raw and clean_base(raw) is None:
        st.error("That is not an http(s) address (it should start with https://).", icon=":material/link_off:")


def share_panel(url_path: str = "") -> None:
    """Sidebar control: the full link to the current view and its QR code.

    Call it from the app frame after ``page.run()`` (so the link includes this run's settings), with the
    page's ``url_path``: ``with st.sidebar: share.share_panel(page.url_path)``."""
    with st.expander("Share this view", icon=":material/qr_code_2:"):
        link = _link(url_path, "sidebar")
        if link is None:
            return
        st.code(link, language=None, wrap_lines=True)
        st.image(qr_png(link, scale=6), width=200, caption="Scan to open this exact view")
        st.caption("The link holds every setting of this page, so it reproduces what you see.")


def room_qr(url_path: str, *, width: int = 340) -> None:
    """A large QR code of the current view for a projector, with its link in a code box."""
    link = _link(url_path, "room")
    if link is None:
        return
    st.image(qr_png(link, scale=10), width=width, caption="Scan to follow on your phone")
    st.code(link, language=None, wrap_lines=True)
