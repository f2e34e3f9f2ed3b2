from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from custos.api import api
from custos.core import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("custos.accounts.urls")),
    path("workforce/", include("custos.workforce.urls")),
    path("audit/", include("custos.core.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "custos.core.views.not_found"
