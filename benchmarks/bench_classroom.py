"""Class poll benchmark: a room of students answering one question on the real server, and the projector.

Run by hand from the repository root::

    python benchmarks/bench_classroom.py --students 300 [--ramp 30] [--answer-within 30] [--duration 150]

A fresh server is started exactly as Community Cloud starts it (``streamlit run dashboard/app.py`` from the
repository root, loopback only) with the class poll's store in a new SQLite folder.  Then, with the
protocol-level WebSocket clients of ``bench_load.py`` (imported, not copied):

1. the instructor opens the Lecture page, presses **Start a class poll** and reads the join code; from then
   on its live count (a fragment with ``run_every``) reruns on the timer the server asks for, as the browser
   does;
2. ``--students`` phones open ``/join?code=...`` spread over ``--ramp`` seconds, each answers one number at
   a random moment within ``--answer-within`` seconds of joining, and keeps its own watcher fragment
   running on its timer (one primary-key query each time);
3. when every student has answered (or at the deadline) the instructor presses **Reveal**; each phone's
   watcher then redraws the page at the reveal.

Printed: ``stored N of M`` (answers in the store at the end, read with the store itself, against students
who tried), submit latency p50 / p95 / max (from pressing Send to the end of the run that confirms it,
including the page's redraw), page load p50 / p95, how long the projector takes to show a new answer
(from a submit's confirmation until the projector's count first includes it: p50 / p95 / max), the
projector's fragment run time, how long the phones take to show the reveal, the server's CPU and memory,
errors.  Everything stops by itself at ``--duration`` seconds; only 127.0.0.1 is contacted.  No assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_load beside this file
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository (dashboard.classroom)

import websockets
from bench_load import (
    Session,
    Stats,
    Widget,
    cpu_seconds,
    free_port,
    pct,
    rss_mb,
    start_server,
    stop_server,
)
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from dashboard.classroom.store import open_store

SCENE = "csf-barrier"  # the Lecture page's first scene: the question the room answers


@dataclass
class Text(Widget):
    """A text box (``st.text_input``), its value sent as the browser sends a form's committed value."""

    def movable(self) -> bool:
        return False

    def to_proto(self, state) -> None:
        state.id = self.id
        state.string_value = str(self.value)


