"""PDQ: transformed copies match, unrelated images and low-quality images never do, thresholds are exact."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageFilter
from triage_fixtures import encode, synthetic_image

from custos.core.policy import Policy
from custos.triage.scanner.hashsets import ParsedHashSet
from custos.triage.scanner.hashsets.model import HashEntry
from custos.triage.scanner.matcher import Matcher, PdqIndex, pack
from custos.triage.scanner.pdq import (
    UNMATCHABLE_QUALITY,
    UNMATCHABLE_TINY,
    ZERO_HASH,
    bits_to_hex,
    hamming,
    hash_image,
    hash_image_bytes,
    to_rgb,
)

W, H = 640, 480


def _reopen(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


TRANSFORMS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "resize-half": lambda im: im.resize((W // 2, H // 2)),
    "resize-up": lambda im: im.resize((W * 3 // 2, H * 3 // 2)),
    "jpeg-q50": lambda im: _reopen(encode(im, "JPEG", quality=50)),
    "mild-crop": lambda im: im.crop((W // 100, H // 100, W - W // 100, H - H // 100)),
    "blur": lambda im: im.filter(ImageFilter.GaussianBlur(2)),
    "sharpen": lambda im: im.filter(ImageFilter.SHARPEN),
    "rotate-90": lambda im: im.transpose(Image.Transpose.ROTATE_90),
    "rotate-180": lambda im: im.transpose(Image.Transpose.ROTATE_180),
    "rotate-270": lambda im: im.transpose(Image.Transpose.ROTATE_270),
    "flip-horizontal": lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "flip-vertical": lambda im: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    "transpose": lambda im: im.transpose(Image.Transpose.TRANSPOSE),
    "cmyk-jpeg": lambda im: _reopen(encode(im.convert("CMYK"), "JPEG", quality=90)),
    "cmyk-tiff": lambda im: _reopen(encode(im.convert("CMYK"), "TIFF")),
    "palette-png": lambda im: _reopen(encode(im.convert("P", palette=Image.Palette.ADAPTIVE), "PNG")),
    "la-png": lambda im: _reopen(encode(im.convert("LA"), "PNG")),
    "greyscale-l": lambda im: im.convert("L"),
    "rgba-png": lambda im: _reopen(encode(im.convert("RGBA"), "PNG")),
    "16-bit-grey": lambda im: Image.fromarray(np.asarray(im.convert("L")).astype(np.uint16) * 257),
}


def _bank(policy: Policy, hexes: list[str]) -> Matcher:
    entries = tuple(HashEntry(line=i + 1, pdq=h, category="A") for i, h in enumerate(hexes))
    hs = ParsedHashSet(
        name="bank", format="pdq-list", role="known-bad", path="-", sha256="-", entries=entries
    )
    return Matcher([hs], policy)


def _query(policy: Policy, im: Image.Image) -> dict[str, object]:
    r = hash_image(im, min_quality=int(policy.get("triage.pdq_min_quality")), min_side=5)
    return {"size": 1, "md5": "x", "pdq": r.pdq, "pdq_matchable": r.matchable, "pdq_dihedral": r.dihedral}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transformed_copy_matches_the_original_perceptually(policy: Policy, name: str) -> None:
    original = synthetic_image(7)
    matcher = _bank(policy, [hash_image(original, min_quality=50, min_side=5).pdq or ""])
    record = _query(policy, TRANSFORMS[name](original.copy()))
    matcher.apply([record])
    assert [m["kind"] for m in record["matches"]] == ["perceptual"]  # type: ignore[index]
    assert record["matches"][0]["distance"] <= 31  # type: ignore[index]


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_unrelated_images_do_not_match(policy: Policy, seed: int) -> None:
    matcher = _bank(policy, [hash_image(synthetic_image(7), min_quality=50, min_side=5).pdq or ""])
    record = _query(policy, synthetic_image(seed))
    matcher.apply([record])
    assert record["matches"] == []


def test_image_below_the_quality_threshold_never_matches_even_itself(policy: Policy) -> None:
    flat = Image.new("RGB", (200, 200), (120, 121, 119))
    r = hash_image(flat, min_quality=50, min_side=5)
    assert r.quality < 50
    assert not r.matchable
    assert r.unmatchable_reason == UNMATCHABLE_QUALITY
    matcher = _bank(policy, [r.pdq or ""])
    record = _query(policy, flat)
    matcher.apply([record])
    assert record["matches"] == []


def test_tiny_image_gets_the_zero_hash_with_quality_zero_and_is_unmatchable() -> None:
    r = hash_image_bytes(encode(synthetic_image(3, (4, 40)), "PNG"), min_quality=50, min_side=5)
    assert (r.pdq, r.quality, r.matchable, r.unmatchable_reason) == (ZERO_HASH, 0, False, UNMATCHABLE_TINY)


def test_hex_is_msb_first_and_hamming_is_popcount_of_xor() -> None:
    bits = np.zeros(256, dtype=np.int64)
    bits[0] = 1  # most significant bit
    bits[255] = 1
    assert bits_to_hex(bits) == "8" + "0" * 62 + "1"
    assert "{:064x}".format(int("".join(map(str, bits)), 2)) == bits_to_hex(bits)
    assert hamming("f" * 64, "0" * 64) == 256


def _flip(hexhash: str, nbits: int, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    value = int(hexhash, 16)
    for bit in rng.choice(256, size=nbits, replace=False):
        value ^= 1 << int(bit)
    return f"{value:064x}"


@pytest.mark.parametrize("mih_min_bank", [0, 10**9], ids=["multi-hash", "flat"])
@pytest.mark.parametrize(
    ("distance", "matches"), [(0, True), (30, True), (31, True), (32, False), (40, False)]
)
def test_threshold_edges_31_matches_and_32_does_not(mih_min_bank: int, distance: int, matches: bool) -> None:
    rng = np.random.default_rng(5)
    bank = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex() for _ in range(300)]
    query = _flip(bank[17], distance, seed=distance)
    index = PdqIndex(pack(bank), 31, mih_min_bank=mih_min_bank, mih_min_queries=0)
    hits = index.search(pack([query]))[0]
    assert ((17, distance) in hits) is matches
    assert all(d <= 31 for _, d in hits)
    assert index.kind == ("multi-hash" if mih_min_bank == 0 else "flat")


@pytest.mark.parametrize("mode", ["CMYK", "P", "LA", "L", "I;16", "I", "1", "RGBA", "YCbCr", "PA"])
def test_every_mode_converts_to_three_channel_rgb(mode: str) -> None:
    im = synthetic_image(2, (64, 48))
    if mode == "I;16":
        src = Image.fromarray(np.asarray(im.convert("L")).astype(np.uint16) * 257)
    elif mode == "I":
        src = im.convert("L").convert("I")
    elif mode == "PA":
        src = im.convert("P").convert("PA")
    else:
        src = im.convert(mode)
    rgb = to_rgb(src)
    assert rgb.mode == "RGB"
    assert rgb.size == (64, 48)
    # 16-bit greyscale is scaled, not clipped to white
    assert np.asarray(rgb).mean() < 250


def test_exif_orientation_is_reported_but_pixels_are_hashed_as_stored() -> None:
    im = synthetic_image(4)
    exif = Image.Exif()
    exif[0x0112] = 6
    tagged = hash_image_bytes(encode(im, "JPEG", quality=95, exif=exif.tobytes()), min_quality=50, min_side=5)
    plain = hash_image_bytes(encode(im, "JPEG", quality=95), min_quality=50, min_side=5)
    assert tagged.orientation == 6
    assert tagged.pdq == plain.pdq


def _camera_photo(seed: int, size: tuple[int, int] = (3200, 2400)) -> Image.Image:
    """A large photo-like image: the synthetic scene plus sensor noise (detail a reduced decode drops)."""
    rng = np.random.default_rng(seed)
    arr = np.asarray(synthetic_image(seed, size), dtype=np.int16)
    arr = arr + rng.integers(-10, 11, (*arr.shape[:2], 1), dtype=np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("seed", [11, 12])
def test_large_jpeg_is_hashed_from_a_dct_scaled_decode_within_a_few_bits_of_full_decode(
    policy: Policy, seed: int
) -> None:
    data = encode(_camera_photo(seed), "JPEG", quality=90)
    min_side = int(policy.get("triage.pdq_jpeg_decode_min_side"))
    assert min_side == 512
    with _reopen(data) as im:
        scaled = hash_image(im, min_quality=50, min_side=5, jpeg_decode_min_side=min_side)
        assert im.size == (800, 600)  # libjpeg decoded at 1/4: the shorter side stays >= 512
    with _reopen(data) as im:
        full = hash_image(im, min_quality=50, min_side=5)
        assert im.size == (3200, 2400)
    assert (scaled.width, scaled.height) == (3200, 2400)  # the report keeps the stored size
    assert scaled.pdq and full.pdq
    assert hamming(scaled.pdq, full.pdq) <= 8
    assert scaled.matchable


def test_jpeg_under_twice_the_minimum_side_and_other_formats_decode_in_full() -> None:
    with _reopen(encode(synthetic_image(5, (1000, 1000)), "JPEG")) as im:
        hash_image(im, min_quality=50, min_side=5, jpeg_decode_min_side=512)
        assert im.size == (1000, 1000)
    with _reopen(encode(synthetic_image(5, (2400, 1800)), "PNG")) as im:
        hash_image(im, min_quality=50, min_side=5, jpeg_decode_min_side=512)
        assert im.size == (2400, 1800)


def test_dct_scaled_decode_keeps_orientation_reported_and_rotations_matched(policy: Policy) -> None:
    photo = _camera_photo(13)
    exif = Image.Exif()
    exif[0x0112] = 6
    tagged = hash_image_bytes(
        encode(photo, "JPEG", quality=90, exif=exif.tobytes()),
        min_quality=50,
        min_side=5,
        jpeg_decode_min_side=512,
    )
    plain = hash_image_bytes(encode(photo, "JPEG", quality=90), min_quality=50, min_side=5)
    assert tagged.orientation == 6
    assert tagged.pdq and plain.pdq
    assert hamming(tagged.pdq, plain.pdq) <= 8  # pixels as stored, not rotated by the tag
    # The same photo really rotated (as a hash-set author's tool might have stored it), hashed in full,
    # is found through the dihedral variants of the reduced-decode hash.
    rotated = hash_image(photo.transpose(Image.Transpose.ROTATE_270), min_quality=50, min_side=5)
    assert rotated.pdq
    assert hamming(tagged.pdq, rotated.pdq) > int(policy.get("triage.pdq_match_distance"))
    record: dict[str, Any] = {
        "size": 1,
        "md5": "x",
        "pdq": tagged.pdq,
        "pdq_matchable": tagged.matchable,
        "pdq_dihedral": tagged.dihedral,
    }
    _bank(policy, [rotated.pdq]).apply([record])
    assert [m["kind"] for m in record["matches"]] == ["perceptual"]
