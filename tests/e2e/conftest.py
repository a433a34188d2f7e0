"""Fixtures for the browser tests: one real Streamlit server and one headless Debian chromium per session.

The server is started exactly as Community Cloud starts it: the ``streamlit`` console script of this
interpreter's environment, ``streamlit run dashboard/app.py`` from the repository root, with no
``PYTHONPATH`` help.  So a page that only imports under pytest (the repository root is on ``sys.path``
there, not under ``streamlit run``) fails here as it would when deployed.

Chromium is the system one (``/usr/bin/chromium`` or ``chromium`` on PATH); Playwright's own browser
download (``playwright install``) is never used.  Without chromium every browser test is skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
APP = "dashboard/app.py"
STREAMLIT = Path(sys.executable).parent / "streamlit"
STARTUP_TIMEOUT_S = 60.0
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}


def find_chromium() -> str | None:
    """Debian's chromium: /usr/bin/chromium, else `chromium` on PATH; None if there is none."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


CHROMIUM = find_chromium()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(port: int) -> list[str]:
    """The command Community Cloud runs (plus a fixed port and address, no file watcher)."""
    return [
        str(STREAMLIT),
        "run",
        APP,
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]


def server_env(data_dir: Path | None = None) -> dict[str, str]:
    """This environment without PYTHONPATH, so the repository root is importable only if it would be on Cloud.

    The class poll's store goes to ``data_dir`` (a fresh SQLite folder, never the repository's ./.data), and
    links are built from the browser's address (no PUBLIC_BASE_URL), as on a laptop."""
    drop = {"PYTHONPATH", "CLASSROOM_DATABASE_URL", "PUBLIC_BASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONUNBUFFERED"] = "1"
    if data_dir is not None:
        env["CLASSROOM_DATA_DIR"] = str(data_dir)
    return env


def wait_healthy(proc: subprocess.Popen, url: str, log_path: Path, timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Poll ``/_stcore/health`` until it answers "ok"; fail with the server log if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"streamlit exited with code {proc.returncode} before it was healthy; log:\n"
                f"{log_path.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit was not healthy after {timeout:.0f} s; log:\n{log_path.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Base URL of a real `streamlit run dashboard/app.py`, started from the repository root."""
    if not STREAMLIT.exists():
        pytest.skip(f"no streamlit console script at {STREAMLIT}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="e2e-streamlit-") as tmp:
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                server_command(port),
                cwd=ROOT,
                env=server_env(Path(tmp) / "poll-data"),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            try:
                wait_healthy(proc, url, log_path)
                yield url
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless system chromium for the whole session."""
    if CHROMIUM is None:
        pytest.skip("chromium not found (/usr/bin/chromium or `chromium` on PATH): apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def context_of(browser, viewport: dict, **options: object) -> Iterator[object]:
    """A browser context of ``viewport`` (30-s default timeout), closed afterwards; for fixtures to yield from."""
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser_context(browser) -> Iterator[object]:
    """One context for the session: its HTTP cache keeps the frontend's JavaScript between tests."""
    yield from context_of(browser, VIEWPORT, accept_downloads=True)


@pytest.fixture
def page(browser_context, server_url) -> Iterator[object]:
    """A new page per test: its own WebSocket, so its own Streamlit session and widget state."""
    pg = browser_context.new_page()
    pg.js_errors = []  # uncaught page errors, for tests that want them
    pg.on("pageerror", lambda exc: pg.js_errors.append(str(exc)))
    try:
        yield pg
    finally:
        pg.close()
