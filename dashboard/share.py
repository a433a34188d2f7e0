"""Share this view: the full link to the current page and settings, and a QR code of it, so a room can
open the same view on their phones.

Streamlit gives the page's address (without the query) as ``st.context.url`` (1.67: scheme, host, port,
path including the page's URL path; ``None`` outside a browser session).  The link is that address plus
this page's URL keys (from ``dashboard.links``) and the shared presentation switch, taken from
``st.query_params``; other keys and values longer than a valid setting can be are dropped, so a link stays
far below :data:`MAX_LINK_CHARS`.  Without ``st.context.url`` a text box asks for the app's address.
The QR code is drawn by ``segno`` (pure Python) as a PNG.  Nothing typed here is rendered as Markdown or
HTML: the link is shown in a code box.

**The public address.**  Behind a proxy, or when the instructor opens the app as ``localhost``, the browser's
address is not one that phones in the room can open.  The address links and QR codes use is, in this order:
the ``PUBLIC_BASE_URL`` environment variable, ``public_base_url`` in ``st.secrets``, the browser's address,
or the one typed into the box.  A link whose host is loopback (``localhost``, 127.x, ::1) or a private
address (10.x, 172.16-31.x, 192.168.x, link-local) gets a visible warning saying how to set the public one.

**Room links** (:func:`room_link`) open a page for the room: the current scene at its predict step, never
``step`` or ``present`` (the room should predict before it sees the answer, on a phone's normal type).
"""

from __future__ import annotations

import functools
import io
import ipaddress
import os
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno
import streamlit as st

from dashboard import ui
from dashboard.links import PAGE_PATHS, url_keys
from dashboard.state import MAX_RAW_CHARS

__all__ = [
    "MAX_LINK_CHARS",
    "PUBLIC_BASE_ENV",
    "PUBLIC_BASE_SECRET",
    "SHARE_OPEN_KEY",
    "app_base",
    "app_root",
    "ask_base_if_needed",
    "browser_root",
    "build_link",
    "configured_base",
    "current_link",
    "current_room_link",
    "public_base",
    "qr_png",
    "reachability_warning",
    "room_link",
    "room_qr",
    "share_panel",
    "unreachable_host",
]

MAX_LINK_CHARS = 2000  # older browsers, chat apps and QR readers cope with links below this
MAX_BASE_CHARS = 300
SHARED_KEYS = ("present",)
ROOM_DROPPED_KEYS = ("present", "step")  # a room link opens the predict step on a phone's normal type
BASE_KEY = "share_base_url"
PUBLIC_BASE_ENV = "PUBLIC_BASE_URL"
PUBLIC_BASE_SECRET = "public_base_url"  # noqa: S105 - the key in st.secrets, not a secret
HOW_TO_SET = (
    f"Set the public address: `{PUBLIC_BASE_ENV}=https://...` for `streamlit run`, or "
    f"`{PUBLIC_BASE_SECRET}` in `.streamlit/secrets.toml` (Community Cloud: the app's Secrets)."
)


def page_of(url_path: str) -> str | None:
    """Page name (dashboard.links) of a URL path ("" = home); None for an unknown path."""
    path = url_path.strip("/")
    return next((page for page, p in PAGE_PATHS.items() if p == path), None)


def allowed_keys(url_path: str) -> tuple[str, ...]:
    page = page_of(url_path)
    return (*(url_keys(page) if page else ()), *SHARED_KEYS)


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


def room_link(root: str, url_path: str, params: Mapping[str, Any]) -> str:
    """A link for the room: like :func:`build_link` but never with ``step`` or ``present``."""
    keys = [k for k in allowed_keys(url_path) if k not in ROOM_DROPPED_KEYS]
    return build_link(root, url_path, params, keys)


