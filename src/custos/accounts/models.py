from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from custos.accounts.roles import ROLE_LABELS, Role


class RoleGrant(models.Model):
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.role}"


class User(AbstractUser):
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Lockouts in a row with no full sign-in between: each lasts longer (accounts/rules.py), and the policy's
    # number of them lasts until an administrator unlocks the account (``locked_for_administrator``).
    consecutive_lockouts = models.PositiveIntegerField(default=0)
    locked_for_administrator = models.BooleanField(default=False)
    is_demo = models.BooleanField(
        default=False, help_text="Demo/dev account: `custos otp` may print its code."
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[Role]:
        cached: frozenset[Role] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            if self.pk is None:
                cached = frozenset()
            else:
                cached = frozenset(Role(r) for r in self.role_grants.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def is_locked(self, now: datetime | None = None) -> bool:
        if self.locked_for_administrator:
            return True
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    @staticmethod
    def locked_q(now: datetime) -> models.Q:
        """The accounts locked at ``now``: `is_locked` as a filter."""
        return models.Q(locked_for_administrator=True) | models.Q(locked_until__gt=now)


TOKEN_PREFIX_LEN = 8


def hash_token(raw: str) -> str:
    # API tokens are 256-bit random strings, so a fast unsalted hash is sufficient (no dictionary attack).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=TOKEN_PREFIX_LEN, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=ApiTokenScope.choices, default=ApiTokenScope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user.username} {self.prefix}… ({self.scope})"

    @staticmethod
    def generate() -> str:
        return "cst_" + secrets.token_urlsafe(32)

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @classmethod
    def lookup(cls, raw: str) -> ApiToken | None:
        tok = cls.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
        if tok is None or not tok.is_active() or not tok.user.is_active:
            return None
        return tok

    def allows(self, method: str) -> bool:
        return self.scope == ApiTokenScope.WRITE or method.upper() in {"GET", "HEAD", "OPTIONS"}
