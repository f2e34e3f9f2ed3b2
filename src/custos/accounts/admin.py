from __future__ import annotations

from django.contrib import admin

from custos.accounts.models import ApiToken, RoleGrant, User
from custos.core.admin import ReadOnlyAdmin, ReadOnlyInline


class RoleInline(ReadOnlyInline):
    model = RoleGrant


@admin.register(User)
class CustosUserAdmin(ReadOnlyAdmin):
    """Accounts are managed on Custos's own Accounts pages (audited); this lists them."""

    inlines = [RoleInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login", "locked_until"]
    list_filter = ["is_active", "role_grants__role"]
    search_fields = ["username", "first_name", "last_name"]
    exclude = ["password"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "user", "scope", "expires_at", "revoked_at"]
    exclude = ["token_hash"]
