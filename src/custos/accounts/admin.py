from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from custos.accounts.models import ApiToken, RoleGrant, User


class RoleInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class CustosUserAdmin(UserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "first_name", "last_name", "is_active", "locked_until"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "scope", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at"]
