"""Hash sets in the read-only back office (custos.core.admin).

Devices, custody events and triage results are sensitive records: they are read on the triage pages, which
apply need-to-know and record every read, and are not registered here.
"""

from __future__ import annotations

from django.contrib import admin

from custos.core.admin import ReadOnlyAdmin
from custos.triage.models import HashSet, HashSetImport


@admin.register(HashSet)
class HashSetAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "version", "enabled", "exact_count", "pdq_count", "is_local"]


@admin.register(HashSetImport)
class HashSetImportAdmin(ReadOnlyAdmin):
    list_display = ["hash_set", "file_name", "version", "exact_added", "pdq_added", "imported_at"]
