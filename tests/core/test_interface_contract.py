"""The acceptance interface, exactly as a new user or a checker drives it: real processes, a real server.

DATABASE_URL=sqlite:///ABS/x.db custos manage migrate; custos seed --scale demo; custos serve --port P;
GET /healthz → 200 JSON; GET /api/v1/openapi.json → OpenAPI 3; an API list route is 401 without
credentials and 200 with a token from `custos token create`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_migrate_seed_serve_and_call_the_api(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "CUSTOS_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cli = [sys.executable, "-m", "custos.cli"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*cli, *args], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result

    run("manage", "migrate", "--verbosity", "0")
    run("seed", "--scale", "demo", "--quiet")
    again = run("seed", "--scale", "demo")
    assert "already seeded" in again.stdout
    create = subprocess.run(
        [*cli, "createuser", "checker", "--role", "administrator", "--password-stdin"],
        env=env,
        input="a long enough password\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert create.returncode == 0, create.stderr
    token = run("token", "create", "checker").stdout.strip()

    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"{base}/healthz")
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.3)
        assert status == 200
        assert json.loads(body)["checks"]["database"]["ok"] is True
        status, body = _get(f"{base}/api/v1/openapi.json")
        assert status == 200 and json.loads(body)["openapi"].startswith("3.")
        assert _get(f"{base}/api/v1/workforce/people")[0] == 401
        status, body = _get(f"{base}/api/v1/workforce/people", token)
        assert status == 200 and json.loads(body)["count"] > 500
    finally:
        server.terminate()
        server.wait(timeout=10)
