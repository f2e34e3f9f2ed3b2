from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from custos.offenders.models import BreachCase, Offender, OffenderTask, S96BWarrant, Visit


@admin.register(Offender)
class OffenderAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "last_name",
        "first_name",
        "borough",
        "rosh_level",
        "lead_manager",
        "ladder_rank",
    ]
    list_filter = ["rosh_level", "management_mode", "borough"]
    search_fields = ["reference", "last_name"]
    raw_id_fields = ["lead_manager", "deputy_manager"]


@admin.register(OffenderTask)
class OffenderTaskAdmin(SimpleHistoryAdmin):
    list_display = ["offender", "kind", "status", "owner", "due"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["offender", "owner", "watcher"]


admin.site.register(Visit, SimpleHistoryAdmin)
admin.site.register(BreachCase, SimpleHistoryAdmin)
admin.site.register(S96BWarrant, SimpleHistoryAdmin)
