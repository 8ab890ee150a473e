"""Authoring a commentary file: the draft, its tables, marks, nudges, drafts on disk, uploads.

Pure Python (no Streamlit). The *draft* is the commentary file as plain data, exactly as it
would be written to YAML (times as text, ``"01:02.5"``), not a model: an educator's half-typed
or invalid edit must survive, be saved to the draft file and be shown next to its row, which a
model (that refuses invalid values) could not hold. Validation is ``parse_commentary`` on the
draft's YAML text, so the author sees the same messages as the CLI and the Watch page.

Tables (pandas) show times as ``mm:ss.mmm``; ``to_frame``/``from_frame`` are a round trip that
keeps every field a table does not show (e.g. an episode's repairs).
"""

from __future__ import annotations

import base64
import copy
import math
import os
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd
import yaml

from .datadir import data_dir
from .errors import LibraryError, Problem, TrackFileError, VideoError
from .model import CommentaryFile, Episode, Track, to_data
from .playerdata import ItemKind, Selected
from .timecode import format_time, parse_time
from .trackfile import (
    LoadResult,
    TrackConflictError,
    atomic_write,
    content_digest,
    parse_commentary,
    save_commentary,
)

Draft = dict[str, Any]
TABLES = ("episodes", "cues", "prompts", "chapters")
COLUMNS: dict[str, tuple[str, ...]] = {
    "episodes": (
        "onset", "resolved_at", "id", "title", "type", "markers", "salience", "resolution",
        "alliance", "commentary",
    ),
    "cues": ("start", "end", "text", "lens", "episode", "presenter_notes", "id"),
    "prompts": (
        "at", "id", "question", "kind", "options", "expected", "reveal", "episode", "rewind_to",
    ),
    "chapters": ("start", "title", "id"),
    "repairs": ("at", "strategies", "depth", "directness", "note"),
}  # fmt: skip
TIME_FIELDS = frozenset({"start", "end", "onset", "resolved_at", "at", "rewind_to"})
LIST_FIELDS = frozenset({"markers", "alliance", "options", "strategies"})
# Required text: kept as "" when emptied, so the error stays on its row instead of the row
# silently losing the field.
REQUIRED = {
    "episodes": {"id", "type", "onset"},
    "cues": {"start", "text"},
    "prompts": {"id", "at", "question"},
    "chapters": {"start", "title"},
    "repairs": {"at"},
}
MAIN_TIME = {"episodes": "onset", "cues": "start", "prompts": "at", "chapters": "start"}
END_TIME = {"episodes": "resolved_at", "cues": "end"}
PROBLEM_COLUMN = "problem"
DEFAULT_MAX_UPLOAD_BYTES = 2048 * 1024 * 1024
DRAFT_FORMAT = 1


# ---------------------------------------------------------------- times


def time_cell(value: Any) -> str:
    """A stored time as the table shows it (``mm:ss.mmm``); unparseable text is kept as is.

    >>> time_cell("3"), time_cell("01:02.5"), time_cell(None), time_cell("soon")
    ('00:03.000', '01:02.500', '', 'soon')
    """
    if value is None or value == "":
        return ""
    try:
        return format_time(parse_time(value))
    except (ValueError, TypeError):
        return str(value)


def ms_text(ms: int) -> str:
    """Milliseconds as the draft stores a time (never a bare number: YAML numbers are seconds).

    >>> ms_text(3040), ms_text(60000)
    ('00:03.04', '01:00')
    """
    return format_time(max(0, int(ms)), compact=True)


def time_ms(value: Any) -> int | None:
    try:
        return parse_time(value)
    except (ValueError, TypeError):
        return None


def frame_snap(ms: float, fps: float) -> int:
    """The first whole millisecond inside the frame that covers ``ms``.

    Players find a frame with floor(t * fps); rounding a frame's start *down* (33.37 ms at
    29.97 fps -> 33) would land in the frame before, so round up.

    >>> frame_snap(40, 25), frame_snap(35, 29.97), frame_snap(0, 30)
    (40, 34, 0)
    """
    index = math.floor(ms * fps / 1000 + 1e-6)
    return math.ceil(index * 1000 / fps - 1e-6)


# ---------------------------------------------------------------- the draft


def draft_from_doc(doc: CommentaryFile) -> Draft:
    return to_data(doc)


