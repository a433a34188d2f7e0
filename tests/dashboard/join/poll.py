"""Helpers for the class poll's AppTests: the store in a temp SQLite folder, the instructor's and a student's
app, and what an AppTest shows (codes, links, metrics)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import dashboard.lecture.room
from dashboard.classroom.store import ClassStore, open_store

from ..helpers import app

APP_URL = "http://127.0.0.1:8501"
LECTURE = "lecture/page.py"
JOIN = "join/page.py"


class Clock:
    """The stores' clock: the real time plus what a test has skipped (rate limits, expiry without waiting)."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.time() + self.skipped

    def advance(self, seconds: float) -> None:
        self.skipped += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, monkeypatch, clock) -> ClassStore:
    """The app's store pointed at a fresh SQLite folder (CLASSROOM_DATA_DIR, as a deployment sets it), with
    the test's clock; the returned store reads and steers the same file."""
    monkeypatch.setenv("CLASSROOM_DATA_DIR", str(tmp_path / "poll-data"))
    monkeypatch.delenv("CLASSROOM_DATABASE_URL", raising=False)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    opened = []

    def open_with_clock(**kwargs):
        s = open_store(clock=clock, **kwargs)
        opened.append(s)
        return s

    monkeypatch.setattr(dashboard.lecture.room, "open_store", open_with_clock)
    s = open_with_clock()
    yield s
    for s in opened:
        s.close()


def instructor(params: dict | None = None, url: str = APP_URL + "/lecture"):
    """The Lecture page as the instructor's browser opens it (present=1 by default: the projector)."""
    at = app(LECTURE, {"present": "1", **(params or {})})
    at.context["url"] = url
    return at.run()


def student(code: str | None, url: str = APP_URL + "/join"):
    at = app(JOIN, {} if code is None else {"code": code})
    at.context["url"] = url
    return at.run()


def start_poll(at):
    at.button(key="poll_start").click().run()
    return at.session_state["poll_code"]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at) -> str:
    """Every text an AppTest run shows (markdown, captions, alerts, titles, code boxes, metrics)."""
    parts = []
    for kind in ("markdown", "caption", "title", "code", "success", "info", "warning", "error", "subheader"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def send(at, code: str, slug: str, text: str):
    """Type ``text`` into the answer box of ``slug`` and press Send (one run, as a form submits)."""
    at.text_input(key=f"join_box_{code}_{slug}").input(text)
    at.button(key="join_send").click().run()
    return at
