"""Implementations behind the operational `custos` commands (serve, worker, sweep, accounts, tokens)."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import time
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from custos.core.calc import UserError
from custos.core.requestctx import RequestContext, acting_as

HEARTBEAT_SECONDS = 15


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve(*, host: str, port: int, prod: bool) -> int:
    if not 0 < port < 65536:
        raise UserError(f"port {port} is not between 1 and 65535")
    if not _port_free(host, port):
        raise UserError(f"{host}:{port} is already in use; choose another with --port")
    if prod:
        if not settings.PRODUCTION:
            raise UserError(
                "--prod needs production settings: set CUSTOS_PRODUCTION=1, SECRET_KEY and ALLOWED_HOSTS"
            )
        # Static files are served by whitenoise from STATIC_ROOT in production: collect them first.
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
        workers = str(int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1)))
        os.execv(  # noqa: S606 - replaces this process with gunicorn
            gunicorn,
            [
                gunicorn,
                "custos.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                workers,
                "--access-logfile",
                "-",
                "--forwarded-allow-ips",
                os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            ],
        )
    if not settings.DEBUG:
        # Without DEBUG whitenoise serves only collected files.
        call_command("collectstatic", interactive=False, verbosity=0)
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
    return 0


def _beat(name: str) -> None:
    from custos.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


def _heartbeat_loop(name: str, stop: threading.Event) -> None:
    from django.db import connection

    while not stop.is_set():
        try:
            _beat(name)
        finally:
            connection.close()
        stop.wait(HEARTBEAT_SECONDS)


def worker(*, batch: bool = False) -> int:
    name = f"{socket.gethostname()}:{os.getpid()}"
    with acting_as(RequestContext(client="worker")):
        _beat(name)
        if batch:
            call_command("db_worker", batch=True, reload=False, verbosity=0)
            return 0
        stop = threading.Event()
        t = threading.Thread(target=_heartbeat_loop, args=(name, stop), daemon=True)
        t.start()
        try:
            call_command("db_worker", interval=1.0, reload=False)
        finally:
            stop.set()
    return 0


def sweep(*, today: date | None = None) -> dict[str, Any]:
    from custos.core import sweep as registry

    day = today or timezone.localdate()
    started = time.perf_counter()
    with acting_as(RequestContext(client="sweep")):
        results = registry.run_all(day)
    totals: dict[str, int] = {}
    for r in results:
        for k, v in r.created.items():
            totals[k] = totals.get(k, 0) + v
    return {
        "date": day.isoformat(),
        "created": totals,
        "sweeps": {r.name: {"checked": r.checked, "created": r.created, "notes": r.notes} for r in results},
        "seconds": round(time.perf_counter() - started, 3),
    }


def create_user(*, username: str, roles: list[str], team: str | None, password: str) -> Any:
    from custos.accounts import services
    from custos.workforce.models import Person

    parsed = [services.parse_role(r) for r in roles]
    person = None
    if team:
        person = Person.objects.filter(staff_number=team).first()
        if person is None:
            raise UserError(f"no officer or staff member with staff number {team!r}")
        if person.user_id:
            raise UserError(f"{person} already has an account")
    with acting_as(RequestContext(client="cli")), transaction.atomic():
        try:
            user = services.user_create(username=username, password=password, roles=parsed)
        except ValidationError as exc:
            raise UserError(" ".join(exc.messages)) from None
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
    return user


def create_token(*, username: str, scope: str, days: int | None, name: str) -> tuple[str, datetime]:
    from custos.accounts import services
    from custos.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UserError(f"no active account {username!r}")
    with acting_as(RequestContext(client="cli")):
        try:
            issued = services.token_create(user=user, scope=scope, days=days, name=name)
        except ValidationError as exc:
            raise UserError(" ".join(exc.messages)) from None
    return issued.raw, issued.token.expires_at


def revoke_token(*, prefix: str) -> None:
    from custos.accounts import services
    from custos.accounts.models import ApiToken

    tokens = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True))
    if not tokens:
        raise UserError(f"no active token with prefix {prefix!r}")
    with acting_as(RequestContext(client="cli")):
        for t in tokens:
            services.token_revoke(token=t, actor=None)


OTP_REFUSED = (
    "`custos otp` works only for demo accounts while DEBUG is on; real accounts use their authenticator."
)


def current_otp(*, username: str) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from custos.accounts.models import User

    if not settings.DEBUG or settings.PRODUCTION:
        raise UserError(OTP_REFUSED)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise UserError(f"no account {username!r}")
    if not user.is_demo:
        raise UserError(OTP_REFUSED)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise UserError(f"{username} has not set up two-factor authentication yet")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"
