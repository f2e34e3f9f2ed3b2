"""Line-oriented hash sets: CSV with a header, hashdeep known-file lists, PDQ lists and plain hash lists."""

from __future__ import annotations

import csv
import io
import re

from .model import HashEntry, HashSetError, clean_hex, normalise_category

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_HASH_LINE = re.compile(r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})(?:\s+\*?(.*))?$")
_ALIASES = {
    "md5": "md5",
    "sha1": "sha1",
    "sha-1": "sha1",
    "sha_1": "sha1",
    "sha256": "sha256",
    "sha-256": "sha256",
    "sha_256": "sha256",
    "pdq": "pdq",
    "pdq_hash": "pdq",
    "category": "category",
    "cat": "category",
    "grade": "category",
    "source": "source",
    "quality": "quality",
    "video": "video",
    "video_id": "video",
    "filename": "label",
    "file_name": "label",
    "name": "label",
    "mediaid": "label",
}
HASH_COLUMNS = ("md5", "sha1", "sha256", "pdq")


def decode_text(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _header_columns(line: str) -> tuple[str, list[str]] | None:
    """(delimiter, canonical column names) if ``line`` is a CSV header naming a hash column."""
    for delimiter in (",", ";", "\t", "|"):
        cells = [c.strip().strip('"').lower() for c in line.split(delimiter)]
        names = [_ALIASES.get(c, "") for c in cells]
        if len(cells) > 1 and any(n in HASH_COLUMNS for n in names):
            return delimiter, names
    return None


def looks_like_csv(text: str) -> bool:
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    return _header_columns(first) is not None


def parse_csv(text: str, where: str, category_map: dict[str, str], default_category: str) -> list[HashEntry]:
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")), None)
    found = _header_columns(lines[start]) if start is not None else None
    if start is None or found is None:
        raise HashSetError(f"{where} line 1: CSV header must name one of md5, sha1, sha256, pdq")
    delimiter, names = found
    entries: list[HashEntry] = []
    reader = csv.reader(io.StringIO("\n".join(lines[start + 1 :])), delimiter=delimiter)
    try:
        for row in reader:
            line = start + 1 + reader.line_num
            if not row or not any(c.strip() for c in row) or row[0].startswith("#"):
                continue
            lw = f"{where} line {line}"
            if len(row) != len(names):
                raise HashSetError(f"{lw}: expected {len(names)} fields as in the header, found {len(row)}")
            cells = {n: c.strip() for n, c in zip(names, row, strict=True) if n}
            hashes = {k: clean_hex(cells.get(k), k, lw) for k in HASH_COLUMNS}
            if not any(hashes.values()):
                raise HashSetError(f"{lw}: no hash value on this line")
            if "category" in names:
                category, raw = normalise_category(cells.get("category") or None, category_map, lw)
            else:
                category, raw = default_category, None
            quality = cells.get("quality")
            if quality and not quality.isdigit():
                raise HashSetError(f"{lw}: quality {quality!r} is not a whole number")
            entries.append(
                HashEntry(
                    line=line,
                    category=category,
                    raw_category=raw,
                    source=cells.get("source") or None,
                    video_id=cells.get("video") or None,
                    quality=int(quality) if quality else None,
                    label=cells.get("label") or None,
                    **hashes,
                )
            )
    except csv.Error as exc:
        raise HashSetError(f"{where} line {start + 1 + reader.line_num}: malformed CSV: {exc}") from None
    return entries


def looks_like_hashdeep(text: str) -> bool:
    return text.startswith("%%%% HASHDEEP-1.0")


def parse_hashdeep(text: str, where: str, category: str) -> list[HashEntry]:
    """hashdeep/md5deep known-file list: ``%%%% size,md5,sha256,filename`` header, ``##`` comments."""
    lines = text.splitlines()
    if len(lines) < 2 or not lines[1].startswith("%%%% "):
        raise HashSetError(f"{where} line 2: hashdeep file lacks the '%%%% size,...,filename' line")
    columns = [c.strip().lower() for c in lines[1][5:].split(",")]
    if columns[-1] != "filename" or not any(c in ("md5", "sha1", "sha256") for c in columns):
        raise HashSetError(f"{where} line 2: hashdeep columns {columns} need hashes and a final filename")
    entries: list[HashEntry] = []
    for number, line in enumerate(lines[2:], start=3):
        if not line.strip() or line.startswith("#") or line.startswith("%%%%"):
            continue
        lw = f"{where} line {number}"
        cells = line.split(",", len(columns) - 1)
        if len(cells) != len(columns):
            raise HashSetError(f"{lw}: expected {len(columns)} fields, found {len(cells)}")
        row = dict(zip(columns, cells, strict=True))
        if "size" in row and not row["size"].isdigit():
            raise HashSetError(f"{lw}: size {row['size'][:20]!r} is not a whole number")
        hashes = {k: clean_hex(row.get(k), k, lw) for k in ("md5", "sha1", "sha256")}
        entries.append(
            HashEntry(
                line=number,
                category=category,
                label=row["filename"],
                md5=hashes["md5"],
                sha1=hashes["sha1"],
                sha256=hashes["sha256"],
            )
        )
    return entries


def looks_like_pdq_list(text: str) -> bool:
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    return bool(_HEX64.match(first.split(",", 1)[0].strip())) and "," in first


def parse_pdq_list(text: str, where: str, category_map: dict[str, str]) -> list[HashEntry]:
    """``hex,category,source`` lines (category and source optional) without a header."""
    entries: list[HashEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        lw = f"{where} line {number}"
        cells = [c.strip() for c in line.split(",")]
        if len(cells) > 3:
            raise HashSetError(f"{lw}: expected 'hex,category,source', found {len(cells)} fields")
        pdq = clean_hex(cells[0], "pdq", lw)
        if pdq is None:
            raise HashSetError(f"{lw}: no PDQ hash on this line")
        category, raw = normalise_category(
            cells[1] if len(cells) > 1 and cells[1] else None, category_map, lw
        )
        source = cells[2] if len(cells) > 2 and cells[2] else None
        entries.append(HashEntry(line=number, pdq=pdq, category=category, raw_category=raw, source=source))
    return entries


def looks_like_hash_list(text: str) -> bool:
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    return bool(_HASH_LINE.match(first.strip()))


def parse_hash_list(text: str, where: str, category: str) -> list[HashEntry]:
    """md5sum/sha1sum/sha256sum output, or one digest per line (kind from the length)."""
    kinds = {32: "md5", 40: "sha1", 64: "sha256"}
    entries: list[HashEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _HASH_LINE.match(line.strip())
        if match is None:
            raise HashSetError(
                f"{where} line {number}: expected a hex digest optionally followed by a file name"
            )
        digest = match.group(1)
        kind = kinds[len(digest)]
        value = digest.lower()
        entries.append(
            HashEntry(
                line=number,
                category=category,
                label=match.group(2),
                md5=value if kind == "md5" else None,
                sha1=value if kind == "sha1" else None,
                sha256=value if kind == "sha256" else None,
            )
        )
    return entries
