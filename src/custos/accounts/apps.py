from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "custos.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from custos.accounts import home  # noqa: F401  (registers the administrator's home-page panel)
