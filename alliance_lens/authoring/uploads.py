"""Uploaded videos: a safe, unused name in media/, size-limited, never overwriting a file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from ..atomic import pending_file
from ..errors import AllianceLensError, VideoError
from ..ids import file_stem, slug, unique_path

DEFAULT_MAX_UPLOAD_BYTES = 2048 * 1024 * 1024


class UploadError(VideoError):
    """An uploaded file that is refused (too big, not a video, unsafe name)."""


def safe_name(name: str, allowed: Iterable[str]) -> tuple[str, str]:
    """A plain file stem and a lower-case suffix from an uploaded name.

    >>> safe_name("../Séance 3 (final).MOV", {".mov"})
    ('seance-3-final', '.mov')
    """
    base = Path(name.replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    if suffix not in set(allowed):
        raise UploadError(
            f"{base!r} is not a video file this app reads; expected one of: "
            f"{', '.join(sorted(allowed))}",
            file=base,
        )
    return file_stem(Path(base).stem), suffix


def save_upload(
    source: IO[bytes],
    name: str,
    media_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    allowed: Iterable[str] = (".mp4", ".m4v", ".webm", ".mov", ".mkv", ".avi", ".ogv"),
    chunk: int = 1 << 20,
    check: Callable[[Path], object] | None = None,
) -> Path:
    """Copy an upload into ``media_dir`` under a safe, unused name; never overwrites.

    Written to a temp file first and linked into place (a link fails if the name was taken
    meanwhile); a file over ``max_bytes`` is refused and removed. ``check`` (e.g.
    ``video.probe``) sees the complete temp file first: if it raises, nothing is kept.
    """
    stem, suffix = safe_name(name, allowed)
    size = 0
    with pending_file(media_dir / f"{stem}{suffix}", suffix=f".part{suffix}") as pending:
        with pending.path.open("wb") as out:
            while block := source.read(chunk):
                size += len(block)
                if size > max_bytes:
                    raise UploadError(
                        f"the file is larger than the upload limit of "
                        f"{max_bytes / 1024**2:,.0f} MB",
                        file=name,
                    )
                out.write(block)
        if size == 0:
            raise UploadError("the file is empty", file=name)
        if check is not None:
            try:
                check(pending.path)
            except AllianceLensError as exc:
                raise UploadError(
                    f"not a video this app can read ({exc.message}); it was not kept", file=name
                ) from None
        for _ in range(1000):
            try:
                return pending.commit(unique_path(media_dir, stem, suffix), overwrite=False)
            except FileExistsError:
                continue
    raise UploadError("could not find a free file name", file=name)


def new_commentary_path(commentary_dir: Path, video: Path) -> Path:
    """Where a new commentary file for ``video`` goes: its stem, never an existing file."""
    return unique_path(commentary_dir, slug(video.stem, fallback="video", strip="-."), ".yaml")


def title_from(stem: str) -> str:
    """A readable title from a file name.

    >>> title_from("session-03_final")
    'Session 03 final'
    """
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"
