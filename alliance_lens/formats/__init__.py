"""Import and export of commentary in other formats: WebVTT, SRT, ELAN and CSV (and our YAML).

>>> sorted(FORMATS)
['.csv', '.eaf', '.srt', '.vtt', '.yaml', '.yml']

Each format is one module of this package defining ``FORMAT`` (the interface is in
``_registry``); ``REGISTRY`` maps each extension to its format. This module is the facade:

- ``read_file(path, text=None, base=None, track_id=None)`` reads any of ``FORMATS`` into a
  ``CommentaryFile``. Without ``base`` the imported tracks make a new file (video: the input's
  name with ``.mp4``; title: the name), unless the input carries file metadata (our own VTT,
  ELAN and CSV exports do). With ``base`` the tracks are merged into it: a track with the id of
  an existing one replaces its cues (and its episodes/prompts when the import has any); new
  ids are appended. ``track_id`` renames the single imported track first ("import into").
- ``write_file(doc, path)`` / ``export_bytes(doc, fmt, track_id=None)`` write a format and
  return warnings naming what it could not carry; nothing is dropped silently.
- ``convert(src, dst)``: both at once.

Every failure is a ``FormatError`` (file, line where the format has lines, field).
What each format carries is described at the top of its module and in docs/formats.md.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_write
from ..errors import AllianceLensError, FormatError, Problem
from ..file_rules import semantic_problems
from ..model import CommentaryFile, Track
from ..trackfile import format_path
from ._common import MAX_IMPORT_BYTES, Comment, Imported, build, read_bytes
from ._registry import Format, discover

REGISTRY: dict[str, Format] = discover(sys.modules[__name__])
FORMATS = set(REGISTRY)
MEDIA_TYPES = {ext: fmt.media_type for ext, fmt in REGISTRY.items()}


@dataclass(frozen=True)
class ImportResult:
    doc: CommentaryFile
    warnings: list[Problem] = field(default_factory=list)
    mapped: list[str] = field(default_factory=list)  # what became what, for a summary
    comments: list[Comment] = field(default_factory=list)  # the source's comments, left out


def format_of(path: Path | str) -> str:
    """The format of a file name or a bare format name: 'x.VTT', 'vtt', '.vtt' -> '.vtt'."""
    text = str(path)
    suffix = Path(text).suffix.lower() if "." in text.strip(".") else "." + text.strip(".")
    if suffix not in REGISTRY:
        raise FormatError(
            f"unknown format {suffix or text!r}; expected one of: {', '.join(REGISTRY)}",
            file=text,
        )
    return suffix


def _format_of_file(path: Path) -> str:
    """A file's format by its extension only (a file named 'vtt' is not a WebVTT file)."""
    if not path.suffix:
        raise FormatError(
            f"no file extension to tell the format by; expected one of: {', '.join(REGISTRY)}",
            file=str(path),
        )
    return format_of(path)


# ---------------------------------------------------------------- reading


def read_file(
    path: Path | str,
    *,
    text: bytes | str | None = None,
    base: CommentaryFile | None = None,
    track_id: str | None = None,
    notes_as_presenter_notes: bool = False,
) -> ImportResult:
    """Read a commentary file in any format (``text``: its content, e.g. an upload).

    The source's comments (WebVTT NOTE blocks) are comments for authors: left out of the
    commentary (returned in ``comments``, with a warning) unless ``notes_as_presenter_notes``
    makes each the presenter notes of the cue it precedes (those before the first cue or after
    the last: the track description).
    """
    path = Path(path)
    name = str(path)
    fmt = REGISTRY[_format_of_file(path)]
    try:
        imported = fmt.read(read_bytes(path, text), name, path.stem)
    except AllianceLensError as exc:
        if isinstance(exc, FormatError):
            raise
        raise FormatError(
            exc.message,
            file=exc.file or name,
            line=exc.line,
            column=exc.column,
            field=exc.field,
            problems=exc.problems,
        ) from None
    except Exception as exc:  # last line of defence: the tests make each reader raise only ours
        raise FormatError(
            f"could not read this file ({type(exc).__name__}: {exc}); please report this",
            file=name,
        ) from None
    if track_id is not None:
        imported.tracks = _renamed(imported, track_id, name)
    comments, mapped = imported.comments, list(imported.mapped)
    if comments and notes_as_presenter_notes:
        imported.tracks = _with_notes(imported.tracks, comments, name)
        mapped = [m.replace("comments for authors (not commentary)", "presenter notes and the "
                            "track description (as asked)") for m in mapped]  # fmt: skip
        comments = []
    elif comments:
        imported.warnings.append(
            Problem(
                "warning",
                f"{len(comments)} NOTE comment(s) are comments for authors, not commentary: "
                "they were left out (import them as presenter notes to keep them)",
                name,
                comments[0].line,
            )
        )
    doc = _merge(imported, base, path) if base is not None else _new(imported, path)
    return ImportResult(doc, imported.warnings + _check(doc, name), mapped, comments)


