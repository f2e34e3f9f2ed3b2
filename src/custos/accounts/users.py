"""Account administration pages, for administrators: who can sign in, with which roles.

An administrator creates accounts for officers and staff, changes their roles, unlocks an account locked
after failed sign-ins, resets a lost authenticator, sets a new password to hand over in person and
deactivates a leaver. Each is a service call (audited); the pages refuse anyone else with 404. Anyone may
change their own password (`password_change`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import rules, services
from custos.accounts.forms import (
    PasswordChangeForm,
    PasswordSetForm,
    ReasonForm,
    RolesForm,
    UserCreateForm,
    UserFilterForm,
)
from custos.accounts.models import User
from custos.accounts.roles import Role
from custos.accounts.views import signed_out_locked
from custos.core import audit
from custos.core.access import ActorScope
from custos.core.pages import opens_for
from custos.core.policy import current_policy

PAGE_SIZE = 50


def administers_accounts(s: ActorScope) -> bool:
    return s.is_admin


def _accounts(filters: UserFilterForm) -> QuerySet[User]:
    qs = (
        User.objects.annotate(
            two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .select_related("person")
        .prefetch_related("role_grants")
        .order_by("username")
    )
    if not filters.is_valid():
        return qs
    data = filters.cleaned_data
    for word in data["q"].split():
        qs = qs.filter(
            Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    if data["role"]:
        qs = qs.filter(role_grants__role=data["role"])
    state = data["state"]
    if state == "active":
        qs = qs.filter(is_active=True)
    elif state == "inactive":
        qs = qs.filter(is_active=False)
    elif state == "locked":
        qs = qs.filter(User.locked_q(timezone.now()))
    elif state == "no-2fa":
        qs = qs.filter(two_factor=False, is_active=True)
    return qs


@login_required
@opens_for(administers_accounts)
def users(request: HttpRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET or None)
    page = Paginator(_accounts(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/users.html",
        {"filters": filters, "page": page, "now": timezone.now(), "query": query.urlencode()},
    )


@login_required
@opens_for(administers_accounts)
def user_new(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create_for_person(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                roles=[Role(r) for r in data["roles"]],
                person=data["person"],
                email=data["email"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("password" if "password" in message.lower() else None, message)
        else:
            messages.success(
                request,
                f"Account {user.username} created. They set up two-factor authentication at their first "
                "sign-in.",
            )
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_new.html", {"form": form})


@login_required
@opens_for(administers_accounts)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.select_related("person"), pk=pk)
    # Who holds which roles, who is locked out and who has a second factor is what an attacker maps first:
    # reading it is a sensitive read like any record's.
    audit.record(actor=request.user, action="custos.account.viewed", obj=account, sensitive=True)
    return _account_page(request, account)


def _reason_form(slot: str, data: Any = None) -> ReasonForm:
    # Two reason forms on one page (two-factor reset, deactivate/reactivate): each its own element ids.
    return ReasonForm(data, auto_id=f"id_{slot}_%s")


def _account_page(request: HttpRequest, account: User, **refused: forms.BaseForm) -> HttpResponse:
    """The account's page. ``refused``: the form of an action that was refused, shown again with what was
    typed (never a password) and the reasons, rather than a redirect that would lose them."""
    context: dict[str, Any] = {
        "account": account,
        "roles_form": RolesForm(initial={"roles": sorted(r.value for r in account.roles)}),
        "reset_form": _reason_form("reset"),
        "active_form": _reason_form("active"),
        "password_form": PasswordSetForm(),
        "two_factor": TOTPDevice.objects.filter(user=account, confirmed=True).exists(),
        "tokens": account.api_tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).count(),
        "locked": account.is_locked(),
        "lockouts_until_administrator": int(current_policy().get(rules.UNTIL_ADMINISTRATOR)),
        "is_self": account.pk == request.user.pk,
    }
    context.update(refused)
    context["refused_form"] = next((f for f in refused.values() if f.errors), None)
    return render(request, "accounts/user_detail.html", context)


# An action on someone's account: a small form posted from its page, one service call, back to the page;
# refused, the page again with the form as posted (``slot``: its name in the page's context).
AccountWrite = Callable[[HttpRequest, User, dict[str, Any]], object]


def _account_action(
    make_form: Callable[[Any], forms.Form],
    write: AccountWrite,
    *,
    done: str,
    slot: str,
    field: str | None = None,
) -> Callable[[HttpRequest, int], HttpResponse]:
    """``field``: where a service refusal that names no field is shown (None: above the forms)."""

    @require_POST
    @login_required
    @opens_for(administers_accounts)
    def action(request: HttpRequest, pk: int) -> HttpResponse:
        account = get_object_or_404(User.objects.select_related("person"), pk=pk)
        form = make_form(request.POST)
        if form.is_valid():
            try:
                write(request, account, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(field, exc.messages)
            else:
                messages.success(request, done.format(username=account.username))
                return redirect("accounts:user", pk=account.pk)
        return _account_page(request, account, **{slot: form})

    return action


user_roles = _account_action(
    RolesForm,
    lambda request, account, data: services.user_change_roles(
        user=account, roles=[Role(r) for r in data["roles"]], actor=request.user
    ),
    done="Roles of {username} changed.",
    slot="roles_form",
    field="roles",
)
user_unlock = _account_action(
    forms.Form,  # nothing to fill in: the button is the decision
    lambda request, account, _data: services.user_unlock(user=account, actor=request.user),
    done="{username} can sign in again.",
    slot="unlock_form",
)
user_reset_two_factor = _account_action(
    lambda data: _reason_form("reset", data),
    lambda request, account, data: services.user_reset_two_factor(
        user=account, actor=request.user, reason=data["reason"]
    ),
    done="Two-factor authentication reset: {username} sets up a new authenticator at their next sign-in.",
    slot="reset_form",
)
user_deactivate = _account_action(
    lambda data: _reason_form("active", data),
    lambda request, account, data: services.user_set_active(
        user=account, active=False, actor=request.user, reason=data["reason"]
    ),
    done="{username} deactivated: they can no longer sign in, and their API tokens are revoked.",
    slot="active_form",
)
user_reactivate = _account_action(
    lambda data: _reason_form("active", data),
    lambda request, account, data: services.user_set_active(
        user=account, active=True, actor=request.user, reason=data["reason"]
    ),
    done="{username} reactivated.",
    slot="active_form",
)
user_password = _account_action(
    PasswordSetForm,
    lambda request, account, data: services.user_set_password(
        user=account, password=data["password"], actor=request.user
    ),
    done="New password set for {username}. Give it to them in person; their other sessions have ended.",
    slot="password_form",
    field="password",
)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_locked():
        # Locked after repeated wrong passwords (here or at sign-in): no more guesses from this session.
        return signed_out_locked(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user, current=form.cleaned_data["current"], new=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            if user.is_locked():  # that wrong current password was one too many
                return signed_out_locked(request)
            for message in exc.messages:
                field = "current" if message == services.WRONG_PASSWORD else "password"
                form.add_error(field, message)
        else:
            update_session_auth_hash(request, user)  # this session stays signed in; the others end
            messages.success(request, "Your password has been changed.")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})
