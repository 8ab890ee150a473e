"""Importing a file in another format into the open draft: always as new draft tracks."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from .. import formats
from ..errors import Problem
from ..formats import Comment
from ..ids import slug
from ..model import to_data
from .draft import Draft, tracks


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: where the tracks went and what became what in them."""

    track_index: int  # the first new track (select it; the page should say it is a draft)
    track_ids: list[str]  # every new track, all with ``status: draft``
    mapped: list[str] = field(default_factory=list)  # "3 <b> ... -> Markdown **bold** ..."
    comments: list[Comment] = field(default_factory=list)  # NOTEs left out of the commentary
    warnings: list[Problem] = field(default_factory=list)


def import_into_draft(
    draft: Draft,
    name: str,
    data: bytes | str,
    *,
    notes_as_presenter_notes: bool = False,
) -> tuple[Draft, ImportSummary]:
    """The draft with the file's tracks added as new draft tracks, and a summary.

    Existing tracks are never replaced: each imported track gets an unused id (its own, or
    ``<id>-2``...) and ``status: draft``, so learners see nothing until an educator publishes
    it. Chapters are taken only when the draft has none. ``name`` is the file's name (its
    extension picks the format); ``formats.FormatError`` says what is wrong with the file.
    """
    result = formats.read_file(
        Path(name).name, text=data, notes_as_presenter_notes=notes_as_presenter_notes
    )
    imported = to_data(result.doc)
    out = copy.deepcopy(draft)
    taken = {str(t.get("id")) for t in tracks(out)}
    out_tracks = out.setdefault("tracks", [])
    first = len(out_tracks)
    mapped = list(result.mapped)
    new_ids = []
    for track in imported.get("tracks", []):
        source_id = str(track["id"])
        tid = slug(source_id, taken, "imported")
        taken.add(tid)
        new_ids.append(tid)
        fields = {"id": tid, "name": track.get("name") or tid, "status": "draft"}
        out_tracks.append(fields | {k: v for k, v in track.items() if k not in fields})
        counts = ", ".join(
            f"{len(track[k])} {k}" for k in ("episodes", "cues", "prompts") if track.get(k)
        )
        mapped.append(f"track {source_id!r} -> new draft track {tid!r} ({counts or 'empty'})")
    chapters = imported.get("chapters")
    if chapters and not out.get("chapters"):
        out["chapters"] = chapters
        mapped.append(f"{len(chapters)} chapter(s) -> the file's chapters (it had none)")
    elif chapters:
        mapped.append(f"{len(chapters)} chapter(s) left out: the file has its own")
    summary = ImportSummary(first, new_ids, mapped, list(result.comments), list(result.warnings))
    return out, summary