def _with_notes(tracks: list[Track], comments: list[Comment], name: str) -> list[Track]:
    """The one imported track with its comments as presenter notes / description."""
    if len(tracks) != 1:  # only one-track formats have comments tied to cues
        return tracks
    (track,) = tracks
    cues = list(track.cues)
    loose = [c.text for c in comments if c.cue is None or c.cue >= len(cues)]
    for index in sorted({c.cue for c in comments if c.cue is not None and c.cue < len(cues)}):
        notes = [c.text for c in comments if c.cue == index]
        joined = "\n\n".join(filter(None, [cues[index].presenter_notes, *notes]))
        cues[index] = cues[index].model_copy(update={"presenter_notes": joined})
    description = "\n\n".join(filter(None, [track.description, *loose]))
    data = {**dict(track), "cues": cues, "description": description}
    return [build(Track, data, file=name, line=None, where="track")]


def _renamed(imported: Imported, track_id: str, name: str) -> list[Track]:
    if len(imported.tracks) != 1:
        ids = ", ".join(t.id for t in imported.tracks)
        raise FormatError(
            f"the file holds {len(imported.tracks)} tracks ({ids}); "
            "choose a track id only for a file with one track",
            file=name,
        )
    head = imported.tracks[0]
    return [build(Track, {**dict(head), "id": track_id}, file=name, line=None, where="track")]


def _new(imported: Imported, path: Path) -> CommentaryFile:
    defaults = {"video": f"{path.stem or 'video'}.mp4", "title": path.stem or "Imported"}
    meta = defaults | {k: v for k, v in (imported.meta or {}).items() if v not in ("", None)}
    data = meta | {"tracks": imported.tracks, "chapters": imported.chapters}
    return build(CommentaryFile, data, file=str(path), line=None, where="file")


def _merge(imported: Imported, base: CommentaryFile, path: Path) -> CommentaryFile:
    tracks = list(base.tracks)
    for new in imported.tracks:
        index = next((i for i, t in enumerate(tracks) if t.id == new.id), None)
        if index is None:
            tracks.append(new)
            continue
        old = tracks[index]
        tracks[index] = old.model_copy(
            update={
                "cues": new.cues,
                "episodes": new.episodes or old.episodes,
                "prompts": new.prompts or old.prompts,
            }
        )
    chapters = base.chapters or tuple(imported.chapters)
    return base.model_copy(update={"tracks": tuple(tracks), "chapters": chapters})


def _check(doc: CommentaryFile, name: str) -> list[Problem]:
    """The whole-file rules (duplicate ids, missing episodes...): errors raise."""
    problems = [
        Problem(sev, msg, name, None, None, format_path(where))  # type: ignore[arg-type]
        for sev, where, msg in semantic_problems(doc)
    ]
    errors = [p for p in problems if p.is_error]
    if errors:
        raise FormatError(
            errors[0].message if len(errors) == 1 else f"{len(errors)} errors after import",
            file=name,
            field=errors[0].field,
            problems=errors,
        )
    return problems


# ---------------------------------------------------------------- writing


def export_bytes(
    doc: CommentaryFile, fmt: str, track_id: str | None = None, *, file: str = ""
) -> tuple[bytes, list[Problem]]:
    """The file's bytes in ``fmt`` ('.vtt' or 'vtt'...) and what it could not carry.

    ``track_id`` picks the track for the one-track formats (VTT, SRT; default: the first).
    """
    ext = format_of(fmt)
    form = REGISTRY[ext]
    name = file or f"<{ext[1:]} export>"
    if form.one_track:
        track = _pick(doc, track_id, name)
        others = [t.id for t in doc.tracks if t is not track]
        written = form.write(doc.model_copy(update={"tracks": (track,)}), name)
        lost = written.lost + ([f"other tracks ({', '.join(others)})"] if others else [])
        holds = f"{form.label} holds one track ({track.id!r}) and"
    else:
        written = form.write(doc, name)
        lost = written.lost
        holds = form.label
    warnings = list(written.warnings)
    if lost:
        message = f"{holds} cannot carry {', '.join(lost)}; they were left out"
        warnings.append(Problem("warning", message, name))
    return written.data, warnings


def _pick(doc: CommentaryFile, track_id: str | None, name: str) -> Track:
    if track_id is None:
        return doc.tracks[0]
    track = doc.track(track_id)
    if track is None:
        raise FormatError(
            f"no track {track_id!r}; expected one of: {', '.join(t.id for t in doc.tracks)}",
            file=name,
        )
    return track


def write_file(doc: CommentaryFile, path: Path | str, track_id: str | None = None) -> list[Problem]:
    """Write ``doc`` in the format of ``path``'s suffix (atomically); returns warnings."""
    path = Path(path)
    data, warnings = export_bytes(doc, _format_of_file(path), track_id, file=str(path))
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise FormatError(f"cannot write the file: {exc.strerror or exc}", file=str(path)) from None
    return warnings


def convert(src: Path | str, dst: Path | str) -> list[Problem]:
    """Read ``src`` and write ``dst``; the warnings of both steps."""
    _format_of_file(Path(dst))  # an unknown output format is refused before any work
    result = read_file(src)
    return result.warnings + write_file(result.doc, dst)


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "REGISTRY",
    "MAX_IMPORT_BYTES",
    "Comment",
    "Format",
    "ImportResult",
    "convert",
    "export_bytes",
    "format_of",
    "read_file",
    "write_file",
]
