"""The append-only audit trail and break-glass grants.

AuditEvent rows are never updated or deleted: database triggers (migration 0002) refuse it on both SQLite
and PostgreSQL, and the model refuses it in Python too so that mistakes fail early and loudly.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No foreign key constraint: the trail must outlive (and never block deleting) an account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    client = models.CharField(max_length=80, blank=True)
    action = models.CharField(max_length=120, db_index=True)  # e.g. custos.offender.viewed
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {"field": [before, after]} for writes
    sensitive = models.BooleanField(default=False)
    break_glass = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class BreakGlassGrant(models.Model):
    """Time-limited access outside need-to-know, with a recorded reason, shown to supervisors."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    reason = models.CharField(max_length=500)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "object_type", "object_id", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.object_type}:{self.object_id} ({self.reason[:40]})"


class WorkerHeartbeat(models.Model):
    """Written by `custos worker` every few seconds; /healthz reports its age."""

    name = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%H:%M:%S}"
