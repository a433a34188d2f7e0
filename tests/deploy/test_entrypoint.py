"""The image's entrypoint without Docker: unprivileged, stops on SIGTERM, exits when either server dies."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .stack import ENTRYPOINT, ROOT, free_port, nginx_binary, plotly_js_copy, port_open, render_nginx, running_stack
from .test_proxy import fetch

pytestmark = pytest.mark.deploy

NOBODY = 65534


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def uid_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])


def unprivileged_uid() -> int | None:
    """The user to run as: ``nobody`` under root (the image runs as ``app``) if this environment lets it run
    Streamlit; None = as this user (then test_nginx_config_runs_unprivileged covers nginx without root)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    # What the entrypoint does as that user: find Streamlit, read the app, start the streamlit script.
    streamlit = Path(sys.executable).parent / "streamlit"
    code = (
        f"import importlib.util, subprocess; assert importlib.util.find_spec('streamlit'); "
        f"open({str(ROOT / 'dashboard' / 'app.py')!r}).close(); "
        f"subprocess.run([{str(streamlit)!r}, 'version'], check=True, capture_output=True)"
    )
    probe = subprocess.run(
        as_user(NOBODY, [sys.executable, "-c", code]), cwd=ROOT, capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:  # e.g. an interpreter under /root: run as root; nginx is covered below
        return None
    return NOBODY


def as_user(uid: int, command: list[str]) -> list[str]:
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *command]


def test_runs_and_stops_both_servers_on_sigterm(deploy_tmp, static_dir):
    uid = unprivileged_uid()
    with running_stack(deploy_tmp / "unprivileged", static_dir, uid=uid) as stack:
        nginx, streamlit = stack.child_pid("nginx"), stack.child_pid("streamlit")
        expected = os.geteuid() if uid is None else uid
        assert uid_of(nginx) == expected  # nginx's master too: no root when not started as root
        assert uid_of(streamlit) == expected
        assert fetch(stack.proxy_url + "/_stcore/health").body == b"ok"
        page = fetch(
            stack.proxy_url + "/static/js/" + next((static_dir / "static" / "js").glob("index.*.js")).name,
            headers={"Accept-Encoding": "gzip"},
        )
        assert page.status == 200
        assert page.headers["content-encoding"] == "gzip"
        # Streamlit listens on the loopback address only (the proxy is the only way in from outside).
        assert "--server.address=127.0.0.1" in Path(f"/proc/{streamlit}/cmdline").read_text().split("\0")
        status = stack.stop()  # as `docker stop` / Kubernetes do
    assert status == 0, stack.log()
    assert not alive(nginx)
    assert not alive(streamlit)
    assert not port_open(stack.port)
    assert not port_open(stack.streamlit_port)


@pytest.mark.parametrize("victim", ["streamlit", "nginx"])
def test_exits_with_an_error_and_stops_the_other_when_a_server_dies(deploy_tmp, static_dir, victim):
    with running_stack(deploy_tmp / f"dies-{victim}", static_dir) as stack:
        pids = {name: stack.child_pid(name) for name in ("streamlit", "nginx")}
        os.kill(pids[victim], signal.SIGKILL)
        status = stack.proc.wait(timeout=30)
        assert status == 128 + signal.SIGKILL, stack.log()  # non-zero: Docker / Kubernetes restart the container
        assert f"{victim} exited with status -9" in stack.log()
        assert not any(alive(pid) for pid in pids.values())
        assert not port_open(stack.port)


def test_nginx_config_runs_unprivileged(stack, static_dir, deploy_tmp):
    """The image runs nginx as ``app``: the rendered config needs no root (pid, temp paths, port > 1024).
    Under root the stack's nginx master is root, so here the same config runs as ``nobody``."""
    if os.geteuid() != 0:
        pytest.skip(f"the whole stack already runs as uid {os.geteuid()} (test_runs_and_stops_...)")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) not found")
    runtime = deploy_tmp / "nginx-nobody"
    port = free_port()
    settings = render_nginx.Settings.from_env(
        {
            "PORT": str(port),
            "LISTEN_ADDRESS": "127.0.0.1",
            "STREAMLIT_PORT": str(stack.streamlit_port),
            "NGINX_RUNTIME_DIR": str(runtime),
            "STREAMLIT_STATIC_DIR": str(static_dir),
            "PLOTLY_JS_FILE": str(plotly_js_copy(static_dir.parent)),
            "ACCESS_LOG": "off",
        }
    )
    conf = render_nginx.render(settings)
    os.chown(runtime, NOBODY, NOBODY)
    nginx = subprocess.Popen(
        as_user(NOBODY, [nginx_binary(), "-c", str(conf), "-p", f"{runtime}/", "-e", "stderr"]),
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not port_open(port):
            assert nginx.poll() is None, nginx.stderr.read()
            assert time.monotonic() < deadline, "nginx (as nobody) did not listen"
            time.sleep(0.1)
        assert uid_of(nginx.pid) == NOBODY
        assert fetch(f"http://127.0.0.1:{port}/_stcore/health").body == b"ok"
        assert fetch(f"http://127.0.0.1:{port}/").status == 200
        static = next((static_dir / "static" / "js").glob("index.*.js")).name
        assert (
            fetch(f"http://127.0.0.1:{port}/static/js/{static}", headers={"Accept-Encoding": "gzip"}).headers[
                "content-encoding"
            ]
            == "gzip"
        )
        big = fetch(
            f"http://127.0.0.1:{port}/_stcore/upload_file/s/f",
            method="PUT",
            body=b"x" * 900_000,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert big.status != 500, "the upload body could not be buffered by an unprivileged nginx"
    finally:
        os.killpg(nginx.pid, signal.SIGTERM)
        nginx.wait(timeout=10)


def test_a_bad_setting_stops_the_start_with_one_line_and_starts_nothing(deploy_tmp):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PORT="18555", STREAMLIT_PORT="18555", NGINX_RUNTIME_DIR=str(deploy_tmp / "bad-setting"))
    result = subprocess.run(
        [sys.executable, str(ENTRYPOINT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "PORT and STREAMLIT_PORT are both 18555" in result.stderr
    assert "started" not in result.stderr
