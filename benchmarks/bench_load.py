"""Load benchmark: N concurrent sessions on the real dashboard server, rerun latency and memory per session.

Run by hand from the repository root::

    python benchmarks/bench_load.py [--sessions 1 10 30] [--page /] [--moves 10] [--think 2.0]

For each N a fresh server (``--replicas K``: K servers, each session kept on one) is started exactly as
Community Cloud starts it (the ``streamlit`` console script
of this interpreter's environment, ``streamlit run dashboard/app.py`` from the repository root), warmed up
by one throwaway session, and its resident memory is read with no session active.  Then N clients connect
at once (spread over ``--ramp`` seconds, like a room opening a shared link), each loads the page and moves
controls ``--moves`` times with a human-like pause (``--think`` seconds on average, 0.5x-1.5x jitter)
between moves.  Reported per N:

- rerun latency p50 / p95 / max: from sending the rerun (a moved widget) to the run's ``script_finished``;
- load p50 / p95: from the first rerun request of a fresh session to its ``script_finished``;
- server RSS with 0 and with N sessions (``VmRSS`` of the server and its children, from /proc), and the
  difference divided by N;
- server CPU seconds used during the phase, and errors (exception elements, timeouts, closed sockets);
- the machine's 1-minute load average at the end of the phase (other work on the machine inflates latency).

Targets on the 2-core development machine: p95 under 1 s at 30 sessions, under 30 MB per session.

Clients are plain WebSocket clients (``websockets``) speaking Streamlit's own protocol, so the numbers are
the server's, not a browser's: ``BackMsg``/``ForwardMsg`` protobufs (``streamlit.proto``) over
``ws://host/_stcore/stream`` with the subprotocol ``streamlit``.  Protocol as read in the streamlit 1.67
source (``web/server/starlette/starlette_websocket.py``, ``runtime/app_session.py``,
``runtime/pages_manager.py``, ``elements/widgets/*.py``):

- no Origin header and no XSRF token: the handshake's XSRF check only gates reading auth cookies, and a
  connection without Origin is allowed, so no cookie or ``/_stcore/...`` call is needed first;
- the client starts the first run (answered by ``new_session``, deltas, ``script_finished``) by sending
  ``BackMsg.rerun_script`` (a ``ClientState``), as the browser does on connect: ``query_string`` without
  "?", ``page_name`` = the page's url_path ("" for the home page) on the first run, then the
  ``page_script_hash`` of the ``navigation`` message;
- widget ids come from the ``delta.new_element.<widget>.id`` of each run; a moved control is sent as the
  full ``WidgetStates`` the browser would send (sliders ``double_array_value``, select sliders
  ``string_array_value``, radios/selectboxes ``string_value`` with the option label, checkboxes and
  toggles ``bool_value``) and, for a widget inside ``st.fragment``, with the delta's ``fragment_id``;
- the URL the app writes (``page_info_changed.query_string``) is sent back on the next rerun, and hashes of
  ``cacheable`` messages are reported in ``cached_message_hashes`` (so the server may send a ``ref_hash``
  instead of an unchanged big chart), as the browser's message cache does;
- a run ending ``FINISHED_EARLY_FOR_RERUN`` is not ours; latency stops at the next ``script_finished``.

Each client picks random controls and random values on their step grid, so most reruns miss the shared
``st.cache_data`` cache: a pessimistic mix.  ``--shared`` gives every session the same sequence of moves (a
room following one instruction), so after the first session most runs are cache hits.
Prints a table; no assertions.  The client runs on the same machine and takes a little CPU too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

try:
    import websockets
except ImportError:  # pragma: no cover - the dev environment has it (a streamlit dependency)
    sys.exit("bench_load needs the `websockets` package")

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
APP = "dashboard/app.py"
STREAMLIT = Path(sys.executable).parent / "streamlit"
RUN_TIMEOUT_S = 120.0
MAIN_ROOT = 0  # RootContainer.MAIN: first index of a delta_path in the main area


# ---------------------------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log_path: Path, env_extra: dict[str, str] | None = None) -> subprocess.Popen:
    cmd = [
        str(STREAMLIT),
        "run",
        APP,
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | (env_extra or {})
    with open(log_path, "wb") as log:  # the child keeps its own handle
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    proc.kill()
    sys.exit(f"streamlit not healthy after 60 s:\n{log_path.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc/*/stat parent ids)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [pid], [pid]
    while frontier:
        kids = [c for c, p in parents.items() if p in frontier]
        tree += kids
        frontier = kids
    return tree


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (VmRSS from /proc/<pid>/status), MB."""
    total_kb = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its children so far (/proc/<pid>/stat), seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / ticks


