"""Account writes: creation, roles, lockout, two-factor devices and API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import rules
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


# Why a sign-in was refused, as the audit trail records it. The person signing in is told none of these: an
# unknown username, a wrong password and a locked account all get the same answer (views.BAD_LOGIN), so the
# sign-in page cannot be used to find out who has an account or whose account is locked.
UNKNOWN_USERNAME = "unknown username"
WRONG_PASSWORD_AT_SIGN_IN = "wrong password"  # noqa: S105 - audit reason
ACCOUNT_LOCKED = "account locked"
ACCOUNT_DEACTIVATED = "account deactivated"
WRONG_CODE = "wrong security code"
WRONG_CURRENT_PASSWORD = "wrong current password when changing it"  # noqa: S105 - audit reason
UNTIL_AN_ADMINISTRATOR_UNLOCKS = "until an administrator unlocks it"
LOCKED_FOR = "repeated login failures: lockout {number} in a row, {length}"


def _lock_state(user: User) -> dict[str, Any]:
    """The account's lock as the audit trail records it (never shown to the person signing in)."""
    user.refresh_from_db(fields=["locked_until", "locked_for_administrator", "consecutive_lockouts"])
    until = user.locked_until.isoformat() if user.locked_until is not None else None
    return {
        "locked_until": UNTIL_AN_ADMINISTRATOR_UNLOCKS if user.locked_for_administrator else until,
        "lockouts_in_a_row": user.consecutive_lockouts,
    }


def sign_in_refused(*, user: User | None, reason: str) -> None:
    """Audit a sign-in refused without checking a secret (locked account, unknown username).

    An unknown username is not recorded: people type their password into the username box. A locked
    account's refusal records how long it is locked for."""
    audit.record(
        actor=None,
        action="custos.user.sign_in_refused",
        obj=user,
        object_type="" if user is not None else "accounts.user",
        purpose=reason,
        changes=_lock_state(user) if user is not None and reason == ACCOUNT_LOCKED else None,
    )


@dataclass(frozen=True)
class SecretCheck[T]:
    """The outcome of `check_secret`. ``refused``: the account is locked, so the secret was never tried."""

    refused: bool
    result: T | None = None


def check_secret[T](
    *,
    user: User,
    check: Callable[[], T | None],
    failure_reason: str,
    actor: Any = None,
    failure_action: str = "custos.user.sign_in_failed",
) -> SecretCheck[T]:
    """Check a password or code of ``user`` against the lockout: ``check()`` returns a false value for a
    wrong secret. A wrong one is audited (``failure_action``, ``failure_reason``) and the account locks
    after the policy number of them.

    The attempt is taken (counted) before the secret is checked, in one conditional UPDATE, and given back
    if the secret was right. Counting only after a failure let guesses sent in parallel all pass the lock
    check and share one count, so a burst of requests tried far more codes than the policy allows.
    """
    if not _take_attempt(user):
        return SecretCheck(refused=True)
    result = check()
    if result:
        User.objects.filter(pk=user.pk, failed_login_count__gt=0).update(
            failed_login_count=F("failed_login_count") - 1
        )
    else:
        audit.record(actor=actor, action=failure_action, obj=user, purpose=failure_reason)
        _lock_when_attempts_are_used_up(user)
    user.refresh_from_db(fields=_LOCK_FIELDS)
    return SecretCheck(refused=False, result=result)


_LOCK_FIELDS = ["failed_login_count", "locked_until", "locked_for_administrator", "consecutive_lockouts"]


def _not_locked(now: datetime) -> Q:
    return Q(locked_for_administrator=False) & (Q(locked_until__isnull=True) | Q(locked_until__lte=now))


