from __future__ import annotations

from django.urls import path

from custos.reporting import views

app_name = "reporting"
urlpatterns = [path("inspection/", views.inspection, name="inspection")]
