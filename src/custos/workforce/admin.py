from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from custos.workforce.models import Absence, Accreditation, Borough, Person, Team


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    extra = 0


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = [
        "staff_number",
        "last_name",
        "first_name",
        "rank",
        "borough",
        "team",
        "pip_level",
        "probationer",
    ]
    list_filter = ["borough", "rank", "pip_level", "probationer", "visor_authorised", "active"]
    search_fields = ["staff_number", "last_name", "first_name"]
    raw_id_fields = ["line_supervisor", "user", "team"]
    inlines = [AccreditationInline, AbsenceInline]
    readonly_fields = ["version"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "team_type", "borough", "supervisor"]
    list_filter = ["team_type", "borough"]
    raw_id_fields = ["supervisor"]


@admin.register(Borough)
class BoroughAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
