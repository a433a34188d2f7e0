"""Page weight: a cold load of the home page in chromium, straight from Streamlit and through the nginx proxy.

Run by hand from the repository root (needs Debian's chromium and nginx)::

    python benchmarks/bench_page_weight.py [--runs 3] [--path /] [--slow-kbps 40]
    python benchmarks/bench_page_weight.py --direct http://host:8501 --proxy https://host   # a deployment

Without ``--direct``/``--proxy`` it starts the Docker image's startup locally (``deploy/entrypoint.py`` on
free loopback ports, with a pre-compressed copy of Streamlit's frontend: ``tests/deploy/stack.py``), so the
same server answers both: Streamlit on its own port, and nginx in front of it.

Each run is a fresh browser context (a fresh profile: empty cache, no cookies) with the HTTP cache disabled
(CDP ``Network.setCacheDisabled``). A load ends when the page's first Plotly chart is drawn, the script has
finished, no element is still a skeleton and no HTTP request has been in flight for 1 s. Counted with the
CDP Network domain: HTTP requests, bytes on the wire (``encodedDataLength`` of ``loadingFinished``: headers
and the body as sent, i.e. compressed when it was), body bytes after decoding, how many responses came
gzip/br-encoded, and the WebSocket messages' payload (decoded: chromium does not report their wire size).

``--slow-kbps N`` adds one run per target on an emulated N KB/s link (100 ms latency) and reports the time
until the first chart is drawn (the audit saw none after 280 s at 40 KB/s without compression).
Prints one line per run, medians and the ratio proxy / direct. No assertions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.deploy.stack import StackError, prepare_static, running_stack  # noqa: E402 - needs ROOT on sys.path
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402

APP = "[data-testid='stApp']"
CHART = "[data-testid='stPlotlyChart'] .main-svg"
QUIET_S = 1.0
LOAD_TIMEOUT_MS = 120_000
SLOW_LOAD_TIMEOUT_MS = 900_000


@dataclass
class Load:
    requests: int = 0
    wire_bytes: int = 0
    body_bytes: int = 0
    encoded_responses: int = 0
    ws_bytes: int = 0
    seconds: float = 0.0
    first_chart_s: float = 0.0
    in_flight: set = field(default_factory=set)
    last_activity: float = 0.0
    biggest: list = field(default_factory=list)


def cold_load(browser, url: str, slow_kbps: float | None = None) -> Load:
    """One cold load of ``url`` in a fresh context; the CDP Network domain's counts."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    load = Load(last_activity=time.monotonic())
    urls: dict[str, tuple[str, str]] = {}

    def sent(e):
        load.in_flight.add(e["requestId"])
        load.last_activity = time.monotonic()

    def received(e):
        headers = {k.lower(): v for k, v in e["response"].get("headers", {}).items()}
        urls[e["requestId"]] = (e["response"]["url"], headers.get("content-encoding", ""))

    def finished(e):
        load.in_flight.discard(e["requestId"])
        load.last_activity = time.monotonic()
        load.requests += 1
        load.wire_bytes += int(e["encodedDataLength"])
        url, encoding = urls.get(e["requestId"], ("?", ""))
        load.encoded_responses += encoding in ("gzip", "br", "zstd", "deflate")
        load.biggest.append((int(e["encodedDataLength"]), url.rsplit("/", 1)[-1][:40], encoding or "-"))

    def failed(e):
        load.in_flight.discard(e["requestId"])
        load.last_activity = time.monotonic()

    def data(e):
        load.body_bytes += int(e["dataLength"])

    def ws_frame(e):
        load.ws_bytes += len(e["response"].get("payloadData", ""))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    cdp.on("Network.dataReceived", data)
    cdp.on("Network.webSocketFrameReceived", ws_frame)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if slow_kbps:
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 100,
                "downloadThroughput": slow_kbps * 1024,
                "uploadThroughput": slow_kbps * 1024,
            },
        )
    timeout = SLOW_LOAD_TIMEOUT_MS if slow_kbps else LOAD_TIMEOUT_MS
    start = time.monotonic()
    page.goto(url, wait_until="commit", timeout=timeout)
    page.wait_for_selector(CHART, timeout=timeout)
    load.first_chart_s = time.monotonic() - start
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=timeout)
    while load.in_flight or time.monotonic() - load.last_activity < QUIET_S:
        page.wait_for_timeout(100)
    load.seconds = load.last_activity - start
    context.close()
    return load


