"""The synthetic demo force: `custos demo` and `custos seed`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path


def otp_command(argv0: str, cwd: str) -> str:
    """The command that prints a demo account's current code, as this `custos` was started: `uv run` is not
    on every shell's PATH (the bootstrap may have installed uv in ~/.local/bin), the project's own entry
    point always is where it is."""
    entry = Path(argv0)
    if entry.name != "custos":
        return "custos otp USERNAME"  # started as `python -m custos.cli`: the venv's custos is on PATH
    entry = entry.resolve() if entry.is_absolute() else (Path(cwd) / entry).resolve()
    try:
        shown = str(entry.relative_to(Path(cwd).resolve()))
    except ValueError:
        shown = str(entry)
    return f"{shown} otp USERNAME"


def run_demo(*, host: str, port: int, seed: int, serve: bool, scale: str = "demo") -> int:
    from django.core.management import call_command

    from custos.core.runtime import serve as serve_app
    from custos.demo.accounts import DEMO_PASSWORD, ensure_demo_accounts
    from custos.demo.seed import seed as seed_force

    print("Applying database migrations…")
    call_command("migrate", interactive=False, verbosity=0)
    print("Seeding the synthetic force (deterministic; skipped if already there)…")
    seed_force(scale=scale, seed=seed, progress=True)
    accounts = ensure_demo_accounts()
    url = f"http://{host}:{port}/"
    width = max(len(a.username) for a, _ in accounts)
    print()
    print("Custos demo is ready.")
    print(f"  URL:       {url}")
    print(f"  Password:  {DEMO_PASSWORD}   (the same for every demo account)")
    otp = otp_command(sys.argv[0], os.getcwd())
    print(f"  2FA code:  run `{otp}` in another terminal (in this folder) for the current 6-digit code")
    print("  Accounts:")
    for acc, _user in accounts:
        print(f"    {acc.username.ljust(width)}  {', '.join(r.label for r in acc.roles)}")
    print()
    if not serve:
        return 0
    # The worker runs beside the server so that background tasks and /healthz's heartbeat work. A SIGTERM
    # (a service manager stopping the demo, `kill`) must stop it too: as SystemExit it runs the `finally`
    # below, as Ctrl-C's KeyboardInterrupt already does; Python's default would leave the worker running.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    worker = subprocess.Popen([sys.executable, "-m", "custos.cli", "worker"], env=os.environ.copy())
    try:
        return serve_app(host=host, port=port, prod=False)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
