"""The administrator's home-page panel: accounts locked after repeated failed sign-ins."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from custos.accounts.models import User
from custos.core.access import scope_of
from custos.core.home_panels import Panel, PanelItem, register

SHOWN = 25


@register
def locked_accounts(user: Any, today: date) -> list[Panel]:
    if not scope_of(user).is_admin:
        return []
    # Locked until an administrator unlocks it first (no end date), then by when the lock ends.
    locked = User.objects.filter(User.locked_q(timezone.now()), is_active=True).order_by(
        "-locked_for_administrator", "locked_until"
    )
    return [
        Panel(
            title="Locked accounts",
            order=15,
            empty_text="No account is locked.",
            items=[
                PanelItem(
                    text=f"{u.get_full_name() or u.username} ({u.username})",
                    url=reverse("accounts:user", args=[u.pk]),
                    tag="red",
                    label="Locked",
                    detail=_until(u) + ", after repeated failed sign-ins",
                )
                for u in locked[:SHOWN]
            ],
            link=reverse("accounts:users") + "?state=locked",
            link_text="All locked accounts",
        )
    ]


def _until(user: User) -> str:
    if user.locked_for_administrator or user.locked_until is None:
        return "until an administrator unlocks it"
    return f"until {timezone.localtime(user.locked_until):%d %b %Y %H:%M}"
