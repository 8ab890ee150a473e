"""The Author page's session state, typed: one attribute per ``st.session_state`` key.

Every key of this page starts with ``author_`` (widget keys too, see ``key``), so that the
other pages never see them. The enum values shown in pickers come from ``model``.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Generic, Literal, TypeVar, get_args, overload

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens.authoring.edit_log import EditAck
from alliance_lens.authoring.history import EditHistory
from alliance_lens.errors import Problem
from alliance_lens.model import (
    AllianceElement,
    PromptKind,
    RepairDepth,
    RepairDirectness,
    Resolution,
    RuptureType,
)
from alliance_lens.playerdata import Command
from alliance_lens.transcoding import TranscodeJob

PREFIX = "author_"
PLAYER_KEY = "author_player"
TYPES: tuple[str, ...] = get_args(RuptureType)
RESOLUTIONS: tuple[str, ...] = get_args(Resolution)
ALLIANCE: tuple[str, ...] = get_args(AllianceElement)
DEPTHS: tuple[str, ...] = get_args(RepairDepth)
DIRECTNESS: tuple[str, ...] = get_args(RepairDirectness)
PROMPT_KINDS: tuple[str, ...] = get_args(PromptKind)
TABLE_LABELS = {"episodes": "Rupture", "cues": "Cue", "prompts": "Prompt", "chapters": "Chapter"}

MessageKind = Literal["info", "success", "warning", "error"]
T = TypeVar("T")


def key(name: str) -> str:
    """The session-state key of one of this page's widgets."""
    return PREFIX + name


class _Key(Generic[T]):
    """One session-state value of the page, read and written as an attribute."""

    def __init__(self, name: str, default: T) -> None:
        self.key, self.default = key(name), default

    @overload
    def __get__(self, obj: None, owner: type) -> _Key[T]: ...
    @overload
    def __get__(self, obj: AuthorState, owner: type) -> T: ...
    def __get__(self, obj: AuthorState | None, owner: type) -> _Key[T] | T:
        if obj is None:
            return self
        value: T = obj.session.get(self.key, self.default)
        return value

    def __set__(self, obj: AuthorState, value: T) -> None:
        obj.session[self.key] = value


class AuthorState:
    """What the Author page remembers between reruns (see each attribute)."""

    file = _Key[au.DraftFile | None]("state", None)  # the open file and its draft
    dirty = _Key[bool]("dirty", False)  # the draft differs from the file on disk
    version = _Key[int]("v", 0)  # part of every editor's key: editors rebuilt per change
    track = _Key[int]("track", 0)  # index of the track being edited
    selection = _Key[au.Selection | None]("sel", None)
    conflict = _Key[bool]("conflict", False)  # a save found the file changed on disk
    confirm = _Key[tuple[str, ...] | None]("confirm", None)  # ("switch", choice)/("discard",)
    position_ms = _Key[int | None]("pos", None)  # where the player last paused
    command = _Key[Command | None]("cmd", None)  # for the player (e.g. seek)
    message = _Key[tuple[MessageKind, str] | None]("msg", None)  # shown once, then cleared
    open_slug = _Key[str | None]("open", None)  # the file to reopen after a reload
    fps = _Key[float]("fps", 25.0)  # of the open video, for nudges by frames
    job = _Key[TranscodeJob | None]("job", None)
    import_problems = _Key[list[Problem] | None]("import_problems", None)
    imported = _Key[tuple[str, au.ImportSummary] | None]("imported", None)  # name, summary
    history = _Key[EditHistory]("history", EditHistory())  # undo / redo of this session's edits
    # the player's last edit applied (edit_log.py); kept across files: the player's numbering
    # goes on, and an edit it sends again must not be applied to the next file
    edit_ack = _Key[EditAck]("edit_ack", EditAck())

    def __init__(self, session: MutableMapping[Any, Any]) -> None:
        self.session = session

    def say(self, kind: MessageKind, text: str) -> None:
        self.message = (kind, text)

    def bump(self) -> None:
        """Rebuild every editor from the draft on the next run."""
        self.version = self.version + 1

    def reset(self) -> None:
        """Forget everything about the file that was open (before opening another)."""
        for name in ("sel", "conflict", "confirm", "pos", "cmd", "msg", "history", "imported"):
            self.session.pop(key(name), None)
        self.track = 0
        self.bump()


def state() -> AuthorState:
    """The Author page's state in this browser session."""
    return AuthorState(st.session_state)
