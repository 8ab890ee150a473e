"""Saving a draft to its commentary file: validated, atomic, never over someone else's work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import TrackFileError
from ..ids import unique_path
from ..trackfile import LoadResult, TrackConflictError, save_commentary
from .draft import validate
from .drafts import DraftFile, safe_slug


def save(
    state: DraftFile, *, vocabulary: Any | None = None, duration_ms: int | None = None
) -> tuple[str, LoadResult]:
    """Save the draft to its commentary file (atomic, with history). Returns the new digest.

    Refuses (TrackConflictError) when the file changed on disk since it was opened, or
    appeared since a new file was started. Refuses (TrackFileError) a draft with errors.
    The draft file is untouched: the caller discards it once the save succeeded.
    """
    path = Path(state.track_path)
    result = validate(state.draft, name=path.name, vocabulary=vocabulary, duration_ms=duration_ms)
    if result.doc is None:
        errors = result.errors
        raise TrackFileError(
            f"{len(errors)} error(s) in the draft; fix them before saving",
            file=str(path),
            problems=errors,
        )
    if state.base_digest is None and path.exists():
        raise TrackConflictError(
            "a file with this name appeared since you started; save as a copy", file=str(path)
        )
    return save_commentary(path, result.doc, expected_digest=state.base_digest), result


def save_as_copy(state: DraftFile, commentary_dir: Path, **kwargs: Any) -> tuple[DraftFile, str]:
    """Save the draft as a new commentary file beside the original (``<slug>-copy``)."""
    path = unique_path(commentary_dir, f"{safe_slug(state.slug)}-copy", ".yaml")
    new = DraftFile(path.stem, str(path), None, state.draft)
    digest, _ = save(new, **kwargs)
    return DraftFile(path.stem, str(path), digest, state.draft), digest
