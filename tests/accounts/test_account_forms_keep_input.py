"""A refused change on someone's account shows its page again with what was typed and the reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from custos.accounts import services
from custos.accounts.models import User
from custos.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _checked(body: str) -> set[str]:
    return set(re.findall(r'name="roles" id="[^"]*" value="([^"]+)" checked', body))


def test_refused_roles_stay_ticked_as_chosen_with_the_reason(force: Any, client_for: Any) -> None:
    admin = force.user("administrator")
    page = client_for(admin).post(
        reverse("accounts:user_roles", args=[admin.pk]), {"roles": ["investigator", "inspector"]}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert services.NOT_YOURSELF.format(what="remove the administrator role from") in body
    assert _checked(body) == {"investigator", "inspector"}
    assert Role.ADMINISTRATOR in User.objects.get(pk=admin.pk).roles


def test_a_refused_deactivation_keeps_the_typed_reason(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    reason = "Left the force at the end of the month. " * 13  # over the 500 characters a reason may have
    page = client_for(force.user("administrator")).post(
        reverse("accounts:user_deactivate", args=[target.pk]), {"reason": reason}
    )
    assert page.status_code == 200
    assert reason.strip() in page.content.decode()
    assert page.context["active_form"].errors["reason"]
    assert User.objects.get(pk=target.pk).is_active


def test_a_two_factor_reset_without_a_reason_says_so_beside_the_reason(force: Any, client_for: Any) -> None:
    from custos.core.models import AuditEvent

    target = force.user("investigator")
    page = client_for(force.user("administrator")).post(
        reverse("accounts:user_reset_two_factor", args=[target.pk]), {"reason": " "}
    )
    assert page.status_code == 200
    assert page.context["reset_form"].errors["reason"]
    assert 'id="id_reset_reason-error"' in page.content.decode()
    assert not AuditEvent.objects.filter(action="custos.user.two_factor_reset").exists()


def test_a_refused_password_is_named_beside_the_password_field(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    page = client_for(force.user("administrator")).post(
        reverse("accounts:user_password", args=[target.pk]), {"password": "short", "password_again": "short"}
    )
    assert page.status_code == 200
    assert page.context["password_form"].errors["password"]
    assert 'value="short"' not in page.content.decode()  # a password is never written back into the page
