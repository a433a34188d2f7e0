"""A throw-away PostgreSQL cluster for the tests, from Debian's ``postgresql`` package binaries.

``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/<version>/bin`` (the newest version there), a data
directory in a temporary folder, a free loopback port, a random password (scram-sha-256), the Unix socket
in the same folder, and durability switched off (fsync, full pages, synchronous commit: nothing here needs
to survive a crash).  initdb refuses to run as root, so as root the cluster runs as ``nobody`` (or
``postgres``), the temporary folder owned by that user; otherwise as the current user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT_S = 60


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb and pg_ctl (else the ones on PATH), or None."""

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.name)) or (0,)

    for d in sorted(Path("/").glob(BIN_GLOB.lstrip("/")), key=version, reverse=True):
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged user to run the cluster as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("nobody", "postgres"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root and neither user 'nobody' nor 'postgres' exists for initdb")


@dataclass
class Cluster:
    bindir: Path
    folder: Path
    port: int
    password: str
    user: pwd.struct_passwd | None

    def url(self, dbname: str = "postgres", search_path: str | None = None) -> str:
        url = f"postgresql://postgres:{quote(self.password)}@127.0.0.1:{self.port}/{dbname}"
        if search_path:
            url += "?options=" + quote(f"-csearch_path={search_path}")
        return url

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kw: dict = {}
        if self.user is not None:
            kw = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.folder), "LC_ALL": "C", "LANG": "C"}
        proc = subprocess.run(
            args,
            cwd=self.folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
            **kw,
        )
        if check and proc.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}\n{tail}"
            )
        return proc

    def stop(self) -> None:
        data = str(self.folder / "data")
        if self._run(str(self.bindir / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop", check=False).returncode:
            self._run(str(self.bindir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _parent_for(user: pwd.struct_passwd | None) -> str | None:
    """Where to make the cluster's folder: the usual temporary folder, unless another user (nobody) could not
    reach it (a TMPDIR inside a root-only folder); then /tmp."""
    if user is None:
        return None
    base = Path(tempfile.gettempdir()).resolve()
    if all(p.stat().st_mode & 0o001 for p in (base, *base.parents)):
        return None
    return "/tmp"  # world-traversable by definition; the folder made inside it is private (0700)


def start_cluster(bindir: Path) -> Cluster:
    """initdb + pg_ctl start; the caller stops it with :meth:`Cluster.stop`."""
    user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="classroom-pg-", dir=_parent_for(user)))
    cluster = Cluster(bindir, folder, 0, secrets.token_hex(16), user)
    try:
        pwfile = folder / "pw"
        pwfile.write_text(cluster.password + "\n")
        if user is not None:
            os.chown(folder, user.pw_uid, user.pw_gid)
            os.chown(pwfile, user.pw_uid, user.pw_gid)
        cluster._run(
            str(bindir / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            "postgres",
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        for attempt in range(3):  # the free port may be taken between looking and listening
            cluster.port = free_port()
            opts = (
                f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
            )
            proc = cluster._run(
                str(bindir / "pg_ctl"),
                "-D",
                str(folder / "data"),
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                str(START_TIMEOUT_S),
                "-o",
                opts,
                "start",
                check=attempt == 2,
            )
            if proc.returncode == 0:
                return cluster
    except BaseException:
        cluster.stop()
        raise
    raise AssertionError("unreachable")  # pragma: no cover