def new_draft(video: str, title: str) -> Draft:
    """A new commentary file for ``video`` (a path relative to media/) with one empty track."""
    return {
        "version": 1,
        "video": video,
        "title": title or "Untitled",
        "tracks": [{"id": "expert", "name": "Expert"}],
    }


def draft_yaml(draft: Draft) -> str:
    return yaml.safe_dump(draft, sort_keys=False, allow_unicode=True, width=96)


def validate(
    draft: Draft,
    *,
    name: str = "draft.yaml",
    vocabulary: Any | None = None,
    duration_ms: int | None = None,
) -> LoadResult:
    """Check the draft exactly as the file it would become."""
    return parse_commentary(
        name, text=draft_yaml(draft), vocabulary=vocabulary, duration_ms=duration_ms
    )


def tracks(draft: Draft) -> list[dict[str, Any]]:
    value = draft.get("tracks")
    return [t for t in value if isinstance(t, dict)] if isinstance(value, list) else []


def items(draft: Draft, table: str, track: int = 0) -> list[dict[str, Any]]:
    """The rows of ``table`` (chapters belong to the file; the rest to track ``track``)."""
    if table == "chapters":
        holder: Any = draft
    else:
        ts = tracks(draft)
        if not 0 <= track < len(ts):
            return []
        holder = ts[track]
    value = holder.get(table)
    return value if isinstance(value, list) else []


def _with_items(draft: Draft, table: str, track: int, rows: list[dict[str, Any]]) -> Draft:
    out = copy.deepcopy(draft)
    holder = out if table == "chapters" else out["tracks"][track]
    if rows:
        holder[table] = rows
    else:
        holder.pop(table, None)
    return out


def add_track(draft: Draft, name: str) -> tuple[Draft, int]:
    out = copy.deepcopy(draft)
    taken = {t.get("id") for t in tracks(out)}
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-_.").lower() or "track"
    if not base[0].isalnum():
        base = "track"
    tid, n = base, 2
    while tid in taken:
        tid, n = f"{base}-{n}", n + 1
    out.setdefault("tracks", []).append({"id": tid, "name": name or tid})
    return out, len(out["tracks"]) - 1


# ---------------------------------------------------------------- tables


def _cell(name: str, value: Any) -> Any:
    if name in TIME_FIELDS:
        return time_cell(value)
    if name in LIST_FIELDS:
        return [str(v) for v in value] if isinstance(value, list) else []
    if name == "salience":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return "" if value is None else str(value)


def to_frame(
    draft: Draft,
    table: str,
    track: int = 0,
    problems: dict[int, list[str]] | None = None,
    *,
    episode: int | None = None,
) -> pd.DataFrame:
    """One table of the draft; the index is each row's position in the draft's list.

    ``problems`` (row -> messages) fills a read-only "problem" column. For ``repairs`` pass
    ``episode``: the index of the episode whose repairs to show.
    """
    rows = _repairs(draft, track, episode) if table == "repairs" else items(draft, table, track)
    columns = list(COLUMNS[table])
    records = [{c: _cell(c, row.get(c)) for c in columns} for row in rows]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame.index = pd.RangeIndex(len(rows))
    if "salience" in frame:
        frame["salience"] = frame["salience"].astype("Int64")
    for c in columns:
        if c not in LIST_FIELDS and c != "salience":
            frame[c] = frame[c].astype(object)
    frame[PROBLEM_COLUMN] = ["; ".join((problems or {}).get(i, [])) for i in range(len(rows))]
    return frame


def _repairs(draft: Draft, track: int, episode: int | None) -> list[dict[str, Any]]:
    eps = items(draft, "episodes", track)
    if episode is None or not 0 <= episode < len(eps):
        return []
    value = eps[episode].get("repairs")
    return value if isinstance(value, list) else []


def _value(table: str, name: str, cell: Any, old: Any) -> Any:
    """A cell back into draft data; ``_MISSING`` removes the field."""
    required = name in REQUIRED[table]
    if hasattr(cell, "tolist") and not isinstance(cell, str):  # arrays from the grid
        cell = cell.tolist()
    if isinstance(cell, list | tuple):
        values = [str(v).strip() for v in cell if str(v).strip()]
        return values or _MISSING
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return "" if required else _MISSING
    if name == "salience":
        try:
            return int(cell)
        except (TypeError, ValueError):
            return str(cell)
    text = str(cell)
    if name in TIME_FIELDS:
        text = text.strip()
        if text and old is not None and time_ms(text) is not None and time_ms(text) == time_ms(old):
            return old  # same time, written differently: keep the file's spelling
    if text == "" and not required:
        return _MISSING
    if name in LIST_FIELDS:  # typed as text (fallback): comma-separated
        return [v.strip() for v in text.split(",") if v.strip()] or _MISSING
    return text


