from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from custos.api import api
from custos.core import health, views
from custos.core.domains import DOMAIN_APPS, optional_module

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("custos.accounts.urls")),
    path("audit/", include("custos.core.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
# Domain apps mount their own pages at /<app>/ (see custos.core.domains).
urlpatterns += [
    path(f"{app}/", include(f"custos.{app}.urls"))
    for app in DOMAIN_APPS
    if optional_module(app, "urls") is not None
]

handler404 = "custos.core.views.not_found"
