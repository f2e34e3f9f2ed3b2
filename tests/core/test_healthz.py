from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from custos.core.models import WorkerHeartbeat


def test_healthz_reports_database_migrations_and_worker(db: Any) -> None:
    body = Client().get("/healthz").json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True, "pending": 0}
    assert body["checks"]["worker"]["ok"] is False
    assert body["status"] == "degraded"


def test_a_fresh_worker_heartbeat_makes_it_ok(db: Any) -> None:
    WorkerHeartbeat.objects.create(name="w1", beat_at=timezone.now())
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_stale_heartbeat_is_reported(db: Any) -> None:
    WorkerHeartbeat.objects.create(name="w1", beat_at=timezone.now() - timedelta(minutes=10))
    assert Client().get("/healthz").json()["checks"]["worker"]["ok"] is False
