"""The domain apps and how they plug into the shell without editing shared files.

Each domain app may provide, by convention (all optional):
- `urls.py` with `app_name` and `urlpatterns`: mounted at `/<app>/`;
- `api.py` with `router` (mounted at `/api/v1/<app>`) or `ROUTERS = [(prefix, router), ...]`;
- `demo.py` with `seed_part(*, scale, seed, progress) -> int`: run by `custos seed` in DOMAIN_APPS order;
- `access.py`, `home.py`, `sweep.py`, `pickers.py`, `measures.py`: imported at start-up to register
  permissions, home panels, sweeps, the people its forms offer (`custos.workforce.picker.people_source`)
  and its inspection measures (`custos.core.measures`);
- `NAV = [(label, url_name, roles or None)]` on its AppConfig: header navigation, shown to those roles
  (None: everyone) when the page's own rule (`core.pages.opens_for`) admits them too.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from django.apps import AppConfig

# Order matters: seeding and navigation follow it (a later domain builds on earlier ones).
DOMAIN_APPS = (
    "workforce",
    "offenders",
    "crimes",
    "allocation",
    "investigations",
    "victims",
    "triage",
    "reporting",
)


def optional_module(app: str, name: str) -> ModuleType | None:
    """Import custos.<app>.<name> if that module exists; real import errors inside it still raise."""
    full = f"custos.{app}.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name in (full, f"custos.{app}"):
            return None
        raise


class DomainAppConfig(AppConfig):
    """Base AppConfig for domain apps: imports the registration modules at start-up."""

    default = False  # subclasses set default = True so Django picks them, not this base
    NAV: list[tuple[str, str, frozenset[str] | None]] = []
    REGISTRATION_MODULES = ("access", "home", "sweep", "pickers", "measures")

    def ready(self) -> None:
        app = self.name.rsplit(".", 1)[-1]
        for mod in self.REGISTRATION_MODULES:
            optional_module(app, mod)


def nav_items(user: Any) -> list[tuple[str, str]]:
    """The header links `user` may follow: their roles match the entry and the page's own rule admits them."""
    from django.apps import apps
    from django.urls import reverse

    from custos.core.pages import can_open

    roles = {str(r) for r in user.roles}
    items: list[tuple[str, str]] = []
    for app in DOMAIN_APPS:
        try:
            config = apps.get_app_config(app)
        except LookupError:
            continue
        for label, url_name, allowed in getattr(config, "NAV", []):
            if (allowed is None or roles & set(allowed)) and can_open(user, url_name):
                items.append((label, reverse(url_name)))
    return items
