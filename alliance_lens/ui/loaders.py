"""Cached access to the library and the store, shared by every page.

The library is re-read only when a file under it changes (its signature is the names,
sizes and modification times), so a rerun costs a directory listing, not a YAML parse.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import streamlit as st

from alliance_lens import video
from alliance_lens.errors import AllianceLensError
from alliance_lens.library import Library, library_root, scan_library
from alliance_lens.model import CommentaryFile


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    items = []
    for folder in (root / "commentary", root / "media"):
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file():
                    stat = path.stat()
                    items.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(items))


@st.cache_resource(show_spinner=False, max_entries=4)
def _scan(root: str, signature: tuple[tuple[str, int, int], ...]) -> Library:
    return scan_library(Path(root), probe_duration=video.probe_duration_ms)


@st.cache_data(show_spinner=False, max_entries=64)
def _probe(path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    try:
        info = video.probe(path)
    except AllianceLensError as exc:
        return {"error": exc.message}
    return {
        "fps": info.fps,
        "duration_ms": info.duration_ms,
        "width": info.width,
        "height": info.height,
        "codec": info.codec_name,
        "container": info.container,
        "playable": info.browser_playable,
    }


def probe_video(path: Path) -> dict[str, Any]:
    """Facts about a video (cached until the file changes), or {"error": message}."""
    stat = path.stat()
    return _probe(str(path), stat.st_mtime_ns, stat.st_size)


def get_library() -> Library:
    root = library_root()
    return _scan(str(root), _signature(root))


@st.cache_data(show_spinner=False, max_entries=256)
def _thumbs(path: str, mtime_ns: int, size: int, times: tuple[int, ...]) -> list[str]:
    from alliance_lens import authoring
    from alliance_lens.errors import AllianceLensError

    try:
        return authoring.thumbnail_uris(Path(path), list(times))
    except (AllianceLensError, OSError, ValueError):
        return ["" for _ in times]


def thumbnail_uris(path: Path, times_ms: Iterable[int]) -> dict[int, str]:
    """``{time: data URI}`` of the frames at ``times_ms`` (160 px JPEG; "" when unreadable).

    Cached per file (path, modification time and size) and set of times, on top of the disk
    cache keyed by file content (``video.thumbnails``): a rerun costs one ``stat``.
    """
    wanted = tuple(sorted({int(t) for t in times_ms if t >= 0}))
    if not wanted:
        return {}
    stat = path.stat()
    return dict(
        zip(wanted, _thumbs(str(path), stat.st_mtime_ns, stat.st_size, wanted), strict=True)
    )


def onset_thumbnails(doc: CommentaryFile | None, path: Path | None) -> dict[int, str]:
    """Pictures of each rupture onset's frame for the player's timeline tooltips (ms -> URI).

    Used by the Watch and Author pages alike (the same pictures as the Ruptures table);
    onsets whose frame cannot be read are left out.
    """
    if doc is None or path is None or not path.is_file():
        return {}
    onsets = {e.onset for t in doc.tracks for e in t.episodes}
    return {t: uri for t, uri in thumbnail_uris(path, onsets).items() if uri}
