from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from custos.triage.models import CustodyEvent, Device, HashSet, HashSetImport, TriageResult


class ReadOnlyAdmin(admin.ModelAdmin):
    """Writes go through services (audited); the admin is for looking only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HashSet)
class HashSetAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "version", "enabled", "exact_count", "pdq_count", "is_local"]


@admin.register(HashSetImport)
class HashSetImportAdmin(ReadOnlyAdmin):
    list_display = ["hash_set", "file_name", "version", "exact_added", "pdq_added", "imported_at"]


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["exhibit_reference", "device_type", "status", "verdict", "lab", "borough", "submitted_on"]
    list_filter = ["status", "verdict"]


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdmin):
    list_display = ["device", "sequence", "handed_over_at", "from_holder", "to_holder", "seal_number"]


@admin.register(TriageResult)
class TriageResultAdmin(ReadOnlyAdmin):
    list_display = ["device", "verdict", "matched_files", "files_total", "uploaded_at"]