# ---------------------------------------------------------------------------------------------- client
@dataclass
class Widget:
    """A control seen in a run, with the value the client holds for it (what the browser would send)."""

    id: str
    kind: str  # slider | select_slider | choice | checkbox
    value: object
    fragment_id: str = ""
    in_main: bool = True
    options: tuple[str, ...] = ()
    lo: float = 0.0
    hi: float = 0.0
    step: float = 1.0
    set_by_server: bool = False  # the run set the value (session state / URL): the client takes it

    def movable(self) -> bool:
        if self.kind == "slider":
            return self.in_main and len(self.value) == 1 and self.hi > self.lo
        if self.kind in ("select_slider", "choice"):
            return self.in_main and len(self.options) > 1 and (self.kind == "choice" or len(self.value) == 1)
        return self.in_main and self.kind == "checkbox"

    def random_value(self, rng: random.Random) -> object:
        if self.kind == "slider":
            n = round((self.hi - self.lo) / self.step)
            current = self.value[0]
            for _ in range(10):
                v = round(self.lo + rng.randint(0, n) * self.step, 10)
                if v != current:
                    break
            return [v]
        if self.kind == "select_slider":
            return [rng.choice([o for o in self.options if o != self.value[0]])]
        if self.kind == "choice":
            return rng.choice([o for o in self.options if o != self.value])
        return not self.value

    def to_proto(self, state) -> None:
        state.id = self.id
        if self.kind == "slider":
            state.double_array_value.data[:] = self.value
        elif self.kind == "select_slider":
            state.string_array_value.data[:] = self.value
        elif self.kind == "choice":
            state.string_value = self.value
        else:
            state.bool_value = self.value


def widget_from_delta(msg: ForwardMsg) -> Widget | None:
    """The control in a ``new_element`` delta, or None for output elements and unsupported widgets."""
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    fragment_id = msg.delta.fragment_id
    in_main = bool(msg.metadata.delta_path) and msg.metadata.delta_path[0] == MAIN_ROOT
    if kind == "slider":
        el = element.slider
        if el.form_id or el.disabled:
            return None
        if el.options:  # select_slider: values are option labels
            value = list(el.raw_value) if el.set_value else [el.options[int(i)] for i in el.default]
            return Widget(
                el.id, "select_slider", value, fragment_id, in_main, tuple(el.options), set_by_server=el.set_value
            )
        value = list(el.value) if el.set_value else list(el.default)
        return Widget(
            el.id,
            "slider",
            value,
            fragment_id,
            in_main,
            lo=el.min,
            hi=el.max,
            step=el.step or 1.0,
            set_by_server=el.set_value,
        )
    if kind in ("radio", "selectbox"):
        el = getattr(element, kind)
        if el.form_id or el.disabled or not el.options:
            return None
        value = el.raw_value if el.set_value else el.options[min(el.default, len(el.options) - 1)]
        return Widget(el.id, "choice", value, fragment_id, in_main, tuple(el.options), set_by_server=el.set_value)
    if kind == "checkbox":
        el = element.checkbox
        if el.form_id or el.disabled:
            return None
        return Widget(
            el.id,
            "checkbox",
            el.value if el.set_value else el.default,
            fragment_id,
            in_main,
            set_by_server=el.set_value,
        )
    return None


@dataclass
class Stats:
    load_ms: list[float] = field(default_factory=list)
    rerun_ms: list[float] = field(default_factory=list)
    exceptions: int = 0
    failures: list[str] = field(default_factory=list)


