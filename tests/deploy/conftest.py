"""Fixtures for the deployment tests: the Docker image's startup, run without Docker.

One stack per session (``stack.py``): a pre-compressed copy of the installed Streamlit's frontend, then
``python deploy/entrypoint.py`` on free loopback ports, which renders ``deploy/nginx/*.template``, checks it
with ``nginx -t`` and starts Streamlit (127.0.0.1 only) and nginx in front of it. Tests talk plain HTTP to
both (``stack.proxy_url``, ``stack.direct_url``) and drive Debian's chromium through the proxy.

Without nginx (``apt-get install nginx``) every test here is skipped with that message.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .stack import Stack, StackError, nginx_binary, prepare_static, running_stack

NO_NGINX = "nginx not found (/usr/sbin/nginx or `nginx` on PATH): apt-get install nginx"


@pytest.fixture(scope="session")
def deploy_tmp() -> Iterator[Path]:
    """A scratch directory nginx's workers can reach: when the tests run as root they run as ``nobody``, and
    pytest's own tmp_path (under a 0700 /tmp/pytest-of-root) is closed to them."""
    if nginx_binary() is None:
        pytest.skip(NO_NGINX)
    with tempfile.TemporaryDirectory(prefix="deploy-tests-") as tmp:
        Path(tmp).chmod(0o755)
        yield Path(tmp)


@pytest.fixture(scope="session")
def static_dir(deploy_tmp) -> Path:
    """The frontend as the image has it: Streamlit's static files with .gz beside them."""
    return prepare_static(deploy_tmp)


@pytest.fixture(scope="session")
def stack(deploy_tmp, static_dir) -> Iterator[Stack]:
    """Streamlit behind nginx, started by the image's entrypoint; stopped with SIGTERM at the end."""
    try:
        with running_stack(deploy_tmp / "stack", static_dir) as running:
            yield running
    except StackError as exc:
        pytest.fail(str(exc))
