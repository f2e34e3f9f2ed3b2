"""Resolve the plain link references written before links had foreign keys.

Crimes and investigations: a reference equal (ignoring case and surrounding space) to a crime's reference.
Devices: a device's exhibit reference or seal number, or the "device <id> ..." text the triage hook wrote.
Anything that does not match stays as free text.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

DEVICE_ID = re.compile(r"^device (\d+)\b", re.IGNORECASE)


def resolve(apps: Any, schema_editor: Any) -> None:
    link_model = apps.get_model("offenders", "OffenderLink")
    crime_model = apps.get_model("crimes", "Crime")
    device_model = apps.get_model("triage", "Device")
    for link in link_model.objects.filter(crime__isnull=True, device__isnull=True).iterator():
        ref = link.reference.strip()
        if link.kind in ("crime", "investigation"):
            crime_id = crime_model.objects.filter(reference__iexact=ref).values_list("pk", flat=True).first()
            if crime_id is not None:
                link_model.objects.filter(pk=link.pk).update(crime_id=crime_id)
        elif link.kind == "device":
            device_id = (
                device_model.objects.filter(exhibit_reference__iexact=ref)
                .values_list("pk", flat=True)
                .first()
            )
            if device_id is None:
                match = DEVICE_ID.match(ref)
                if match:
                    device_id = (
                        device_model.objects.filter(pk=int(match.group(1)))
                        .values_list("pk", flat=True)
                        .first()
                    )
            if device_id is None and ref:
                found = device_model.objects.filter(seal_number__iexact=ref).values_list("pk", flat=True)
                device_id = (
                    found[0] if len(found) == 1 else None
                )  # a seal number shared by two is not a match
            if device_id is not None:
                link_model.objects.filter(pk=link.pk).update(device_id=device_id)


def unresolve(apps: Any, schema_editor: Any) -> None:
    """Going back: the references were never changed, so dropping the keys loses nothing."""


class Migration(migrations.Migration):
    dependencies = [("offenders", "0002_links_and_detail_versions")]

    operations = [migrations.RunPython(resolve, unresolve)]
