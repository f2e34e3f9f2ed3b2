"""Report writers: the JSON report (schema in docs/triage-report-schema.md), the hashdeep manifest for folder
sources, and the VICS 2.0 ``#Cases`` export for the lab."""

from __future__ import annotations

import json
import os
import shlex
import uuid
from typing import Any

from custos.core.policy import Policy

from .hashsets import NON_INDECENT, SEVERITY, UNCATEGORISED
from .verdict import file_category

SCHEMA_VERSION = "1.2"
GENERATOR = "custos-triage"
VICS_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases"
# Record fields that stay in the checkpoint but are not part of the published report.
_INTERNAL = ("key", "parent_key")


def public_record(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if k not in _INTERNAL}


def atomic_write(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_json(report: dict[str, Any], path: str) -> None:
    atomic_write(path, json.dumps(report, indent=1, ensure_ascii=False).encode("utf-8"))


def write_manifest(records: list[dict[str, Any]], path: str, *, invoked_from: str, command: list[str]) -> int:
    """hashdeep 1.0 known-file list (size, md5, sha1, sha256, absolute name); ``hashdeep -a -k`` audits it.

    Archive members and unreadable files are left out: hashdeep sees only the files on disk.
    """
    lines = [
        "%%%% HASHDEEP-1.0",
        "%%%% size,md5,sha1,sha256,filename",
        f"## Invoked from: {invoked_from}",
        f"## $ {shlex.join(command)}",
        "## ",
    ]
    count = 0
    for rec in records:
        if rec.get("container") or not rec.get("md5") or "\n" in rec["path"]:
            continue
        lines.append(f"{rec['size']},{rec['md5']},{rec['sha1']},{rec['sha256']},{rec['path']}")
        count += 1
    atomic_write(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return count


def _vics_code(category: str | None, policy: Policy) -> int | None:
    """Our category back to the force's VICS integer (first code mapped to it); uncategorised -> none."""
    if category is None or category == UNCATEGORISED:
        return None
    for code, mapped in policy.get("triage.vics_category_map").items():
        if mapped == category:
            return int(code)
    return None


def vics_cases(report: dict[str, Any], *, policy: Policy, case_number: str | None = None) -> dict[str, Any]:
    """VICS 2.0 (UK profile) ``#Cases`` document: every image and video found, graded where a set graded it.

    Known-good files are left out. One Media per distinct MD5, with every place it was found in MediaFiles.
    """
    media: dict[str, dict[str, Any]] = {}
    for rec in report["files"]:
        if rec.get("known_good") or not rec.get("md5") or rec.get("kind") not in ("image", "video"):
            continue
        category = file_category(rec)
        item = media.get(rec["md5"])
        if item is None:
            item = {
                "MediaID": len(media) + 1,
                "MD5": rec["md5"].upper(),
                "SHA1": rec["sha1"].upper(),
                "MediaSize": rec["size"],
                "MimeType": rec.get("mime"),
                "IsPrecategorized": category is not None,
                "MediaFiles": [],
                "_category": category,
            }
            if rec.get("pdq"):
                item["AlternativeHashes"] = [{"HashName": "PDQ", "HashValue": rec["pdq"]}]
            media[rec["md5"]] = item
        elif category is not None and SEVERITY.get(category, 9) < SEVERITY.get(
            item["_category"] or NON_INDECENT, 9
        ):
            item["_category"] = category
        folder, _, name = rec["path"].rpartition("/")
        ts = rec.get("timestamps") or {}
        item["MediaFiles"].append(
            {
                "MD5": rec["md5"].upper(),
                "FileName": name,
                "FilePath": folder or "/",
                "Created": ts.get("born"),
                "Written": ts.get("modified"),
                "Accessed": ts.get("accessed"),
                "Deleted": bool(rec.get("deleted")),
                "Unallocated": bool(rec.get("deleted")),
            }
        )
    values = []
    for item in media.values():
        category = item.pop("_category")
        code = _vics_code(category, policy)
        if code is not None:
            item["Category"] = code
        values.append(item)
    source = report.get("source", {})
    case = {
        "CaseID": str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"custos-triage:{source.get('path')}:{report['generated_at']}")
        ),
        "CaseNumber": case_number or (source.get("case_metadata") or {}).get("case_number") or "",
        "SourceApplicationName": "Custos triage",
        "SourceApplicationVersion": report["generator"]["version"],
        "Media": values,
    }
    return {"@odata.context": VICS_CONTEXT, "value": [case]}


def write_vics(report: dict[str, Any], path: str, *, policy: Policy) -> None:
    atomic_write(path, json.dumps(vics_cases(report, policy=policy), indent=1).encode("utf-8"))
