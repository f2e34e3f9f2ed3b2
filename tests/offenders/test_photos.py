"""Photos: checked by content, size-limited by policy, stored privately, served through an audited view."""

from __future__ import annotations

import io
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from custos.core.models import AuditEvent
from custos.core.policy import current_policy
from custos.offenders.models import OffenderPhoto
from custos.offenders.services import details
from tests.offenders.factories import make_offender


def _image(fmt: str = "PNG", name: str = "face.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "private"


def test_a_real_photo_is_stored_privately_and_served_only_through_the_audited_view(
    force: Any, client_for: Any, settings: Any
) -> None:
    o = make_offender(force)
    client = client_for(force.user("offender-manager"))
    response = client.post(
        f"/offenders/{o.pk}/photos/new/",
        {"image": _image(name="john smith.jpg"), "taken_on": "2024-05-01", "caption": "custody image"},
    )
    assert response.status_code == 302
    photo = OffenderPhoto.objects.get(offender=o)
    assert photo.content_type == "image/png"  # from the content, not the name or the browser's claim
    assert "john" not in photo.image.name and photo.image.name.endswith(".png")
    assert str(settings.MEDIA_ROOT) in photo.image.path
    assert not photo.image.url.startswith(settings.STATIC_URL)
    assert AuditEvent.objects.filter(action="custos.offender.photo_added", object_id=str(o.pk)).exists()

    page = client.get(f"/offenders/{o.pk}/").content.decode()
    assert f'src="/offenders/{o.pk}/photos/{photo.pk}/"' in page
    served = client.get(f"/offenders/{o.pk}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(
        action="custos.offender.viewed", object_id=str(o.pk), purpose="photo", sensitive=True
    ).exists()
    assert client_for(force.user("offender-manager", "B")).get(served.request["PATH_INFO"]).status_code == 404


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = client_for(force.user("offender-manager")).post(
        f"/offenders/{o.pk}/photos/new/", {"image": fake, "taken_on": "2024-05-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["image"] == [
        details.PHOTO_NOT_IMAGE.format(formats="JPEG, PNG, WEBP")
    ]
    assert not OffenderPhoto.objects.filter(offender=o).exists()


def test_an_image_in_a_format_policy_does_not_allow_is_refused(force: Any) -> None:
    o = make_offender(force)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        details.photo_add(
            actor=force.user("offender-manager"),
            offender=o,
            upload=_image("GIF", "x.gif"),
            taken_on=o.managed_since,
        )
    assert "this one is GIF" in str(exc.value)


def test_a_photo_over_the_policy_size_limit_is_refused_with_the_limit(force: Any) -> None:
    from django.core.exceptions import ValidationError

    o = make_offender(force)
    small = current_policy().with_overrides({"offenders.photos.max_bytes": 50})
    with (
        mock.patch.object(details, "current_policy", return_value=small),
        pytest.raises(ValidationError) as exc,
    ):
        details.photo_add(
            actor=force.user("offender-manager"), offender=o, upload=_image(), taken_on=o.managed_since
        )
    assert "must be smaller than 1 KB" in str(exc.value)


def test_only_those_who_may_change_the_record_can_upload(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    for user in (force.user("professional-standards"), force.user("offender-manager", "B")):
        response = client_for(user).post(
            f"/offenders/{o.pk}/photos/new/", {"image": _image(), "taken_on": "2024-05-01"}
        )
        assert response.status_code == 404
    assert not OffenderPhoto.objects.filter(offender=o).exists()
