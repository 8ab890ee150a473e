"""What the Author page does to the draft: open, commit, marks and nudges from the player, edits.

Callbacks (``on_change``/``on_click`` and the player's triggers) run before the script, so a
change shows in the same rerun. Every change goes through ``commit``, which writes the draft
file at once and bumps the version that is part of every editor's key: editors are rebuilt
from the draft after each change, so an edit is never applied twice.
"""

from __future__ import annotations

import copy
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens.authoring import history as edit_history
from alliance_lens.errors import AllianceLensError, FormatError
from alliance_lens.library import Library
from alliance_lens.player import trigger_value
from alliance_lens.playerdata import Command
from alliance_lens.trackfile import load_yaml, parse_commentary

from .state import PLAYER_KEY, TABLE_LABELS, TYPES, key, state

NUDGE_LIMITS = {"by_frames": 10_000, "by_ms": 3_600_000}  # a key burst is far below these


# ---------------------------------------------------------------- opening and committing


def open_entry(library: Library, slug: str) -> None:
    """Open a commentary file; a draft left from before (reload, crash) is resumed."""
    s = state()
    path = library.commentary_dir / f"{slug}.yaml"
    s.reset()
    try:
        saved = au.read_draft(slug)
    except AllianceLensError as exc:
        s.say(
            "error",
            f"A draft for {slug} exists but cannot be read ({exc.message}); it was left in place.",
        )
        saved = None
    if saved is not None:
        s.file = replace(saved, track_path=saved.track_path or str(path))
        s.dirty = True
        when = time.strftime("%d %b %H:%M", time.localtime(saved.updated))
        s.say("info", f"Resumed your unsaved changes from {when}.")
        return
    result = parse_commentary(path, vocabulary=library.vocabulary)
    if result.doc is not None:
        draft = au.draft_from_doc(result.doc)
    else:  # a file with errors opens as it is, so the author can fix it here
        try:
            data, _ = load_yaml(path)
        except AllianceLensError:
            data = None
        if not isinstance(data, dict):
            s.say(
                "error",
                "This file cannot be opened in the editor; fix it in a text editor "
                "(problems are listed on the Library page).",
            )
            return
        draft = data
    s.file = au.DraftFile(slug, str(path), result.digest, draft)
    s.dirty = False


def open_new(library: Library, video: Path) -> None:
    """Start a commentary file for a video that has none."""
    s = state()
    path = au.new_commentary_path(library.commentary_dir, video)
    s.reset()
    try:
        saved = au.read_draft(path.stem)
    except AllianceLensError:
        saved = None
    rel = library.media_relative(video)
    if saved is not None and saved.draft.get("video") == rel:
        s.file = saved
        s.dirty = True
        s.say("info", "Resumed your unsaved new commentary file.")
        return
    draft = au.new_draft(rel, au.title_from(video.stem))
    s.file = au.DraftFile(path.stem, str(path), None, draft)
    s.dirty = True
    commit(draft, "New commentary file: mark the first moment to begin.")


def commit(draft: au.Draft, message: str | None = None, *, undoable: bool = True) -> None:
    """Make ``draft`` the current draft and write it to the draft file at once.

    ``undoable``: the draft it replaces goes on the undo stack (not for undo/redo themselves).
    """
    s = state()
    current = s.file
    if current is None:
        return
    if undoable:
        s.history = edit_history.record(s.history, current.draft, draft)
    new = replace(current, draft=draft)
    s.file = new
    s.dirty = True
    s.bump()
    try:
        au.write_draft(new)
    except OSError as exc:
        s.say("error", f"Could not write the draft file ({exc}); save soon.")
        return
    if message:
        s.say("success", message)


def undo() -> None:
    """Take back the last edit of this session (the draft file follows)."""
    _step(edit_history.undo, "Undone.", "Nothing to undo.")


def redo() -> None:
    """Make again the last edit taken back."""
    _step(edit_history.redo, "Redone.", "Nothing to redo.")


def _step(move: Any, done: str, nothing: str) -> None:
    s = state()
    current = s.file
    if current is None:
        return
    step = move(s.history, current.draft)
    if step is None:
        s.say("info", nothing)
        return
    s.history, draft = step
    sel = s.selection
    if sel is not None and len(au.items(draft, sel.table, s.track)) != len(
        au.items(current.draft, sel.table, s.track)
    ):
        s.selection = None  # rows came or went: the row may now be another item
    commit(draft, done, undoable=False)