def report(name: str, loads: list[Load]) -> dict[str, float]:
    for i, load in enumerate(loads, 1):
        print(
            f"  {name:6s} run {i}: {load.requests:4d} requests, {load.wire_bytes / 1e6:6.2f} MB on the wire, "
            f"{load.body_bytes / 1e6:6.2f} MB decoded, {load.encoded_responses:3d} compressed responses, "
            f"WebSocket payload {load.ws_bytes / 1e6:5.2f} MB, loaded in {load.seconds:5.1f} s"
        )
    return {
        "requests": statistics.median(lo.requests for lo in loads),
        "wire": statistics.median(lo.wire_bytes for lo in loads),
        "body": statistics.median(lo.body_bytes for lo in loads),
        "ws": statistics.median(lo.ws_bytes for lo in loads),
    }


def run(direct: str, proxy: str, runs: int, path: str, slow_kbps: float | None) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        cold_load(browser, proxy + path)  # warm-up: the server's caches, not the browser's
        medians = {}
        for name, base in (("direct", direct), ("proxy", proxy)):
            loads = [cold_load(browser, base + path) for _ in range(runs)]
            medians[name] = report(name, loads)
            top = sorted(loads[-1].biggest, reverse=True)[:3]
            print("         largest: " + ", ".join(f"{n} {b / 1e6:.2f} MB ({enc})" for b, n, enc in top))
        d, x = medians["direct"], medians["proxy"]
        print(
            f"median  direct: {d['requests']:.0f} requests, {d['wire'] / 1e6:.2f} MB on the wire "
            f"({d['body'] / 1e6:.2f} MB decoded)"
        )
        print(
            f"median  proxy:  {x['requests']:.0f} requests, {x['wire'] / 1e6:.2f} MB on the wire "
            f"({x['body'] / 1e6:.2f} MB decoded)"
        )
        print(
            f"ratio proxy / direct, bytes on the wire: {x['wire'] / d['wire']:.2f} "
            f"(target: <= 4 MB through the proxy: {'met' if x['wire'] <= 4e6 else 'MISSED'})"
        )
        print(f"WebSocket payload (decoded, both): {x['ws'] / 1e6:.2f} MB (not counted above)")
        if slow_kbps:
            for name, base in (("direct", direct), ("proxy", proxy)):
                load = cold_load(browser, base + path, slow_kbps=slow_kbps)
                print(
                    f"{name} at {slow_kbps:g} KB/s: first chart drawn after {load.first_chart_s:.0f} s "
                    f"({load.wire_bytes / 1e6:.2f} MB on the wire)"
                )
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", default="/", help="page path, e.g. / or /population")
    parser.add_argument("--slow-kbps", type=float, default=None, help="also time a load on an N KB/s link")
    parser.add_argument("--direct", help="Streamlit's own address (default: start a local stack)")
    parser.add_argument("--proxy", help="the proxy's address (default: start a local stack)")
    args = parser.parse_args()
    if CHROMIUM is None:
        sys.exit("bench_page_weight needs Debian's chromium (apt-get install chromium)")
    if args.direct and args.proxy:
        run(args.direct.rstrip("/"), args.proxy.rstrip("/"), args.runs, args.path, args.slow_kbps)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-page-weight-") as tmp:
        try:
            static = prepare_static(Path(tmp))
            with running_stack(Path(tmp) / "stack", static, ACCESS_LOG="off") as stack:
                print(f"direct {stack.direct_url}  proxy {stack.proxy_url}  page {args.path}")
                run(stack.direct_url, stack.proxy_url, args.runs, args.path, args.slow_kbps)
        except StackError as exc:
            sys.exit(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
