"""The draft as the player shows it: a lenient model, untyped onsets, the selected item."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..ids import unique
from ..model import CommentaryFile
from ..playerdata import ItemKind, Selected
from ..trackfile import parse_commentary
from .draft import Draft, draft_yaml, items, tracks
from .marks import Selection, selected_item
from .problems import parse_field_path


def lenient_doc(draft: Draft) -> CommentaryFile | None:
    """The draft as a model for the player, leaving out only the items that are invalid.

    Half-written items (a new cue without text yet) show with a placeholder; items with
    errors are left out of the player (never out of the draft), so every valid mark shows
    on the timeline at once.
    """
    data = copy.deepcopy(draft)
    data["video"] = data.get("video") or "video.mp4"
    data["title"] = data.get("title") or "Untitled"
    for t in tracks(data):
        for table in ("cues", "prompts"):
            for row in items(data, table, tracks(data).index(t)):
                for key in ("text", "question"):
                    if isinstance(row, dict) and key in row and not row[key]:
                        row[key] = "…"
    for _ in range(6):  # each pass removes the items at fault; few passes are ever needed
        result = parse_commentary("draft.yaml", text=draft_yaml(data))
        if result.doc is not None:
            return result.doc
        doomed: set[tuple[str | int, ...]] = set()
        for p in result.errors:
            path = parse_field_path(p.field)
            if len(path) >= 2 and path[0] == "chapters" and isinstance(path[1], int):
                doomed.add(path[:2])
            elif len(path) >= 4 and path[0] == "tracks" and isinstance(path[3], int):
                doomed.add(path[:4])
            else:
                return None  # the file itself is broken (e.g. a track without a name)
        for path in sorted(doomed, key=lambda x: x[-1], reverse=True):  # type: ignore[arg-type,return-value]
            holder: Any = data if path[0] == "chapters" else data["tracks"][path[1]]
            rows = holder.get(path[-2])
            if isinstance(rows, list) and int(path[-1]) < len(rows):
                del rows[int(path[-1])]
        for t in tracks(data):  # links to episodes that were left out
            known = {e.get("id") for e in t.get("episodes") or [] if isinstance(e, dict)}
            for row in (t.get("cues") or []) + (t.get("prompts") or []):
                if isinstance(row, dict) and row.get("episode") not in known:
                    row.pop("episode", None)
    return None


@dataclass(frozen=True)
class PlayerView:
    """What the player shows of a draft (see ``player_view``)."""

    doc: CommentaryFile | None
    untyped: frozenset[tuple[str, str]]  # (track id, episode id): type not chosen yet
    selected: Selected | None  # the selection, when the player shows it


_KIND: dict[str, ItemKind] = {
    "episodes": "episode",
    "cues": "cue",
    "prompts": "prompt",
    "chapters": "chapter",
}


def player_view(draft: Draft, selection: Selection | None = None, track: int = 0) -> PlayerView:
    """The draft for the player in author mode: ``lenient_doc`` plus two things it needs.

    - An onset whose type is not chosen yet is shown at once, as "untyped": it gets a
      stand-in type here (only here: never in the draft) and is listed in ``untyped``.
    - The selected item is named by the id the player sees. Cues and chapters without an
      id get a stand-in id (``draft-cue-3``: the draft's row 3) so that they can be named.
    """
    data = copy.deepcopy(draft)
    untyped: set[tuple[str, str]] = set()
    for t in tracks(data):
        for ep in t.get("episodes") or []:
            if isinstance(ep, dict) and ep.get("type") in (None, ""):
                ep["type"] = "withdrawal"  # a stand-in; the player shows it as untyped
                if isinstance(t.get("id"), str) and isinstance(ep.get("id"), str):
                    untyped.add((t["id"], ep["id"]))
    holders: list[tuple[str, Any]] = [("chapters", data)]
    holders += [("cues", t) for t in tracks(data)]
    for table, holder in holders:
        rows = holder.get(table)
        if not isinstance(rows, list):
            continue
        taken = {str(r.get("id")) for r in rows if isinstance(r, dict) and r.get("id")}
        for i, row in enumerate(rows):
            if isinstance(row, dict) and not row.get("id"):
                stand_in = unique(f"draft-{_KIND[table]}-{i + 1}", taken)
                row["id"] = stand_in
                taken.add(stand_in)
    doc = lenient_doc(data)
    return PlayerView(doc, frozenset(untyped), _selected(doc, data, selection, track))


def _selected(
    doc: CommentaryFile | None, data: Draft, selection: Selection | None, track: int
) -> Selected | None:
    if doc is None or selection is None or selection.table not in _KIND:
        return None
    item = selected_item(data, selection, track)
    ident = item.get("id")
    if not isinstance(ident, str):
        return None
    kind = _KIND[selection.table]
    if kind == "chapter":
        return Selected(kind, ident) if any(c.id == ident for c in doc.chapters) else None
    tid = tracks(data)[track].get("id") if 0 <= track < len(tracks(data)) else None
    shown = next((t for t in doc.tracks if t.id == tid), None)
    if shown is None:
        return None
    present: list[str | None] = (
        [e.id for e in shown.episodes]
        if kind == "episode"
        else [c.id for c in shown.cues]
        if kind == "cue"
        else [p.id for p in shown.prompts]
    )
    return Selected(kind, ident, tid) if ident in present else None
