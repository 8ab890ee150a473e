"""The Watch page's session state: its keys, the player's triggers that write to it, and the
presenter's additions to the player's data (stage and live room)."""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from alliance_lens.answers import encode as encode_choices
from alliance_lens.model import CommentaryFile
from alliance_lens.player import trigger_value
from alliance_lens.playerdata import Command, answer_key
from alliance_lens.stagedata import console_data
from alliance_lens.ui import learner, room_panel

PLAYER_KEY = "watch_player"
ANSWERS_KEY = "watch_answers"  # {slug: {"track/prompt": {"text"|"choice"|"choices", "at_ms"}}}
POSITIONS_KEY = "watch_positions"  # {slug: {"at_ms", "reason"}}
EVENTS_KEY = "watch_events"  # last browser events, e.g. a video the browser cannot decode
SLUG_KEY = "watch_slug"  # the video on screen, so callbacks know what a trigger is about
COMMAND_KEY = "watch_command"
SAVE_PROBLEM_KEY = "watch_save_problem"  # why the last answer could not be stored, if so
RESUMED_KEY = "watch_resumed"  # {slug: ms} videos resumed from a saved position this session
STAGE_KEY = "watch_stage_open"  # {slug: bool} a stage window follows this console (issue 13)


def handle_answer(payload: Any = None) -> None:
    """An answer was given in the player: keep it in the session and save it for the learner.

    As a callback it gets no arguments and reads the trigger; tests pass ``payload``.
    """
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "answer")
    slug = st.session_state.get(SLUG_KEY)
    if not isinstance(payload, dict) or not slug:
        return
    track, prompt = payload.get("track"), payload.get("prompt")
    if not isinstance(track, str) or not isinstance(prompt, str):
        return
    answer: dict[str, Any] = {"at_ms": payload.get("at_ms")}
    chosen = payload.get("choices")
    if isinstance(chosen, list) and all(isinstance(c, str) for c in chosen):
        answer["choices"] = chosen  # a multi or marker prompt: kept as one encoded choice
    elif isinstance(payload.get("choice"), str):
        answer["choice"] = payload["choice"]
    elif isinstance(payload.get("text"), str):
        answer["text"] = payload["text"]  # whole: the store refuses what is too long, and says so
    else:
        return
    answers = st.session_state.setdefault(ANSWERS_KEY, {})
    answers.setdefault(slug, {})[answer_key(track, prompt)] = answer
    st.session_state[SAVE_PROBLEM_KEY] = learner.save_answer(
        slug,
        track,
        prompt,
        text=answer.get("text"),
        choice=encode_choices(answer["choices"]) if "choices" in answer else answer.get("choice"),
    )


def handle_position(payload: Any = None) -> None:
    """Playback stopped somewhere (pause, prompt, page hidden): keep it to resume from there."""
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "position")
    slug = st.session_state.get(SLUG_KEY)
    if isinstance(payload, dict) and slug and isinstance(payload.get("at_ms"), int | float):
        at_ms = max(0, int(payload["at_ms"]))
        positions = st.session_state.setdefault(POSITIONS_KEY, {})
        positions[slug] = {"at_ms": at_ms, "reason": payload.get("reason")}
        learner.save_position(slug, at_ms)  # best effort: a lost position loses no work


def handle_event(payload: Any = None) -> None:
    """The browser reported something (e.g. it cannot decode the video)."""
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "event")
    slug = st.session_state.get(SLUG_KEY)
    if isinstance(payload, dict) and slug:
        st.session_state.setdefault(EVENTS_KEY, {})[slug] = payload


def handle_stage(payload: Any = None) -> None:
    """A stage window connected to the console (or went away): notes are sent only while open."""
    payload = payload if payload is not None else trigger_value(PLAYER_KEY, "stage")
    slug = st.session_state.get(SLUG_KEY)
    if isinstance(payload, dict) and slug:
        st.session_state.setdefault(STAGE_KEY, {})[slug] = payload.get("open") is True


def stage_open(slug: str) -> bool:
    return bool(st.session_state.get(STAGE_KEY, {}).get(slug))


def presenter_data(
    data: dict[str, Any], doc: CommentaryFile | None, slug: str, track_ids: tuple[str, ...] | None
) -> None:
    """Presenter mode: add the stage's address (its notes only while a stage window follows
    this console) and the live room's link, if a room is open, to the player's ``data``."""
    if doc is not None:
        data["console"] = console_data(doc, slug, track_ids, notes=stage_open(slug))
    data["room"] = room_panel.player_link(doc, track_ids)


def session_answers(slug: str) -> dict[str, dict[str, Any]]:
    return dict(st.session_state.get(ANSWERS_KEY, {}).get(slug, {}))


def request_seek(at_ms: int) -> None:
    """Ask the player to seek (Python -> browser command, acted on once per nonce)."""
    st.session_state[COMMAND_KEY] = Command("seek", uuid.uuid4().hex, at_ms)
