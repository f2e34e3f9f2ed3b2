"""A request body over settings.MAX_REQUEST_BYTES is refused with a 413 before anything reads it, so an
oversized upload cannot fill the server's disk on its way to a form that would refuse it anyway; the answer
says the limit and the command-line route, as a page for the browser and problem+json for the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client

from custos.accounts import services as accounts
from custos.core.middleware import REQUEST_TOO_LARGE
from custos.triage.models import HashSet
from tests.triage.test_lab_hashsets import write_csv


def _hash_set(tmp_path: Path, count: int) -> bytes:
    return write_csv(tmp_path / "set.csv", range(count)).read_bytes()


def test_an_upload_over_the_limit_gets_a_413_page_naming_the_limit_and_nothing_is_read_or_saved(
    tmp_path: Path, force: Any, client_for: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MAX_REQUEST_BYTES = 1024**2
    client = client_for(force.user("digital-forensic-examiner", "A"))
    files_started: list[str] = []
    original = TemporaryFileUploadHandler.new_file

    def recording_new_file(self: Any, *args: Any, **kwargs: Any) -> None:
        files_started.append(args[1] if len(args) > 1 else kwargs.get("file_name", ""))
        original(self, *args, **kwargs)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", recording_new_file)
    big = _hash_set(tmp_path, 8000)  # about 1.1 MB
    assert len(big) > 1024**2

    page = client.post(
        "/triage/hashsets/import/", {"file": SimpleUploadedFile("set.csv", big), "name": "Oversized"}
    )

    assert page.status_code == 413
    message = REQUEST_TOO_LARGE.format(megabytes=1, what="upload")
    assert message in page.content.decode()
    assert "custos hashset import" in message and "Nothing was saved" in message
    assert files_started == []
    assert not HashSet.objects.filter(name="Oversized").exists()


def test_an_upload_within_the_limit_reaches_the_form(
    tmp_path: Path, force: Any, client_for: Any, settings: Any
) -> None:
    settings.MAX_REQUEST_BYTES = 1024**2
    client = client_for(force.user("digital-forensic-examiner", "A"))

    page = client.post(
        "/triage/hashsets/import/",
        {"file": SimpleUploadedFile("set.csv", _hash_set(tmp_path, 200)), "name": "Fits"},
    )

    assert page.status_code == 302
    assert HashSet.objects.get(name="Fits").exact_count == 200


def test_an_api_request_over_the_limit_gets_problem_json_413(force: Any, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 1024**2
    issued = accounts.token_create(user=force.user("detective-inspector"), scope="write", days=1)

    response = Client().post(
        "/api/v1/crimes",
        data=b"{" + b" " * (1024**2 + 1) + b"}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.raw}",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 413 and body["title"] == "Request too large"
    assert body["detail"] == REQUEST_TOO_LARGE.format(megabytes=1, what="request")


def test_the_default_limit_fits_the_largest_upload_form_with_room_for_its_other_fields() -> None:
    from django.conf import settings

    from custos.triage import forms as lab_forms

    largest_form = lab_forms.MAX_UPLOAD_BYTES
    assert largest_form < settings.MAX_REQUEST_BYTES <= largest_form + 16 * 1024**2
