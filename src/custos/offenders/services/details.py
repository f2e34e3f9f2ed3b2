"""Changing and ending aliases, addresses and other notifiable details; uploading photos.

Edits use optimistic concurrency (a conditional UPDATE on ``version``) so two officers updating the same
record never silently overwrite each other. Each change is audited on the offender with before and after,
exactly as the adds in ``register`` are.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from custos.core import audit
from custos.core.concurrency import update_if_version
from custos.core.history import history_snapshot
from custos.core.policy import current_policy
from custos.offenders.models import Address, Alias, NotifiableDetail, Offender, OffenderPhoto
from custos.offenders.services.register import _require_change, _rerun_ladder, normalise
from custos.workforce.services import STALE_VERSION

END_BEFORE_START = "The end date cannot be before the start date ({start:%d %B %Y})."
END_REQUIRED = "Enter the date it ended."
ALREADY_ENDED = "This already ended on {on:%d %B %Y}. Change the record to correct that date."
ANOTHER_HOME = "There is already a current home address ({address}). End it first."
REQUIRED = "Enter the {label}."
PHOTO_REQUIRED = "Choose a photo to upload."
PHOTO_TOO_BIG = "The photo must be smaller than {limit} (this one is {size})."
PHOTO_NOT_IMAGE = "The file is not a photo: upload a {formats} image."
PHOTO_FORMAT = "Photos must be {formats} images (this one is {found})."
PHOTO_IN_FUTURE = "The date taken cannot be in the future."
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@dataclass(frozen=True)
class ItemSpec:
    noun: str
    start: str
    end: str
    fields: tuple[str, ...]
    required: dict[str, str]  # field -> label for the "Enter the …" message


SPECS: dict[type[models.Model], ItemSpec] = {
    Alias: ItemSpec(
        "alias",
        "used_from",
        "used_to",
        ("first_name", "last_name", "used_from", "used_to"),
        {"last_name": "last name"},
    ),
    Address: ItemSpec(
        "address",
        "from_date",
        "to_date",
        ("kind", "line1", "town", "postcode", "area", "from_date", "to_date", "notified"),
        {"line1": "first line of the address", "from_date": "date they started living there"},
    ),
    NotifiableDetail: ItemSpec(
        "detail",
        "from_date",
        "to_date",
        ("kind", "value", "normalised", "notes", "from_date", "to_date"),
        {"value": "detail (registration, number or identifier)"},
    ),
}


def _validate(item: Any, spec: ItemSpec) -> None:
    errors: dict[str, list[str]] = {}
    for name, label in spec.required.items():
        value = getattr(item, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = [REQUIRED.format(label=label)]
    start, end = getattr(item, spec.start), getattr(item, spec.end)
    if start is not None and end is not None and end < start:
        errors[spec.end] = [END_BEFORE_START.format(start=start)]
    if isinstance(item, Address) and item.kind == "home" and item.to_date is None:
        other = (
            Address.objects.filter(offender_id=item.offender_id, kind="home", to_date__isnull=True)
            .exclude(pk=item.pk)
            .first()
        )
        if other is not None:
            errors.setdefault("kind", []).append(ANOTHER_HOME.format(address=other))
    if errors:
        raise ValidationError(errors)


def _save(*, actor: Any, item: Any, values: dict[str, Any], expected_version: int, verb: str) -> Any:
    spec = SPECS[type(item)]
    offender: Offender = item.offender
    _require_change(actor, offender)
    before = audit.snapshot(item, spec.fields)
    for name, value in values.items():
        if name in spec.fields:
            setattr(item, name, value)
    if isinstance(item, NotifiableDetail):
        item.normalised = normalise(item.value)
    if isinstance(item, Address):
        item.postcode = item.postcode.upper()
    _validate(item, spec)
    update_if_version(
        type(item), item.pk, expected_version, {f: getattr(item, f) for f in spec.fields}, STALE_VERSION
    )
    item.refresh_from_db()
    history_snapshot(item, actor)
    changes = audit.diff(before, audit.snapshot(item, spec.fields))
    audit.record(
        actor=actor,
        action=f"custos.offender.{spec.noun}_{verb}",
        obj=offender,
        changes={spec.noun: item.pk, **changes},
    )
    _rerun_ladder(offender, actor)  # a changed date may start, move or end a s.84 deadline
    return item


@transaction.atomic
def notified_item_update(*, actor: Any, item: Any, values: dict[str, Any], expected_version: int) -> Any:
    """Correct or change an alias, address or notifiable detail (audited before and after)."""
    return _save(actor=actor, item=item, values=values, expected_version=expected_version, verb="updated")


@transaction.atomic
def notified_item_end(*, actor: Any, item: Any, ended_on: date | None, expected_version: int) -> Any:
    """Record that an alias is no longer used, or an address or detail ended, on ``ended_on``."""
    spec = SPECS[type(item)]
    if ended_on is None:
        raise ValidationError({"ended_on": [END_REQUIRED]})
    current_end = getattr(item, spec.end)
    if current_end is not None:
        raise ValidationError({"ended_on": [ALREADY_ENDED.format(on=current_end)]})
    start = getattr(item, spec.start)
    if start is not None and ended_on < start:
        raise ValidationError({"ended_on": [END_BEFORE_START.format(start=start)]})
    return _save(
        actor=actor, item=item, values={spec.end: ended_on}, expected_version=expected_version, verb="ended"
    )


# --- photos -------------------------------------------------------------------------------------------------


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, n // 1024)} KB"


def photo_check(upload: Any) -> tuple[bytes, str]:
    """(content, Pillow format) of an upload that really is an accepted image, else a clear error.

    The format comes from the file's content (its signature, then a full decode check), never from its name
    or the browser's content type.
    """
    policy = current_policy()
    limit = int(policy.get("offenders.photos.max_bytes"))
    formats = [str(f).upper() for f in policy.get("offenders.photos.formats")]
    allowed = ", ".join(formats)
    if upload is None:
        raise ValidationError({"image": [PHOTO_REQUIRED]})
    if upload.size > limit:
        raise ValidationError({"image": [PHOTO_TOO_BIG.format(limit=_size(limit), size=_size(upload.size))]})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"image": [PHOTO_TOO_BIG.format(limit=_size(limit), size=_size(len(content)))]})
    try:
        with Image.open(io.BytesIO(content)) as img:
            found = img.format or "unknown"
            img.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError({"image": [PHOTO_NOT_IMAGE.format(formats=allowed)]}) from None
    if found not in formats:
        raise ValidationError({"image": [PHOTO_FORMAT.format(formats=allowed, found=found)]})
    return content, found


@transaction.atomic
def photo_add(
    *, actor: Any, offender: Offender, upload: Any, taken_on: date, caption: str = ""
) -> OffenderPhoto:
    """Store a photo privately (outside any served URL space; read only through the access-checked view)."""
    _require_change(actor, offender)
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": [PHOTO_IN_FUTURE]})
    content, fmt = photo_check(upload)
    photo = OffenderPhoto(
        offender=offender, taken_on=taken_on, caption=caption.strip(), content_type=CONTENT_TYPES[fmt]
    )
    # A random name: the uploader's file name may itself be personal data and is never trusted.
    photo.image.save(f"{uuid.uuid4().hex}.{EXTENSIONS[fmt]}", ContentFile(content), save=False)
    photo.save()
    audit.record(
        actor=actor,
        action="custos.offender.photo_added",
        obj=offender,
        changes={
            "photo": photo.pk,
            "taken_on": str(taken_on),
            "format": fmt,
            "bytes": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return photo