def public_base(environ: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> str | None:
    """The configured public address: ``PUBLIC_BASE_URL`` in ``environ``, else ``public_base_url`` in
    ``secrets``; None when neither is set or usable (an unusable one is ignored, see :func:`configured_base`)."""
    for raw in (environ.get(PUBLIC_BASE_ENV), (secrets or {}).get(PUBLIC_BASE_SECRET)):
        if isinstance(raw, str) and raw.strip():
            return clean_base(raw)
    return None


def _secrets() -> Mapping[str, Any]:
    """``st.secrets`` if the app has a secrets file, else {} (reading st.secrets without one raises)."""
    try:
        return st.secrets if st.secrets.load_if_toml_exists() else {}
    except Exception:  # a broken secrets file must not take the page down
        return {}


def configured_base() -> str | None:
    """The public address from the environment or the app's secrets (None if not set)."""
    return public_base(os.environ, _secrets())


def app_base(url_path: str) -> str | None:
    """The address links are built on: the configured public one, else the browser's, else the typed one."""
    return configured_base() or browser_root(st.context.url, url_path) or clean_base(st.session_state.get(BASE_KEY, ""))


def browser_root(page_url: str | None, url_path: str = "") -> str | None:
    """The app's root from the address of whichever page the browser is on: ``url_path`` or, failing that,
    any page's URL path is removed from its end (so a room link to another page can be built from here)."""
    base = clean_base(page_url or "")
    if base is None:
        return None
    for path in (url_path, *sorted((p for p in PAGE_PATHS.values() if p), key=len, reverse=True)):
        path = path.strip("/")
        if path and base.endswith("/" + path):
            return base[: -len(path) - 1]
    return base


def unreachable_host(link: str) -> str | None:
    """The link's host if phones elsewhere cannot open it: loopback, private, link-local or unspecified
    addresses and ``localhost`` names; None for a public address or any other host name."""
    try:
        host = (urlsplit(link).hostname or "").strip("[]").rstrip(".").lower()
    except ValueError:
        return None
    if not host:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return host
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified:
        return host
    return None


def reachability_warning(link: str) -> None:
    """A visible warning when phones in the room cannot reach the link's host."""
    host = unreachable_host(link)
    if host is not None:
        st.warning(
            f"Phones in the room may not reach `{host}`: a local or private address. {HOW_TO_SET}",
            icon=":material/wifi_off:",
        )


@functools.lru_cache(maxsize=256)
def qr_png(link: str, scale: int = 8) -> bytes:
    """A QR code of ``link`` as PNG bytes (error correction M, quiet zone of 2 modules)."""
    buf = io.BytesIO()
    segno.make_qr(link, error="m", boost_error=False).save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def current_link(url_path: str) -> str | None:
    """The link to the current view, or None when the app's address is unknown."""
    root = app_base(url_path)
    if root is None:
        return None
    return build_link(root, url_path, {k: st.query_params.get_all(k) for k in st.query_params})


def current_room_link(url_path: str, params: Mapping[str, Any] | None = None) -> str | None:
    """The room link to a page (``params``, default the current URL's), or None when the address is unknown."""
    root = app_base(url_path)
    if root is None:
        return None
    if params is None:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
    return room_link(root, url_path, params)


def ask_base_if_needed(url_path: str, where: str) -> None:
    """Without a configured or browser address, a text box for the app's address (``where`` keys the box)."""
    if configured_base() is None and browser_root(st.context.url, url_path) is None:
        _ask_base(where)


def _link(url_path: str, where: str) -> str | None:
    """The link; without a configured or browser address first a text box for the app's address."""
    ask_base_if_needed(url_path, where)
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


SHARE_OPEN_KEY = "share_open"  # session-state key of the sidebar's "Share this view" expander (True while open)


def share_panel(url_path: str = "") -> None:
    """Sidebar control: the full link to the current view and its QR code.

    Call it from the app frame after ``page.run()`` (so the link includes this run's settings), with the
    page's ``url_path``: ``with st.sidebar: share.share_panel(page.url_path)``.

    Only an open panel builds the link and its QR code (:func:`dashboard.ui.folded`).
    The link changes with every setting, so a folded panel that drew its QR code anyway cost each slider step
    a new code (17 % of a Compare rerun's server time, in segno's mask search) and a new image for the
    browser to fetch."""
    panel = ui.folded("Share this view", key=SHARE_OPEN_KEY, icon=":material/qr_code_2:")
    with panel:
        if not panel.open:
            return
        link = _link(url_path, "sidebar")
        if link is None:
            return
        st.code(link, language=None, wrap_lines=True)
        st.image(qr_png(link, scale=6), width=200, caption="Scan to open this exact view")
        st.caption("The link holds every setting of this page, so it reproduces what you see.")
        reachability_warning(link)


def room_qr(
    url_path: str,
    *,
    width: int = 340,
    params: Mapping[str, Any] | None = None,
    caption: str = "Scan to follow on your phone",
    where: str = "room",
) -> str | None:
    """A large QR code of a room link (:func:`room_link`; ``params`` default the current URL's) for a
    projector, with the link in a code box and a warning if phones cannot reach it; returns the link."""
    ask_base_if_needed(url_path, where)
    link = current_room_link(url_path, params)
    if link is None:
        return None
    st.image(qr_png(link, scale=10), width=width, caption=caption)
    st.code(link, language=None, wrap_lines=True)
    reachability_warning(link)
    return link
