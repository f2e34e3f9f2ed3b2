"""HEIC/HEIF (iPhone photos) and AVIF: found by signature, decoded, PDQ-hashed and matched against their JPEG
twin; HEIF rotation is applied by the decoder and the camera's orientation is reported. Every picture is
generated here (HEIC written with pillow-heif, AVIF with Pillow)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from triage_fixtures import encode, synthetic_image

from custos.core.policy import current_policy
from custos.triage.scanner import filetype
from custos.triage.scanner.pdq import hamming, hash_image_bytes
from custos.triage.scanner.scan import ScanOptions, scan

PHOTO = synthetic_image(401, (320, 240))
JPEG_TWIN = encode(PHOTO, "JPEG", quality=90)


def _heic(im: Image.Image, **kw: Any) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return encode(im, "HEIF", quality=80, **kw)


def _exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


HEIC = _heic(PHOTO)
HEIC_ROTATED = _heic(PHOTO, exif=_exif_orientation(6))  # a phone held upright: "rotate 90 CW to display"
AVIF = encode(PHOTO, "AVIF", quality=80)


def _pdq(data: bytes) -> Any:
    policy = current_policy()
    return hash_image_bytes(
        data,
        min_quality=int(policy.get("triage.pdq_min_quality")),
        min_side=int(policy.get("triage.min_image_side")),
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "heic"),
        (b"\0\0\0\x18ftypheix\0\0\0\0mif1heix", "heic"),
        (b"\0\0\0\x18ftyphevc\0\0\0\0msf1hevc", "heic"),  # an image sequence (burst)
        (b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic", "heic"),
        (b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif", "avif"),
        (b"\0\0\0\x18ftypavif\0\0\0\0avifmif1", "avif"),
        (b"\0\0\0\x18ftypisom\0\0\0\0isomiso2", "mp4"),
    ],
)
def test_heif_brands_are_told_apart_by_signature(head: bytes, expected: str) -> None:
    assert filetype.sniff(head).name == expected


def test_generated_heic_and_avif_files_are_recognised_by_their_own_bytes() -> None:
    assert filetype.sniff(HEIC[:512]) is filetype.HEIC
    assert filetype.sniff(AVIF[:512]) is filetype.AVIF
    assert filetype.is_mismatch(filetype.HEIC, "IMG_0001.HEIC") is False
    assert filetype.is_mismatch(filetype.HEIC, "IMG_0001.jpg") is True


@pytest.mark.parametrize("data", [HEIC, AVIF], ids=["heic", "avif"])
def test_heic_and_avif_hash_within_the_threshold_of_their_jpeg_twin(data: bytes) -> None:
    ours, twin = _pdq(data), _pdq(JPEG_TWIN)
    assert ours.error is None
    assert ours.matchable and abs(ours.quality - twin.quality) <= 10
    assert (ours.width, ours.height, ours.mode) == (320, 240, "RGB")
    assert hamming(ours.pdq, twin.pdq) <= 8  # same picture, different codec
    assert hamming(ours.pdq, twin.pdq) <= int(current_policy().get("triage.pdq_match_distance"))


def test_heic_rotation_is_applied_by_the_decoder_reported_and_still_matched_through_dihedral_variants() -> (
    None
):
    ours, twin = _pdq(HEIC_ROTATED), _pdq(JPEG_TWIN)
    # pillow-heif turned the EXIF tag into HEIF's irot; libheif rotates on decode, as every HEIF reader does.
    assert (ours.width, ours.height) == (240, 320)
    assert ours.orientation == 6
    assert hamming(ours.pdq, twin.pdq) > 64  # the upright hash alone would not match...
    assert min(hamming(d, twin.pdq) for d in ours.dihedral) <= int(
        current_policy().get("triage.pdq_match_distance")
    )  # ...one of its 8 dihedral variants does
    with Image.open(io.BytesIO(HEIC_ROTATED)) as im:
        assert im.format == "HEIF"


def test_a_folder_scan_matches_a_heic_renamed_to_jpg_and_an_avif_against_the_jpeg_bank(
    tmp_path: Path,
) -> None:
    phone = tmp_path / "phone"
    phone.mkdir()
    (phone / "IMG_0001.HEIC").write_bytes(HEIC)
    (phone / "IMG_0002.jpg").write_bytes(HEIC_ROTATED)  # renamed: found by signature
    (phone / "sticker.avif").write_bytes(AVIF)
    bank = tmp_path / "pdq.csv"
    bank.write_text(f"pdq,category,source\n{_pdq(JPEG_TWIN).pdq},A,lab\n")
    report = scan(
        ScanOptions(
            source=str(phone),
            json_out=str(tmp_path / "r.json"),
            hashsets=[str(bank)],
            workers=1,
            progress=False,
        ),
        policy=current_policy(),
    )
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert [(n, files[n]["type"], files[n]["extension_mismatch"]) for n in sorted(files)] == [
        ("IMG_0001.HEIC", "heic", False),
        ("IMG_0002.jpg", "heic", True),
        ("sticker.avif", "avif", False),
    ]
    for record in files.values():
        assert record["errors"] == []
        [match] = record["matches"]
        assert (match["kind"], match["category"]) == ("perceptual", "A")
    assert files["IMG_0002.jpg"]["image"]["exif_orientation"] == 6
    assert report["summary"]["likely_iioc"] is True
