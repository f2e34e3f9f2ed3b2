"""File type by signature (magic bytes), not by name, with extension mismatches flagged.

Offenders rename pictures (``holiday.jpg`` -> ``tax_return.doc``); triage must still find them, and a
mismatch is itself worth showing to the examiner.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    name: str  # short type name, e.g. "jpeg"
    mime: str
    kind: str  # image | video | archive | document | other
    extensions: tuple[str, ...]


def _t(name: str, mime: str, kind: str, *exts: str) -> FileType:
    return FileType(name, mime, kind, exts)


JPEG = _t("jpeg", "image/jpeg", "image", "jpg", "jpeg", "jpe", "jfif")
PNG = _t("png", "image/png", "image", "png")
GIF = _t("gif", "image/gif", "image", "gif")
BMP = _t("bmp", "image/bmp", "image", "bmp", "dib")
TIFF = _t("tiff", "image/tiff", "image", "tif", "tiff")
WEBP = _t("webp", "image/webp", "image", "webp")
ICO = _t("ico", "image/x-icon", "image", "ico")
HEIC = _t("heic", "image/heic", "image", "heic", "heif", "hif")
AVIF = _t("avif", "image/avif", "image", "avif")
MP4 = _t("mp4", "video/mp4", "video", "mp4", "m4v", "mov", "3gp", "3g2", "qt")
QUICKTIME = _t("quicktime", "video/quicktime", "video", "mov", "qt", "mp4")
AVI = _t("avi", "video/x-msvideo", "video", "avi")
MKV = _t("matroska", "video/x-matroska", "video", "mkv", "webm", "mka")
ASF = _t("asf", "video/x-ms-asf", "video", "wmv", "asf", "wma")
FLV = _t("flv", "video/x-flv", "video", "flv")
MPEG = _t("mpeg", "video/mpeg", "video", "mpg", "mpeg", "vob", "m2v")
ZIP = _t(
    "zip",
    "application/zip",
    "archive",
    "zip",
    "docx",
    "xlsx",
    "pptx",
    "odt",
    "ods",
    "odp",
    "jar",
    "apk",
    "epub",
)
PDF = _t("pdf", "application/pdf", "document", "pdf")
GZIP = _t("gzip", "application/gzip", "archive", "gz", "tgz")
SEVENZ = _t("7z", "application/x-7z-compressed", "archive", "7z")
RAR = _t("rar", "application/vnd.rar", "archive", "rar")
UNKNOWN = _t("unknown", "application/octet-stream", "other")
EMPTY = _t("empty", "application/x-empty", "other")

# Types whose content says nothing reliable about the extension (any name is plausible).
_NO_MISMATCH = {UNKNOWN.name, EMPTY.name}


# ISO base media "ftyp" major brands of HEIF images: HEVC-coded (iPhone HEIC) and AV1-coded (AVIF).
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})


def _compatible_brands(head: bytes) -> set[bytes]:
    size = int.from_bytes(head[:4], "big")
    end = min(size, len(head))
    return {head[i : i + 4] for i in range(16, end - 3, 4)}


def sniff(head: bytes) -> FileType:
    """The file type from the first bytes (512 are plenty)."""
    if not head:
        return EMPTY
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head.startswith(b"BM") and len(head) >= 14 and head[6:10] == b"\0\0\0\0":
        return BMP
    if head[:4] in (b"II*\0", b"MM\0*"):
        return TIFF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return AVI
    if head.startswith(b"\0\0\1\0") and len(head) > 6 and head[4] > 0:
        return ICO
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _AVIF_BRANDS:
            return AVIF
        if brand in (b"mif1", b"msf1"):  # generic HEIF: the compatible brands say which codec
            return AVIF if _AVIF_BRANDS & _compatible_brands(head) else HEIC
        if brand in _HEIC_BRANDS:
            return HEIC
        if brand == b"qt  ":
            return QUICKTIME
        return MP4
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return QUICKTIME
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MKV
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return ASF
    if head.startswith(b"FLV\x01"):
        return FLV
    if head[:4] in (b"\0\0\1\xba", b"\0\0\1\xb3"):
        return MPEG
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return ZIP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return SEVENZ
    if head.startswith(b"Rar!\x1a\x07"):
        return RAR
    return UNKNOWN


def extension_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base.lstrip(".") else ""


def is_mismatch(filetype: FileType, name: str) -> bool:
    """True when the content is a known type and the name's extension is not one of its extensions."""
    if filetype.name in _NO_MISMATCH:
        return False
    return extension_of(name) not in filetype.extensions
