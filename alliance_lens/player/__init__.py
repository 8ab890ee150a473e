"""The player: a Streamlit components-v2 component (video, commentary, timeline, prompts).

Data in: the JSON built by ``alliance_lens.playerdata.build_player_data``.
Triggers out (each one reruns the script once, so they are sent only at deliberate moments):

- ``answer``: ``{track, prompt, text}``, ``{track, prompt, choice}`` or (multi and marker
  prompts) ``{track, prompt, choices: [label, ...]}`` plus ``at_ms``, the moment the viewer
  gives an answer (choice picked, or Reveal pressed with text written or options ticked).
- ``position``: ``{at_ms, reason}`` with reason ``pause`` | ``prompt`` | ``hidden`` |
  ``pagehide`` (``prompt`` also carries ``track`` and ``prompt``). Never periodic; not
  after seeks or frame steps either (the in/out marks carry the frame on screen).
- ``mark`` (author mode): ``{kind: cue|onset|resolution|prompt|chapter|in|out, at_ms}``
  where ``at_ms`` is the time of the frame on screen (``in``/``out``: the selected item
  starts/ends there).
- ``nudge`` (author mode): ``{by_frames: n}`` or ``{by_ms: n}`` plus ``selected`` (as in
  the data): move the selected item's start. Key presses within 0.3 s add up into one.
- ``history`` (author mode): ``{action: "undo" | "redo"}`` (Ctrl+Z / Ctrl+Shift+Z, outside
  text fields, where the browser's own undo applies).
- ``mark``, ``nudge`` and ``history`` also carry ``edits``: every edit not yet acknowledged
  in the data's ``edit_ack``, numbered (``js/edits.js``, ``authoring/edit_log.py``).
- ``event``: ``{type: "video_error", code, message}`` when the browser cannot play the video.
- ``practice`` (practice mode): ``{marks: [{at_ms, type, markers}], reason: ended|finish}``,
  once per attempt, when the video ends or the learner presses Finish (``js/practice.js``).
- ``stage`` (presenter mode): ``{open: bool}`` when a stage window connects to this console or
  goes away (``js/console.js``); the page then sends the presenter notes, or stops sending them.

Big tracks (``trackdata.INLINE_LIMIT``) are not sent in the data: ``tracks`` is empty and
``tracks_src`` names the app route that serves them (``alliance_lens.trackdata``); the player
fetches and parses them in slices (``js/trackload.js``).

The keyboard shortcuts are one table, ``keys.KEYS``, sent in the data as ``keys`` (the ``?``
overlay and the key dispatch read it). The data's ``dirty`` flag makes the player hold a
``beforeunload`` warning (any mode).

The JavaScript is ES modules in ``js/`` (entry ``index.js``), served by Streamlit from the
``asset_dir`` declared in pyproject.toml, so the modules import each other by relative path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from alliance_lens.player.keys import key_table
from alliance_lens.trackdata import offload

_HERE = Path(__file__).resolve().parent
# stage.css: the presenter console and its stage window (the stage page loads it too)
CSS = "\n".join((_HERE / n).read_text(encoding="utf-8") for n in ("player.css", "stage.css"))
NAME = "alliance-lens.player"  # <project name>.<component name> as in pyproject.toml
ENTRY = "index.js"  # in js/, the asset_dir
TRIGGERS = ("answer", "position", "mark", "nudge", "history", "event", "practice", "stage")

Callback = Callable[[], None]


@functools.cache
def _component() -> Any:
    # Registered on first mount, not at import: a file-backed module needs the asset_dir that
    # the running Streamlit runtime found in pyproject.toml (plain imports have no runtime).
    return st.components.v2.component(
        NAME,
        html="",  # the module builds its DOM once and keeps it across reruns
        css=CSS,
        js=ENTRY,
        isolate_styles=True,
    )


def player(
    data: dict[str, Any],
    *,
    key: str,
    on_answer: Callback | None = None,
    on_position: Callback | None = None,
    on_mark: Callback | None = None,
    on_nudge: Callback | None = None,
    on_history: Callback | None = None,
    on_event: Callback | None = None,
    on_practice: Callback | None = None,
    on_stage: Callback | None = None,
) -> Any:
    """Mount the player. Callbacks run before the script on the rerun a trigger causes;
    read the payload there with ``trigger_value(key, name)``.

    A trigger without a callback is not returned to Python at all.
    """
    callbacks = {
        "on_answer_change": on_answer,
        "on_position_change": on_position,
        "on_mark_change": on_mark,
        "on_nudge_change": on_nudge,
        "on_history_change": on_history,
        "on_event_change": on_event,
        "on_practice_change": on_practice,
        "on_stage_change": on_stage,
    }
    return _component()(
        key=key,
        data={**offload(data), "keys": key_table()},  # big tracks: by URL (trackdata.py)
        **{name: cb for name, cb in callbacks.items() if cb is not None},
    )


def trigger_value(key: str, name: str) -> Any:
    """The payload of trigger ``name`` for the player mounted with ``key``, or None."""
    state = st.session_state.get(key)
    if state is None:
        return None
    try:
        return state[name]
    except (KeyError, TypeError):
        return getattr(state, name, None)
