"""PDQ perceptual hashes of images (pdqhash, the Cython wrapper of Meta's C++ reference).

Decisions, and why:

* **Colour modes.** pdqhash wants an H x W x 3 uint8 array. Every Pillow mode is converted deliberately:
  CMYK, YCbCr, LAB and HSV through Pillow's colour conversions; palette (P/PA) images through RGBA so the
  palette is applied; 16-bit and 32-bit greyscale (I;16, I, F) are *scaled* to 8 bits, because Pillow's plain
  ``convert`` clips them (a 16-bit scan would hash as an almost white page); alpha (RGBA, LA, PA) is dropped,
  not composited, because the C++ reference and pytx hash the colour channels only and our hashes must agree
  with the hash sets they produced.
* **Orientation.** We hash the raw pixels as stored, without applying the EXIF Orientation tag, exactly as
  pytx and the C++ tools do (ThreatExchange ``reg-test-input/exif-rotn``). Applying the tag would make our
  hash of a camera JPEG differ from the hash-set author's by 100+ bits. Rotation and mirroring are covered by
  matching all 8 dihedral variants of the query hash (within ~8 bits of a hash of the really rotated file).
  The EXIF tag is still reported so the examiner sees it.
* **HEIC/HEIF and AVIF.** iPhones save photos as HEIC: pillow-heif registers a Pillow opener for it (AVIF is
  Pillow's own). HEIF stores rotation and mirroring as mandatory transform properties (``irot``/``imir``), not
  as a hint like EXIF: libheif applies them when decoding, as every HEIF reader and hash-set tool does, and
  pillow-heif then resets the EXIF tag to 1 and keeps the camera's value as ``original_orientation``, which is
  what we report. Dihedral matching covers a hash made from the unrotated pixels either way.
* **Quality.** Hashes below ``triage.pdq_min_quality`` (and images under ``triage.min_image_side`` pixels,
  which pdqhash returns as an all-zero hash with quality 0) are flagged unmatchable and are never matched:
  flat or tiny images collide with everything.
* **Resolution.** A JPEG whose shorter side is at least twice ``triage.pdq_jpeg_decode_min_side`` is
  decoded by libjpeg at a reduced DCT scale (1/2, 1/4 or 1/8, ``Image.draft``), the smallest that keeps the
  shorter side at or above that policy minimum: a 4032x3024 camera photo decodes at 1008x756 with the
  default 512, about 10x less work than full resolution. PDQ itself only needs 64x64 of luminance (two
  Jarosz box-filter passes, then decimation); Meta's C++ reference resizes to 512x512 before the filter for
  the same reason, while pdqhash and pytx filter the full image. A DCT-scaled decode is a block average, so
  the hash barely moves (on the 50 camera scenes of the benchmark: at most 8 bits, mean about 4, against a
  match distance of 31); ``benchmarks/triage_pdq.py`` prints the distance from a full-resolution pdqhash loop.
  Policy 0 decodes every image at full resolution. Other formats are always decoded in full.
  ``decode_max_side`` is the older, coarser fast path (``draft()`` + ``thumbnail()`` to that side, within
  ~10 bits of full resolution).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

import numpy as np
import pdqhash
from PIL import Image, ImageCms
from pillow_heif import register_heif_opener

register_heif_opener()  # idempotent: HEIC/HEIF decode wherever this module is imported (workers included)

# Images beyond this many pixels are not decoded (decompression bombs); they are still hashed exactly.
MAX_DECODE_PIXELS = 250_000_000
ZERO_HASH = "0" * 64
DIHEDRAL_NAMES = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flipx",
    "flipy",
    "flipplus1",
    "flipminus1",
)
UNMATCHABLE_TINY = "image smaller than the minimum side for PDQ"
UNMATCHABLE_QUALITY = "PDQ quality below the policy minimum"


@dataclass
class PdqResult:
    pdq: str | None
    quality: int
    dihedral: list[str] = field(default_factory=list)
    matchable: bool = False
    unmatchable_reason: str | None = None
    width: int = 0
    height: int = 0
    mode: str = ""
    orientation: int | None = None
    error: str | None = None


def bits_to_hex(bits: np.ndarray) -> str:
    """pdqhash bit vector (bits[0] = most significant bit 255) to the 64-digit reference hex."""
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _scale_to_8bit(im: Image.Image) -> Image.Image:
    arr = np.asarray(im, dtype=np.float64)
    if im.mode.startswith("I;16"):
        top = 65535.0
    else:
        peak = float(arr.max()) if arr.size else 0.0
        top = 255.0 if peak <= 255 else (65535.0 if peak <= 65535 else peak)
    arr = np.clip(np.rint(arr * (255.0 / top)), 0, 255).astype(np.uint8)
    return Image.fromarray(arr, mode="L").convert("RGB")


def to_rgb(im: Image.Image) -> Image.Image:
    """Convert any Pillow mode to RGB for hashing (see the module docstring for why each branch exists)."""
    mode = im.mode
    if mode == "RGB":
        return im
    if mode.startswith("I;16") or mode in ("I", "F"):
        return _scale_to_8bit(im)
    if mode in ("P", "PA"):
        return im.convert("RGBA").convert("RGB")
    if mode in ("RGBa", "La"):  # premultiplied alpha: un-premultiply first
        return im.convert(mode.upper()).convert("RGB")
    if mode in ("RGBA", "RGBX", "CMYK", "YCbCr", "L", "LA", "1"):
        return im.convert("RGB")
    if mode == "LAB":
        srgb = ImageCms.createProfile("sRGB")
        lab = ImageCms.createProfile("LAB")
        out = ImageCms.profileToProfile(im, lab, srgb, outputMode="RGB")
        assert out is not None
        return out
    if mode == "HSV":
        return Image.merge("HSV", im.split()).convert("RGB")
    return im.convert("RGB")


def _orientation(im: Image.Image) -> int | None:
    original = im.info.get("original_orientation")  # HEIF: the EXIF value before libheif applied irot/imir
    if isinstance(original, int):
        return original
    try:
        value = im.getexif().get(0x0112)
    except Exception:
        return None
    return int(value) if isinstance(value, int) else None


def hash_rgb_array(arr: np.ndarray) -> tuple[str, int, list[str]]:
    """PDQ hex, quality and the 8 dihedral hexes of an H x W x 3 uint8 array."""
    vecs, quality = pdqhash.compute_dihedral(np.ascontiguousarray(arr, dtype=np.uint8))
    hexes = [bits_to_hex(v) for v in vecs]
    return hexes[0], int(quality), hexes


def hash_image(
    im: Image.Image,
    *,
    min_quality: int,
    min_side: int,
    decode_max_side: int | None = None,
    jpeg_decode_min_side: int = 0,
) -> PdqResult:
    """Hash an opened Pillow image. ``min_quality``, ``min_side`` and ``jpeg_decode_min_side`` come from
    policy (``triage.pdq_min_quality``, ``triage.min_image_side``, ``triage.pdq_jpeg_decode_min_side``)."""
    width, height = im.size
    result = PdqResult(
        pdq=None, quality=0, width=width, height=height, mode=im.mode, orientation=_orientation(im)
    )
    if width * height > MAX_DECODE_PIXELS:
        result.error = f"image of {width}x{height} pixels is too large to decode"
        return result
    if decode_max_side and im.format == "JPEG":
        im.draft("RGB", (decode_max_side * 2, decode_max_side * 2))
    elif jpeg_decode_min_side and im.format == "JPEG" and min(width, height) >= 2 * jpeg_decode_min_side:
        # Same mode as a full decode (only the scale changes), so to_rgb() treats both alike.
        im.draft(im.mode, (jpeg_decode_min_side, jpeg_decode_min_side))
    if getattr(im, "n_frames", 1) > 1:  # animated GIF/multi-page TIFF: the first frame
        im.seek(0)
    im.load()
    if decode_max_side and max(im.size) > decode_max_side:
        im.thumbnail((decode_max_side, decode_max_side))
    rgb = to_rgb(im)
    hexhash, quality, dihedral = hash_rgb_array(np.asarray(rgb))
    result.pdq, result.quality, result.dihedral = hexhash, quality, dihedral
    if min(width, height) < min_side:
        result.unmatchable_reason = UNMATCHABLE_TINY
    elif quality < min_quality:
        result.unmatchable_reason = UNMATCHABLE_QUALITY
    else:
        result.matchable = True
    return result


def hash_image_bytes(
    data: bytes,
    *,
    min_quality: int,
    min_side: int,
    decode_max_side: int | None = None,
    jpeg_decode_min_side: int = 0,
) -> PdqResult:
    """Decode and hash image bytes; decoding problems are returned as ``error``, never raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning, palette transparency notes
            with Image.open(io.BytesIO(data)) as im:
                return hash_image(
                    im,
                    min_quality=min_quality,
                    min_side=min_side,
                    decode_max_side=decode_max_side,
                    jpeg_decode_min_side=jpeg_decode_min_side,
                )
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError) as exc:
        return PdqResult(pdq=None, quality=0, error=f"image could not be decoded: {exc}")


def thumbnail_jpeg(data: bytes, px: int) -> bytes | None:
    """A small JPEG for the HTML report (only ever called for non-matching images)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                if im.width * im.height > MAX_DECODE_PIXELS:
                    return None
                if im.format == "JPEG":
                    im.draft("RGB", (px * 2, px * 2))
                rgb = to_rgb(im)
                rgb.thumbnail((px, px))
                out = io.BytesIO()
                rgb.save(out, "JPEG", quality=70)
                return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError):
        return None