def _take_attempt(user: User) -> bool:
    """One of the account's attempts, or False when it is locked or every attempt is taken."""
    now = timezone.now()
    max_failures = int(current_policy().get("security.login_max_failures"))
    taken = User.objects.filter(_not_locked(now), pk=user.pk, failed_login_count__lt=max_failures).update(
        failed_login_count=F("failed_login_count") + 1
    )
    if taken:
        return True
    # Every attempt is taken: being checked right now, or lost with a request that failed. Lock, so the
    # account is never left refusing sign-in with no end and no lock shown to administrators.
    _lock_when_attempts_are_used_up(user)
    user.refresh_from_db(fields=_LOCK_FIELDS)
    return False


def _lock_when_attempts_are_used_up(user: User) -> None:
    """Lock the account for its next lockout in a row (`rules.lockout`): longer each time, and at the
    policy's number until an administrator unlocks it.

    One conditional UPDATE, on the count of lockouts read just before: of two requests locking at the same
    moment only one matches, so a lockout is never counted twice nor its length taken from a stale count."""
    policy = current_policy()
    now = timezone.now()
    before = User.objects.filter(pk=user.pk).values_list("consecutive_lockouts", flat=True).first()
    if before is None:
        return
    lock = rules.lockout(before + 1, policy=policy)
    until = None if lock.minutes is None else now + timedelta(minutes=lock.minutes)
    locked = User.objects.filter(
        _not_locked(now),
        pk=user.pk,
        consecutive_lockouts=before,
        failed_login_count__gte=int(policy.get("security.login_max_failures")),
    ).update(
        locked_until=until,
        locked_for_administrator=lock.needs_administrator,
        consecutive_lockouts=lock.number,
        failed_login_count=0,
    )
    if locked:
        length = UNTIL_AN_ADMINISTRATOR_UNLOCKS if lock.minutes is None else f"{lock.minutes} minutes"
        audit.record(
            actor=None,
            action="custos.user.locked",
            obj=user,
            purpose=LOCKED_FOR.format(number=lock.number, length=length),
            changes={
                "lockouts_in_a_row": lock.number,
                "minutes": lock.minutes,
                "locked_until": until.isoformat() if until is not None else UNTIL_AN_ADMINISTRATOR_UNLOCKS,
                "basis": lock.basis,
                "policy_version": lock.policy_version,
            },
        )


def login_succeeded(user: User) -> None:
    """Both factors were right: the failures and the lockouts in a row so far are forgiven.

    Never an administrator's lock taken at the same moment by a parallel guess: only they lift that."""
    User.objects.filter(pk=user.pk, locked_for_administrator=False).update(
        failed_login_count=0, locked_until=None, consecutive_lockouts=0
    )
    user.refresh_from_db(fields=_LOCK_FIELDS)


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


# Account administration: what an administrator does for the people who use Custos. Each write is audited;
# none of them ever records a password or a code.

NOT_YOURSELF = "You cannot {what} your own account: ask another administrator."
LAST_ADMINISTRATOR = (
    "This is the only active administrator account: give another account the administrator role first."
)
PERSON_HAS_ACCOUNT = "{person} already has an account ({username})."
WRONG_PASSWORD = "Your current password is not correct."  # noqa: S105 - message text
SAME_PASSWORD = "Choose a new password that is different from your current one."  # noqa: S105 - message text


def _active_administrators() -> Any:
    return User.objects.filter(is_active=True, role_grants__role=Role.ADMINISTRATOR.value)


def _refuse_for_self(*, user: User, actor: Any, what: str) -> None:
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise ValidationError(NOT_YOURSELF.format(what=what))


def _refuse_last_administrator(user: User) -> None:
    """Custos must always keep one active administrator, or nobody can manage accounts again."""
    if user.has_role(Role.ADMINISTRATOR) and not _active_administrators().exclude(pk=user.pk).exists():
        raise ValidationError(LAST_ADMINISTRATOR)


