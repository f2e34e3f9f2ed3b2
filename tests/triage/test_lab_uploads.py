"""Files uploaded through the lab pages: a hash set too large for a web request is refused with the way to
import it (the CLI on the server), before anything is written; the name a browser sends never becomes a path
outside the import's own folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.triage.test_lab_hashsets import write_csv

from custos.triage import forms as lab_forms
from custos.triage.models import HashSet, HashSetImport


def test_a_hash_set_larger_than_the_web_limit_is_refused_with_the_cli_named_and_nothing_imported(
    tmp_path: Path, force: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = write_csv(tmp_path / "big.csv", range(50)).read_bytes()
    monkeypatch.setattr(lab_forms, "MAX_UPLOAD_BYTES", len(content) - 1)
    client = client_for(force.user("digital-forensic-examiner", "A"))

    page = client.post(
        "/triage/hashsets/import/", {"file": SimpleUploadedFile("big.csv", content), "name": "Too big"}
    )

    assert page.status_code == 200
    assert page.context["form"].errors["file"] == [lab_forms.HASH_SET_TOO_LARGE]
    assert "custos hashset import" in lab_forms.HASH_SET_TOO_LARGE
    assert not HashSet.objects.filter(name="Too big").exists()
    assert not HashSetImport.objects.exists()


def test_a_hash_set_at_the_web_limit_is_imported(
    tmp_path: Path, force: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = write_csv(tmp_path / "fits.csv", range(5)).read_bytes()
    monkeypatch.setattr(lab_forms, "MAX_UPLOAD_BYTES", len(content))
    client = client_for(force.user("digital-forensic-examiner", "A"))

    page = client.post(
        "/triage/hashsets/import/", {"file": SimpleUploadedFile("fits.csv", content), "name": "Fits"}
    )

    assert page.status_code == 302
    assert HashSet.objects.get(name="Fits").exact_count == 5


@pytest.mark.parametrize("sent_name", ["../../etc/cron.d/custos", "..\\..\\custos.csv", "/tmp/custos.csv"])
def test_the_browser_sent_name_of_a_hash_set_never_leaves_the_import_folder(
    tmp_path: Path, force: Any, client_for: Any, sent_name: str
) -> None:
    content = write_csv(tmp_path / "named.csv", range(3)).read_bytes()
    client = client_for(force.user("digital-forensic-examiner", "A"))

    page = client.post(
        "/triage/hashsets/import/", {"file": SimpleUploadedFile(sent_name, content), "name": "Named"}
    )

    assert page.status_code == 302
    assert HashSet.objects.get(name="Named").exact_count == 3
    assert not Path("/etc/cron.d/custos").exists() and not Path("/tmp/custos.csv").exists()
