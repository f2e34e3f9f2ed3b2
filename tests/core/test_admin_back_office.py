"""The Django admin is a read-only back office for administrators, reached only through Custos's sign-in."""

from __future__ import annotations

from typing import Any

from django.test import Client

from custos.accounts.models import User
from custos.workforce.models import Person

PASSWORD = "correct horse battery"


def test_an_administrator_looks_up_reference_data_but_changes_nothing(force: Any, client_for: Any) -> None:
    client = client_for(force.user("administrator"))
    person = force.people["investigator@A"]
    assert client.get("/admin/").status_code == 200
    listing = client.get("/admin/workforce/person/", {"q": person.staff_number})
    assert listing.status_code == 200 and person.staff_number in listing.content.decode()
    assert client.get(f"/admin/workforce/person/{person.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200

    assert client.get("/admin/workforce/person/add/").status_code == 403
    changed = client.post(f"/admin/workforce/person/{person.pk}/change/", {"last_name": "Changed"})
    assert changed.status_code == 403
    assert client.post(f"/admin/workforce/person/{person.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Person.objects.get(pk=person.pk).last_name == person.last_name


def test_other_roles_and_a_bare_superuser_see_no_model(force: Any, client_for: Any) -> None:
    investigator = client_for(force.user("investigator"))
    assert investigator.get("/admin/workforce/person/").status_code == 302  # not staff: to the sign-in
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    root = client_for(superuser)
    # Django's superuser flag is not a Custos role: the admin offers it nothing.
    assert root.get("/admin/workforce/person/").status_code == 403
    assert "workforce/person" not in root.get("/admin/").content.decode()


def test_the_admin_login_form_cannot_be_used_to_sign_in(force: Any) -> None:
    client = Client()
    admin = force.user("administrator")
    shown = client.get("/admin/login/", {"next": "/admin/"})
    assert shown.status_code == 302 and shown["Location"] == "/accounts/login/?next=/admin/"
    posted = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_no_sensitive_record_or_the_audit_trail_is_in_the_admin() -> None:
    """The admin can neither apply need-to-know nor record a read: sensitive records stay on their pages."""
    from django.apps import apps
    from django.contrib import admin

    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered == {
        "workforce.person",
        "workforce.team",
        "workforce.borough",
        "accounts.user",
        "accounts.apitoken",
        "triage.hashset",
        "triage.hashsetimport",
    }
    assert apps.get_app_config("offenders").models  # the apps are installed; they are just not in the admin
