"""Cached access to the library and the store, shared by every page.

The library is re-read only when a file under it changes (its signature is the names,
sizes and modification times), so a rerun costs a directory listing, not a YAML parse.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from alliance_lens.library import Library, library_root, scan_library


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
    return scan_library(Path(root), probe_duration=probe_duration_ms)


def probe_duration_ms(path: Path) -> int | None:
    """The video's duration for past-the-end warnings; None when it cannot be read."""
    from alliance_lens import video

    try:
        return video.probe(path).duration_ms
    except video.VideoError:
        return None


def get_library() -> Library:
    root = library_root()
    return _scan(str(root), _signature(root))