class Session:
    """One simulated browser tab: a WebSocket session that loads a page and moves its controls."""

    def __init__(
        self, url: str, path: str, query: str, rng: random.Random, timing: random.Random, stats: Stats
    ) -> None:
        self.url, self.page_name, self.query = url, path.strip("/"), query
        self.rng, self.timing, self.stats = rng, timing, stats  # moves; pauses
        self.page_hash = ""
        self.widgets: dict[str, Widget] = {}
        self.cached: set[str] = set()
        self.ws = None

    def parse_widget(self, msg: ForwardMsg) -> Widget | None:
        """The control in a delta (subclasses recognise more kinds; see bench_classroom.py)."""
        return widget_from_delta(msg)

    def on_message(self, msg: ForwardMsg, kind: str | None) -> None:
        """Every ForwardMsg of a run, for subclasses that read elements or timers (nothing here)."""

    def rerun_msg(self, fragment_id: str = "", triggers: tuple[str, ...] = (), auto: bool = False) -> bytes:
        """The BackMsg of a rerun; ``triggers`` are buttons pressed for this run only (as the browser sends a
        click), ``auto`` marks a fragment's timed rerun (``st.fragment(run_every=...)``)."""
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query
        if self.page_hash:
            rs.page_script_hash = self.page_hash
        else:
            rs.page_name = self.page_name
        rs.fragment_id = fragment_id
        rs.is_auto_rerun = auto
        for w in self.widgets.values():
            w.to_proto(rs.widget_states.widgets.add())
        for button_id in triggers:
            state = rs.widget_states.widgets.add()
            state.id, state.trigger_value = button_id, True
        rs.cached_message_hashes.extend(sorted(self.cached))
        ctx = rs.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "UTC", 0, "en-US"
        ctx.url = f"{self.url.replace('ws://', 'http://')}/{self.page_name}" + (f"?{self.query}" if self.query else "")
        ctx.is_embedded, ctx.color_scheme = False, "light"
        return msg.SerializeToString()

    async def run(self, fragment_id: str = "", triggers: tuple[str, ...] = (), auto: bool = False) -> float:
        """Send one rerun and read messages until its script_finished; returns the latency in ms."""
        t0 = time.perf_counter()
        await self.ws.send(self.rerun_msg(fragment_id, triggers, auto))
        seen: dict[str, Widget] = {}
        while True:
            data = await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT_S)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if msg.metadata.cacheable and msg.hash:
                self.cached.add(msg.hash)
            self.on_message(msg, kind)
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                if msg.delta.new_element.WhichOneof("type") == "exception":
                    self.stats.exceptions += 1
                w = self.parse_widget(msg)
                if w is not None:
                    held = self.widgets.get(w.id)
                    if held is not None and not w.set_by_server:
                        w.value = held.value  # like the browser: keep the value the user chose
                    seen[w.id] = w
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # an interrupted run: ours is still coming
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.stats.exceptions += 1
                ms = (time.perf_counter() - t0) * 1000
                break
        if not fragment_id:
            self.widgets = seen  # a full run redraws every control
        else:
            self.widgets.update(seen)
        return ms

    async def play(self, ramp_s: float, moves: int, think_s: float) -> None:
        await asyncio.sleep(self.timing.uniform(0, ramp_s))
        try:
            async with websockets.connect(
                f"{self.url}/_stcore/stream",
                subprotocols=["streamlit"],
                max_size=None,
                open_timeout=60,
                ping_interval=None,
            ) as ws:
                self.ws = ws
                self.stats.load_ms.append(await self.run())
                for _ in range(moves):
                    await asyncio.sleep(think_s * self.timing.uniform(0.5, 1.5))
                    movable = [w for w in self.widgets.values() if w.movable()]
                    fragment_id = ""
                    if movable:
                        w = self.rng.choice(movable)
                        w.value = w.random_value(self.rng)
                        fragment_id = w.fragment_id
                    self.stats.rerun_ms.append(await self.run(fragment_id))
                await HOLD.wait()  # stay connected until memory has been read
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            self.stats.failures.append(f"{type(exc).__name__}: {exc}")


HOLD: asyncio.Event  # set by the driver once RSS with N open sessions has been read


