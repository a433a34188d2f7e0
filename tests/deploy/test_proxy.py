"""The nginx proxy over plain HTTP: headers, compression, blocked endpoints, upload caps and rate limits.

Everything goes to the real config rendered by the image's entrypoint (``conftest.stack``), Streamlit behind
it. Rate-limit tests send from their own loopback source address (127.0.0.x: nginx keys its limits on the
client address), so no test uses up another's allowance and the order of the tests does not matter.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import os
import re
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from .stack import DEPLOY, plotly_js_copy

pytestmark = pytest.mark.deploy

SECURITY_HEADERS = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
)
HALL = 300  # phones in one lecture hall, behind one campus NAT address
STATIC_PER_LOAD = 125  # /static/ files of one cold load of the home page (bench_page_weight: 134 requests)
UPLOAD_BURST, UPLOAD_RATE_PER_S = 20, 0.5  # deploy/nginx/nginx.conf.template, zone upload_per_ip
MIB = 1024 * 1024


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    header_names: tuple[str, ...] = ()  # every header line's name, lower case, duplicates kept


def fetch(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> Reply:
    """One request; the body as sent (not decompressed). ``source``: the client's loopback address."""
    parts = urlsplit(url)
    own = conn is None
    if conn is None:
        conn = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=30, source_address=(source, 0) if source else None
        )
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Reply(
            resp.status,
            {k.lower(): v for k, v in resp.getheaders()},
            data,
            tuple(k.lower() for k, _ in resp.getheaders()),
        )
    finally:
        if own:
            conn.close()


def csp_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def main_bundle(stack) -> str:
    """The path of the frontend's entry script, from the index.html the proxy serves."""
    html = fetch(stack.proxy_url + "/").body.decode()
    match = re.search(r'<script type="module" crossorigin src="\./(static/js/index\.[^"]+\.js)"', html)
    assert match, "no module script in index.html"
    return "/" + match[1]


def plotly_bundle(static_dir) -> str:
    (found,) = sorted((static_dir / "static" / "js").glob("PlotlyChart.*.js"))
    return f"/static/js/{found.name}"


def assert_security_headers(reply: Reply, what: str) -> None:
    missing = [h for h in SECURITY_HEADERS if h not in reply.headers]
    assert not missing, f"{what}: missing {missing}; headers {reply.headers}"
    twice = [h for h in SECURITY_HEADERS if reply.header_names.count(h) > 1]
    assert not twice, f"{what}: sent more than once: {twice}"
    csp = csp_directives(reply.headers["content-security-policy"])
    assert csp["frame-ancestors"] == ["'self'"], csp
    assert reply.headers["x-frame-options"] == "SAMEORIGIN"  # the same rule for browsers without CSP 2
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in reply.headers["permissions-policy"]
    assert "strict-transport-security" not in reply.headers, f"{what}: HSTS over plain HTTP"


def test_security_headers_on_the_page_static_files_and_errors(stack, static_dir):
    replies = {
        "page": fetch(stack.proxy_url + "/"),
        "another page": fetch(stack.proxy_url + "/withdrawal?oral_mg=20"),
        "main bundle": fetch(stack.proxy_url + main_bundle(stack)),
        "plotly bundle (gzip_static)": fetch(
            stack.proxy_url + plotly_bundle(static_dir), headers={"Accept-Encoding": "gzip"}
        ),
        "health": fetch(stack.proxy_url + "/_stcore/health"),
        "blocked metrics": fetch(stack.proxy_url + "/_stcore/metrics"),
        "missing static file": fetch(stack.proxy_url + "/static/js/no-such-file.js"),
        "wrong method": fetch(stack.proxy_url + "/", method="POST", body=b"x"),
    }
    assert [r.status for r in replies.values()] == [200, 200, 200, 200, 200, 404, 404, 403]
    for what, reply in replies.items():
        assert_security_headers(reply, what)


