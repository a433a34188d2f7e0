"""Render the nginx templates in ``deploy/nginx/`` into a runtime directory.

``python deploy/render_nginx.py --out /tmp/nginx`` writes ``nginx.conf`` and ``security-headers.conf`` there
and prints the path of ``nginx.conf``. Settings come from the environment (the names below, e.g. ``PORT``),
so the Docker image, Kubernetes and the tests render the same template with different ports only.

Only ``${UPPER_CASE}`` placeholders are replaced (nginx's own ``$lower_case`` variables stay); a placeholder
without a value is an error, never an empty string. Every value is checked before it goes into the file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import ipaddress
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "inline_script_hashes", "plotly_js_file", "render", "streamlit_static_dir"]

TEMPLATES = Path(__file__).parent / "nginx"
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/+-]*$")
FRAME_SOURCE = re.compile(r"^(?:'self'|'none'|https?://[A-Za-z0-9.-]+(?::[0-9]+)?|https?://\*\.[A-Za-z0-9.-]+)$")


def streamlit_static_dir() -> Path:
    """The frontend files of the installed Streamlit (``.../site-packages/streamlit/static``), without
    importing Streamlit (slow, and not needed to find a directory)."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("render_nginx: streamlit is not installed in this interpreter")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def plotly_js_file() -> Path:
    """plotly.js as the installed ``plotly`` package ships it (the charts' script: dashboard/charts/live.py)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("render_nginx: plotly is not installed in this interpreter")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP sources (``'sha256-...'``) for every inline ``<script>`` of Streamlit's ``index.html``.

    Streamlit 1.67 has one (``window.prerenderReady = false``); hashing the installed file keeps the CSP right
    after a Streamlit upgrade changes it, without allowing inline scripts in general."""
    hashes = []
    for match in SCRIPT.finditer(index_html):
        if re.search(r"\bsrc\s*=", match["attrs"], re.IGNORECASE):
            continue
        digest = hashlib.sha256(match["body"].encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SystemExit(f"render_nginx: {name}={raw!r} is not a TCP port (1..65535)")
    return int(raw)


def _frame_ancestors(raw: str) -> str:
    sources = raw.split()
    if not sources or not all(FRAME_SOURCE.match(s) for s in sources):
        raise SystemExit(
            f"render_nginx: FRAME_ANCESTORS={raw!r}: expected 'self', 'none' or origins "
            "such as https://moodle.example.edu, separated by spaces"
        )
    return " ".join(sources)


@dataclass(frozen=True)
class Settings:
    """Everything the templates need; :meth:`from_env` reads and checks the environment."""

    port: int = 8080  # PORT: public port of nginx
    listen_address: str = "0.0.0.0"  # noqa: S104 - LISTEN_ADDRESS: all of the container's interfaces
    streamlit_port: int = 8501  # STREAMLIT_PORT: Streamlit on 127.0.0.1
    runtime_dir: Path = Path("/tmp/nginx")  # noqa: S108 - NGINX_RUNTIME_DIR: config, pid, temp (owner checked)
    static_dir: Path | None = None  # STREAMLIT_STATIC_DIR: default the installed Streamlit's
    plotly_js: Path | None = None  # PLOTLY_JS_FILE: default the installed plotly's plotly.min.js
    access_log: str = "/dev/stdout"  # ACCESS_LOG: a path, or "off"
    workers: int = 2  # NGINX_WORKERS
    trusted_proxies: tuple[str, ...] = ()  # TRUSTED_PROXIES: CIDRs whose X-Forwarded-For gives the client IP
    frame_ancestors: str = "'self'"  # FRAME_ANCESTORS: who may frame the app (e.g. an LMS origin)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        port = _port(env, "PORT", cls.port)
        streamlit_port = _port(env, "STREAMLIT_PORT", cls.streamlit_port)
        if port == streamlit_port:
            raise SystemExit(f"render_nginx: PORT and STREAMLIT_PORT are both {port}; nginx needs its own port")
        listen = env.get("LISTEN_ADDRESS", cls.listen_address)
        try:
            ip = ipaddress.ip_address(listen.strip("[]"))
        except ValueError:
            raise SystemExit(f"render_nginx: LISTEN_ADDRESS={listen!r} is not an IP address") from None
        listen = f"[{ip}]" if ip.version == 6 else str(ip)
        access_log = env.get("ACCESS_LOG", cls.access_log)
        if access_log != "off" and not SAFE_PATH.match(access_log):
            raise SystemExit(f"render_nginx: ACCESS_LOG={access_log!r}: expected an absolute path or 'off'")
        workers = env.get("NGINX_WORKERS", str(cls.workers))
        if not workers.isdigit() or not 1 <= int(workers) <= 64:
            raise SystemExit(f"render_nginx: NGINX_WORKERS={workers!r}: expected 1..64")
        try:
            proxies = tuple(str(ipaddress.ip_network(c, strict=False)) for c in env.get("TRUSTED_PROXIES", "").split())
        except ValueError as exc:
            raise SystemExit(f"render_nginx: TRUSTED_PROXIES: {exc}") from None
        static = env.get("STREAMLIT_STATIC_DIR")
        plotly_js = env.get("PLOTLY_JS_FILE")
        return cls(
            port=port,
            listen_address=listen,
            streamlit_port=streamlit_port,
            runtime_dir=Path(env.get("NGINX_RUNTIME_DIR", str(cls.runtime_dir))),
            static_dir=Path(static) if static else None,
            plotly_js=Path(plotly_js) if plotly_js else None,
            access_log=access_log,
            workers=int(workers),
            trusted_proxies=proxies,
            frame_ancestors=_frame_ancestors(env.get("FRAME_ANCESTORS", cls.frame_ancestors)),
        )

    def values(self) -> dict[str, str]:
        """Placeholder values for the templates."""
        static = (self.static_dir or streamlit_static_dir()).resolve()
        runtime = self.runtime_dir.resolve()
        plotly_js = (self.plotly_js or plotly_js_file()).resolve()
        for name, path in (
            ("STREAMLIT_STATIC_DIR", static),
            ("PLOTLY_JS_FILE", plotly_js),
            ("NGINX_RUNTIME_DIR", runtime),
        ):
            if not SAFE_PATH.match(str(path)):
                raise SystemExit(f"render_nginx: {name}={str(path)!r} has characters nginx would misread")
        index = static / "index.html"
        if not index.is_file():
            raise SystemExit(f"render_nginx: no Streamlit frontend at {static} (index.html missing)")
        if not plotly_js.is_file():
            raise SystemExit(f"render_nginx: no plotly.js at {plotly_js}")
        hashes = inline_script_hashes(index.read_text(encoding="utf-8"))
        xfo = {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(self.frame_ancestors)
        real_ip = "".join(f"    set_real_ip_from {cidr};\n" for cidr in self.trusted_proxies)
        if real_ip:
            real_ip += "    real_ip_header X-Forwarded-For;\n    real_ip_recursive on;\n"
        return {
            "PORT": str(self.port),
            "LISTEN_ADDRESS": self.listen_address,
            "UPSTREAM": f"127.0.0.1:{self.streamlit_port}",
            "RUNTIME_DIR": str(runtime),
            "STATIC_DIR": str(static),
            "PLOTLY_JS_FILE": str(plotly_js),
            "ACCESS_LOG": self.access_log,
            "NGINX_WORKERS": str(self.workers),
            "REAL_IP_CONFIG": real_ip or "    # TRUSTED_PROXIES unset: the client IP is the connection's address.\n",
            "CSP_SCRIPT_HASHES": " ".join(hashes),
            "FRAME_ANCESTORS": self.frame_ancestors,
            # X-Frame-Options cannot name origins: with any other frame-ancestors, CSP alone decides.
            "X_FRAME_OPTIONS": (
                f'add_header X-Frame-Options "{xfo}" always;'
                if xfo
                else "# X-Frame-Options omitted: FRAME_ANCESTORS names origins it cannot express."
            ),
        }


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with every ``${NAME}`` replaced; an unknown name is an error."""
    missing = sorted({m[1] for m in PLACEHOLDER.finditer(template)} - set(values))
    if missing:
        raise SystemExit(f"render_nginx: no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m[1]], template)


def render(settings: Settings) -> Path:
    """Write nginx.conf and security-headers.conf into ``settings.runtime_dir``; return nginx.conf's path."""
    values = settings.values()
    runtime = Path(values["RUNTIME_DIR"])
    runtime.mkdir(mode=0o755, parents=True, exist_ok=True)
    if runtime.stat().st_uid != os.geteuid():  # e.g. a /tmp/nginx made by someone else on a shared host
        raise SystemExit(f"render_nginx: {runtime} belongs to another user; set NGINX_RUNTIME_DIR")
    for template in sorted(TEMPLATES.glob("*.template")):
        (runtime / template.stem).write_text(fill(template.read_text(encoding="utf-8"), values), encoding="utf-8")
    return runtime / "nginx.conf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="runtime directory (default: $NGINX_RUNTIME_DIR or /tmp/nginx)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.out is not None:
        env["NGINX_RUNTIME_DIR"] = str(args.out)
    print(render(Settings.from_env(env)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