async def drive(
    urls: list[str],
    path: str,
    query: str,
    n: int,
    moves: int,
    think_s: float,
    ramp_s: float,
    seed: int,
    pids: list[int],
    shared: bool = False,
) -> tuple[Stats, float]:
    """N sessions at once, session i on server ``urls[i % len(urls)]`` (a replica it sticks to, as the
    ingress's cookie affinity keeps a browser on one pod); returns their stats and the servers' summed RSS
    while all N are still connected."""
    global HOLD
    HOLD = asyncio.Event()
    stats = Stats()
    sessions = [
        Session(
            urls[i % len(urls)],
            path,
            query,
            random.Random(seed * 1000 + (0 if shared else i)),
            random.Random(seed * 1000 + i + 500),
            stats,
        )
        for i in range(n)
    ]
    tasks = [asyncio.create_task(s.play(ramp_s, moves, think_s)) for s in sessions]
    expected = n * (moves + 1)
    while len(stats.load_ms) + len(stats.rerun_ms) + len(stats.failures) < expected and not all(
        t.done() for t in tasks
    ):
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # let the last messages settle
    rss = sum(rss_mb(pid) for pid in pids)
    HOLD.set()
    await asyncio.gather(*tasks)
    return stats, rss


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30], help="concurrent sessions per phase")
    ap.add_argument("--page", default="/", help="page path with optional query, e.g. / or /pump or /?oral_mg=40")
    ap.add_argument("--moves", type=int, default=10, help="control moves (reruns) per session")
    ap.add_argument("--think", type=float, default=2.0, help="mean pause between a session's moves, s")
    ap.add_argument("--ramp", type=float, default=5.0, help="sessions connect spread over this many seconds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--shared",
        action="store_true",
        help="every session makes the same moves (a room following one instruction): mostly cache hits",
    )
    ap.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="servers on this host, sessions spread round-robin and each kept on one (the Kubernetes "
        "deployment's replicas behind the ingress's cookie affinity); RSS and CPU are summed",
    )
    args = ap.parse_args()
    if not 1 <= args.replicas <= 8:
        ap.error("--replicas must be 1-8")
    parts = urlsplit(args.page)
    path, query = parts.path or "/", parts.query

    print(
        f"page {args.page!r}: {args.moves} moves per session, think {args.think:g} s (x0.5-1.5), "
        f"ramp {args.ramp:g} s; {'same' if args.shared else 'random'} moves per session; {os.cpu_count()} CPUs; "
        f"{args.replicas} server{'s' if args.replicas > 1 else ''} (fresh for each N)"
    )
    header = (
        f"{'N':>3} {'reruns':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'load p50':>8} {'load p95':>8} "
        f"{'RSS0 MB':>7} {'RSS MB':>7} {'MB/sess':>7} {'CPU s':>6} {'errors':>6} {'loadavg':>7}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        for n in args.sessions:
            procs: list[subprocess.Popen] = []
            urls: list[str] = []
            try:
                for r in range(args.replicas):
                    port = free_port()
                    procs.append(start_server(port, Path(tmp) / f"server-{n}-{r}.log"))
                    urls.append(f"ws://127.0.0.1:{port}")
                pids = [proc.pid for proc in procs]
                # Warm-up of each replica: imports, first simulations and lazily imported modules, then an
                # idle baseline.
                for url, pid in zip(urls, pids, strict=True):
                    warm, _ = asyncio.run(drive([url], path, query, 1, 2, 0.0, 0.0, seed=-1, pids=[pid]))
                    if warm.failures:
                        sys.exit(f"warm-up failed: {warm.failures[0]}")
                time.sleep(2.0)
                rss0 = sum(rss_mb(pid) for pid in pids)
                cpu0 = sum(cpu_seconds(pid) for pid in pids)
                stats, rss = asyncio.run(
                    drive(
                        urls,
                        path,
                        query,
                        n,
                        args.moves,
                        args.think,
                        args.ramp,
                        seed=args.seed,
                        pids=pids,
                        shared=args.shared,
                    )
                )
                cpu = sum(cpu_seconds(pid) for pid in pids) - cpu0
            finally:
                for proc in procs:
                    stop_server(proc)
            errors = stats.exceptions + len(stats.failures)
            row = (
                f"{n:>3} {len(stats.rerun_ms):>6} {pct(stats.rerun_ms, 50):>7.0f} {pct(stats.rerun_ms, 95):>7.0f} "
                f"{max(stats.rerun_ms, default=float('nan')):>7.0f} {pct(stats.load_ms, 50):>8.0f} "
                f"{pct(stats.load_ms, 95):>8.0f} {rss0:>7.0f} {rss:>7.0f} {(rss - rss0) / n:>7.1f} {cpu:>6.1f} "
                f"{errors:>6} {os.getloadavg()[0]:>7.1f}"
            )
            rows.append(row)
            print(header, row, sep="\n", flush=True)
            for failure in stats.failures[:3]:
                print("   ", failure)
    print("\nsummary")
    print(header)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
