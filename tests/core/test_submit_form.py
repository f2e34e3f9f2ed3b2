"""The small-form POST helper: the service is called only for a valid form, and what happened is flashed."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from custos.core.web import submit_form


class ReasonForm(forms.Form):
    reason = forms.CharField(error_messages={"required": "Give a reason."})


def _write(data: dict[str, Any]) -> str:
    if data["reason"] == "refused":
        raise ValidationError({"reason": ["The service refused.", "And said why."]})
    return data["reason"].upper()


@pytest.mark.parametrize(
    ("posted", "done", "invalid", "flashed", "written"),
    [
        pytest.param({"reason": "ok"}, "Saved.", None, [("success", "Saved.")], ["ok"], id="saved"),
        pytest.param(
            {"reason": "ok"},
            lambda r: f"Saved {r}.",
            None,
            [("success", "Saved OK.")],
            ["ok"],
            id="done from result",
        ),
        pytest.param(
            {"reason": "refused"},
            "Saved.",
            None,
            [("error", "The service refused."), ("error", "And said why.")],
            ["refused"],
            id="the service's errors",
        ),
        pytest.param({}, "Saved.", "Say why.", [("error", "Say why.")], [], id="invalid: the view's message"),
        pytest.param({}, "Saved.", None, [("error", "Give a reason.")], [], id="invalid: the form's errors"),
    ],
)
def test_submit_form(
    posted: dict[str, str], done: Any, invalid: str | None, flashed: list[tuple[str, str]], written: list[str]
) -> None:
    request = RequestFactory().post("/", posted)
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    calls: list[str] = []

    def write(data: dict[str, Any]) -> str:
        calls.append(data["reason"])
        return _write(data)

    submit_form(request, ReasonForm(request.POST), write, done=done, invalid=invalid)

    assert [(m.level_tag, m.message) for m in messages.get_messages(request)] == flashed
    assert calls == written
