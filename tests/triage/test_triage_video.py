"""vPDQ: frame hashes of a generated animation and unordered bag matching with policy thresholds."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from triage_fixtures import synthetic_image

from custos.core.policy import Policy
from custos.triage.scanner.hashsets import import_hashset_file
from custos.triage.scanner.matcher import Matcher
from custos.triage.scanner.video import hash_video


def _animation(path: Path, seeds: list[int], size: tuple[int, int] = (320, 240)) -> Path:
    # Quantise ourselves (fast octree): Pillow's default GIF quantiser takes a second per frame.
    frames = [synthetic_image(s).resize(size).quantize(256, method=Image.Quantize.FASTOCTREE) for s in seeds]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=1000, loop=0)
    return path


def test_video_frames_are_hashed_and_a_resized_copy_bag_matches(tmp_path: Path, policy: Policy) -> None:
    known = hash_video(str(_animation(tmp_path / "known.gif", [1, 2, 3, 4])), seconds_per_hash=1.0)
    assert len(known) == 4
    assert all(len(f["pdq"]) == 64 and f["quality"] >= 50 for f in known)
    rows = "".join(f"clip-9,{f['pdq']},{f['quality']},A\n" for f in known)
    bank = tmp_path / "vpdq.csv"
    bank.write_text("video,pdq,quality,category\n" + rows)
    hs = import_hashset_file(bank, name="videos", policy=policy)
    matcher = Matcher([hs], policy)

    copy = hash_video(str(_animation(tmp_path / "copy.gif", [1, 2, 3, 4], (200, 150))), seconds_per_hash=1.0)
    other = hash_video(str(_animation(tmp_path / "other.gif", [5, 6, 7, 8])), seconds_per_hash=1.0)
    partial = hash_video(str(_animation(tmp_path / "partial.gif", [1, 6, 7, 8])), seconds_per_hash=1.0)
    records = [{"size": 1, "md5": "x", "vpdq": v} for v in (copy, other, partial)]
    matcher.apply(records)
    [hit] = records[0]["matches"]
    assert (hit["kind"], hit["signal"], hit["category"], hit["label"]) == (
        "perceptual",
        "vpdq",
        "A",
        "clip-9",
    )
    assert hit["query_match_percent"] == 100.0
    assert records[1]["matches"] == []
    assert records[2]["matches"] == []  # 25 % of the query's frames: below the 80 % policy threshold


def test_the_vpdq_query_threshold_is_policy(tmp_path: Path, policy: Policy) -> None:
    known = hash_video(str(_animation(tmp_path / "known.gif", [1, 2, 3, 4])), seconds_per_hash=1.0)
    bank = tmp_path / "vpdq.csv"
    bank.write_text("video,pdq,category\n" + "".join(f"v1,{f['pdq']},B\n" for f in known))
    lenient = policy.with_overrides({"triage.vpdq_query_match_percent": 20.0})
    partial = hash_video(str(_animation(tmp_path / "partial.gif", [1, 6, 7, 8])), seconds_per_hash=1.0)
    records = [{"size": 1, "md5": "x", "vpdq": partial}]
    Matcher([import_hashset_file(bank, name="v", policy=lenient)], lenient).apply(records)
    assert records[0]["matches"][0]["query_match_percent"] == 25.0