@transaction.atomic
def user_create_for_person(
    *, actor: Any, username: str, password: str, roles: list[Role], person: Any = None, email: str = ""
) -> User:
    """An account for an officer or staff member, linked to their workforce record (which gives its scope)."""
    if person is not None and person.user_id is not None:
        raise ValidationError(PERSON_HAS_ACCOUNT.format(person=person, username=person.user.username))
    user = user_create(
        username=username,
        password=password,
        roles=roles,
        actor=actor,
        first_name=person.first_name if person is not None else "",
        last_name=person.last_name if person is not None else "",
        email=email,
    )
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
        audit.record(
            actor=actor, action="custos.user.linked", obj=user, changes={"person": person.staff_number}
        )
    return user


@transaction.atomic
def user_change_roles(*, user: User, roles: list[Role], actor: Any) -> None:
    """Set an account's roles, refusing to remove the last administrator or an administrator's own role."""
    if Role.ADMINISTRATOR not in roles and user.has_role(Role.ADMINISTRATOR):
        _refuse_for_self(user=user, actor=actor, what="remove the administrator role from")
        _refuse_last_administrator(user)
    user_set_roles(user=user, roles=roles, actor=actor)


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: Any, reason: str) -> None:
    """Deactivate a leaver's account (its API tokens are revoked too) or reactivate it."""
    if user.is_active == active:
        return
    if not active:
        _refuse_for_self(user=user, actor=actor, what="deactivate")
        _refuse_last_administrator(user)
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="custos.user.reactivated" if active else "custos.user.deactivated",
        obj=user,
        purpose=reason,
    )


@transaction.atomic
def user_unlock(*, user: User, actor: Any) -> None:
    """Lift a lockout after repeated failed sign-ins, once the administrator has spoken to the user; the
    count of lockouts in a row starts again, so the next lockout is the shortest."""
    if (
        user.locked_until is None
        and not user.failed_login_count
        and not user.consecutive_lockouts
        and not user.locked_for_administrator
    ):
        return
    before = user.consecutive_lockouts
    user.locked_until = None
    user.failed_login_count = 0
    user.consecutive_lockouts = 0
    user.locked_for_administrator = False
    user.save(update_fields=_LOCK_FIELDS)
    audit.record(
        actor=actor, action="custos.user.unlocked", obj=user, changes={"lockouts_in_a_row": [before, 0]}
    )


@transaction.atomic
def user_reset_two_factor(*, user: User, actor: Any, reason: str) -> None:
    """Remove a lost or replaced authenticator and the recovery codes: the user enrols again at next sign-in.

    Sessions verified with the old device stop being verified at their next request (django-otp reloads
    the device each time), so a stolen phone's sessions end too.
    """
    _refuse_for_self(user=user, actor=actor, what="reset two-factor authentication for")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(actor=actor, action="custos.user.two_factor_reset", obj=user, purpose=reason)


@transaction.atomic
def user_set_password(*, user: User, password: str, actor: Any) -> None:
    """An administrator sets a new password (to hand over in person); the user's other sessions end."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="custos.user.password_set", obj=user)


def password_change(*, user: User, current: str, new: str) -> None:
    """The user changes their own password, proving the current one first.

    A wrong current password counts toward the lockout as at sign-in, or a session someone else got hold of
    would be a way to guess the password without limit. It is counted outside the change's transaction:
    the refusal must not roll the count back."""
    checked = check_secret(
        user=user,
        check=lambda: user.check_password(current),
        failure_reason=WRONG_CURRENT_PASSWORD,
        actor=user,
        failure_action="custos.user.password_change_failed",
    )
    if not checked.result:  # wrong, or the account is locked: the caller sees `user.is_locked()`
        raise ValidationError(WRONG_PASSWORD)
    _password_set_by_user(user=user, current=current, new=new)


@transaction.atomic
def _password_set_by_user(*, user: User, current: str, new: str) -> None:
    if current == new:
        raise ValidationError(SAME_PASSWORD)
    validate_password(new, user)
    user.set_password(new)
    user.save(update_fields=["password"])
    audit.record(actor=user, action="custos.user.password_changed", obj=user)
