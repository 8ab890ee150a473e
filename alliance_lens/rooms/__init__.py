"""The live room (issue 15): participants answer and tap on their own phones; the presenter's
console and stage see the room. Pure Python; the routes are Starlette, never Streamlit."""

from alliance_lens.rooms.core import (
    STAGE_DISPLAYS,
    NotAllowed,
    Participant,
    PromptClosed,
    Room,
    RoomEnded,
    RoomError,
    RoomPrompt,
    Tally,
    TooMany,
    UnknownRoom,
)
from alliance_lens.rooms.store import RoomStore, SavedAnswer

__all__ = [
    "STAGE_DISPLAYS",
    "NotAllowed",
    "Participant",
    "PromptClosed",
    "Room",
    "RoomEnded",
    "RoomError",
    "RoomPrompt",
    "RoomStore",
    "SavedAnswer",
    "Tally",
    "TooMany",
    "UnknownRoom",
]
