"""deploy/render_nginx.py: checked settings, the rendered files, and `nginx -t` on the variants."""

from __future__ import annotations

import subprocess

import pytest

from .stack import load_deploy_module, nginx_binary

pytestmark = pytest.mark.deploy

render_nginx = load_deploy_module("render_nginx")
BASE = {"PORT": "18080", "STREAMLIT_PORT": "18501", "LISTEN_ADDRESS": "127.0.0.1", "ACCESS_LOG": "off"}


def rendered(tmp_path, **env: str) -> tuple[str, str]:
    """(nginx.conf, security-headers.conf) rendered with BASE + env; nginx -t must accept them."""
    settings = render_nginx.Settings.from_env({**BASE, "NGINX_RUNTIME_DIR": str(tmp_path / "rt"), **env})
    conf = render_nginx.render(settings)
    nginx = nginx_binary()
    if nginx:
        check = subprocess.run(
            [nginx, "-t", "-q", "-c", str(conf), "-p", f"{conf.parent}/", "-e", "stderr"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stderr
    return conf.read_text(), (conf.parent / "security-headers.conf").read_text()


def test_default_render_has_no_placeholder_left_and_the_ports_in_place(tmp_path):
    conf, headers = rendered(tmp_path)
    assert not render_nginx.PLACEHOLDER.search(conf)
    assert not render_nginx.PLACEHOLDER.search(headers)
    assert "listen 127.0.0.1:18080;" in conf
    assert "server 127.0.0.1:18501;" in conf
    assert "script-src 'self' 'sha256-" in headers
    assert 'add_header X-Frame-Options "SAMEORIGIN" always;' in headers
    assert "set_real_ip_from" not in conf


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "http"),
        ("PORT", "70000"),
        ("STREAMLIT_PORT", "18080"),
        ("LISTEN_ADDRESS", "example.org"),
        ("ACCESS_LOG", "/tmp/a.log; evil"),
        ("NGINX_WORKERS", "0"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"),
        ("FRAME_ANCESTORS", "*"),
        ("FRAME_ANCESTORS", "https://a.example; script-src *"),
        ("FRAME_ANCESTORS", ""),
    ],
)
def test_bad_settings_are_refused_before_anything_is_written(tmp_path, name, value):
    with pytest.raises(SystemExit, match=name):
        render_nginx.Settings.from_env({**BASE, "NGINX_RUNTIME_DIR": str(tmp_path), name: value})


def test_frame_ancestors_for_a_learning_platform_replace_x_frame_options(tmp_path):
    _, headers = rendered(tmp_path, FRAME_ANCESTORS="'self' https://moodle.example.edu")
    assert "frame-ancestors 'self' https://moodle.example.edu;" in headers
    assert "add_header X-Frame-Options" not in headers  # it cannot name an origin; CSP decides alone
    _, headers = rendered(tmp_path, FRAME_ANCESTORS="'none'")
    assert 'add_header X-Frame-Options "DENY" always;' in headers


def test_trusted_proxies_take_the_client_address_from_x_forwarded_for(tmp_path):
    conf, _ = rendered(tmp_path, TRUSTED_PROXIES="10.0.0.0/8 fd00::/8")
    assert "set_real_ip_from 10.0.0.0/8;" in conf
    assert "set_real_ip_from fd00::/8;" in conf
    assert "real_ip_header X-Forwarded-For;" in conf


def test_ipv6_listen_address(tmp_path):
    conf, _ = rendered(tmp_path, LISTEN_ADDRESS="::1")
    assert "listen [::1]:18080;" in conf


def test_inline_script_hashes_cover_inline_scripts_only():
    html = '<script>a = 1</script><script type="module" src="./x.js"></script><script >\n b()\n</script>'
    assert render_nginx.inline_script_hashes(html) == [
        "'sha256-tbwf/ZCRL7GL7259gJCRksemSSiWMgFW1n+68QTGVEo='",
        "'sha256-+oxi8L65iDZykLQAdjC/TMTkDKfD7AQmwaDO0ma6u5M='",
    ]


def test_an_unknown_placeholder_is_an_error():
    with pytest.raises(SystemExit, match="NOPE"):
        render_nginx.fill("listen ${PORT}; ${NOPE}", {"PORT": "1"})


def test_the_proxy_serves_plotly_js_where_the_live_chart_asks_for_it(tmp_path):
    from dashboard.charts.live import PLOTLY_JS_ROUTE

    conf, _ = rendered(tmp_path)
    assert f"location = /{PLOTLY_JS_ROUTE} {{" in conf
    assert f"alias {render_nginx.plotly_js_file().resolve()};" in conf


def test_a_missing_plotly_js_stops_the_render(tmp_path):
    with pytest.raises(SystemExit, match=r"no plotly\.js"):
        rendered(tmp_path, PLOTLY_JS_FILE=str(tmp_path / "none.js"))