class PollSession(Session):
    """A client of bench_load.Session that also reads buttons, text boxes, headings, metrics, alerts and
    fragment timers (``auto_rerun``) of the class poll's pages."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.buttons: dict[str, str] = {}  # label -> widget id
        self.texts: list[str] = []  # headings, alerts and metrics of the last run
        self.metrics: dict[str, str] = {}
        self.timers: dict[str, float] = {}  # fragment id -> interval (s)

    def parse_widget(self, msg: ForwardMsg) -> Widget | None:
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "text_input":
            el = element.text_input
            return Text(el.id, "text", el.value if el.set_value else el.default, msg.delta.fragment_id)
        return super().parse_widget(msg)

    def on_message(self, msg: ForwardMsg, kind: str | None) -> None:
        if kind == "auto_rerun":
            self.timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "new_session" and not msg.metadata.run.fragment_ids:
            # a full run (not a fragment's): the page is redrawn, its fragments get new timers
            self.texts, self.metrics, self.timers = [], {}, {}
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "button":
                self.buttons[element.button.label] = element.button.id
            elif which == "heading":
                self.texts.append(element.heading.body)
            elif which == "alert":
                self.texts.append(element.alert.body)
            elif which == "metric":
                self.metrics[element.metric.label] = element.metric.body
                self.texts.append(f"{element.metric.label}: {element.metric.body}")

    async def press(self, label: str) -> float:
        return await self.run(triggers=(self.buttons[label],))

    async def tick(self) -> float:
        """One timed rerun of every fragment timer (as the browser's timers would fire)."""
        total = 0.0
        for fragment_id in list(self.timers):
            total += await self.run(fragment_id, auto=True)
        return total

    def text_box(self) -> Text | None:
        return next((w for w in self.widgets.values() if isinstance(w, Text)), None)


def connect(url: str):
    return websockets.connect(
        f"{url}/_stcore/stream", subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None
    )


@dataclass
class Room:
    code: str = ""
    started: asyncio.Event = field(default_factory=asyncio.Event)
    revealed_at: float | None = None
    reveal_ms: float = float("nan")  # the instructor's run at the reveal (the room's plot, the time courses)
    revealed: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    submitted_at: list[float] = field(default_factory=list)  # confirmation times of accepted answers
    submit_ms: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    projector: list[tuple[float, int]] = field(default_factory=list)  # (time, count shown)
    projector_ms: list[float] = field(default_factory=list)
    see_reveal_s: list[float] = field(default_factory=list)
    tried: int = 0


async def instructor(url: str, room: Room, students: int, deadline: float, stats: Stats) -> None:
    s = PollSession(url, "/lecture", "present=1", random.Random(0), random.Random(0), stats)
    async with connect(url) as ws:
        s.ws = ws
        await s.run()
        await s.press("Start a class poll")
        codes = [t for t in s.texts if len(t) == 5 and t.isalnum() and t.isupper()]
        if not codes:
            sys.exit(f"no join code on the Lecture page: {s.texts[:10]}")
        room.code = codes[0]
        room.started.set()
        interval = min(s.timers.values(), default=2.0)
        while time.monotonic() < deadline and not room.stop.is_set():
            await asyncio.sleep(interval)
            ms = await s.tick()
            room.projector_ms.append(ms)
            count = int(s.metrics.get("Answers so far", "0").replace(",", ""))
            room.projector.append((time.monotonic(), count))
            if count >= students or (count and count >= room.tried and all_done(room, students)):
                break
        room.revealed_at = time.monotonic()  # from the click: the room follows as the instructor's run starts
        room.reveal_ms = await s.press("Reveal")
        room.revealed.set()
        if "Room median (%)" not in s.metrics:
            stats.failures.append(f"projector: no room median after the reveal: {sorted(s.metrics)}")
        await room.stop.wait()


def all_done(room: Room, students: int) -> bool:
    return len(room.submitted_at) + len(room.refused) >= students


async def student(url: str, room: Room, i: int, ramp_s: float, within_s: float, deadline: float, stats: Stats):
    rng = random.Random(1000 + i)
    await room.started.wait()
    await asyncio.sleep(rng.uniform(0, ramp_s))
    s = PollSession(url, "/join", f"code={room.code}", rng, rng, stats)
    try:
        async with connect(url) as ws:
            s.ws = ws
            stats.load_ms.append(await s.run())
            answer_at = time.monotonic() + rng.uniform(1.0, within_s)
            interval = min(s.timers.values(), default=3.0)
            next_tick = time.monotonic() + interval
            answered = False
            while time.monotonic() < deadline and not room.stop.is_set():
                now = time.monotonic()
                if not answered and now >= answer_at:
                    box = s.text_box()
                    if box is None or "Send" not in s.buttons:
                        room.refused.append("no answer box")
                        answered = True
                        continue
                    box.value = f"{rng.uniform(2, 40):.1f}"
                    room.tried += 1
                    ms = await s.press("Send")
                    answered = True
                    if any("Answer sent" in t for t in s.texts):
                        room.submit_ms.append(ms)
                        room.submitted_at.append(time.monotonic())
                    else:
                        room.refused.append(next((t for t in s.texts if "Answer" not in t), "no confirmation"))
                    continue
                if room.revealed_at is not None and any(k.startswith("Model answer") for k in s.metrics):
                    room.see_reveal_s.append(time.monotonic() - room.revealed_at)
                    break
                wake = min(next_tick, answer_at if not answered else next_tick)
                await asyncio.sleep(max(0.0, wake - time.monotonic()))
                if time.monotonic() >= next_tick:
                    await s.tick()
                    next_tick += interval
            await room.stop.wait()
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        stats.failures.append(f"student {i}: {type(exc).__name__}: {exc}")


async def drive(url: str, args: argparse.Namespace, stats: Stats) -> Room:
    room = Room()
    deadline = time.monotonic() + args.duration
    tasks = [asyncio.create_task(instructor(url, room, args.students, deadline, stats))]
    tasks += [
        asyncio.create_task(student(url, room, i, args.ramp, args.answer_within, deadline, stats))
        for i in range(args.students)
    ]
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        if room.revealed.is_set() and len(room.see_reveal_s) >= len(room.submitted_at):
            break
    await asyncio.sleep(1.0)
    room.stop.set()
    _, pending = await asyncio.wait(tasks, timeout=30)
    for t in pending:
        t.cancel()
    return room


def projector_delays(room: Room) -> list[float]:
    """For the k-th confirmed answer: seconds until the projector first showed a count of at least k."""
    delays = []
    for k, t in enumerate(sorted(room.submitted_at), start=1):
        shown = next((pt for pt, count in room.projector if count >= k and pt >= t), None)
        if shown is not None:
            delays.append(shown - t)
    return delays


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=300)
    ap.add_argument("--ramp", type=float, default=30.0, help="students join spread over this many seconds")
    ap.add_argument("--answer-within", type=float, default=30.0, help="each answers within this long of joining")
    ap.add_argument("--duration", type=float, default=180.0, help="hard stop, seconds")
    args = ap.parse_args()
    print(
        f"{args.students} students join over {args.ramp:g} s and answer within {args.answer_within:g} s; "
        f"stop after {args.duration:g} s at the latest; {os.cpu_count()} CPUs; loopback only",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as tmp:
        data = Path(tmp) / "poll-data"
        port = free_port()
        proc = start_server(port, Path(tmp) / "server.log", {"CLASSROOM_DATA_DIR": str(data)})
        url = f"ws://127.0.0.1:{port}"
        try:
            stats = Stats()
            # warm-up: imports and the scene's model answer (what the first student of a real room would pay)
            warm = asyncio.run(warm_up(url, stats))
            rss0, cpu0 = rss_mb(proc.pid), cpu_seconds(proc.pid)
            t0 = time.monotonic()
            room = asyncio.run(drive(url, args, stats))
            wall = time.monotonic() - t0
            rss, cpu = rss_mb(proc.pid), cpu_seconds(proc.pid) - cpu0
        finally:
            stop_server(proc)
        with open_store({"CLASSROOM_DATA_DIR": str(data)}) as store:
            stored = store.count(room.code, SCENE) if room.code else 0
    delays = projector_delays(room)
    print(f"warm-up (one join page load) {warm:.0f} ms")
    print(f"stored {stored} of {args.students} (answers in the store / students); {len(room.refused)} refused")
    print(
        f"submit latency: p50 {pct(room.submit_ms, 50):.0f} ms, p95 {pct(room.submit_ms, 95):.0f} ms, "
        f"max {max(room.submit_ms, default=float('nan')):.0f} ms ({len(room.submit_ms)} confirmed)"
    )
    print(f"join page load: p50 {pct(stats.load_ms, 50):.0f} ms, p95 {pct(stats.load_ms, 95):.0f} ms")
    print(
        f"projector shows a new answer after: p50 {pct(delays, 50):.2f} s, p95 {pct(delays, 95):.2f} s, "
        f"max {max(delays, default=float('nan')):.2f} s; its count fragment runs in p50 "
        f"{pct(room.projector_ms, 50):.0f} ms, p95 {pct(room.projector_ms, 95):.0f} ms"
    )
    print(
        f"projector's reveal run (room plot + time courses) {room.reveal_ms:.0f} ms; phones show the reveal "
        f"after: p50 {pct(room.see_reveal_s, 50):.2f} s, p95 {pct(room.see_reveal_s, 95):.2f} s "
        f"({len(room.see_reveal_s)} phones)"
    )
    print(
        f"server: {cpu:.1f} CPU s in {wall:.0f} s wall, RSS {rss0:.0f} -> {rss:.0f} MB "
        f"({(rss - rss0) / max(args.students, 1):.1f} MB per student); load average {os.getloadavg()[0]:.1f}"
    )
    errors = stats.exceptions + len(stats.failures)
    print(f"errors: {errors} ({stats.exceptions} exception elements, {len(stats.failures)} failures)")
    for line in (stats.failures + room.refused)[:5]:
        print("   ", line)


async def warm_up(url: str, stats: Stats) -> float:
    s = PollSession(url, "/join", "code=XXXXX", random.Random(0), random.Random(0), stats)
    async with connect(url) as ws:
        s.ws = ws
        ms = await s.run()
    s2 = PollSession(url, "/lecture", f"scene={SCENE}&step=1", random.Random(0), random.Random(0), stats)
    async with connect(url) as ws:  # the scene's simulations, cached for everyone
        s2.ws = ws
        await s2.run()
    return ms


if __name__ == "__main__":
    main()
