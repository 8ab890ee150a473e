"""Marks from the player (a new item at the frame on screen) and nudges of the selected item."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..ids import numbered
from ..timecode import format_time, snap_to_frame
from .draft import END_TIME, MAIN_TIME, Draft, items, ms_text, ordered, time_ms, tracks


@dataclass(frozen=True)
class Selection:
    """An item of the draft: ``table`` row ``row`` (of the current track, except chapters)."""

    table: str
    row: int


MARK_KINDS = ("cue", "onset", "resolution", "prompt", "chapter", "in", "out")


@dataclass(frozen=True)
class MarkResult:
    draft: Draft
    selection: Selection | None
    message: str


def _insert_sorted(rows: list[dict[str, Any]], item: dict[str, Any], key: str) -> int:
    """Insert by time (rows with unreadable times stay where they are); returns the index."""
    at = time_ms(item[key])
    index = len(rows)
    for i, row in enumerate(rows):
        t = time_ms(row.get(key))
        if t is not None and at is not None and t > at:
            index = i
            break
    rows.insert(index, item)
    return index


def episode_at(draft: Draft, at_ms: int, track: int = 0) -> int | None:
    """The episode in progress at ``at_ms``: the latest onset at or before it."""
    best: tuple[int, int] | None = None
    for i, ep in enumerate(items(draft, "episodes", track)):
        onset = time_ms(ep.get("onset"))
        if onset is not None and onset <= at_ms and (best is None or onset >= best[0]):
            best = (onset, i)
    return best[1] if best else None


def apply_mark(
    draft: Draft,
    kind: str,
    at_ms: int,
    track: int = 0,
    selection: Selection | None = None,
) -> MarkResult:
    """Apply a mark from the player (``kind`` at ``at_ms``, the frame on screen).

    - ``cue``, ``prompt``, ``chapter``: a new item at that time (text left for the author).
    - ``onset``: a new rupture episode; its type and markers are chosen next.
    - ``resolution``: the episode in progress is resolved here.
    - ``in`` / ``out``: the selected item starts / ends here.
    """
    at_ms = max(0, int(at_ms))
    t = ms_text(at_ms)
    at_text = format_time(at_ms)
    if kind in ("in", "out"):
        if selection is None:
            return MarkResult(draft, None, "Select an item first, then set its in or out point.")
        name = MAIN_TIME[selection.table] if kind == "in" else END_TIME.get(selection.table)
        if name is None:
            return MarkResult(draft, selection, f"A {selection.table[:-1]} has no out point.")
        return MarkResult(
            set_time(draft, selection, name, at_ms, track), selection, f"{name} set to {at_text}"
        )
    if not tracks(draft) and kind != "chapter":
        return MarkResult(draft, None, "The file has no track to mark in.")
    out = copy.deepcopy(draft)
    if kind == "chapter":
        rows = list(items(out, "chapters"))
        index = _insert_sorted(rows, {"start": t, "title": f"Chapter {len(rows) + 1}"}, "start")
        out["chapters"] = rows
        return MarkResult(out, Selection("chapters", index), f"Chapter added at {at_text}")
    holder = out["tracks"][track]
    if kind == "resolution":
        ep = episode_at(out, at_ms, track)
        if ep is None:
            return MarkResult(draft, selection, f"No rupture onset before {at_text} to resolve.")
        holder["episodes"][ep]["resolved_at"] = t
        eid = holder["episodes"][ep].get("id")
        return MarkResult(out, Selection("episodes", ep), f"Rupture {eid} resolved at {at_text}")
    if kind == "onset":
        rows = holder.setdefault("episodes", [])
        eid = numbered("ep", (e.get("id") for e in rows))
        index = _insert_sorted(rows, {"id": eid, "onset": t}, "onset")
        return MarkResult(
            out,
            Selection("episodes", index),
            f"Rupture onset {eid} at {at_text}: choose its type and markers",
        )
    if kind == "cue":
        rows = holder.setdefault("cues", [])
        item: dict[str, Any] = {"start": t, "text": ""}
        ep = episode_at(draft, at_ms, track)
        if ep is not None and _open_at(items(draft, "episodes", track)[ep], at_ms):
            item["episode"] = items(draft, "episodes", track)[ep].get("id")
        index = _insert_sorted(rows, ordered(item, "cues"), "start")
        return MarkResult(out, Selection("cues", index), f"Cue added at {at_text}: write its text")
    if kind == "prompt":
        rows = holder.setdefault("prompts", [])
        pid = numbered("p", (p.get("id") for p in rows))
        item = {"id": pid, "at": t, "question": ""}
        ep = episode_at(draft, at_ms, track)
        if ep is not None and _open_at(items(draft, "episodes", track)[ep], at_ms):
            item["episode"] = items(draft, "episodes", track)[ep].get("id")
        index = _insert_sorted(rows, item, "at")
        return MarkResult(
            out, Selection("prompts", index), f"Prompt {pid} at {at_text}: write its question"
        )
    return MarkResult(draft, selection, f"Unknown mark {kind!r}; nothing changed.")


def _open_at(episode: dict[str, Any], at_ms: int) -> bool:
    end = time_ms(episode.get("resolved_at"))
    return end is None or at_ms <= end


def selected_item(draft: Draft, selection: Selection | None, track: int = 0) -> dict[str, Any]:
    if selection is None:
        return {}
    rows = items(draft, selection.table, track)
    return rows[selection.row] if 0 <= selection.row < len(rows) else {}


def set_time(draft: Draft, selection: Selection, name: str, at_ms: int, track: int = 0) -> Draft:
    rows = items(draft, selection.table, track)
    if not 0 <= selection.row < len(rows):
        return draft
    out = copy.deepcopy(draft)
    target = items(out, selection.table, track)[selection.row]
    target[name] = ms_text(at_ms)
    return out


def nudge(
    draft: Draft,
    selection: Selection | None,
    *,
    frames: int = 0,
    ms: int = 0,
    fps: float | None = None,
    track: int = 0,
    end: bool = False,
) -> Draft:
    """Move the selected item's time (its end with ``end``) by whole frames or milliseconds.

    Frame steps land on the first millisecond of a frame (``snap_to_frame``), so the player
    shows exactly that frame there.
    """
    if selection is None:
        return draft
    name = END_TIME.get(selection.table) if end else MAIN_TIME.get(selection.table)
    item = selected_item(draft, selection, track)
    now = time_ms(item.get(name)) if name else None
    if name is None or now is None:
        return draft
    rate = fps if fps and fps > 0 else 25.0
    new = snap_to_frame(now, rate, frames) if frames else now + ms
    return set_time(draft, selection, name, max(0, new), track)
