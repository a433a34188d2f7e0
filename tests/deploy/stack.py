"""Run the Docker image's startup without Docker: ``python deploy/entrypoint.py`` on free loopback ports.

Used by ``tests/deploy`` and ``benchmarks/bench_page_weight.py``. The steps are the image's: a copy of the
installed Streamlit's frontend is pre-compressed with ``deploy/precompress.py`` (the image does it in place at
build time; a copy keeps this environment's site-packages untouched), then the entrypoint renders the nginx
template, checks it with ``nginx -t`` and starts Streamlit and nginx.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENTRYPOINT = DEPLOY / "entrypoint.py"
STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0


def load_deploy_module(name: str) -> ModuleType:
    """``deploy/<name>.py`` as a module (deploy/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"deploy_{name}", DEPLOY / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {DEPLOY / name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


render_nginx = load_deploy_module("render_nginx")


class StackError(RuntimeError):
    """The stack did not start (the message has the log)."""


def nginx_binary() -> str | None:
    """Debian's nginx (/usr/sbin/nginx is not on every PATH); None if not installed."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


def prepare_static(tmp: Path) -> Path:
    """A pre-compressed copy of the installed Streamlit's frontend (readable by nginx's workers, which run
    as ``nobody`` when the tests run as root)."""
    tmp.chmod(0o755)
    static = tmp / "static"
    shutil.copytree(render_nginx.streamlit_static_dir(), static)
    plotly_js = plotly_js_copy(tmp)
    plotly_js.parent.mkdir()
    shutil.copy2(render_nginx.plotly_js_file(), plotly_js)
    command = [sys.executable, str(DEPLOY / "precompress.py"), str(static), "--file", str(plotly_js)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return static


def plotly_js_copy(tmp: Path) -> Path:
    """Where :func:`prepare_static` puts its pre-compressed copy of plotly.min.js (beside the static copy)."""
    return tmp / "plotly" / "plotly.min.js"


@dataclass
class Stack:
    proxy_url: str
    direct_url: str
    port: int
    streamlit_port: int
    runtime_dir: Path
    log_path: Path
    proc: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def child_pid(self, name: str) -> int:
        """The pid the entrypoint logged for ``streamlit`` or ``nginx``."""
        match = re.search(rf"started {name} \(pid (\d+)\)", self.log())
        if not match:
            raise StackError(f"no pid for {name} in the log:\n{self.log()}")
        return int(match[1])

    def stop(self) -> int:
        """SIGTERM to the entrypoint (as `docker stop` does); its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        return self.proc.returncode


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def running_stack(
    tmp: Path, static_dir: Path | None = None, uid: int | None = None, **env_extra: str
) -> Iterator[Stack]:
    """The entrypoint on free loopback ports, healthy through the proxy; stopped (SIGTERM) afterwards.

    ``uid``: run it as that user (with ``setpriv``; needs root), as the image runs it as ``app``."""
    tmp.mkdir(parents=True, exist_ok=True)
    tmp.chmod(0o755)  # nginx's workers (nobody, under root) must reach the runtime directory
    port, streamlit_port = free_port(), free_port()
    while streamlit_port == port:
        streamlit_port = free_port()
    runtime = tmp / "nginx"
    command = [sys.executable, str(ENTRYPOINT)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if uid is not None:
        home = tmp / "home"
        for path in (runtime, home):
            path.mkdir(exist_ok=True)
            os.chown(path, uid, uid)
        env["HOME"] = str(home)
        command = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *command]
    env.update(
        PYTHONUNBUFFERED="1",
        PORT=str(port),
        STREAMLIT_PORT=str(streamlit_port),
        LISTEN_ADDRESS="127.0.0.1",
        NGINX_RUNTIME_DIR=str(runtime),
        ACCESS_LOG=str(runtime / "access.log"),
    )
    if static_dir is not None:
        env["STREAMLIT_STATIC_DIR"] = str(static_dir)
        env["PLOTLY_JS_FILE"] = str(plotly_js_copy(static_dir.parent))
    nginx = nginx_binary()
    if nginx:
        env["NGINX_BIN"] = nginx
    env.update(env_extra)
    log_path = tmp / "entrypoint.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    stack = Stack(
        f"http://127.0.0.1:{port}", f"http://127.0.0.1:{streamlit_port}", port, streamlit_port, runtime, log_path, proc
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(stack.proxy_url):
            if proc.poll() is not None:
                raise StackError(
                    f"the entrypoint exited with {proc.returncode} before it was healthy; log:\n{stack.log()}"
                )
            if time.monotonic() > deadline:
                raise StackError(f"not healthy after {STARTUP_TIMEOUT_S:.0f} s; log:\n{stack.log()}")
            time.sleep(0.25)
        yield stack
    finally:
        stack.stop()