_MISSING = object()


def from_frame(
    draft: Draft,
    table: str,
    frame: pd.DataFrame,
    track: int = 0,
    *,
    episode: int | None = None,
) -> Draft:
    """The draft with ``table`` replaced by the (edited) frame.

    Rows keep their index from ``to_frame``: an index that was an old position updates that
    item (fields the table does not show are kept); any other index is a new row; missing
    indexes were deleted.
    """
    old_rows = _repairs(draft, track, episode) if table == "repairs" else items(draft, table, track)
    columns = [c for c in COLUMNS[table] if c in frame.columns]
    rows: list[dict[str, Any]] = []
    for index, record in zip(frame.index, frame.to_dict("records"), strict=True):
        is_old = (
            isinstance(index, int | float)
            and not pd.isna(index)
            and 0 <= int(index) < len(old_rows)
            and float(index).is_integer()
        )
        base = copy.deepcopy(old_rows[int(index)]) if is_old else {}
        if not is_old and all(_empty(record.get(c)) for c in columns):
            continue  # a blank row the grid added and the user never filled
        for c in columns:
            if is_old and _unchanged(record.get(c), _cell(c, base.get(c))):
                continue  # untouched cells keep the draft's data exactly (absent stays absent)
            value = _value(table, c, record.get(c), base.get(c))
            if value is _MISSING:
                base.pop(c, None)
            else:
                base[c] = value
        rows.append(_ordered(base, table))
    if table != "repairs":
        return _with_items(draft, table, track, rows)
    out = copy.deepcopy(draft)
    ep = out["tracks"][track]["episodes"][episode]
    if rows:
        ep["repairs"] = rows
    else:
        ep.pop("repairs", None)
    return out


def _unchanged(cell: Any, shown: Any) -> bool:
    if hasattr(cell, "tolist") and not isinstance(cell, str):
        cell = cell.tolist()
    if _empty(cell) and _empty(shown):
        return True
    if isinstance(cell, list | tuple) or isinstance(shown, list | tuple):
        return list(cell or []) == list(shown or []) if not _empty(cell) else False
    try:
        return bool(cell == shown)
    except (TypeError, ValueError):
        return False