def handle_history(payload: Any = None) -> None:
    """The player's ``history`` trigger: ``{action: "undo" | "redo"}`` (Ctrl+Z, Ctrl+Shift+Z)."""
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "history")
    action = payload.get("action") if isinstance(payload, dict) else None
    if action == "undo":
        undo()
    elif action == "redo":
        redo()


# ---------------------------------------------------------------- player triggers


def handle_mark(payload: Any = None) -> None:
    """The player's ``mark`` trigger (a callback: runs before the script)."""
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "mark")
    s = state()
    current = s.file
    if current is None or not isinstance(payload, dict):
        return
    kind, at = payload.get("kind"), payload.get("at_ms")
    if not isinstance(kind, str) or not isinstance(at, int | float) or at < 0:
        return
    result = au.apply_mark(current.draft, kind, int(at), s.track, s.selection)
    s.position_ms = int(at)
    if result.draft is not current.draft:
        commit(result.draft, result.message)
    else:
        s.say("warning", result.message)
    s.selection = result.selection


def handle_nudge(payload: Any = None) -> None:
    """The player's ``nudge`` trigger: move the selected item's start (Alt+, / Alt+.).

    ``{by_frames: n}`` or ``{by_ms: n}``, plus ``selected`` as the player showed it: if
    the selection changed meanwhile, nothing moves (the keys meant another item).
    """
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "nudge")
    s = state()
    current, sel = s.file, s.selection
    if current is None or not isinstance(payload, dict):
        return
    if sel is None:
        s.say("warning", "Select an item first, then nudge it.")
        return
    step = {
        name: int(value)
        for name, value in payload.items()
        if name in NUDGE_LIMITS
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and 0 < abs(value) <= NUDGE_LIMITS[name]
    }
    if len(step) != 1:
        return
    shown = au.player_view(current.draft, sel, s.track).selected
    if "selected" in payload and payload["selected"] != (shown.to_json() if shown else None):
        s.say("warning", "The selection changed before the nudge arrived; nothing moved.")
        return
    kw = {"frames": step["by_frames"]} if "by_frames" in step else {"ms": step["by_ms"]}
    nudge_item(sel, s.track, s.fps or 25.0, kw)


def handle_position(payload: Any = None) -> None:
    """Pauses tell us where the playhead is, for "set start/end here"."""
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "position")
    if isinstance(payload, dict) and isinstance(payload.get("at_ms"), int | float):
        state().position_ms = int(payload["at_ms"])


def seek(at_ms: int) -> None:
    state().command = Command("seek", uuid.uuid4().hex, at_ms)


# ---------------------------------------------------------------- edits of the selected item


def nudge_item(sel: au.Selection, track: int, fps: float, kw: dict[str, int]) -> None:
    current = state().file
    if current is not None:
        new = au.nudge(current.draft, sel, fps=fps, track=track, **kw)  # type: ignore[arg-type]
        commit(new)
        at = au.time_ms(au.selected_item(new, sel, track).get(au.MAIN_TIME[sel.table]))
        if at is not None:
            seek(at)  # show the frame it now starts on


def mark_here(kind: str) -> None:
    pos = state().position_ms
    if pos is not None:
        handle_mark({"kind": kind, "at_ms": pos})


def delete_item(sel: au.Selection, track: int) -> None:
    s = state()
    current = s.file
    if current is None:
        return
    rows = list(au.items(current.draft, sel.table, track))
    if 0 <= sel.row < len(rows):
        del rows[sel.row]
        commit(
            au.with_items(current.draft, sel.table, track, rows),
            f"{TABLE_LABELS[sel.table]} deleted (Discard changes brings it back).",
        )
    s.selection = None


def selection_box_key(version: int, sel: au.Selection | None) -> str:
    """The "Selected item" box's key: new for every draft version and every selection."""
    return key(f"sel_box_{version}_{sel.table}_{sel.row}" if sel else f"sel_box_{version}")


def selection_changed(widget_key: str) -> None:
    """A pick in the "Selected item" box; a box drawn for an earlier selection is ignored."""
    s = state()
    if widget_key == selection_box_key(s.version, s.selection):
        s.selection = st.session_state.get(widget_key)


def fresh(widget_key: str) -> bool:
    """Whether an editor widget was built from the current draft (its key carries the
    version). Streamlit can call back for a widget of an earlier version, after an undo for
    instance; its row index may now name another item, so such a call changes nothing."""
    v = state().version
    return widget_key.endswith(f"_{v}") or widget_key.startswith(key(f"f_{v}_"))


