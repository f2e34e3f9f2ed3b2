"""vPDQ: PDQ hashes of video frames (vpdq, Meta's C++ over FFmpeg's libraries).

vpdq reads a file path, so videos inside disk images or archives are first copied (streamed, chunked) to a
temporary file by the worker.
"""

from __future__ import annotations

from typing import Any

import vpdq


def hash_video(path: str, *, seconds_per_hash: float) -> list[dict[str, Any]]:
    """Per-frame features: frame number, quality, PDQ hex and timestamp (seconds)."""
    features = vpdq.computeHash(
        path, seconds_per_hash=seconds_per_hash, downsample_width=0, downsample_height=0, thread_count=1
    )
    return [
        {
            "frame": int(f.frame_number),
            "quality": int(f.quality),
            "pdq": str(f.hex),
            "timestamp": float(f.timestamp),
        }
        for f in features
    ]
