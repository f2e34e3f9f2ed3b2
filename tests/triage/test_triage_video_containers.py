"""Videos in every common container, encoded in the test with the ffmpeg CLI from generated frames:
MP4 (H.264), QuickTime MOV, Matroska (MPEG-4 part 2), WebM (VP8 and VP9) and AVI. The scanner must find them
by signature, hash their frames with vPDQ, match re-encodings and a rescaled copy against the original's bag,
and not match an unrelated video."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from triage_fixtures import require_tool, synthetic_image

from custos.core.policy import current_policy
from custos.triage.scanner.scan import ScanOptions, scan
from custos.triage.scanner.video import hash_video

SCENES = [11, 14, 15, 33]  # one generated picture per second: four distinct scenes, PDQ quality >= 90
UNRELATED = [23, 27, 29, 32]
# name -> (extra ffmpeg arguments, expected signature type)
CONTAINERS: dict[str, tuple[list[str], str]] = {
    "clip.mp4": (["-c:v", "{h264}", "-pix_fmt", "yuv420p"], "mp4"),
    "clip.mov": (["-c:v", "{h264}", "-pix_fmt", "yuv420p"], "quicktime"),
    "clip.mkv": (["-c:v", "mpeg4", "-q:v", "4"], "matroska"),
    "clip-vp8.webm": (
        ["-c:v", "libvpx", "-b:v", "400k", "-deadline", "realtime", "-cpu-used", "8"],
        "matroska",
    ),
    "clip-vp9.webm": (
        ["-c:v", "libvpx-vp9", "-b:v", "400k", "-deadline", "realtime", "-cpu-used", "8"],
        "matroska",
    ),
    "clip.avi": (["-c:v", "mpeg4", "-q:v", "4"], "avi"),
}


def _frames(folder: Path, seeds: list[int]) -> str:
    folder.mkdir()
    for i, seed in enumerate(seeds):
        synthetic_image(seed, (256, 192)).save(folder / f"f{i}.png")
    return str(folder / "f%d.png")


@pytest.fixture(scope="module")
def device(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    ffmpeg = require_tool("ffmpeg", "ffmpeg")
    encoders = subprocess.run([ffmpeg, "-hide_banner", "-encoders"], capture_output=True, text=True).stdout
    h264 = "libx264" if " libx264 " in encoders else "mpeg4"
    root = tmp_path_factory.mktemp("videos")
    scenes, unrelated = _frames(root / "scenes", SCENES), _frames(root / "unrelated", UNRELATED)
    src = root / "device"
    src.mkdir()
    # Constant 5 fps (the fps filter duplicates each 1 s picture): Matroska/AVI would otherwise keep 4 frames.
    head = [ffmpeg, "-v", "error", "-y", "-framerate", "1"]
    jobs = [
        [*head, "-i", scenes, "-vf", "fps=5", *(a.format(h264=h264) for a in args), str(src / name)]
        for name, (args, _) in CONTAINERS.items()
    ]
    jobs.append(
        [*head, "-i", unrelated, "-vf", "fps=5", "-c:v", "mpeg4", "-q:v", "4", str(src / "other.mp4")]
    )
    # A smaller, more compressed copy, and an MP4 renamed to hide it: found by its signature.
    jobs.append(
        [
            *head,
            "-i",
            scenes,
            "-vf",
            "fps=5,scale=160:120",
            "-c:v",
            "mpeg4",
            "-q:v",
            "10",
            str(src / "small.mkv"),
        ]
    )
    jobs.append([*head, "-i", scenes, "-vf", "fps=5", "-c:v", "mpeg4", "-f", "mp4", str(src / "invoice.pdf")])
    running = [subprocess.Popen(job, stderr=subprocess.PIPE) for job in jobs]
    for proc, job in zip(running, jobs, strict=True):
        _, err = proc.communicate()
        assert proc.returncode == 0, f"{job}: {err.decode()}"
    original = hash_video(str(src / "clip.mp4"), seconds_per_hash=1.0)
    bank = root / "vpdq.csv"
    bank.write_text(
        "video,pdq,quality,category\n" + "".join(f"clip-7,{f['pdq']},{f['quality']},A\n" for f in original)
    )
    report = scan(
        ScanOptions(
            source=str(src),
            json_out=str(root / "report.json"),
            hashsets=[str(bank)],
            workers=1,
            progress=False,
        ),
        policy=current_policy(),
    )
    return {"files": {Path(f["path"]).name: f for f in report["files"]}, "original": original}


@pytest.mark.parametrize(("name", "kind"), [(n, t) for n, (_, t) in CONTAINERS.items()])
def test_each_container_is_found_by_signature_hashed_per_second_and_matches_the_original_bag(
    device: dict[str, Any], name: str, kind: str
) -> None:
    record = device["files"][name]
    assert (record["type"], record["kind"], record["extension_mismatch"]) == (kind, "video", False)
    assert record["errors"] == []
    frames = record["vpdq"]
    assert [round(f["timestamp"]) for f in frames] == [0, 1, 2, 3]  # one hash per second of a 4 s clip
    assert all(len(f["pdq"]) == 64 for f in frames)
    [hit] = record["matches"]
    assert (hit["signal"], hit["category"], hit["label"]) == ("vpdq", "A", "clip-7")
    assert hit["query_match_percent"] == 100.0


def test_a_rescaled_recompressed_copy_matches_under_the_policy_thresholds(device: dict[str, Any]) -> None:
    [hit] = device["files"]["small.mkv"]["matches"]
    policy = current_policy()
    assert hit["signal"] == "vpdq"
    assert hit["query_match_percent"] >= policy.get("triage.vpdq_query_match_percent")


def test_a_renamed_video_is_found_by_its_signature_and_still_matched(device: dict[str, Any]) -> None:
    record = device["files"]["invoice.pdf"]
    assert (record["type"], record["extension_mismatch"]) == ("mp4", True)
    assert record["matches"][0]["category"] == "A"


def test_an_unrelated_video_does_not_match(device: dict[str, Any]) -> None:
    record = device["files"]["other.mp4"]
    assert len(record["vpdq"]) == 4
    assert record["matches"] == []
