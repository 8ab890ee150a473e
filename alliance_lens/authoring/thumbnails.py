"""Onset thumbnails as data URIs, for the tables and the player's tooltips."""

from __future__ import annotations

import base64
from pathlib import Path

from ..datadir import data_dir


def thumbnail_uris(
    video_path: Path,
    times_ms: list[int],
    *,
    cache_dir: Path | None = None,
    width: int = 160,
    quality: int = 70,
) -> list[str]:
    """``data:image/jpeg;base64,...`` thumbnails of the frames at ``times_ms`` (cached on disk).

    Data URIs work in ``st.column_config.ImageColumn`` and in the player's tooltips without
    serving the thumbnail files (recordings and their frames never leave the app). 160 px at
    quality 70 is about 3-4 KB of base64 a picture (about 6 KB at quality 90).
    """
    from .. import video  # OpenCV loads only when pictures are wanted

    cache = cache_dir or data_dir() / "thumbnails"
    paths = video.thumbnails(video_path, times_ms, width=width, cache_dir=cache, quality=quality)
    return [
        "data:image/jpeg;base64," + base64.b64encode(p.read_bytes()).decode("ascii") for p in paths
    ]
