"""Production settings refuse to start when DEBUG is on, the SECRET_KEY is the default, or 2FA is off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from custos.core import checks

GOOD_KEY = "k" * 64


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "CUSTOS_OTP_REQUIRED", "CUSTOS_FAST_PASSWORD_HASHER")
    }
    base.update({"CUSTOS_PRODUCTION": "1", "DJANGO_SETTINGS_MODULE": "custos.settings", **env})
    return subprocess.run(
        [sys.executable, "-m", "custos.cli", "manage", "check"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "true", "SECRET_KEY": GOOD_KEY}, checks.PROD_DEBUG),
        ({}, checks.PROD_SECRET),
        ({"SECRET_KEY": GOOD_KEY, "CUSTOS_OTP_REQUIRED": "false"}, checks.PROD_OTP),
        ({"SECRET_KEY": GOOD_KEY, "CUSTOS_FAST_PASSWORD_HASHER": "1"}, checks.PROD_HASHER),
    ],
    ids=["debug", "default-key", "2fa-off", "fast-hasher"],
)
def test_unsafe_production_settings_refuse_to_start(env: dict[str, str], message: str) -> None:
    result = run_check(**env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_safe_production_settings_start() -> None:
    result = run_check(SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
