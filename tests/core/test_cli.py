"""The `custos` command: help everywhere, clear errors (exit 2, no traceback), accounts, tokens, 2FA codes."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

import pytest

from custos.accounts.models import ApiToken, User
from custos.cli import build_parser, main


def run_cli(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "custos.cli", *args], capture_output=True, text=True, timeout=timeout
    )


def _subcommands(parser: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import argparse

    found = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(_subcommands(sub, (*prefix, name)))
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in _subcommands(build_parser()) if p[:1] != ("manage",)],
    ids=lambda p: " ".join(p) or "custos",
)
def test_every_command_has_help(path: tuple[str, ...], capsys: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*path, "--help"])
    assert exc.value.code == 0
    assert "usage: custos" in capsys.readouterr().out


def test_a_user_mistake_is_one_line_on_stderr_with_exit_2() -> None:
    result = run_cli("calc", "visit-due", "--risk", "high", "--last-successful", "not-a-date")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr
    unknown = run_cli("seed", "--scale", "planet")
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr


def test_createuser_reads_the_password_from_stdin(db: Any, monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert (
        main(
            [
                "createuser",
                "cara",
                "--role",
                "investigator",
                "--role",
                "victim-care-officer",
                "--password-stdin",
            ]
        )
        == 0
    )
    user = User.objects.get(username="cara")
    assert {r.value for r in user.roles} == {"investigator", "victim-care-officer"}
    assert user.check_password("a long enough password")


def test_createuser_refuses_an_unknown_role(db: Any, monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert main(["createuser", "dan", "--role", "chief-constable", "--password-stdin"]) == 2
    assert "Unknown role 'chief-constable'" in capsys.readouterr().err
    assert not User.objects.filter(username="dan").exists()


def test_token_create_prints_the_token_once(force: Any, capsys: Any) -> None:
    assert main(["token", "create", "investigator-a", "--scope", "read", "--expires", "7"]) == 0
    raw = capsys.readouterr().out.strip()
    token = ApiToken.lookup(raw)
    assert token is not None and token.user.username == "investigator-a" and token.scope == "read"


def test_token_create_for_an_unknown_user_is_a_clear_error(db: Any, capsys: Any) -> None:
    assert main(["token", "create", "nobody"]) == 2
    assert "no active account 'nobody'" in capsys.readouterr().err


def test_otp_prints_a_code_for_demo_accounts_only(force: Any, capsys: Any, settings: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEBUG = True  # the test runner turns DEBUG off; `custos otp` is for development only
    user = force.user("investigator")
    TOTPDevice.objects.create(user=user, name="d", confirmed=True)
    assert main(["otp", user.username]) == 2  # a real account
    User.objects.filter(pk=user.pk).update(is_demo=True)
    capsys.readouterr()
    assert main(["otp", user.username]) == 0
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    device = TOTPDevice.objects.get(user=user)
    assert device.verify_token(code)
    settings.DEBUG = False
    assert main(["otp", user.username]) == 2
    assert "DEBUG" in capsys.readouterr().err


@pytest.mark.django_db  # the JSONField check asks the database for its features (cached once asked)
def test_manage_passes_through_to_django(capsys: Any) -> None:
    assert main(["manage", "check"]) == 0
