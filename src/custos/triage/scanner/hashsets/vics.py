"""Project VIC / VICS JSON (OData): v1.x ``odata.metadata`` and v2.0 ``@odata.context``, #Media and #Cases."""

from __future__ import annotations

import json
import re
from typing import Any

from .model import HashEntry, HashSetError, clean_hex, normalise_category

_VERSION = re.compile(r"/(\d+\.\d+)\.xml")


def looks_like_vics(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and (b"odata.metadata" in head or b"@odata.context" in head)


def parse_vics(
    raw: bytes, where: str, category_map: dict[str, str]
) -> tuple[list[HashEntry], int, str | None]:
    """Entries, the number of ignored records (no usable hash) and the VICS data-model version."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise HashSetError(f"{where}: VICS JSON is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise HashSetError(f"{where} line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict):
        raise HashSetError(f"{where}: VICS JSON must be an object with a 'value' list")
    context = doc.get("@odata.context") or doc.get("odata.metadata")
    if not isinstance(context, str) or "#" not in context:
        raise HashSetError(f"{where}: neither '@odata.context' nor 'odata.metadata' names #Media or #Cases")
    fragment = context.rsplit("#", 1)[1]
    version_match = _VERSION.search(context)
    version = version_match.group(1) if version_match else None
    values = doc.get("value")
    if not isinstance(values, list):
        raise HashSetError(f"{where}: VICS JSON has no 'value' list")
    media: list[tuple[str, Any]] = []
    if fragment.startswith("Cases"):
        for ci, case in enumerate(values):
            if not isinstance(case, dict):
                raise HashSetError(f"{where}: value[{ci}] is not a case object")
            items = case.get("Media") or []
            if not isinstance(items, list):
                raise HashSetError(f"{where}: value[{ci}].Media is not a list")
            media.extend((f"value[{ci}].Media[{mi}]", m) for mi, m in enumerate(items))
    elif fragment.startswith("Media"):
        media.extend((f"value[{mi}]", m) for mi, m in enumerate(values))
    else:
        raise HashSetError(f"{where}: unsupported VICS entity set #{fragment} (expected #Media or #Cases)")
    entries: list[HashEntry] = []
    ignored = 0
    for number, (path, item) in enumerate(media, start=1):
        entry = _media_entry(item, number, f"{where} record {number} ({path})", category_map)
        if entry is None:
            ignored += 1
        else:
            entries.append(entry)
    return entries, ignored, version


def _alternative(item: dict[str, Any], name: str) -> Any:
    for alt in item.get("AlternativeHashes") or []:
        if isinstance(alt, dict) and str(alt.get("HashName", "")).upper().replace("-", "") == name:
            return alt.get("HashValue")
    return None


def _media_entry(item: Any, number: int, where: str, category_map: dict[str, str]) -> HashEntry | None:
    if not isinstance(item, dict):
        raise HashSetError(f"{where}: media record is not an object")
    md5 = clean_hex(item.get("MD5"), "md5", where)
    sha1 = clean_hex(item.get("SHA1") or _alternative(item, "SHA1"), "sha1", where)
    sha256 = clean_hex(item.get("SHA256") or _alternative(item, "SHA256"), "sha256", where)
    pdq = clean_hex(_alternative(item, "PDQ"), "pdq", where)
    category, raw = normalise_category(item.get("Category"), category_map, where)
    if not (md5 or sha1 or sha256 or pdq):
        return None  # PhotoDNA-only or empty: nothing this scanner can match
    label = item.get("MediaID")
    return HashEntry(
        line=number,
        md5=md5,
        sha1=sha1,
        sha256=sha256,
        pdq=pdq,
        category=category,
        raw_category=raw,
        source=str(item.get("PrecategorizationSource")) if item.get("PrecategorizationSource") else None,
        label=str(label) if label is not None else None,
    )
