"""/healthz: database reachable, migrations applied, worker heartbeat fresh."""

from __future__ import annotations

from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

HEARTBEAT_STALE_AFTER = timedelta(seconds=120)


def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict[str, object]] = {}
    status = 200
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cur:
            cur.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connections[DEFAULT_DB_ALIAS].vendor}
    except Exception as exc:  # any driver error means unreachable
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
        return JsonResponse({"status": "fail", "checks": checks}, status=503)

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    checks["migrations"] = {"ok": not pending, "pending": len(pending)}
    if pending:
        status = 503

    from custos.core.models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if beat is None:
        checks["worker"] = {"ok": False, "detail": "no worker has reported yet"}
    else:
        age = (timezone.now() - beat.beat_at).total_seconds()
        checks["worker"] = {
            "ok": age < HEARTBEAT_STALE_AFTER.total_seconds(),
            "age_seconds": round(age, 1),
            "name": beat.name,
        }
    # A stale worker degrades the service (clocks and sweeps stop) but the web app still serves.
    overall = "ok" if status == 200 and checks["worker"]["ok"] else ("fail" if status != 200 else "degraded")
    return JsonResponse({"status": overall, "checks": checks}, status=status)