def test_csp_is_tight_and_allows_exactly_the_served_inline_script(stack):
    reply = fetch(stack.proxy_url + "/")
    csp = csp_directives(reply.headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    # No script from another origin or from a URL the page did not make: blob: is the one scheme, for the live
    # chart's module, which Streamlit's frontend imports from a blob: it makes itself (docs/deploy_notes.md).
    assert not any(s in ("*", "http:", "https:", "data:", "filesystem:") for s in csp["script-src"]), csp["script-src"]
    assert [s for s in csp["script-src"] if s.endswith(":")] == ["blob:"]
    # Every inline script of the page Streamlit serves has its hash in script-src (and nothing else is inline).
    inline = re.findall(r"<script>(.*?)</script>", reply.body.decode(), re.DOTALL)
    assert inline, "Streamlit 1.67's index.html has one inline script"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["script-src"]
    # WebSockets to the page's own host only (explicitly for browsers whose 'self' leaves ws: out).
    host = urlsplit(stack.proxy_url).netloc
    assert csp["connect-src"] == ["'self'", f"ws://{host}", f"wss://{host}"]
    # Exactly what the browser tests found Streamlit 1.67 needs (docs/deploy_notes.md says why each is there).
    assert csp["script-src"][0] == "'self'"
    assert csp["script-src"][-1] == "'wasm-unsafe-eval'"
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["img-src"] == [
        "'self'",
        "blob:",
        "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/",
    ]
    assert csp["font-src"] == ["'self'", "data:"]


def test_connect_src_echoes_only_a_plain_host(stack):
    odd = fetch(stack.proxy_url + "/_stcore/health", headers={"Host": "a;script-src*"})
    if odd.status == 200:  # nginx may also refuse such a Host outright (400); either way nothing is echoed
        assert csp_directives(odd.headers["content-security-policy"])["connect-src"] == ["'self'"]
    assert "script-src*" not in odd.headers.get("content-security-policy", "")


def test_hsts_only_behind_tls(stack):
    plain = fetch(stack.proxy_url + "/_stcore/health")
    tls = fetch(stack.proxy_url + "/_stcore/health", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in plain.headers
    assert tls.headers["strict-transport-security"].startswith("max-age=31536000")


def test_main_and_plotly_bundles_are_served_precompressed_and_cached_for_a_year(stack, static_dir):
    from dashboard.charts.live import PLOTLY_JS_ROUTE  # the live charts' plotly.js, as the page asks for it

    files = {path: static_dir / path.lstrip("/") for path in (main_bundle(stack), plotly_bundle(static_dir))}
    files[f"/{PLOTLY_JS_ROUTE}?v=1"] = plotly_js_copy(static_dir.parent)
    for path, file in files.items():
        raw = file.read_bytes()
        packed = fetch(stack.proxy_url + path, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed.status == 200
        assert packed.headers.get("content-encoding") == "gzip", (path, packed.headers)
        assert "accept-encoding" in packed.headers.get("vary", "").lower()
        # The .gz written at build time (gzip_static sends it with its length; on-the-fly gzip is chunked).
        assert int(packed.headers["content-length"]) == file.with_name(file.name + ".gz").stat().st_size
        assert gzip.decompress(packed.body) == raw
        assert len(packed.body) < 0.40 * len(raw), f"{path}: {len(packed.body)} of {len(raw)} bytes"
        assert packed.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert packed.headers["content-type"].startswith("application/javascript")
        identity = fetch(stack.proxy_url + path)  # a client without gzip gets the plain file
        assert identity.status == 200
        assert "content-encoding" not in identity.headers
        assert identity.body == raw


def test_the_html_page_is_compressed_and_not_cached(stack):
    reply = fetch(stack.proxy_url + "/pump", headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.headers.get("content-encoding") == "gzip"
    assert b"<!DOCTYPE html>" in gzip.decompress(reply.body)
    assert reply.headers["cache-control"] == "no-cache"  # Streamlit's own: a new release is seen at once


@pytest.mark.parametrize(
    "path",
    [
        "/_stcore/metrics",
        "/_stcore/metrics?families=session_events",
        "/_stcore/script-health-check",
        "/_stcore/agent/openapi.json",
        "/_stcore/agent/mcp",
        "/_stcore/bidi-components/x/y.js",
        "/component/dashboard.charts.live.plotly_js/widgetbundle.js",  # the one component file served is plotly.js
        "/component/streamlit_other/index.html",
        "/auth/login",
        "/oauth2callback",
        "/app/static/x.png",
        # spelled so a naive prefix match would miss them (nginx normalises first)
        "/%5Fstcore/metrics",
        "//_stcore/metrics",
        "/static/../_stcore/metrics",
        "/_stcore/metrics/",
    ],
)
def test_internal_endpoints_are_not_public(stack, path):
    assert fetch(stack.proxy_url + path).status == 404


@pytest.mark.parametrize("path", ["/withdrawal/_stcore/metrics", "/_STCORE/metrics", "/_stcore/Metrics"])
def test_other_spellings_of_metrics_get_the_app_page_not_the_metrics(stack, path):
    """Streamlit's routes are exact and case-sensitive: these reach its page fallback (or the redirect of a
    many-segment page address to its page), never the metrics."""
    metrics = fetch(stack.direct_url + "/_stcore/metrics").body
    reply = fetch(stack.proxy_url + path)
    assert b"# TYPE" in metrics
    assert b"# TYPE" not in reply.body
    assert reply.status in (302, 404) or b"<!DOCTYPE html>" in reply.body
    if reply.status == 302:
        assert reply.headers["location"] == "/" + path.split("/")[1]


@pytest.mark.parametrize(
    ("path", "target"),
    [("/pump/extra", "/pump"), ("/withdrawal/x/y", "/withdrawal"), ("/lecture/a?scene=tip", "/lecture?scene=tip")],
)
def test_a_page_address_with_more_segments_goes_to_its_page(stack, path, target):
    """Streamlit answers /pump/extra with index.html whose relative asset paths then miss: a blank page in
    the browser (seen directly against the server). Through the proxy it is a redirect to the page."""
    reply = fetch(stack.proxy_url + path)
    assert (reply.status, reply.headers.get("location")) == (302, target)
    assert_security_headers(reply, path)


@pytest.mark.parametrize("path", ["/pump/_stcore/health", "/withdrawal/_stcore/host-config", "/pump/static/x.js"])
def test_the_frontends_base_path_probes_are_never_redirected(stack, path):
    """The frontend finds its base path by probing /<page>/_stcore/health and /<page>/_stcore/host-config;
    a redirect there (answered by the page: 200 HTML) made it take /<page> as its base path and never
    connect. Through the proxy these get what Streamlit itself gives them."""
    direct, proxied = fetch(stack.direct_url + path), fetch(stack.proxy_url + path)
    assert proxied.status != 302
    assert proxied.status == direct.status


def test_the_pages_and_media_are_not_redirected(stack):
    for path in ("/", "/pump", "/withdrawal?wd_it_ug=400"):
        assert fetch(stack.proxy_url + path).status == 200, path
    assert fetch(stack.proxy_url + "/media/0123abcd.png").status in (404, 400)  # a media path, not a page


def test_metrics_exist_behind_the_proxy_but_not_through_it(stack):
    assert fetch(stack.direct_url + "/_stcore/metrics").status == 200  # what the proxy hides
    assert fetch(stack.proxy_url + "/_stcore/metrics").status == 404


def test_health_check_through_the_proxy(stack):
    reply = fetch(stack.proxy_url + "/_stcore/health")
    assert (reply.status, reply.body) == (200, b"ok")
    assert fetch(stack.proxy_url + "/_stcore/health", method="HEAD").status == 200


def test_server_version_is_not_disclosed(stack):
    for reply in (
        fetch(stack.proxy_url + "/"),
        fetch(stack.proxy_url + "/_stcore/metrics"),
        fetch(stack.proxy_url + "/", method="DELETE"),
    ):
        assert reply.headers["server"] == "nginx"
        assert not re.search(rb"nginx/\d", reply.body)
        assert b"uvicorn" not in reply.body.lower()
        assert "uvicorn" not in str(reply.headers).lower()


def websocket_handshake(url: str, origin: str | None = None, source: str | None = None) -> str:
    """The status line and headers of a WebSocket opening handshake for /_stcore/stream."""
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /_stcore/stream HTTP/1.1",
        f"Host: {parts.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: streamlit",
    ]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(
        (parts.hostname, parts.port), timeout=10, source_address=(source, 0) if source else None
    ) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    text = head.split(b"\r\n\r\n")[0].decode("latin-1")
    if text.startswith("HTTP/1.1 101"):
        accept = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode(), usedforsecurity=False).digest()
        ).decode()
        headers = dict(line.split(": ", 1) for line in text.split("\r\n")[1:] if ": " in line)
        assert {k.lower(): v for k, v in headers.items()}.get("sec-websocket-accept") == accept, text
    return text


def test_websocket_upgrade_passes_through_with_the_origin_check_intact(stack):
    same = websocket_handshake(stack.proxy_url, origin=stack.proxy_url)
    assert same.startswith("HTTP/1.1 101"), same
    assert "sec-websocket-protocol: streamlit" in same.lower()
    # Streamlit compares Origin with Host: the proxy passes the browser's Host, so another site is refused.
    foreign = websocket_handshake(stack.proxy_url, origin="https://evil.example")
    assert foreign.startswith("HTTP/1.1 403"), foreign


def test_websocket_timeouts_are_an_hour():
    conf = (DEPLOY / "nginx" / "nginx.conf.template").read_text()
    stream = conf[conf.index("location = /_stcore/stream") :]
    stream = stream[: stream.index("}")]
    assert "proxy_read_timeout 3600s;" in stream
    assert "proxy_send_timeout 3600s;" in stream


def upload(stack, size: int, source: str, conn=None) -> Reply:
    """A PUT the way the browser's file uploader sends it (multipart), of ``size`` bytes in all."""
    boundary = "----deploytest"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.json"\r\n'
        "Content-Type: application/json\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + b" " * max(0, size - len(head) - len(tail)) + tail
    return fetch(
        stack.proxy_url + "/_stcore/upload_file/no-session/no-file",
        method="PUT",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        source=source,
        conn=conn,
    )


def test_upload_over_the_cap_is_refused_by_nginx(stack):
    too_big = upload(stack, 2 * MIB, source="127.0.0.61")
    assert too_big.status == 413
    assert b"nginx" in too_big.body  # nginx's page: the body never reached Streamlit
    assert_security_headers(too_big, "413")
    # Streamlit's own cap (server.maxUploadSize = 1 MiB) plus multipart framing still gets through to Streamlit,
    # which answers itself (no XSRF token here: 403).
    at_cap = upload(stack, MIB + 16 * 1024, source="127.0.0.61")
    assert at_cap.status != 413, at_cap.body[:200]
    assert b"nginx" not in at_cap.body


def test_rapid_uploads_are_limited_past_the_burst(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30, source_address=("127.0.0.62", 0))
    statuses = []
    start = time.monotonic()
    try:
        while len(statuses) < UPLOAD_BURST + 200 and 429 not in statuses[UPLOAD_BURST + 1 :]:
            statuses.append(upload(stack, 2048, source="127.0.0.62", conn=conn).status)
    finally:
        conn.close()
    elapsed = time.monotonic() - start
    # The burst (and the first request) always pass, whatever the timing...
    assert 429 not in statuses[: UPLOAD_BURST + 1], statuses
    assert 429 in statuses, statuses
    # ...and past it only what the rate refilled while the loop ran.
    passed = sum(s != 429 for s in statuses)
    assert passed <= UPLOAD_BURST + 1 + UPLOAD_RATE_PER_S * elapsed + 1, (passed, elapsed, statuses)


def test_a_lecture_hall_behind_one_nat_address_is_not_rate_limited(stack, static_dir):
    """300 phones on one campus address load the page cold at the same moment: no 429 anywhere."""
    source = "127.0.0.50"
    files = sorted(p.name for p in (static_dir / "static" / "js").glob("*.js"))
    assert len(files) >= STATIC_PER_LOAD
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30, source_address=(source, 0))
    limited = {}
    try:
        for phone in range(HALL):
            for path in ("/", "/_stcore/health", "/_stcore/host-config", "/favicon.png"):
                status = fetch(stack.proxy_url + path, conn=conn).status
                limited[path] = limited.get(path, 0) + (status == 429)
            for i in range(STATIC_PER_LOAD):
                name = files[(phone + i) % len(files)]
                status = fetch(f"{stack.proxy_url}/static/js/{name}", method="HEAD", conn=conn).status
                limited["/static/"] = limited.get("/static/", 0) + (status == 429)
    finally:
        conn.close()
    assert not any(limited.values()), limited
    # ...and every phone opens its WebSocket (a new Streamlit session each) at once.
    for _ in range(HALL):
        assert websocket_handshake(stack.proxy_url, origin=stack.proxy_url, source=source).startswith("HTTP/1.1 101")
