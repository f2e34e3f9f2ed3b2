from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "custos.demo"
    label = "demo"
    verbose_name = "Synthetic demo force"
