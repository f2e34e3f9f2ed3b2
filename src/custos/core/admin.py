from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from custos.core.models import AuditEvent, BreakGlassGrant


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_username", "action", "object_type", "object_id", "break_glass"]
    list_filter = ["sensitive", "break_glass"]
    search_fields = ["actor_username", "action", "object_id"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(BreakGlassGrant)
class BreakGlassGrantAdmin(admin.ModelAdmin):
    list_display = ["granted_at", "user", "object_type", "object_id", "expires_at", "reviewed_at"]
