"""Drafts on disk: unsaved work kept in the data folder, so a reload or a crash loses nothing."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import ids
from ..atomic import atomic_write
from ..datadir import data_dir
from ..errors import TrackFileError
from .draft import Draft

DRAFT_FORMAT = 1


@dataclass(frozen=True)
class DraftFile:
    """Unsaved work, kept in the data folder so that a reload or a crash loses nothing."""

    slug: str
    track_path: str  # the commentary file this draft will be saved to
    base_digest: str | None  # digest of that file when opened; None for a new file
    draft: Draft
    updated: float = 0.0


def drafts_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "drafts"


def safe_slug(name: str) -> str:
    """A draft's file stem: the commentary file's stem, made safe (it cannot leave the folder)."""
    return ids.slug(name, fallback="draft", strip=".")


def draft_path(slug: str, root: Path | None = None) -> Path:
    return drafts_dir(root) / f"{safe_slug(slug)}.yaml"


def write_draft(state: DraftFile, root: Path | None = None) -> Path:
    """Write the draft atomically (temp file + rename): a crash leaves the old or the new."""
    path = draft_path(state.slug, root)
    data = {
        "alliance_lens_draft": DRAFT_FORMAT,
        "slug": state.slug,
        "track_path": state.track_path,
        "base_digest": state.base_digest,
        "updated": time.time(),
        "draft": state.draft,
    }
    atomic_write(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def read_draft(
    slug: str, root: Path | None = None, *, path: Path | None = None
) -> DraftFile | None:
    """The saved draft for ``slug``, or None. A damaged draft file raises TrackFileError
    (it is left in place: it may be someone's only copy)."""
    path = path or draft_path(slug, root)
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TrackFileError(f"cannot read the draft: {exc}", file=str(path)) from None
    if (
        not isinstance(data, dict)
        or data.get("alliance_lens_draft") != DRAFT_FORMAT
        or not isinstance(data.get("draft"), dict)
    ):
        raise TrackFileError("not an Alliance Lens draft file", file=str(path))
    return DraftFile(
        slug=str(data.get("slug") or slug),
        track_path=str(data.get("track_path") or ""),
        base_digest=data.get("base_digest"),
        draft=data["draft"],
        updated=float(data.get("updated") or 0.0),
    )


def discard_draft(slug: str, root: Path | None = None) -> None:
    draft_path(slug, root).unlink(missing_ok=True)


def set_aside_draft(slug: str, root: Path | None = None) -> Path | None:
    """Move the draft out of the way (e.g. before reloading from disk); returns its new path."""
    path = draft_path(slug, root)
    if not path.is_file():
        return None
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{uuid.uuid4().hex[:6]}"
    dest = drafts_dir(root) / "set-aside" / f"{safe_slug(slug)}--{stamp}.yaml"
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, dest)
    return dest


def delete_set_aside(path: Path, root: Path | None = None) -> None:
    """Delete a set-aside draft; a path outside the set-aside folder is left alone."""
    if path.parent.resolve() == (drafts_dir(root) / "set-aside").resolve():
        path.unlink(missing_ok=True)


def set_aside_drafts(slug: str, root: Path | None = None) -> list[Path]:
    folder = drafts_dir(root) / "set-aside"
    return sorted(folder.glob(f"{safe_slug(slug)}--*.yaml"), reverse=True)
