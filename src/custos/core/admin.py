"""The Django admin, kept as a read-only back office for administrators.

Every change to Custos records goes through its own screens, API or CLI: they validate with the domain
rules and write the audit trail in the same transaction. The admin would do neither, so here it only looks:
administrators (the role, not Django's superuser flag) may view the reference data registered with
:class:`ReadOnlyAdmin`, and nobody may add, change or delete through it. Sensitive records (offenders,
victims, devices and triage results) and the audit trail are not registered at all: the admin cannot apply
need-to-know or record who read them, and the audit search records its own use.

Signing in to the admin goes through Custos's sign-in page, so the lockout and the second factor apply.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from custos.core.access import scope_of


class _ReadOnlyForAdministrators:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return scope_of(request.user).is_admin

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_of(request.user).is_admin

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(_ReadOnlyForAdministrators, admin.ModelAdmin):
    """A model administrators may look at in the admin, and nobody may change there."""


class ReadOnlyInline(_ReadOnlyForAdministrators, admin.TabularInline):
    """Related rows shown on a read-only admin page."""

    extra = 0


def _sign_in_through_custos(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # The admin's own login form checks only the password: no lockout, no second factor.
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))


# What Django and the libraries register is not Custos reference data: groups are unused (roles are
# Custos's own), the authenticator devices hold TOTP secrets and recovery codes, and task results carry job
# arguments. Their admin modules load before this one (INSTALLED_APPS order), so they can be taken out here.
for _model in (Group, TOTPDevice, StaticDevice, DBTaskResult):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

admin.site.login = _sign_in_through_custos  # type: ignore[method-assign]
admin.site.site_header = "Custos back office (read only)"
admin.site.site_title = "Custos back office"
admin.site.index_title = "Reference data"
