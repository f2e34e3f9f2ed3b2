"""Account writes: creation, roles, lockout, two-factor devices and API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts.models import ApiToken, ApiTokenScope, RoleGrant, User, hash_token
from custos.accounts.roles import Role
from custos.core import audit
from custos.core.policy import current_policy

USERNAME_TAKEN = "That username is already taken."
UNKNOWN_ROLE = "Unknown role {role!r}. Choose from: {choices}."
TOKEN_TOO_LONG = "API tokens may last at most {max_days} days."  # noqa: S105 - message text
TOKEN_TOO_SHORT = "API tokens must last at least 1 day."  # noqa: S105 - message text


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(
            UNKNOWN_ROLE.format(role=value, choices=", ".join(r.value for r in Role))
        ) from None


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: list[Role],
    actor: Any = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_demo: bool = False,
    validate: bool = True,
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError(USERNAME_TAKEN)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, is_demo=is_demo)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.is_staff = Role.ADMINISTRATOR in roles
    user.full_clean(exclude=["password"])
    user.save()
    for role in roles:
        RoleGrant.objects.create(user=user, role=role.value)
    audit.record(
        actor=actor, action="custos.user.created", obj=user, changes={"roles": [r.value for r in roles]}
    )
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: list[Role], actor: Any) -> None:
    before = sorted(r.value for r in user.roles)
    RoleGrant.objects.filter(user=user).exclude(role__in=[r.value for r in roles]).delete()
    for role in roles:
        RoleGrant.objects.get_or_create(user=user, role=role.value)
    user.is_staff = Role.ADMINISTRATOR in roles
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_roles_cache", None)
    audit.record(
        actor=actor,
        action="custos.user.roles_changed",
        obj=user,
        changes={"roles": [before, sorted(r.value for r in roles)]},
    )


def login_failed(user: User) -> None:
    """Count a failed password or code; lock the account after the policy number of failures."""
    policy = current_policy()
    user.failed_login_count += 1
    fields = ["failed_login_count"]
    if user.failed_login_count >= int(policy.get("security.login_max_failures")):
        user.locked_until = timezone.now() + timedelta(
            minutes=int(policy.get("security.login_lockout_minutes"))
        )
        user.failed_login_count = 0
        fields.append("locked_until")
        audit.record(actor=None, action="custos.user.locked", obj=user, purpose="repeated login failures")
    user.save(update_fields=fields)


def login_succeeded(user: User) -> None:
    if user.failed_login_count or user.locked_until:
        user.failed_login_count = 0
        user.locked_until = None
        user.save(update_fields=["failed_login_count", "locked_until"])


def totp_device_for_enrolment(user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first visit to the enrolment page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm enrolment and issue fresh single-use recovery codes (shown to the user once)."""
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_regenerate(user=user)
    audit.record(actor=user, action="custos.user.two_factor_enrolled", obj=user)
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    count = int(current_policy().get("security.recovery_code_count"))
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(count)]
    for code in codes:
        StaticToken.objects.create(device=static, token=code)
    return codes


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


@transaction.atomic
def token_create(
    *, user: User, scope: str = ApiTokenScope.READ, days: int | None = None, name: str = "", actor: Any = None
) -> IssuedToken:
    policy = current_policy()
    max_days = int(policy.get("security.api_token_max_days"))
    days = int(policy.get("security.api_token_default_days")) if days is None else days
    if days < 1:
        raise ValidationError(TOKEN_TOO_SHORT)
    if days > max_days:
        raise ValidationError(TOKEN_TOO_LONG.format(max_days=max_days))
    if scope not in ApiTokenScope.values:
        raise ValidationError(f"Unknown scope {scope!r}. Choose from: {', '.join(ApiTokenScope.values)}.")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[4 : 4 + 8],
        token_hash=hash_token(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(
        actor=actor or user,
        action="custos.api_token.created",
        obj=token,
        object_repr=f"{user.username} {token.prefix}",
        changes={"scope": scope, "days": days},
    )
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Any) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="custos.api_token.revoked", obj=token, object_repr=token.prefix)
