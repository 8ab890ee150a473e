"""Marking on the Author page: the player in author mode and the selected item's editor."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from alliance_lens import authoring as au
from alliance_lens.authoring.edit_log import new_edits
from alliance_lens.errors import AllianceLensError
from alliance_lens.library import Library, captions_path
from alliance_lens.media_route import media_url
from alliance_lens.player import player, trigger_value
from alliance_lens.player.keys import readme_keys
from alliance_lens.playerdata import (
    Mode,
    PlayerOptions,
    VideoSource,
    build_player_data,
    build_video_only_data,
)
from alliance_lens.timecode import format_time
from alliance_lens.ui.loaders import onset_thumbnails
from alliance_lens.ui.safe_text import lit

from . import actions
from .editors import episode_fields, text_field
from .state import PLAYER_KEY, TABLE_LABELS, key, state


def author_keys_help() -> str:
    """The key line under the player, from the one key table (as the README's)."""
    return readme_keys(author=True) + " " + readme_keys(author=False)


def player_panel(
    library: Library,
    current: au.DraftFile,
    vpath: Path | None,
    facts: dict[str, Any],
    track: int,
) -> None:
    s = state()
    mode: Mode = (
        st.segmented_control(
            "Player",
            ["author", "learner"],
            default="author",
            key=key("mode"),
            format_func=lambda m: {"author": "Mark", "learner": "Preview as a learner"}[m],
            help="Mark: keys and buttons mark the frame on screen. Preview: the draft as learners "
            "will see it (prompts stop the video), before you save.",
        )
        or "author"
    )
    src = None
    if vpath is not None and "error" not in facts:
        src = VideoSource(
            media_url(library.media_relative(vpath)),
            facts["fps"],
            facts["duration_ms"],
            captions_url(library, current.draft),
        )
    source = src or VideoSource(None, problem="No playable video for this file.")
    s.fps = facts.get("fps") or 25.0  # for the nudge callback (frames -> ms)
    view = au.player_view(current.draft, s.selection, track)
    options = PlayerOptions(
        mode=mode,
        command=s.command,
        selected=view.selected,
        dirty=s.dirty,  # the player warns before the tab is closed or reloaded
        untyped=view.untyped,
        thumbs=onset_thumbnails(view.doc, vpath if src is not None else None),
    )
    data = (
        build_player_data(view.doc, library.vocabulary, source, options)
        if view.doc is not None
        else build_video_only_data(str(current.draft.get("title", "")), source, options)
    )
    data["edit_ack"] = s.edit_ack.as_data()  # the player stops sending what was applied
    player(
        data,
        key=PLAYER_KEY,
        on_mark=functools.partial(on_player_edit, "mark"),
        on_position=actions.handle_position,
        on_nudge=functools.partial(on_player_edit, "nudge"),
        on_history=functools.partial(on_player_edit, "history"),
    )
    if mode == "author":
        st.caption(author_keys_help())


EDIT_HANDLERS = {
    "mark": actions.handle_mark,
    "nudge": actions.handle_nudge,
    "history": actions.handle_history,
}


def on_player_edit(name: str) -> None:
    """The player's ``mark``, ``nudge`` or ``history`` trigger (a callback, before the script):
    every edit it carries that was not applied yet, once each and in order (edit_log.py)."""
    with to_the_end():
        payload = trigger_value(PLAYER_KEY, name)
        if payload is None:
            return
        s = state()
        found = new_edits(payload, s.edit_ack)
        if found is None:  # one edit, not numbered
            EDIT_HANDLERS[name](payload)
            return
        edits, s.edit_ack = found
        for edit, body in edits:
            EDIT_HANDLERS[edit](body)


@contextlib.contextmanager
def to_the_end() -> Iterator[None]:
    """Let a callback finish: a rerun request arriving meanwhile does not stop it half-way.

    Streamlit looks for a waiting rerun request at every session-state access and raises
    there; a callback that raises it just stops (taken for its own ``st.rerun()``). A key
    pressed during a mark could leave the mark half applied (its undo entry kept, the draft
    unchanged). Here the request waits the milliseconds the callback takes: Streamlit serves
    it right after the callbacks (in this same thread: ``runner.fastReruns`` is off in
    .streamlit/config.toml, else a second thread would run its callbacks meanwhile). Uses
    SafeSessionState's ``_yield_callback`` (Streamlit 1.67); where that is missing this
    changes nothing.
    """
    safe = getattr(get_script_run_ctx(), "session_state", None)
    check = getattr(safe, "_yield_callback", None)
    if check is None:
        yield
        return
    object.__setattr__(safe, "_yield_callback", lambda: None)
    try:
        yield
    finally:
        object.__setattr__(safe, "_yield_callback", check)


def captions_url(library: Library, draft: au.Draft) -> str | None:
    """The draft's captions (named, or beside the video) as the player fetches them."""
    captions, video = draft.get("captions"), draft.get("video")
    try:
        path = captions_path(library.media_dir, str(captions) if captions else None, str(video))
    except AllianceLensError:
        return None
    return media_url(library.media_relative(path)) if path is not None else None


LABEL_CHARS = 42  # what the Selected item box beside the player shows whole at 1280 wide


def item_label(table: str, row: dict[str, Any], index: int) -> str:
    """One item as the Selected item box and the problems list name it: time, kind, words.

    An item's own words say more than its id, so the id shows only where there are none."""
    at = au.time_cell(row.get(au.MAIN_TIME[table])) or "?"
    words = {
        "episodes": row.get("title"),
        "cues": row.get("text"),
        "prompts": row.get("question"),
        "chapters": row.get("title"),
    }[table]
    words = au.one_line(str(words), LABEL_CHARS) if words else ""
    ident = ""
    if not words and table in ("episodes", "prompts") and row.get("id"):
        ident = f" {row['id']}"
    if not words and table == "episodes":
        words = str(row.get("type") or "type not chosen")
    return au.one_line(f"{at} · {TABLE_LABELS[table]}{ident} · {words or '(empty)'}", LABEL_CHARS)


def selected_panel(
    library: Library,
    current: au.DraftFile,
    track: int,
    facts: dict[str, Any],
    mapped: au.RowProblems,
) -> None:
    s = state()
    draft = current.draft
    choices = [au.Selection(t, i) for t in au.TABLES for i in range(len(au.items(draft, t, track)))]
    labels = {
        c: item_label(c.table, au.items(draft, c.table, track)[c.row], c.row) for c in choices
    }
    sel = s.selection if s.selection in choices else None
    s.selection = sel
    v = s.version
    # keyed by the selection too: a pick (or a mark) makes a new box showing it, so a box
    # built for another selection can never hand its stale value back (see selection_changed)
    box = actions.selection_box_key(v, sel)
    with st.container(border=True):
        st.selectbox(
            "Selected item",
            choices,
            index=choices.index(sel) if sel is not None else None,
            format_func=lambda c: labels[c],
            key=box,
            placeholder="Mark a moment, or pick an item",
            on_change=actions.selection_changed,  # before the script: the player highlights it
            args=(box,),
        )
        if sel is None:
            return
        item = au.items(draft, sel.table, track)[sel.row]
        fps = facts.get("fps") or 25.0
        nudge_buttons(sel, track, fps, item)
        for msg in map(au.in_words, mapped.rows.get(sel.table, {}).get(sel.row, [])):
            (st.warning if msg.startswith("warning") else st.error)(lit(msg))
        prefix = key(f"f_{v}_")
        if sel.table == "episodes":
            episode_fields(library, current, sel, track, item, prefix, mapped)
        elif sel.table == "cues":
            text_field(sel, track, "text", "Cue text", item, prefix, area=True)
            lenses = list(library.vocabulary.lenses)
            lens = item.get("lens", "alliance")
            st.selectbox(
                "Lens",
                lenses,
                index=lenses.index(lens) if lens in lenses else None,
                format_func=lambda x: library.vocabulary.lens(str(x)).label,
                key=prefix + "lens",
                on_change=actions.field_changed,
                args=(sel, track, "lens", prefix + "lens"),
            )
        elif sel.table == "prompts":
            text_field(sel, track, "question", "Question", item, prefix, area=True)
            text_field(
                sel, track, "reveal", "Commentary revealed after answering", item, prefix, area=True
            )
        else:
            text_field(sel, track, "title", "Chapter title", item, prefix)


def nudge_buttons(sel: au.Selection, track: int, fps: float, item: dict[str, Any]) -> None:
    # rows that wrap, not columns: the editor sits in the narrow column beside the player,
    # where four columns cut labels short ("Sta…") at 1280 px with the sidebar open
    steps = [
        ("−1 frame", {"frames": -1}),
        ("+1 frame", {"frames": 1}),
        ("−100 ms", {"ms": -100}),
        ("+100 ms", {"ms": 100}),
    ]
    with st.container(horizontal=True, gap="xxsmall", key=key("nudges")):  # compact: page.py
        for label, kw in steps:
            st.button(
                label,
                key=key(f"nudge_{label}"),
                on_click=actions.nudge_item,
                args=(sel, track, fps, kw),
                help="Move the start of the selected item",
            )
    pos = state().position_ms
    at = au.time_ms(item.get(au.MAIN_TIME[sel.table]))
    here = f" at {format_time(pos)}" if pos is not None else " (pause the video first)"
    with st.container(horizontal=True, gap="xsmall", key=key("item_actions")):
        st.button(
            "Go to", key=key("goto"), disabled=at is None, on_click=actions.seek, args=(at or 0,)
        )
        st.button(
            "Start here",
            key=key("in"),
            disabled=pos is None,
            on_click=actions.mark_here,
            args=("in",),
            help=f"Start the selected item at the paused frame{here}",
        )
        st.button(
            "End here",
            key=key("out"),
            disabled=pos is None or sel.table not in au.END_TIME,
            on_click=actions.mark_here,
            args=("out",),
            help=f"End the selected item at the paused frame{here}",
        )
        st.button("Delete", key=key("delete"), on_click=actions.delete_item, args=(sel, track))
