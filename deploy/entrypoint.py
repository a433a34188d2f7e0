"""Start Streamlit (127.0.0.1:$STREAMLIT_PORT) and the nginx proxy in front of it ($PORT), as one process.

The Docker image's command, and what ``tests/deploy`` runs: ``python deploy/entrypoint.py``. It

1. renders ``deploy/nginx/*.template`` into ``$NGINX_RUNTIME_DIR`` (``deploy/render_nginx.py``) and checks
   the result with ``nginx -t``, so a bad setting fails at once with nginx's own message;
2. starts ``streamlit run dashboard/app.py`` (from the repository root, as Community Cloud does) on the
   loopback address only, and nginx in the foreground;
3. forwards SIGTERM / SIGINT / SIGHUP to both, and reaps every child (it may be PID 1 in a container);
4. when either server exits, stops the other and exits: with 0 after a requested stop, otherwise with the
   dead server's status (1 if that was 0, 128 + N if signal N killed it), so Docker or Kubernetes restarts
   the container.

Settings (environment): ``PORT`` (8080), ``LISTEN_ADDRESS`` (0.0.0.0), ``STREAMLIT_PORT`` (8501),
``NGINX_RUNTIME_DIR`` (/tmp/nginx), ``ACCESS_LOG`` (/dev/stdout), ``NGINX_WORKERS`` (2), ``TRUSTED_PROXIES``,
``FRAME_ANCESTORS``, ``STREAMLIT_STATIC_DIR``, ``NGINX_BIN`` (the nginx binary), and every ``STREAMLIT_*``
option Streamlit reads itself (e.g. ``STREAMLIT_SERVER_COOKIE_SECRET``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import render_nginx  # beside this file: `python deploy/entrypoint.py` puts deploy/ on sys.path

ROOT = Path(__file__).resolve().parents[1]
APP = "dashboard/app.py"
STOP_GRACE_S = 10.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def log(message: str) -> None:
    print(f"entrypoint: {message}", file=sys.stderr, flush=True)


def nginx_binary() -> str:
    found = os.environ.get("NGINX_BIN") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).is_file():
        raise SystemExit("entrypoint: nginx not found (apt-get install nginx, or set NGINX_BIN=/path/to/nginx)")
    return found


def streamlit_command(port: int) -> list[str]:
    """`streamlit run` of this interpreter's environment, on the loopback address only."""
    streamlit = Path(sys.executable).parent / "streamlit"
    exe = str(streamlit) if streamlit.exists() else "streamlit"
    return [
        exe,
        "run",
        APP,
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]


class Supervisor:
    """Two children; the first to exit stops the other."""

    def __init__(self) -> None:
        self.children: dict[int, tuple[str, subprocess.Popen]] = {}
        self.signalled: set[int] = set()
        self.stop_requested = False

    def start(self, name: str, command: list[str], **kwargs) -> None:
        if self.stop_requested:  # a stop signal came before this child started
            return
        # Its own process group, so a stop reaches its workers too (nginx's outlive a killed master).
        proc = subprocess.Popen(  # noqa: S603 - fixed commands
            command,
            stdin=subprocess.DEVNULL,
            process_group=0,
            **kwargs,
        )
        self.children[proc.pid] = (name, proc)
        log(f"started {name} (pid {proc.pid})")

    def forward(self, signum: int, _frame: object = None) -> None:
        self.stop_requested = True
        log(f"received {signal.Signals(signum).name}; stopping")
        self.terminate()

    def terminate(self) -> None:
        for pid in self.children:
            if pid not in self.signalled:
                self.signalled.add(pid)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGTERM)  # nginx: fast shutdown; Streamlit: clean stop

    def kill_leftovers(self) -> None:
        """SIGKILL whatever is left in the children's groups (workers of an nginx master that died)."""
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)

    def wait(self) -> int:
        """Reap children until one of ours exits; stop the rest; the container's exit status."""
        first_status = None
        while first_status is None:
            try:
                pid, status = os.wait()
            except ChildProcessError:  # nothing was started (a stop came first) or left to wait for
                return 0 if self.stop_requested else 1
            if pid in self.children:
                name, proc = self.children[pid]
                proc.returncode = os.waitstatus_to_exitcode(status)
                first_status = proc.returncode
                if not self.stop_requested:
                    log(f"{name} exited with status {first_status}; stopping the other server")
        self.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for name, proc in self.children.values():
            if proc.returncode is not None:
                continue
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop within {STOP_GRACE_S:.0f} s; killing it")
        self.kill_leftovers()
        for _, proc in self.children.values():
            if proc.returncode is None:
                proc.wait()
        if self.stop_requested:
            return 0
        if first_status < 0:  # killed by a signal: the shell's convention, 128 + signal number
            return 128 - first_status
        return first_status or 1  # a server that exits on its own is a failure, even with status 0


def main() -> int:
    settings = render_nginx.Settings.from_env()
    conf = render_nginx.render(settings)  # nginx creates its temp directories there itself
    nginx = nginx_binary()
    nginx_cmd = [nginx, "-c", str(conf), "-p", f"{conf.parent}/", "-e", "stderr"]
    # nginx reads $NGINX as a list of inherited sockets (its binary upgrade): never pass one on.
    nginx_env = {k: v for k, v in os.environ.items() if k != "NGINX"}
    check = subprocess.run(  # noqa: S603 - fixed command
        [*nginx_cmd, "-t", "-q"],
        capture_output=True,
        text=True,
        check=False,
        env=nginx_env,
    )
    if check.returncode != 0:
        log(f"nginx rejected {conf}:\n{check.stderr.strip()}")
        return 2

    supervisor = Supervisor()
    for signum in STOP_SIGNALS:
        signal.signal(signum, supervisor.forward)
    supervisor.start("streamlit", streamlit_command(settings.streamlit_port), cwd=ROOT)
    supervisor.start("nginx", nginx_cmd, env=nginx_env)
    log(f"serving http://{settings.listen_address}:{settings.port} -> streamlit 127.0.0.1:{settings.streamlit_port}")
    return supervisor.wait()


if __name__ == "__main__":
    sys.exit(main())
