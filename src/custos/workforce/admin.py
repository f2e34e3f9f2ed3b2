from __future__ import annotations

from django.contrib import admin

from custos.core.admin import ReadOnlyAdmin, ReadOnlyInline
from custos.workforce.models import Absence, Accreditation, Borough, Person, Team


class AccreditationInline(ReadOnlyInline):
    model = Accreditation


class AbsenceInline(ReadOnlyInline):
    model = Absence


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
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
    list_select_related = ["borough", "team"]
    inlines = [AccreditationInline, AbsenceInline]


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "team_type", "borough", "supervisor"]
    list_filter = ["team_type", "borough"]
    list_select_related = ["borough", "supervisor"]


@admin.register(Borough)
class BoroughAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
