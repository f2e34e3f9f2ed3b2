"""The acceptance interface, exactly as a new user or a checker drives it: real processes, a real server.

DATABASE_URL=sqlite:///ABS/x.db custos manage migrate; custos seed --scale demo; custos serve --port P;
GET /healthz → 200 JSON; GET /api/v1/openapi.json → OpenAPI 3; an API list route is 401 without
credentials and 200 with a token from `custos token create`. Then, on the same seeded force, every demo
account follows every link it is shown (custos.core.pagecrawl): none may fail it, and every page it
reads must have one h1, a label for each form control, unique ids and alt text on images.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# One seeded force serves both tests: they share an xdist group, so one worker seeds it once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("seeded_demo")]


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


CLI = [sys.executable, "-m", "custos.cli"]


class SeededDemo:
    """A database migrated and seeded through the CLI, in its own data folder."""

    def __init__(self, folder: Path) -> None:
        database = f"sqlite:///{folder / 'x.db'}"
        self.env = {**os.environ, "DATABASE_URL": database, "CUSTOS_DATA_DIR": str(folder)}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*CLI, *args], env=self.env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> SeededDemo:
    demo = SeededDemo(tmp_path_factory.mktemp("seeded-demo"))
    demo.run("manage", "migrate", "--verbosity", "0")
    demo.run("seed", "--scale", "demo", "--quiet")
    return demo


def test_migrate_seed_serve_and_call_the_api(seeded: SeededDemo) -> None:
    env, run, cli = seeded.env, seeded.run, CLI
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


def test_every_demo_account_can_open_and_read_every_link_it_is_shown(seeded: SeededDemo) -> None:
    from custos.demo.accounts import DEMO_ACCOUNTS

    seeded.run("demo", "--no-serve")  # the demo accounts, on the force already seeded
    usernames = [account.username for account in DEMO_ACCOUNTS]
    crawl = subprocess.run(
        [sys.executable, "-m", "custos.core.pagecrawl", *usernames],
        env=seeded.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    report = json.loads(crawl.stdout)
    assert set(report) == set(usernames)
    # The crawl must really have walked each account's pages, or "no problems" would mean nothing.
    assert all(r["pages"] >= 5 for r in report.values()), {u: r["pages"] for u, r in report.items()}
    assert sum(r["pages"] for r in report.values()) > 300
    problems = [p for r in report.values() for p in r["problems"]]
    assert problems == []


def test_stopping_the_demo_stops_its_worker(seeded: SeededDemo) -> None:
    port = _free_port()
    demo = subprocess.Popen(
        [*CLI, "demo", "--port", str(port)], env=seeded.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        worker_ok = False
        while time.monotonic() < deadline and not worker_ok:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                worker_ok = status == 200 and json.loads(body)["checks"]["worker"]["ok"] is True
            except (ConnectionError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        assert worker_ok, "the demo's worker never reported"
        workers = _children(demo.pid)
        assert workers, "the demo started no worker process"
    finally:
        demo.terminate()  # SIGTERM, as a service manager or `kill` sends
        demo.wait(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    left_running = [pid for pid in workers if _alive(pid)]
    for pid in left_running:  # do not leave an orphan behind when this fails
        os.kill(pid, signal.SIGKILL)
    assert left_running == []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited and waits only for its parent to read its status
