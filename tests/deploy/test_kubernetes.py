"""The Kubernetes example: no secret in the repository, probes through the proxy, sticky WebSockets.

Text checks (no cluster and no YAML parser here); ``deploy/make-cookie-secret.sh`` is run for real.
"""

from __future__ import annotations

import re
import shutil
import stat
import subprocess

import pytest

from .stack import DEPLOY, ROOT

pytestmark = pytest.mark.deploy

MANIFEST = (DEPLOY / "kubernetes.yaml").read_text()
KUSTOMIZATION = (DEPLOY / "kustomization.yaml").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_no_secret_value_in_the_manifests():
    assert "kind: Secret" not in MANIFEST
    assert "stringData" not in MANIFEST
    # Only ever from openssl at apply time, never a literal value.
    values = re.findall(r"STREAMLIT_SERVER_COOKIE_SECRET\s*[:=]\s*(\S+)", MANIFEST)
    assert values == ['"$(openssl'], values
    assert "replace-with" not in MANIFEST + KUSTOMIZATION


def test_the_generated_secret_is_the_one_the_deployment_reads():
    generated = re.findall(r"^  - name: (\S+)", KUSTOMIZATION, re.M)
    assert generated == ["baclofen-teaching-cookie", "baclofen-classroom-db"]
    assert f"secretRef: {{name: {generated[0]}}}" in MANIFEST
    assert "cookie-secret.env" in KUSTOMIZATION
    assert "kubernetes.yaml" in KUSTOMIZATION
    assert "cookie-secret.env" in (DEPLOY / ".gitignore").read_text().split()
    assert "deploy/cookie-secret.env" in (ROOT / ".dockerignore").read_text().split()


def test_probes_and_service_go_through_the_proxy_port():
    port = re.search(r"name: PORT, value: \"(\d+)\"", MANIFEST)[1]
    assert f"{{name: http, containerPort: {port}}}" in MANIFEST
    assert f"PORT={port}" in DOCKERFILE
    assert MANIFEST.count("httpGet: {path: /_stcore/health, port: http}") == 2
    assert "targetPort: http" in MANIFEST


def test_ingress_keeps_sticky_sessions_long_websockets_and_the_upload_cap():
    assert 'nginx.ingress.kubernetes.io/affinity: "cookie"' in MANIFEST
    assert 'proxy-read-timeout: "3600"' in MANIFEST
    assert 'proxy-send-timeout: "3600"' in MANIFEST
    assert 'proxy-body-size: "1088k"' in MANIFEST
    assert "client_max_body_size 1088k;" in (DEPLOY / "nginx" / "nginx.conf.template").read_text()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not found")
def test_make_cookie_secret_writes_a_private_random_secret_once(tmp_path):
    script = tmp_path / "make-cookie-secret.sh"
    shutil.copy(DEPLOY / "make-cookie-secret.sh", script)
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    out = tmp_path / "cookie-secret.env"
    first = out.read_text()
    assert re.fullmatch(r"STREAMLIT_SERVER_COOKIE_SECRET=[0-9a-f]{64}\n", first)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    assert out.read_text() == first  # kept: replacing it would log every viewer out
    subprocess.run(["sh", str(script), "--force"], check=True, capture_output=True)
    assert out.read_text() != first


def test_every_replica_shares_one_class_poll_database():
    """The class poll lives in one PostgreSQL (a StatefulSet with a volume), reached by every replica through the
    URL in a generated Secret; only the dashboard's pods may connect."""
    assert "kind: StatefulSet" in MANIFEST
    assert "volumeClaimTemplates:" in MANIFEST
    assert MANIFEST.count("secretKeyRef: {name: baclofen-classroom-db, key: CLASSROOM_DATABASE_URL}") == 1
    assert "secretKeyRef: {name: baclofen-classroom-db, key: POSTGRES_PASSWORD}" in MANIFEST
    assert re.search(r"name: baclofen-classroom-db\nspec:\n  selector: \{app: baclofen-classroom-db\}", MANIFEST)
    assert "kind: NetworkPolicy" in MANIFEST
    assert re.findall(r"POSTGRES_PASSWORD=(\S+)", MANIFEST) == ["..."]  # only the placeholder in the how-to
    assert "classroom-db.env" in (DEPLOY / ".gitignore").read_text().split()
    assert "deploy/classroom-db.env" in (ROOT / ".dockerignore").read_text().split()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not found")
def test_make_db_secret_writes_a_matching_password_and_url_once(tmp_path):
    script = tmp_path / "make-db-secret.sh"
    shutil.copy(DEPLOY / "make-db-secret.sh", script)
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    out = tmp_path / "classroom-db.env"
    text = out.read_text()
    m = re.fullmatch(
        r"POSTGRES_PASSWORD=([0-9a-f]{48})\n"
        r"CLASSROOM_DATABASE_URL=postgresql://classroom:([0-9a-f]{48})@baclofen-classroom-db:5432/classroom\n",
        text,
    )
    assert m
    assert m[1] == m[2]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    assert out.read_text() == text  # kept: the database's volume holds the old password