def field_changed(sel: au.Selection, track: int, name: str, widget_key: str) -> None:
    current = state().file
    if current is None or not fresh(widget_key):
        return
    value = st.session_state.get(widget_key)
    rows = [dict(r) for r in au.items(current.draft, sel.table, track)]
    if not 0 <= sel.row < len(rows):
        return
    old = rows[sel.row].get(name)
    if value in (None, "", []) and old in (None, "", []):
        return  # the same (Streamlit may call back for a rebuilt widget): no undo step
    if isinstance(value, list | tuple) and list(value) == old or value == old:
        return
    if value in (None, "", []) and name not in au.REQUIRED[sel.table]:
        rows[sel.row].pop(name, None)
    else:
        rows[sel.row][name] = list(value) if isinstance(value, list | tuple) else value
    commit(au.with_items(current.draft, sel.table, track, rows))


def markers_changed(sel: au.Selection, track: int, widget_key: str, vocab: Any) -> None:
    """The marker pills changed. A rupture with no type yet takes the type its markers all
    share (a withdrawal marker means a withdrawal rupture): one pick fewer per mark."""
    current = state().file
    if current is None or not fresh(widget_key) or sel.table != "episodes":
        return
    value = list(st.session_state.get(widget_key) or [])
    rows = [dict(r) for r in au.items(current.draft, "episodes", track)]
    if not 0 <= sel.row < len(rows) or value == (rows[sel.row].get("markers") or []):
        return
    row = rows[sel.row]
    if value:
        row["markers"] = value
    else:
        row.pop("markers", None)
    types = {vocab.marker_type(m) for m in value}
    if not row.get("type") and len(types) == 1 and types <= set(TYPES):
        row["type"] = types.pop()
    commit(au.with_items(current.draft, "episodes", track, rows))


def repair_strategies_changed(sel: au.Selection, track: int, repair: int, widget_key: str) -> None:
    """The strategy pills of one repair move (of the selected rupture) changed."""
    current = state().file
    if current is None or not fresh(widget_key) or sel.table != "episodes":
        return
    value = list(st.session_state.get(widget_key) or [])
    rows = copy.deepcopy(au.items(current.draft, "episodes", track))
    if not 0 <= sel.row < len(rows):
        return
    moves = rows[sel.row].get("repairs") or []
    if not 0 <= repair < len(moves) or (moves[repair].get("strategies") or []) == value:
        return
    if value:
        moves[repair]["strategies"] = value
    else:
        moves[repair].pop("strategies", None)
    commit(au.with_items(current.draft, "episodes", track, rows))


def file_changed(name: str, widget_key: str) -> None:
    current = state().file
    if current is None or not fresh(widget_key):
        return
    value = str(st.session_state.get(widget_key) or "")
    if value == str(current.draft.get(name) or ""):
        return  # unchanged: no write, no undo step
    draft = dict(current.draft)
    if value or name == "title":
        draft[name] = value
    else:
        draft.pop(name, None)
    commit(draft)


def track_changed(track: int, name: str, widget_key: str) -> None:
    current = state().file
    if current is None or not fresh(widget_key):
        return
    value = str(st.session_state.get(widget_key) or "")
    tracks = au.tracks(current.draft)
    if not 0 <= track < len(tracks) or value == str(tracks[track].get(name) or ""):
        return  # unchanged (or the track is gone): no write, no undo step
    draft = copy.deepcopy(current.draft)
    draft["tracks"][track][name] = value
    commit(draft)


def do_import(name: str, data: bytes, keep_notes: bool = False) -> None:
    """Import a commentary file (WebVTT, SRT, ELAN, CSV, YAML) as new draft track(s).

    The tables stay on the track being edited; the page says where the import went and
    what became what (``s.imported``), and learners see nothing until it is published.
    """
    s = state()
    current = s.file
    if current is None:
        return
    try:
        new, summary = au.import_into_draft(
            current.draft, name, data, notes_as_presenter_notes=keep_notes
        )
    except FormatError as exc:
        s.import_problems = exc.problems
        s.imported = None
        s.say("error", f"Nothing imported from {name}: {exc.message}")
        return
    except AllianceLensError as exc:
        s.imported = None
        s.say("error", f"Nothing imported from {name}: {exc.message}")
        return
    ids = ", ".join(repr(t) for t in summary.track_ids) or "no track"
    commit(
        new,
        f"Imported {name} as a new draft track ({ids}): learners do not see it until you "
        "publish it (File & tracks). The import summary is under Import / export.",
    )
    s.imported = (name, summary)
    s.import_problems = summary.warnings