def _empty(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return not value
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def _ordered(row: dict[str, Any], table: str) -> dict[str, Any]:
    """Fields in the documented order (id first), unknown ones after: stable YAML diffs."""
    order = {
        "episodes": list(Episode.model_fields),
        "repairs": ["at", "strategies", "depth", "directness", "note"],
        "cues": ["id", "start", "end", "lens", "episode", "text", "presenter_notes"],
        "prompts": [
            "id", "at", "question", "kind", "options", "expected", "reveal", "episode",
            "rewind_to",
        ],
        "chapters": ["id", "start", "title"],
    }[table]  # fmt: skip
    return {k: row[k] for k in order if k in row} | {k: v for k, v in row.items() if k not in order}


# ---------------------------------------------------------------- problems per row

_PATH_PART = re.compile(r"\.?([A-Za-z_]+)|\[(\d+)\]")


def parse_field_path(text: str) -> tuple[str | int, ...]:
    """``tracks[0].cues[2].start`` -> ``('tracks', 0, 'cues', 2, 'start')``."""
    return tuple(int(m[2]) if m[2] is not None else m[1] for m in _PATH_PART.finditer(text or ""))


@dataclass
class RowProblems:
    """Validation messages placed where the author can act on them."""

    rows: dict[str, dict[int, list[str]]] = field(default_factory=dict)  # table -> row -> msgs
    repairs: dict[int, dict[int, list[str]]] = field(default_factory=dict)  # episode -> row
    other: list[Problem] = field(default_factory=list)  # file/track level, or other tracks

    def count(self) -> int:
        return sum(len(v) for rows in self.rows.values() for v in rows.values()) + sum(
            len(v) for rows in self.repairs.values() for v in rows.values()
        )


def map_problems(problems: Iterable[Problem], track: int = 0) -> RowProblems:
    """Group problems by (table, row) of track ``track``; the rest go to ``other``."""
    out = RowProblems()
    for p in problems:
        path = parse_field_path(p.field)
        label = "" if p.is_error else "warning: "
        placed = False
        if len(path) >= 3 and path[0] == "chapters" and isinstance(path[1], int):
            out.rows.setdefault("chapters", {}).setdefault(path[1], []).append(
                f"{label}{_field_msg(path[2:], p.message)}"
            )
            placed = True
        elif (
            len(path) >= 4
            and path[:2] == ("tracks", track)
            and path[2] in TABLES
            and isinstance(path[3], int)
        ):
            table, row, rest = str(path[2]), path[3], path[4:]
            if table == "episodes" and len(rest) >= 2 and rest[0] == "repairs":
                if isinstance(rest[1], int):
                    out.repairs.setdefault(row, {}).setdefault(rest[1], []).append(
                        f"{label}{_field_msg(rest[2:], p.message)}"
                    )
                rest = ("repairs",) + tuple(rest[2:3])
            out.rows.setdefault(table, {}).setdefault(row, []).append(
                f"{label}{_field_msg(rest, p.message)}"
            )
            placed = True
        if not placed:
            out.other.append(p)
    return out


def _field_msg(rest: tuple[str | int, ...], message: str) -> str:
    name = next((str(x) for x in rest if isinstance(x, str)), "")
    return f"{name}: {message}" if name else message


# ---------------------------------------------------------------- marks and nudges


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


def _free_id(taken: Iterable[Any], prefix: str) -> str:
    used = {str(t) for t in taken}
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


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
        eid = _free_id((e.get("id") for e in rows), "ep")
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
        index = _insert_sorted(rows, _ordered(item, "cues"), "start")
        return MarkResult(out, Selection("cues", index), f"Cue added at {at_text}: write its text")
    if kind == "prompt":
        rows = holder.setdefault("prompts", [])
        pid = _free_id((p.get("id") for p in rows), "p")
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

    Frame steps land on the first millisecond of a frame (``frame_snap``), so the player
    shows exactly that frame there.
    """
    if selection is None:
        return draft
    name = END_TIME.get(selection.table) if end else MAIN_TIME.get(selection.table)
    item = selected_item(draft, selection, track)
    now = time_ms(item.get(name)) if name else None
    if name is None or now is None:
        return draft
    if frames:
        rate = fps if fps and fps > 0 else 25.0
        index = math.floor(now * rate / 1000 + 1e-6) + frames
        new = math.ceil(max(0, index) * 1000 / rate - 1e-6)
    else:
        new = now + ms
    return set_time(draft, selection, name, max(0, new), track)


# ---------------------------------------------------------------- a playable doc


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
                stand_in, n = f"draft-{_KIND[table]}-{i + 1}", 2
                while stand_in in taken:
                    stand_in, n = f"draft-{_KIND[table]}-{i + 1}-{n}", n + 1
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


# ---------------------------------------------------------------- draft files


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


def _safe_slug(slug: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", slug).strip(".") or "draft"


def draft_path(slug: str, root: Path | None = None) -> Path:
    return drafts_dir(root) / f"{_safe_slug(slug)}.yaml"


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
    dest = drafts_dir(root) / "set-aside" / f"{_safe_slug(slug)}--{stamp}.yaml"
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, dest)
    return dest


def set_aside_drafts(slug: str, root: Path | None = None) -> list[Path]:
    folder = drafts_dir(root) / "set-aside"
    return sorted(folder.glob(f"{_safe_slug(slug)}--*.yaml"), reverse=True)


# ---------------------------------------------------------------- saving


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


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``... whichever does not exist."""
    candidate, n = folder / f"{stem}{suffix}", 2
    while candidate.exists():
        candidate, n = folder / f"{stem}-{n}{suffix}", n + 1
    return candidate


def save_as_copy(state: DraftFile, commentary_dir: Path, **kwargs: Any) -> tuple[DraftFile, str]:
    """Save the draft as a new commentary file beside the original (``<slug>-copy``)."""
    path = unique_path(commentary_dir, f"{_safe_slug(state.slug)}-copy", ".yaml")
    new = DraftFile(path.stem, str(path), None, state.draft)
    digest, _ = save(new, **kwargs)
    return DraftFile(path.stem, str(path), digest, state.draft), digest


# ---------------------------------------------------------------- uploads


class UploadError(VideoError):
    """An uploaded file that is refused (too big, not a video, unsafe name)."""


def safe_name(name: str, allowed: Iterable[str]) -> tuple[str, str]:
    """A plain file stem and a lower-case suffix from an uploaded name.

    >>> safe_name("../Séance 3 (final).MOV", {".mov"})
    ('seance-3-final', '.mov')
    """
    import unicodedata

    base = Path(name.replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    if suffix not in set(allowed):
        raise UploadError(
            f"{base!r} is not a video file this app reads; expected one of: "
            f"{', '.join(sorted(allowed))}",
            file=base,
        )
    stem = unicodedata.normalize("NFKD", Path(base).stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_").lower()[:80]
    return stem or "video", suffix


def save_upload(
    source: IO[bytes],
    name: str,
    media_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    allowed: Iterable[str] = (".mp4", ".m4v", ".webm", ".mov", ".mkv", ".avi", ".ogv"),
    chunk: int = 1 << 20,
) -> Path:
    """Copy an upload into ``media_dir`` under a safe, unused name; never overwrites.

    Written to a temp file first and linked into place (``os.link`` fails if the name was
    taken meanwhile); a file over ``max_bytes`` is refused and removed.
    """
    stem, suffix = safe_name(name, allowed)
    media_dir.mkdir(parents=True, exist_ok=True)
    tmp = media_dir / f".upload-{uuid.uuid4().hex}.part"
    size = 0
    try:
        with tmp.open("xb") as out:
            while block := source.read(chunk):
                size += len(block)
                if size > max_bytes:
                    raise UploadError(
                        f"the file is larger than the upload limit of "
                        f"{max_bytes / 1024**2:,.0f} MB",
                        file=name,
                    )
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise UploadError("the file is empty", file=name)
        for _ in range(1000):
            dest = unique_path(media_dir, stem, suffix)
            try:
                os.link(tmp, dest)
                return dest
            except FileExistsError:
                continue
        raise UploadError("could not find a free file name", file=name)
    finally:
        tmp.unlink(missing_ok=True)


def new_commentary_path(commentary_dir: Path, video: Path) -> Path:
    """Where a new commentary file for ``video`` goes: its stem, never an existing file."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", video.stem).strip("-.") or "video"
    return unique_path(commentary_dir, stem, ".yaml")


def title_from(stem: str) -> str:
    """A readable title from a file name.

    >>> title_from("session-03_final")
    'Session 03 final'
    """
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"


# ---------------------------------------------------------------- thumbnails


def thumbnail_uris(
    video_path: Path,
    times_ms: list[int],
    *,
    cache_dir: Path | None = None,
    width: int = 160,
    quality: int = 70,
) -> list[str]:
    """``data:image/jpeg;base64,...`` thumbnails of the frames at ``times_ms`` (cached on disk).

    Data URIs work in ``st.column_config.ImageColumn`` and in the player's tooltips without
    serving the thumbnail files (recordings and their frames never leave the app). 160 px at
    quality 70 is about 3-4 KB of base64 a picture (about 6 KB at quality 90).
    """
    from . import video

    cache = cache_dir or data_dir() / "thumbnails"
    paths = video.thumbnails(video_path, times_ms, width=width, cache_dir=cache, quality=quality)
    return [
        "data:image/jpeg;base64," + base64.b64encode(p.read_bytes()).decode("ascii") for p in paths
    ]


def relative_to_media(media_dir: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(media_dir.resolve()).as_posix()
    except ValueError:
        raise LibraryError("the video is not inside media/", file=str(path)) from None


def digest_of(path: Path) -> str | None:
    try:
        return content_digest(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None


__all__ = [
    "COLUMNS",
    "DraftFile",
    "MarkResult",
    "RowProblems",
    "Selection",
    "TrackConflictError",
    "Track",
    "UploadError",
    "apply_mark",
    "draft_from_doc",
    "draft_yaml",
    "from_frame",
    "lenient_doc",
    "map_problems",
    "nudge",
    "player_view",
    "read_draft",
    "save",
    "save_as_copy",
    "save_upload",
    "thumbnail_uris",
    "to_frame",
    "validate",
    "write_draft",
]
