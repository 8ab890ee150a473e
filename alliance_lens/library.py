"""A library: a folder with ``media/`` (videos) and ``commentary/`` (one YAML file per video).

The bundled library is this repository's own folders. Another is chosen with the
environment variable ``ALLIANCE_LENS_LIBRARY``. Video references never leave ``media/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .errors import AllianceLensError, LibraryError, Problem
from .model import CommentaryFile
from .trackfile import LoadResult, parse_commentary
from .visibility import file_visible
from .vocabulary import Vocabulary, load_vocabulary

BUNDLED_ROOT = Path(__file__).resolve().parent.parent
LIBRARY_ENV = "ALLIANCE_LENS_LIBRARY"
VIDEO_SUFFIXES = {".mp4", ".m4v", ".webm", ".mov", ".mkv", ".avi", ".ogv"}
NOT_TRACKS = {"vocabulary.yaml"}


def library_root(env: Mapping[str, str] = os.environ, override: str | Path | None = None) -> Path:
    """The library folder: ``override`` (CLI ``--library``), else the env var, else bundled."""
    chosen = override or env.get(LIBRARY_ENV) or BUNDLED_ROOT
    return Path(chosen).expanduser().resolve()


@dataclass(frozen=True)
class Entry:
    """One commentary file and what it refers to."""

    slug: str  # the commentary file's name without .yaml; the id used in URLs and storage
    track_path: Path
    result: LoadResult
    video_path: Path | None = None  # inside media/, when the video is a local file
    video_url: str | None = None  # when the video is an https URL
    captions_path: Path | None = None
    problems: list[Problem] = field(default_factory=list)  # library-level (missing video...)

    @property
    def doc(self) -> CommentaryFile | None:
        return self.result.doc

    @property
    def title(self) -> str:
        return self.doc.title if self.doc else self.slug

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.result.problems, *self.problems]

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.all_problems)


@dataclass(frozen=True)
class Library:
    root: Path
    vocabulary: Vocabulary
    entries: list[Entry]
    orphan_videos: list[Path]  # videos in media/ that no commentary file refers to
    problems: list[Problem]  # e.g. a broken vocabulary file

    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    @property
    def commentary_dir(self) -> Path:
        return self.root / "commentary"

    def entries_for(self, mode: str) -> list[Entry]:
        """The entries ``mode`` lists: learners never see a draft file (``visibility``)."""
        return [e for e in self.entries if file_visible(e.doc, mode)]

    def entry(self, slug: str) -> Entry | None:
        return next((e for e in self.entries if e.slug == slug), None)

    def media_relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.media_dir.resolve()).as_posix()


def resolve_media(
    media_dir: Path,
    ref: str,
    *,
    source: str = "",
    line: int | None = None,
    field_path: str = "video",
) -> Path:
    """Resolve a reference relative to ``media_dir``; refuse anything that leaves it.

    Refused: absolute paths, ``..`` that climbs out, symlinks that point outside.
    """

    def refuse(message: str) -> LibraryError:
        column = 1 if line else None
        return LibraryError(message, file=source, line=line, column=column, field=field_path)

    if not ref or "\x00" in ref:
        raise refuse("empty or invalid video reference")
    candidate = Path(ref)
    if candidate.is_absolute() or ref.startswith(("/", "\\")) or (len(ref) > 1 and ref[1] == ":"):
        raise refuse(f"video {ref!r} is an absolute path; expected a path inside media/")
    base = media_dir.resolve()
    resolved = (base / candidate).resolve()
    if not resolved.is_relative_to(base):
        raise refuse(
            f"video {ref!r} resolves outside the library's media/ folder; "
            "expected a path inside media/"
        )
    return resolved


def video_named_like(media_dir: Path, slug: str) -> Path | None:
    """The video in media/ with the commentary file's name, e.g. for a file that cannot be read."""
    for suffix in sorted(VIDEO_SUFFIXES):
        candidate = media_dir / f"{slug}{suffix}"
        if candidate.is_file() and candidate.resolve().is_relative_to(media_dir.resolve()):
            return candidate
    return None


def _check_url(ref: str) -> str | None:
    parsed = urlparse(ref)
    if parsed.scheme == "https" and parsed.netloc:
        return ref
    return None


