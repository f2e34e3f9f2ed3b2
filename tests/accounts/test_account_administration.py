"""Administrators manage who can sign in; everyone changes their own password. Every change is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import services
from custos.accounts.models import User
from custos.accounts.roles import Role
from custos.core.models import AuditEvent

PASSWORD = "correct horse battery"  # tests/conftest.py's password for every persona
NEW_PASSWORD = "a different long passphrase 42"


def _events(action: str, user: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(user.pk)))


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_administrator_creates_an_account_for_an_officer(
    force: Any, client_for: Any, make_person: Any
) -> None:
    admin = force.user("administrator")
    officer = make_person(first_name="Priya", last_name="Shah", borough=force.boroughs["A"])
    response = client_for(admin).post(
        reverse("accounts:user_new"),
        {
            "username": "pshah",
            "person": officer.pk,
            "roles": ["investigator", "victim-care-officer"],
            "email": "priya.shah@example.police.uk",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    user = User.objects.get(username="pshah")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:user", args=[user.pk])
    assert user.roles == {Role.INVESTIGATOR, Role.VICTIM_CARE_OFFICER}
    assert user.get_full_name() == "Priya Shah"
    officer.refresh_from_db()
    assert officer.user == user
    assert user.check_password(NEW_PASSWORD)
    assert not TOTPDevice.objects.filter(user=user).exists()  # enrolled at first sign-in
    created = _events("custos.user.created", user)
    assert [e.actor_username for e in created] == [admin.username]
    assert _events("custos.user.linked", user)[0].changes == {"person": officer.staff_number}
    assert not AuditEvent.objects.filter(changes__icontains=NEW_PASSWORD).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password_again": "not the same passphrase"}, "password_again", "The two passwords do not match."),
        ({"password": "password123", "password_again": "password123"}, "password", "too common"),
        ({"roles": []}, "roles", "This field is required."),
        ({"username": "taken"}, None, services.USERNAME_TAKEN),
    ],
    ids=["passwords-differ", "common-password", "no-role", "username-taken"],
)
def test_a_refused_account_says_why_and_creates_nothing(
    force: Any, client_for: Any, make_user: Any, change: dict[str, Any], field: str | None, message: str
) -> None:
    data = {
        "username": "newstarter",
        "roles": ["investigator"],
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **change,
    }
    make_user("taken", ["investigator"])
    before = User.objects.count()
    response = client_for(force.user("administrator")).post(reverse("accounts:user_new"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field or "__all__", [])
    assert any(message in e for e in errors), response.context["form"].errors
    assert User.objects.count() == before


def test_a_person_who_already_has_an_account_cannot_be_given_another(force: Any, client_for: Any) -> None:
    holder = force.people["investigator@A"]
    response = client_for(force.user("administrator")).post(
        reverse("accounts:user_new"),
        {
            "username": "second",
            "person": holder.pk,
            "roles": ["investigator"],
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert not User.objects.filter(username="second").exists()


def test_roles_change_and_the_account_list_filters_by_role(force: Any, client_for: Any) -> None:
    admin_client = client_for(force.user("administrator"))
    target = force.user("investigator")
    admin_client.post(reverse("accounts:user_roles", args=[target.pk]), {"roles": ["offender-manager"]})
    target = User.objects.get(pk=target.pk)
    assert target.roles == {Role.OFFENDER_MANAGER}
    listed = admin_client.get(reverse("accounts:users"), {"role": "offender-manager"})
    assert target in listed.context["page"].object_list
    assert all(Role.OFFENDER_MANAGER in u.roles for u in listed.context["page"].object_list)


def test_an_administrator_cannot_remove_their_own_administrator_role(force: Any, client_for: Any) -> None:
    admin = force.user("administrator")
    response = client_for(admin).post(
        reverse("accounts:user_roles", args=[admin.pk]), {"roles": ["investigator"]}
    )
    refusal = services.NOT_YOURSELF.format(what="remove the administrator role from")
    assert response.context["roles_form"].errors["roles"] == [refusal]
    assert Role.ADMINISTRATOR in User.objects.get(pk=admin.pk).roles


def test_the_last_active_administrator_is_kept(force: Any, make_user: Any) -> None:
    only = force.user("administrator")
    User.objects.filter(role_grants__role="administrator").exclude(pk=only.pk).update(is_active=False)
    other_admin = make_user("deputy", ["investigator"])
    with pytest.raises(services.ValidationError, match="only active administrator"):
        services.user_change_roles(user=only, roles=[Role.INVESTIGATOR], actor=other_admin)
    with pytest.raises(services.ValidationError, match="only active administrator"):
        services.user_set_active(user=only, active=False, actor=other_admin, reason="test")


def test_unlocking_lets_a_locked_out_user_sign_in_again(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    User.objects.filter(pk=target.pk).update(locked_until=timezone.now() + timedelta(minutes=30))
    page = client_for(force.user("administrator")).get(reverse("accounts:user", args=[target.pk]))
    assert "Unlock account" in page.content.decode()
    client_for(force.user("administrator")).post(reverse("accounts:user_unlock", args=[target.pk]))
    assert not User.objects.get(pk=target.pk).is_locked()
    assert len(_events("custos.user.unlocked", target)) == 1
    assert Client().post("/accounts/login/", {"username": target.username, "password": PASSWORD})[
        "Location"
    ] == ("/accounts/two-factor/")


def test_resetting_two_factor_ends_the_lost_phones_sessions(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    their_session = client_for(target)  # verified with their (now lost) authenticator
    assert their_session.get("/").status_code == 200
    services.recovery_codes_regenerate(user=target)
    admin_client = client_for(force.user("administrator"))

    refused = admin_client.post(reverse("accounts:user_reset_two_factor", args=[target.pk]), {"reason": ""})
    assert refused.context["reset_form"].errors["reason"] == ["This field is required."]
    assert TOTPDevice.objects.filter(user=target).exists()

    admin_client.post(reverse("accounts:user_reset_two_factor", args=[target.pk]), {"reason": "phone stolen"})
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not StaticDevice.objects.filter(user=target).exists()
    assert _events("custos.user.two_factor_reset", target)[0].purpose == "phone stolen"
    after = their_session.get("/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/two-factor/")


def test_deactivating_a_leaver_stops_sign_in_and_revokes_their_tokens(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    issued = services.token_create(user=target, scope="write", days=30)
    client_for(force.user("administrator")).post(
        reverse("accounts:user_deactivate", args=[target.pk]), {"reason": "left the force"}
    )
    target = User.objects.get(pk=target.pk)
    assert not target.is_active
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    api = Client().get("/api/v1/workforce/people", HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    assert api.status_code == 401
    login = Client().post("/accounts/login/", {"username": target.username, "password": PASSWORD})
    assert login.status_code == 200  # the form again, not the second factor
    assert _events("custos.user.deactivated", target)[0].purpose == "left the force"


def test_an_administrator_cannot_deactivate_themselves(force: Any, client_for: Any) -> None:
    admin = force.user("administrator")
    response = client_for(admin).post(
        reverse("accounts:user_deactivate", args=[admin.pk]), {"reason": "testing"}
    )
    assert services.NOT_YOURSELF.format(what="deactivate") in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


def test_a_password_set_by_an_administrator_ends_the_users_other_sessions(
    force: Any, client_for: Any
) -> None:
    target = force.user("investigator")
    their_session = client_for(target)
    client_for(force.user("administrator")).post(
        reverse("accounts:user_password", args=[target.pk]),
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert User.objects.get(pk=target.pk).check_password(NEW_PASSWORD)
    assert their_session.get("/")["Location"].startswith("/accounts/login/")
    assert len(_events("custos.user.password_set", target)) == 1


def test_everyone_changes_their_own_password_after_proving_the_current_one(
    force: Any, client_for: Any
) -> None:
    user = force.user("victim-care-officer")
    client = client_for(user)
    wrong = client.post(
        reverse("accounts:password_change"),
        {"current": "not my password", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert wrong.context["form"].errors["current"] == [services.WRONG_PASSWORD]
    done = client.post(
        reverse("accounts:password_change"),
        {"current": PASSWORD, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # this session stays signed in
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert len(_events("custos.user.password_changed", user)) == 1


def test_a_locked_account_shows_on_administrators_home_pages_only(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    User.objects.filter(pk=target.pk).update(locked_until=timezone.now() + timedelta(minutes=30))
    panels = {p.title: p for p in client_for(force.user("administrator")).get("/").context["panels"]}
    items = panels["Locked accounts"].items
    assert [i.url for i in items] == [reverse("accounts:user", args=[target.pk])]
    assert items[0].label == "Locked"
    others = client_for(force.user("investigation-supervisor")).get("/").context["panels"]
    assert "Locked accounts" not in {p.title for p in others}