def scan_library(
    root: Path | str | None = None,
    *,
    probe_duration: Callable[[Path], int | None] | None = None,
) -> Library:
    """Read every commentary file under ``root`` and pair it with its video.

    A bad file gives problems on its entry; it never stops the others from loading.
    ``probe_duration`` (e.g. from ``video.probe``) lets the checks warn about cues past the end.
    """
    root = Path(root) if root is not None else library_root()
    media = root / "media"
    commentary = root / "commentary"
    problems: list[Problem] = []
    if not commentary.is_dir():
        problems.append(Problem("error", "no commentary/ folder in this library", str(root)))
    vocab_path = commentary / "vocabulary.yaml"
    try:
        vocabulary = load_vocabulary(vocab_path if vocab_path.exists() else None)
    except AllianceLensError as exc:
        problems.extend(exc.problems)
        vocabulary = load_vocabulary(None)
    entries: list[Entry] = []
    used_videos: set[Path] = set()
    track_files = sorted(commentary.glob("*.yaml")) if commentary.is_dir() else []
    for track_path in track_files:
        if track_path.name in NOT_TRACKS:
            continue
        entry = load_entry(track_path, media, vocabulary, probe_duration)
        video = entry.video_path or video_named_like(media, entry.slug)
        if video is not None:  # a broken file still claims its video: not "without commentary"
            used_videos.add(video.resolve())
        entries.append(entry)
    orphans = []
    if media.is_dir():
        base = media.resolve()
        for video in sorted(media.rglob("*")):
            if video.suffix.lower() not in VIDEO_SUFFIXES or not video.is_file():
                continue
            if not video.resolve().is_relative_to(base):  # a link out: never listed or served
                problems.append(
                    Problem(
                        "warning",
                        "is a link to a file outside media/; it is ignored (copy the video in)",
                        str(video),
                    )
                )
            elif video.resolve() not in used_videos:
                orphans.append(video)
    return Library(root, vocabulary, entries, orphans, problems)


def load_entry(
    track_path: Path,
    media: Path,
    vocabulary: Vocabulary,
    probe_duration: Callable[[Path], int | None] | None = None,
) -> Entry:
    """Load one commentary file and check its video and captions references."""
    first = parse_commentary(track_path, vocabulary=vocabulary)
    doc = first.doc
    if doc is None:
        return Entry(track_path.stem, track_path, first)
    if _check_url(doc.video):
        return Entry(track_path.stem, track_path, first, video_url=doc.video)
    try:
        video = resolve_media(
            media, doc.video, source=str(track_path), line=_line_of(first, "video")
        )
    except LibraryError as exc:
        return Entry(track_path.stem, track_path, first, problems=exc.problems)
    problems: list[Problem] = []
    result = first
    if not video.is_file() and not media.is_dir():
        problems.append(
            Problem(
                "warning",
                f"no media/ folder at {media}; video not checked",
                str(track_path),
                _line_of(first, "video"),
                1,
                "video",
            )
        )
    elif not video.is_file():
        problems.append(
            Problem(
                "error",
                f"video {doc.video!r} not found in {media}",
                str(track_path),
                _line_of(first, "video"),
                1,
                "video",
            )
        )
    elif probe_duration is not None:
        duration = probe_duration(video)
        if duration is not None:  # re-check with the duration for past-the-end warnings
            result = parse_commentary(track_path, vocabulary=vocabulary, duration_ms=duration)
    captions: Path | None = None
    try:
        captions = captions_path(media, doc.captions, doc.video, source=str(track_path))
        if doc.captions and captions is None:
            problems.append(
                Problem(
                    "warning",
                    f"captions {doc.captions!r} not found",
                    str(track_path),
                    _line_of(first, "captions"),
                    1,
                    "captions",
                )
            )
    except LibraryError as exc:
        problems.extend(exc.problems)
    return Entry(track_path.stem, track_path, result, video, None, captions, problems)


def captions_path(
    media: Path, captions: str | None, video: str, *, source: str = ""
) -> Path | None:
    """The captions file of a video: ``captions`` if given, else the video's name with
    ``.vtt``; None when there is no such file. A reference that leaves media/ raises
    LibraryError (as for the video)."""
    ref = captions or str(Path(video).with_suffix(".vtt"))
    candidate = resolve_media(media, ref, source=source, field_path="captions")
    return candidate if candidate.is_file() else None


def _line_of(result: LoadResult, key: str) -> int | None:
    """The line of a top-level field, from the positions the YAML loader kept."""
    found = result.position(key)
    return found[0] if found else None
